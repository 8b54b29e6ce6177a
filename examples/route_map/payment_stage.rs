//! The payment stage of the route map report.

/// The stage's section of the report.
pub fn report() -> crate::StageResult {
    Ok(String::new())
}
