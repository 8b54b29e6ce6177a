//! The dated law the crate applies, embedded from `data/*.toml`: thresholds by effective date
//! and VAT basis, classes of authority over time, key commencement dates and the numeric
//! parameters of each regime's duties. Every value carries its [`SourceRef`].

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use route_map_core::{Money, SourceRef, Timeline};

use crate::data::load;
use crate::error::{Error, Result};

const THRESHOLDS_TOML: &str = include_str!("../data/thresholds.toml");
const AUTHORITIES_TOML: &str = include_str!("../data/authorities.toml");
const REGIMES_TOML: &str = include_str!("../data/regimes.toml");

/// Whether a value is compared net of VAT or including VAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VatBasis {
    /// Excluding VAT (PCR thresholds before 2022).
    Net,
    /// Including VAT (from 1 January 2022).
    Gross,
}

/// A threshold amount and the VAT basis on which a contract's value is compared with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ThresholdValue {
    /// The amount in pounds.
    pub amount: Money,
    /// Net or gross.
    pub basis: VatBasis,
}

/// The thresholds the crate knows, each a dated step function.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[non_exhaustive]
pub enum ThresholdId {
    /// PCR 2015 light touch regime (Schedule 3 services).
    #[serde(rename = "pcr2015.light_touch")]
    PcrLightTouch,
    /// PCR 2015 supplies and services, central government authorities.
    #[serde(rename = "pcr2015.services.central")]
    PcrServicesCentral,
    /// PCR 2015 supplies and services, sub-central authorities.
    #[serde(rename = "pcr2015.services.sub_central")]
    PcrServicesSubCentral,
    /// PCR 2015 works.
    #[serde(rename = "pcr2015.works")]
    PcrWorks,
    /// PCR 2006 Part B (residual) services.
    #[serde(rename = "pcr2006.part_b")]
    Pcr2006PartB,
    /// PCR 2015 Part 4 Contracts Finder publication value, central government.
    #[serde(rename = "pcr2015.below.central")]
    PcrBelowCentral,
    /// PCR 2015 Part 4 Contracts Finder publication value, sub-central and NHS trusts.
    #[serde(rename = "pcr2015.below.sub_central")]
    PcrBelowSubCentral,
    /// Procurement Act 2023 light touch contracts.
    #[serde(rename = "pa2023.light_touch")]
    PaLightTouch,
    /// Procurement Act 2023 goods and services, central government authorities.
    #[serde(rename = "pa2023.services.central")]
    PaServicesCentral,
    /// Procurement Act 2023 goods and services, other authorities.
    #[serde(rename = "pa2023.services.sub_central")]
    PaServicesSubCentral,
    /// Procurement Act 2023 works.
    #[serde(rename = "pa2023.works")]
    PaWorks,
    /// Procurement Act 2023 notifiable below-threshold value, central government.
    #[serde(rename = "pa2023.below.central")]
    PaBelowCentral,
    /// Procurement Act 2023 notifiable below-threshold value, other authorities.
    #[serde(rename = "pa2023.below.sub_central")]
    PaBelowSubCentral,
}

impl ThresholdId {
    /// Every threshold.
    pub const ALL: [ThresholdId; 13] = [
        ThresholdId::PcrLightTouch,
        ThresholdId::PcrServicesCentral,
        ThresholdId::PcrServicesSubCentral,
        ThresholdId::PcrWorks,
        ThresholdId::Pcr2006PartB,
        ThresholdId::PcrBelowCentral,
        ThresholdId::PcrBelowSubCentral,
        ThresholdId::PaLightTouch,
        ThresholdId::PaServicesCentral,
        ThresholdId::PaServicesSubCentral,
        ThresholdId::PaWorks,
        ThresholdId::PaBelowCentral,
        ThresholdId::PaBelowSubCentral,
    ];
}

#[derive(Debug, Deserialize)]
struct ThresholdRow {
    id: ThresholdId,
    timeline: Timeline<ThresholdValue>,
}

#[derive(Debug, Deserialize)]
struct ThresholdFile {
    threshold: Vec<ThresholdRow>,
}

static THRESHOLDS: OnceLock<std::result::Result<ThresholdFile, String>> = OnceLock::new();

/// The timeline of threshold `id`.
///
/// # Errors
///
/// [`Error::EmbeddedData`] if the embedded data is defective or lacks the threshold.
pub fn threshold_timeline(id: ThresholdId) -> Result<&'static Timeline<ThresholdValue>> {
    load(&THRESHOLDS, "thresholds.toml", THRESHOLDS_TOML)?
        .threshold
        .iter()
        .find(|t| t.id == id)
        .map(|t| &t.timeline)
        .ok_or_else(|| Error::EmbeddedData {
            name: "thresholds.toml",
            reason: format!("no threshold {id:?}"),
        })
}

/// Threshold `id` in force for a procurement commencing on `date`, with its source.
///
/// # Errors
///
/// [`Error::Core`] (`NotInForce`) when the threshold did not apply on `date`.
///
/// ```
/// use procurement_rules::law::{threshold, ThresholdId, VatBasis};
/// use chrono::NaiveDate;
/// let d = NaiveDate::from_ymd_opt(2017, 7, 19).unwrap();
/// let (value, _source) = threshold(ThresholdId::PcrLightTouch, d)?;
/// assert_eq!(value.amount, "589148".parse()?);
/// assert_eq!(value.basis, VatBasis::Net);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn threshold(id: ThresholdId, date: NaiveDate) -> Result<(ThresholdValue, SourceRef)> {
    let (v, s) = threshold_timeline(id)?.at_with_source(date)?;
    Ok((*v, s.clone()))
}

/// The kinds of contracting authority the crate classifies.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuthorityKind {
    /// Clinical commissioning group (1 April 2013 to 30 June 2022).
    Ccg,
    /// Integrated care board (from 1 July 2022).
    Icb,
    /// NHS England (the NHS Commissioning Board).
    NhsEngland,
    /// NHS trust.
    NhsTrust,
    /// NHS foundation trust.
    FoundationTrust,
    /// Local authority (county, district, unitary, London borough, metropolitan).
    LocalAuthority,
    /// Combined authority.
    CombinedAuthority,
    /// A central government department such as DHSC.
    CentralGovernmentDepartment,
}

impl AuthorityKind {
    /// Every kind.
    pub const ALL: [AuthorityKind; 8] = [
        AuthorityKind::Ccg,
        AuthorityKind::Icb,
        AuthorityKind::NhsEngland,
        AuthorityKind::NhsTrust,
        AuthorityKind::FoundationTrust,
        AuthorityKind::LocalAuthority,
        AuthorityKind::CombinedAuthority,
        AuthorityKind::CentralGovernmentDepartment,
    ];
}

/// Central government or sub-central, for threshold purposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthorityClass {
    /// Listed as a central government authority.
    Central,
    /// Any other contracting authority.
    SubCentral,
}

/// An authority kind's classifications over time.
#[derive(Debug, Clone, Deserialize)]
pub struct AuthorityProfile {
    /// The kind.
    pub kind: AuthorityKind,
    /// Its name.
    pub name: String,
    /// When the kind existed.
    pub exists: Timeline<bool>,
    /// Class under PCR 2015 (and 2006) for the services threshold.
    pub pcr_class: Timeline<AuthorityClass>,
    /// Class under PCR 2015 Part 4 for the Contracts Finder publication value.
    pub pcr_part4_class: Timeline<AuthorityClass>,
    /// Class under the Procurement Act 2023.
    #[serde(default)]
    pub pa_class: Option<Timeline<AuthorityClass>>,
    /// Whether it is a relevant authority under the PSR.
    #[serde(default)]
    pub psr_relevant: Option<Timeline<bool>>,
    /// Whether it is a relevant body under the NHS 2013 Regulations.
    #[serde(default)]
    pub nhs2013_relevant: Option<Timeline<bool>>,
}

#[derive(Debug, Deserialize)]
struct AuthorityFile {
    authority: Vec<AuthorityProfile>,
}

static AUTHORITIES: OnceLock<std::result::Result<AuthorityFile, String>> = OnceLock::new();

/// The profile of an authority kind.
///
/// # Errors
///
/// [`Error::EmbeddedData`] if the embedded data is defective or lacks the kind.
pub fn authority(kind: AuthorityKind) -> Result<&'static AuthorityProfile> {
    load(&AUTHORITIES, "authorities.toml", AUTHORITIES_TOML)?
        .authority
        .iter()
        .find(|a| a.kind == kind)
        .ok_or_else(|| Error::EmbeddedData {
            name: "authorities.toml",
            reason: format!("no authority {kind:?}"),
        })
}

/// A boolean timeline's value on `date`, treating dates outside it as `false`.
pub(crate) fn flag_on(
    timeline: Option<&Timeline<bool>>,
    date: NaiveDate,
) -> Option<(bool, SourceRef)> {
    let t = timeline?;
    t.at_with_source(date).ok().map(|(v, s)| (*v, s.clone()))
}

impl AuthorityProfile {
    /// Whether the kind existed on `date`.
    #[must_use]
    pub fn exists_on(&self, date: NaiveDate) -> bool {
        flag_on(Some(&self.exists), date).is_some_and(|(v, _)| v)
    }

    /// Whether it was a PSR relevant authority on `date`, with the source.
    #[must_use]
    pub fn psr_relevant_on(&self, date: NaiveDate) -> Option<(bool, SourceRef)> {
        flag_on(self.psr_relevant.as_ref(), date)
    }

    /// Whether it was a relevant body under the 2013 Regulations on `date`, with the source.
    #[must_use]
    pub fn nhs2013_relevant_on(&self, date: NaiveDate) -> Option<(bool, SourceRef)> {
        flag_on(self.nhs2013_relevant.as_ref(), date)
    }
}

/// A named commencement date.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct KeyDate {
    /// The date.
    pub date: NaiveDate,
    /// What changed.
    pub meaning: String,
    /// Where it is set.
    pub source: SourceRef,
}

/// A numeric parameter of a duty.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Parameter {
    /// The value.
    pub value: Decimal,
    /// Its unit.
    pub unit: String,
    /// Where it is set.
    pub source: SourceRef,
}

#[derive(Debug, Deserialize)]
struct RegimesFile {
    dates: BTreeMap<String, KeyDate>,
    parameters: BTreeMap<String, Parameter>,
}

static REGIMES: OnceLock<std::result::Result<RegimesFile, String>> = OnceLock::new();

fn regimes_file() -> Result<&'static RegimesFile> {
    load(&REGIMES, "regimes.toml", REGIMES_TOML)
}

/// The key date `name` (`scope_start`, `pcr2015_start`, `ltr_nhs_start`, `vat_inclusive`,
/// `psr_start`, `pa2023_start`).
///
/// # Errors
///
/// [`Error::EmbeddedData`] when no such date is embedded.
pub fn key_date(name: &str) -> Result<&'static KeyDate> {
    regimes_file()?
        .dates
        .get(name)
        .ok_or_else(|| Error::EmbeddedData {
            name: "regimes.toml",
            reason: format!("no date {name:?}"),
        })
}

/// The parameter `name` (e.g. `psr_standstill_working_days`).
///
/// # Errors
///
/// [`Error::EmbeddedData`] when no such parameter is embedded.
pub fn parameter(name: &str) -> Result<&'static Parameter> {
    regimes_file()?
        .parameters
        .get(name)
        .ok_or_else(|| Error::EmbeddedData {
            name: "regimes.toml",
            reason: format!("no parameter {name:?}"),
        })
}

/// A parameter as a whole number of days.
pub(crate) fn days(name: &str) -> Result<(u32, SourceRef)> {
    let p = parameter(name)?;
    let n = rust_decimal::prelude::ToPrimitive::to_u32(&p.value).unwrap_or(0);
    if n == 0 || Decimal::from(n) != p.value {
        return Err(Error::EmbeddedData {
            name: "regimes.toml",
            reason: format!("parameter {name:?} is not a whole number of days"),
        });
    }
    Ok((n, p.source.clone()))
}

/// Every source the embedded law cites that is still marked to verify, with where it is used.
///
/// # Errors
///
/// [`Error::EmbeddedData`] if the embedded data is defective.
pub fn unverified() -> Result<Vec<(String, SourceRef)>> {
    let mut out = Vec::new();
    for id in ThresholdId::ALL {
        for e in threshold_timeline(id)?.entries() {
            if !e.source.is_verified() {
                out.push((
                    format!("threshold {id:?} from {}", e.from),
                    e.source.clone(),
                ));
            }
        }
    }
    for kind in AuthorityKind::ALL {
        let a = authority(kind)?;
        let tls: [(&str, Option<&Timeline<AuthorityClass>>); 3] = [
            ("PCR class", Some(&a.pcr_class)),
            ("PCR Part 4 class", Some(&a.pcr_part4_class)),
            ("Procurement Act class", a.pa_class.as_ref()),
        ];
        for (what, tl) in tls {
            for e in tl.map(Timeline::entries).unwrap_or_default() {
                if !e.source.is_verified() {
                    out.push((
                        format!("{} {what} from {}", a.name, e.from),
                        e.source.clone(),
                    ));
                }
            }
        }
    }
    for (name, p) in &regimes_file()?.parameters {
        if !p.source.is_verified() {
            out.push((format!("parameter {name}"), p.source.clone()));
        }
    }
    for (name, k) in &regimes_file()?.dates {
        if !k.source.is_verified() {
            out.push((format!("date {name}"), k.source.clone()));
        }
    }
    for id in [
        crate::cpv::ScheduleId::Pcr2015Sch3,
        crate::cpv::ScheduleId::PsrSch1,
        crate::cpv::ScheduleId::Pr2024Sch1,
    ] {
        for e in &crate::cpv::schedule(id)?.entries {
            if !e.source.is_verified() {
                out.push((format!("{id:?} {}-{}", e.from, e.to), e.source.clone()));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn all_data_loads() {
        for id in ThresholdId::ALL {
            assert!(!threshold_timeline(id).unwrap().entries().is_empty());
        }
        for kind in AuthorityKind::ALL {
            assert_eq!(authority(kind).unwrap().kind, kind);
        }
        for name in [
            "scope_start",
            "pcr2015_start",
            "ltr_nhs_start",
            "vat_inclusive",
            "psr_start",
            "pa2023_start",
        ] {
            key_date(name).unwrap();
        }
        assert!(key_date("nonsense").is_err());
        assert!(parameter("nonsense").is_err());
    }

    #[test]
    fn thresholds_change_on_their_dates() {
        let lt = |y, m, dd| {
            threshold(ThresholdId::PcrLightTouch, d(y, m, dd))
                .unwrap()
                .0
        };
        assert_eq!(lt(2015, 12, 31).amount, Money::from_pounds(625_050));
        assert_eq!(lt(2016, 1, 1).amount, Money::from_pounds(589_148));
        assert_eq!(lt(2021, 12, 31).basis, VatBasis::Net);
        assert_eq!(lt(2022, 1, 1).basis, VatBasis::Gross);
        assert!(threshold(ThresholdId::PcrLightTouch, d(2025, 2, 24)).is_err());
        let pa = threshold(ThresholdId::PaServicesSubCentral, d(2026, 11, 2))
            .unwrap()
            .0;
        assert_eq!(pa.amount, Money::from_pounds(207_720));
    }

    #[test]
    fn foundation_trusts_become_central_in_august_2021() {
        let ft = authority(AuthorityKind::FoundationTrust).unwrap();
        assert_eq!(
            *ft.pcr_class.at(d(2021, 8, 15)).unwrap(),
            AuthorityClass::SubCentral
        );
        assert_eq!(
            *ft.pcr_class.at(d(2021, 8, 16)).unwrap(),
            AuthorityClass::Central
        );
    }

    #[test]
    fn unverified_items_are_listed() {
        let list = unverified().unwrap();
        assert!(
            list.iter()
                .any(|(w, _)| w.contains("pcr_standstill_rolls_to_working_day"))
        );
        assert!(!list.iter().any(|(w, _)| w.contains("psr_change_percent")));
        assert!(
            list.iter()
                .any(|(w, _)| w == "date pa_payments_compliance_start")
        );
        assert!(list.iter().all(|(_, s)| !s.is_verified()));
    }
}
