//! The OpenAPI document model shared by the pipeline's stages and the
//! commands: each notion (JSON pointers, the operations of a document, the
//! HTTP methods a path item holds, typify's naming) is defined once, here.

pub mod conventions;
pub mod instance;
pub mod names;
pub mod operation_model;
mod operations;
pub mod overrides;
pub mod pagination;
mod places;
mod refs;
mod version;
mod walk;

pub use names::{type_name, variant_name};
pub use operations::{
    METHODS, Operation, item_collection, operation_pointer, operations, operations_mut, route,
    routes, template_params,
};
pub use overrides::OVERRIDES_KEY;
pub use places::{PLACE_NAME, SHARED_WITH, place_descriptions, places};
pub use refs::{COMPONENT_REF, closure, named_component, ref_graph, resolve, schema_refs};
pub use version::{API_VERSION_KEY, api_version, build_metadata, date_in};
pub use walk::{visit_document_schemas, visit_schema};

/// Escape one JSON pointer token (RFC 6901).
pub fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}
