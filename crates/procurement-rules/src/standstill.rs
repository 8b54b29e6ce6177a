//! Standstill under each regime's own counting rule: PCR 2015 calendar days after the award
//! decision notice is sent (rolled to a working day); PSR eight working days after the day the
//! intention notice is published, extended by representations; Procurement Act 2023 eight
//! working days beginning with the day the contract award notice is published.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use route_map_core::{Counting, SourceRef, WorkingDayCalendar};

use crate::error::{Error, Result};
use crate::law::{days, parameter};
use crate::regime::Regime;
use crate::routes::Route;

/// How the award decision notice was sent (PCR).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SendingMeans {
    /// Fax or electronic means: 10 days.
    #[default]
    Electronic,
    /// Other means: 15 days.
    Other,
}

/// Representations made during a PSR standstill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Representations {
    /// When they were received.
    pub received: NaiveDate,
    /// When the authority communicated its further decision, if it has.
    #[serde(default)]
    pub further_decision: Option<NaiveDate>,
}

/// Options that change a standstill.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct StandstillOptions {
    /// PCR: how the notice was sent.
    #[serde(default)]
    pub means: SendingMeans,
    /// PSR: representations received.
    #[serde(default)]
    pub representations: Option<Representations>,
    /// Procurement Act light touch contracts and other optional cases: observe a voluntary
    /// standstill.
    #[serde(default)]
    pub voluntary: bool,
}

/// The counting rule used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CountingRule {
    /// Calendar days after the notice is sent, rolled to the next working day.
    CalendarDaysAfter,
    /// Working days after the day of publication.
    WorkingDaysAfter,
    /// Working days beginning with the day of publication.
    WorkingDaysBeginningWith,
}

/// A standstill period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standstill {
    /// The regime.
    pub regime: Regime,
    /// The day the notice was sent or published.
    pub notice: NaiveDate,
    /// The last day of the standstill (it ends at midnight at the end of this day).
    pub last_day: NaiveDate,
    /// The first day the contract may be entered into.
    pub earliest_contract: NaiveDate,
    /// The length in days of its unit.
    pub length: u32,
    /// How it was counted.
    pub counting: CountingRule,
    /// The rule applied.
    pub source: SourceRef,
    /// Extensions and roll-overs applied.
    pub notes: Vec<String>,
}

/// Whether a standstill applies, and the period when it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StandstillDecision {
    /// The period, when one applies.
    pub standstill: Option<Standstill>,
    /// Why (or why not).
    pub reason: String,
}

fn next_day(d: NaiveDate) -> Result<NaiveDate> {
    d.checked_add_days(Days::new(1))
        .ok_or(Error::Core(route_map_core::Error::Overflow {
            operation: "date arithmetic",
        }))
}

/// The standstill for an award under `regime` by `route`, whose standstill notice (award
/// decision notice, intention notice, contract award notice) is sent or published on `notice`.
///
/// # Errors
///
/// [`Error::StandstillOpen`] when PSR representations await the further decision;
/// [`Error::Invalid`] when the further decision precedes the representations;
/// [`Error::Core`] for dates outside the 2013-2030 working-day calendar.
///
/// ```
/// use procurement_rules::standstill::{standstill, StandstillOptions};
/// use procurement_rules::{regime::Regime, routes::Route};
/// use chrono::NaiveDate;
/// let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
/// // PSR: 8 working days after Thursday 17 December 2026, skipping Christmas and the
/// // substitute Boxing Day holiday.
/// let s = standstill(Regime::Psr, Route::PsrMostSuitableProvider, d(2026, 12, 17), StandstillOptions::default())?;
/// assert_eq!(s.standstill.unwrap().last_day, d(2026, 12, 31));
/// # Ok::<(), procurement_rules::Error>(())
/// ```
pub fn standstill(
    regime: Regime,
    route: Route,
    notice: NaiveDate,
    options: StandstillOptions,
) -> Result<StandstillDecision> {
    let cal = WorkingDayCalendar::england_and_wales()?;
    let none = |reason: &str| {
        Ok(StandstillDecision {
            standstill: None,
            reason: reason.to_owned(),
        })
    };
    match regime {
        Regime::Pcr2015Full | Regime::Pcr2015LightTouch => {
            if matches!(
                route,
                Route::LtrWithoutCallForCompetition | Route::PcrNegotiatedWithoutPublication
            ) && !options.voluntary
            {
                return none(
                    "no standstill is required where the contract may be awarded without prior publication (PCR reg. 87 read with the Remedies Directive art. 2b(a); to verify); a voluntary standstill protects against ineffectiveness",
                );
            }
            let name = match options.means {
                SendingMeans::Electronic => "pcr_standstill_electronic_days",
                SendingMeans::Other => "pcr_standstill_other_days",
            };
            let (n, source) = days(name)?;
            let raw_end = notice
                .checked_add_days(Days::new(u64::from(n)))
                .ok_or(Error::Core(route_map_core::Error::Overflow {
                    operation: "date arithmetic",
                }))?;
            let mut notes = Vec::new();
            let roll = parameter("pcr_standstill_rolls_to_working_day")?;
            let last_day = cal.next_working_day_on_or_after(raw_end)?;
            if last_day != raw_end {
                notes.push(format!(
                    "day {n} ({raw_end}) is not a working day: extended to {last_day} ({})",
                    roll.source
                ));
            }
            Ok(StandstillDecision {
                standstill: Some(Standstill {
                    regime,
                    notice,
                    last_day,
                    earliest_contract: next_day(last_day)?,
                    length: n,
                    counting: CountingRule::CalendarDaysAfter,
                    source,
                    notes,
                }),
                reason: "PCR standstill: calendar days after the award decision notice is sent"
                    .into(),
            })
        }
        Regime::Psr => {
            if matches!(route, Route::PsrDirectAwardA | Route::PsrDirectAwardB) {
                return none("Direct Award Processes A and B have no standstill");
            }
            if route == Route::PsrUrgentAward {
                return none("urgent awards under PSR reg. 14 have no standstill");
            }
            let (n, source) = days("psr_standstill_working_days")?;
            let mut last_day = cal.period_end(notice, n, Counting::After)?;
            let mut notes = Vec::new();
            if let Some(rep) = options.representations {
                if rep.received < notice {
                    return Err(Error::invalid(
                        "representations",
                        format!(
                            "received {} before the intention notice {notice}",
                            rep.received
                        ),
                    ));
                }
                if rep.received <= last_day {
                    let Some(decision) = rep.further_decision else {
                        return Err(Error::StandstillOpen {
                            published: notice,
                            received: rep.received,
                        });
                    };
                    if decision < rep.received {
                        return Err(Error::invalid(
                            "further decision",
                            format!(
                                "{decision} precedes the representations received {}",
                                rep.received
                            ),
                        ));
                    }
                    let (m, src) = days("psr_representations_working_days")?;
                    let extended = cal.period_end(decision, m, Counting::After)?;
                    if extended > last_day {
                        notes.push(format!("representations received {}; further decision {decision}; standstill extended to {extended} ({src})", rep.received));
                        last_day = extended;
                    }
                } else {
                    notes.push(format!(
                        "representations received {} after the standstill ended do not extend it",
                        rep.received
                    ));
                }
            }
            Ok(StandstillDecision {
                standstill: Some(Standstill {
                    regime,
                    notice,
                    last_day,
                    earliest_contract: next_day(last_day)?,
                    length: n,
                    counting: CountingRule::WorkingDaysAfter,
                    source,
                    notes,
                }),
                reason:
                    "PSR standstill: working days after the day the intention notice is published"
                        .into(),
            })
        }
        Regime::Pa2023Public | Regime::Pa2023LightTouch => {
            if regime == Regime::Pa2023LightTouch && !options.voluntary {
                return none(
                    "standstill is not mandatory for light touch contracts (Procurement Act 2023 s.51(3)); a voluntary standstill may be observed",
                );
            }
            if route == Route::PaUserChoiceDirectAward && !options.voluntary {
                return none("user choice direct awards are light touch: standstill voluntary");
            }
            let (n, source) = days("pa_standstill_working_days")?;
            let last_day = cal.period_end(notice, n, Counting::BeginningWith)?;
            Ok(StandstillDecision {
                standstill: Some(Standstill {
                    regime,
                    notice,
                    last_day,
                    earliest_contract: next_day(last_day)?,
                    length: n,
                    counting: CountingRule::WorkingDaysBeginningWith,
                    source,
                    notes: if options.voluntary { vec!["voluntary standstill".into()] } else { Vec::new() },
                }),
                reason: "Procurement Act standstill: working days beginning with the day the contract award notice is published".into(),
            })
        }
        Regime::Pcr2006PartB => {
            none("Part B services: no mandatory standstill modelled (PCR 2006 reg. 32A; to verify)")
        }
        Regime::Pcr2015BelowThreshold | Regime::Pa2023BelowThreshold => {
            none("below threshold: no standstill")
        }
        Regime::Nhs2013 => none("the 2013 Regulations impose no standstill"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn end(regime: Regime, route: Route, notice: NaiveDate, o: StandstillOptions) -> NaiveDate {
        standstill(regime, route, notice, o)
            .unwrap()
            .standstill
            .unwrap()
            .last_day
    }

    #[test]
    fn three_counting_rules_on_one_monday() {
        let mon = d(2025, 3, 3);
        assert_eq!(
            end(
                Regime::Pa2023Public,
                Route::PaOpen,
                mon,
                StandstillOptions::default()
            ),
            d(2025, 3, 12)
        );
        assert_eq!(
            end(
                Regime::Psr,
                Route::PsrCompetitive,
                mon,
                StandstillOptions::default()
            ),
            d(2025, 3, 13)
        );
        assert_eq!(
            end(
                Regime::Pcr2015Full,
                Route::PcrOpen,
                d(2024, 3, 4),
                StandstillOptions::default()
            ),
            d(2024, 3, 14)
        );
    }

    #[test]
    fn pcr_rolls_past_weekend_and_easter() {
        // Sent Friday 4 April 2025 + 10 = Monday 14 April (working day).
        assert_eq!(
            end(
                Regime::Pcr2015LightTouch,
                Route::LtrCallForCompetition,
                d(2025, 4, 4),
                StandstillOptions::default()
            ),
            d(2025, 4, 14)
        );
        // Sent Thursday 8 April 2021 + 10 = Sunday 18 April -> Monday 19 April.
        assert_eq!(
            end(
                Regime::Pcr2015Full,
                Route::PcrOpen,
                d(2021, 4, 8),
                StandstillOptions::default()
            ),
            d(2021, 4, 19)
        );
        // 15 days by post.
        let post = StandstillOptions {
            means: SendingMeans::Other,
            ..Default::default()
        };
        assert_eq!(
            end(Regime::Pcr2015Full, Route::PcrOpen, d(2021, 4, 1), post),
            d(2021, 4, 16)
        );
    }

    #[test]
    fn psr_representations_extend_or_keep_open() {
        let notice = d(2026, 3, 2);
        let base = end(
            Regime::Psr,
            Route::PsrDirectAwardC,
            notice,
            StandstillOptions::default(),
        );
        assert_eq!(base, d(2026, 3, 12));
        let rep = |received, further_decision| StandstillOptions {
            representations: Some(Representations {
                received,
                further_decision,
            }),
            ..Default::default()
        };
        assert_eq!(
            end(
                Regime::Psr,
                Route::PsrDirectAwardC,
                notice,
                rep(d(2026, 3, 10), Some(d(2026, 3, 20)))
            ),
            d(2026, 3, 27)
        );
        assert!(matches!(
            standstill(
                Regime::Psr,
                Route::PsrDirectAwardC,
                notice,
                rep(d(2026, 3, 10), None)
            ),
            Err(Error::StandstillOpen { .. })
        ));
        assert_eq!(
            end(
                Regime::Psr,
                Route::PsrDirectAwardC,
                notice,
                rep(d(2026, 3, 20), None)
            ),
            base
        );
        assert!(
            standstill(
                Regime::Psr,
                Route::PsrDirectAwardC,
                notice,
                rep(d(2026, 3, 1), None)
            )
            .is_err()
        );
        assert!(
            standstill(
                Regime::Psr,
                Route::PsrDirectAwardC,
                notice,
                rep(d(2026, 3, 10), Some(d(2026, 3, 9)))
            )
            .is_err()
        );
    }

    #[test]
    fn no_standstill_where_none_applies() {
        let o = StandstillOptions::default();
        assert!(
            standstill(Regime::Psr, Route::PsrDirectAwardA, d(2025, 1, 6), o)
                .unwrap()
                .standstill
                .is_none()
        );
        assert!(
            standstill(Regime::Pa2023LightTouch, Route::PaOpen, d(2025, 6, 2), o)
                .unwrap()
                .standstill
                .is_none()
        );
        let v = StandstillOptions {
            voluntary: true,
            ..o
        };
        assert!(
            standstill(Regime::Pa2023LightTouch, Route::PaOpen, d(2025, 6, 2), v)
                .unwrap()
                .standstill
                .is_some()
        );
        assert!(
            standstill(Regime::Nhs2013, Route::Nhs2013Advertised, d(2015, 6, 1), o)
                .unwrap()
                .standstill
                .is_none()
        );
        assert!(standstill(Regime::Psr, Route::PsrCompetitive, d(2031, 6, 2), o).is_err());
    }
}
