//! National payment parameters as dated data with sources (CQUIN rate, blended payment and
//! API marginal rates), embedded from `data/payment/parameters.toml`.

use std::sync::OnceLock;

use route_map_core::{Share, Timeline};
use serde::Deserialize;

use super::error::{PaymentError, Result};

const TEXT: &str = include_str!("../../data/payment/parameters.toml");

/// The national parameters, each a [`Timeline`] of values with their sources.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct NationalParameters {
    /// CQUIN value as a share of the fixed element.
    pub cquin_rate: Timeline<Share>,
    /// Blended payment for emergency care: the variable element's marginal rate.
    pub blended_emergency_marginal_rate: Timeline<Share>,
    /// API: elective activity above baseline, share of unit price paid.
    pub api_elective_above_plan: Timeline<Share>,
    /// API: elective activity below baseline, share of unit price refunded.
    pub api_elective_below_plan: Timeline<Share>,
}

/// The embedded national parameters, parsed once.
///
/// # Errors
///
/// [`PaymentError::EmbeddedData`] if the embedded file does not parse (a build defect).
///
/// ```
/// use chrono::NaiveDate;
/// let p = capitation::payment::national_parameters()?;
/// let date = NaiveDate::from_ymd_opt(2022, 4, 1).unwrap();
/// assert_eq!(p.cquin_rate.at(date)?.to_string(), "1.25%");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn national_parameters() -> Result<&'static NationalParameters> {
    static CELL: OnceLock<std::result::Result<NationalParameters, String>> = OnceLock::new();
    CELL.get_or_init(|| toml::from_str(TEXT).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|reason| PaymentError::EmbeddedData {
            name: "payment/parameters.toml",
            reason: reason.clone(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn parameters_load_with_sources() {
        let p = national_parameters().unwrap();
        let d = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap();
        assert_eq!(p.cquin_rate.at(d(2020, 6)).unwrap().to_string(), "0%");
        assert!(p.cquin_rate.at(d(2018, 6)).is_err());
        let (_, source) = p.cquin_rate.at_with_source(d(2022, 4)).unwrap();
        assert!(source.is_verified());
        let (rate, source) = p
            .api_elective_above_plan
            .at_with_source(d(2022, 5))
            .unwrap();
        assert_eq!(rate.to_string(), "75%");
        assert!(!source.is_verified());
        assert_eq!(
            p.blended_emergency_marginal_rate
                .at(d(2019, 4))
                .unwrap()
                .to_string(),
            "20%"
        );
        assert_eq!(p.api_elective_below_plan.entries().len(), 1);
    }
}
