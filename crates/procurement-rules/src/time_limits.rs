//! Minimum time limits of the PCR 2015 two-stage procedures (restricted, competitive procedure
//! with negotiation, competitive dialogue, innovation partnership), as dated data with sources.
//!
//! The open procedure's limits are checked in [`crate::plan`]; the light touch regime (regs.
//! 74-76) sets no minimum beyond a reasonable time, so it has none here.

use serde::{Deserialize, Serialize};

use route_map_core::SourceRef;

use crate::error::{Error, Result};
use crate::law::days;
use crate::routes::Route;

/// A PCR 2015 procedure with a call for competition and a request-to-participate stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PcrProcedure {
    /// Restricted procedure (reg. 28).
    Restricted,
    /// Competitive procedure with negotiation (reg. 29).
    CompetitiveWithNegotiation,
    /// Competitive dialogue (reg. 30).
    CompetitiveDialogue,
    /// Innovation partnership (reg. 31).
    InnovationPartnership,
}

impl PcrProcedure {
    /// The procedure behind a route, if it is one of these.
    #[must_use]
    pub fn from_route(route: Route) -> Option<PcrProcedure> {
        match route {
            Route::PcrRestricted => Some(PcrProcedure::Restricted),
            Route::PcrCompetitiveWithNegotiation => Some(PcrProcedure::CompetitiveWithNegotiation),
            Route::PcrCompetitiveDialogue => Some(PcrProcedure::CompetitiveDialogue),
            _ => None,
        }
    }
}

/// Which period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Requests to participate, counted from the date the contract notice is sent.
    RequestsToParticipate,
    /// (Initial) tenders, counted from the date the invitation to tender is sent.
    Tenders,
}

/// The facts that allow a shorter period (all false: the full period).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct TimeLimitFacts {
    /// A prior information notice meeting reg. 28(7) (content; sent 35 days to 12 months before
    /// the contract notice) was published.
    #[serde(default)]
    pub qualifying_pin: bool,
    /// A state of urgency duly substantiated by the authority.
    #[serde(default)]
    pub urgency: bool,
    /// Tenders may be submitted electronically (reg. 22).
    #[serde(default)]
    pub electronic_submission: bool,
    /// A sub-central authority agreed the tender time limit with all selected candidates.
    #[serde(default)]
    pub agreed_with_candidates: bool,
}

/// A minimum period: `days` calendar days from the start event (`None`: no statutory minimum,
/// the period agreed with the candidates governs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MinimumTimeLimit {
    /// Minimum calendar days, if any.
    pub days: Option<u32>,
    /// The rule that set it (e.g. `pcr.restricted.pin`).
    pub rule: &'static str,
    /// The sources applied, the base period first.
    pub sources: Vec<SourceRef>,
}

/// The minimum time limit for `stage` of `procedure`, given the facts and whether the authority
/// is sub-central at the time (reg. 28(8) applies only to sub-central authorities).
///
/// The shortest lawful period is taken when several reductions apply: PIN 10 days; urgency 15
/// (requests) or 10 (tenders) days; a sub-central authority's agreement (no minimum) or, absent
/// agreement, 10 days; otherwise 30 days less 5 with electronic submission. Competitive
/// dialogue and innovation partnership have only the 30-day request period.
///
/// # Errors
///
/// [`Error::Invalid`] for a tender period of competitive dialogue or innovation partnership
/// (no minimum set) or an agreement claimed by a central authority; embedded data errors.
pub fn pcr_minimum_time_limit(
    procedure: PcrProcedure,
    stage: Stage,
    facts: TimeLimitFacts,
    sub_central: bool,
) -> Result<MinimumTimeLimit> {
    if facts.agreed_with_candidates && !sub_central {
        return Err(Error::invalid(
            "time limit facts",
            "only a sub-central authority may agree the tender time limit (reg. 28(8))",
        ));
    }
    let two_stage = matches!(
        procedure,
        PcrProcedure::Restricted | PcrProcedure::CompetitiveWithNegotiation
    );
    match stage {
        Stage::RequestsToParticipate => {
            let (name, rule) = match procedure {
                PcrProcedure::Restricted | PcrProcedure::CompetitiveWithNegotiation => {
                    ("pcr_restricted_requests_days", "pcr.requests")
                }
                PcrProcedure::CompetitiveDialogue => {
                    ("pcr_dialogue_requests_days", "pcr.dialogue.requests")
                }
                PcrProcedure::InnovationPartnership => {
                    ("pcr_innovation_requests_days", "pcr.innovation.requests")
                }
            };
            let (base, src) = days(name)?;
            if facts.urgency && two_stage {
                let (u, usrc) = days("pcr_restricted_urgency_requests_days")?;
                return Ok(MinimumTimeLimit {
                    days: Some(u.min(base)),
                    rule: "pcr.requests.urgency",
                    sources: vec![src, usrc],
                });
            }
            Ok(MinimumTimeLimit {
                days: Some(base),
                rule,
                sources: vec![src],
            })
        }
        Stage::Tenders => {
            if !two_stage {
                return Err(Error::invalid(
                    "time limit",
                    "the PCR set no minimum tender period for competitive dialogue or innovation partnership",
                ));
            }
            let (base, src) = days("pcr_restricted_tenders_days")?;
            let mut best = MinimumTimeLimit {
                days: Some(base),
                rule: "pcr.tenders",
                sources: vec![src.clone()],
            };
            let mut consider = |n: Option<u32>, rule: &'static str, extra: SourceRef| {
                let shorter = match (n, best.days) {
                    (None, _) => true,
                    (Some(_), None) => false,
                    (Some(a), Some(b)) => a < b,
                };
                if shorter {
                    best = MinimumTimeLimit {
                        days: n,
                        rule,
                        sources: vec![src.clone(), extra],
                    };
                }
            };
            if facts.electronic_submission {
                let (r, rsrc) = days("pcr_restricted_electronic_reduction_days")?;
                consider(Some(base.saturating_sub(r)), "pcr.tenders.electronic", rsrc);
            }
            if facts.qualifying_pin {
                let (n, s) = days("pcr_restricted_pin_tenders_days")?;
                consider(Some(n), "pcr.tenders.pin", s);
            }
            if facts.urgency {
                let (n, s) = days("pcr_restricted_urgency_tenders_days")?;
                consider(Some(n), "pcr.tenders.urgency", s);
            }
            if sub_central {
                let (n, s) = days("pcr_sub_central_default_tenders_days")?;
                if facts.agreed_with_candidates {
                    consider(None, "pcr.tenders.sub_central_agreed", s);
                } else {
                    consider(Some(n), "pcr.tenders.sub_central", s);
                }
            }
            Ok(best)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(p: PcrProcedure, s: Stage, f: TimeLimitFacts, sub: bool) -> Option<u32> {
        pcr_minimum_time_limit(p, s, f, sub).unwrap().days
    }

    const R: PcrProcedure = PcrProcedure::Restricted;

    #[test]
    fn base_periods() {
        let f = TimeLimitFacts::default();
        for p in [
            PcrProcedure::Restricted,
            PcrProcedure::CompetitiveWithNegotiation,
            PcrProcedure::CompetitiveDialogue,
            PcrProcedure::InnovationPartnership,
        ] {
            assert_eq!(n(p, Stage::RequestsToParticipate, f, false), Some(30));
        }
        assert_eq!(n(R, Stage::Tenders, f, false), Some(30));
        assert_eq!(
            n(
                PcrProcedure::CompetitiveWithNegotiation,
                Stage::Tenders,
                f,
                false
            ),
            Some(30)
        );
        let m = pcr_minimum_time_limit(R, Stage::Tenders, f, false).unwrap();
        assert_eq!(m.rule, "pcr.tenders");
        assert!(m.sources[0].clause.as_deref().unwrap().contains("28(6)"));
    }

    #[test]
    fn electronic_reduction() {
        let f = TimeLimitFacts {
            electronic_submission: true,
            ..TimeLimitFacts::default()
        };
        assert_eq!(n(R, Stage::Tenders, f, false), Some(25));
        // No reduction of the request period.
        assert_eq!(n(R, Stage::RequestsToParticipate, f, false), Some(30));
    }

    #[test]
    fn pin_reduction() {
        let f = TimeLimitFacts {
            qualifying_pin: true,
            electronic_submission: true,
            ..TimeLimitFacts::default()
        };
        let m = pcr_minimum_time_limit(R, Stage::Tenders, f, false).unwrap();
        assert_eq!((m.days, m.rule), (Some(10), "pcr.tenders.pin"));
        assert_eq!(m.sources.len(), 2);
    }

    #[test]
    fn urgency_reductions() {
        let f = TimeLimitFacts {
            urgency: true,
            ..TimeLimitFacts::default()
        };
        assert_eq!(n(R, Stage::RequestsToParticipate, f, false), Some(15));
        assert_eq!(n(R, Stage::Tenders, f, false), Some(10));
        // Dialogue has no urgency reduction of its request period.
        assert_eq!(
            n(
                PcrProcedure::CompetitiveDialogue,
                Stage::RequestsToParticipate,
                f,
                false
            ),
            Some(30)
        );
    }

    #[test]
    fn sub_central_agreement_or_ten_days() {
        let f = TimeLimitFacts::default();
        let m = pcr_minimum_time_limit(R, Stage::Tenders, f, true).unwrap();
        assert_eq!((m.days, m.rule), (Some(10), "pcr.tenders.sub_central"));
        let agreed = TimeLimitFacts {
            agreed_with_candidates: true,
            ..f
        };
        let m = pcr_minimum_time_limit(R, Stage::Tenders, agreed, true).unwrap();
        assert_eq!((m.days, m.rule), (None, "pcr.tenders.sub_central_agreed"));
    }

    #[test]
    fn errors() {
        let agreed = TimeLimitFacts {
            agreed_with_candidates: true,
            ..TimeLimitFacts::default()
        };
        assert!(matches!(
            pcr_minimum_time_limit(R, Stage::Tenders, agreed, false),
            Err(Error::Invalid { .. })
        ));
        for p in [
            PcrProcedure::CompetitiveDialogue,
            PcrProcedure::InnovationPartnership,
        ] {
            assert!(matches!(
                pcr_minimum_time_limit(p, Stage::Tenders, TimeLimitFacts::default(), true),
                Err(Error::Invalid { .. })
            ));
        }
        assert_eq!(
            PcrProcedure::from_route(Route::PcrCompetitiveDialogue),
            Some(PcrProcedure::CompetitiveDialogue)
        );
        assert_eq!(PcrProcedure::from_route(Route::PcrOpen), None);
    }
}
