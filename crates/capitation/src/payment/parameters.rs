//! National payment parameters as dated data with sources (CQUIN rate, blended payment and
//! API marginal rates), embedded from `data/payment/parameters.toml`.

use std::sync::OnceLock;

use route_map_core::{FinancialYear, Share, SourceRef, Timeline};
use serde::Deserialize;

use super::error::{PaymentError, Result};
use super::terms::YearRate;

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

impl NationalParameters {
    /// The national CQUIN rate in force on 1 April of each contract year, for
    /// [`super::Cquin::rate_by_year`], with the source of each.
    ///
    /// # Errors
    ///
    /// [`PaymentError::Core`] for a year before the first rate recorded (2017/18) or past the
    /// supported financial years.
    ///
    /// ```
    /// let p = capitation::payment::national_parameters()?;
    /// let rates = p.cquin_rates("2018/19".parse()?, 3)?;
    /// let pct: Vec<String> = rates.iter().map(|(r, _)| format!("{}", r.rate)).collect();
    /// assert_eq!(pct, ["0.025", "0.0125", "0"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cquin_rates(
        &self,
        first_year: FinancialYear,
        years: u32,
    ) -> Result<Vec<(YearRate, SourceRef)>> {
        (1..=years)
            .map(|year| {
                let fy = first_year.offset(i32::try_from(year - 1).unwrap_or(i32::MAX))?;
                let (rate, source) = self.cquin_rate.at_with_source(fy.start())?;
                Ok((
                    YearRate {
                        year,
                        rate: rate.as_decimal(),
                    },
                    source.clone(),
                ))
            })
            .collect()
    }
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
        assert!(p.cquin_rate.at(d(2016, 6)).is_err());
        assert!(
            !p.cquin_rate
                .at_with_source(d(2018, 6))
                .unwrap()
                .1
                .is_verified()
        );
        assert!(p.cquin_rates("2016/17".parse().unwrap(), 2).is_err());
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
