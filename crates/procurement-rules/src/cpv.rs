//! Common Procurement Vocabulary codes and the schedules that classify services by them.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use route_map_core::SourceRef;

use crate::data::load;
use crate::error::{Error, Result};

const CPV_TOML: &str = include_str!("../data/cpv.toml");

/// A CPV 2008 code: eight digits, optionally followed by `-` and the check digit
/// (e.g. `85323000-9`, community health services). Validated at construction: the shape, and
/// the division (first two digits) against the 45 divisions of CPV 2008.
///
/// ```
/// use procurement_rules::CpvCode;
/// let code: CpvCode = "85323000-9".parse()?;
/// assert_eq!(code.digits(), 85_323_000);
/// assert!("12345678".parse::<CpvCode>().is_err()); // division 12 does not exist
/// # Ok::<(), procurement_rules::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CpvCode {
    digits: u32,
    check: Option<u8>,
}

impl CpvCode {
    /// Parse and validate a code.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCpv`] for a malformed code, [`Error::UnknownCpv`] for a division that
    /// does not exist; [`Error::EmbeddedData`] if the embedded code list is defective.
    pub fn new(text: &str) -> Result<CpvCode> {
        let trimmed = text.trim();
        let (main, check) = match trimmed.split_once('-') {
            Some((m, c)) => (m, Some(c)),
            None => (trimmed, None),
        };
        let bad = |reason| Error::InvalidCpv {
            input: text.to_owned(),
            reason,
        };
        if main.len() != 8 || !main.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("the main part must be exactly eight digits"));
        }
        let check = match check {
            None => None,
            Some(c) if c.len() == 1 && c.bytes().all(|b| b.is_ascii_digit()) => {
                c.parse::<u8>().ok()
            }
            Some(_) => return Err(bad("the check digit must be a single digit after '-'")),
        };
        let digits: u32 = main.parse().map_err(|_| bad("not a number"))?;
        let division = main.get(..2).unwrap_or_default().to_owned();
        if !catalogue()?.divisions.contains(&division) {
            return Err(Error::UnknownCpv {
                code: trimmed.to_owned(),
                division,
            });
        }
        Ok(CpvCode { digits, check })
    }

    /// The eight digits as a number (`85323000`).
    #[must_use]
    pub fn digits(&self) -> u32 {
        self.digits
    }

    /// The check digit, when given.
    #[must_use]
    pub fn check_digit(&self) -> Option<u8> {
        self.check
    }

    /// The division (first two digits), e.g. `85` health and social work services.
    #[must_use]
    pub fn division(&self) -> u32 {
        self.digits / 1_000_000
    }
}

impl fmt::Display for CpvCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08}", self.digits)?;
        if let Some(c) = self.check {
            write!(f, "-{c}")?;
        }
        Ok(())
    }
}

impl FromStr for CpvCode {
    type Err = Error;
    fn from_str(s: &str) -> Result<CpvCode> {
        CpvCode::new(s)
    }
}

impl TryFrom<String> for CpvCode {
    type Error = Error;
    fn try_from(s: String) -> Result<CpvCode> {
        CpvCode::new(&s)
    }
}

impl From<CpvCode> for String {
    fn from(c: CpvCode) -> String {
        c.to_string()
    }
}

impl schemars::JsonSchema for CpvCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CpvCode".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{8}(-[0-9])?$",
            "description": "CPV 2008 code, eight digits and optional check digit, e.g. 85323000-9"
        })
    }
}

/// The schedules that classify services by CPV code.
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
pub enum ScheduleId {
    /// PCR 2015 Schedule 3: light touch regime services (also used for PCR 2006 Part B
    /// health and social services).
    #[serde(rename = "pcr2015_sch3")]
    Pcr2015Sch3,
    /// PSR Schedule 1: relevant health care services.
    #[serde(rename = "psr_sch1")]
    PsrSch1,
    /// Procurement Regulations 2024 Schedule 1: light touch services under the Act.
    #[serde(rename = "pr2024_sch1")]
    Pr2024Sch1,
}

/// One line of a schedule: an inclusive range of eight-digit codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleEntry {
    /// First code (eight digits).
    pub from: String,
    /// Last code (eight digits).
    pub to: String,
    /// What the line covers.
    pub label: String,
    /// Where it comes from.
    pub source: SourceRef,
}

/// A schedule of services by CPV code, as encoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Which schedule.
    pub id: ScheduleId,
    /// Its name.
    pub name: String,
    /// The instrument and paragraph.
    pub source: SourceRef,
    /// Its lines.
    pub entries: Vec<ScheduleEntry>,
    /// False while only part of the schedule is encoded.
    pub complete: bool,
    /// What is missing.
    pub completeness_note: String,
}

/// The schedule line that lists a code, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listing {
    /// The schedule.
    pub schedule: ScheduleId,
    /// The line's label.
    pub label: String,
    /// The line's source (may be marked to verify).
    pub source: SourceRef,
}

#[derive(Debug, Deserialize)]
struct CpvFile {
    divisions: Vec<String>,
    #[allow(dead_code)]
    divisions_source: SourceRef,
    schedule: Vec<Schedule>,
}

static CPV: OnceLock<std::result::Result<CpvFile, String>> = OnceLock::new();

fn catalogue() -> Result<&'static CpvFile> {
    load(&CPV, "cpv.toml", CPV_TOML)
}

/// The encoded schedule `id`.
///
/// # Errors
///
/// [`Error::EmbeddedData`] if the embedded data is defective or lacks the schedule.
pub fn schedule(id: ScheduleId) -> Result<&'static Schedule> {
    catalogue()?
        .schedule
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| Error::EmbeddedData {
            name: "cpv.toml",
            reason: format!("no schedule {id:?}"),
        })
}

fn parse_bound(text: &str) -> Result<u32> {
    text.parse().map_err(|_| Error::EmbeddedData {
        name: "cpv.toml",
        reason: format!("schedule bound {text:?} is not eight digits"),
    })
}

/// Where `code` is listed in schedule `id`, or `None`.
///
/// # Errors
///
/// [`Error::EmbeddedData`] if the embedded data is defective.
pub fn listing(id: ScheduleId, code: &CpvCode) -> Result<Option<Listing>> {
    let sched = schedule(id)?;
    for entry in &sched.entries {
        let (lo, hi) = (parse_bound(&entry.from)?, parse_bound(&entry.to)?);
        if (lo..=hi).contains(&code.digits()) {
            return Ok(Some(Listing {
                schedule: id,
                label: entry.label.clone(),
                source: entry.source.clone(),
            }));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_codes() {
        let c = CpvCode::new("85323000-9").unwrap();
        assert_eq!(c.to_string(), "85323000-9");
        assert_eq!(c.division(), 85);
        assert_eq!(CpvCode::new("85323000").unwrap().check_digit(), None);
    }

    #[test]
    fn rejects_malformed_and_unknown_codes() {
        assert!(matches!(
            CpvCode::new("8532300"),
            Err(Error::InvalidCpv { .. })
        ));
        assert!(matches!(
            CpvCode::new("85323000-X"),
            Err(Error::InvalidCpv { .. })
        ));
        assert!(matches!(
            CpvCode::new("85323000-12"),
            Err(Error::InvalidCpv { .. })
        ));
        assert!(matches!(
            CpvCode::new("12345678-1"),
            Err(Error::UnknownCpv { .. })
        ));
        assert!(serde_json::from_str::<CpvCode>("\"99999999\"").is_err());
    }

    #[test]
    fn community_health_is_in_every_health_schedule() {
        let c = CpvCode::new("85323000-9").unwrap();
        for id in [
            ScheduleId::Pcr2015Sch3,
            ScheduleId::PsrSch1,
            ScheduleId::Pr2024Sch1,
        ] {
            assert!(listing(id, &c).unwrap().is_some(), "{id:?}");
        }
        let social_work = CpvCode::new("85311000-2").unwrap();
        assert!(
            listing(ScheduleId::PsrSch1, &social_work)
                .unwrap()
                .is_none()
        );
        assert!(
            listing(ScheduleId::Pcr2015Sch3, &social_work)
                .unwrap()
                .is_some()
        );
        // Hospital bedding (85112100) is not listed in PSR Schedule 1, hospital dialysis is.
        let bedding = CpvCode::new("85112100-8").unwrap();
        assert!(listing(ScheduleId::PsrSch1, &bedding).unwrap().is_none());
        let dialysis = listing(ScheduleId::PsrSch1, &CpvCode::new("85111900-9").unwrap())
            .unwrap()
            .unwrap();
        assert!(dialysis.source.is_verified());
        let it = CpvCode::new("72000000-5").unwrap();
        assert!(listing(ScheduleId::Pcr2015Sch3, &it).unwrap().is_none());
    }
}
