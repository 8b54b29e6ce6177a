//! CQUIN-style and QOF-style presets: published curves with their sources, the QOF point value
//! and national average list size by year, the CQUIN pot by year, and the QOF arithmetic from
//! achievement to points to pounds.
//!
//! ```text
//! D = A / (B − C) × 100             achievement %
//! H = (D − E) / (F − E) × G         points: 0 at or below E, G at or above F
//! payment = H × £/point × CPI × APDF, CPI = list size / national average list size
//! ```

use std::sync::OnceLock;

use chrono::NaiveDate;
use route_map_core::{FinancialYear, Money, RoundingRule, Share, SourceRef, Timeline};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::curve::Curve;
use crate::data::load;
use crate::error::{Error, Result};
use crate::indicator::Polarity;

const PRESETS_TOML: &str = include_str!("../data/presets.toml");

/// A published achievement curve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurvePreset {
    /// Identifier (`cquin_staff_flu_2019_20`, `qof_dm003`).
    pub id: String,
    /// What it is.
    pub name: String,
    /// The scheme year, where known.
    #[serde(default)]
    pub year: Option<FinancialYear>,
    /// Direction of improvement.
    pub polarity: Polarity,
    /// The curve.
    pub curve: Curve,
    /// Where it comes from.
    pub source: SourceRef,
}

/// The CQUIN pot in a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CquinPot {
    /// The pot as a share of the contract value named in `basis`.
    pub share: Share,
    /// Which contract value.
    pub basis: String,
    /// The most indicators a contract may carry, where limited.
    #[serde(default)]
    pub max_indicators: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct PresetData {
    curve: Vec<CurvePreset>,
    qof_point_value: Timeline<Decimal>,
    qof_average_list_size: Timeline<Decimal>,
    cquin_pot: Timeline<CquinPot>,
}

static PRESETS: OnceLock<std::result::Result<PresetData, String>> = OnceLock::new();

fn data() -> Result<&'static PresetData> {
    load(&PRESETS, "presets.toml", PRESETS_TOML)
}

/// All curve presets.
///
/// # Errors
///
/// [`Error::EmbeddedData`] if the embedded data are malformed (a defect).
pub fn curve_presets() -> Result<&'static [CurvePreset]> {
    Ok(&data()?.curve)
}

/// One curve preset by id.
///
/// # Errors
///
/// [`Error::Unknown`] for an id not listed.
///
/// # Examples
///
/// ```
/// use outcomes::presets::curve_preset;
/// use rust_decimal::Decimal;
/// let flu = curve_preset("cquin_staff_flu_2017_18")?;
/// let s = flu.curve.score_value(Decimal::from(62), flu.polarity, &flu.id)?;
/// assert_eq!(s.achievement.to_string(), "50%");
/// # Ok::<(), outcomes::Error>(())
/// ```
pub fn curve_preset(id: &str) -> Result<&'static CurvePreset> {
    curve_presets()?
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| Error::Unknown {
            kind: "curve preset",
            id: id.to_owned(),
            context: "presets.toml".into(),
        })
}

/// The QOF value of a point on a date, with its source.
///
/// # Errors
///
/// [`Error::Core`] (`NotInForce`) outside the years encoded (2020/21 to 2023/24);
/// [`Error::Core`] for a value that is not whole pence (a data defect).
pub fn qof_point_value(date: NaiveDate) -> Result<(Money, &'static SourceRef)> {
    let (v, s) = data()?.qof_point_value.at_with_source(date)?;
    Ok((Money::from_decimal(*v)?, s))
}

/// The QOF national average practice list size on a date, with its source.
///
/// # Errors
///
/// [`Error::Core`] (`NotInForce`) outside the years encoded.
pub fn qof_average_list_size(date: NaiveDate) -> Result<(Decimal, &'static SourceRef)> {
    let (v, s) = data()?.qof_average_list_size.at_with_source(date)?;
    Ok((*v, s))
}

/// The CQUIN pot on a date, with its source.
///
/// # Errors
///
/// [`Error::Core`] (`NotInForce`) for years not encoded.
pub fn cquin_pot(date: NaiveDate) -> Result<(&'static CquinPot, &'static SourceRef)> {
    Ok(data()?.cquin_pot.at_with_source(date)?)
}

/// QOF points earned: the fraction on the linear scale between the lower and upper
/// thresholds (per cent) times the points available.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QofPoints {
    /// The fraction of the points earned.
    pub fraction: Share,
    /// Points earned.
    pub points: Decimal,
}

/// Points for an achievement (per cent) between the lower threshold `e` and upper `f`, with
/// `g` points available.
///
/// # Errors
///
/// [`Error::ThresholdsOutOfOrder`] unless `e < f`; [`Error::InvalidCounts`] for negative
/// points.
///
/// # Examples
///
/// ```
/// use outcomes::presets::qof_points;
/// use rust_decimal::Decimal;
/// // DM003 38-78%: 58% earns half of its points.
/// let p = qof_points(Decimal::from(58), Decimal::from(38), Decimal::from(78), Decimal::from(10))?;
/// assert_eq!(p.points, Decimal::from(5));
/// # Ok::<(), outcomes::Error>(())
/// ```
pub fn qof_points(achievement: Decimal, e: Decimal, f: Decimal, g: Decimal) -> Result<QofPoints> {
    if g.is_sign_negative() && !g.is_zero() {
        return Err(Error::InvalidCounts {
            context: "QOF points".into(),
            reason: format!("points available {g} is negative"),
        });
    }
    let curve = Curve::Linear { lower: e, upper: f };
    let fraction = curve
        .score_value(achievement, Polarity::HigherIsBetter, "QOF indicator")?
        .achievement;
    let points = g.checked_mul(fraction.as_decimal()).ok_or(Error::Core(
        route_map_core::Error::Overflow {
            operation: "QOF points",
        },
    ))?;
    Ok(QofPoints { fraction, points })
}

/// A QOF payment with its adjusters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QofPayment {
    /// The Contractor Population Index: practice list size / national average list size.
    pub cpi: Decimal,
    /// The prevalence adjuster applied (APDF; one for areas not linked to prevalence).
    pub apdf: Decimal,
    /// The payment.
    pub amount: Money,
}

/// `points × £/point × CPI × APDF`, rounded to pence once with `rule`.
///
/// # Errors
///
/// [`Error::InvalidCounts`] for a list size, national average or APDF that is not positive,
/// or negative points; an overflow.
pub fn qof_payment(
    points: Decimal,
    point_value: Money,
    list_size: Decimal,
    national_average_list_size: Decimal,
    apdf: Decimal,
    rule: RoundingRule,
) -> Result<QofPayment> {
    let bad = |reason: String| Error::InvalidCounts {
        context: "QOF payment".into(),
        reason,
    };
    if list_size <= Decimal::ZERO
        || national_average_list_size <= Decimal::ZERO
        || apdf <= Decimal::ZERO
    {
        return Err(bad(
            "list size, national average list size and APDF must be positive".into(),
        ));
    }
    if points.is_sign_negative() && !points.is_zero() {
        return Err(bad(format!("points {points} are negative")));
    }
    let overflow = || {
        Error::Core(route_map_core::Error::Overflow {
            operation: "QOF payment",
        })
    };
    let cpi = list_size
        .checked_div(national_average_list_size)
        .ok_or_else(overflow)?;
    let factor = points
        .checked_mul(list_size)
        .and_then(|x| x.checked_mul(apdf))
        .and_then(|x| x.checked_div(national_average_list_size))
        .ok_or_else(overflow)?;
    let amount = point_value.mul_decimal(factor, rule)?;
    Ok(QofPayment { cpi, apdf, amount })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn presets_load_and_validate() {
        let all = curve_presets().unwrap();
        assert_eq!(all.len(), 7);
        for p in all {
            p.curve.validate(p.polarity, &p.id).unwrap();
        }
        let flu = curve_preset("cquin_staff_flu_2019_20").unwrap();
        let s = flu
            .curve
            .score_value(dec!(70), flu.polarity, "flu")
            .unwrap();
        assert_eq!(s.achievement.as_decimal(), dec!(0.5));
        // 2018/19: 70% now pays 75%, not 100% (the band runs to 75%).
        let b18 = curve_preset("cquin_staff_flu_2018_19").unwrap();
        assert_eq!(
            b18.curve
                .score_value(dec!(70), b18.polarity, "flu")
                .unwrap()
                .achievement
                .as_decimal(),
            dec!(0.75)
        );
        let b17 = curve_preset("cquin_staff_flu_2017_18").unwrap();
        assert_eq!(
            b17.curve
                .score_value(dec!(70), b17.polarity, "flu")
                .unwrap()
                .achievement,
            Share::ONE
        );
        assert!(!b17.source.is_verified());
        assert!(matches!(curve_preset("nope"), Err(Error::Unknown { .. })));
    }

    #[test]
    fn dated_parameters() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            qof_point_value(d(2023, 4, 1)).unwrap().0,
            "213.43".parse().unwrap()
        );
        assert_eq!(
            qof_point_value(d(2021, 3, 31)).unwrap().0,
            "194.83".parse().unwrap()
        );
        let (v2024, src2024) = qof_point_value(d(2024, 4, 1)).unwrap();
        assert_eq!(v2024, "220.62".parse().unwrap());
        assert!(!src2024.is_verified());
        assert_eq!(qof_average_list_size(d(2024, 4, 1)).unwrap().0, dec!(9964));
        assert!(qof_point_value(d(2025, 4, 1)).is_err());
        assert!(qof_point_value(d(2019, 4, 1)).is_err());
        let (size, src) = qof_average_list_size(d(2021, 6, 1)).unwrap();
        assert_eq!(size, dec!(9085));
        assert!(!src.is_verified());
        assert_eq!(
            cquin_pot(d(2016, 6, 1)).unwrap().0.share.as_decimal(),
            dec!(0.025)
        );
        assert_eq!(cquin_pot(d(2022, 6, 1)).unwrap().0.max_indicators, Some(5));
        assert!(cquin_pot(d(2018, 6, 1)).is_err());
    }

    /// Worked by hand: 7.5 points × £213.43 × (9,639 / 9,639) × 1.2 = £1,920.87.
    #[test]
    fn qof_arithmetic() {
        let p = qof_points(dec!(58), dec!(38), dec!(78), dec!(15)).unwrap();
        assert_eq!(p.points, dec!(7.5));
        assert_eq!(
            qof_points(dec!(30), dec!(38), dec!(78), dec!(15))
                .unwrap()
                .points,
            dec!(0)
        );
        assert_eq!(
            qof_points(dec!(90), dec!(38), dec!(78), dec!(15))
                .unwrap()
                .points,
            dec!(15)
        );
        assert!(matches!(
            qof_points(dec!(50), dec!(78), dec!(38), dec!(15)),
            Err(Error::ThresholdsOutOfOrder { .. })
        ));
        assert!(qof_points(dec!(50), dec!(38), dec!(78), dec!(-1)).is_err());
        let pay = qof_payment(
            p.points,
            "213.43".parse().unwrap(),
            dec!(9639),
            dec!(9639),
            dec!(1.2),
            RoundingRule::HalfAwayFromZero,
        )
        .unwrap();
        assert_eq!(pay.amount, "1920.87".parse().unwrap());
        assert_eq!(pay.cpi, dec!(1));
        assert!(
            qof_payment(
                dec!(1),
                Money::from_pounds(1),
                dec!(0),
                dec!(1),
                dec!(1),
                RoundingRule::HalfAwayFromZero
            )
            .is_err()
        );
        assert!(
            qof_payment(
                dec!(-1),
                Money::from_pounds(1),
                dec!(1),
                dec!(1),
                dec!(1),
                RoundingRule::HalfAwayFromZero
            )
            .is_err()
        );
    }
}
