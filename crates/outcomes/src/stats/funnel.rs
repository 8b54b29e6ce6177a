//! Funnel-plot control limits (Spiegelhalter 2005) and outlier labels as Fingertips gives them.
//!
//! For proportions the limits around the centre line `p̄ = Σx / Σn` at denominator `n` are
//! `p̄ ± z·√(p̄(1 − p̄)/n)`, clamped to `[0, 1]`: the normal approximation of Spiegelhalter
//! (2005), which is also exactly the inverted Wilson score bound that PHEindicatormethods
//! computes (the proportion whose Wilson interval just excludes `p̄`). For rates and
//! indirectly standardised ratios with target `θ₀` and precision `ρ` (the denominator, or
//! the expected count), the limits are `θ₀ ± z·√(θ₀/ρ)`.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::confidence::{ConfidenceLevel, Interval};

/// Where a unit falls on a funnel plot.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FunnelFlag {
    /// Above the 99.8% limit ("High (0.001)").
    High998,
    /// Above the 95% limit only ("High (0.025)").
    High95,
    /// Within the 95% limits.
    NotSignificant,
    /// Below the 95% limit only ("Low (0.025)").
    Low95,
    /// Below the 99.8% limit ("Low (0.001)").
    Low998,
}

/// One unit plotted on a proportion funnel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FunnelPoint {
    /// Events.
    pub numerator: f64,
    /// Denominator.
    pub denominator: f64,
    /// The unit's proportion.
    pub proportion: f64,
    /// 95% limits at its denominator.
    pub limits95: Interval,
    /// 99.8% limits at its denominator.
    pub limits998: Interval,
    /// Its label.
    pub flag: FunnelFlag,
}

/// A funnel plot of proportions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Funnel {
    /// The centre line `Σx / Σn`.
    pub centre: f64,
    /// The units in input order.
    pub points: Vec<FunnelPoint>,
}

/// Control limits for a proportion at denominator `n` around `centre`.
///
/// # Errors
///
/// [`Error::Statistics`] unless `0 ≤ centre ≤ 1` and `n > 0`, both finite.
///
/// # Examples
///
/// ```
/// use outcomes::stats::{funnel::proportion_limits, ConfidenceLevel};
/// let l = proportion_limits(0.3, 100.0, ConfidenceLevel::P95)?;
/// assert!((l.lower - 0.210183).abs() < 1e-6 && (l.upper - 0.389817).abs() < 1e-6);
/// # Ok::<(), outcomes::Error>(())
/// ```
pub fn proportion_limits(centre: f64, n: f64, level: ConfidenceLevel) -> Result<Interval> {
    if !(centre.is_finite() && (0.0..=1.0).contains(&centre) && n.is_finite() && n > 0.0) {
        return Err(Error::Statistics {
            statistic: "funnel limits",
            reason: format!("centre {centre} must be in [0, 1] and denominator {n} above zero"),
        });
    }
    let half = level.z() * (centre * (1.0 - centre) / n).sqrt();
    Ok(Interval {
        lower: (centre - half).clamp(0.0, 1.0),
        upper: (centre + half).clamp(0.0, 1.0),
        level,
    })
}

/// Control limits for a rate or ratio with target `theta` at precision `rho`.
///
/// # Errors
///
/// [`Error::Statistics`] unless `theta ≥ 0` and `rho > 0`, both finite.
pub fn rate_limits(theta: f64, rho: f64, level: ConfidenceLevel) -> Result<Interval> {
    if !theta.is_finite() || theta < 0.0 || !rho.is_finite() || rho <= 0.0 {
        return Err(Error::Statistics {
            statistic: "funnel limits",
            reason: format!("target {theta} must be non-negative and precision {rho} above zero"),
        });
    }
    let half = level.z() * (theta / rho).sqrt();
    Ok(Interval {
        lower: (theta - half).max(0.0),
        upper: theta + half,
        level,
    })
}

/// Plot units `(numerator, denominator)` on a proportion funnel and label each.
///
/// # Errors
///
/// [`Error::Statistics`] for no units, a negative or non-finite count, a numerator above
/// its denominator, or a zero denominator.
pub fn proportion_funnel(units: &[(f64, f64)]) -> Result<Funnel> {
    let bad = |reason: String| Error::Statistics {
        statistic: "funnel plot",
        reason,
    };
    if units.is_empty() {
        return Err(bad("no units".into()));
    }
    let (mut sx, mut sn) = (0.0, 0.0);
    for (i, (x, n)) in units.iter().enumerate() {
        if !x.is_finite() || !n.is_finite() || *x < 0.0 || *n <= 0.0 || x > n {
            return Err(bad(format!(
                "unit {i}: {x} of {n} is not a valid proportion"
            )));
        }
        sx += x;
        sn += n;
    }
    let centre = sx / sn;
    let points = units
        .iter()
        .map(|&(x, n)| {
            let p = x / n;
            let limits95 = proportion_limits(centre, n, ConfidenceLevel::P95)?;
            let limits998 = proportion_limits(centre, n, ConfidenceLevel::P998)?;
            let flag = if p > limits998.upper {
                FunnelFlag::High998
            } else if p > limits95.upper {
                FunnelFlag::High95
            } else if p < limits998.lower {
                FunnelFlag::Low998
            } else if p < limits95.lower {
                FunnelFlag::Low95
            } else {
                FunnelFlag::NotSignificant
            };
            Ok(FunnelPoint {
                numerator: x,
                denominator: n,
                proportion: p,
                limits95,
                limits998,
                flag,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Funnel { centre, points })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::wilson;

    /// Limits computed independently by bisection: the observed proportion whose Wilson (1927)
    /// score bound equals the centre line, as PHEindicatormethods' funnel limits define them
    /// (Python, 200 bisection steps); they agree with the normal approximation of
    /// Spiegelhalter (2005), "Funnel plots for comparing institutional performance", Stat Med
    /// 24:1185-1202.
    #[test]
    fn limits_match_independent_values() {
        let cases = [
            (
                0.3,
                100.0,
                ConfidenceLevel::P95,
                0.210_183_166_814_579_44,
                0.389_816_833_185_420_6,
            ),
            (
                0.3,
                1000.0,
                ConfidenceLevel::P998,
                0.255_218_279_418_076_5,
                0.344_781_720_581_923_7,
            ),
            (
                0.05,
                250.0,
                ConfidenceLevel::P998,
                0.007_404_087_236_498_675,
                0.092_595_912_763_501_35,
            ),
            (
                0.9,
                40.0,
                ConfidenceLevel::P998,
                0.753_417_411_202_123_7,
                1.0,
            ),
        ];
        for (p, n, level, lo, hi) in cases {
            let l = proportion_limits(p, n, level).unwrap();
            assert!((l.lower - lo).abs() < 1e-12, "{p} {n}: {} vs {lo}", l.lower);
            assert!((l.upper - hi).abs() < 1e-12, "{p} {n}: {} vs {hi}", l.upper);
            // And the Wilson interval at each interior limit just touches the centre line.
            if l.upper < 1.0 {
                let w = wilson(l.upper * n, n, level).unwrap();
                assert!((w.lower - p).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn outliers_are_labelled() {
        let f = proportion_funnel(&[
            (30.0, 100.0),
            (300.0, 1000.0),
            (60.0, 100.0),
            (200.0, 1000.0),
            (4.0, 40.0),
        ])
        .unwrap();
        assert!((f.centre - 594.0 / 2240.0).abs() < 1e-12);
        let flags: Vec<_> = f.points.iter().map(|p| p.flag).collect();
        assert_eq!(flags[2], FunnelFlag::High998);
        assert_eq!(flags[3], FunnelFlag::Low998);
        assert_eq!(flags[4], FunnelFlag::Low95);
        assert!(proportion_funnel(&[]).is_err());
        assert!(proportion_funnel(&[(2.0, 1.0)]).is_err());
        assert!(proportion_limits(1.5, 10.0, ConfidenceLevel::P95).is_err());
        let r = rate_limits(1.0, 100.0, ConfidenceLevel::P95).unwrap();
        assert!((r.upper - 1.195_996_398_454_005_4).abs() < 1e-12);
        assert!(rate_limits(1.0, 0.0, ConfidenceLevel::P95).is_err());
    }
}
