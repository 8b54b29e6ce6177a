//! Statistical process control: the XmR chart, the special-cause rules and an assurance
//! verdict against a target, as NHS England's "Making Data Count" sets them out (and
//! `NHSRplotthedots` implements them).
//!
//! ```text
//! mean, mRₜ = |yₜ − yₜ₋₁|, mR̄ = mean of mR
//! limits     = mean ± 2.66·mR̄
//! near limit = mean ± (2/3)·2.66·mR̄
//! ```
//!
//! Special-cause rules: (1) a point outside the limits; (2) a run of points on one side of
//! the mean (7 by default); (3) a run of points each rising or each falling (7 by default);
//! (4) two of three consecutive points beyond the same near limit.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::indicator::Polarity;

/// The XmR scaling constant `3 / d₂` with `d₂ = 1.128` for moving ranges of two points.
pub const LIMIT_FACTOR: f64 = 2.66;

/// Moving ranges above this multiple of their mean are screened out when
/// [`XmrOptions::screen_moving_ranges`] is set (`D₄ = 3.267`).
pub const MOVING_RANGE_SCREEN: f64 = 3.267;

/// Options for an XmR chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct XmrOptions {
    /// The direction of improvement, if any: special causes are then improvement or concern.
    pub improvement: Option<Polarity>,
    /// Points in a row on one side of the mean that make a shift (Making Data Count: 7).
    pub shift_length: usize,
    /// Points in a row each rising or each falling that make a trend (Making Data Count: 7).
    pub trend_length: usize,
    /// Drop moving ranges above 3.267·mR̄ before setting the limits.
    pub screen_moving_ranges: bool,
    /// Set the limits from the first `n` points only (fixed baseline); `None` uses them all.
    pub baseline_points: Option<usize>,
}

impl Default for XmrOptions {
    fn default() -> Self {
        XmrOptions {
            improvement: None,
            shift_length: 7,
            trend_length: 7,
            screen_moving_ranges: false,
            baseline_points: None,
        }
    }
}

/// A special-cause rule.
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
pub enum SpcRule {
    /// Outside the process limits.
    OutsideLimits,
    /// Part of a run on one side of the mean.
    Shift,
    /// Part of a run rising or falling.
    Trend,
    /// Two of three consecutive points beyond the same near limit.
    TwoOfThree,
}

/// The kind of variation a point shows.
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
pub enum Variation {
    /// Common cause: noise.
    CommonCause,
    /// Special cause in the direction of improvement.
    SpecialCauseImprovement,
    /// Special cause against the direction of improvement.
    SpecialCauseConcern,
    /// Special cause, high side, no direction of improvement given.
    SpecialCauseHigh,
    /// Special cause, low side, no direction of improvement given.
    SpecialCauseLow,
}

/// Whether the process will meet a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Assurance {
    /// The target lies beyond the limits on the worse side: the process will consistently
    /// pass it.
    ConsistentPass,
    /// The target lies beyond the limits on the better side: the process will consistently
    /// fail it without change.
    ConsistentFail,
    /// The target lies within the limits: the process will sometimes meet it.
    Inconsistent,
}

/// One point of an XmR chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SpcPoint {
    /// The value.
    pub value: f64,
    /// Its moving range from the previous point.
    pub moving_range: Option<f64>,
    /// The rules it is part of.
    pub rules: Vec<SpcRule>,
    /// Its variation.
    pub variation: Variation,
}

/// An XmR chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct XmrChart {
    /// The centre line.
    pub mean: f64,
    /// The mean moving range used for the limits.
    pub mean_moving_range: f64,
    /// Upper process limit.
    pub upper_limit: f64,
    /// Lower process limit.
    pub lower_limit: f64,
    /// Upper near limit (two sigma).
    pub upper_near: f64,
    /// Lower near limit.
    pub lower_near: f64,
    /// The points.
    pub points: Vec<SpcPoint>,
    /// The options used.
    pub options: XmrOptions,
}

impl XmrChart {
    /// Build the chart and apply the rules.
    ///
    /// # Errors
    ///
    /// [`Error::Statistics`] for fewer than two points (in the baseline), a non-finite value,
    /// or run lengths below 2.
    ///
    /// # Examples
    ///
    /// ```
    /// use outcomes::stats::spc::{XmrChart, XmrOptions, Variation};
    /// use outcomes::Polarity;
    /// let options = XmrOptions { improvement: Some(Polarity::LowerIsBetter), ..XmrOptions::default() };
    /// let chart = XmrChart::new(&[12.0, 15.0, 11.0, 14.0, 13.0, 16.0, 12.0, 18.0, 14.0, 13.0, 15.0, 30.0, 14.0, 13.0], options)?;
    /// assert!((chart.upper_limit - 27.890769).abs() < 1e-6);
    /// assert_eq!(chart.points[11].variation, Variation::SpecialCauseConcern);
    /// # Ok::<(), outcomes::Error>(())
    /// ```
    pub fn new(values: &[f64], options: XmrOptions) -> Result<XmrChart> {
        let bad = |reason: String| Error::Statistics {
            statistic: "XmR chart",
            reason,
        };
        if let Some((i, v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(bad(format!("point {i} is {v}, not a finite number")));
        }
        if options.shift_length < 2 || options.trend_length < 2 {
            return Err(bad("run lengths must be at least 2".into()));
        }
        let baseline = match options.baseline_points {
            Some(n) => values.get(..n).ok_or_else(|| {
                bad(format!(
                    "{n} baseline points asked for but only {} given",
                    values.len()
                ))
            })?,
            None => values,
        };
        if baseline.len() < 2 {
            return Err(bad(format!(
                "needs at least 2 points to set limits, got {}",
                baseline.len()
            )));
        }
        let mean = baseline.iter().sum::<f64>() / baseline.len() as f64;
        let ranges: Vec<f64> = baseline
            .windows(2)
            .filter_map(|w| match w {
                [a, b] => Some((b - a).abs()),
                _ => None,
            })
            .collect();
        let mut mr_bar = ranges.iter().sum::<f64>() / ranges.len() as f64;
        if options.screen_moving_ranges {
            let kept: Vec<f64> = ranges
                .iter()
                .copied()
                .filter(|r| *r <= MOVING_RANGE_SCREEN * mr_bar)
                .collect();
            if !kept.is_empty() {
                mr_bar = kept.iter().sum::<f64>() / kept.len() as f64;
            }
        }
        let spread = LIMIT_FACTOR * mr_bar;
        let near = 2.0 / 3.0 * spread;
        let mut chart = XmrChart {
            mean,
            mean_moving_range: mr_bar,
            upper_limit: mean + spread,
            lower_limit: mean - spread,
            upper_near: mean + near,
            lower_near: mean - near,
            points: Vec::with_capacity(values.len()),
            options,
        };
        // side: +1 high, -1 low, per rule per point.
        let n = values.len();
        let mut flags: Vec<Vec<(SpcRule, i8)>> = vec![Vec::new(); n];
        let side = |v: f64| -> i8 {
            if v > mean {
                1
            } else if v < mean {
                -1
            } else {
                0
            }
        };
        for (i, v) in values.iter().enumerate() {
            if *v > chart.upper_limit {
                push(&mut flags, i, SpcRule::OutsideLimits, 1);
            } else if *v < chart.lower_limit {
                push(&mut flags, i, SpcRule::OutsideLimits, -1);
            }
        }
        // Shifts: maximal runs of the same non-zero side.
        let mut start = 0;
        while start < n {
            let s = values.get(start).map_or(0, |v| side(*v));
            let mut end = start + 1;
            while end < n && values.get(end).map_or(0, |v| side(*v)) == s {
                end += 1;
            }
            if s != 0 && end - start >= options.shift_length {
                for i in start..end {
                    push(&mut flags, i, SpcRule::Shift, s);
                }
            }
            start = end;
        }
        // Trends: maximal runs of strictly rising or strictly falling steps.
        let steps: Vec<i8> = values
            .windows(2)
            .map(|w| match w {
                [a, b] if b > a => 1,
                [a, b] if b < a => -1,
                _ => 0,
            })
            .collect();
        let mut s0 = 0;
        while s0 < steps.len() {
            let dir = steps.get(s0).copied().unwrap_or(0);
            let mut e = s0 + 1;
            while e < steps.len() && steps.get(e).copied() == Some(dir) {
                e += 1;
            }
            // steps s0..e cover points s0..=e
            if dir != 0 && e - s0 + 1 >= options.trend_length {
                for i in s0..=e {
                    push(&mut flags, i, SpcRule::Trend, dir);
                }
            }
            s0 = e;
        }
        // Two of three beyond the same near limit.
        for w in 0..n.saturating_sub(2) {
            for dir in [1i8, -1] {
                let beyond: Vec<usize> = (w..w + 3)
                    .filter(|&i| {
                        values.get(i).is_some_and(|v| {
                            if dir > 0 {
                                *v > chart.upper_near
                            } else {
                                *v < chart.lower_near
                            }
                        })
                    })
                    .collect();
                if beyond.len() >= 2 {
                    for i in beyond {
                        push(&mut flags, i, SpcRule::TwoOfThree, dir);
                    }
                }
            }
        }
        let mut previous: Option<f64> = None;
        for (v, f) in values.iter().zip(flags) {
            let high = f.iter().filter(|(_, s)| *s > 0).count();
            let low = f.iter().filter(|(_, s)| *s < 0).count();
            let dir = match high.cmp(&low) {
                std::cmp::Ordering::Greater => 1,
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => side(*v),
            };
            let variation = if f.is_empty() {
                Variation::CommonCause
            } else {
                match (options.improvement, dir >= 0) {
                    (None, true) => Variation::SpecialCauseHigh,
                    (None, false) => Variation::SpecialCauseLow,
                    (Some(Polarity::HigherIsBetter), true)
                    | (Some(Polarity::LowerIsBetter), false) => Variation::SpecialCauseImprovement,
                    (Some(_), _) => Variation::SpecialCauseConcern,
                }
            };
            let mut rules: Vec<SpcRule> = f.into_iter().map(|(r, _)| r).collect();
            rules.sort();
            rules.dedup();
            chart.points.push(SpcPoint {
                value: *v,
                moving_range: previous.map(|p| (v - p).abs()),
                rules,
                variation,
            });
            previous = Some(*v);
        }
        Ok(chart)
    }

    /// Assurance against a target, given the direction of improvement.
    ///
    /// # Errors
    ///
    /// [`Error::Statistics`] for a non-finite target.
    pub fn assurance(&self, target: f64, polarity: Polarity) -> Result<Assurance> {
        if !target.is_finite() {
            return Err(Error::Statistics {
                statistic: "SPC assurance",
                reason: format!("target {target} is not finite"),
            });
        }
        Ok(match polarity {
            Polarity::HigherIsBetter if target > self.upper_limit => Assurance::ConsistentFail,
            Polarity::HigherIsBetter if target < self.lower_limit => Assurance::ConsistentPass,
            Polarity::LowerIsBetter if target < self.lower_limit => Assurance::ConsistentFail,
            Polarity::LowerIsBetter if target > self.upper_limit => Assurance::ConsistentPass,
            _ => Assurance::Inconsistent,
        })
    }

    /// The variation of the latest point.
    #[must_use]
    pub fn latest(&self) -> Option<Variation> {
        self.points.last().map(|p| p.variation)
    }
}

/// Rebase a series at change points: one chart per segment, each with its own mean and limits
/// (Making Data Count recalculates limits after a sustained, explained change).
///
/// `breaks` are the indices where new segments start, strictly increasing and inside the
/// series.
///
/// # Errors
///
/// [`Error::Statistics`] for breaks out of order or range, or a segment the chart cannot be
/// built from (fewer than two points).
///
/// # Examples
///
/// ```
/// use outcomes::stats::spc::{rebase, XmrOptions};
/// let charts = rebase(&[10.0, 11.0, 9.0, 10.0, 20.0, 21.0, 19.0, 20.0], &[4], XmrOptions::default())?;
/// assert_eq!((charts[0].mean, charts[1].mean), (10.0, 20.0));
/// # Ok::<(), outcomes::Error>(())
/// ```
pub fn rebase(values: &[f64], breaks: &[usize], options: XmrOptions) -> Result<Vec<XmrChart>> {
    let mut start = 0;
    let mut charts = Vec::with_capacity(breaks.len() + 1);
    for &b in breaks.iter().chain(std::iter::once(&values.len())) {
        if b <= start {
            return Err(Error::Statistics {
                statistic: "XmR rebase",
                reason: format!(
                    "change point {b} does not follow {start} inside a series of {}",
                    values.len()
                ),
            });
        }
        let segment = values.get(start..b).ok_or_else(|| Error::Statistics {
            statistic: "XmR rebase",
            reason: format!("change point {b} is beyond the series of {}", values.len()),
        })?;
        charts.push(XmrChart::new(segment, options)?);
        start = b;
    }
    Ok(charts)
}

fn push(flags: &mut [Vec<(SpcRule, i8)>], i: usize, rule: SpcRule, side: i8) {
    if let Some(f) = flags.get_mut(i) {
        f.push((rule, side));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Limits computed by hand from the XmR definitions (Wheeler, "Understanding Variation";
    /// NHS England "Making Data Count", 2019): mean 15, mR̄ = 63/13 = 4.846153846…,
    /// limits 15 ± 2.66·mR̄ = 27.890769… and 2.109230…, near limits 15 ± (2/3)·2.66·mR̄.
    #[test]
    fn limits_and_outside_rule() {
        let y = [
            12.0, 15.0, 11.0, 14.0, 13.0, 16.0, 12.0, 18.0, 14.0, 13.0, 15.0, 30.0, 14.0, 13.0,
        ];
        let c = XmrChart::new(&y, XmrOptions::default()).unwrap();
        assert!((c.mean - 15.0).abs() < 1e-12);
        assert!((c.mean_moving_range - 63.0 / 13.0).abs() < 1e-12);
        assert!((c.upper_limit - 27.890_769_230_769_23).abs() < 1e-9);
        assert!((c.lower_limit - 2.109_230_769_230_77).abs() < 1e-9);
        assert!((c.upper_near - 23.593_846_153_846_155).abs() < 1e-9);
        assert_eq!(c.points[11].rules, vec![SpcRule::OutsideLimits]);
        assert_eq!(c.points[11].variation, Variation::SpecialCauseHigh);
        assert_eq!(c.points[0].variation, Variation::CommonCause);
        assert_eq!(c.points[1].moving_range, Some(3.0));
        // Screening the moving ranges 15 and 16 (above 3.267·mR̄ = 15.83…: only 16) narrows the limits.
        let s = XmrChart::new(
            &y,
            XmrOptions {
                screen_moving_ranges: true,
                ..XmrOptions::default()
            },
        )
        .unwrap();
        assert!((s.mean_moving_range - 47.0 / 12.0).abs() < 1e-12);
    }

    #[test]
    fn shift_trend_and_two_of_three() {
        // Seven points above the mean after five below: a shift.
        let y = [
            10.0, 10.5, 9.5, 10.0, 10.2, 12.0, 12.1, 11.9, 12.2, 12.0, 12.1, 11.8,
        ];
        let c = XmrChart::new(
            &y,
            XmrOptions {
                improvement: Some(Polarity::HigherIsBetter),
                ..XmrOptions::default()
            },
        )
        .unwrap();
        assert!(
            c.points[5..]
                .iter()
                .all(|p| p.rules.contains(&SpcRule::Shift))
        );
        assert!(
            c.points[..5]
                .iter()
                .all(|p| !p.rules.contains(&SpcRule::Shift))
        );
        assert_eq!(c.latest(), Some(Variation::SpecialCauseImprovement));
        // Seven points each falling: a trend.
        let t = [20.0, 21.0, 20.0, 19.0, 18.0, 17.0, 16.0, 15.0, 14.0, 16.0];
        let c = XmrChart::new(
            &t,
            XmrOptions {
                improvement: Some(Polarity::HigherIsBetter),
                ..XmrOptions::default()
            },
        )
        .unwrap();
        assert!(
            c.points[1..=8]
                .iter()
                .all(|p| p.rules.contains(&SpcRule::Trend))
        );
        assert!(!c.points[0].rules.contains(&SpcRule::Trend));
        assert_eq!(c.points[8].variation, Variation::SpecialCauseConcern);
        // Two of three beyond the upper near limit.
        let u = [
            10.0, 10.5, 9.5, 10.0, 10.5, 9.5, 10.0, 10.5, 9.5, 10.0, 12.9, 10.0, 12.9, 10.0,
        ];
        let c = XmrChart::new(&u, XmrOptions::default()).unwrap();
        assert!(c.upper_near < 12.9 && 12.9 < c.upper_limit, "{c:?}");
        assert!(c.points[10].rules.contains(&SpcRule::TwoOfThree));
        assert!(c.points[12].rules.contains(&SpcRule::TwoOfThree));
        assert!(!c.points[11].rules.contains(&SpcRule::TwoOfThree));
        assert_eq!(c.points[12].variation, Variation::SpecialCauseHigh);
    }

    #[test]
    fn assurance_against_target() {
        let c =
            XmrChart::new(&[50.0, 52.0, 48.0, 51.0, 49.0, 50.0], XmrOptions::default()).unwrap();
        assert_eq!(
            c.assurance(70.0, Polarity::HigherIsBetter).unwrap(),
            Assurance::ConsistentFail
        );
        assert_eq!(
            c.assurance(30.0, Polarity::HigherIsBetter).unwrap(),
            Assurance::ConsistentPass
        );
        assert_eq!(
            c.assurance(51.0, Polarity::HigherIsBetter).unwrap(),
            Assurance::Inconsistent
        );
        assert_eq!(
            c.assurance(70.0, Polarity::LowerIsBetter).unwrap(),
            Assurance::ConsistentPass
        );
        assert_eq!(
            c.assurance(30.0, Polarity::LowerIsBetter).unwrap(),
            Assurance::ConsistentFail
        );
        assert!(c.assurance(f64::NAN, Polarity::LowerIsBetter).is_err());
    }

    #[test]
    fn rebasing() {
        let y = [10.0, 11.0, 9.0, 10.0, 20.0, 21.0, 19.0, 20.0];
        let charts = rebase(&y, &[4], XmrOptions::default()).unwrap();
        assert_eq!(charts.len(), 2);
        assert_eq!(charts[1].points.len(), 4);
        assert!((charts[1].mean_moving_range - 4.0 / 3.0).abs() < 1e-12);
        assert!(rebase(&y, &[4, 4], XmrOptions::default()).is_err());
        assert!(rebase(&y, &[9], XmrOptions::default()).is_err());
        assert!(rebase(&y, &[0], XmrOptions::default()).is_err());
        assert!(
            rebase(&y, &[7], XmrOptions::default()).is_err(),
            "a one-point segment"
        );
        assert_eq!(rebase(&y, &[], XmrOptions::default()).unwrap().len(), 1);
    }

    #[test]
    fn degenerate_series() {
        assert!(XmrChart::new(&[1.0], XmrOptions::default()).is_err());
        assert!(XmrChart::new(&[1.0, f64::NAN], XmrOptions::default()).is_err());
        assert!(
            XmrChart::new(
                &[1.0, 2.0],
                XmrOptions {
                    baseline_points: Some(5),
                    ..XmrOptions::default()
                }
            )
            .is_err()
        );
        assert!(
            XmrChart::new(
                &[1.0, 2.0],
                XmrOptions {
                    shift_length: 1,
                    ..XmrOptions::default()
                }
            )
            .is_err()
        );
        // A constant series has zero-width limits and no NaN anywhere.
        let c = XmrChart::new(&[5.0; 10], XmrOptions::default()).unwrap();
        assert_eq!(c.upper_limit, 5.0);
        assert!(
            c.points
                .iter()
                .all(|p| p.variation == Variation::CommonCause)
        );
    }
}
