//! Pass `operation-dispatch-macro` (see [`PASSES`](super::PASSES)): add
//! `with_operation!`, which maps an operationId to the type of its success
//! body (a component or an array of one, as the client decodes it; free-form
//! JSON for other schemas): `with_operation!(id, f(args))` is `Some(f::<Type>(args))`, or
//! `None` for an operation without a JSON success body (or an unknown id).
//! The decode example uses it (`--operation <operationId>`) to decode a
//! response the way the client does, whatever the operation's schema; like
//! `with_component!`, it costs nothing until used.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// The Rust type of a success body: a component, an array of components,
/// or (for anything else: a string, an inline object typify left unnamed)
/// free-form JSON.
fn body_type(schema: &Value, names: &BTreeMap<String, String>) -> TokenStream {
    let component = |s: &Value| {
        let rust = names.get(crate::spec::named_component(s)?)?;
        Some(syn::Ident::new(rust, proc_macro2::Span::call_site()))
    };
    if let Some(ty) = component(schema) {
        return quote!($crate::#ty);
    }
    if schema.get("type").and_then(Value::as_str) == Some("array")
        && let Some(ty) = schema.get("items").and_then(component)
    {
        return quote!(::std::vec::Vec<$crate::#ty>);
    }
    quote!(::serde_json::Value)
}

/// Add `with_operation!` for the operations of `doc` that answer with a JSON
/// body. Returns how many operations it maps.
pub fn operation_dispatch_macro(
    file: &mut syn::File,
    operations: &crate::spec::operation_model::OperationModel,
    names: &BTreeMap<String, String>,
) -> usize {
    let mut bodies: BTreeMap<&str, TokenStream> = BTreeMap::new();
    for op in &operations.operations {
        if let (Some(id), Some(schema)) = (op.id.as_deref(), op.success_json()) {
            bodies.insert(id, body_type(schema, names));
        }
    }
    let arms = bodies
        .iter()
        .map(|(id, ty)| quote!(#id => ::std::option::Option::Some($f::<#ty>($($arg),*)),));
    let listed = bodies.keys();
    file.items.push(syn::parse_quote! {
        /// `with_operation!(operation_id, f(args))`: `Some(f::<T>(args))` where
        /// `T` is the type of the operation's success body: its component, a
        /// `Vec` of its component, or `serde_json::Value` for any other
        /// schema; `None` if it has no `application/json` success body.
        /// `with_operation!(@names)` lists the operations it knows.
        #[macro_export]
        macro_rules! with_operation {
            (@names) => { &[#(#listed),*] };
            ($id:expr, $f:ident($($arg:expr),* $(,)?)) => {
                match $id {
                    #(#arms)*
                    _ => ::std::option::Option::None,
                }
            };
        }
    });
    bodies.len()
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use serde_json::json;

    #[test]
    fn operations_map_to_their_success_body_type() {
        let doc = json!({"paths": {"/t": {
            "get": {"operationId": "T_list", "responses": {"200": {"content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/T"}}}}}}},
            "post": {"operationId": "T_create", "responses": {"201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/T"}}}}}},
            "delete": {"operationId": "T_clear", "responses": {"204": {"description": "gone"}}},
            "put": {"operationId": "T_text", "responses": {"200": {"content": {"application/json": {"schema": {"type": "string"}}}}}}
        }}});
        let names = BTreeMap::from([("T".to_string(), "Thing".to_string())]);
        let mut file: syn::File = syn::parse_quote!();
        let operations = crate::spec::operation_model::OperationModel::of(&doc);
        assert_eq!(operation_dispatch_macro(&mut file, &operations, &names), 3);
        let t = text(&file);
        assert!(
            t.contains(
                "\"T_create\"=>::std::option::Option::Some($f::<$crate::Thing>($($arg),*)),"
            ),
            "{t}"
        );
        assert!(t.contains("\"T_list\"=>::std::option::Option::Some($f::<::std::vec::Vec<$crate::Thing>>($($arg),*)),"), "{t}");
        assert!(
            t.contains(
                "\"T_text\"=>::std::option::Option::Some($f::<::serde_json::Value>($($arg),*)),"
            ),
            "{t}"
        );
        assert!(!t.contains("T_clear"), "{t}");
    }
}
