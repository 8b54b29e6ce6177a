//! Observations: a value for a period and an area, with its numerator, denominator,
//! exclusions and confidence limits.
//!
//! Where exclusions apply (QOF personalised care adjustments), achievement is
//! `A / (B − C)`: the patients for whom the task was done over those on the register less
//! those excluded.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use route_map_core::Share;

use crate::error::{Error, Result};
use crate::id::AreaCode;

/// A reporting period: the label as published and a sortable key.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// Sort key, `YYYYMMDD`-like as Fingertips' `Time period Sortable` (`20180000` for 2018).
    pub sortable: u32,
    /// The label as published (`2018`, `2016/17`, `2015 - 17`).
    pub label: String,
}

impl Period {
    /// A period for a calendar or first financial year.
    #[must_use]
    pub fn year(year: u16) -> Period {
        Period {
            sortable: u32::from(year) * 10_000,
            label: year.to_string(),
        }
    }

    /// The year the period starts in (from the sort key).
    #[must_use]
    pub fn start_year(&self) -> u32 {
        self.sortable / 10_000
    }
}

/// Exact confidence limits as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Lower limit.
    pub lower: Decimal,
    /// Upper limit.
    pub upper: Decimal,
}

/// One published or recorded value of an indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// The source's indicator id (a Fingertips `IndicatorID`).
    pub source_indicator_id: String,
    /// The indicator's name, when the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator_name: Option<String>,
    /// The area.
    pub area: AreaCode,
    /// The area's name, when the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_name: Option<String>,
    /// The period.
    pub period: Period,
    /// Sex (`Persons`, `Male`, `Female`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    /// Age band (`65+ yrs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<String>,
    /// Category type for breakdowns (deprivation deciles, ethnic groups); none for the whole
    /// population.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_type: Option<String>,
    /// Category within the type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The value in the indicator's unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Decimal>,
    /// A: events, or patients for whom the task was done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numerator: Option<Decimal>,
    /// B: the population or register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<Decimal>,
    /// C: exclusions (personalised care adjustments) removed from the denominator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusions: Option<Decimal>,
    /// 95% confidence limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci95: Option<Limits>,
    /// 99.8% confidence limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci998: Option<Limits>,
    /// The source's trend or note text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The source's own comparison with England, if published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compared_to_england: Option<String>,
    /// The source's own comparison with the goal, if published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compared_to_goal: Option<String>,
}

impl Observation {
    /// A bare observation of a value.
    #[must_use]
    pub fn value(
        source_indicator_id: &str,
        area: AreaCode,
        period: Period,
        value: Decimal,
    ) -> Observation {
        Observation {
            source_indicator_id: source_indicator_id.to_owned(),
            indicator_name: None,
            area,
            area_name: None,
            period,
            sex: None,
            age: None,
            category_type: None,
            category: None,
            value: Some(value),
            numerator: None,
            denominator: None,
            exclusions: None,
            ci95: None,
            ci998: None,
            note: None,
            compared_to_england: None,
            compared_to_goal: None,
        }
    }

    /// An observation from counts, with value `A / (B − C) × 100` (a percentage).
    ///
    /// # Errors
    ///
    /// The errors of [`achievement_ratio`].
    ///
    /// # Examples
    ///
    /// ```
    /// use outcomes::observation::{Observation, Period};
    /// use rust_decimal::Decimal;
    /// // QOF: 70 of a register of 110 with 10 personalised care adjustments: 70%.
    /// let o = Observation::from_counts("DM003", "A82003".parse()?, Period::year(2023),
    ///     Decimal::from(70), Decimal::from(110), Decimal::from(10))?;
    /// assert_eq!(o.value, Some(Decimal::from(70)));
    /// assert!(Observation::from_counts("DM003", "A82003".parse()?, Period::year(2023),
    ///     Decimal::from(1), Decimal::from(10), Decimal::from(10)).is_err());
    /// # Ok::<(), outcomes::Error>(())
    /// ```
    pub fn from_counts(
        source_indicator_id: &str,
        area: AreaCode,
        period: Period,
        numerator: Decimal,
        denominator: Decimal,
        exclusions: Decimal,
    ) -> Result<Observation> {
        let context = format!(
            "indicator {source_indicator_id}, area {area}, {}",
            period.label
        );
        let share = achievement_ratio(numerator, denominator, exclusions, &context)?;
        let mut o = Observation::value(
            source_indicator_id,
            area,
            period,
            share * Decimal::ONE_HUNDRED,
        );
        o.numerator = Some(numerator);
        o.denominator = Some(denominator);
        o.exclusions = Some(exclusions);
        Ok(o)
    }

    /// `A / (B − C)` from this observation's counts (no exclusions when none are recorded).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCounts`] when the numerator or denominator is missing; the errors of
    /// [`achievement_ratio`].
    pub fn achievement_ratio(&self) -> Result<Decimal> {
        let context = format!(
            "indicator {}, area {}, {}",
            self.source_indicator_id, self.area, self.period.label
        );
        let (Some(a), Some(b)) = (self.numerator, self.denominator) else {
            return Err(Error::InvalidCounts {
                context,
                reason: "numerator and denominator are both needed".into(),
            });
        };
        achievement_ratio(a, b, self.exclusions.unwrap_or(Decimal::ZERO), &context)
    }

    /// Whether this is the whole population (no category breakdown).
    #[must_use]
    pub fn is_whole_population(&self) -> bool {
        self.category_type.is_none() && self.category.is_none()
    }
}

/// `A / (B − C)`, exactly, as a proportion in `[0, 1]`.
///
/// # Errors
///
/// [`Error::InvalidCounts`] for a negative count or a numerator above `B − C`;
/// [`Error::DenominatorNotAboveExclusions`] when `B ≤ C`.
pub fn achievement_ratio(
    numerator: Decimal,
    denominator: Decimal,
    exclusions: Decimal,
    context: &str,
) -> Result<Decimal> {
    for (what, v) in [
        ("numerator", numerator),
        ("denominator", denominator),
        ("exclusions", exclusions),
    ] {
        if v.is_sign_negative() && !v.is_zero() {
            return Err(Error::InvalidCounts {
                context: context.to_owned(),
                reason: format!("{what} {v} is negative"),
            });
        }
    }
    if denominator <= exclusions {
        return Err(Error::DenominatorNotAboveExclusions {
            context: context.to_owned(),
            denominator,
            exclusions,
        });
    }
    let eligible = denominator - exclusions;
    if numerator > eligible {
        return Err(Error::InvalidCounts {
            context: context.to_owned(),
            reason: format!(
                "numerator {numerator} is above the eligible denominator {eligible} ({denominator} less {exclusions} excluded)"
            ),
        });
    }
    let ratio =
        numerator
            .checked_div(eligible)
            .ok_or(Error::Core(route_map_core::Error::Overflow {
                operation: "achievement ratio",
            }))?;
    Ok(Share::new(ratio)?.as_decimal())
}

/// The whole-population observations of one indicator, area, sex and age in period order.
pub fn series<'a>(
    observations: &'a [Observation],
    source_indicator_id: &'a str,
    area: &'a str,
    sex: Option<&'a str>,
    age: Option<&'a str>,
) -> Vec<&'a Observation> {
    let mut v: Vec<&Observation> = observations
        .iter()
        .filter(|o| {
            o.source_indicator_id == source_indicator_id
                && o.area.as_str() == area
                && o.is_whole_population()
                && sex.is_none_or(|s| o.sex.as_deref() == Some(s))
                && age.is_none_or(|a| o.age.as_deref() == Some(a))
        })
        .collect();
    v.sort_by(|a, b| a.period.cmp(&b.period));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn ratio_errors() {
        assert_eq!(
            achievement_ratio(dec!(70), dec!(110), dec!(10), "t").unwrap(),
            dec!(0.7)
        );
        assert!(matches!(
            achievement_ratio(dec!(1), dec!(10), dec!(10), "t"),
            Err(Error::DenominatorNotAboveExclusions { .. })
        ));
        assert!(matches!(
            achievement_ratio(dec!(11), dec!(20), dec!(10), "t"),
            Err(Error::InvalidCounts { .. })
        ));
        assert!(matches!(
            achievement_ratio(dec!(-1), dec!(20), dec!(0), "t"),
            Err(Error::InvalidCounts { .. })
        ));
        let o = Observation::value(
            "1",
            AreaCode::new("E92000001").unwrap(),
            Period::year(2018),
            dec!(5),
        );
        assert!(matches!(
            o.achievement_ratio(),
            Err(Error::InvalidCounts { .. })
        ));
        assert_eq!(Period::year(2018).start_year(), 2018);
    }
}
