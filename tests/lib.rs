//! Cross-crate integration tests of the route-map workspace, one binary.

mod appraisal;
mod capitation;
mod capitation_budgets;
mod core_vocabulary;
mod governance;
mod outcomes;
mod payment;
mod procurement;
mod schemas;
