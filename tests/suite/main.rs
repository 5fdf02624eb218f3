//! The workspace's tests, in one binary so the suite builds once.

mod common;
mod fresh;
mod seeds;
mod snapshots;
