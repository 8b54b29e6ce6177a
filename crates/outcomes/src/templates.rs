//! Templates: the domain lists of the national frameworks, and the shape of the Coventry and
//! Warwickshire Out of Hospital framework (seed 003) with indicators for the cohorts it names.
//!
//! The seed names six domains but shows them only in a figure, so the Coventry and
//! Warwickshire domains, indicators, thresholds and weights are an illustrative set, flagged
//! by [`Framework::is_illustrative`] and a `to_verify` note on its source.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use route_map_core::SourceRef;
use serde::{Deserialize, Serialize};

use crate::curve::Performance;
use crate::data::load;
use crate::error::Result;
use crate::framework::{Framework, RawFramework};
use crate::id::IndicatorId;

const NATIONAL_TOML: &str = include_str!("../data/national_frameworks.toml");
const CW_TOML: &str = include_str!("../data/coventry_warwickshire.toml");
const CW_SAMPLE_TOML: &str = include_str!("../data/coventry_warwickshire_sample.toml");

/// A domain of a national framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NationalDomain {
    /// Its code in the framework (`1`, `A`).
    pub code: String,
    /// Its title.
    pub name: String,
    /// The data source's id for it (Fingertips DomainID for PHOF).
    #[serde(default)]
    pub source_domain_id: Option<String>,
    /// Set when the title has not been checked against the primary source.
    #[serde(default)]
    pub to_verify: Option<String>,
}

/// A national framework's domain list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NationalFrameworkTemplate {
    /// Identifier (`nhs_of`, `phof`, `ascof_2014`, `ascof_2023`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Source.
    pub source: SourceRef,
    /// Domains in order.
    #[serde(rename = "domain")]
    pub domains: Vec<NationalDomain>,
}

#[derive(Debug, Deserialize)]
struct NationalData {
    framework: Vec<NationalFrameworkTemplate>,
}

#[derive(Debug, Deserialize)]
struct SampleData {
    results: BTreeMap<IndicatorId, Performance>,
}

static NATIONAL: OnceLock<std::result::Result<NationalData, String>> = OnceLock::new();
static CW: OnceLock<std::result::Result<RawFramework, String>> = OnceLock::new();
static CW_SAMPLE: OnceLock<std::result::Result<SampleData, String>> = OnceLock::new();

/// The national frameworks' domain lists (NHS Outcomes Framework, PHOF, ASCOF before and from
/// April 2023).
///
/// # Errors
///
/// [`crate::Error::EmbeddedData`] if the embedded data are malformed (a defect).
///
/// # Examples
///
/// ```
/// let national = outcomes::templates::national_frameworks()?;
/// let phof = national.iter().find(|f| f.id == "phof").unwrap();
/// assert_eq!(phof.domains[0].source_domain_id.as_deref(), Some("1000049"));
/// # Ok::<(), outcomes::Error>(())
/// ```
pub fn national_frameworks() -> Result<&'static [NationalFrameworkTemplate]> {
    Ok(&load(&NATIONAL, "national_frameworks.toml", NATIONAL_TOML)?.framework)
}

/// The Coventry and Warwickshire Out of Hospital framework shape (illustrative domains and
/// indicators; seed 003's phasing: milestones in year 1, outcomes from year 3).
///
/// # Errors
///
/// [`crate::Error::EmbeddedData`] or a validation error if the embedded data are malformed (a
/// defect).
pub fn coventry_warwickshire() -> Result<Framework> {
    Framework::new(load(&CW, "coventry_warwickshire.toml", CW_TOML)?.clone())
}

/// Illustrative sample results for [`coventry_warwickshire`] (not published figures).
///
/// # Errors
///
/// [`crate::Error::EmbeddedData`] if the embedded data are malformed (a defect).
pub fn coventry_warwickshire_sample_results() -> Result<BTreeMap<IndicatorId, Performance>> {
    Ok(load(
        &CW_SAMPLE,
        "coventry_warwickshire_sample.toml",
        CW_SAMPLE_TOML,
    )?
    .results
    .clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::IncentiveBasis;
    use route_map_core::Share;

    #[test]
    fn national_lists() {
        let n = national_frameworks().unwrap();
        let count = |id: &str| n.iter().find(|f| f.id == id).unwrap().domains.len();
        assert_eq!(count("nhs_of"), 5);
        assert_eq!(count("phof"), 5);
        assert_eq!(count("ascof_2014"), 4);
        assert_eq!(count("ascof_2023"), 6);
        // Checked against NHS Digital / NHS England and the DHSC 2023-24 handbook.
        for id in ["nhs_of", "ascof_2023"] {
            let f = n.iter().find(|f| f.id == id).unwrap();
            assert!(f.source.is_verified(), "{id}");
            assert!(f.domains.iter().all(|d| d.to_verify.is_none()), "{id}");
        }
    }

    #[test]
    fn coventry_shape_and_phasing() {
        let f = coventry_warwickshire().unwrap();
        assert_eq!(f.domains().len(), 6);
        assert!(f.is_illustrative());
        assert!(!f.source().is_verified());
        let p = f.phasing().unwrap();
        assert_eq!(p.share(1, IncentiveBasis::Milestones).unwrap(), Share::ONE);
        assert_eq!(p.share(3, IncentiveBasis::Outcomes).unwrap(), Share::ONE);
        assert_eq!(p.share(5, IncentiveBasis::Outcomes).unwrap(), Share::ONE);
        // Every cohort seed 003 names has at least one indicator.
        let cohorts: std::collections::BTreeSet<_> =
            f.indicators().filter_map(|(_, _, i)| i.cohort()).collect();
        assert_eq!(cohorts.len(), 7, "{cohorts:?}");
        let results = coventry_warwickshire_sample_results().unwrap();
        assert_eq!(results.len(), f.indicators().count());
    }
}
