//! Checking a published segmentation table: does population x spend per head give the total
//! spend printed, within the table's rounding?
//!
//! A printed figure stands for every value that rounds to it: `128.9` (thousands) is anything
//! from 128.85 to 128.95 thousand. A row is consistent when the products of the population and
//! per-head intervals overlap the interval of the printed total. The check is exact (decimal
//! interval arithmetic, no floating point).

use std::fmt;
use std::str::FromStr;

use route_map_core::{Money, RoundingRule};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::budget::SegmentBaseline;
use crate::error::{Error, Result};
use crate::population::AgeBand;

/// A non-negative number as printed, with the number of decimals shown (thousands
/// separators allowed): `"1,384"`, `"128.9"`, `"26.0"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PrintedNumber {
    value: Decimal,
}

impl PrintedNumber {
    /// Parse a printed number.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPrintedNumber`] for text that is not a decimal,
    /// [`Error::NegativeBudgetInput`] for a negative one.
    pub fn parse(text: &str) -> Result<PrintedNumber> {
        let cleaned: String = text.trim().chars().filter(|c| *c != ',').collect();
        let value = Decimal::from_str_exact(&cleaned).map_err(|_| Error::InvalidPrintedNumber {
            text: text.to_owned(),
        })?;
        if value.is_sign_negative() && !value.is_zero() {
            return Err(Error::NegativeBudgetInput {
                context: "printed number".into(),
                value: text.to_owned(),
            });
        }
        Ok(PrintedNumber { value })
    }

    /// The value printed.
    #[must_use]
    pub fn value(self) -> Decimal {
        self.value
    }

    /// Decimals shown.
    #[must_use]
    pub fn decimals(self) -> u32 {
        self.value.scale()
    }

    /// Half a unit of the last decimal shown.
    fn half_unit(self) -> Decimal {
        Decimal::new(5, self.decimals() + 1)
    }

    /// The smallest value that prints as this (not below zero).
    #[must_use]
    pub fn low(self) -> Decimal {
        (self.value - self.half_unit()).max(Decimal::ZERO)
    }

    /// The largest value that prints as this.
    #[must_use]
    pub fn high(self) -> Decimal {
        self.value + self.half_unit()
    }
}

impl FromStr for PrintedNumber {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        PrintedNumber::parse(s)
    }
}

impl TryFrom<String> for PrintedNumber {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        PrintedNumber::parse(&s)
    }
}

impl From<PrintedNumber> for String {
    fn from(p: PrintedNumber) -> String {
        p.value.to_string()
    }
}

impl fmt::Display for PrintedNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value)
    }
}

impl schemars::JsonSchema for PrintedNumber {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PrintedNumber".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A non-negative number as printed, as a string so the decimals shown are kept; thousands separators allowed.",
            "type": "string",
            "pattern": r"^[0-9][0-9,]*(\.[0-9]+)?$"
        })
    }
}

/// One segment of a published table: population in thousands, spend per head in pounds,
/// total spend in millions of pounds. A cell printed as a dash is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PrintedSegmentRow {
    /// The segment as labelled.
    pub segment: String,
    /// The age band (row) the segment belongs to.
    pub age_band: String,
    /// The need group (column).
    pub need: String,
    /// Population, thousands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_thousands: Option<PrintedNumber>,
    /// Spend per head, pounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spend_per_head: Option<PrintedNumber>,
    /// Total spend, millions of pounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_spend_millions: Option<PrintedNumber>,
}

/// The verdict on one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RowVerdict {
    /// The printed total is within the rounding of population x spend per head.
    Consistent,
    /// No rounding of the printed figures reconciles them.
    Inconsistent,
    /// A figure is not printed (a dash), so nothing can be checked.
    NotPrinted,
}

/// The check of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowCheck {
    /// The segment.
    pub segment: String,
    /// The verdict.
    pub verdict: RowVerdict,
    /// Population x spend per head as printed, in £m (`None` when not printed).
    pub implied_millions: Option<Decimal>,
    /// Lowest and highest £m the printed population and rate allow.
    pub implied_range: Option<(Decimal, Decimal)>,
    /// Printed total minus implied total, £m.
    pub difference_millions: Option<Decimal>,
    /// The population the printed total and rate imply, thousands.
    pub population_implied_thousands: Option<Decimal>,
}

const THOUSAND: Decimal = Decimal::from_parts(1_000, 0, 0, false, 0);
const MILLION: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// Check one printed row.
///
/// # Examples
///
/// ```
/// use capitation::budget_check::{check_row, PrintedSegmentRow, RowVerdict};
/// let row = PrintedSegmentRow {
///     segment: "Mostly healthy children".into(),
///     age_band: "Children 0-16".into(),
///     need: "Mostly healthy".into(),
///     population_thousands: Some("128.9".parse()?),
///     spend_per_head: Some("550".parse()?),
///     total_spend_millions: Some("70.9".parse()?),
/// };
/// assert_eq!(check_row(&row).verdict, RowVerdict::Consistent);
/// # Ok::<(), capitation::Error>(())
/// ```
#[must_use]
pub fn check_row(row: &PrintedSegmentRow) -> RowCheck {
    let (Some(pop), Some(rate), Some(total)) = (
        row.population_thousands,
        row.spend_per_head,
        row.total_spend_millions,
    ) else {
        return RowCheck {
            segment: row.segment.clone(),
            verdict: RowVerdict::NotPrinted,
            implied_millions: None,
            implied_range: None,
            difference_millions: None,
            population_implied_thousands: None,
        };
    };
    // thousands x pounds / 1,000 = £m
    let to_millions = |p: Decimal, r: Decimal| p * r / THOUSAND;
    let implied = to_millions(pop.value(), rate.value());
    let low = to_millions(pop.low(), rate.low());
    let high = to_millions(pop.high(), rate.high());
    let consistent = low <= total.high() && total.low() <= high;
    let population_implied = if rate.value().is_zero() {
        None
    } else {
        Some(total.value() * MILLION / rate.value() / THOUSAND)
    };
    RowCheck {
        segment: row.segment.clone(),
        verdict: if consistent {
            RowVerdict::Consistent
        } else {
            RowVerdict::Inconsistent
        },
        implied_millions: Some(implied),
        implied_range: Some((low, high)),
        difference_millions: Some(total.value() - implied),
        population_implied_thousands: population_implied,
    }
}

/// Check every row of a table.
#[must_use]
pub fn check_table(rows: &[PrintedSegmentRow]) -> Vec<RowCheck> {
    rows.iter().map(check_row).collect()
}

/// Turn printed rows into base-year segment baselines (population in persons, spend in
/// pounds), skipping rows with a dash.
///
/// # Errors
///
/// Core errors when a printed total does not fit in money.
pub fn baselines(rows: &[PrintedSegmentRow]) -> Result<Vec<SegmentBaseline>> {
    rows.iter()
        .filter_map(
            |row| match (row.population_thousands, row.total_spend_millions) {
                (Some(p), Some(t)) => Some((row, p, t)),
                _ => None,
            },
        )
        .map(|(row, p, t)| {
            Ok(SegmentBaseline {
                segment: row.segment.clone(),
                population: p.value() * THOUSAND,
                spend: Money::from_decimal_rounded(t.value() * MILLION, RoundingRule::DEFAULT),
            })
        })
        .collect()
}

/// Base-year baselines by age band from a printed table: each band's printed populations and
/// total spends summed over its need groups, labelled by the [`AgeBand`] it maps to. A table's
/// row labels rarely match ONS single-year bands (Devon prints "Children 0-16" and "Adults
/// 16-69"), so the caller states which band each label stands for.
///
/// # Errors
///
/// [`Error::UnknownBudgetName`] if a label has no row in the table.
///
/// ```
/// use capitation::budget_check::{band_baselines, PrintedSegmentRow};
/// use capitation::population::AgeBand;
/// let row = |need: &str, pop: &str, total: &str| PrintedSegmentRow {
///     segment: need.into(),
///     age_band: "Elderly 70+".into(),
///     need: need.into(),
///     population_thousands: Some(pop.parse().unwrap()),
///     spend_per_head: None,
///     total_spend_millions: Some(total.parse().unwrap()),
/// };
/// let rows = [row("healthy", "10.0", "20.0"), row("dementia", "5.6", "84.7")];
/// let bands = [("Elderly 70+", AgeBand::new("70+", 70, None)?)];
/// let b = band_baselines(&rows, &bands)?;
/// assert_eq!(b[0].segment, "70+");
/// assert_eq!(b[0].population, rust_decimal::Decimal::from(15_600));
/// assert_eq!(b[0].spend, "104700000".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn band_baselines(
    rows: &[PrintedSegmentRow],
    bands: &[(&str, AgeBand)],
) -> Result<Vec<SegmentBaseline>> {
    bands
        .iter()
        .map(|(label, band)| {
            let in_band: Vec<_> = rows.iter().filter(|r| r.age_band == *label).collect();
            if in_band.is_empty() {
                return Err(Error::UnknownBudgetName {
                    context: "printed table age bands".into(),
                    name: (*label).to_owned(),
                });
            }
            let printed = |f: fn(&PrintedSegmentRow) -> Option<PrintedNumber>| -> Decimal {
                in_band
                    .iter()
                    .filter_map(|r| f(r))
                    .map(PrintedNumber::value)
                    .sum()
            };
            let population = printed(|r| r.population_thousands) * THOUSAND;
            let spend = printed(|r| r.total_spend_millions) * MILLION;
            Ok(SegmentBaseline {
                segment: band.label().to_owned(),
                population,
                spend: Money::from_decimal_rounded(spend, RoundingRule::DEFAULT),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn row(pop: &str, rate: &str, total: &str) -> PrintedSegmentRow {
        PrintedSegmentRow {
            segment: "s".into(),
            age_band: "a".into(),
            need: "n".into(),
            population_thousands: Some(pop.parse().unwrap()),
            spend_per_head: Some(rate.parse().unwrap()),
            total_spend_millions: Some(total.parse().unwrap()),
        }
    }

    #[test]
    fn printed_numbers_keep_their_precision() {
        let p: PrintedNumber = "26.0".parse().unwrap();
        assert_eq!(p.decimals(), 1);
        assert_eq!((p.low(), p.high()), (dec!(25.95), dec!(26.05)));
        let q: PrintedNumber = "1,384".parse().unwrap();
        assert_eq!(q.value(), dec!(1384));
        assert_eq!(q.decimals(), 0);
        assert_eq!("0.0".parse::<PrintedNumber>().unwrap().low(), dec!(0));
        assert!(matches!(
            "-1".parse::<PrintedNumber>(),
            Err(Error::NegativeBudgetInput { .. })
        ));
        assert!(matches!(
            "x".parse::<PrintedNumber>(),
            Err(Error::InvalidPrintedNumber { .. })
        ));
        assert!(serde_json::from_str::<PrintedNumber>("\"abc\"").is_err());
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"26.0\"");
    }

    #[test]
    fn rows_are_judged_within_rounding() {
        // 13.0 x 1,384 = 17.992 -> 18.0: consistent.
        let c = check_row(&row("13.0", "1,384", "18.0"));
        assert_eq!(c.verdict, RowVerdict::Consistent);
        assert_eq!(c.implied_millions, Some(dec!(17.9920)));
        // 20.7 x 4,089 = 84.6, printed 64.5: inconsistent.
        let c = check_row(&row("20.7", "4,089", "64.5"));
        assert_eq!(c.verdict, RowVerdict::Inconsistent);
        assert_eq!(c.difference_millions, Some(dec!(64.5) - dec!(84.6423)));
        // Boundary: 0.1 x 11,199 spans 0.5594..1.6799, so 1.2 is consistent.
        assert_eq!(
            check_row(&row("0.1", "11,199", "1.2")).verdict,
            RowVerdict::Consistent
        );
        let mut dash = row("1", "1", "1");
        dash.spend_per_head = None;
        assert_eq!(check_row(&dash).verdict, RowVerdict::NotPrinted);
        assert_eq!(check_table(&[dash.clone()]).len(), 1);
        let b = baselines(&[row("13.0", "1,384", "18.0"), dash]).unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].population, dec!(13000));
        assert_eq!(b[0].spend, Money::from_pounds(18_000_000));
    }
}
