//! Pass `builder-paging-start` (see [`PASSES`](super::PASSES)): a paginated
//! list's page stream starts where the caller's query says.
//!
//! `client.sessions().list().limit(10).page(3).stream()` must ask for 10 per
//! request from page 3, but progenitor's request builders keep what their
//! setters were given in private fields of the `builder` module, and the page
//! stream (`PageQuery`, implemented in the resource layer) sets `page` and
//! `limit` on every request. So each paginated list's builder gets a
//! crate-private accessor, [`ACCESSOR`], that reads the two fields (through
//! `paginate::count_of`, whatever number type the spec gives them);
//! `PageQuery::start` calls it. Which builders and which fields come from the
//! resource plan's pagination, as the resource layer's `PageQuery` impls do.
//! Returns the builders given the accessor.

use std::collections::BTreeMap;

use quote::format_ident;
use syn::Item;

use super::super::resources::Plan;
use crate::Error;

/// The accessor's name: `fn paging_start(&self) -> (Option<u64>, Option<u64>)`,
/// the page and the page size set on the builder.
pub const ACCESSOR: &str = "paging_start";

/// Add the accessor to the builder of every paginated list of `plan` in the
/// client `file`'s `builder` module.
///
/// # Errors
/// A paginated list whose builder is not there, or lacks the fields: the
/// resource layer's `PageQuery::start` would call an accessor that is not.
pub fn builder_paging_start(file: &mut syn::File, plan: &Plan) -> Result<Vec<String>, Error> {
    // Builder type → (page field, if the list has page numbers; limit field).
    let mut wanted: BTreeMap<String, (Option<syn::Ident>, syn::Ident)> = BTreeMap::new();
    for resource in plan.resources.values() {
        for m in resource.methods.iter().filter(|m| !m.manual) {
            if let Some(p) = &m.pagination {
                wanted.insert(
                    m.builder_type(),
                    (p.page_field.clone(), p.limit_field.clone()),
                );
            }
        }
    }
    let mut added = Vec::new();
    for item in &mut file.items {
        let Item::Mod(module) = item else { continue };
        if module.ident != "builder" {
            continue;
        }
        let Some((_, items)) = &mut module.content else {
            continue;
        };
        let mut impls = Vec::new();
        for member in items.iter() {
            let Item::Struct(s) = member else { continue };
            let Some((page, limit)) = wanted.get(&s.ident.to_string()) else {
                continue;
            };
            let has = |name: &syn::Ident| s.fields.iter().any(|f| f.ident.as_ref() == Some(name));
            if !(page.as_ref().is_none_or(has) && has(limit)) {
                continue;
            }
            let ty = &s.ident;
            let page = match page {
                Some(page) => quote::quote!(crate::paginate::count_of(&self.#page)),
                None => quote::quote!(::std::option::Option::None),
            };
            let accessor = format_ident!("{ACCESSOR}");
            impls.push(syn::parse_quote! {
                impl<'a> #ty<'a> {
                    /// The page and the page size set on this query, if
                    /// any: where its page stream starts.
                    pub(crate) fn #accessor(&self) -> (::std::option::Option<u64>, ::std::option::Option<u64>) {
                        (#page, crate::paginate::count_of(&self.#limit))
                    }
                }
            });
            added.push(ty.to_string());
        }
        items.extend(impls);
    }
    if let Some(missing) = wanted.keys().find(|b| !added.contains(b)) {
        return Err(Error::at(
            missing,
            "",
            "a paginated list's request builder is not in progenitor's `builder` module with \
             its page and page-size fields",
        ));
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::resources::{Pagination, Resource, ResourceMethod};

    fn plan(manual: bool) -> Plan {
        let mut m = ResourceMethod::bare("ThingController_list", "GET", "/thing", "list");
        m.manual = manual;
        m.pagination = Some(Pagination {
            page_field: Some(format_ident!("page")),
            limit_field: format_ident!("limit"),
            cursor: None,
            item: syn::parse_quote!(::m::Thing),
            items_field: Some(format_ident!("results")),
            total: syn::parse_quote!(None),
            key: syn::parse_quote!(None),
        });
        let mut plan = Plan::default();
        plan.resources.insert(
            "Things".into(),
            Resource {
                label: "thing".into(),
                type_name: "Things".into(),
                accessor: "things".into(),
                methods: vec![m],
            },
        );
        plan
    }

    fn file() -> syn::File {
        syn::parse_quote! {
            pub mod builder {
                pub struct ThingControllerList<'a> {
                    client: &'a super::Client,
                    limit: Result<Option<u64>, String>,
                    page: Result<Option<::std::num::NonZeroU64>, String>,
                }
                pub struct ThingControllerGet<'a> {
                    client: &'a super::Client,
                    page: Result<Option<u64>, String>,
                }
            }
        }
    }

    #[test]
    fn paginated_builders_get_the_accessor_and_nothing_else_does() {
        let mut f = file();
        assert_eq!(
            builder_paging_start(&mut f, &plan(false)).unwrap(),
            ["ThingControllerList"]
        );
        let text = quote::quote!(#f).to_string();
        assert!(
            text.contains("impl < 'a > ThingControllerList < 'a >"),
            "{text}"
        );
        assert!(text.contains("count_of (& self . page)"), "{text}");
        assert!(!text.contains("impl < 'a > ThingControllerGet"), "{text}");
        // An operation the client stage writes itself has no such builder.
        let mut f = file();
        assert!(
            builder_paging_start(&mut f, &plan(true))
                .unwrap()
                .is_empty()
        );
        // A builder without the fields is an error, not a call to nothing.
        let mut f: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct ThingControllerList<'a> { client: &'a super::Client }
            }
        };
        let err = builder_paging_start(&mut f, &plan(false)).unwrap_err();
        assert_eq!(err.component.as_deref(), Some("ThingControllerList"));
    }
}
