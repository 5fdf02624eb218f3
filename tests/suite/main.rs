//! The workspace's tests, in one binary so the suite builds once.

mod common;
mod fresh;
mod fuzz;
mod instances;
mod pipeline;
mod properties;
mod seeds;
mod snapshots;
mod tolerant;
