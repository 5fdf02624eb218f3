//! Pass `operation-table` (client): `OPERATIONS`, the method and path
//! template of each operation, which the runtime uses to name requests in
//! tracing spans without their ids; and the check that progenitor emitted
//! every operation of the document.

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;

use crate::pipeline::syntax::squash;

/// Add `pub const OPERATIONS: &[(&str, &str, &str)]`: for each operation,
/// the id progenitor gives it (`OperationInfo::operation_id`), its method
/// and its path template, sorted by id. `routes` maps the document's
/// operationIds to (METHOD, path); ids are matched ignoring case and
/// punctuation, as the snapshots do. Returns the document's operationIds
/// found in the client.
pub fn operation_table(
    file: &mut syn::File,
    routes: &BTreeMap<String, (String, String)>,
) -> BTreeSet<String> {
    struct Ids(Vec<String>);
    impl<'ast> syn::visit::Visit<'ast> for Ids {
        fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
            if s.path
                .segments
                .last()
                .is_some_and(|l| l.ident == "OperationInfo")
            {
                for field in &s.fields {
                    if let syn::Member::Named(n) = &field.member
                        && n == "operation_id"
                        && let syn::Expr::Lit(l) = &field.expr
                        && let syn::Lit::Str(v) = &l.lit
                    {
                        self.0.push(v.value());
                    }
                }
            }
            syn::visit::visit_expr_struct(self, s);
        }
    }
    let mut ids = Ids(Vec::new());
    syn::visit::Visit::visit_file(&mut ids, file);
    let by_squash: BTreeMap<String, (&String, &(String, String))> =
        routes.iter().map(|(id, r)| (squash(id), (id, r))).collect();
    let mut found = BTreeSet::new();
    let table: BTreeMap<String, (String, String)> = ids
        .0
        .into_iter()
        .filter_map(|id| {
            let (doc_id, route) = by_squash.get(&squash(&id))?;
            found.insert((*doc_id).clone());
            Some((id, (*route).clone()))
        })
        .collect();
    let rows = table
        .iter()
        .map(|(id, (method, path))| quote!((#id, #method, #path)));
    file.items.push(syn::parse_quote! {
        /// Every operation: the id the client's hooks see
        /// (`OperationInfo::operation_id`), its HTTP method and its path
        /// template, sorted by id.
        pub const OPERATIONS: &[(&str, &str, &str)] = &[#(#rows),*];
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A builder as progenitor writes one: its `send` names the operation.
    const BUILDER: &str = r#"
        pub mod builder {
            pub struct Get<'a> { client: &'a super::Client }
            impl<'a> Get<'a> {
                pub async fn send(self) -> Result<ResponseValue<crate::Session>, Error<()>> {
                    let info = OperationInfo { operation_id: "session_get" };
                    todo!()
                }
            }
        }
    "#;

    fn file(src: &str) -> syn::File {
        syn::parse_str(src).expect("test input parses")
    }

    fn text(f: &syn::File) -> String {
        prettyplease::unparse(f)
    }

    #[test]
    fn the_operation_table_uses_the_hooks_ids_and_path_templates() {
        let mut f = file(BUILDER);
        let routes = BTreeMap::from([
            (
                "Session_get".to_string(),
                ("GET".to_string(), "/session/{id}".to_string()),
            ),
            ("unused".to_string(), ("POST".to_string(), "/x".to_string())),
        ]);
        let found = operation_table(&mut f, &routes);
        assert_eq!(found, BTreeSet::from(["Session_get".to_string()]));
        let out = text(&f);
        let flat: String = out.split_whitespace().collect();
        assert!(
            flat.contains(r#"pubconstOPERATIONS:&[(&str,&str,&str)]=&[("session_get","GET","/session/{id}")];"#),
            "{out}"
        );
    }
}
