//! The normalization rules, one file each with its tests; their order is
//! [`RULES`](super::RULES).

pub mod array_without_items;
pub mod canonical_enum_order;
pub mod const_to_enum;
pub mod dedup_enum_values;
pub mod default_outside_schema;
pub mod drop_json_schema_ids;
pub mod empty_allof_member;
pub mod empty_enum;
pub mod empty_enum_member;
pub mod enum_on_array;
pub mod enum_type_from_values;
pub mod enum_unnameable_values;
pub mod examples_to_example;
pub mod infer_pagination;
pub mod inline_name_collision;
pub mod inline_operation_schema;
pub mod integer_overrides;
pub mod inverted_bounds;
pub mod items_on_non_array;
pub mod null_union_member;
pub mod number_enum_values;
pub mod parameter_schema_keywords;
pub mod redirect_download_without_body;
pub mod reserved_header_parameter;
pub mod sdk_overrides;
pub mod shared_inline_title;
pub mod shared_inline_type;
pub mod text_code_fences;
pub mod type_list_to_nullable;
pub mod undeclared_path_parameter;
pub mod unsatisfiable_enum_format;
pub mod unsatisfiable_pattern;

use serde_json::{Map, Value};

/// The values of a schema's `enum` other than `null`, when there is at
/// least one and each is what `is` accepts.
pub(super) fn enum_values_all(
    node: &Map<String, Value>,
    is: impl Fn(&Value) -> bool,
) -> Option<Vec<&Value>> {
    let values: Vec<&Value> = node
        .get("enum")?
        .as_array()?
        .iter()
        .filter(|v| !v.is_null())
        .collect();
    (!values.is_empty() && values.iter().all(|v| is(v))).then_some(values)
}

/// Move a schema's `enum` to `x-enum-values`: typify makes no enum of it,
/// and the passes that give such fields an open type of their own
/// (`symbol-enums`, `number-enums`) read the values there.
pub(super) fn move_enum_values(node: &mut Map<String, Value>) {
    if let Some(values) = node.remove("enum") {
        node.insert("x-enum-values".into(), values);
    }
}
