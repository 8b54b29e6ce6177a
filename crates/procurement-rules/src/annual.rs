//! The Provider Selection Regime annual summary of contracting activity (reg. 25), computed
//! from an authority's records of awards, urgent modifications, representations and
//! contracts held.
//!
//! Reg. 25(2) read verbatim on legislation.gov.uk. Reg. 25 does not define "new provider" or
//! "previous year"; the crate takes the previous year as the period of equal length ending the
//! day before the summary period, and a new provider as one awarded a contract in the period
//! that held no contract with the authority in the previous year.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use route_map_core::{DateRange, SourceRef};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::law::key_date;
use crate::routes::Route;

/// One PSR award in the authority's records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PsrAwardRecord {
    /// The provider (name or identifier, compared exactly).
    pub provider: String,
    /// The process followed (a PSR route).
    pub route: Route,
    /// The day the contract was awarded (or the framework concluded).
    pub awarded_on: NaiveDate,
    /// The award concluded a framework agreement.
    #[serde(default)]
    pub framework_agreement: bool,
    /// The contract was awarded based on a framework agreement (reg. 18).
    #[serde(default)]
    pub based_on_framework: bool,
}

/// A contract held with a provider over a period (`[start, end)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeldContract {
    /// The provider.
    pub provider: String,
    /// The period the contract was held.
    pub period: DateRange,
}

/// Written representations received during a standstill (reg. 12(3)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RepresentationRecord {
    /// The day the standstill period ended.
    pub standstill_ended: NaiveDate,
    /// The nature and impact of the representations.
    pub summary: String,
}

/// An authority's PSR contracting records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PsrActivity {
    /// Awards.
    #[serde(default)]
    pub awards: Vec<PsrAwardRecord>,
    /// Days on which modifications were made in reliance on reg. 14 (urgency).
    #[serde(default)]
    pub urgent_modifications: Vec<NaiveDate>,
    /// Representations.
    #[serde(default)]
    pub representations: Vec<RepresentationRecord>,
    /// Contracts held with providers (for reg. 25(2)(g) and (h)).
    #[serde(default)]
    pub contracts_held: Vec<HeldContract>,
}

/// The reg. 25(2) counts for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnnualSummary {
    /// The period summarised.
    pub period: DateRange,
    /// (a) Contracts awarded by Direct Award Process A, B or C, with the split.
    pub direct_award: [usize; 3],
    /// (b) Most Suitable Provider Process.
    pub most_suitable_provider: usize,
    /// (c) Competitive Process.
    pub competitive: usize,
    /// (d) Framework agreements concluded.
    pub frameworks_concluded: usize,
    /// (e) Contracts awarded based on a framework agreement.
    pub framework_call_offs: usize,
    /// (f) Contracts awarded and modifications made under reg. 14 (urgency).
    pub urgent: usize,
    /// (g) New providers awarded a contract.
    pub new_providers: usize,
    /// (h) Providers holding a contract in the previous year but none in this one.
    pub providers_lost: usize,
    /// (i) Representations received in standstill periods that ended in the period.
    pub representations: Vec<String>,
    /// Sources.
    pub sources: Vec<SourceRef>,
}

impl AnnualSummary {
    /// (a) in total: contracts awarded by Direct Award Process A, B or C.
    #[must_use]
    pub fn direct_award_total(&self) -> usize {
        self.direct_award.iter().sum()
    }
}

fn held_in(contracts: &[HeldContract], range: DateRange) -> BTreeSet<&str> {
    contracts
        .iter()
        .filter(|c| c.period.start() < range.end() && range.start() < c.period.end())
        .map(|c| c.provider.as_str())
        .collect()
}

/// The annual summary for `period` (`[start, end)`; the first ran from 1 January 2024 to
/// 31 March 2025, later ones by financial year).
///
/// # Errors
///
/// [`Error::OutOfScope`] for a period starting before the PSR; [`Error::Invalid`] for an empty
/// period, a record whose route is not a PSR process, or an award that is both a framework and
/// a call-off.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use route_map_core::DateRange;
/// use procurement_rules::annual::{annual_summary, PsrActivity, PsrAwardRecord};
/// use procurement_rules::routes::Route;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let activity = PsrActivity {
///     awards: vec![PsrAwardRecord {
///         provider: "CWPT".into(),
///         route: Route::PsrMostSuitableProvider,
///         awarded_on: d(2027, 1, 18),
///         framework_agreement: false,
///         based_on_framework: false,
///     }],
///     ..PsrActivity::default()
/// };
/// let s = annual_summary(&activity, DateRange::new(d(2026, 4, 1), d(2027, 4, 1))?)?;
/// assert_eq!((s.most_suitable_provider, s.new_providers), (1, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn annual_summary(activity: &PsrActivity, period: DateRange) -> Result<AnnualSummary> {
    let psr_start = key_date("psr_start")?;
    if period.start() < psr_start.date {
        return Err(Error::OutOfScope {
            date: period.start(),
            reason: format!(
                "the PSR annual summary starts with the PSR on {}",
                psr_start.date
            ),
        });
    }
    if period.is_empty() {
        return Err(Error::invalid("summary period", "is empty"));
    }
    let length = period.end().signed_duration_since(period.start());
    let previous_start = period
        .start()
        .checked_sub_signed(length)
        .ok_or_else(|| Error::invalid("summary period", "out of range"))?;
    let previous = DateRange::new(previous_start, period.start())?;
    let held_before = held_in(&activity.contracts_held, previous);
    let held_now = held_in(&activity.contracts_held, period);
    let mut direct_award = [0usize; 3];
    let (mut msp, mut competitive, mut frameworks, mut call_offs, mut urgent) = (0, 0, 0, 0, 0);
    let mut awarded = BTreeSet::new();
    for a in activity
        .awards
        .iter()
        .filter(|a| period.contains(a.awarded_on))
    {
        if a.framework_agreement && a.based_on_framework {
            return Err(Error::invalid(
                "award record",
                format!(
                    "{}: both concludes a framework and is based on one",
                    a.provider
                ),
            ));
        }
        match a.route {
            Route::PsrDirectAwardA => direct_award[0] += 1,
            Route::PsrDirectAwardB => direct_award[1] += 1,
            Route::PsrDirectAwardC => direct_award[2] += 1,
            Route::PsrMostSuitableProvider => msp += 1,
            Route::PsrCompetitive if a.framework_agreement => {}
            Route::PsrCompetitive => competitive += 1,
            Route::PsrUrgentAward => urgent += 1,
            other => {
                return Err(Error::invalid(
                    "award record",
                    format!("{}: {other:?} is not a PSR process", a.provider),
                ));
            }
        }
        frameworks += usize::from(a.framework_agreement);
        call_offs += usize::from(a.based_on_framework);
        if !a.framework_agreement {
            awarded.insert(a.provider.as_str());
        }
    }
    urgent += activity
        .urgent_modifications
        .iter()
        .filter(|d| period.contains(**d))
        .count();
    let new_providers = awarded.iter().filter(|p| !held_before.contains(*p)).count();
    let providers_lost = held_before
        .iter()
        .filter(|p| !held_now.contains(*p) && !awarded.contains(*p))
        .count();
    let representations = activity
        .representations
        .iter()
        .filter(|r| period.contains(r.standstill_ended))
        .map(|r| r.summary.clone())
        .collect();
    Ok(AnnualSummary {
        period,
        direct_award,
        most_suitable_provider: msp,
        competitive,
        frameworks_concluded: frameworks,
        framework_call_offs: call_offs,
        urgent,
        new_providers,
        providers_lost,
        representations,
        sources: vec![
            SourceRef::new("Health Care Services (Provider Selection Regime) Regulations 2023")
                .with_clause("reg. 25(1)-(2)")
                .with_url("https://legislation.gov.uk/uksi/2023/1348/regulation/25/made?view=plain"),
            SourceRef::new("route-map reading of reg. 25(2)(g)-(h)")
                .with_clause("previous year = period of equal length before the summary period; new provider = awarded a contract, none held in the previous year")
                .unverified("reg. 25 does not define 'new provider' or 'previous year'"),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn award(p: &str, route: Route, on: NaiveDate) -> PsrAwardRecord {
        PsrAwardRecord {
            provider: p.into(),
            route,
            awarded_on: on,
            framework_agreement: false,
            based_on_framework: false,
        }
    }

    fn held(p: &str, a: NaiveDate, b: NaiveDate) -> HeldContract {
        HeldContract {
            provider: p.into(),
            period: DateRange::new(a, b).unwrap(),
        }
    }

    #[test]
    fn counts_every_limb() {
        let fy = DateRange::new(d(2025, 4, 1), d(2026, 4, 1)).unwrap();
        let mut fw = award("F", Route::PsrCompetitive, d(2025, 6, 1));
        fw.framework_agreement = true;
        let mut call_off = award("G", Route::PsrCompetitive, d(2025, 7, 1));
        call_off.based_on_framework = true;
        let activity = PsrActivity {
            awards: vec![
                award("A", Route::PsrDirectAwardA, d(2025, 4, 1)),
                award("B", Route::PsrDirectAwardB, d(2025, 5, 1)),
                award("B", Route::PsrDirectAwardB, d(2025, 5, 2)),
                award("C", Route::PsrDirectAwardC, d(2026, 3, 31)),
                award("D", Route::PsrMostSuitableProvider, d(2025, 9, 1)),
                award("E", Route::PsrUrgentAward, d(2025, 10, 1)),
                award("X", Route::PsrCompetitive, d(2026, 4, 1)), // next year
                fw,
                call_off,
            ],
            urgent_modifications: vec![d(2025, 11, 1), d(2024, 11, 1)],
            representations: vec![RepresentationRecord {
                standstill_ended: d(2025, 9, 20),
                summary: "key criteria scoring queried; decision upheld".into(),
            }],
            contracts_held: vec![
                held("A", d(2020, 4, 1), d(2030, 4, 1)),
                held("Z", d(2023, 4, 1), d(2025, 3, 31)),
            ],
        };
        let s = annual_summary(&activity, fy).unwrap();
        assert_eq!(s.direct_award, [1, 2, 1]);
        assert_eq!(s.direct_award_total(), 4);
        assert_eq!((s.most_suitable_provider, s.competitive), (1, 1));
        assert_eq!((s.frameworks_concluded, s.framework_call_offs), (1, 1));
        assert_eq!(s.urgent, 2);
        // B, C, D, E, G are new; A held a contract in 2024/25.
        assert_eq!(s.new_providers, 5);
        // Z held one in 2024/25 and none now.
        assert_eq!(s.providers_lost, 1);
        assert_eq!(s.representations.len(), 1);
    }

    #[test]
    fn bad_inputs() {
        let early = DateRange::new(d(2023, 4, 1), d(2024, 4, 1)).unwrap();
        assert!(matches!(
            annual_summary(&PsrActivity::default(), early),
            Err(Error::OutOfScope { .. })
        ));
        let empty = DateRange::new(d(2025, 4, 1), d(2025, 4, 1)).unwrap();
        assert!(annual_summary(&PsrActivity::default(), empty).is_err());
        let fy = DateRange::new(d(2025, 4, 1), d(2026, 4, 1)).unwrap();
        let pcr = PsrActivity {
            awards: vec![award("A", Route::PcrOpen, d(2025, 5, 1))],
            ..PsrActivity::default()
        };
        assert!(matches!(
            annual_summary(&pcr, fy),
            Err(Error::Invalid { .. })
        ));
        let mut both = award("A", Route::PsrCompetitive, d(2025, 5, 1));
        both.framework_agreement = true;
        both.based_on_framework = true;
        let both = PsrActivity {
            awards: vec![both],
            ..PsrActivity::default()
        };
        assert!(annual_summary(&both, fy).is_err());
    }
}
