//! Sensitivity of a ranking to the weights: one-at-a-time sweeps, the smallest weight
//! change on each criterion that reverses the top rank, and Monte Carlo weight sampling
//! with a robustness verdict.
//!
//! Changing one criterion's weight share to `t` rescales the others proportionally, so
//! their relative weights are kept (the usual convention of one-at-a-time analysis, as in
//! Expert Choice's sensitivity graphs and the MCDA manual's swing-weight checks).
//!
//! ```
//! use appraisal::matrix::*;
//! use appraisal::methods::Method;
//! use appraisal::sensitivity::{MonteCarlo, WeightSampling, monte_carlo};
//! let m = DecisionMatrix::new(RawDecisionMatrix {
//!     options: vec!["a".into(), "b".into()],
//!     criteria: vec![
//!         CriterionSpec { id: "x".into(), direction: Direction::Benefit, weight: 1.0 },
//!         CriterionSpec { id: "y".into(), direction: Direction::Benefit, weight: 1.0 },
//!     ],
//!     values: vec![vec![5.0, 4.0], vec![1.0, 2.0]],
//! })?;
//! let method = Method::WeightedSum { normalisation: Normalisation::None };
//! let r = monte_carlo(&m, &method, &MonteCarlo { samples: 200, sampling: WeightSampling::UniformSimplex, seed: 7 })?;
//! assert_eq!(r.first_share[0], 1.0); // a dominates b
//! # Ok::<(), appraisal::Error>(())
//! ```

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::matrix::{DecisionMatrix, Normalisation};
use crate::methods::Method;
use crate::ranking::{Ranking, tied};

/// The weights with criterion `j`'s share set to `t`, the others rescaled proportionally.
fn reweigh(base: &[f64], j: usize, t: f64) -> Vec<f64> {
    let wj = base.get(j).copied().unwrap_or_default();
    let rest = 1.0 - wj;
    base.iter()
        .enumerate()
        .map(|(k, w)| {
            if k == j {
                t
            } else if rest > 0.0 {
                w * (1.0 - t) / rest
            } else {
                #[allow(clippy::cast_precision_loss)]
                let share = (1.0 - t) / (base.len().saturating_sub(1).max(1)) as f64;
                share
            }
        })
        .collect()
}

/// One point of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SweepPoint {
    /// The criterion's weight share.
    pub share: f64,
    /// The options ranked first at that share.
    pub winners: Vec<String>,
}

/// A one-at-a-time sweep of one criterion's weight share from 0 to 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Sweep {
    /// The criterion swept.
    pub criterion: String,
    /// Its current share.
    pub current_share: f64,
    /// The winners at each step.
    pub points: Vec<SweepPoint>,
}

/// Sweep each criterion's share over `steps + 1` evenly spaced points from 0 to 1.
///
/// # Errors
///
/// [`Error::Invalid`] for `steps` of 0; errors of the method.
pub fn sweeps(m: &DecisionMatrix, method: &Method, steps: usize) -> Result<Vec<Sweep>> {
    if steps == 0 {
        return Err(Error::invalid("sweep steps", "must be at least 1"));
    }
    let base = m.normalised_weights();
    let mut out = Vec::new();
    let mut work = m.clone();
    for (j, c) in m.criteria().iter().enumerate() {
        let mut points = Vec::with_capacity(steps + 1);
        for s in 0..=steps {
            #[allow(clippy::cast_precision_loss)]
            let t = s as f64 / steps as f64;
            let w = reweigh(&base, j, t);
            if w.iter().sum::<f64>() <= 0.0 {
                continue;
            }
            work.set_weights_unchecked(&w);
            let r = method.rank(&work)?;
            points.push(SweepPoint {
                share: t,
                winners: r.winners().into_iter().map(str::to_owned).collect(),
            });
        }
        out.push(Sweep {
            criterion: c.id.clone(),
            current_share: base.get(j).copied().unwrap_or_default(),
            points,
        });
    }
    Ok(out)
}

/// The smallest change of one criterion's weight share that changes the top rank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReversalThreshold {
    /// The criterion.
    pub criterion: String,
    /// Its current share of the total weight.
    pub current_share: f64,
    /// The share at which another option draws level with the leader, if any share in
    /// 0 to 1 does.
    pub reversal_share: Option<f64>,
    /// `reversal_share − current_share`.
    pub change: Option<f64>,
    /// The option that draws level.
    pub challenger: Option<String>,
}

/// For the weighted sum, exactly: for each criterion the share `t*` nearest the current
/// share at which some option's score equals the leader's (scores are linear in `t`).
///
/// # Errors
///
/// Errors of the normalisation.
pub fn reversal_thresholds(
    m: &DecisionMatrix,
    normalisation: Normalisation,
) -> Result<Vec<ReversalThreshold>> {
    let r = m.normalise(normalisation)?;
    let base = m.normalised_weights();
    let scores: Vec<f64> = r
        .iter()
        .map(|row| row.iter().zip(&base).map(|(x, w)| x * w).sum())
        .collect();
    let ranking = Ranking::from_scores(m.options(), &scores);
    let leader = ranking
        .order
        .first()
        .and_then(|l| m.options().iter().position(|o| *o == l.option))
        .unwrap_or(0);
    let lead_row = r.get(leader).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for (j, c) in m.criteria().iter().enumerate() {
        let wj = base.get(j).copied().unwrap_or_default();
        let mut best: Option<(f64, usize)> = None;
        for (b, row) in r.iter().enumerate() {
            if b == leader {
                continue;
            }
            // D(t) = score_b(t) − score_leader(t) = t·dj + (1 − t)·e.
            let dj = row.get(j).copied().unwrap_or_default()
                - lead_row.get(j).copied().unwrap_or_default();
            let e = if wj < 1.0 {
                row.iter()
                    .zip(&lead_row)
                    .zip(&base)
                    .enumerate()
                    .filter(|(k, _)| *k != j)
                    .map(|(_, ((x, y), w))| w * (x - y))
                    .sum::<f64>()
                    / (1.0 - wj)
            } else {
                0.0
            };
            let denom = e - dj;
            if denom.abs() < 1e-15 {
                continue;
            }
            let t = e / denom;
            if !(0.0..=1.0).contains(&t) || tied(t, wj) && tied(e, dj) {
                continue;
            }
            if best.is_none_or(|(bt, _)| (t - wj).abs() < (bt - wj).abs()) {
                best = Some((t, b));
            }
        }
        out.push(ReversalThreshold {
            criterion: c.id.clone(),
            current_share: wj,
            reversal_share: best.map(|b| b.0),
            change: best.map(|b| b.0 - wj),
            challenger: best.and_then(|b| m.options().get(b.1).cloned()),
        });
    }
    Ok(out)
}

/// For any method, by search: for each criterion, step its share away from the current
/// share in both directions (`step` apart) until the options ranked first change, then
/// bisect to 1e-6. Exact reversal points need [`reversal_thresholds`] (weighted sum only);
/// this finds the nearest change to within the bisection tolerance, provided the winners do
/// not change and change back within one step.
///
/// # Errors
///
/// [`Error::Invalid`] for a step not in (0, 0.5]; errors of the method.
pub fn reversal_thresholds_by_search(
    m: &DecisionMatrix,
    method: &Method,
    step: f64,
) -> Result<Vec<ReversalThreshold>> {
    if !(step > 0.0 && step <= 0.5) {
        return Err(Error::invalid(
            "search step",
            "must be greater than 0 and at most 0.5",
        ));
    }
    let base = m.normalised_weights();
    let mut work = m.clone();
    let mut winners_at = |j: usize, t: f64| -> Result<Vec<String>> {
        work.set_weights_unchecked(&reweigh(&base, j, t));
        Ok(method
            .rank(&work)?
            .winners()
            .into_iter()
            .map(str::to_owned)
            .collect())
    };
    let mut out = Vec::new();
    for (j, c) in m.criteria().iter().enumerate() {
        let wj = base.get(j).copied().unwrap_or_default();
        let start = winners_at(j, wj)?;
        let mut found: Option<(f64, Vec<String>)> = None;
        'search: for dir in [-1.0, 1.0] {
            let mut inside = wj;
            loop {
                let next = (inside + dir * step).clamp(0.0, 1.0);
                if (next - inside).abs() < f64::EPSILON {
                    break;
                }
                let w = winners_at(j, next)?;
                if w != start {
                    // Bisect between `inside` (start winners) and `next` (changed).
                    let (mut a, mut b, mut changed) = (inside, next, w);
                    while (b - a).abs() > 1e-6 {
                        let mid = (a + b) / 2.0;
                        let wm = winners_at(j, mid)?;
                        if wm == start {
                            a = mid;
                        } else {
                            b = mid;
                            changed = wm;
                        }
                    }
                    if found
                        .as_ref()
                        .is_none_or(|(t, _)| (b - wj).abs() < (t - wj).abs())
                    {
                        found = Some((b, changed));
                    }
                    continue 'search;
                }
                inside = next;
            }
        }
        out.push(ReversalThreshold {
            criterion: c.id.clone(),
            current_share: wj,
            reversal_share: found.as_ref().map(|f| f.0),
            change: found.as_ref().map(|f| f.0 - wj),
            challenger: found.and_then(|f| f.1.into_iter().find(|o| !start.contains(o))),
        });
    }
    Ok(out)
}

/// How Monte Carlo weights are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum WeightSampling {
    /// Uniformly over all weight vectors summing to 1 (flat Dirichlet): nothing is
    /// assumed about the weights.
    UniformSimplex,
    /// Each stated weight multiplied by a uniform factor in `1 ± relative`.
    Perturb {
        /// Relative half-width, 0 to 1.
        relative: f64,
    },
}

/// Monte Carlo settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MonteCarlo {
    /// Number of weight samples.
    pub samples: usize,
    /// How weights are drawn.
    pub sampling: WeightSampling,
    /// Seed of the ChaCha8 generator, so results are reproducible.
    pub seed: u64,
}

/// Monte Carlo results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MonteCarloResult {
    /// Options, in matrix order.
    pub options: Vec<String>,
    /// Share of samples in which each option ranks first (tied firsts each count).
    pub first_share: Vec<f64>,
    /// `rank_counts[i][r]`: samples in which option `i` has rank `r + 1`.
    pub rank_counts: Vec<Vec<usize>>,
    /// Samples drawn.
    pub samples: usize,
}

/// Rank the options under `samples` random weight vectors.
///
/// # Errors
///
/// [`Error::Invalid`] for no samples or a perturbation outside 0 to 1; errors of the method.
pub fn monte_carlo(
    m: &DecisionMatrix,
    method: &Method,
    settings: &MonteCarlo,
) -> Result<MonteCarloResult> {
    if settings.samples == 0 {
        return Err(Error::invalid("Monte Carlo samples", "must be at least 1"));
    }
    if let WeightSampling::Perturb { relative } = settings.sampling
        && !(0.0..=1.0).contains(&relative)
    {
        return Err(Error::invalid(
            "weight perturbation",
            "must be between 0 and 1",
        ));
    }
    let n = m.options().len();
    let base = m.normalised_weights();
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    let mut rank_counts = vec![vec![0usize; n]; n];
    let mut work = m.clone();
    // The weighted sum's normalised matrix does not depend on the weights: reuse it.
    let fixed = match method {
        Method::WeightedSum { normalisation } => Some(m.normalise(*normalisation)?),
        _ => None,
    };
    let mut w = vec![0.0; base.len()];
    for _ in 0..settings.samples {
        loop {
            for (x, b) in w.iter_mut().zip(&base) {
                let u: f64 = rng.random();
                *x = match settings.sampling {
                    WeightSampling::UniformSimplex => -(1.0 - u).ln(),
                    WeightSampling::Perturb { relative } => {
                        b * (1.0 - relative + 2.0 * relative * u)
                    }
                };
            }
            if w.iter().sum::<f64>() > 0.0 {
                break;
            }
        }
        let scores = if let Some(r) = &fixed {
            r.iter()
                .map(|row| row.iter().zip(&w).map(|(x, w)| x * w).sum())
                .collect()
        } else {
            work.set_weights_unchecked(&w);
            method.scores(&work)?
        };
        let ranking = Ranking::from_scores(m.options(), &scores);
        for ranked in &ranking.order {
            if let Some(i) = m.options().iter().position(|o| *o == ranked.option)
                && let Some(c) = rank_counts
                    .get_mut(i)
                    .and_then(|r| r.get_mut(ranked.rank - 1))
            {
                *c += 1;
            }
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let first_share = rank_counts
        .iter()
        .map(|r| r.first().copied().unwrap_or(0) as f64 / settings.samples as f64)
        .collect();
    Ok(MonteCarloResult {
        options: m.options().to_vec(),
        first_share,
        rank_counts,
        samples: settings.samples,
    })
}

/// Whether the preferred option survives the weight uncertainty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Robustness {
    /// The option preferred under the stated weights.
    pub preferred: String,
    /// Share of Monte Carlo samples in which it ranks first.
    pub first_share: f64,
    /// The share required to call it robust.
    pub threshold: f64,
    /// `first_share ≥ threshold`.
    pub robust: bool,
    /// The smallest single-criterion weight change that lets another option draw level
    /// (weighted sum only), as (criterion, change of share).
    pub nearest_reversal: Option<(String, f64)>,
    /// One sentence for the report.
    pub verdict: String,
}

/// The verdict on `preferred` from a Monte Carlo run and (optionally) reversal thresholds.
///
/// # Errors
///
/// [`Error::Unknown`] when `preferred` is not among the options.
pub fn robustness(
    preferred: &str,
    mc: &MonteCarloResult,
    thresholds: &[ReversalThreshold],
    threshold: f64,
) -> Result<Robustness> {
    let i = mc
        .options
        .iter()
        .position(|o| o == preferred)
        .ok_or_else(|| Error::Unknown {
            kind: "option",
            id: preferred.to_owned(),
            context: "robustness".into(),
        })?;
    let first_share = mc.first_share.get(i).copied().unwrap_or_default();
    let nearest_reversal = thresholds
        .iter()
        .filter_map(|t| Some((t.criterion.clone(), t.change?)))
        .min_by(|a, b| a.1.abs().total_cmp(&b.1.abs()));
    let robust = first_share >= threshold;
    let mut verdict = format!(
        "{preferred} ranks first in {:.1}% of {} weight samples, so the preference is {} (threshold {:.0}%)",
        first_share * 100.0,
        mc.samples,
        if robust { "robust" } else { "not robust" },
        threshold * 100.0
    );
    if let Some((c, d)) = &nearest_reversal {
        verdict.push_str(&format!(
            "; the nearest reversal is a change of {:+.1} percentage points in the weight share of {c}",
            d * 100.0
        ));
    }
    Ok(Robustness {
        preferred: preferred.to_owned(),
        first_share,
        threshold,
        robust,
        nearest_reversal,
        verdict,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::Direction::Benefit;
    use crate::methods::tests::matrix;

    #[test]
    fn reversal_threshold_is_exact_for_weighted_sum() {
        // a: (1, 0), b: (0, 1), weights 0.6 / 0.4: a leads 0.6 to 0.4 and b draws level
        // when criterion 1's share falls to 0.5 (a change of −0.1).
        let m = matrix(
            &[&[1.0, 0.0], &[0.0, 1.0]],
            &[Benefit, Benefit],
            &[0.6, 0.4],
        );
        let t = reversal_thresholds(&m, Normalisation::None).unwrap();
        assert!((t[0].reversal_share.unwrap() - 0.5).abs() < 1e-12);
        assert!((t[0].change.unwrap() + 0.1).abs() < 1e-12);
        assert_eq!(t[0].challenger.as_deref(), Some("A2"));
        assert!((t[1].reversal_share.unwrap() - 0.5).abs() < 1e-12);
        // The sweep agrees: at share 0.4 b wins, at 0.6 a wins.
        let s = sweeps(
            &m,
            &Method::WeightedSum {
                normalisation: Normalisation::None,
            },
            10,
        )
        .unwrap();
        let at = |x: f64| {
            s[0].points
                .iter()
                .find(|p| (p.share - x).abs() < 1e-9)
                .unwrap()
                .winners
                .clone()
        };
        assert_eq!(at(0.4), vec!["A2"]);
        assert_eq!(at(0.6), vec!["A1"]);
        assert_eq!(at(0.5).len(), 2);
    }

    #[test]
    fn search_agrees_with_the_exact_thresholds() {
        let m = matrix(
            &[&[5.0, 1.0, 3.0], &[2.0, 4.0, 3.0], &[3.0, 3.0, 1.0]],
            &[Benefit, Benefit, Benefit],
            &[0.5, 0.3, 0.2],
        );
        let exact = reversal_thresholds(&m, Normalisation::None).unwrap();
        let method = Method::WeightedSum {
            normalisation: Normalisation::None,
        };
        let searched = reversal_thresholds_by_search(&m, &method, 0.01).unwrap();
        for (e, s) in exact.iter().zip(&searched) {
            match (e.reversal_share, s.reversal_share) {
                (Some(x), Some(y)) => assert!((x - y).abs() < 1e-5, "{e:?} {s:?}"),
                (None, None) => {}
                other => panic!("{other:?}"),
            }
        }
        let topsis = Method::Topsis {
            normalisation: Normalisation::Vector,
        };
        assert_eq!(
            reversal_thresholds_by_search(&m, &topsis, 0.01)
                .unwrap()
                .len(),
            3
        );
        assert!(matches!(
            reversal_thresholds_by_search(&m, &method, 0.0),
            Err(Error::Invalid { .. })
        ));
    }

    #[test]
    fn dominant_option_never_reverses() {
        let m = matrix(
            &[&[5.0, 5.0], &[1.0, 2.0]],
            &[Benefit, Benefit],
            &[1.0, 1.0],
        );
        let t = reversal_thresholds(&m, Normalisation::None).unwrap();
        assert!(t.iter().all(|x| x.change.is_none()));
        let mc = monte_carlo(
            &m,
            &Method::Topsis {
                normalisation: Normalisation::Vector,
            },
            &MonteCarlo {
                samples: 100,
                sampling: WeightSampling::Perturb { relative: 0.5 },
                seed: 1,
            },
        )
        .unwrap();
        assert_eq!(mc.first_share, vec![1.0, 0.0]);
        let r = robustness("A1", &mc, &t, 0.9).unwrap();
        assert!(r.robust && r.nearest_reversal.is_none());
        assert!(robustness("zz", &mc, &t, 0.9).is_err());
    }

    #[test]
    fn monte_carlo_is_seeded_and_counts_every_sample() {
        let m = matrix(
            &[&[1.0, 0.0], &[0.0, 1.0], &[0.4, 0.4]],
            &[Benefit, Benefit],
            &[0.5, 0.5],
        );
        let method = Method::WeightedSum {
            normalisation: Normalisation::None,
        };
        let s = MonteCarlo {
            samples: 500,
            sampling: WeightSampling::UniformSimplex,
            seed: 42,
        };
        let a = monte_carlo(&m, &method, &s).unwrap();
        let b = monte_carlo(&m, &method, &s).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.rank_counts.iter().map(|c| c[0]).sum::<usize>(), 500);
        assert!((a.first_share[0] - 0.5).abs() < 0.1);
        assert_eq!(a.first_share[2], 0.0);
        assert!(matches!(
            monte_carlo(&m, &method, &MonteCarlo { samples: 0, ..s }),
            Err(Error::Invalid { .. })
        ));
        assert!(matches!(
            monte_carlo(
                &m,
                &method,
                &MonteCarlo {
                    sampling: WeightSampling::Perturb { relative: 2.0 },
                    ..s
                }
            ),
            Err(Error::Invalid { .. })
        ));
        assert!(matches!(sweeps(&m, &method, 0), Err(Error::Invalid { .. })));
    }
}
