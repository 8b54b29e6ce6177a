//! Achievement curves: how a result becomes a fraction of the money at stake.
//!
//! Every curve returns a [`Scored`] achievement, an exact [`Share`] in `[0, 1]` with the
//! sentence that explains it. Fractions are rounded to [`ACHIEVEMENT_DP`] decimal places with
//! [`ACHIEVEMENT_ROUNDING`], so payments computed from them are deterministic.
//!
//! - [`Curve::Linear`]: nothing at or below the lower threshold, everything at or above the
//!   upper one, a straight line between (the CQUIN sliding scale; the QOF `(D - E) / (F - E)`).
//!   For a lower-is-better indicator the roles of the thresholds swap.
//! - [`Curve::Banded`]: steps with explicit inclusive or exclusive edges (the 2017/18 staff
//!   flu CQUIN bands).
//! - [`Curve::MetNotMet`]: all or nothing at a threshold.
//! - [`Curve::Milestones`]: the weighted share of milestones delivered by their due dates.
//!
//! Rate cards pay money per outcome rather than a fraction: see [`crate::ratecard`].

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use route_map_core::{RoundingRule, Share};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::IndicatorId;
use crate::indicator::Polarity;

/// Decimal places kept in an achievement fraction.
pub const ACHIEVEMENT_DP: u32 = 10;

/// The rounding applied to achievement fractions (to [`ACHIEVEMENT_DP`] places).
pub const ACHIEVEMENT_ROUNDING: RoundingRule = RoundingRule::HalfEven;

/// Round an exact fraction to the achievement scale and clamp it into `[0, 1]`.
#[must_use]
pub fn to_achievement(fraction: Decimal) -> Share {
    Share::saturating(ACHIEVEMENT_ROUNDING.round_dp(fraction, ACHIEVEMENT_DP))
}

/// Whether a band's threshold itself reaches the band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Edge {
    /// The threshold value reaches the band (`>=` for higher is better, `<=` for lower).
    Inclusive,
    /// Only values strictly beyond the threshold reach the band (`>` or `<`).
    Exclusive,
}

impl Edge {
    fn symbol(self, polarity: Polarity) -> &'static str {
        match (self, polarity) {
            (Edge::Inclusive, Polarity::HigherIsBetter) => ">=",
            (Edge::Exclusive, Polarity::HigherIsBetter) => ">",
            (Edge::Inclusive, Polarity::LowerIsBetter) => "<=",
            (Edge::Exclusive, Polarity::LowerIsBetter) => "<",
        }
    }
}

/// One step of a banded curve: values reaching `threshold` earn `share`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// The value that reaches this band.
    pub threshold: Decimal,
    /// Whether the threshold itself reaches it.
    pub edge: Edge,
    /// The achievement earned in this band.
    pub share: Share,
}

/// A transformation milestone with a due date and a weight among its siblings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// Identifier, unique within the curve.
    pub id: IndicatorId,
    /// What is to be delivered.
    pub name: String,
    /// The last day on which delivery counts.
    pub due: NaiveDate,
    /// Relative weight (non-negative).
    pub weight: Decimal,
}

/// The date a milestone was delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneDelivery {
    /// The milestone.
    pub id: IndicatorId,
    /// When it was delivered.
    pub delivered: NaiveDate,
}

/// How a result becomes an achievement fraction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Curve {
    /// Straight line between two thresholds (`lower < upper` as numbers whatever the
    /// polarity).
    Linear {
        /// The lower threshold (worst for higher is better, best for lower is better).
        lower: Decimal,
        /// The upper threshold.
        upper: Decimal,
    },
    /// Steps ordered from the least to the most demanding band, with non-decreasing shares.
    Banded {
        /// The bands.
        bands: Vec<Band>,
        /// Achievement when no band is reached (usually nothing).
        #[serde(default)]
        below: Share,
    },
    /// All or nothing.
    MetNotMet {
        /// The value to reach.
        threshold: Decimal,
        /// Whether the threshold itself counts as met.
        edge: Edge,
    },
    /// Weighted milestones delivered by their due dates.
    Milestones {
        /// The milestones.
        milestones: Vec<Milestone>,
    },
}

/// What a provider achieved against one indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Performance {
    /// A measured value in the indicator's unit.
    Value {
        /// The value.
        value: Decimal,
    },
    /// Milestones delivered, assessed on a date.
    Milestones {
        /// The deliveries so far.
        deliveries: Vec<MilestoneDelivery>,
        /// The date of assessment: deliveries after it do not count yet.
        assessed_on: NaiveDate,
    },
}

/// An achievement fraction with the sentence that explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Scored {
    /// The fraction earned, in `[0, 1]`.
    pub achievement: Share,
    /// Why.
    pub explanation: String,
}

impl fmt::Display for Scored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.achievement, self.explanation)
    }
}

fn checked(op: Option<Decimal>) -> Result<Decimal> {
    op.ok_or(Error::Core(route_map_core::Error::Overflow {
        operation: "achievement curve",
    }))
}

impl Curve {
    /// Check the curve's shape for an indicator of the given polarity.
    ///
    /// # Errors
    ///
    /// [`Error::ThresholdsOutOfOrder`] for a linear curve with `lower >= upper`;
    /// [`Error::Empty`] for a banded or milestone curve without entries;
    /// [`Error::BandsOutOfOrder`] when bands are not ordered from least to most demanding in
    /// the polarity's direction, or a later band pays less; [`Error::NegativeWeight`],
    /// [`Error::ZeroWeights`] or [`Error::Duplicate`] for milestones.
    pub fn validate(&self, polarity: Polarity, context: &str) -> Result<()> {
        match self {
            Curve::Linear { lower, upper } => {
                if lower >= upper {
                    return Err(Error::ThresholdsOutOfOrder {
                        context: context.to_owned(),
                        lower: *lower,
                        upper: *upper,
                    });
                }
            }
            Curve::Banded { bands, below } => {
                if bands.is_empty() {
                    return Err(Error::Empty {
                        context: context.to_owned(),
                        what: "bands",
                    });
                }
                let mut previous_share = *below;
                let mut previous_threshold: Option<Decimal> = None;
                for (index, band) in bands.iter().enumerate() {
                    if let Some(prev) = previous_threshold {
                        let more_demanding = match polarity {
                            Polarity::HigherIsBetter => band.threshold > prev,
                            Polarity::LowerIsBetter => band.threshold < prev,
                        };
                        if !more_demanding {
                            return Err(Error::BandsOutOfOrder {
                                context: context.to_owned(),
                                index,
                                reason: format!(
                                    "threshold {} does not follow {prev} in the direction of improvement ({})",
                                    band.threshold, polarity
                                ),
                            });
                        }
                    }
                    if band.share < previous_share {
                        return Err(Error::BandsOutOfOrder {
                            context: context.to_owned(),
                            index,
                            reason: format!(
                                "pays {} which is less than the band before ({previous_share})",
                                band.share
                            ),
                        });
                    }
                    previous_share = band.share;
                    previous_threshold = Some(band.threshold);
                }
            }
            Curve::MetNotMet { .. } => {}
            Curve::Milestones { milestones } => {
                if milestones.is_empty() {
                    return Err(Error::Empty {
                        context: context.to_owned(),
                        what: "milestones",
                    });
                }
                let mut seen = BTreeSet::new();
                for m in milestones {
                    if !seen.insert(m.id.as_str()) {
                        return Err(Error::Duplicate {
                            kind: "milestone",
                            id: m.id.to_string(),
                            context: context.to_owned(),
                        });
                    }
                }
                crate::weights::check(
                    milestones.iter().map(|m| (m.id.as_str(), m.weight)),
                    &format!("milestones of {context}"),
                )?;
            }
        }
        Ok(())
    }

    /// Whether this curve scores milestones rather than a value.
    #[must_use]
    pub fn is_milestones(&self) -> bool {
        matches!(self, Curve::Milestones { .. })
    }

    /// Score a performance.
    ///
    /// # Errors
    ///
    /// The errors of [`Curve::validate`]; [`Error::ResultMismatch`] when a value is given to a
    /// milestone curve or milestones to a value curve; the errors of
    /// [`Curve::score_milestones`].
    ///
    /// # Examples
    ///
    /// ```
    /// use outcomes::curve::{Curve, Performance};
    /// use outcomes::Polarity;
    /// use rust_decimal::Decimal;
    /// // 2019/20 staff flu CQUIN: nothing below 60% uptake, all at 80%, linear between.
    /// let curve = Curve::Linear { lower: Decimal::from(60), upper: Decimal::from(80) };
    /// let s = curve.score(&Performance::Value { value: Decimal::from(75) }, Polarity::HigherIsBetter, "flu")?;
    /// assert_eq!(s.achievement.to_string(), "75%");
    /// # Ok::<(), outcomes::Error>(())
    /// ```
    pub fn score(
        &self,
        performance: &Performance,
        polarity: Polarity,
        context: &str,
    ) -> Result<Scored> {
        match (self, performance) {
            (
                Curve::Milestones { .. },
                Performance::Milestones {
                    deliveries,
                    assessed_on,
                },
            ) => self.score_milestones(deliveries, *assessed_on, context),
            (Curve::Milestones { .. }, Performance::Value { .. }) => Err(Error::ResultMismatch {
                indicator: context.to_owned(),
                reason: "a value was given but the indicator is scored on milestones".into(),
            }),
            (_, Performance::Milestones { .. }) => Err(Error::ResultMismatch {
                indicator: context.to_owned(),
                reason: "milestones were given but the indicator is scored on a value".into(),
            }),
            (_, Performance::Value { value }) => self.score_value(*value, polarity, context),
        }
    }

    /// Score a measured value.
    ///
    /// # Errors
    ///
    /// The errors of [`Curve::validate`]; [`Error::ResultMismatch`] for a milestone curve;
    /// an overflow for values beyond the decimal range.
    pub fn score_value(&self, value: Decimal, polarity: Polarity, context: &str) -> Result<Scored> {
        self.validate(polarity, context)?;
        let achievement = self.value_achievement(value, polarity, context)?;
        let explanation = match self {
            Curve::Linear { lower, upper } => {
                let (worst, best) = match polarity {
                    Polarity::HigherIsBetter => (lower, upper),
                    Polarity::LowerIsBetter => (upper, lower),
                };
                format!(
                    "{value} on a linear scale from {worst} (nothing) to {best} (in full), {polarity}"
                )
            }
            Curve::Banded { bands, .. } => {
                match bands
                    .iter()
                    .rfind(|b| reaches(value, b.threshold, b.edge, polarity))
                {
                    Some(b) => format!(
                        "{value} reaches the band {} {}",
                        b.edge.symbol(polarity),
                        b.threshold
                    ),
                    None => format!("{value} reaches no band"),
                }
            }
            Curve::MetNotMet { threshold, edge } => format!(
                "{value} {} the target {} {threshold}",
                if achievement == Share::ONE {
                    "meets"
                } else {
                    "does not meet"
                },
                edge.symbol(polarity)
            ),
            Curve::Milestones { .. } => String::new(),
        };
        Ok(Scored {
            achievement,
            explanation,
        })
    }

    /// The achievement for a measured value without its explanation: the fast path for
    /// engines that score many scenarios (no allocation unless there is an error).
    ///
    /// # Errors
    ///
    /// As [`Curve::score_value`].
    ///
    /// # Examples
    ///
    /// ```
    /// use outcomes::curve::Curve;
    /// use outcomes::Polarity;
    /// use rust_decimal::Decimal;
    /// let c = Curve::Linear { lower: Decimal::from(12), upper: Decimal::from(15) };
    /// assert_eq!(c.achievement(Decimal::new(141, 1), Polarity::LowerIsBetter)?.to_string(), "30%");
    /// # Ok::<(), outcomes::Error>(())
    /// ```
    pub fn achievement(&self, value: Decimal, polarity: Polarity) -> Result<Share> {
        self.validate(polarity, "curve")?;
        self.value_achievement(value, polarity, "curve")
    }

    fn value_achievement(
        &self,
        value: Decimal,
        polarity: Polarity,
        context: &str,
    ) -> Result<Share> {
        match self {
            Curve::Linear { lower, upper } => {
                let span = checked(upper.checked_sub(*lower))?;
                let gained = match polarity {
                    Polarity::HigherIsBetter => checked(value.checked_sub(*lower))?,
                    Polarity::LowerIsBetter => checked(upper.checked_sub(value))?,
                };
                Ok(if gained <= Decimal::ZERO {
                    Share::ZERO
                } else if gained >= span {
                    Share::ONE
                } else {
                    to_achievement(checked(gained.checked_div(span))?)
                })
            }
            Curve::Banded { bands, below } => Ok(bands
                .iter()
                .rfind(|b| reaches(value, b.threshold, b.edge, polarity))
                .map_or(*below, |b| b.share)),
            Curve::MetNotMet { threshold, edge } => {
                Ok(if reaches(value, *threshold, *edge, polarity) {
                    Share::ONE
                } else {
                    Share::ZERO
                })
            }
            Curve::Milestones { .. } => Err(Error::ResultMismatch {
                indicator: context.to_owned(),
                reason: "a value was given but the indicator is scored on milestones".into(),
            }),
        }
    }

    /// Score milestone deliveries as at `assessed_on`: the weighted share of milestones
    /// delivered on or before both their due date and the assessment date.
    ///
    /// # Errors
    ///
    /// The errors of [`Curve::validate`]; [`Error::ResultMismatch`] for a value curve;
    /// [`Error::Unknown`] for a delivery of a milestone the curve does not list;
    /// [`Error::Duplicate`] when one milestone is delivered twice.
    pub fn score_milestones(
        &self,
        deliveries: &[MilestoneDelivery],
        assessed_on: NaiveDate,
        context: &str,
    ) -> Result<Scored> {
        let Curve::Milestones { milestones } = self else {
            return Err(Error::ResultMismatch {
                indicator: context.to_owned(),
                reason: "milestones were given but the indicator is scored on a value".into(),
            });
        };
        self.validate(Polarity::HigherIsBetter, context)?;
        let mut seen = BTreeSet::new();
        for d in deliveries {
            if !milestones.iter().any(|m| m.id == d.id) {
                return Err(Error::Unknown {
                    kind: "milestone",
                    id: d.id.to_string(),
                    context: context.to_owned(),
                });
            }
            if !seen.insert(d.id.as_str()) {
                return Err(Error::Duplicate {
                    kind: "milestone delivery",
                    id: d.id.to_string(),
                    context: context.to_owned(),
                });
            }
        }
        let mut total = Decimal::ZERO;
        let mut earned = Decimal::ZERO;
        let mut on_time = Vec::new();
        let mut missed = Vec::new();
        for m in milestones {
            total = checked(total.checked_add(m.weight))?;
            let delivered = deliveries
                .iter()
                .find(|d| d.id == m.id)
                .is_some_and(|d| d.delivered <= m.due && d.delivered <= assessed_on);
            if delivered {
                earned = checked(earned.checked_add(m.weight))?;
                on_time.push(m.id.as_str());
            } else if m.due <= assessed_on {
                missed.push(m.id.as_str());
            }
        }
        let achievement = to_achievement(checked(earned.checked_div(total))?);
        Ok(Scored {
            achievement,
            explanation: format!(
                "as at {assessed_on}: delivered on time [{}]; due and missed [{}]; weight {earned} of {total}",
                on_time.join(", "),
                missed.join(", ")
            ),
        })
    }
}

fn reaches(value: Decimal, threshold: Decimal, edge: Edge, polarity: Polarity) -> bool {
    match (polarity, edge) {
        (Polarity::HigherIsBetter, Edge::Inclusive) => value >= threshold,
        (Polarity::HigherIsBetter, Edge::Exclusive) => value > threshold,
        (Polarity::LowerIsBetter, Edge::Inclusive) => value <= threshold,
        (Polarity::LowerIsBetter, Edge::Exclusive) => value < threshold,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    const H: Polarity = Polarity::HigherIsBetter;
    const L: Polarity = Polarity::LowerIsBetter;

    fn value(v: Decimal) -> Performance {
        Performance::Value { value: v }
    }

    fn flu_2017() -> Curve {
        // NHS Employers staff flu CQUIN 2017/18 bands (see data/presets.toml).
        let band = |t, edge, s| Band {
            threshold: t,
            edge,
            share: Share::new(s).unwrap(),
        };
        Curve::Banded {
            bands: vec![
                band(dec!(50), Edge::Exclusive, dec!(0.25)),
                band(dec!(60), Edge::Inclusive, dec!(0.5)),
                band(dec!(65), Edge::Inclusive, dec!(0.75)),
                band(dec!(70), Edge::Inclusive, dec!(1)),
            ],
            below: Share::ZERO,
        }
    }

    #[test]
    fn linear_both_polarities() {
        let c = Curve::Linear {
            lower: dec!(60),
            upper: dec!(80),
        };
        let s = |v, p| c.score(&value(v), p, "t").unwrap().achievement.as_decimal();
        assert_eq!(s(dec!(59), H), dec!(0));
        assert_eq!(s(dec!(70), H), dec!(0.5));
        assert_eq!(s(dec!(81), H), dec!(1));
        assert_eq!(s(dec!(65), L), dec!(0.75));
        assert_eq!(s(dec!(85), L), dec!(0));
        assert_eq!(s(dec!(60), L), dec!(1));
        // A third rounds half-even to ten places.
        let c3 = Curve::Linear {
            lower: dec!(0),
            upper: dec!(3),
        };
        assert_eq!(
            c3.score_value(dec!(1), H, "t")
                .unwrap()
                .achievement
                .as_decimal(),
            dec!(0.3333333333)
        );
    }

    #[test]
    fn banded_edges_are_explicit() {
        let c = flu_2017();
        let s = |v| {
            c.score(&value(v), H, "flu")
                .unwrap()
                .achievement
                .as_decimal()
        };
        assert_eq!(s(dec!(50)), dec!(0), "50% or less pays nothing");
        assert_eq!(s(dec!(50.01)), dec!(0.25));
        assert_eq!(s(dec!(60)), dec!(0.5));
        assert_eq!(s(dec!(64.99)), dec!(0.5));
        assert_eq!(s(dec!(70)), dec!(1));
    }

    #[test]
    fn met_not_met() {
        let c = Curve::MetNotMet {
            threshold: dec!(95),
            edge: Edge::Inclusive,
        };
        assert_eq!(
            c.score_value(dec!(95), H, "t").unwrap().achievement,
            Share::ONE
        );
        assert_eq!(
            c.score_value(dec!(94.9), H, "t").unwrap().achievement,
            Share::ZERO
        );
        let lower = Curve::MetNotMet {
            threshold: dec!(10),
            edge: Edge::Exclusive,
        };
        assert_eq!(
            lower.score_value(dec!(10), L, "t").unwrap().achievement,
            Share::ZERO
        );
        assert_eq!(
            lower.score_value(dec!(9), L, "t").unwrap().achievement,
            Share::ONE
        );
    }

    #[test]
    fn milestones_by_due_date() {
        let d = |m, day| NaiveDate::from_ymd_opt(2018, m, day).unwrap();
        let ms = |id: &str, due, w| Milestone {
            id: IndicatorId::new(id).unwrap(),
            name: id.into(),
            due,
            weight: w,
        };
        let c = Curve::Milestones {
            milestones: vec![
                ms("ISPA", d(9, 30), dec!(2)),
                ms("PBT", d(12, 31), dec!(1)),
                ms("HUBS", d(12, 31), dec!(1)),
            ],
        };
        let del = |id: &str, when| MilestoneDelivery {
            id: IndicatorId::new(id).unwrap(),
            delivered: when,
        };
        let s = c
            .score_milestones(
                &[del("ISPA", d(9, 1)), del("PBT", d(12, 1))],
                d(12, 31),
                "m",
            )
            .unwrap();
        assert_eq!(s.achievement.as_decimal(), dec!(0.75));
        assert!(s.explanation.contains("due and missed [HUBS]"));
        // Late delivery earns nothing.
        let late = c
            .score_milestones(&[del("ISPA", d(10, 1))], d(12, 31), "m")
            .unwrap();
        assert_eq!(late.achievement, Share::ZERO);
        // Unknown and duplicate deliveries are errors.
        assert!(matches!(
            c.score_milestones(&[del("NOPE", d(9, 1))], d(12, 31), "m"),
            Err(Error::Unknown { .. })
        ));
        assert!(matches!(
            c.score_milestones(&[del("PBT", d(9, 1)), del("PBT", d(9, 2))], d(12, 31), "m"),
            Err(Error::Duplicate { .. })
        ));
        assert!(matches!(
            c.score(&value(dec!(1)), H, "m"),
            Err(Error::ResultMismatch { .. })
        ));
        assert!(matches!(
            Curve::MetNotMet {
                threshold: dec!(1),
                edge: Edge::Inclusive
            }
            .score(
                &Performance::Milestones {
                    deliveries: vec![],
                    assessed_on: d(1, 1)
                },
                H,
                "x"
            ),
            Err(Error::ResultMismatch { .. })
        ));
    }

    #[test]
    fn bad_curves_are_typed_errors() {
        let inverted = Curve::Linear {
            lower: dec!(80),
            upper: dec!(60),
        };
        assert!(matches!(
            inverted.score_value(dec!(70), H, "flu"),
            Err(Error::ThresholdsOutOfOrder { .. })
        ));
        assert!(matches!(
            flu_2017().validate(L, "flu"),
            Err(Error::BandsOutOfOrder { index: 1, .. })
        ));
        let falling = Curve::Banded {
            bands: vec![
                Band {
                    threshold: dec!(1),
                    edge: Edge::Inclusive,
                    share: Share::ONE,
                },
                Band {
                    threshold: dec!(2),
                    edge: Edge::Inclusive,
                    share: Share::ZERO,
                },
            ],
            below: Share::ZERO,
        };
        assert!(matches!(
            falling.validate(H, "f"),
            Err(Error::BandsOutOfOrder { .. })
        ));
        assert!(matches!(
            Curve::Banded {
                bands: vec![],
                below: Share::ZERO
            }
            .validate(H, "e"),
            Err(Error::Empty { what: "bands", .. })
        ));
        let zero = Curve::Milestones {
            milestones: vec![Milestone {
                id: IndicatorId::new("M").unwrap(),
                name: "m".into(),
                due: NaiveDate::from_ymd_opt(2018, 1, 1).unwrap(),
                weight: dec!(0),
            }],
        };
        assert!(matches!(
            zero.validate(H, "z"),
            Err(Error::ZeroWeights { .. })
        ));
        let negative = Curve::Milestones {
            milestones: vec![Milestone {
                id: IndicatorId::new("M").unwrap(),
                name: "m".into(),
                due: NaiveDate::from_ymd_opt(2018, 1, 1).unwrap(),
                weight: dec!(-1),
            }],
        };
        assert!(matches!(
            negative.validate(H, "n"),
            Err(Error::NegativeWeight { .. })
        ));
    }

    #[test]
    fn serde_round_trip() {
        let c = flu_2017();
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains("\"kind\":\"banded\""));
        assert_eq!(serde_json::from_str::<Curve>(&json).unwrap(), c);
    }

    fn polarity() -> impl Strategy<Value = Polarity> {
        prop_oneof![Just(H), Just(L)]
    }

    fn linear() -> impl Strategy<Value = Curve> {
        (-100_000i64..100_000, 1i64..100_000).prop_map(|(lo, span)| Curve::Linear {
            lower: Decimal::new(lo, 2),
            upper: Decimal::new(lo + span, 2),
        })
    }

    fn banded() -> impl Strategy<Value = (Polarity, Curve)> {
        (
            polarity(),
            proptest::collection::vec((1i64..1_000, 0i64..=100, any::<bool>()), 1..8),
        )
            .prop_map(|(p, steps)| {
                let mut threshold = 0i64;
                let mut share = 0i64;
                let bands = steps
                    .into_iter()
                    .map(|(gap, rise, inclusive)| {
                        threshold += gap;
                        share = (share + rise).min(100);
                        let t = Decimal::new(threshold, 1);
                        Band {
                            threshold: if p == H { t } else { -t },
                            edge: if inclusive {
                                Edge::Inclusive
                            } else {
                                Edge::Exclusive
                            },
                            share: Share::new(Decimal::new(share, 2)).unwrap(),
                        }
                    })
                    .collect();
                (
                    p,
                    Curve::Banded {
                        bands,
                        below: Share::ZERO,
                    },
                )
            })
    }

    fn any_value_curve() -> impl Strategy<Value = (Polarity, Curve)> {
        prop_oneof![
            (polarity(), linear()),
            banded(),
            (polarity(), -10_000i64..10_000, any::<bool>()).prop_map(|(p, t, inc)| (
                p,
                Curve::MetNotMet {
                    threshold: Decimal::new(t, 1),
                    edge: if inc {
                        Edge::Inclusive
                    } else {
                        Edge::Exclusive
                    },
                }
            )),
        ]
    }

    proptest! {
        #[test]
        fn prop_achievement_in_unit_interval((p, c) in any_value_curve(), v in -2_000_000i64..2_000_000) {
            let s = c.score_value(Decimal::new(v, 3), p, "p").unwrap();
            prop_assert!(s.achievement >= Share::ZERO && s.achievement <= Share::ONE);
            prop_assert_eq!(c.achievement(Decimal::new(v, 3), p).unwrap(), s.achievement);
        }

        #[test]
        fn prop_never_falls_as_performance_improves(
            (p, c) in any_value_curve(),
            v in -2_000_000i64..2_000_000,
            step in 0i64..500_000,
        ) {
            let worse = Decimal::new(v, 3);
            let better = match p {
                H => Decimal::new(v + step, 3),
                L => Decimal::new(v - step, 3),
            };
            let a = c.score_value(worse, p, "p").unwrap().achievement;
            let b = c.score_value(better, p, "p").unwrap().achievement;
            prop_assert!(b >= a, "{worse} -> {a}, {better} -> {b}");
        }

        #[test]
        fn prop_more_milestones_delivered_never_lower_achievement(
            weights in proptest::collection::vec(0u32..10, 1..6),
            delivered in proptest::collection::vec(any::<bool>(), 6),
            extra in 0usize..6,
        ) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let due = NaiveDate::from_ymd_opt(2019, 3, 31).unwrap();
            let milestones: Vec<Milestone> = weights.iter().enumerate().map(|(i, w)| Milestone {
                id: IndicatorId::new(&format!("M{i}")).unwrap(), name: String::new(), due, weight: Decimal::from(*w),
            }).collect();
            let c = Curve::Milestones { milestones };
            let deliveries = |set: &[bool]| -> Vec<MilestoneDelivery> {
                (0..weights.len()).filter(|i| set.get(*i) == Some(&true)).map(|i| MilestoneDelivery {
                    id: IndicatorId::new(&format!("M{i}")).unwrap(), delivered: due,
                }).collect()
            };
            let mut more = delivered.clone();
            if let Some(x) = more.get_mut(extra) { *x = true; }
            let a = c.score_milestones(&deliveries(&delivered), due, "m").unwrap().achievement;
            let b = c.score_milestones(&deliveries(&more), due, "m").unwrap().achievement;
            prop_assert!(b >= a && b <= Share::ONE);
        }

        #[test]
        fn prop_linear_continuous_at_thresholds(p in polarity(), c in linear(), eps in 1i64..1_000) {
            let Curve::Linear { lower, upper } = c.clone() else { unreachable!() };
            let span = upper - lower;
            let e = Decimal::new(eps, 6);
            let score = |v| c.score_value(v, p, "p").unwrap().achievement.as_decimal();
            // At each threshold the value equals its limit from either side, and a small step
            // moves the achievement by at most step / span (plus rounding).
            let (zero_at, one_at) = match p { H => (lower, upper), L => (upper, lower) };
            prop_assert_eq!(score(zero_at), Decimal::ZERO);
            prop_assert_eq!(score(one_at), Decimal::ONE);
            let tol = e / span + Decimal::new(1, 10);
            for t in [lower, upper] {
                prop_assert!((score(t + e) - score(t)).abs() <= tol);
                prop_assert!((score(t - e) - score(t)).abs() <= tol);
            }
        }
    }
}
