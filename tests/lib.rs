//! Cross-crate integration tests of the route-map workspace, one binary.

mod appraisal;
mod capitation;
mod core;
mod governance;
mod outcomes;
mod payment;
mod procurement;
