//! Summaries of ordinal scores: distribution, median, mean, quantiles with a named
//! definition, interquartile range and the Tastle–Wierman consensus measure.
//!
//! Likert items are ordinal, so the median and interquartile range (or the whole
//! distribution) are the primary summaries; the mean is reported alongside because many
//! appraisals weight and add means (Sullivan and Artino 2013; Norman 2010).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How a sample quantile is defined (Hyndman and Fan 1996). Tools differ, so the
/// definition is a parameter and every summary says which one it used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum QuantileMethod {
    /// Hyndman–Fan type 7: `h = (n − 1)p + 1`, linear between order statistics. The
    /// default of R's `quantile`, NumPy and Excel's `QUARTILE.INC`.
    #[default]
    Type7,
    /// Hyndman–Fan type 6: `h = (n + 1)p`, clamped to the sample; Minitab, SPSS and
    /// Excel's `QUARTILE.EXC`.
    Type6,
}

impl std::fmt::Display for QuantileMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            QuantileMethod::Type7 => "Hyndman-Fan type 7",
            QuantileMethod::Type6 => "Hyndman-Fan type 6",
        })
    }
}

/// The `p` quantile of `values` (need not be sorted) under `method`.
///
/// # Errors
///
/// [`Error::Empty`] for no values, [`Error::NotFinite`] for a non-finite value or `p`
/// outside 0 to 1.
///
/// ```
/// use appraisal::stats::{QuantileMethod, quantile};
/// let v = [1.0, 2.0, 3.0, 4.0];
/// assert_eq!(quantile(&v, 0.25, QuantileMethod::Type7)?, 1.75);
/// assert_eq!(quantile(&v, 0.25, QuantileMethod::Type6)?, 1.25);
/// # Ok::<(), appraisal::Error>(())
/// ```
pub fn quantile(values: &[f64], p: f64, method: QuantileMethod) -> Result<f64> {
    if !(0.0..=1.0).contains(&p) {
        return Err(Error::NotFinite {
            context: format!("quantile probability {p}"),
        });
    }
    let sorted = sorted_finite(values, "quantile")?;
    let n = sorted.len();
    #[allow(clippy::cast_precision_loss)]
    let nf = n as f64;
    // h is the 1-based (fractional) position in the sorted sample.
    let h = match method {
        QuantileMethod::Type7 => (nf - 1.0) * p + 1.0,
        QuantileMethod::Type6 => ((nf + 1.0) * p).clamp(1.0, nf),
    };
    let lower = h.floor();
    let frac = h - lower;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let i = (lower as usize).saturating_sub(1).min(n - 1);
    let lo = sorted.get(i).copied().unwrap_or_default();
    let hi = sorted.get((i + 1).min(n - 1)).copied().unwrap_or(lo);
    Ok(lo + frac * (hi - lo))
}

/// The median (the 0.5 quantile; every quantile definition here agrees on it).
///
/// # Errors
///
/// As [`quantile`].
pub fn median(values: &[f64]) -> Result<f64> {
    quantile(values, 0.5, QuantileMethod::Type7)
}

/// The arithmetic mean.
///
/// # Errors
///
/// [`Error::Empty`] for no values, [`Error::NotFinite`] for a non-finite value.
pub fn mean(values: &[f64]) -> Result<f64> {
    let sorted = sorted_finite(values, "mean")?;
    #[allow(clippy::cast_precision_loss)]
    Ok(sorted.iter().sum::<f64>() / sorted.len() as f64)
}

fn sorted_finite(values: &[f64], context: &str) -> Result<Vec<f64>> {
    if values.is_empty() {
        return Err(Error::Empty {
            context: context.to_owned(),
            what: "values",
        });
    }
    if values.iter().any(|v| !v.is_finite()) {
        return Err(Error::NotFinite {
            context: context.to_owned(),
        });
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    Ok(sorted)
}

/// The Tastle–Wierman consensus of a distribution over an ordered scale.
///
/// `Cns = 1 + Σᵢ pᵢ · log₂(1 − |Xᵢ − μ| / d)`, with `Xᵢ` the category codes (1..=k),
/// `pᵢ` their proportions, `μ = Σ pᵢXᵢ` and `d = k − 1` the width of the scale (Tastle and
/// Wierman 2007, "Consensus and dissention: a measure of ordinal dispersion", International
/// Journal of Approximate Reasoning 45(3), 531–545). It is 1 when everyone gives the same
/// answer and 0 when answers split equally between the two extremes.
///
/// `counts[i]` is the number of answers in category `i + 1`.
///
/// # Errors
///
/// [`Error::Empty`] when there are fewer than two categories or no answers.
///
/// ```
/// use appraisal::stats::tastle_wierman;
/// assert_eq!(tastle_wierman(&[0, 0, 7, 0, 0])?, 1.0);
/// assert_eq!(tastle_wierman(&[5, 0, 0, 0, 5])?, 0.0);
/// # Ok::<(), appraisal::Error>(())
/// ```
pub fn tastle_wierman(counts: &[usize]) -> Result<f64> {
    let total: usize = counts.iter().sum();
    if counts.len() < 2 || total == 0 {
        return Err(Error::Empty {
            context: "consensus distribution".into(),
            what: "answers over two or more categories",
        });
    }
    #[allow(clippy::cast_precision_loss)]
    let (n, width) = (total as f64, (counts.len() - 1) as f64);
    #[allow(clippy::cast_precision_loss)]
    let mu: f64 = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| (i + 1) as f64 * c as f64 / n)
        .sum();
    #[allow(clippy::cast_precision_loss)]
    let sum: f64 = counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(i, &c)| {
            let x = (i + 1) as f64;
            // 1 - |x - mu| / d is positive: it reaches 0 only at an extreme category when
            // mu is at the other extreme, where that category has no answers.
            (c as f64 / n) * (1.0 - (x - mu).abs() / width).max(f64::MIN_POSITIVE).log2()
        })
        .sum();
    Ok((1.0 + sum).clamp(0.0, 1.0))
}

/// Kendall's rank correlation τ-b between two score vectors (ties corrected; Kendall
/// 1945), from −1 (reversed order) to 1 (same order). Used to say how far two panels'
/// orderings of the options agree.
///
/// # Errors
///
/// [`Error::Shape`] for vectors of different lengths; [`Error::NotFinite`] for a
/// non-finite value; [`Error::Invalid`] when either vector is constant (τ-b undefined).
///
/// ```
/// use appraisal::stats::kendall_tau_b;
/// assert!((kendall_tau_b(&[1.0, 2.0, 3.0, 4.0, 5.0], &[3.0, 4.0, 1.0, 2.0, 5.0])? - 0.2).abs() < 1e-12);
/// # Ok::<(), appraisal::Error>(())
/// ```
pub fn kendall_tau_b(x: &[f64], y: &[f64]) -> Result<f64> {
    if x.len() != y.len() {
        return Err(Error::Shape {
            context: "Kendall tau".into(),
            what: "values",
            expected: x.len(),
            found: y.len(),
        });
    }
    if x.iter().chain(y).any(|v| !v.is_finite()) {
        return Err(Error::NotFinite {
            context: "Kendall tau".into(),
        });
    }
    let (mut concordant, mut discordant, mut tied_x, mut tied_y) = (0i64, 0i64, 0i64, 0i64);
    for (i, (xi, yi)) in x.iter().zip(y).enumerate() {
        for (xj, yj) in x.iter().zip(y).skip(i + 1) {
            let dx = (xi - xj).signum() * f64::from(u8::from(xi != xj));
            let dy = (yi - yj).signum() * f64::from(u8::from(yi != yj));
            if dx == 0.0 && dy == 0.0 {
                continue;
            } else if dx == 0.0 {
                tied_x += 1;
            } else if dy == 0.0 {
                tied_y += 1;
            } else if dx == dy {
                concordant += 1;
            } else {
                discordant += 1;
            }
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let denom =
        (((concordant + discordant + tied_x) * (concordant + discordant + tied_y)) as f64).sqrt();
    if denom == 0.0 {
        return Err(Error::invalid(
            "Kendall tau",
            "a constant ranking has no rank correlation",
        ));
    }
    #[allow(clippy::cast_precision_loss)]
    Ok((concordant - discordant) as f64 / denom)
}

/// A summary of the answers on one item (one option on one criterion).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ItemSummary {
    /// Number of answers on each point of the scale, lowest first.
    pub distribution: Vec<usize>,
    /// Number of answers given (excluding "not applicable").
    pub answered: usize,
    /// Number of "not applicable" or missing answers.
    pub missing: usize,
    /// The median score.
    pub median: f64,
    /// The mean score.
    pub mean: f64,
    /// Lower quartile.
    pub q1: f64,
    /// Upper quartile.
    pub q3: f64,
    /// `q3 − q1`.
    pub iqr: f64,
    /// Which quantile definition gave `q1` and `q3`.
    pub quantile_method: QuantileMethod,
    /// Tastle–Wierman consensus, 0 to 1.
    pub consensus: f64,
}

impl ItemSummary {
    /// Summarise answers `scores` (points `1..=points`, `None` for not applicable).
    ///
    /// # Errors
    ///
    /// [`Error::Empty`] when nobody answered; [`Error::Invalid`] for a score off the scale.
    pub fn from_scores(
        scores: &[Option<u8>],
        points: u8,
        method: QuantileMethod,
    ) -> Result<ItemSummary> {
        let mut distribution = vec![0usize; usize::from(points)];
        let mut values = Vec::with_capacity(scores.len());
        for s in scores.iter().flatten() {
            let slot = usize::from(*s)
                .checked_sub(1)
                .and_then(|i| distribution.get_mut(i))
                .ok_or_else(|| {
                    Error::invalid("score", format!("{s} is not on a {points}-point scale"))
                })?;
            *slot += 1;
            values.push(f64::from(*s));
        }
        let answered = values.len();
        let q1 = quantile(&values, 0.25, method)?;
        let q3 = quantile(&values, 0.75, method)?;
        Ok(ItemSummary {
            consensus: tastle_wierman(&distribution)?,
            distribution,
            answered,
            missing: scores.len() - answered,
            median: median(&values)?,
            mean: mean(&values)?,
            q1,
            q3,
            iqr: q3 - q1,
            quantile_method: method,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quantiles_match_r_types_7_and_6() {
        // R: quantile(1:10, c(.25,.75), type=7) gives 3.25 and 7.75; type=6 gives 2.75 and 8.25.
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.25, QuantileMethod::Type7).unwrap(), 3.25);
        assert_eq!(quantile(&v, 0.75, QuantileMethod::Type7).unwrap(), 7.75);
        assert_eq!(quantile(&v, 0.25, QuantileMethod::Type6).unwrap(), 2.75);
        assert_eq!(quantile(&v, 0.75, QuantileMethod::Type6).unwrap(), 8.25);
        assert_eq!(median(&[3.0, 1.0, 2.0]).unwrap(), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]).unwrap(), 2.5);
        assert_eq!(quantile(&[5.0], 0.9, QuantileMethod::Type6).unwrap(), 5.0);
    }

    #[test]
    fn quantile_errors() {
        assert!(matches!(
            quantile(&[], 0.5, QuantileMethod::Type7),
            Err(Error::Empty { .. })
        ));
        assert!(matches!(
            quantile(&[1.0, f64::NAN], 0.5, QuantileMethod::Type7),
            Err(Error::NotFinite { .. })
        ));
        assert!(matches!(
            quantile(&[1.0], 1.5, QuantileMethod::Type7),
            Err(Error::NotFinite { .. })
        ));
        assert!(matches!(mean(&[]), Err(Error::Empty { .. })));
    }

    /// Tastle and Wierman (2007), the measure's defining cases on a five-point scale: full
    /// agreement is 1; an even split between the extremes is 0; the uniform distribution
    /// is 1 + (2·log₂0.5 + 2·log₂0.75)/5 = 0.4340; a 50/50 split on neighbouring points
    /// (strongly agree, agree) is 1 + log₂(7/8) = 0.8074.
    #[test]
    fn tastle_wierman_published_cases() {
        assert_eq!(tastle_wierman(&[0, 0, 0, 0, 9]).unwrap(), 1.0);
        assert_eq!(tastle_wierman(&[1, 0, 0, 0, 1]).unwrap(), 0.0);
        let uniform = tastle_wierman(&[1, 1, 1, 1, 1]).unwrap();
        assert!((uniform - 0.434_0).abs() < 1e-4, "{uniform}");
        let neighbours = tastle_wierman(&[0, 0, 0, 1, 1]).unwrap();
        assert!((neighbours - (1.0 + (7.0f64 / 8.0).log2())).abs() < 1e-12);
        assert!((neighbours - 0.807_4).abs() < 1e-4);
        assert!(matches!(tastle_wierman(&[3]), Err(Error::Empty { .. })));
        assert!(matches!(tastle_wierman(&[0, 0]), Err(Error::Empty { .. })));
    }

    /// Reference values from SciPy 1.17 `scipy.stats.kendalltau` (τ-b).
    #[test]
    fn kendall_tau_b_matches_scipy() {
        let t = kendall_tau_b(&[1.0, 2.0, 2.0, 3.0, 4.0], &[2.0, 1.0, 3.0, 3.0, 4.0]).unwrap();
        assert!((t - 0.6666666666666666).abs() < 1e-12);
        let t = kendall_tau_b(&[4.0, 3.5, 3.0, 3.0, 2.0], &[3.5, 4.0, 3.0, 2.5, 2.0]).unwrap();
        assert!((t - 0.7378647873726218).abs() < 1e-12);
        assert!(matches!(
            kendall_tau_b(&[1.0], &[]),
            Err(Error::Shape { .. })
        ));
        assert!(matches!(
            kendall_tau_b(&[1.0, 1.0], &[1.0, 2.0]),
            Err(Error::Invalid { .. })
        ));
        assert!(matches!(
            kendall_tau_b(&[f64::NAN], &[1.0]),
            Err(Error::NotFinite { .. })
        ));
    }

    #[test]
    fn item_summary() {
        let s = ItemSummary::from_scores(
            &[Some(4), Some(5), None, Some(4), Some(2)],
            5,
            QuantileMethod::Type7,
        )
        .unwrap();
        assert_eq!(s.distribution, vec![0, 1, 0, 2, 1]);
        assert_eq!((s.answered, s.missing), (4, 1));
        assert_eq!(s.median, 4.0);
        assert_eq!(s.mean, 3.75);
        assert_eq!((s.q1, s.q3, s.iqr), (3.5, 4.25, 0.75));
        assert!(ItemSummary::from_scores(&[None], 5, QuantileMethod::Type7).is_err());
        assert!(ItemSummary::from_scores(&[Some(6)], 5, QuantileMethod::Type7).is_err());
    }

    proptest! {
        #[test]
        fn prop_consensus_in_unit_interval(counts in proptest::collection::vec(0usize..20, 2..8)) {
            prop_assume!(counts.iter().sum::<usize>() > 0);
            let c = tastle_wierman(&counts).unwrap();
            prop_assert!((0.0..=1.0).contains(&c));
        }

        #[test]
        fn prop_quantiles_stay_within_sample(v in proptest::collection::vec(1u8..=5, 1..40), p in 0.0f64..=1.0) {
            let v: Vec<f64> = v.into_iter().map(f64::from).collect();
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            for m in [QuantileMethod::Type7, QuantileMethod::Type6] {
                let q = quantile(&v, p, m).unwrap();
                prop_assert!(q >= lo && q <= hi);
            }
        }
    }
}
