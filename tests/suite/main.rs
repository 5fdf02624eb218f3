//! The workspace's tests, in one binary so the suite builds once.

mod common;
mod contract;
mod diff;
mod faults;
mod fresh;
mod fuzz;
mod hardening;
mod instances;
mod json_schema;
mod mock_server;
mod pipeline;
mod properties;
mod seeds;
mod snapshots;
mod tolerant;
mod transport;
mod validation;
