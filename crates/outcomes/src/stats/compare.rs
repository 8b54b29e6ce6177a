//! Comparison with a benchmark or target: better, similar or worse.
//!
//! As Fingertips colours its tables: a value is significantly higher than the comparator when
//! its whole confidence interval lies above it, lower when it lies wholly below, similar when
//! the interval contains it. With a polarity, higher and lower become better and worse.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::indicator::Polarity;
use crate::stats::confidence::Interval;

/// The verdict of a comparison.
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
pub enum Significance {
    /// Significantly better than the comparator.
    Better,
    /// Not significantly different.
    Similar,
    /// Significantly worse.
    Worse,
    /// Significantly higher (no polarity given).
    Higher,
    /// Significantly lower (no polarity given).
    Lower,
}

impl std::fmt::Display for Significance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Significance::Better => "better",
            Significance::Similar => "similar",
            Significance::Worse => "worse",
            Significance::Higher => "higher",
            Significance::Lower => "lower",
        })
    }
}

/// Compare a confidence interval with a comparator (a benchmark such as England's value, or a
/// target).
///
/// # Errors
///
/// [`Error::Statistics`] when the comparator or a limit is not finite, or the limits are
/// inverted.
///
/// # Examples
///
/// ```
/// use outcomes::stats::{compare, wilson, ConfidenceLevel, Significance};
/// use outcomes::Polarity;
/// let practice = wilson(729.0, 9241.0, ConfidenceLevel::P95)?.scaled(100.0);
/// // England: 6.93%. Diabetes prevalence is not a "better" or "worse" measure...
/// assert_eq!(compare(practice, 6.93, None)?, Significance::Higher);
/// // ...but against a target for detection, where higher is better, it is better.
/// assert_eq!(compare(practice, 6.93, Some(Polarity::HigherIsBetter))?, Significance::Better);
/// # Ok::<(), outcomes::Error>(())
/// ```
pub fn compare(
    interval: Interval,
    comparator: f64,
    polarity: Option<Polarity>,
) -> Result<Significance> {
    if !comparator.is_finite() || !interval.lower.is_finite() || !interval.upper.is_finite() {
        return Err(Error::Statistics {
            statistic: "comparison",
            reason: "comparator and confidence limits must be finite".into(),
        });
    }
    if interval.lower > interval.upper {
        return Err(Error::Statistics {
            statistic: "comparison",
            reason: format!(
                "lower limit {} is above upper limit {}",
                interval.lower, interval.upper
            ),
        });
    }
    let higher = if interval.lower > comparator {
        Some(true)
    } else if interval.upper < comparator {
        Some(false)
    } else {
        None
    };
    Ok(match (higher, polarity) {
        (None, _) => Significance::Similar,
        (Some(true), None) => Significance::Higher,
        (Some(false), None) => Significance::Lower,
        (Some(true), Some(Polarity::HigherIsBetter))
        | (Some(false), Some(Polarity::LowerIsBetter)) => Significance::Better,
        (Some(_), Some(_)) => Significance::Worse,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::ConfidenceLevel;

    fn ci(lower: f64, upper: f64) -> Interval {
        Interval {
            lower,
            upper,
            level: ConfidenceLevel::P95,
        }
    }

    #[test]
    fn verdicts() {
        let l = Some(Polarity::LowerIsBetter);
        assert_eq!(compare(ci(1.0, 2.0), 0.5, l).unwrap(), Significance::Worse);
        assert_eq!(compare(ci(1.0, 2.0), 2.5, l).unwrap(), Significance::Better);
        assert_eq!(
            compare(ci(1.0, 2.0), 2.0, l).unwrap(),
            Significance::Similar
        );
        assert_eq!(
            compare(ci(1.0, 2.0), 0.5, None).unwrap(),
            Significance::Higher
        );
        assert_eq!(
            compare(ci(1.0, 2.0), 3.0, None).unwrap(),
            Significance::Lower
        );
        assert!(compare(ci(2.0, 1.0), 0.5, None).is_err());
        assert!(compare(ci(1.0, 2.0), f64::NAN, None).is_err());
    }
}
