//! Wilson score and exact (Clopper-Pearson) intervals for proportions; Byar's approximation
//! and exact Poisson limits for counts and rates.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::special::{bisect, incomplete_beta};

/// The two confidence levels Fingertips reports.
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
pub enum ConfidenceLevel {
    /// 95% (about two standard deviations).
    P95,
    /// 99.8% (about three standard deviations).
    P998,
}

impl ConfidenceLevel {
    /// The two-sided standard normal quantile `z = Φ⁻¹(1 − α/2)`: 1.959964 for 95%,
    /// 3.090232 for 99.8%.
    #[must_use]
    pub fn z(self) -> f64 {
        match self {
            ConfidenceLevel::P95 => 1.959_963_984_540_054,
            ConfidenceLevel::P998 => 3.090_232_306_167_813,
        }
    }
}

impl ConfidenceLevel {
    /// The two-sided significance level `α`: 0.05 or 0.002.
    #[must_use]
    pub fn alpha(self) -> f64 {
        match self {
            ConfidenceLevel::P95 => 0.05,
            ConfidenceLevel::P998 => 0.002,
        }
    }
}

impl std::fmt::Display for ConfidenceLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ConfidenceLevel::P95 => "95%",
            ConfidenceLevel::P998 => "99.8%",
        })
    }
}

/// A confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Interval {
    /// Lower limit.
    pub lower: f64,
    /// Upper limit.
    pub upper: f64,
    /// Confidence level.
    pub level: ConfidenceLevel,
}

impl Interval {
    /// Both limits multiplied by `factor` (100 for a percentage, 100,000 for a rate per
    /// 100,000).
    #[must_use]
    pub fn scaled(self, factor: f64) -> Interval {
        Interval {
            lower: self.lower * factor,
            upper: self.upper * factor,
            level: self.level,
        }
    }

    /// Whether `value` lies within the interval (limits included).
    #[must_use]
    pub fn contains(self, value: f64) -> bool {
        self.lower <= value && value <= self.upper
    }
}

fn finite_non_negative(statistic: &'static str, what: &str, v: f64) -> Result<()> {
    if !v.is_finite() || v < 0.0 {
        return Err(Error::Statistics {
            statistic,
            reason: format!("{what} {v} must be a finite number, not negative"),
        });
    }
    Ok(())
}

/// The Wilson score interval for `x` events out of `n`, as a proportion in `[0, 1]`.
///
/// ```text
/// lower, upper = (2x + z² ∓ z·√(z² + 4x(1 − x/n))) / (2(n + z²))
/// ```
///
/// # Errors
///
/// [`Error::Statistics`] when `n` is not positive, `x` is negative, above `n` or not
/// finite.
///
/// # Examples
///
/// ```
/// use outcomes::stats::{wilson, ConfidenceLevel};
/// // A GP practice in the Fingertips extract: 729 of 9,241 patients with diabetes.
/// let ci = wilson(729.0, 9241.0, ConfidenceLevel::P95)?.scaled(100.0);
/// assert!((ci.lower - 7.35648739880458).abs() < 1e-9);
/// # Ok::<(), outcomes::Error>(())
/// ```
pub fn wilson(x: f64, n: f64, level: ConfidenceLevel) -> Result<Interval> {
    const S: &str = "Wilson interval";
    finite_non_negative(S, "count", x)?;
    finite_non_negative(S, "denominator", n)?;
    if n <= 0.0 {
        return Err(Error::Statistics {
            statistic: S,
            reason: "denominator must be above zero".into(),
        });
    }
    if x > n {
        return Err(Error::Statistics {
            statistic: S,
            reason: format!("count {x} is above its denominator {n}"),
        });
    }
    let z = level.z();
    let z2 = z * z;
    let root = z * (z2 + 4.0 * x * (1.0 - x / n)).max(0.0).sqrt();
    let den = 2.0 * (n + z2);
    Ok(Interval {
        lower: ((2.0 * x + z2 - root) / den).clamp(0.0, 1.0),
        upper: ((2.0 * x + z2 + root) / den).clamp(0.0, 1.0),
        level,
    })
}

/// Byar's approximation to the exact Poisson interval for a count `x`.
///
/// ```text
/// lower = x · (1 − 1/(9x) − z/(3√x))³            (0 when x = 0, never below 0)
/// upper = (x+1) · (1 − 1/(9(x+1)) + z/(3√(x+1)))³
/// ```
///
/// # Errors
///
/// [`Error::Statistics`] for a negative or non-finite count.
pub fn byar(x: f64, level: ConfidenceLevel) -> Result<Interval> {
    finite_non_negative("Byar interval", "count", x)?;
    let z = level.z();
    let lower = if x == 0.0 {
        0.0
    } else {
        x * (1.0 - 1.0 / (9.0 * x) - z / (3.0 * x.sqrt())).powi(3)
    };
    let x1 = x + 1.0;
    let upper = x1 * (1.0 - 1.0 / (9.0 * x1) + z / (3.0 * x1.sqrt())).powi(3);
    Ok(Interval {
        lower: lower.max(0.0),
        upper,
        level,
    })
}

/// Byar's interval for a crude rate `x / denominator × per` (per 1,000, per 100,000).
///
/// # Errors
///
/// [`Error::Statistics`] for a negative or non-finite count, or a denominator or multiplier
/// that is not positive and finite.
///
/// # Examples
///
/// ```
/// use outcomes::stats::{byar_rate, ConfidenceLevel};
/// // Conceptions under 18 in the Fingertips extract: 80 in 2,208 (per 1,000).
/// let ci = byar_rate(80.0, 2208.0, 1000.0, ConfidenceLevel::P95)?;
/// assert!((ci.lower - 28.72866).abs() < 1e-5);
/// # Ok::<(), outcomes::Error>(())
/// ```
pub fn byar_rate(x: f64, denominator: f64, per: f64, level: ConfidenceLevel) -> Result<Interval> {
    const S: &str = "Byar rate interval";
    for (what, v) in [("denominator", denominator), ("multiplier", per)] {
        if !v.is_finite() || v <= 0.0 {
            return Err(Error::Statistics {
                statistic: S,
                reason: format!("{what} {v} must be positive and finite"),
            });
        }
    }
    Ok(byar(x, level)?.scaled(per / denominator))
}

/// Counts below this use exact Poisson limits in [`count_interval`]; at or above it, Byar's
/// approximation. Fingertips' published limits follow this rule (every row of indicators
/// 20401 and 41203 in the North West extract matches it).
pub const EXACT_POISSON_BELOW: u64 = 10;

/// Counts above this are refused by [`poisson_exact`] (use [`byar`]).
pub const EXACT_POISSON_MAX: u64 = 100_000;

/// The exact (Garwood 1936) Poisson interval for an integer count `x`: the means `L` and `U`
/// with `P(X ≥ x | L) = α/2` and `P(X ≤ x | U) = α/2`, equivalently `χ²(α/2; 2x)/2` and
/// `χ²(1 − α/2; 2x + 2)/2`. Found by bisection on the Poisson distribution function.
///
/// # Errors
///
/// [`Error::Statistics`] for a count above [`EXACT_POISSON_MAX`].
///
/// # Examples
///
/// ```
/// use outcomes::stats::{poisson_exact, ConfidenceLevel};
/// let ci = poisson_exact(4, ConfidenceLevel::P95)?;
/// assert!((ci.lower - 1.089865).abs() < 1e-6 && (ci.upper - 10.241589).abs() < 1e-6);
/// # Ok::<(), outcomes::Error>(())
/// ```
pub fn poisson_exact(x: u64, level: ConfidenceLevel) -> Result<Interval> {
    if x > EXACT_POISSON_MAX {
        return Err(Error::Statistics {
            statistic: "exact Poisson interval",
            reason: format!("count {x} is above {EXACT_POISSON_MAX}: use Byar's approximation"),
        });
    }
    let alpha = level.alpha();
    // Bounds wide enough for any level this crate offers.
    #[allow(clippy::cast_precision_loss)]
    let xf = x as f64;
    let hi_bound = xf + 50.0 + 10.0 * (xf + 1.0).sqrt();
    // P(X <= k | mu) falls as mu rises.
    let lower = if x == 0 {
        0.0
    } else {
        // P(X >= x | L) = 1 - P(X <= x - 1 | L) = alpha / 2
        bisect(0.0, xf, |mu| 1.0 - poisson_cdf(x - 1, mu) - alpha / 2.0)
    };
    // P(X <= x | U) = alpha / 2
    let upper = bisect(xf, hi_bound, |mu| alpha / 2.0 - poisson_cdf(x, mu));
    Ok(Interval {
        lower,
        upper,
        level,
    })
}

/// A count's interval as Fingertips computes it: exact Poisson below
/// [`EXACT_POISSON_BELOW`] events, Byar's approximation from there up.
///
/// # Errors
///
/// [`Error::Statistics`] for a negative, fractional or non-finite count.
pub fn count_interval(x: f64, level: ConfidenceLevel) -> Result<Interval> {
    finite_non_negative("count interval", "count", x)?;
    #[allow(clippy::cast_precision_loss)]
    let cutoff = EXACT_POISSON_BELOW as f64;
    if x < cutoff {
        if x.fract() != 0.0 {
            return Err(Error::Statistics {
                statistic: "count interval",
                reason: format!(
                    "count {x} below {EXACT_POISSON_BELOW} must be whole for exact limits"
                ),
            });
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let n = x as u64;
        poisson_exact(n, level)
    } else {
        byar(x, level)
    }
}

/// A crude rate's interval from [`count_interval`]: `x / denominator × per`.
///
/// # Errors
///
/// As [`count_interval`], and for a denominator or multiplier that is not positive.
pub fn rate_interval(
    x: f64,
    denominator: f64,
    per: f64,
    level: ConfidenceLevel,
) -> Result<Interval> {
    for (what, v) in [("denominator", denominator), ("multiplier", per)] {
        if !v.is_finite() || v <= 0.0 {
            return Err(Error::Statistics {
                statistic: "rate interval",
                reason: format!("{what} {v} must be positive and finite"),
            });
        }
    }
    Ok(count_interval(x, level)?.scaled(per / denominator))
}

/// Denominators above this are refused by [`clopper_pearson`] (use [`wilson`]).
pub const EXACT_BINOMIAL_MAX: u64 = 100_000_000;

/// The exact (Clopper and Pearson 1934) interval for `x` events out of `n`, as a proportion:
/// the proportions `L` and `U` with `P(X ≥ x | L) = α/2` and `P(X ≤ x | U) = α/2`,
/// equivalently the beta quantiles `B(α/2; x, n − x + 1)` and `B(1 − α/2; x + 1, n − x)`.
/// Found by bisection on the regularised incomplete beta function. Conservative: its
/// coverage is at least the nominal level, so it is wider than [`wilson`].
///
/// # Errors
///
/// [`Error::Statistics`] when `n` is zero or above [`EXACT_BINOMIAL_MAX`], or `x` is above
/// `n`.
///
/// # Examples
///
/// ```
/// use outcomes::stats::{clopper_pearson, ConfidenceLevel};
/// // No events in 10: the upper limit is 1 − 0.025^(1/10).
/// let ci = clopper_pearson(0, 10, ConfidenceLevel::P95)?;
/// assert_eq!(ci.lower, 0.0);
/// assert!((ci.upper - (1.0 - 0.025_f64.powf(0.1))).abs() < 1e-12);
/// # Ok::<(), outcomes::Error>(())
/// ```
pub fn clopper_pearson(x: u64, n: u64, level: ConfidenceLevel) -> Result<Interval> {
    const S: &str = "Clopper-Pearson interval";
    if n == 0 || n > EXACT_BINOMIAL_MAX {
        return Err(Error::Statistics {
            statistic: S,
            reason: format!("denominator {n} must be from 1 to {EXACT_BINOMIAL_MAX}"),
        });
    }
    if x > n {
        return Err(Error::Statistics {
            statistic: S,
            reason: format!("count {x} is above its denominator {n}"),
        });
    }
    let tail = level.alpha() / 2.0;
    #[allow(clippy::cast_precision_loss)]
    let (xf, nf) = (x as f64, n as f64);
    // I_p(a, b) rises with p.
    let lower = if x == 0 {
        0.0
    } else {
        bisect(0.0, 1.0, |p| incomplete_beta(xf, nf - xf + 1.0, p) - tail)
    };
    let upper = if x == n {
        1.0
    } else {
        bisect(0.0, 1.0, |p| {
            incomplete_beta(xf + 1.0, nf - xf, p) - (1.0 - tail)
        })
    };
    Ok(Interval {
        lower: lower.clamp(0.0, 1.0),
        upper: upper.clamp(0.0, 1.0),
        level,
    })
}

/// `P(X ≤ k)` for `X ~ Poisson(mu)`, summed in log space so large means do not underflow.
pub(crate) fn poisson_cdf(k: u64, mu: f64) -> f64 {
    if mu <= 0.0 {
        return 1.0;
    }
    let ln_mu = mu.ln();
    let mut log_term = -mu;
    let mut sum = log_term.exp();
    for i in 1..=k {
        #[allow(clippy::cast_precision_loss)]
        let fi = i as f64;
        log_term += ln_mu - fi.ln();
        sum += log_term.exp();
    }
    sum.min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    /// Reference values computed independently with the textbook form of the Wilson (1927)
    /// score interval, `(p + z²/2n ± z√(p(1−p)/n + z²/4n²)) / (1 + z²/n)` (Newcombe 1998,
    /// method 3), in Python from `statistics.NormalDist().inv_cdf`.
    #[test]
    fn wilson_matches_independent_values() {
        let cases = [
            (
                81.0,
                263.0,
                ConfidenceLevel::P95,
                0.255_288_519_878_274_3,
                0.366_209_576_982_800_16,
            ),
            (
                81.0,
                263.0,
                ConfidenceLevel::P998,
                0.228_035_740_242_004_74,
                0.401_389_421_909_369_6,
            ),
            (
                15.0,
                148.0,
                ConfidenceLevel::P95,
                0.062_386_399_530_736_28,
                0.160_487_241_723_308,
            ),
            (
                10.0,
                10.0,
                ConfidenceLevel::P95,
                0.722_467_200_137_110_9,
                1.0,
            ),
            (
                0.0,
                10.0,
                ConfidenceLevel::P95,
                0.0,
                0.277_532_799_862_889_15,
            ),
        ];
        for (x, n, level, lo, hi) in cases {
            let ci = wilson(x, n, level).unwrap();
            close(ci.lower, lo, 1e-12);
            close(ci.upper, hi, 1e-12);
        }
    }

    /// Fingertips itself publishes Wilson limits: indicator 241 (diabetes prevalence, QOF),
    /// practice A82003, 2018: 729 of 9,241, limits 7.35648739880458 and 8.45602237036968
    /// (healthdata.csv of the FingertipsNext extract).
    #[test]
    fn wilson_matches_fingertips_published_limits() {
        let ci = wilson(729.0, 9241.0, ConfidenceLevel::P95)
            .unwrap()
            .scaled(100.0);
        close(ci.lower, 7.356_487_398_804_58, 1e-10);
        close(ci.upper, 8.456_022_370_369_68, 1e-10);
    }

    /// Byar's approximation as given in the PHE/OHID technical guide "Confidence intervals"
    /// and PHEindicatormethods `byars_lower`/`byars_upper`; values computed independently in
    /// Python. The rate case is a Fingertips row: indicator 20401 (conceptions under 18 per
    /// 1,000), area E06000006, 2018: 80 of 2,208, limits 28.72866 and 45.09427.
    #[test]
    fn byar_matches_independent_values() {
        let cases = [
            (0.0, ConfidenceLevel::P95, 0.0, 3.668_011_832_173_750_7),
            (
                5.0,
                ConfidenceLevel::P95,
                1.611_347_715_747_193_8,
                11.668_164_123_398_595,
            ),
            (
                10.0,
                ConfidenceLevel::P998,
                2.916_318_374_695_686,
                24.193_724_927_880_55,
            ),
            (
                100.0,
                ConfidenceLevel::P95,
                81.362_105_490_527_88,
                121.627_937_579_206_5,
            ),
            (
                1871.0,
                ConfidenceLevel::P95,
                1_787.172_364_023_654_4,
                1_957.744_483_225_790_6,
            ),
        ];
        for (x, level, lo, hi) in cases {
            let ci = byar(x, level).unwrap();
            close(ci.lower, lo, 1e-9);
            close(ci.upper, hi, 1e-9);
        }
        // 99.8% for a count of 1 would be negative: clamped to zero.
        assert_eq!(byar(1.0, ConfidenceLevel::P998).unwrap().lower, 0.0);
        let rate = byar_rate(80.0, 2208.0, 1000.0, ConfidenceLevel::P95).unwrap();
        close(rate.lower, 28.72866, 1e-5);
        close(rate.upper, 45.09427, 1e-5);
    }

    /// Exact Poisson limits (Garwood 1936) computed independently with SciPy as
    /// `chi2.ppf(α/2, 2x)/2` and `chi2.ppf(1 − α/2, 2x + 2)/2`.
    #[test]
    fn exact_poisson_matches_chi_square_values() {
        let cases = [
            (0, ConfidenceLevel::P95, 0.0, 3.688_879_454_113_935_4),
            (
                1,
                ConfidenceLevel::P95,
                0.025_317_807_984_289_876,
                5.571_643_390_938_898,
            ),
            (
                4,
                ConfidenceLevel::P95,
                1.089_865_373_626_324_9,
                10.241_588_675_403_694,
            ),
            (
                6,
                ConfidenceLevel::P998,
                1.107_104_660_255_639_4,
                18.061_636_840_199_064,
            ),
            (
                10,
                ConfidenceLevel::P95,
                4.795_388_696_132_433_5,
                18.390_356_042_017_78,
            ),
            (
                50,
                ConfidenceLevel::P998,
                30.958_969_603_468_31,
                75.941_891_992_100_48,
            ),
        ];
        for (x, level, lo, hi) in cases {
            let ci = poisson_exact(x, level).unwrap();
            close(ci.lower, lo, 1e-9);
            close(ci.upper, hi, 1e-9);
        }
        assert!(poisson_exact(EXACT_POISSON_MAX + 1, ConfidenceLevel::P95).is_err());
        // Fingertips indicator 41203, 6 events in 126,134 (per 100,000): 1.74568 to 10.35365.
        let r = rate_interval(6.0, 126_134.0, 100_000.0, ConfidenceLevel::P95).unwrap();
        close(r.lower, 1.74568, 1e-5);
        close(r.upper, 10.35365, 1e-5);
        // At 10 events and above, Byar.
        assert_eq!(
            count_interval(10.0, ConfidenceLevel::P95).unwrap(),
            byar(10.0, ConfidenceLevel::P95).unwrap()
        );
        assert!(count_interval(2.5, ConfidenceLevel::P95).is_err());
        assert!(rate_interval(1.0, 0.0, 1.0, ConfidenceLevel::P95).is_err());
    }

    /// Clopper-Pearson (1934) limits computed independently with SciPy as
    /// `beta.ppf(α/2, x, n − x + 1)` and `beta.ppf(1 − α/2, x + 1, n − x)`; the x = 0 and
    /// x = n cases also have the closed forms `1 − (α/2)^(1/n)` and `(α/2)^(1/n)`.
    #[test]
    fn clopper_pearson_matches_independent_values() {
        let cases = [
            (
                0,
                10,
                ConfidenceLevel::P95,
                0.0,
                0.308_497_107_818_760_7,
                1e-12,
            ),
            (
                1,
                10,
                ConfidenceLevel::P95,
                0.002_528_578_544_461_784_8,
                0.445_016_117_028_195_4,
                1e-12,
            ),
            (
                81,
                263,
                ConfidenceLevel::P95,
                0.252_736_745_585_271_26,
                0.367_621_922_601_351_35,
                1e-11,
            ),
            (
                81,
                263,
                ConfidenceLevel::P998,
                0.223_937_607_889_863_86,
                0.401_982_319_626_623_56,
                1e-11,
            ),
            (
                729,
                9241,
                ConfidenceLevel::P95,
                0.073_470_809_738_641_76,
                0.084_571_495_868_531_8,
                1e-10,
            ),
            (
                10,
                10,
                ConfidenceLevel::P95,
                0.691_502_892_181_239_2,
                1.0,
                1e-12,
            ),
            (
                3,
                1000,
                ConfidenceLevel::P998,
                0.000_190_705_981_708_526_6,
                0.012_996_697_147_763_747,
                1e-11,
            ),
            (
                5000,
                100_000,
                ConfidenceLevel::P95,
                0.048_657_255_207_270_746,
                0.051_368_920_880_580_44,
                1e-9,
            ),
        ];
        for (x, n, level, lo, hi, tol) in cases {
            let ci = clopper_pearson(x, n, level).unwrap();
            close(ci.lower, lo, tol);
            close(ci.upper, hi, tol);
        }
        for n in [1u64, 7, 50, 400] {
            #[allow(clippy::cast_precision_loss)]
            let root = 1.0 / n as f64;
            let none = clopper_pearson(0, n, ConfidenceLevel::P998).unwrap();
            close(none.upper, 1.0 - 0.001_f64.powf(root), 1e-12);
            let all = clopper_pearson(n, n, ConfidenceLevel::P998).unwrap();
            close(all.lower, 0.001_f64.powf(root), 1e-12);
        }
        assert!(clopper_pearson(0, 0, ConfidenceLevel::P95).is_err());
        assert!(clopper_pearson(11, 10, ConfidenceLevel::P95).is_err());
        assert!(clopper_pearson(1, EXACT_BINOMIAL_MAX + 1, ConfidenceLevel::P95).is_err());
        // Exact limits are wider than Wilson's.
        let exact = clopper_pearson(81, 263, ConfidenceLevel::P95).unwrap();
        let score = wilson(81.0, 263.0, ConfidenceLevel::P95).unwrap();
        assert!(exact.lower < score.lower && exact.upper > score.upper);
    }

    #[test]
    fn degenerate_input_is_an_error_not_nan() {
        assert!(wilson(1.0, 0.0, ConfidenceLevel::P95).is_err());
        assert!(wilson(11.0, 10.0, ConfidenceLevel::P95).is_err());
        assert!(wilson(f64::NAN, 10.0, ConfidenceLevel::P95).is_err());
        assert!(wilson(-1.0, 10.0, ConfidenceLevel::P95).is_err());
        assert!(byar(-1.0, ConfidenceLevel::P95).is_err());
        assert!(byar(f64::INFINITY, ConfidenceLevel::P95).is_err());
        assert!(byar_rate(1.0, 0.0, 1000.0, ConfidenceLevel::P95).is_err());
    }

    proptest! {
        #[test]
        fn prop_wilson_brackets_the_proportion(n in 1u32..100_000, frac in 0.0f64..=1.0) {
            let x = (f64::from(n) * frac).floor();
            for level in [ConfidenceLevel::P95, ConfidenceLevel::P998] {
                let ci = wilson(x, f64::from(n), level).unwrap();
                let p = x / f64::from(n);
                prop_assert!(ci.lower <= p + 1e-12 && p <= ci.upper + 1e-12);
                prop_assert!(ci.lower >= 0.0 && ci.upper <= 1.0);
            }
            let wide = wilson(x, f64::from(n), ConfidenceLevel::P998).unwrap();
            let narrow = wilson(x, f64::from(n), ConfidenceLevel::P95).unwrap();
            prop_assert!(wide.lower <= narrow.lower + 1e-12 && wide.upper + 1e-12 >= narrow.upper);
        }

        #[test]
        fn prop_clopper_pearson_brackets_the_proportion(n in 1u64..20_000, frac in 0.0f64..=1.0) {
            #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let x = ((n as f64) * frac).floor() as u64;
            let narrow = clopper_pearson(x, n, ConfidenceLevel::P95).unwrap();
            let wide = clopper_pearson(x, n, ConfidenceLevel::P998).unwrap();
            #[allow(clippy::cast_precision_loss)]
            let p = x as f64 / n as f64;
            for ci in [narrow, wide] {
                prop_assert!(ci.lower >= 0.0 && ci.upper <= 1.0);
                prop_assert!(ci.lower <= p + 1e-12 && p <= ci.upper + 1e-12);
            }
            prop_assert!(wide.lower <= narrow.lower + 1e-12 && wide.upper + 1e-12 >= narrow.upper);
        }

        #[test]
        fn prop_exact_poisson_brackets_the_count(x in 0u64..2_000) {
            for level in [ConfidenceLevel::P95, ConfidenceLevel::P998] {
                let ci = poisson_exact(x, level).unwrap();
                #[allow(clippy::cast_precision_loss)]
                let xf = x as f64;
                prop_assert!(ci.lower <= xf && xf <= ci.upper && ci.lower >= 0.0 && ci.upper.is_finite());
            }
        }

        #[test]
        fn prop_byar_brackets_the_count(x in 0u32..1_000_000) {
            let ci = byar(f64::from(x), ConfidenceLevel::P95).unwrap();
            prop_assert!(ci.lower <= f64::from(x) && f64::from(x) <= ci.upper);
            prop_assert!(ci.lower.is_finite() && ci.upper.is_finite());
        }
    }
}
