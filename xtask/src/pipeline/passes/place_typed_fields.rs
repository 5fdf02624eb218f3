//! Pass `place-typed-fields` (see [`PASSES`](super::PASSES)): a struct field
//! whose place shares its type with other places (normalization rule
//! `shared-inline-type`) is typed with its own place's alias, not with the
//! shared type's name, which is another place's: `CreateCustomerDto.email`
//! reads `Option<CreateCustomerDtoEmail>`, not `Option<OrgName>`. The alias
//! is the same type, so nothing else changes; what the field says no longer
//! depends on which places share, so an edit of one place leaves the other
//! places' structs as they were.
//!
//! The place of a field is the name typify gives the inline schema of a
//! struct's property (`{Struct} {property}`, or `{Struct} {property} item`
//! for the elements of an array), as the rule computed it.

use std::collections::BTreeMap;

use syn::visit_mut::VisitMut;
use syn::{Item, TypePath};

use crate::pipeline::syntax::named_fields;
use crate::spec::type_name;

/// Type the fields of every struct with their places' aliases (`aliases`:
/// place → shared type, from pass `shared-type-aliases`). Returns the fields
/// changed, as `Struct.property`.
pub fn place_typed_fields(file: &mut syn::File, aliases: &BTreeMap<String, String>) -> Vec<String> {
    let mut changed = Vec::new();
    if aliases.is_empty() {
        return changed;
    }
    for item in &mut file.items {
        let Item::Struct(st) = item else { continue };
        let Some(infos) = named_fields(st) else {
            continue;
        };
        let name = st.ident.to_string();
        let syn::Fields::Named(named) = &mut st.fields else {
            continue;
        };
        for (field, info) in named.named.iter_mut().zip(infos) {
            if info.flatten {
                continue;
            }
            for place in [
                type_name(&format!("{name} {}", info.json)),
                type_name(&format!("{name} {} item", info.json)),
            ] {
                let Some(shared) = aliases.get(&place) else {
                    continue;
                };
                let mut retype = Retype {
                    from: shared,
                    to: &place,
                    hits: 0,
                };
                retype.visit_type_mut(&mut field.ty);
                if retype.hits > 0 {
                    changed.push(format!("{name}.{}", info.json));
                    break;
                }
            }
        }
    }
    changed
}

/// Renames the one-segment type path `from` to `to`.
struct Retype<'a> {
    from: &'a str,
    to: &'a str,
    hits: usize,
}

impl VisitMut for Retype<'_> {
    fn visit_type_path_mut(&mut self, path: &mut TypePath) {
        if path.qself.is_none()
            && path.path.leading_colon.is_none()
            && path.path.segments.len() == 1
            && path.path.segments[0].ident == self.from
        {
            path.path.segments[0].ident =
                syn::Ident::new(self.to, path.path.segments[0].ident.span());
            self.hits += 1;
        }
        syn::visit_mut::visit_type_path_mut(self, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::{ToTokens, quote};

    #[test]
    fn fields_take_their_places_alias() {
        let mut file: syn::File = syn::parse2(quote! {
            pub struct OrgName(String);
            pub struct Org { pub name: Option<OrgName> }
            pub struct CreateCustomerDto {
                pub email: Option<OrgName>,
                #[serde(rename = "externalId")]
                pub external_id: Option<OrgName>,
                pub tags: Vec<OrgName>,
                pub owner: Option<Box<OrgName>>,
                pub other: Option<OrgName>,
                #[serde(flatten)]
                pub extra: OrgName,
            }
            pub type CreateCustomerDtoEmail = OrgName;
            pub type CreateCustomerDtoExternalId = OrgName;
            pub type CreateCustomerDtoTagsItem = OrgName;
            pub type CreateCustomerDtoOwner = OrgName;
        })
        .expect("parses");
        let aliases: BTreeMap<String, String> = [
            "CreateCustomerDtoEmail",
            "CreateCustomerDtoExternalId",
            "CreateCustomerDtoTagsItem",
            "CreateCustomerDtoOwner",
            "CreateCustomerDtoExtra",
        ]
        .into_iter()
        .map(|p| (p.to_string(), "OrgName".to_string()))
        .collect();
        let changed = place_typed_fields(&mut file, &aliases);
        assert_eq!(
            changed,
            [
                "CreateCustomerDto.email",
                "CreateCustomerDto.externalId",
                "CreateCustomerDto.tags",
                "CreateCustomerDto.owner"
            ]
        );
        // The place that gave the shared type its name (`Org.name`) and a
        // field without a place alias keep the shared name.
        let types: Vec<(String, String)> = file
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Struct(st) if matches!(st.fields, syn::Fields::Named(_)) => Some(st),
                _ => None,
            })
            .flat_map(|st| {
                let name = st.ident.to_string();
                st.fields.iter().map(move |f| {
                    let field = f
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    let ty = f.ty.to_token_stream().to_string().replace(' ', "");
                    (format!("{name}.{field}"), ty)
                })
            })
            .collect();
        let expect = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(f, t)| ((*f).to_string(), (*t).to_string()))
                .collect()
        };
        assert_eq!(
            types,
            expect(&[
                ("Org.name", "Option<OrgName>"),
                ("CreateCustomerDto.email", "Option<CreateCustomerDtoEmail>"),
                (
                    "CreateCustomerDto.external_id",
                    "Option<CreateCustomerDtoExternalId>"
                ),
                ("CreateCustomerDto.tags", "Vec<CreateCustomerDtoTagsItem>"),
                (
                    "CreateCustomerDto.owner",
                    "Option<Box<CreateCustomerDtoOwner>>"
                ),
                ("CreateCustomerDto.other", "Option<OrgName>"),
                ("CreateCustomerDto.extra", "OrgName"),
            ])
        );
    }
}
