//! The workspace's tests, in one binary so the suite builds once.

mod common;
mod diff;
mod fresh;
mod instances;
mod json_schema;
mod pipeline;
mod properties;
mod seeds;
mod snapshots;
mod tolerant;
mod validation;
