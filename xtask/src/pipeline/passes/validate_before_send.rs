//! Pass `validate-before-send`: request builders whose body type has a
//! `Validate` impl (pass `validate-impls`) check it before sending:
//! progenitor's and the client stage's own (module `manual`) alike.

use std::collections::BTreeSet;

use crate::pipeline::syntax::type_ident;

/// Give each request builder whose body type has a `Validate` impl a
/// private `validate_body(&self)`: the body's constraints, which the public
/// `send()` (pass `unified-errors`) checks first, so that a body that breaks
/// one fails with `Error::Validation` (every field and constraint, with its
/// path) before anything goes on the wire. The body setter is left as it
/// is. Returns how many builders got it.
pub fn validate_before_send(
    file: &mut syn::File,
    models_crate: &str,
    validated: &BTreeSet<String>,
) -> usize {
    struct Builders<'a> {
        krate: syn::Ident,
        validated: &'a BTreeSet<String>,
        changed: usize,
    }
    /// The `T` of `TryInto<T>`/`Into<T>` among `bounds`.
    fn converts_to<'b>(
        bounds: impl IntoIterator<Item = &'b syn::TypeParamBound>,
    ) -> Option<syn::Type> {
        bounds.into_iter().find_map(|b| match b {
            syn::TypeParamBound::Trait(tr) => {
                let last = tr.path.segments.last()?;
                if last.ident != "TryInto" && last.ident != "Into" {
                    return None;
                }
                match &last.arguments {
                    syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
                        syn::GenericArgument::Type(ty) => Some(ty.clone()),
                        _ => None,
                    },
                    _ => None,
                }
            }
            _ => None,
        })
    }
    /// The body type of a `body` setter: the `T` of progenitor's
    /// `V: TryInto<T>` bound, or of the `value: impl Into<T>` argument the
    /// client stage writes for the operations it generates itself.
    fn body_target(f: &syn::ImplItemFn) -> Option<syn::Type> {
        if f.sig.ident != "body" {
            return None;
        }
        let bound = f.sig.generics.where_clause.as_ref().and_then(|w| {
            w.predicates.iter().find_map(|p| match p {
                syn::WherePredicate::Type(t) => converts_to(&t.bounds),
                _ => None,
            })
        });
        bound.or_else(|| {
            f.sig.inputs.iter().find_map(|input| match input {
                syn::FnArg::Typed(t) => match &*t.ty {
                    syn::Type::ImplTrait(it) => converts_to(&it.bounds),
                    _ => None,
                },
                syn::FnArg::Receiver(_) => None,
            })
        })
    }
    impl syn::visit_mut::VisitMut for Builders<'_> {
        fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
            let target = imp.items.iter().find_map(|item| match item {
                syn::ImplItem::Fn(f) => body_target(f),
                _ => None,
            });
            let Some(target) = target else { return };
            let is_models = match &target {
                syn::Type::Path(p) => p
                    .path
                    .segments
                    .first()
                    .is_some_and(|s| s.ident == self.krate),
                _ => false,
            };
            if !is_models || !type_ident(&target).is_some_and(|t| self.validated.contains(&t)) {
                return;
            }
            let krate = &self.krate;
            imp.items.push(syn::parse_quote! {
                /// The body's constraints (the spec's), which `send()` checks
                /// before sending.
                fn validate_body(&self) -> ::std::result::Result<(), ::#krate::validate::ValidationErrors> {
                    match &self.body {
                        ::std::result::Result::Ok(body) => ::#krate::validate::Validate::validate(body),
                        ::std::result::Result::Err(_) => ::std::result::Result::Ok(()),
                    }
                }
            });
            self.changed += 1;
        }
    }
    let mut v = Builders {
        krate: syn::Ident::new(
            &models_crate.replace('-', "_"),
            proc_macro2::Span::call_site(),
        ),
        validated,
        changed: 0,
    };
    syn::visit_mut::VisitMut::visit_file_mut(&mut v, file);
    v.changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn text(file: &syn::File) -> String {
        prettyplease::unparse(file).split_whitespace().collect()
    }

    #[test]
    fn body_setters_validate_validated_types_only() {
        let mut file: syn::File = syn::parse2(quote! {
            impl<'a> A<'a> {
                pub fn body<V>(mut self, value: V) -> Self where V: std::convert::TryInto<::cozmox_models::Dto> {
                    self.body = value.try_into().map_err(|_| "conversion failed".to_string());
                    self
                }
            }
            impl<'a> B<'a> {
                pub fn body<V>(mut self, value: V) -> Self where V: std::convert::TryInto<::cozmox_models::Other> {
                    self.body = value.try_into().map_err(|_| "conversion failed".to_string());
                    self
                }
            }
            // The client stage's own builders (module `manual`).
            impl<'a> C<'a> {
                pub fn body(mut self, value: impl ::std::convert::Into<::cozmox_models::Dto>) -> Self {
                    self.body = ::std::result::Result::Ok(value.into());
                    self
                }
            }
        })
        .expect("parses");
        let validated = BTreeSet::from(["Dto".to_string()]);
        assert_eq!(
            validate_before_send(&mut file, "cozmox-models", &validated),
            2
        );
        let t = text(&file);
        assert!(
            t.contains("fnvalidate_body(&self,)->::std::result::Result<(),::cozmox_models::validate::ValidationErrors>{match&self.body{::std::result::Result::Ok(body)=>{::cozmox_models::validate::Validate::validate(body)}"),
            "{t}"
        );
        assert_eq!(t.matches("fnvalidate_body").count(), 2, "{t}");
        assert!(t.contains("impl<'a>C<'a>{pubfnbody(mutself,value:impl::std::convert::Into<::cozmox_models::Dto>,)->Self{self.body=::std::result::Result::Ok(value.into());self}///Thebody'sconstraints(thespec's),which`send()`checks///beforesending.fnvalidate_body"), "{t}");
        // The setter is left as it is.
        assert_eq!(t.matches("self.body=value.try_into()").count(), 2, "{t}");
    }
}
