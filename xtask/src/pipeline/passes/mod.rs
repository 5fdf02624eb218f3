//! Stage 5, **passes**: what typify and progenitor cannot be told through
//! their settings, done to the items they emitted, one pass per file.
//!
//! [`PASSES`] is the order, each entry with the reason it runs where it does.
//! A pass reads the normalized document, the operation model, the resource
//! plan, typify's names and what earlier passes found ([`Found`]), edits one of the three parsed files (models,
//! client, httpmock helpers) and says how many items it changed; `cargo xtask
//! generate -v` prints that count and its time for every pass.
//!
//! The helpers passes share sit beside this module, not in it:
//! [`super::syntax`] (reading emitted items) and [`super::schema_map`] (from
//! a Rust field back to its schema).

pub mod api_version;
pub mod box_large_optional_fields;
pub mod builder_paging_start;
pub mod component_dispatch_macro;
pub mod component_unions;
pub mod declare_httpmock_module;
pub mod declare_resources_module;
pub mod double_option_fields;
pub mod drift_impls;
pub mod httpmock_array_params;
pub mod httpmock_resource_names;
pub mod into_future;
pub mod json_schema_derives;
pub mod light_struct_deserialize;
pub mod light_struct_serialize;
pub mod lossless_optional_fields;
pub mod number_enums;
pub mod open_string_enums;
pub mod open_untagged_unions;
pub mod operation_dispatch_macro;
pub mod operation_table;
pub mod place_typed_fields;
pub mod private_operation_methods;
pub mod runtime_encode_path;
pub mod share_conversion_error;
pub mod shared_type_aliases;
pub mod struct_constructors;
mod struct_shapes;
pub mod symbol_enums;
pub mod unchecked_string_construction;
pub mod unchecked_string_decoding;
pub mod unified_errors;
pub mod union_impls;
pub mod validate_before_send;
pub mod validate_impls;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::target::Target;
use crate::Error;

/// Which generated file a pass edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edits {
    /// The models crate's `generated/mod.rs` (typify's output).
    Models,
    /// The client crate's `generated/mod.rs` (progenitor's output).
    Client,
    /// The client crate's `generated/httpmock.rs` (progenitor's httpmock helpers).
    Httpmock,
}

/// One pass over the emitted items.
pub struct Pass {
    /// Stable kebab-case name, printed by `generate -v`.
    pub name: &'static str,
    /// The file it edits.
    pub edits: Edits,
    /// Why it runs where it does in [`PASSES`] (what it needs from the passes
    /// before it, or what the passes after it need from it).
    pub why_here: &'static str,
    /// The pass; returns how many items it changed or added.
    pub run: fn(&mut Ctx<'_>) -> Result<usize, Error>,
}

/// What the passes found that later passes and `generate`'s report read.
#[derive(Debug, Default)]
pub struct Found {
    /// How each union decodes ([`union_impls`]).
    pub unions: union_impls::Unions,
    /// Types given a `Validate` impl, and the fields checked ([`validate_impls`]).
    pub validation: validate_impls::Validation,
    /// Optional `Struct.field`s boxed ([`box_large_optional_fields`]).
    pub boxed_fields: Vec<String>,
    /// Place → shared type, for the aliases kept by [`shared_type_aliases`].
    pub aliases: BTreeMap<String, String>,
    /// The operationIds found in progenitor's output ([`operation_table::operation_table`]).
    pub operations_in_client: BTreeSet<String>,
}

/// The three files the passes edit.
pub struct Files {
    /// The models file.
    pub models: syn::File,
    /// The client file.
    pub client: syn::File,
    /// The httpmock helpers file.
    pub httpmock: syn::File,
}

/// The input and output of the passes.
pub struct Ctx<'a> {
    /// The normalized document.
    pub doc: &'a Value,
    /// Component name → Rust type name (typify's).
    pub names: &'a BTreeMap<String, String>,
    /// Where the code goes (crate names, runtime hooks).
    pub target: &'a Target,
    /// Every operation, read once from the normalized document.
    pub operations: &'a crate::spec::operation_model::OperationModel,
    /// The resource layer: each operation's resource and method name.
    pub plan: &'a super::resources::Plan,
    /// The models file.
    pub models: syn::File,
    /// The client file.
    pub client: syn::File,
    /// The httpmock helpers file.
    pub httpmock: syn::File,
    /// What the passes found so far.
    pub found: Found,
}

/// What one pass did: its name, how many items it changed, how long it took.
#[derive(Debug, Clone)]
pub struct Ran {
    /// The pass's name.
    pub name: &'static str,
    /// Items changed or added.
    pub changed: usize,
    /// Time taken.
    pub time: Duration,
}

/// Run every pass of [`PASSES`], in order.
pub fn run_all(cx: &mut Ctx<'_>) -> Result<Vec<Ran>, Error> {
    let mut out = Vec::with_capacity(PASSES.len());
    for pass in PASSES {
        let start = Instant::now();
        let changed = (pass.run)(cx)?;
        out.push(Ran {
            name: pass.name,
            changed,
            time: start.elapsed(),
        });
    }
    Ok(out)
}

/// The passes, in the order they run.
pub static PASSES: &[Pass] = &[
    Pass {
        name: "component-unions",
        edits: Edits::Models,
        why_here: "first: a one-member oneOf component becomes an enum, so every union pass after it sees a union",
        run: |cx| {
            let unions = super::models::union_components(cx.doc, cx.names);
            Ok(component_unions::unions_from_components(&mut cx.models, &unions).len())
        },
    },
    Pass {
        name: "symbol-enums",
        edits: Edits::Models,
        why_here: "before open-string-enums: the enums it writes for values typify cannot name (`x-enum-values`) are opened like the others",
        run: |cx| Ok(symbol_enums::symbol_enums(&mut cx.models, cx.doc, cx.names).len()),
    },
    Pass {
        name: "number-enums",
        edits: Edits::Models,
        why_here: "after symbol-enums, its sibling for strings; before the field passes (lossless-optional-fields, double-option-fields, box-large-optional-fields wrap the types it gives fields) and before shared-type-aliases, which comes after every pass that adds types",
        run: |cx| Ok(number_enums::number_enums(&mut cx.models, cx.doc, cx.names).len()),
    },
    Pass {
        name: "open-untagged-unions",
        edits: Edits::Models,
        why_here: "after component-unions, before union-impls: the raw-JSON fallback variant it adds is where union-impls puts what no member takes",
        run: |cx| Ok(open_untagged_unions::open_untagged_unions(&mut cx.models).len()),
    },
    Pass {
        name: "open-string-enums",
        edits: Edits::Models,
        why_here: "before union-impls, which reads each enum's values from the `open_string_enum!` calls it writes",
        run: |cx| Ok(open_string_enums::open_string_enums(&mut cx.models).len()),
    },
    Pass {
        name: "lossless-optional-fields",
        edits: Edits::Models,
        why_here: "first of the field passes: it decides which fields are `Option`",
        run: |cx| Ok(lossless_optional_fields::lossless_optional_fields(&mut cx.models).len()),
    },
    Pass {
        name: "double-option-fields",
        edits: Edits::Models,
        why_here: "after lossless-optional-fields: wraps the optional fields that are also nullable",
        run: |cx| {
            let nullable = super::models::nullable_optional_properties(cx.doc, cx.names);
            Ok(double_option_fields::double_option_fields(&mut cx.models, &nullable).len())
        },
    },
    Pass {
        name: "box-large-optional-fields",
        edits: Edits::Models,
        why_here: "after the field types are final (`Option`, `Option<Option<_>>`): it weighs them",
        run: |cx| {
            let boxed = box_large_optional_fields::box_large_optional_fields(
                &mut cx.models,
                box_large_optional_fields::MAX_INLINE_FIELDS,
            );
            cx.found.boxed_fields = boxed;
            Ok(cx.found.boxed_fields.len())
        },
    },
    Pass {
        name: "shared-type-aliases",
        edits: Edits::Models,
        why_here: "after every pass that adds types (so an alias never shadows one) and after box-large-optional-fields, which weighs field types by their definitions",
        run: |cx| {
            cx.found.aliases = shared_type_aliases::shared_type_aliases(&mut cx.models, cx.doc);
            Ok(cx.found.aliases.len())
        },
    },
    Pass {
        name: "place-typed-fields",
        edits: Edits::Models,
        why_here: "after shared-type-aliases, before light-struct-deserialize: the `Deserialize` it writes spells the field types, so they read as the fields do; the passes after it read a field's type through the aliases",
        run: |cx| {
            Ok(place_typed_fields::place_typed_fields(&mut cx.models, &cx.found.aliases).len())
        },
    },
    Pass {
        name: "light-struct-deserialize",
        edits: Edits::Models,
        why_here: "after the field passes: the `Deserialize` it writes reads the final field types",
        run: |cx| Ok(light_struct_deserialize::light_struct_deserialize(&mut cx.models).len()),
    },
    Pass {
        name: "unchecked-string-decoding",
        edits: Edits::Models,
        why_here: "no dependency on its neighbours (it edits only the constrained-string newtypes' `Deserialize`)",
        run: |cx| Ok(unchecked_string_decoding::unchecked_string_decoding(&mut cx.models).len()),
    },
    Pass {
        name: "unchecked-string-construction",
        edits: Edits::Models,
        why_here: "beside unchecked-string-decoding (it edits the constrained-string newtypes' conversions only); before struct-constructors, whose setters take `impl Into<T>` and so accept a `&str` for them",
        run: |cx| {
            Ok(unchecked_string_construction::unchecked_string_construction(&mut cx.models).len())
        },
    },
    Pass {
        name: "struct-shapes",
        edits: Edits::Models,
        why_here: "after the field passes (it reads the final fields and which are required), before union-impls, whose unions read their members' shapes through it",
        run: |cx| Ok(struct_shapes::struct_shapes(&mut cx.models)),
    },
    Pass {
        name: "struct-constructors",
        edits: Edits::Models,
        why_here: "after the field passes and open-string-enums (its setters wrap the final field types; a required open enum with one value is a tag `new` sets), before the passes that add impls after each type (so `new` and the setters follow the struct)",
        run: |cx| {
            let tags =
                struct_constructors::single_values(&union_impls::open_enum_values(&cx.models));
            Ok(struct_constructors::struct_constructors(&mut cx.models, &tags).len())
        },
    },
    Pass {
        name: "union-impls",
        edits: Edits::Models,
        why_here: "after open-untagged-unions and open-string-enums: decodes every union by its tag or best fit, reading the enums' values",
        run: |cx| {
            let values = union_impls::open_enum_values(&cx.models);
            cx.found.unions = union_impls::union_impls(&mut cx.models, &values);
            let u = &cx.found.unions;
            Ok(u.tagged.len() + u.untagged.len())
        },
    },
    Pass {
        name: "drift-impls",
        edits: Edits::Models,
        why_here: "after every pass that adds types: every type gets its `Drift` impl",
        run: |cx| Ok(drift_impls::drift_impls(&mut cx.models)),
    },
    Pass {
        name: "validate-impls",
        edits: Edits::Models,
        why_here: "after the field passes: checks the final field types against the spec's constraints",
        run: |cx| {
            let bodies = validate_impls::body_types(cx.operations, cx.names);
            cx.found.validation =
                validate_impls::validate_impls(&mut cx.models, cx.doc, cx.names, &bodies);
            Ok(cx.found.validation.types.len())
        },
    },
    Pass {
        name: "json-schema-derives",
        edits: Edits::Models,
        why_here: "after every pass that adds types, and after open-untagged-unions, whose raw-JSON fallback variants it skips",
        run: |cx| Ok(json_schema_derives::json_schema_derives(&mut cx.models)),
    },
    Pass {
        name: "light-struct-serialize",
        edits: Edits::Models,
        why_here: "after every pass that reads the fields' serde attributes (drift-impls, validate-impls, json-schema-derives): it puts them behind the schemars feature",
        run: |cx| Ok(light_struct_serialize::light_struct_serialize(&mut cx.models).len()),
    },
    Pass {
        name: "component-dispatch-macro",
        edits: Edits::Models,
        why_here: "last of the models: lists every component's type",
        run: |cx| {
            component_dispatch_macro::component_dispatch_macro(&mut cx.models, cx.names);
            Ok(1)
        },
    },
    Pass {
        name: "operation-dispatch-macro",
        edits: Edits::Models,
        why_here: "after every type exists: maps each operation to the type of its success body",
        run: |cx| {
            Ok(operation_dispatch_macro::operation_dispatch_macro(
                &mut cx.models,
                cx.operations,
                cx.names,
            ))
        },
    },
    Pass {
        name: "api-version",
        edits: Edits::Models,
        why_here: "needs nothing from the others: adds the `API_VERSION` constant from the document",
        run: |cx| {
            api_version::api_version_constant(&mut cx.models, cx.doc);
            Ok(1)
        },
    },
    Pass {
        name: "share-conversion-error",
        edits: Edits::Client,
        why_here: "any time: the client re-exports the models' `ConversionError` instead of its own copy",
        run: |cx| {
            Ok(share_conversion_error::share_conversion_error(
                &mut cx.client,
                &cx.target.models_crate,
            )
            .into())
        },
    },
    Pass {
        name: "runtime-encode-path",
        edits: Edits::Client,
        why_here: "any time: the operations encode path parameters with the client runtime's `encode_path` (progenitor's leaves `\\`); without a runtime, progenitor's stays",
        run: |cx| {
            let Some(runtime) = &cx.target.client_runtime else {
                return Ok(0);
            };
            let mut module: syn::Path = syn::parse_str(runtime)
                .map_err(|e| Error::new(format!("client runtime type `{runtime}`: {e}")))?;
            if module.segments.len() < 2 {
                return Ok(0);
            }
            module.segments.pop();
            module.segments.pop_punct();
            Ok(runtime_encode_path::runtime_encode_path(&mut cx.client, &module).into())
        },
    },
    Pass {
        name: "validate-before-send",
        edits: Edits::Client,
        why_here: "after validate-impls, before unified-errors: builders of bodies that have a `Validate` impl get `validate_body`, which the public `send` calls first",
        run: |cx| {
            // Only `unified-errors` calls what it adds.
            if cx.target.client_error.is_none() {
                return Ok(0);
            }
            Ok(validate_before_send::validate_before_send(
                &mut cx.client,
                &cx.target.models_crate,
                &cx.found.validation.types,
            ))
        },
    },
    Pass {
        name: "unified-errors",
        edits: Edits::Client,
        why_here: "after the other client edits, before operation-table: splits each `send` into a raw request and the SDK's error type",
        run: |cx| match &cx.target.client_error {
            Some(support) => {
                let redirects = unified_errors::redirecting_builders(cx.operations);
                Ok(unified_errors::unified_errors(&mut cx.client, support, &redirects)?.len())
            }
            None => Ok(0),
        },
    },
    Pass {
        name: "into-future",
        edits: Edits::Client,
        why_here: "after unified-errors: a builder whose `send` answers the SDK's `Response` awaits to its body",
        run: |cx| match &cx.target.client_error {
            Some(support) => Ok(into_future::into_future(&mut cx.client, support)?.len()),
            None => Ok(0),
        },
    },
    Pass {
        name: "builder-paging-start",
        edits: Edits::Client,
        why_here: "with the client passes, where the `builder` module is progenitor's; only where the resource layer writes the `PageQuery` impls that call it (with the SDK's runtime, `client_error`)",
        run: |cx| match &cx.target.client_error {
            Some(_) => {
                Ok(builder_paging_start::builder_paging_start(&mut cx.client, cx.plan)?.len())
            }
            None => Ok(0),
        },
    },
    Pass {
        name: "private-operation-methods",
        edits: Edits::Client,
        why_here: "after unified-errors and into-future, which split and wrap the public methods: `Client`'s operationId methods and constructors and the builders' `new` become crate-private; each builder's doc names its resource method",
        run: |cx| match &cx.target.client_error {
            Some(_) => Ok(private_operation_methods::private_operation_methods(
                &mut cx.client,
                cx.plan,
            )
            .len()),
            None => Ok(0),
        },
    },
    Pass {
        name: "operation-table",
        edits: Edits::Client,
        why_here: "after unified-errors: the table of every operation's method and path template, and the check that each is in progenitor's output",
        run: |cx| {
            let routes = cx.operations.routes();
            cx.found.operations_in_client =
                operation_table::operation_table(&mut cx.client, &routes);
            if let Some(missing) = routes
                .keys()
                .find(|id| !cx.found.operations_in_client.contains(id.as_str()))
            {
                return Err(Error::at(
                    missing,
                    "",
                    "operation is missing from progenitor's output",
                ));
            }
            Ok(cx.found.operations_in_client.len())
        },
    },
    Pass {
        name: "httpmock-array-params",
        edits: Edits::Httpmock,
        why_here: "any time: array query parameters match per item",
        run: |cx| Ok(httpmock_array_params::httpmock_array_params(&mut cx.httpmock).len()),
    },
    Pass {
        name: "httpmock-resource-names",
        edits: Edits::Httpmock,
        why_here: "any time: the typed httpmock helpers take the resource methods' names (`sessions_get`)",
        run: |cx| {
            Ok(httpmock_resource_names::httpmock_resource_names(&mut cx.httpmock, cx.plan).len())
        },
    },
    Pass {
        name: "declare-resources-module",
        edits: Edits::Client,
        why_here: "any time: the client declares the resource layer's module (`resources.rs`, written beside it)",
        run: |cx| {
            Ok(declare_resources_module::declare_resources_module(
                &mut cx.client,
                cx.plan,
            ))
        },
    },
    Pass {
        name: "declare-httpmock-module",
        edits: Edits::Client,
        why_here: "any time: the client declares the httpmock helpers' module behind its feature",
        run: |cx| {
            declare_httpmock_module::declare_httpmock_module(&mut cx.client);
            Ok(1)
        },
    },
];

/// Helpers for the passes' tests.
#[cfg(test)]
pub(crate) mod testing {
    use quote::quote;

    pub(crate) fn text(file: &syn::File) -> String {
        prettyplease::unparse(file).split_whitespace().collect()
    }

    pub(crate) fn members_file(extra: proc_macro2::TokenStream) -> syn::File {
        syn::parse2(quote! {
            open_string_enum! { pub enum AKind { A = "a", } Unknown }
            open_string_enum! { pub enum BKind { B = "b", Bee = "bee", } Unknown }
            open_string_enum! { pub enum CKind { A = "a", } Unknown }
            pub struct A { #[serde(rename = "type")] pub type_: AKind, pub x: String }
            pub struct B { #[serde(rename = "type")] pub type_: BKind }
            pub struct C { #[serde(rename = "type")] pub type_: ::std::option::Option<CKind> }
            pub struct Plain { pub y: String }
            #extra
        })
        .expect("parses")
    }

    pub(crate) fn union(members: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
        quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            #[serde(untagged)]
            pub enum U { #members Unknown(crate::Json), }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pass_names_are_unique_kebab_case_and_each_says_why_it_is_where_it_is() {
        let mut seen = BTreeSet::new();
        for p in PASSES {
            assert!(seen.insert(p.name), "duplicate pass {}", p.name);
            assert!(
                p.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                p.name
            );
            assert!(!p.why_here.is_empty(), "{}", p.name);
        }
    }

    /// The layout says what runs: every pass is the file named as it, and
    /// every file of `passes/` (but `mod.rs`) is a pass.
    #[test]
    fn each_pass_is_the_file_named_as_it() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/pipeline/passes");
        let files: BTreeSet<String> = std::fs::read_dir(&dir)
            .expect("passes/")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|f| f != "mod.rs")
            .collect();
        let passes: BTreeSet<String> = PASSES
            .iter()
            .map(|p| format!("{}.rs", p.name.replace('-', "_")))
            .collect();
        assert_eq!(files, passes);
    }

    /// The whole pipeline on a one-operation document: every pass runs once,
    /// in table order, and the ones with something to do say so.
    #[test]
    fn every_pass_runs_in_order_and_reports() {
        let doc = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a/{id}": {"get": {
                "operationId": "A_get",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/A"}}}}}
            }}},
            "components": {"schemas": {"A": {"type": "object", "required": ["kind"], "properties": {
                "kind": {"type": "string", "enum": ["x", "y"]},
                "note": {"type": "string"}
            }}}}
        });
        let generated = crate::pipeline::run(doc, &crate::pipeline::Target::standalone()).unwrap();
        let names: Vec<&str> = generated.passes.iter().map(|r| r.name).collect();
        let expected: Vec<&str> = PASSES.iter().map(|p| p.name).collect();
        assert_eq!(names, expected);
        let changed = |name: &str| {
            generated
                .passes
                .iter()
                .find(|r| r.name == name)
                .map(|r| r.changed)
        };
        assert_eq!(changed("open-string-enums"), Some(1), "AKind");
        assert_eq!(changed("operation-table"), Some(1));
        // `A`; `AKind` is an `open_string_enum!`, whose macro implements `Drift`.
        assert_eq!(changed("drift-impls"), Some(1));
    }
}
