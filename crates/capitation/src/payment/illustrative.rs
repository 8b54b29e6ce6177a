//! Embedded illustrative contracts for examples, documentation and benchmarks.

use super::contract::Contract;
use super::error::{PaymentError, Result};
use super::terms::RawContract;

const COVENTRY: &str = include_str!("../../data/payment/coventry_out_of_hospital.toml");

/// A contract shaped like seed 003's Coventry lead-provider contract for out of hospital
/// services: base annual contract value 21,700,479 (the 2017/18 value of the Coventry scope),
/// three contract years from 2018/19, a fixed element and a performance incentive payment on
/// milestones in year 1, half and half in year 2 and outcomes in year 3, paid in proportion to
/// the indicators met, with CQUIN carved from the incentive. The data file says which terms
/// come from the seed and which are illustrative.
///
/// # Errors
///
/// [`PaymentError::EmbeddedData`] if the embedded file does not parse (a build defect).
///
/// ```
/// let c = capitation::payment::illustrative::coventry()?;
/// assert_eq!(c.years(), 3);
/// assert_eq!(c.base_value(2)?, c.base_value(1)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn coventry() -> Result<Contract> {
    let raw: RawContract = toml::from_str(COVENTRY).map_err(|e| PaymentError::EmbeddedData {
        name: "payment/coventry_out_of_hospital.toml",
        reason: e.to_string(),
    })?;
    Contract::new(raw)
}
