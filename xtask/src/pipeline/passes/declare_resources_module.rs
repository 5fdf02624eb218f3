//! Pass `declare-resources-module` (client): the client declares the
//! resource layer's module (`resources.rs`, written beside it by the
//! resource stage), documented with a call of the plan's first resource.

use crate::pipeline::resources::Plan;

/// Declare `pub mod resources;` in the client file; its doc shows one call
/// (the first resource's `get`, else its first method, with its path
/// parameters and body).
pub fn declare_resources_module(file: &mut syn::File, plan: &Plan) -> usize {
    let example = plan.resources.values().next().and_then(|r| {
        let m = r
            .methods
            .iter()
            .find(|m| m.name == "get")
            .or_else(|| r.methods.first())?;
        // The arguments as the method names them (a keyword gets a `_`).
        let mut args: Vec<String> = m
            .path_params
            .iter()
            .map(
                |(p, _)| match crate::spec::names::KEYWORDS.contains(&p.as_str()) {
                    true => format!("{p}_"),
                    false => p.clone(),
                },
            )
            .collect();
        if m.body.is_some() {
            args.push("body".into());
        }
        Some((r.accessor.clone(), m.name.clone(), args.join(", ")))
    });
    let doc = match example {
        Some((accessor, method, args)) => format!(
            " The API by resource: `client.{accessor}().{method}({args})`. See\n `Client`'s accessors (`{accessor}()`, …)."
        ),
        None => " The API by resource (this document has no operations).".to_string(),
    };
    let lines: Vec<&str> = doc.split('\n').collect();
    file.items.push(syn::parse_quote! {
        #(#[doc = #lines])*
        pub mod resources;
    });
    1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::resources::{Resource, ResourceMethod};

    #[test]
    fn the_module_is_declared_with_a_call_of_the_first_resource() {
        let mut plan = Plan::default();
        let mut get = ResourceMethod::bare("Thing_findOne", "GET", "/thing/{id}", "get");
        get.path_params = vec![("id".into(), crate::pipeline::resources::ParamType::String)];
        plan.resources.insert(
            "Things".into(),
            Resource {
                label: "Things".into(),
                type_name: "Things".into(),
                accessor: "things".into(),
                methods: vec![
                    ResourceMethod::bare("Thing_create", "POST", "/thing", "create"),
                    get,
                ],
            },
        );
        let mut file: syn::File = syn::parse_quote!();
        assert_eq!(declare_resources_module(&mut file, &plan), 1);
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("/// The API by resource: `client.things().get(id)`. See"),
            "{text}"
        );
        assert!(text.contains("pub mod resources;"), "{text}");
    }
}
