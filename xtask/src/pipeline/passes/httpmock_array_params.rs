//! Pass `httpmock-array-params` (see [`PASSES`](super::PASSES)): progenitor's
//! httpmock helpers match a parameter with `query_param(name,
//! value.to_string())`, which does not compile for array parameters (`Vec`
//! has no `Display`). The client sends an array query parameter as one
//! `name=item` pair per item, so match it that way: one `query_param(name,
//! item)` per item. Returns the helpers changed (`Type::method`).

use quote::ToTokens;
use syn::{ImplItem, Item};

use crate::pipeline::syntax::type_ident;

/// progenitor's httpmock helpers match a parameter with
/// `query_param(name, value.to_string())`, which does not compile for array
/// parameters (`Vec` has no `Display`). The client sends an
/// array query parameter as one `name=item` pair per item, so match it that
/// way: one `query_param(name, item)` per item. Returns the helpers changed
/// (`Type::method`).
pub fn httpmock_array_params(file: &mut syn::File) -> Vec<String> {
    use syn::visit_mut::VisitMut;

    struct PerItem(bool);
    impl VisitMut for PerItem {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if let Some(replacement) = per_item(expr) {
                *expr = replacement;
                self.0 = true;
                return;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }

    /// `Self(self.0.query_param(NAME, value.to_string()))` → one call per
    /// item of `value`.
    fn per_item(expr: &syn::Expr) -> Option<syn::Expr> {
        let syn::Expr::Call(call) = expr else {
            return None;
        };
        let is_path = |e: &syn::Expr, name: &str| matches!(e, syn::Expr::Path(p) if p.qself.is_none() && p.path.is_ident(name));
        if !is_path(&call.func, "Self") || call.args.len() != 1 {
            return None;
        }
        let syn::Expr::MethodCall(m) = &call.args[0] else {
            return None;
        };
        // `self.0`
        let self_0 = matches!(&*m.receiver, syn::Expr::Field(f)
            if is_path(&f.base, "self")
                && matches!(&f.member, syn::Member::Unnamed(i) if i.index == 0));
        // `value.to_string()`
        let value_to_string = matches!(m.args.get(1), Some(syn::Expr::MethodCall(c))
            if c.method == "to_string" && c.args.is_empty() && is_path(&c.receiver, "value"));
        if m.method != "query_param" || !self_0 || m.args.len() != 2 || !value_to_string {
            return None;
        }
        let name = &m.args[0];
        Some(syn::parse_quote! {{
            let mut inner = self.0;
            for item in value.iter() {
                inner = inner.query_param(#name, item.to_string());
            }
            Self(inner)
        }})
    }

    let mut changed = Vec::new();
    let mut visit = |items: &mut Vec<Item>| {
        for item in items {
            let Item::Impl(imp) = item else { continue };
            let ty = type_ident(&imp.self_ty).unwrap_or_default();
            for member in &mut imp.items {
                let ImplItem::Fn(f) = member else { continue };
                if !crate::pipeline::syntax::contains_ident(f.sig.to_token_stream(), "Vec") {
                    continue;
                }
                let mut v = PerItem(false);
                v.visit_block_mut(&mut f.block);
                if v.0 {
                    changed.push(format!("{ty}::{}", f.sig.ident));
                }
            }
        }
    };
    for item in &mut file.items {
        if let Item::Mod(m) = item
            && let Some((_, items)) = &mut m.content
        {
            visit(items);
        }
    }
    visit(&mut file.items);
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn httpmock_array_query_parameters_match_per_item() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod operations {
                pub struct ListWhen(::httpmock::When);
                impl ListWhen {
                    pub fn ids<'a, T>(self, value: T) -> Self
                    where T: Into<Option<&'a ::std::vec::Vec<::std::string::String>>>,
                    {
                        if let Some(value) = value.into() {
                            Self(self.0.query_param("ids", value.to_string()))
                        } else {
                            Self(self.0.query_param_missing("ids"))
                        }
                    }
                    pub fn name<'a, T>(self, value: T) -> Self
                    where T: Into<Option<&'a str>>,
                    {
                        if let Some(value) = value.into() {
                            Self(self.0.query_param("name", value.to_string()))
                        } else {
                            Self(self.0.query_param_missing("name"))
                        }
                    }
                }
            }
        })
        .unwrap();
        assert_eq!(httpmock_array_params(&mut file), ["ListWhen::ids"]);
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("for item in value.iter() {\n                        inner = inner.query_param(\"ids\", item.to_string());"),
            "{text}"
        );
        assert!(
            text.contains("Self(self.0.query_param(\"name\", value.to_string()))"),
            "{text}"
        );
        assert!(text.contains("query_param_missing(\"ids\")"), "{text}");
    }
}
