//! Capitated budgets: per-head rates by segment from a base year, budgets from rates and
//! populations, need-weighted budgets from weighted populations, and allocation of a budget to
//! places, practices or lots to the penny.
//!
//! Segment populations and spend come in as plain [`SegmentBaseline`]s, whatever produced
//! them (the segmentation engine, a published table, a finance return). Populations are
//! decimals so that person-years of part-year membership fit.

use std::collections::BTreeSet;

use route_map_core::{Money, RoundingRule};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One segment's population and spend in the base year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SegmentBaseline {
    /// The segment's name, unique within a set of baselines.
    pub segment: String,
    /// People (or person-years) in the segment.
    pub population: Decimal,
    /// What was spent on them in the base year.
    pub spend: Money,
}

/// A per-head rate for a segment, exact and rounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PerHeadRate {
    /// The segment.
    pub segment: String,
    /// Base-year population.
    pub population: Decimal,
    /// Base-year spend.
    pub spend: Money,
    /// `spend / population`, unrounded: budgets are built from this, so a budget for the
    /// base-year population gives back the base-year spend exactly.
    pub exact: Decimal,
    /// The rate rounded to pence by `rounding`, for display and for contracts that state it.
    pub rate: Money,
    /// The rule that rounded `rate`.
    pub rounding: RoundingRule,
}

fn check_non_negative_population(context: &str, population: Decimal) -> Result<()> {
    if population.is_sign_negative() && !population.is_zero() {
        return Err(Error::NegativeBudgetInput {
            context: context.to_owned(),
            value: population.to_string(),
        });
    }
    Ok(())
}

fn check_unique<'a>(context: &str, names: impl IntoIterator<Item = &'a str>) -> Result<()> {
    let mut seen = BTreeSet::new();
    for name in names {
        if !seen.insert(name) {
            return Err(Error::DuplicateBudgetName {
                context: context.to_owned(),
                name: name.to_owned(),
            });
        }
    }
    Ok(())
}

/// Per-head rates by segment: spend divided by population.
///
/// # Errors
///
/// [`Error::DuplicateBudgetName`] for a segment given twice, [`Error::NegativeBudgetInput`] for
/// a negative population or spend, [`Error::ZeroPopulation`] for a segment with no people.
///
/// # Examples
///
/// ```
/// use capitation::budget::{per_head_rates, SegmentBaseline};
/// use route_map_core::{Money, RoundingRule};
/// use rust_decimal::Decimal;
/// let rates = per_head_rates(
///     &[SegmentBaseline { segment: "Mostly healthy children".into(), population: Decimal::from(3), spend: Money::from_pounds(100) }],
///     RoundingRule::DEFAULT,
/// )?;
/// assert_eq!(rates[0].rate, "33.33".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn per_head_rates(
    baselines: &[SegmentBaseline],
    rounding: RoundingRule,
) -> Result<Vec<PerHeadRate>> {
    check_unique(
        "segment baselines",
        baselines.iter().map(|b| b.segment.as_str()),
    )?;
    baselines
        .iter()
        .map(|b| {
            let context = format!("segment {:?}", b.segment);
            check_non_negative_population(&format!("{context} population"), b.population)?;
            if b.spend.is_negative() {
                return Err(Error::NegativeBudgetInput {
                    context: format!("{context} spend"),
                    value: b.spend.to_string(),
                });
            }
            if b.population.is_zero() {
                return Err(Error::ZeroPopulation { context });
            }
            let exact = b.spend.per_head_exact(b.population)?;
            Ok(PerHeadRate {
                segment: b.segment.clone(),
                population: b.population,
                spend: b.spend,
                exact,
                rate: Money::from_decimal_rounded(exact, rounding),
                rounding,
            })
        })
        .collect()
}

/// A segment's population in the year a budget is set for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SegmentPopulation {
    /// The segment, as named in the rates.
    pub segment: String,
    /// People (or person-years).
    pub population: Decimal,
}

/// One line of a capitated budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetLine {
    /// The segment.
    pub segment: String,
    /// The population budgeted for.
    pub population: Decimal,
    /// The exact per-head rate applied.
    pub per_head: Decimal,
    /// `per_head x population`, rounded to pence by the budget's rule.
    pub amount: Money,
}

/// A capitated budget: per-head rates times populations, segment by segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CapitatedBudget {
    /// One line per segment, in the order of the rates.
    pub lines: Vec<BudgetLine>,
    /// The sum of the lines.
    pub total: Money,
    /// The rule each line was rounded by.
    pub rounding: RoundingRule,
}

/// Build a capitated budget from per-head rates and each segment's population.
///
/// Every rated segment needs a population (zero is allowed) and every population a rate.
///
/// # Errors
///
/// [`Error::UnknownBudgetName`] when a population names no rated segment or a rated segment
/// has no population, [`Error::DuplicateBudgetName`], [`Error::NegativeBudgetInput`], and
/// [`route_map_core::Error::Overflow`] (as [`Error::Core`]).
pub fn capitated_budget(
    rates: &[PerHeadRate],
    populations: &[SegmentPopulation],
    rounding: RoundingRule,
) -> Result<CapitatedBudget> {
    check_unique(
        "segment populations",
        populations.iter().map(|p| p.segment.as_str()),
    )?;
    if let Some(p) = populations
        .iter()
        .find(|p| !rates.iter().any(|r| r.segment == p.segment))
    {
        return Err(Error::UnknownBudgetName {
            context: "per-head rates".into(),
            name: p.segment.clone(),
        });
    }
    let lines = rates
        .iter()
        .map(|rate| {
            let p = populations
                .iter()
                .find(|p| p.segment == rate.segment)
                .ok_or_else(|| Error::UnknownBudgetName {
                    context: "segment populations".into(),
                    name: rate.segment.clone(),
                })?;
            check_non_negative_population(
                &format!("segment {:?} population", p.segment),
                p.population,
            )?;
            let exact =
                rate.exact
                    .checked_mul(p.population)
                    .ok_or(route_map_core::Error::Overflow {
                        operation: "per-head rate times population",
                    })?;
            Ok(BudgetLine {
                segment: rate.segment.clone(),
                population: p.population,
                per_head: rate.exact,
                amount: Money::from_decimal_rounded(exact, rounding),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let total = Money::sum(lines.iter().map(|l| l.amount))?;
    Ok(CapitatedBudget {
        lines,
        total,
        rounding,
    })
}

/// The need index of a group: the sum of weighted populations over the sum of raw
/// populations (NHS England's definition for any grouping of practices).
///
/// # Errors
///
/// [`Error::NegativeBudgetInput`] for a negative population or weighted population,
/// [`Error::ZeroPopulation`] when the raw populations sum to zero.
///
/// # Examples
///
/// ```
/// use capitation::budget::need_index;
/// use rust_decimal::Decimal;
/// let pairs = [(Decimal::from(100), Decimal::from(120)), (Decimal::from(100), Decimal::from(80))];
/// assert_eq!(need_index("place", pairs)?, Decimal::ONE);
/// # Ok::<(), capitation::Error>(())
/// ```
pub fn need_index(
    context: &str,
    populations: impl IntoIterator<Item = (Decimal, Decimal)>,
) -> Result<Decimal> {
    let overflow = route_map_core::Error::Overflow {
        operation: "weighted population sum",
    };
    let mut raw = Decimal::ZERO;
    let mut weighted = Decimal::ZERO;
    for (p, w) in populations {
        check_non_negative_population(&format!("{context} population"), p)?;
        check_non_negative_population(&format!("{context} weighted population"), w)?;
        raw = raw.checked_add(p).ok_or(overflow.clone())?;
        weighted = weighted.checked_add(w).ok_or(overflow.clone())?;
    }
    if raw.is_zero() {
        return Err(Error::ZeroPopulation {
            context: context.to_owned(),
        });
    }
    weighted
        .checked_div(raw)
        .ok_or(Error::Core(route_map_core::Error::Overflow {
            operation: "need index",
        }))
}

/// A place, practice or ICB with its raw and weighted population.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NeedWeightedUnit {
    /// The unit's identifier (place name, practice code, ICB code).
    pub id: String,
    /// The raw (registered or resident) population.
    pub population: Decimal,
    /// The needs-weighted population.
    pub weighted: Decimal,
}

/// One unit's share of a need-weighted budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeedWeightedLine {
    /// The unit.
    pub id: String,
    /// Raw population.
    pub population: Decimal,
    /// Weighted population.
    pub weighted: Decimal,
    /// The unit's need index relative to the whole: `(weighted / population) / overall index`;
    /// above 1 means more need per head than the group's average. `None` for no population.
    pub relative_need: Option<Decimal>,
    /// The unit's share of the budget, by weighted population, to the penny.
    pub amount: Money,
}

/// A budget shared out by weighted population.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeedWeightedBudget {
    /// The budget shared.
    pub total: Money,
    /// The group's need index (sum weighted / sum raw).
    pub need_index: Decimal,
    /// One line per unit, in input order; the amounts sum exactly to `total`.
    pub lines: Vec<NeedWeightedLine>,
}

/// Share a budget among units in proportion to their weighted populations, to the penny
/// (largest remainder, [`Money::allocate`]).
///
/// # Errors
///
/// [`Error::DuplicateBudgetName`], [`Error::NegativeBudgetInput`], [`Error::ZeroPopulation`]
/// when the raw populations sum to zero, and core errors when the weighted populations are all
/// zero or the total is negative and cannot be shared.
///
/// # Examples
///
/// ```
/// use capitation::budget::{need_weighted_budget, NeedWeightedUnit};
/// use route_map_core::Money;
/// use rust_decimal::Decimal;
/// let unit = |id: &str, p: i64, w: i64| NeedWeightedUnit { id: id.into(), population: p.into(), weighted: w.into() };
/// let b = need_weighted_budget(Money::from_pounds(1_000), &[unit("Coventry", 100, 90), unit("Rugby", 100, 110)])?;
/// assert_eq!(b.lines[0].amount, Money::from_pounds(450));
/// assert_eq!(b.need_index, Decimal::ONE);
/// # Ok::<(), capitation::Error>(())
/// ```
pub fn need_weighted_budget(
    total: Money,
    units: &[NeedWeightedUnit],
) -> Result<NeedWeightedBudget> {
    check_unique("need-weighted units", units.iter().map(|u| u.id.as_str()))?;
    if total.is_negative() {
        return Err(Error::NegativeBudgetInput {
            context: "need-weighted budget total".into(),
            value: total.to_string(),
        });
    }
    let index = need_index(
        "need-weighted units",
        units.iter().map(|u| (u.population, u.weighted)),
    )?;
    let weights: Vec<Decimal> = units.iter().map(|u| u.weighted).collect();
    let amounts = total.allocate(&weights)?;
    let lines = units
        .iter()
        .zip(amounts)
        .map(|(u, amount)| {
            let relative_need = if u.population.is_zero() || index.is_zero() {
                None
            } else {
                u.weighted
                    .checked_div(u.population)
                    .and_then(|own| own.checked_div(index))
            };
            NeedWeightedLine {
                id: u.id.clone(),
                population: u.population,
                weighted: u.weighted,
                relative_need,
                amount,
            }
        })
        .collect();
    Ok(NeedWeightedBudget {
        total,
        need_index: index,
        lines,
    })
}

/// A recipient of part of a budget and its weight (population, weighted population, agreed
/// share, contract value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AllocationTarget {
    /// The place, practice, lot or provider.
    pub id: String,
    /// Its weight; only proportions matter.
    pub weight: Decimal,
}

/// One recipient's allocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    /// The recipient.
    pub id: String,
    /// The amount, to the penny.
    pub amount: Money,
}

/// Allocate a budget to places, practices or lots by weight, to the penny: the parts sum
/// exactly to the budget (largest remainder, ties to the larger weight then the earlier
/// position, as [`Money::allocate`]).
///
/// # Errors
///
/// [`Error::DuplicateBudgetName`] for a repeated recipient, and core errors for no targets,
/// a negative weight or all-zero weights.
///
/// # Examples
///
/// ```
/// use capitation::budget::{allocate, AllocationTarget};
/// use route_map_core::Money;
/// use rust_decimal::Decimal;
/// let lots = ["North", "South", "Central"].map(|id| AllocationTarget { id: id.into(), weight: Decimal::ONE });
/// let parts = allocate(Money::from_pounds(100), &lots)?;
/// assert_eq!(parts[0].amount, "33.34".parse()?);
/// assert_eq!(Money::sum(parts.iter().map(|a| a.amount))?, Money::from_pounds(100));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn allocate(total: Money, targets: &[AllocationTarget]) -> Result<Vec<Allocation>> {
    check_unique("allocation targets", targets.iter().map(|t| t.id.as_str()))?;
    let weights: Vec<Decimal> = targets.iter().map(|t| t.weight).collect();
    let amounts = total.allocate(&weights)?;
    Ok(targets
        .iter()
        .zip(amounts)
        .map(|(t, amount)| Allocation {
            id: t.id.clone(),
            amount,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn baseline(segment: &str, population: Decimal, pounds: i64) -> SegmentBaseline {
        SegmentBaseline {
            segment: segment.into(),
            population,
            spend: Money::from_pounds(pounds),
        }
    }

    #[test]
    fn rates_then_budget_give_back_base_spend() {
        let base = [
            baseline("healthy", dec!(3), 100),
            baseline("chronic", dec!(7), 1_000),
        ];
        let rates = per_head_rates(&base, RoundingRule::DEFAULT).unwrap();
        assert_eq!(rates[0].rate, Money::from_pence(3_333));
        assert_eq!(rates[1].rate, Money::from_pence(14_286));
        let pops: Vec<_> = base
            .iter()
            .map(|b| SegmentPopulation {
                segment: b.segment.clone(),
                population: b.population,
            })
            .collect();
        let budget = capitated_budget(&rates, &pops, RoundingRule::DEFAULT).unwrap();
        assert_eq!(budget.total, Money::from_pounds(1_100));
        // More people, more money, at the same rate.
        let grown = [
            SegmentPopulation {
                segment: "chronic".into(),
                population: dec!(14),
            },
            SegmentPopulation {
                segment: "healthy".into(),
                population: dec!(3),
            },
        ];
        let budget = capitated_budget(&rates, &grown, RoundingRule::DEFAULT).unwrap();
        assert_eq!(budget.lines[1].amount, Money::from_pounds(2_000));
    }

    #[test]
    fn rate_errors() {
        let dup = [baseline("a", dec!(1), 1), baseline("a", dec!(1), 1)];
        assert!(matches!(
            per_head_rates(&dup, RoundingRule::DEFAULT),
            Err(Error::DuplicateBudgetName { .. })
        ));
        assert!(matches!(
            per_head_rates(&[baseline("a", dec!(0), 1)], RoundingRule::DEFAULT),
            Err(Error::ZeroPopulation { .. })
        ));
        assert!(matches!(
            per_head_rates(&[baseline("a", dec!(-1), 1)], RoundingRule::DEFAULT),
            Err(Error::NegativeBudgetInput { .. })
        ));
        let err = per_head_rates(&[baseline("a", dec!(1), -1)], RoundingRule::DEFAULT).unwrap_err();
        assert!(err.to_string().contains("spend"), "{err}");
    }

    #[test]
    fn budget_errors() {
        let rates = per_head_rates(&[baseline("a", dec!(2), 10)], RoundingRule::DEFAULT).unwrap();
        let pop = |s: &str, p: Decimal| SegmentPopulation {
            segment: s.into(),
            population: p,
        };
        assert!(matches!(
            capitated_budget(&rates, &[], RoundingRule::DEFAULT),
            Err(Error::UnknownBudgetName { .. })
        ));
        assert!(matches!(
            capitated_budget(&rates, &[pop("a", dec!(1)), pop("b", dec!(1))], RoundingRule::DEFAULT),
            Err(Error::UnknownBudgetName { name, .. }) if name == "b"
        ));
        assert!(matches!(
            capitated_budget(
                &rates,
                &[pop("a", dec!(1)), pop("a", dec!(1))],
                RoundingRule::DEFAULT
            ),
            Err(Error::DuplicateBudgetName { .. })
        ));
        assert!(matches!(
            capitated_budget(&rates, &[pop("a", dec!(-1))], RoundingRule::DEFAULT),
            Err(Error::NegativeBudgetInput { .. })
        ));
    }

    #[test]
    fn need_index_and_weighted_budget() {
        assert_eq!(
            need_index("x", [(dec!(100), dec!(150)), (dec!(100), dec!(50))]).unwrap(),
            dec!(1)
        );
        assert!(matches!(
            need_index("x", []),
            Err(Error::ZeroPopulation { .. })
        ));
        assert!(matches!(
            need_index("x", [(dec!(1), dec!(-1))]),
            Err(Error::NegativeBudgetInput { .. })
        ));
        let units = [
            NeedWeightedUnit {
                id: "a".into(),
                population: dec!(100),
                weighted: dec!(150),
            },
            NeedWeightedUnit {
                id: "b".into(),
                population: dec!(100),
                weighted: dec!(50),
            },
            NeedWeightedUnit {
                id: "c".into(),
                population: dec!(0),
                weighted: dec!(0),
            },
        ];
        let b = need_weighted_budget(Money::from_pence(100_001), &units).unwrap();
        assert_eq!(b.lines[0].amount, Money::from_pence(75_001));
        assert_eq!(b.lines[1].amount, Money::from_pence(25_000));
        assert_eq!(b.lines[2].amount, Money::ZERO);
        assert_eq!(b.lines[0].relative_need, Some(dec!(1.5)));
        assert_eq!(b.lines[2].relative_need, None);
        assert!(need_weighted_budget(Money::from_pence(-1), &units).is_err());
    }

    #[test]
    fn allocation_is_exact_and_checked() {
        let t = |id: &str, w: Decimal| AllocationTarget {
            id: id.into(),
            weight: w,
        };
        let parts = allocate(Money::from_pence(10), &[t("a", dec!(1)), t("b", dec!(2))]).unwrap();
        assert_eq!(parts[1].amount, Money::from_pence(7));
        assert!(matches!(
            allocate(Money::from_pence(10), &[t("a", dec!(1)), t("a", dec!(2))]),
            Err(Error::DuplicateBudgetName { .. })
        ));
        assert!(matches!(
            allocate(Money::from_pence(10), &[]),
            Err(Error::Core(route_map_core::Error::NoWeights))
        ));
    }
}
