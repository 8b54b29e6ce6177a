//! Projection of budgets to later years: population change by age (from ONS mid-year
//! estimates), then an uplift, then an efficiency requirement, year by year, every step named
//! and rounded to pence by a named rule.
//!
//! Population change is measured between two consecutive mid-year estimates and, as the
//! simplest defensible assumption, applied unchanged in each later year (a constant annual
//! trend). Callers with ONS subnational projections can pass their own factors instead.

use route_map_core::{FinancialYear, Money, Rate, RoundingRule};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::population::{AgeBand, AreaPopulation};

/// The change in one age band's population between two consecutive mid-year estimates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BandGrowth {
    /// The band.
    pub band: AgeBand,
    /// Persons in the earlier estimate.
    pub earlier: u64,
    /// Persons in the later estimate.
    pub later: u64,
    /// `later / earlier`: the factor per year.
    pub factor: Decimal,
}

fn invalid(context: &str, reason: impl Into<String>) -> Error {
    Error::InvalidProjection {
        context: context.to_owned(),
        reason: reason.into(),
    }
}

fn check_consecutive(earlier: &AreaPopulation, later: &AreaPopulation) -> Result<()> {
    if earlier.code() != later.code() {
        return Err(invalid(
            "population change",
            format!(
                "estimates are for different areas ({} and {})",
                earlier.code().as_str(),
                later.code().as_str()
            ),
        ));
    }
    if later.mid_year() != earlier.mid_year() + 1 {
        return Err(invalid(
            "population change",
            format!(
                "estimates for mid-{} and mid-{} are not one year apart",
                earlier.mid_year(),
                later.mid_year()
            ),
        ));
    }
    Ok(())
}

/// The annual population change of each age band of an area, from two consecutive
/// mid-year estimates.
///
/// # Errors
///
/// [`Error::InvalidProjection`] when the estimates are for different areas or not one year
/// apart, [`Error::InvalidAgeBand`] for overlapping bands or bands the estimates cannot
/// answer, [`Error::ZeroPopulation`] for a band with nobody in the earlier year.
pub fn band_growth(
    earlier: &AreaPopulation,
    later: &AreaPopulation,
    bands: &[AgeBand],
) -> Result<Vec<BandGrowth>> {
    check_consecutive(earlier, later)?;
    AgeBand::check_disjoint(bands)?;
    bands
        .iter()
        .map(|band| {
            let e = earlier.persons_in(band)?;
            let l = later.persons_in(band)?;
            if e == 0 {
                return Err(Error::ZeroPopulation {
                    context: format!("age band {} in mid-{}", band.label(), earlier.mid_year()),
                });
            }
            Ok(BandGrowth {
                band: band.clone(),
                earlier: e,
                later: l,
                factor: Decimal::from(l) / Decimal::from(e),
            })
        })
        .collect()
}

/// An age band with the relative cost of a person in it (spend per head, or any number
/// proportional to it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CostWeightedBand {
    /// The band.
    pub band: AgeBand,
    /// Relative cost per head; only proportions matter.
    pub weight: Decimal,
}

/// Population change weighted by cost: `sum(w x later) / sum(w x earlier)` over the bands, so
/// that growth among older, costlier people counts for more than growth among the young.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgeWeightedChange {
    /// Each band's change.
    pub bands: Vec<BandGrowth>,
    /// The weights used, in band order.
    pub weights: Vec<Decimal>,
    /// Cost-weighted persons in the earlier year.
    pub weighted_earlier: Decimal,
    /// Cost-weighted persons in the later year.
    pub weighted_later: Decimal,
    /// The annual factor.
    pub factor: Decimal,
}

/// Cost-weighted annual population change of an area from two consecutive estimates.
///
/// # Errors
///
/// As [`band_growth`]; [`Error::NegativeBudgetInput`] for a negative weight;
/// [`Error::ZeroPopulation`] when the weighted earlier population is zero.
pub fn age_weighted_change(
    earlier: &AreaPopulation,
    later: &AreaPopulation,
    bands: &[CostWeightedBand],
) -> Result<AgeWeightedChange> {
    let plain: Vec<AgeBand> = bands.iter().map(|b| b.band.clone()).collect();
    let growth = band_growth(earlier, later, &plain)?;
    let overflow = || {
        Error::Core(route_map_core::Error::Overflow {
            operation: "cost-weighted population",
        })
    };
    let mut weighted_earlier = Decimal::ZERO;
    let mut weighted_later = Decimal::ZERO;
    for (g, b) in growth.iter().zip(bands) {
        if b.weight.is_sign_negative() && !b.weight.is_zero() {
            return Err(Error::NegativeBudgetInput {
                context: format!("cost weight of age band {}", b.band.label()),
                value: b.weight.to_string(),
            });
        }
        let e = b
            .weight
            .checked_mul(Decimal::from(g.earlier))
            .ok_or_else(overflow)?;
        let l = b
            .weight
            .checked_mul(Decimal::from(g.later))
            .ok_or_else(overflow)?;
        weighted_earlier = weighted_earlier.checked_add(e).ok_or_else(overflow)?;
        weighted_later = weighted_later.checked_add(l).ok_or_else(overflow)?;
    }
    if weighted_earlier.is_zero() {
        return Err(Error::ZeroPopulation {
            context: format!("cost-weighted population of {}", earlier.name()),
        });
    }
    Ok(AgeWeightedChange {
        weights: bands.iter().map(|b| b.weight).collect(),
        factor: weighted_later
            .checked_div(weighted_earlier)
            .ok_or_else(overflow)?,
        bands: growth,
        weighted_earlier,
        weighted_later,
    })
}

/// The assumptions applied each year after population change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProjectionAssumptions {
    /// Uplift per year (pay and prices, or allocation growth): the value is multiplied by
    /// `1 + uplift`.
    pub uplift: Rate,
    /// Efficiency requirement per year, from 0 to 1: the value is multiplied by
    /// `1 - efficiency`.
    pub efficiency: Rate,
    /// How each step rounds to pence.
    pub rounding: RoundingRule,
}

impl ProjectionAssumptions {
    fn check(&self) -> Result<()> {
        let e = self.efficiency.as_decimal();
        if e.is_sign_negative() && !e.is_zero() || e > Decimal::ONE {
            return Err(invalid(
                "efficiency requirement",
                format!("{e} must be between 0 and 1 (a saving, not growth; use the uplift)"),
            ));
        }
        Ok(())
    }
}

/// What a step of a projection does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StepKind {
    /// Population change by age.
    PopulationChange,
    /// Uplift.
    Uplift,
    /// Efficiency requirement.
    Efficiency,
}

/// One named step: the value before, the factor, the value after (rounded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectionStep {
    /// What the step does.
    pub kind: StepKind,
    /// Its name in the report, e.g. `population change 70+`.
    pub name: String,
    /// The factor applied.
    pub factor: Decimal,
    /// The value before.
    pub before: Money,
    /// The value after, rounded by the projection's rule.
    pub after: Money,
}

/// One projected year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectedYear {
    /// The financial year.
    pub year: FinancialYear,
    /// The steps from the previous year's value, in order.
    pub steps: Vec<ProjectionStep>,
    /// The year's value.
    pub value: Money,
}

/// A value projected year by year from a base year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Projection {
    /// What is projected.
    pub label: String,
    /// The base year.
    pub base_year: FinancialYear,
    /// The base-year value.
    pub base: Money,
    /// The projected years, starting the year after the base year.
    pub years: Vec<ProjectedYear>,
}

impl Projection {
    /// The sum of the projected years (the value over a contract of that length).
    ///
    /// # Errors
    ///
    /// [`route_map_core::Error::Overflow`] (as [`Error::Core`]).
    pub fn total(&self) -> Result<Money> {
        Ok(Money::sum(self.years.iter().map(|y| y.value))?)
    }

    /// The last year's value (the base when nothing was projected).
    #[must_use]
    pub fn final_value(&self) -> Money {
        self.years.last().map_or(self.base, |y| y.value)
    }
}

/// Project `base` for `years` years after `base_year`: each year, population change by
/// `population_factor`, then the uplift, then the efficiency requirement, each rounded to
/// pence.
///
/// # Errors
///
/// [`Error::InvalidProjection`] for a negative population factor or an efficiency outside 0
/// to 1; core errors on overflow or years beyond the calendar.
///
/// # Examples
///
/// ```
/// use capitation::projection::{project, ProjectionAssumptions};
/// use route_map_core::{Money, Rate, RoundingRule};
/// use rust_decimal::Decimal;
/// let assumptions = ProjectionAssumptions {
///     uplift: Rate::from_percent(2)?,
///     efficiency: Rate::from_percent(1)?,
///     rounding: RoundingRule::DEFAULT,
/// };
/// let p = project("envelope", Money::from_pounds(1_000), Decimal::new(101, 2), &assumptions, "2017/18".parse()?, 1)?;
/// // 1,000 x 1.01 = 1,010; x 1.02 = 1,030.20; x 0.99 = 1,019.898 -> 1,019.90
/// assert_eq!(p.final_value(), "1019.90".parse()?);
/// assert_eq!(p.years[0].steps.len(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn project(
    label: &str,
    base: Money,
    population_factor: Decimal,
    assumptions: &ProjectionAssumptions,
    base_year: FinancialYear,
    years: u32,
) -> Result<Projection> {
    assumptions.check()?;
    if population_factor.is_sign_negative() && !population_factor.is_zero() {
        return Err(invalid(
            &format!("population change {label}"),
            format!("factor {population_factor} is negative"),
        ));
    }
    let steps = [
        (
            StepKind::PopulationChange,
            format!("population change {label}"),
            population_factor,
        ),
        (
            StepKind::Uplift,
            "uplift".to_owned(),
            assumptions.uplift.factor(),
        ),
        (
            StepKind::Efficiency,
            "efficiency".to_owned(),
            Decimal::ONE - assumptions.efficiency.as_decimal(),
        ),
    ];
    let mut value = base;
    let mut year = base_year;
    let mut out = Vec::new();
    for _ in 0..years {
        year = year.next()?;
        let mut done = Vec::with_capacity(steps.len());
        for (kind, name, factor) in &steps {
            let after = value.mul_decimal(*factor, assumptions.rounding)?;
            done.push(ProjectionStep {
                kind: *kind,
                name: name.clone(),
                factor: *factor,
                before: value,
                after,
            });
            value = after;
        }
        out.push(ProjectedYear {
            year,
            steps: done,
            value,
        });
    }
    Ok(Projection {
        label: label.to_owned(),
        base_year,
        base,
        years: out,
    })
}

/// A segment's base-year budget and the age band whose population change drives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SegmentBudgetBase {
    /// The segment.
    pub segment: String,
    /// The label of the age band (as in the [`BandGrowth`]s) the segment grows with.
    pub band: String,
    /// The base-year budget.
    pub base: Money,
}

/// Project segment budgets, each by its age band's population change.
///
/// # Errors
///
/// [`Error::UnknownBudgetName`] for a band with no growth given, then as [`project`].
pub fn project_segments(
    segments: &[SegmentBudgetBase],
    growth: &[BandGrowth],
    assumptions: &ProjectionAssumptions,
    base_year: FinancialYear,
    years: u32,
) -> Result<Vec<Projection>> {
    segments
        .iter()
        .map(|s| {
            let g = growth
                .iter()
                .find(|g| g.band.label() == s.band)
                .ok_or_else(|| Error::UnknownBudgetName {
                    context: format!("age bands (segment {:?})", s.segment),
                    name: s.band.clone(),
                })?;
            project(&s.segment, s.base, g.factor, assumptions, base_year, years)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use route_map_core::GssCode;
    use rust_decimal_macros::dec;

    fn area(year: i32, young: u64, old: u64) -> AreaPopulation {
        let code: GssCode = "E08000026".parse().unwrap();
        let mut ages = vec![0; 91];
        ages[10] = young;
        ages[80] = old;
        AreaPopulation::new(code, "Coventry", "Metropolitan District", year, ages).unwrap()
    }

    fn bands() -> Vec<AgeBand> {
        vec![
            AgeBand::new("0-69", 0, Some(69)).unwrap(),
            AgeBand::new("70+", 70, None).unwrap(),
        ]
    }

    fn assumptions(uplift: i64, efficiency: i64) -> ProjectionAssumptions {
        ProjectionAssumptions {
            uplift: Rate::from_percent(uplift).unwrap(),
            efficiency: Rate::from_percent(efficiency).unwrap(),
            rounding: RoundingRule::DEFAULT,
        }
    }

    #[test]
    fn band_growth_and_weighting() {
        let g = band_growth(&area(2019, 100, 50), &area(2020, 100, 60), &bands()).unwrap();
        assert_eq!(g[0].factor, dec!(1));
        assert_eq!(g[1].factor, dec!(1.2));
        let weighted = age_weighted_change(
            &area(2019, 100, 50),
            &area(2020, 100, 60),
            &[
                CostWeightedBand {
                    band: bands()[0].clone(),
                    weight: dec!(1),
                },
                CostWeightedBand {
                    band: bands()[1].clone(),
                    weight: dec!(4),
                },
            ],
        )
        .unwrap();
        // (100 + 240) / (100 + 200)
        assert_eq!(weighted.weighted_earlier, dec!(300));
        assert_eq!(weighted.factor, dec!(340) / dec!(300));
    }

    #[test]
    fn growth_errors() {
        assert!(matches!(
            band_growth(&area(2019, 1, 1), &area(2021, 1, 1), &bands()),
            Err(Error::InvalidProjection { .. })
        ));
        let other = AreaPopulation::new(
            "E10000031".parse().unwrap(),
            "Warwickshire",
            "County",
            2020,
            vec![1; 91],
        )
        .unwrap();
        assert!(band_growth(&area(2019, 1, 1), &other, &bands()).is_err());
        assert!(matches!(
            band_growth(&area(2019, 0, 1), &area(2020, 1, 1), &bands()),
            Err(Error::ZeroPopulation { .. })
        ));
        let overlapping = [bands()[0].clone(), AgeBand::new("60+", 60, None).unwrap()];
        assert!(matches!(
            band_growth(&area(2019, 1, 1), &area(2020, 1, 1), &overlapping),
            Err(Error::InvalidAgeBand { .. })
        ));
        let negative = [CostWeightedBand {
            band: bands()[0].clone(),
            weight: dec!(-1),
        }];
        assert!(matches!(
            age_weighted_change(&area(2019, 1, 1), &area(2020, 1, 1), &negative),
            Err(Error::NegativeBudgetInput { .. })
        ));
        let zero = [CostWeightedBand {
            band: bands()[0].clone(),
            weight: dec!(0),
        }];
        assert!(matches!(
            age_weighted_change(&area(2019, 1, 1), &area(2020, 1, 1), &zero),
            Err(Error::ZeroPopulation { .. })
        ));
    }

    #[test]
    fn projection_steps_are_named_and_rounded() {
        let p = project(
            "envelope",
            Money::from_pounds(57_428_020),
            dec!(1.02),
            &assumptions(2, 2),
            "2017/18".parse().unwrap(),
            3,
        )
        .unwrap();
        assert_eq!(p.years.len(), 3);
        assert_eq!(p.years[0].year.to_string(), "2018/19");
        let y1 = &p.years[0];
        assert_eq!(y1.steps[0].after, "58576580.40".parse().unwrap());
        assert_eq!(y1.steps[1].after, "59748112.01".parse().unwrap());
        assert_eq!(y1.steps[2].after, "58553149.77".parse().unwrap());
        assert_eq!(y1.steps[1].before, y1.steps[0].after);
        assert_eq!(p.years[1].steps[0].before, y1.value);
        assert_eq!(
            p.total().unwrap(),
            Money::sum(p.years.iter().map(|y| y.value)).unwrap()
        );
        let none = project(
            "x",
            Money::from_pounds(5),
            dec!(1),
            &assumptions(0, 0),
            "2017/18".parse().unwrap(),
            0,
        )
        .unwrap();
        assert_eq!(none.final_value(), Money::from_pounds(5));
    }

    #[test]
    fn projection_errors() {
        let fy: FinancialYear = "2017/18".parse().unwrap();
        assert!(matches!(
            project(
                "x",
                Money::from_pounds(1),
                dec!(-1),
                &assumptions(0, 0),
                fy,
                1
            ),
            Err(Error::InvalidProjection { .. })
        ));
        assert!(matches!(
            project(
                "x",
                Money::from_pounds(1),
                dec!(1),
                &assumptions(0, -1),
                fy,
                1
            ),
            Err(Error::InvalidProjection { .. })
        ));
        assert!(
            project(
                "x",
                Money::from_pounds(1),
                dec!(1),
                &assumptions(0, 101),
                fy,
                1
            )
            .is_err()
        );
        let growth = band_growth(&area(2019, 10, 10), &area(2020, 11, 12), &bands()).unwrap();
        let seg = |band: &str| SegmentBudgetBase {
            segment: "s".into(),
            band: band.into(),
            base: Money::from_pounds(100),
        };
        let p = project_segments(&[seg("70+")], &growth, &assumptions(0, 0), fy, 1).unwrap();
        assert_eq!(p[0].final_value(), Money::from_pounds(120));
        assert!(matches!(
            project_segments(&[seg("90+")], &growth, &assumptions(0, 0), fy, 1),
            Err(Error::UnknownBudgetName { .. })
        ));
    }
}
