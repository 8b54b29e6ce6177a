//! Batch Monte Carlo: many scenarios of a year's results in, the distribution and percentiles
//! of the payments out.
//!
//! Scenarios run on all cores with rayon, in fixed chunks of [`CHUNK`] scenarios; chunk `k`
//! draws from ChaCha8 seeded with the simulation's seed on stream `k`, so the result depends
//! only on the seed, never on the number of threads or their timing. Draws are floats (they
//! are statistics), quantised to achievements in millionths and costs in whole pence before
//! the engine applies them exactly.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use route_map_core::{Money, Share};
use serde::{Deserialize, Serialize};

use super::achievement::{YearAchievement, YearOutturn};
use super::contract::Contract;
use super::engine::{Inputs, MISSING, index_into};
use super::error::{PaymentError, Result};
use super::pence::{self, SCALE, div_round};

/// Scenarios per chunk: the unit of parallel work and of random streams.
pub const CHUNK: u64 = 4096;

/// Most scenarios one simulation runs (the results are kept to compute exact percentiles:
/// 24 bytes a scenario).
pub const MAX_SCENARIOS: u64 = 50_000_000;

/// How one indicator's (or milestone's) achievement is drawn in each scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Draw {
    /// Always this value.
    Fixed {
        /// The value.
        value: Share,
    },
    /// Uniform between `low` and `high`.
    Uniform {
        /// Lowest value.
        low: Share,
        /// Highest value.
        high: Share,
    },
    /// Triangular with the given mode.
    Triangular {
        /// Lowest value.
        low: Share,
        /// Most likely value.
        mode: Share,
        /// Highest value.
        high: Share,
    },
    /// Met (1) with probability `p`, otherwise not met (0).
    Bernoulli {
        /// Probability of being met.
        p: Share,
    },
}

/// A triangular range of actual cost for the gain/loss share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CostRange {
    /// Lowest cost.
    pub low: Money,
    /// Most likely cost.
    pub mode: Money,
    /// Highest cost.
    pub high: Money,
}

/// A uniform range of activity units for the variable element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitsRange {
    /// Fewest units.
    pub low: i64,
    /// Most units (inclusive).
    pub high: i64,
}

fn default_percentiles() -> Vec<Share> {
    ["0.05", "0.1", "0.25", "0.5", "0.75", "0.9", "0.95"]
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// A Monte Carlo simulation of one contract year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Simulation {
    /// The contract year.
    pub year: u32,
    /// Number of scenarios.
    pub scenarios: u64,
    /// Seed of the random streams.
    pub seed: u64,
    /// Draws of indicator achievement by id.
    #[serde(default)]
    pub indicators: BTreeMap<String, Draw>,
    /// Draws of milestone delivery by id.
    #[serde(default)]
    pub milestones: BTreeMap<String, Draw>,
    /// Draw of activity, if the contract has a variable element.
    #[serde(default)]
    pub activity: Option<UnitsRange>,
    /// Draw of actual cost, if the contract has a gain/loss share.
    #[serde(default)]
    pub actual_cost: Option<CostRange>,
    /// Results for everything not drawn.
    #[serde(default)]
    pub base: YearOutturn,
    /// Percentiles to report (default 5, 10, 25, 50, 75, 90, 95%).
    #[serde(default = "default_percentiles")]
    pub percentiles: Vec<Share>,
}

/// One percentile of a distribution: the nearest-rank value, the smallest amount with at
/// least `p` of the scenarios at or below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Percentile {
    /// The percentile as a share.
    pub p: Share,
    /// The amount.
    pub amount: Money,
}

/// The distribution of an amount over the scenarios.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    /// Mean, rounded to the penny by the contract's rule.
    pub mean: Money,
    /// Standard deviation in pounds (a statistic, as a float).
    pub std_dev_pounds: f64,
    /// Smallest.
    pub min: Money,
    /// Largest.
    pub max: Money,
    /// The requested percentiles.
    pub percentiles: Vec<Percentile>,
}

impl Distribution {
    /// The amount at percentile `p`, if it was requested.
    #[must_use]
    pub fn percentile(&self, p: Share) -> Option<Money> {
        self.percentiles.iter().find(|x| x.p == p).map(|x| x.amount)
    }
}

/// The result of a simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationResult {
    /// The contract year.
    pub year: u32,
    /// Number of scenarios.
    pub scenarios: u64,
    /// Total due for the year.
    pub total_due: Distribution,
    /// Incentive earned (milestones, outcomes and CQUIN).
    pub incentive_earned: Distribution,
    /// Balance at year end, positive due to the provider.
    pub balance: Distribution,
}

#[derive(Debug, Clone, Copy)]
enum Sampler {
    Fixed(i128),
    Uniform(f64, f64),
    Triangular(f64, f64, f64),
    Bernoulli(f64),
}

fn to_f64(s: Share) -> f64 {
    // Shares are at most 1; a float of their decimal is exact enough for a draw.
    let d = s.as_decimal();
    let m = d.mantissa() as f64;
    m / 10f64.powi(i32::try_from(d.scale()).unwrap_or(0))
}

fn invalid(reason: impl Into<String>) -> PaymentError {
    PaymentError::InvalidSimulation {
        reason: reason.into(),
    }
}

fn sampler(id: &str, d: &Draw, rule: route_map_core::RoundingRule) -> Result<Sampler> {
    Ok(match d {
        Draw::Fixed { value } => Sampler::Fixed(pence::scaled(value.as_decimal(), rule)?),
        Draw::Uniform { low, high } => {
            if low > high {
                return Err(invalid(format!(
                    "{id}: uniform low {low} above high {high}"
                )));
            }
            Sampler::Uniform(to_f64(*low), to_f64(*high))
        }
        Draw::Triangular { low, mode, high } => {
            if !(low <= mode && mode <= high) {
                return Err(invalid(format!(
                    "{id}: triangular needs low <= mode <= high"
                )));
            }
            Sampler::Triangular(to_f64(*low), to_f64(*mode), to_f64(*high))
        }
        Draw::Bernoulli { p } => Sampler::Bernoulli(to_f64(*p)),
    })
}

fn triangular(u: f64, low: f64, mode: f64, high: f64) -> f64 {
    let span = high - low;
    if span <= 0.0 {
        return low;
    }
    let f = (mode - low) / span;
    if u < f {
        low + (u * span * (mode - low)).sqrt()
    } else {
        high - ((1.0 - u) * span * (high - mode)).sqrt()
    }
}

/// A float share quantised to millionths and scaled.
fn quantise(x: f64) -> i128 {
    let ppm = (x.clamp(0.0, 1.0) * 1e6).round();
    // In [0, 1e6]: the cast cannot truncate.
    (ppm as i128) * (SCALE / 1_000_000)
}

impl Sampler {
    fn draw(self, rng: &mut ChaCha8Rng) -> i128 {
        match self {
            Sampler::Fixed(v) => v,
            Sampler::Uniform(lo, hi) => quantise(lo + rng.random::<f64>() * (hi - lo)),
            Sampler::Triangular(lo, mode, hi) => {
                quantise(triangular(rng.random::<f64>(), lo, mode, hi))
            }
            Sampler::Bernoulli(p) => {
                if rng.random::<f64>() < p {
                    SCALE
                } else {
                    0
                }
            }
        }
    }
}

fn columns(
    what: &str,
    ids: &[String],
    draws: &BTreeMap<String, Draw>,
    rule: route_map_core::RoundingRule,
) -> Result<Vec<(usize, Sampler)>> {
    draws
        .iter()
        .map(|(id, d)| {
            let col = ids
                .binary_search(id)
                .map_err(|_| invalid(format!("the contract has no {what} {id:?}")))?;
            Ok((col, sampler(id, d, rule)?))
        })
        .collect()
}

/// Three metrics per scenario, in pence.
type Metrics = (Vec<i64>, Vec<i64>, Vec<i64>);

fn base_inputs(contract: &Contract, base: &YearOutturn) -> Result<(Vec<i128>, Vec<i128>)> {
    let c = &contract.c;
    let mut measures = vec![MISSING; c.measure_ids.len()];
    index_into(
        &c.measure_ids,
        base.achievement.map(),
        c.rule,
        &mut measures,
    )?;
    let mut milestones = vec![MISSING; c.milestone_ids.len()];
    index_into(
        &c.milestone_ids,
        base.milestones.map(),
        c.rule,
        &mut milestones,
    )?;
    Ok((measures, milestones))
}

fn base_adjustments(base: &YearOutturn) -> Result<Vec<(usize, i64)>> {
    base.adjustments
        .iter()
        .map(|a| {
            if !(1..=12).contains(&a.month) {
                return Err(PaymentError::InvalidMonth {
                    reason: a.reason.clone(),
                    month: a.month,
                });
            }
            Ok((
                usize::try_from(a.month - 1).unwrap_or(0),
                pence::pence(a.amount)?,
            ))
        })
        .collect()
}

/// Run a Monte Carlo simulation of one contract year.
///
/// # Errors
///
/// [`PaymentError::InvalidSimulation`] for no scenarios or more than [`MAX_SCENARIOS`], an unknown indicator or milestone,
/// or a range out of order; [`PaymentError::NoSuchYear`]; and any error settling a
/// scenario would give (for example [`PaymentError::MissingResult`] when an indicator is
/// neither drawn nor in the base results).
///
/// ```
/// use capitation::payment::{illustrative, simulate, Draw, Simulation};
/// use route_map_core::Share;
/// let contract = illustrative::coventry()?;
/// let base = contract.uniform_outturn(3, Share::ONE)?;
/// let indicators = contract.indicator_ids().iter()
///     .map(|id| (id.clone(), Draw::Bernoulli { p: "0.8".parse().unwrap() }))
///     .collect();
/// let sim = Simulation { year: 3, scenarios: 10_000, seed: 7, indicators,
///     milestones: Default::default(), activity: None, actual_cost: None, base,
///     percentiles: vec!["0.5".parse()?] };
/// let result = simulate(&contract, &sim)?;
/// assert_eq!(result, simulate(&contract, &sim)?); // deterministic
/// assert!(result.total_due.min <= result.total_due.max);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn simulate(contract: &Contract, sim: &Simulation) -> Result<SimulationResult> {
    let c = &contract.c;
    let plan = contract.plan(sim.year)?;
    if sim.scenarios == 0 || sim.scenarios > MAX_SCENARIOS {
        return Err(invalid(format!(
            "{} scenarios: run 1 to {MAX_SCENARIOS}",
            sim.scenarios
        )));
    }
    let measure_draws = columns("indicator", &c.measure_ids, &sim.indicators, c.rule)?;
    let milestone_draws = columns("milestone", &c.milestone_ids, &sim.milestones, c.rule)?;
    if let Some(a) = &sim.activity
        && a.low > a.high
    {
        return Err(invalid("activity low above high"));
    }
    let cost = match &sim.actual_cost {
        Some(r) => {
            let (lo, mode, hi) = (
                pence::pence(r.low)?,
                pence::pence(r.mode)?,
                pence::pence(r.high)?,
            );
            if !(lo <= mode && mode <= hi) {
                return Err(invalid("actual cost needs low <= mode <= high"));
            }
            // Pence as floats for the draw only; the drawn cost is rounded back to pence.
            Some((lo as f64, mode as f64, hi as f64))
        }
        None => None,
    };
    let (base_measures, base_milestones) = base_inputs(contract, &sim.base)?;
    let adjustments = base_adjustments(&sim.base)?;
    let base_cost = sim.base.actual_cost.map(pence::pence).transpose()?;
    let chunks = sim.scenarios.div_ceil(CHUNK);
    let parts: Vec<Metrics> = (0..chunks)
        .into_par_iter()
        .map(|k| {
            let mut rng = ChaCha8Rng::seed_from_u64(sim.seed);
            rng.set_stream(k);
            let n = usize::try_from(CHUNK.min(sim.scenarios - k * CHUNK)).unwrap_or(0);
            let mut measures = base_measures.clone();
            let mut milestones = base_milestones.clone();
            let mut out: Metrics = (
                Vec::with_capacity(n),
                Vec::with_capacity(n),
                Vec::with_capacity(n),
            );
            for _ in 0..n {
                for (col, s) in &measure_draws {
                    if let Some(slot) = measures.get_mut(*col) {
                        *slot = s.draw(&mut rng);
                    }
                }
                for (col, s) in &milestone_draws {
                    if let Some(slot) = milestones.get_mut(*col) {
                        *slot = s.draw(&mut rng);
                    }
                }
                let activity = match &sim.activity {
                    Some(a) => Some(rng.random_range(a.low..=a.high)),
                    None => sim.base.activity,
                };
                let actual_cost = match cost {
                    // Rounded to whole pence, within the range given.
                    Some((lo, mode, hi)) => {
                        Some(triangular(rng.random::<f64>(), lo, mode, hi).round() as i64)
                    }
                    None => base_cost,
                };
                let inputs = Inputs {
                    measures: &measures,
                    milestones: &milestones,
                    activity,
                    actual_cost,
                    adjustments: &adjustments,
                };
                let core = contract.core(sim.year, plan, &inputs, None, None)?;
                out.0.push(core.total_due);
                out.1.push(core.incentive);
                out.2.push(core.balance);
            }
            Ok(out)
        })
        .collect::<Result<Vec<_>>>()?;
    summarise(contract, sim.year, parts, &sim.percentiles)
}

/// Evaluate given scenarios of indicator results: each scenario's achievement replaces the
/// base results' for the indicators it lists.
///
/// # Errors
///
/// [`PaymentError::InvalidSimulation`] for no scenarios; [`PaymentError::NoSuchYear`]; and
/// any error settling a scenario would give.
pub fn evaluate(
    contract: &Contract,
    year: u32,
    base: &YearOutturn,
    scenarios: &[YearAchievement],
    percentiles: &[Share],
) -> Result<SimulationResult> {
    let c = &contract.c;
    let plan = contract.plan(year)?;
    if scenarios.is_empty() {
        return Err(invalid("no scenarios"));
    }
    let (base_measures, base_milestones) = base_inputs(contract, base)?;
    let adjustments = base_adjustments(base)?;
    let actual_cost = base.actual_cost.map(pence::pence).transpose()?;
    let chunk = usize::try_from(CHUNK).unwrap_or(4096);
    let parts: Vec<Metrics> = scenarios
        .par_chunks(chunk)
        .map(|batch| {
            let mut measures = base_measures.clone();
            let mut overlay = vec![MISSING; measures.len()];
            let mut out: Metrics = (
                Vec::with_capacity(batch.len()),
                Vec::with_capacity(batch.len()),
                Vec::with_capacity(batch.len()),
            );
            for scenario in batch {
                index_into(&c.measure_ids, scenario.map(), c.rule, &mut overlay)?;
                for ((m, o), b) in measures.iter_mut().zip(&overlay).zip(&base_measures) {
                    *m = if *o == MISSING { *b } else { *o };
                }
                let inputs = Inputs {
                    measures: &measures,
                    milestones: &base_milestones,
                    activity: base.activity,
                    actual_cost,
                    adjustments: &adjustments,
                };
                let core = contract.core(year, plan, &inputs, None, None)?;
                out.0.push(core.total_due);
                out.1.push(core.incentive);
                out.2.push(core.balance);
            }
            Ok(out)
        })
        .collect::<Result<Vec<_>>>()?;
    summarise(contract, year, parts, percentiles)
}

fn summarise(
    contract: &Contract,
    year: u32,
    parts: Vec<Metrics>,
    percentiles: &[Share],
) -> Result<SimulationResult> {
    let n: usize = parts.iter().map(|p| p.0.len()).sum();
    let mut total = Vec::with_capacity(n);
    let mut incentive = Vec::with_capacity(n);
    let mut balance = Vec::with_capacity(n);
    for (t, i, b) in parts {
        total.extend(t);
        incentive.extend(i);
        balance.extend(b);
    }
    let rule = contract.rounding();
    Ok(SimulationResult {
        year,
        scenarios: n as u64,
        total_due: distribution(total, percentiles, rule)?,
        incentive_earned: distribution(incentive, percentiles, rule)?,
        balance: distribution(balance, percentiles, rule)?,
    })
}

fn distribution(
    mut values: Vec<i64>,
    percentiles: &[Share],
    rule: route_map_core::RoundingRule,
) -> Result<Distribution> {
    values.par_sort_unstable();
    let n = values.len();
    let count = i128::try_from(n).unwrap_or(i128::MAX);
    let sum: i128 = values.iter().map(|v| i128::from(*v)).sum();
    let mean = div_round(sum, count.max(1), rule)?;
    // Two-pass variance around the exact mean, in pounds: a statistic.
    let mean_f = sum as f64 / count.max(1) as f64;
    let var = values
        .iter()
        .map(|v| {
            let d = *v as f64 - mean_f;
            d * d
        })
        .sum::<f64>()
        / (n.max(1) as f64);
    let at = |i: usize| values.get(i).copied().unwrap_or(0);
    let pct = percentiles
        .iter()
        .map(|p| {
            let ps = pence::scaled(p.as_decimal(), rule)?;
            let rank = div_round(ps * count, SCALE, route_map_core::RoundingRule::Ceiling)?;
            let index = usize::try_from(rank.max(1) - 1).unwrap_or(0);
            Ok(Percentile {
                p: *p,
                amount: Money::from_pence(at(index)),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Distribution {
        mean: pence::money(mean)?,
        std_dev_pounds: var.sqrt() / 100.0,
        min: Money::from_pence(at(0)),
        max: Money::from_pence(at(n.saturating_sub(1))),
        percentiles: pct,
    })
}
