//! The workspace's tests, in one binary so the suite builds once.

mod common;
mod fresh;
mod pipeline;
mod seeds;
mod snapshots;
mod tolerant;
