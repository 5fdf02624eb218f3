//! Stage 2, **normalize**: rewrite a document so typify and progenitor can
//! take it, without changing what it means on the wire.
//!
//! Normalization is a table of named rules ([`RULES`]), applied in order to any
//! input. Each rule is data: a name, a one-line summary, and a rewrite of one
//! schema node (or of the whole document). Rules never look at a schema's
//! name: a quirk is recognised by its shape. Every firing is recorded with its
//! JSON pointer, so `cargo xtask generate` can report which rules fired and how
//! often, and a reviewer can find each place.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

mod inline;
pub mod rules;

use crate::spec::visit_document_schemas;

/// What a rule rewrites.
pub enum Scope {
    /// Called on every schema object of the document (components, parameters,
    /// bodies, responses, and everything nested in them), parents before
    /// children. Returns whether the rule changed the node.
    Schema(fn(&mut Map<String, Value>) -> bool),
    /// Called once on the whole document; returns the JSON pointers it changed.
    Document(fn(&mut Value) -> Vec<String>),
}

/// One named normalization rule.
pub struct Rule {
    /// Stable kebab-case name, printed when the rule fires.
    pub name: &'static str,
    /// What the rule recognises and what it rewrites it into.
    pub summary: &'static str,
    /// The rewrite.
    pub scope: Scope,
}

/// Where each rule fired: rule name → JSON pointers (document order).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Rule name → the pointers of the nodes it rewrote.
    pub fired: BTreeMap<&'static str, Vec<String>>,
}

impl Report {
    /// Total number of rewrites.
    pub fn total(&self) -> usize {
        self.fired.values().map(Vec::len).sum()
    }

    /// `name×count` pairs, e.g. `null-member×12, enum-on-array×3`.
    pub fn summary(&self) -> String {
        if self.fired.is_empty() {
            return "none".to_string();
        }
        self.fired
            .iter()
            .map(|(k, v)| format!("{k}×{}", v.len()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The rules, in the order they are applied.
pub static RULES: &[Rule] = &[
    rules::drop_json_schema_ids::RULE,
    rules::type_list_to_nullable::RULE,
    rules::null_union_member::RULE,
    rules::const_to_enum::RULE,
    rules::examples_to_example::RULE,
    rules::enum_type_from_values::RULE,
    rules::enum_on_array::RULE,
    rules::dedup_enum_values::RULE,
    // After the rules that shape `type` (`type-list-to-nullable`) and
    // `example`, before those that judge bounds, defaults and numeric enums
    // by the type (`inverted-bounds`, `number-enum-values`,
    // `default-outside-schema`).
    rules::integer_overrides::RULE,
    // Constraints no value (or none of the listed values) satisfies: after
    // the rules that shape `enum` (`const-to-enum`, `enum-on-array`), before
    // `enum-unnameable-values` hides an enum's values from them (and typify
    // then types the string by its `format`) and `default-outside-schema`
    // judges a default by the bounds.
    rules::unsatisfiable_pattern::RULE,
    rules::unsatisfiable_enum_format::RULE,
    rules::inverted_bounds::RULE,
    rules::canonical_enum_order::RULE,
    rules::enum_unnameable_values::RULE,
    // Beside `enum-unnameable-values`, which does the same for strings:
    // after the rules that shape and sort `enum`, before `default-outside-schema`
    // (which then judges a numeric default by the bounds only, as the type
    // is open) and before the inline-type rules (typify makes no type of
    // a plain number).
    rules::number_enum_values::RULE,
    rules::default_outside_schema::RULE,
    rules::undeclared_path_parameter::RULE,
    rules::inline_operation_schema::RULE,
    rules::shared_inline_title::RULE,
    rules::inline_name_collision::RULE,
    rules::shared_inline_type::RULE,
    rules::parameter_schema_keywords::RULE,
    rules::reserved_header_parameter::RULE,
    rules::items_on_non_array::RULE,
    rules::array_without_items::RULE,
    rules::empty_enum_member::RULE,
    // After `empty-enum-member`, which removes union members with `enum: []`
    // (and may leave a union without members, dropped here).
    rules::empty_enum::RULE,
    rules::redirect_download_without_body::RULE,
    rules::empty_allof_member::RULE,
    rules::text_code_fences::RULE,
    // The SDK's conventions, last: they read the operations as the rules
    // above leave them (integer page counts, named inline answers).
    rules::sdk_overrides::RULE,
    // After `sdk-overrides`: a pagination stated by hand is not inferred.
    rules::infer_pagination::RULE,
];

/// Apply every rule of [`RULES`] to `doc`, in order. The overrides the
/// rules read ([`crate::spec::overrides`]) are removed once they have run:
/// the normalized document carries what they said, not them.
pub fn normalize(doc: &mut Value) -> Report {
    let report = apply_rules(doc, RULES);
    drop_overrides(doc);
    report
}

/// Remove the overrides from a document whose rules have run.
fn drop_overrides(doc: &mut Value) {
    if let Some(root) = doc.as_object_mut() {
        root.remove(crate::spec::OVERRIDES_KEY);
    }
}

/// Apply only the rules that carry out the project's overrides
/// ([`crate::spec::overrides`]): the contract the SDK holds the server to,
/// for tests that read the vendor's schemas otherwise as written.
pub fn apply_overrides(doc: &mut Value) -> Report {
    let report = apply_rules(doc, &[rules::integer_overrides::RULE]);
    drop_overrides(doc);
    report
}

/// Apply every rule of [`RULES`] but those named in `skip`, in order.
pub fn normalize_except(doc: &mut Value, skip: &[&str]) -> Report {
    let rules: Vec<&Rule> = RULES.iter().filter(|r| !skip.contains(&r.name)).collect();
    let mut report = Report::default();
    for rule in rules {
        report
            .fired
            .extend(apply_rules(doc, std::slice::from_ref(rule)).fired);
    }
    drop_overrides(doc);
    report
}

/// Apply `rules` to `doc`, in order, recording where each one fired.
pub fn apply_rules(doc: &mut Value, rules: &[Rule]) -> Report {
    let mut report = Report::default();
    for rule in rules {
        let hits = match &rule.scope {
            Scope::Schema(f) => {
                let mut hits = Vec::new();
                visit_document_schemas(doc, &mut |ptr, node| {
                    if f(node) {
                        hits.push(ptr.to_string());
                    }
                });
                hits
            }
            Scope::Document(f) => f(doc),
        };
        if !hits.is_empty() {
            report.fired.insert(rule.name, hits);
        }
    }
    report
}

/// Helpers for the rules' tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use serde_json::json;

    /// Run one rule (by name) over a document holding `schema` as component
    /// `X`; return the rewritten schema and the pointers it fired at.
    pub(crate) fn run(rule: &str, schema: Value) -> (Value, Vec<String>) {
        let rule = RULES.iter().find(|r| r.name == rule).expect("rule exists");
        let mut doc =
            json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {"X": schema}}});
        let report = apply_rules(&mut doc, std::slice::from_ref(rule));
        let fired = report.fired.get(rule.name).cloned().unwrap_or_default();
        (doc["components"]["schemas"]["X"].take(), fired)
    }

    pub(crate) fn run_document(rule: &str, mut doc: Value) -> (Value, Vec<String>) {
        let rule = RULES.iter().find(|r| r.name == rule).expect("rule exists");
        let report = apply_rules(&mut doc, std::slice::from_ref(rule));
        (
            doc,
            report.fired.get(rule.name).cloned().unwrap_or_default(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rule_names_are_unique_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for r in RULES {
            assert!(seen.insert(r.name), "duplicate rule {}", r.name);
            assert!(
                r.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
            );
        }
    }

    #[test]
    fn visitor_reaches_parameters_bodies_and_responses() {
        let mut doc = json!({"paths": {"/a": {
            "parameters": [{"name": "p", "in": "query", "schema": {"const": 1}}],
            "post": {
                "parameters": [{"name": "q", "in": "query", "schema": {"const": 2}}],
                "requestBody": {"content": {"application/json": {"schema": {"const": 3}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"items": {"const": 4}}}}}}
            }
        }}});
        let rule = RULES.iter().find(|r| r.name == "const-to-enum").unwrap();
        let report = apply_rules(&mut doc, std::slice::from_ref(rule));
        assert_eq!(
            report.fired["const-to-enum"],
            [
                "/paths/~1a/parameters/0/schema",
                "/paths/~1a/post/parameters/0/schema",
                "/paths/~1a/post/requestBody/content/application~1json/schema",
                "/paths/~1a/post/responses/200/content/application~1json/schema/items",
            ]
        );
    }
}
