//! Worked cases typed from real programmes, embedded for examples, tests and benchmarks.
//!
//! [`coventry_and_warwickshire_ooh`] is the Coventry and Warwickshire Out of Hospital
//! programme as reported to the Coventry Health and Wellbeing Board on 4 October 2017: the
//! three CCGs and two councils, the four places and the two lead-provider lots, the 2017/18
//! in-scope value by CCG area (£57,428,020), and the programme from the outcomes work of
//! 2015/16 through the options process (April to July 2017), the OJEU notice (July 2017) and
//! contract discussions to signature (November 2017) and commencement (April 2018).

use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::budget::BudgetScope;
use crate::error::{Error, Result};
use crate::geography::Footprint;
use crate::organisation::{Organisation, Registry};
use crate::route_map::Programme;
use crate::timeline::SourceRef;

const COVENTRY_TOML: &str = include_str!("../data/coventry_warwickshire_ooh.toml");

/// A programme with its organisations, footprint and budget scope, as known on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The date the facts describe (the report's date).
    pub as_at: NaiveDate,
    /// Where the facts come from.
    pub source: SourceRef,
    /// The organisations involved.
    pub organisations: Registry,
    /// The footprint, its places and lots.
    pub footprint: Footprint,
    /// The budget lines in scope.
    pub scope: BudgetScope,
    /// The programme and its records up to the date.
    pub programme: Programme,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    as_at: NaiveDate,
    source: SourceRef,
    organisation: Vec<Organisation>,
    footprint: Footprint,
    scope: BudgetScope,
    programme: Programme,
}

/// The Coventry and Warwickshire Out of Hospital programme on 4 October 2017.
///
/// # Errors
///
/// [`Error::EmbeddedData`] only if the embedded case is defective.
///
/// # Examples
///
/// ```
/// use route_map_core::cases::coventry_and_warwickshire_ooh;
/// use route_map_core::budget::ScopeFilter;
/// let case = coventry_and_warwickshire_ooh()?;
/// assert_eq!(case.scope.total(ScopeFilter::In)?, "£57,428,020".parse()?);
/// let standing = case.programme.standing(case.as_at);
/// assert_eq!(standing.in_progress().count(), 2);
/// # Ok::<(), route_map_core::Error>(())
/// ```
pub fn coventry_and_warwickshire_ooh() -> Result<Case> {
    static CELL: OnceLock<std::result::Result<Case, Error>> = OnceLock::new();
    CELL.get_or_init(|| {
        let embedded = |e: String| Error::EmbeddedData {
            name: "coventry_warwickshire_ooh.toml",
            reason: e,
        };
        let file: CaseFile = toml::from_str(COVENTRY_TOML).map_err(|e| embedded(e.to_string()))?;
        let organisations =
            Registry::new(file.organisation).map_err(|e| embedded(e.to_string()))?;
        file.scope
            .check_holders(&organisations)
            .map_err(|e| embedded(e.to_string()))?;
        file.footprint
            .check_on(&organisations, file.as_at)
            .map_err(|e| embedded(e.to_string()))?;
        Ok(Case {
            as_at: file.as_at,
            source: file.source,
            organisations,
            footprint: file.footprint,
            scope: file.scope,
            programme: file.programme,
        })
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::ScopeFilter;
    use crate::calendar::WorkingDayCalendar;
    use crate::money::Money;
    use rust_decimal::Decimal;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_case_loads_with_the_seed_values() {
        let case = coventry_and_warwickshire_ooh().unwrap();
        assert_eq!(case.as_at, d(2017, 10, 4));
        let total = case.scope.total(ScopeFilter::In).unwrap();
        assert_eq!(total, Money::from_pounds(57_428_020));
        let weights: Vec<Decimal> = case
            .scope
            .lines()
            .iter()
            .map(|l| l.amount.as_decimal())
            .collect();
        let parts = total.allocate(&weights).unwrap();
        let amounts: Vec<Money> = case.scope.lines().iter().map(|l| l.amount).collect();
        assert_eq!(parts, amounts);
        let by_holder = case.scope.totals_by_holder(ScopeFilter::In).unwrap();
        assert_eq!(by_holder["05A"], Money::from_pounds(27_014_100));
        assert_eq!(case.organisations.len(), 9);
        assert_eq!(
            case.organisations
                .acting_for("05R", d(2021, 6, 1))
                .unwrap()
                .id(),
            "B2M3M"
        );
        assert_eq!(
            case.organisations
                .acting_for("05A", d(2023, 4, 1))
                .unwrap()
                .id(),
            "QWU"
        );
        assert!(
            case.footprint
                .places_without_lot(crate::ServiceCategory::Community)
                .is_empty()
        );
    }

    #[test]
    fn where_the_programme_stood_on_4_october_2017() {
        let case = coventry_and_warwickshire_ooh().unwrap();
        let s = case.programme.standing(case.as_at);
        assert_eq!(s.done().count(), 8);
        let in_progress: Vec<&str> = s.in_progress().map(|s| s.id.as_str()).collect();
        assert_eq!(in_progress, ["negotiation", "collaborative_agreement"]);
        let blocked: Vec<(&str, Vec<String>)> = s
            .blocked()
            .map(|s| (s.id.as_str(), s.blocked_by.clone()))
            .collect();
        assert_eq!(blocked[0], ("signature", vec!["negotiation".to_owned()]));
        assert_eq!(s.ready().count(), 0);
        let schedule = case
            .programme
            .schedule(case.as_at, WorkingDayCalendar::england_and_wales().unwrap())
            .unwrap();
        let sign = schedule.step("signature").unwrap();
        assert_eq!(sign.finish.format("%Y-%m").to_string(), "2017-11");
        let go = schedule.step("commencement").unwrap();
        assert_eq!(go.start, d(2018, 4, 3));
        assert_eq!(schedule.critical_path, ["commencement"]);
    }
}
