//! Stage **model-index**: the models crate's `by_resource` module, a page of
//! docs that groups the models by the resources of the client that use them.
//!
//! A whole vendor document gives the models crate about 1,500 types and
//! 1,300 type aliases in one flat index, where nobody finds what a call takes.
//! This page is generated from the operation model (the resource plan, the
//! normalized document, typify's names): per resource, a table of its
//! methods with the type each takes as its JSON body and the type its
//! success response decodes into, then every type those operations reach
//! through `$ref`s (collapsed); last, the types no operation reaches. Every
//! name is an intra-doc link, and the module denies broken ones, so
//! `cargo doc -D warnings` fails if the page names a type the crate lacks.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;

use super::features::{FULL, Gates};
use super::resources::Plan;
use crate::spec::operation_model::{Media, OperationModel};

/// The file name, in the models crate's `generated/`.
pub const FILE: &str = "by_resource.rs";

/// Escape what Markdown would read as markup in a label from the document.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_[]<>|#".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An intra-doc link to a model.
fn link(rust: &str) -> String {
    format!("[`{rust}`](crate::{rust})")
}

/// How a body reads in the table: its model, a `Vec` of its model, `JSON`
/// for another JSON schema, or the media type of a non-JSON body.
fn body_cell(
    content: &[Media],
    rust_of: &dyn Fn(&str) -> Option<String>,
    link: &dyn Fn(&str) -> String,
) -> String {
    let Some(schema) = content
        .iter()
        .find(|m| m.content_type == "application/json")
        .and_then(|m| m.schema.as_ref())
    else {
        return content
            .first()
            .map(|media| format!("`{}`", media.content_type))
            .unwrap_or_default();
    };
    if let Some(rust) = crate::spec::named_component(schema).and_then(rust_of) {
        return link(&rust);
    }
    if schema.get("type").and_then(Value::as_str) == Some("array")
        && let Some(rust) = schema
            .get("items")
            .and_then(crate::spec::named_component)
            .and_then(rust_of)
    {
        return format!("`Vec` of {}", link(&rust));
    }
    "JSON".to_string()
}

/// A part of the page, and the cargo feature that compiles what it links
/// to (`None`: always there).
pub struct Section {
    /// The feature (a resource's, or `full`).
    pub feature: Option<String>,
    /// Its Markdown.
    pub text: String,
}

/// The whole page, every feature on.
pub fn page(sections: &[Section]) -> String {
    sections.iter().map(|s| s.text.as_str()).collect()
}

/// The page's Markdown, in sections: a resource's section is shown when its
/// feature is on, and links only to types that feature compiles (`gates`);
/// the types no operation reaches come with `full`.
pub fn markdown(
    plan: &Plan,
    doc: &Value,
    operations: &OperationModel,
    names: &BTreeMap<String, String>,
    defined: &BTreeSet<String>,
    gates: &Gates,
) -> Vec<Section> {
    // Only names the crate defines become links (a component typify
    // replaced by another type has no item of its own).
    let rust_of = |component: &str| {
        names
            .get(component)
            .filter(|r| defined.contains(*r))
            .cloned()
    };
    let graph = crate::spec::ref_graph(doc);
    let mut reached_by_any = BTreeSet::new();
    let mut sections = Vec::new();
    let mut out = String::new();
    out.push_str(
        "The models grouped by the resource of the client that uses them.\n\n\
         For each resource (`client.sessions()`, …): its methods, with the type each takes as its \
         JSON body and the type its success response decodes into, then every type those \
         operations reach (their fields' types, all the way down); a resource's section shows \
         when its cargo feature is on. With `full`, the last section lists the types no \
         operation reaches.\n\n\
         A field whose schema is written in several places of the API description has the type \
         of its own place: a type alias at the crate root named after the place (the field's \
         struct and name), which names the type all those places share.\n",
    );
    sections.push(Section {
        feature: None,
        text: std::mem::take(&mut out),
    });
    for resource in plan.resources.values() {
        let feature = resource.accessor.as_str();
        let link = |rust: &str| {
            if gates.compiled_with(rust, feature) {
                link(rust)
            } else {
                format!("`{rust}`")
            }
        };
        let _ = write!(
            out,
            "\n# {}\n\n`client.{}()` ({} method{}).\n\n| method | route | body | returns |\n|---|---|---|---|\n",
            text(&resource.label),
            resource.accessor,
            resource.methods.len(),
            if resource.methods.len() == 1 { "" } else { "s" }
        );
        let mut start = BTreeSet::new();
        for method in &resource.methods {
            let route = method.route();
            let operation = operations.by_route(&route);
            let body = operation.and_then(|op| op.body.as_ref());
            let returns = operation.and_then(|op| op.successes().next());
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} | {} |",
                method.name,
                route,
                body_cell(body.map_or(&[], |b| &b.content), &rust_of, &link),
                body_cell(returns.map_or(&[], |r| &r.content), &rust_of, &link)
            );
            if let Some(op) = operation.and_then(|op| op.view(doc)) {
                // The whole operation as the document writes it (response
                // headers, examples…), and the parameters of its path item.
                for part in op.node.values().chain(op.item.get("parameters")) {
                    crate::spec::schema_refs(doc, part, &mut start, &mut BTreeSet::new());
                }
            }
        }
        let reached: BTreeSet<String> = crate::spec::closure(&graph, start)
            .iter()
            .filter_map(|c| rust_of(c))
            .collect();
        reached_by_any.extend(reached.iter().cloned());
        if !reached.is_empty() {
            let _ = write!(
                out,
                "\n<details><summary>The {} types these operations reach</summary>\n\n{}\n\n</details>\n",
                reached.len(),
                reached
                    .iter()
                    .map(|r| link(r))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        sections.push(Section {
            feature: Some(feature.to_string()),
            text: std::mem::take(&mut out),
        });
    }
    let unreached: BTreeSet<String> = names
        .keys()
        .filter_map(|c| rust_of(c))
        .filter(|r| !reached_by_any.contains(r))
        .collect();
    if !unreached.is_empty() {
        let _ = write!(
            out,
            "\n# Types no operation reaches\n\nComponents of the API description that no operation's parameters, body or \
             responses lead to (payloads the API sends elsewhere, such as webhooks).\n\n\
             <details><summary>{} type{}</summary>\n\n{}\n\n</details>\n",
            unreached.len(),
            if unreached.len() == 1 { "" } else { "s" },
            unreached
                .iter()
                .map(|r| link(r))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    sections.push(Section {
        feature: Some(FULL.to_string()),
        text: out,
    });
    sections
}

/// The `by_resource` module's file: the page as inner doc attributes, and
/// broken intra-doc links denied.
pub fn generate(
    plan: &Plan,
    doc: &Value,
    operations: &OperationModel,
    names: &BTreeMap<String, String>,
    defined: &BTreeSet<String>,
    gates: &Gates,
) -> syn::File {
    let mut attrs: Vec<syn::Attribute> = Vec::new();
    for section in markdown(plan, doc, operations, names, defined, gates) {
        for line in section.text.lines() {
            // `///`-style lines: one attribute per line, a space after `//!`.
            let line = if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            };
            attrs.push(match &section.feature {
                None => syn::parse_quote!(#![doc = #line]),
                Some(feature) => syn::parse_quote!(#![cfg_attr(feature = #feature, doc = #line)]),
            });
        }
    }
    attrs.push(syn::parse_quote!(#![deny(rustdoc::broken_intra_doc_links)]));
    syn::File {
        shebang: None,
        attrs,
        items: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::resources::{Resource, ResourceMethod};
    use serde_json::json;

    fn method(name: &str, http: &str, path: &str) -> ResourceMethod {
        ResourceMethod::bare(name, http, path, name)
    }

    /// Each method's body and success type are links; the types the
    /// resource's operations reach (through parameters too) are listed
    /// under it, and the others last.
    #[test]
    fn groups_the_models_by_the_resource_that_uses_them() {
        let doc = json!({
            "paths": {"/pets/{id}": {
                "parameters": [{"name": "id", "in": "path", "schema": {"$ref": "#/components/schemas/PetId"}}],
                "put": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PetIn"}}}},
                    "responses": {"200": {"content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}}}}
                },
                "delete": {"responses": {"204": {}}}
            }},
            "components": {"schemas": {
                "PetId": {"type": "string"},
                "PetIn": {"type": "object", "properties": {"tag": {"$ref": "#/components/schemas/Tag"}}},
                "Pet": {"type": "object"},
                "Tag": {"type": "string"},
                "Hook": {"type": "object"},
                "Replaced": {"type": "object"}
            }}
        });
        let names: BTreeMap<String, String> = ["PetId", "PetIn", "Pet", "Tag", "Hook", "Replaced"]
            .iter()
            .map(|n| (n.to_string(), n.to_string()))
            .collect();
        let defined: BTreeSet<String> =
            names.keys().filter(|n| *n != "Replaced").cloned().collect();
        let plan = Plan {
            resources: BTreeMap::from([(
                "Pets".to_string(),
                Resource {
                    label: "pets_v2".into(),
                    type_name: "Pets".into(),
                    accessor: "pets".into(),
                    methods: vec![
                        method("update", "PUT", "/pets/{id}"),
                        method("delete", "DELETE", "/pets/{id}"),
                    ],
                },
            )]),
            collisions: Vec::new(),
            renamed: Vec::new(),
        };
        let page = page(&markdown(
            &plan,
            &doc,
            &OperationModel::of(&doc),
            &names,
            &defined,
            &Gates::default(),
        ));
        assert!(
            page.contains("\n# pets\\_v2\n\n`client.pets()` (2 methods)."),
            "{page}"
        );
        assert!(
            page.contains("| `update` | `PUT /pets/{id}` | [`PetIn`](crate::PetIn) | `Vec` of [`Pet`](crate::Pet) |"),
            "{page}"
        );
        assert!(
            page.contains("| `delete` | `DELETE /pets/{id}` |  |  |"),
            "{page}"
        );
        assert!(
            page.contains("The 4 types these operations reach</summary>\n\n[`Pet`](crate::Pet), [`PetId`](crate::PetId), [`PetIn`](crate::PetIn), [`Tag`](crate::Tag)\n"),
            "{page}"
        );
        assert!(
            page.contains("<summary>1 type</summary>\n\n[`Hook`](crate::Hook)\n"),
            "{page}"
        );
        assert!(!page.contains("Replaced"), "{page}");
    }

    /// A resource's section shows with its feature, and links only the
    /// types that feature compiles; the unreached types come with `full`.
    #[test]
    fn sections_follow_the_features() {
        let doc = json!({
            "paths": {"/pets": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PetIn"}}}},
                "responses": {"204": {}}
            }}},
            "components": {"schemas": {
                "PetIn": {"type": "object", "properties": {"tag": {"$ref": "#/components/schemas/Tag"}}},
                "Tag": {"type": "string"},
                "Hook": {"type": "object"}
            }}
        });
        let names: BTreeMap<String, String> = ["PetIn", "Tag", "Hook"]
            .iter()
            .map(|n| (n.to_string(), n.to_string()))
            .collect();
        let defined: BTreeSet<String> = names.keys().cloned().collect();
        let plan = Plan {
            resources: BTreeMap::from([(
                "Pets".to_string(),
                Resource {
                    label: "pets".into(),
                    type_name: "Pets".into(),
                    accessor: "pets".into(),
                    methods: vec![method("create", "POST", "/pets")],
                },
            )]),
            collisions: Vec::new(),
            renamed: Vec::new(),
        };
        // `Tag` as if another feature compiled it and `pets` did not.
        let gates = Gates::of_types(
            &["pets", "other"],
            &[("PetIn", &["pets"]), ("Tag", &["other"]), ("Hook", &[])],
        );
        let sections = markdown(
            &plan,
            &doc,
            &OperationModel::of(&doc),
            &names,
            &defined,
            &gates,
        );
        let pets = sections
            .iter()
            .find(|s| s.feature.as_deref() == Some("pets"))
            .expect("a pets section");
        assert!(
            pets.text.contains("[`PetIn`](crate::PetIn)"),
            "{}",
            pets.text
        );
        assert!(
            pets.text.contains("`Tag`") && !pets.text.contains("crate::Tag"),
            "{}",
            pets.text
        );
        let last = sections.last().expect("sections");
        assert_eq!(last.feature.as_deref(), Some(FULL));
        assert!(last.text.contains("[`Hook`](crate::Hook)"), "{}", last.text);
        let file = generate(
            &plan,
            &doc,
            &OperationModel::of(&doc),
            &names,
            &defined,
            &gates,
        );
        let text = quote::ToTokens::to_token_stream(&file.attrs[file.attrs.len() - 2]).to_string();
        assert!(text.contains("cfg_attr (feature = \"full\""), "{text}");
    }
}
