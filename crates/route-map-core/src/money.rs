//! Exact money in pounds sterling.
//!
//! [`Money`] always holds a whole number of pence. Anything that could produce fractions of a
//! penny (multiplying by a rate, dividing per head, growing by a factor) takes a [`RoundingRule`]
//! by name, and [`Money::allocate`] splits a total by weights so that the parts always add up to
//! the whole.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::rate::{Rate, Share};

/// How an exact amount is rounded to whole pence.
///
/// [`RoundingRule::DEFAULT`] is [`RoundingRule::HalfAwayFromZero`]: it is what Excel's `ROUND`
/// does, and commissioners' finance models and published NHS tables are built in spreadsheets,
/// so results reproduce theirs to the penny. `rust_decimal`'s own default (banker's rounding) is
/// never used implicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RoundingRule {
    /// Half a penny rounds away from zero (Excel `ROUND`): 0.125 -> 0.13, -0.125 -> -0.13.
    HalfAwayFromZero,
    /// Half a penny rounds to the even penny (banker's rounding): 0.125 -> 0.12.
    HalfEven,
    /// Truncate towards zero: 0.129 -> 0.12.
    TowardZero,
    /// Round away from zero: 0.121 -> 0.13.
    AwayFromZero,
    /// Round towards negative infinity.
    Floor,
    /// Round towards positive infinity.
    Ceiling,
}

impl RoundingRule {
    /// The rule used where a caller asks for "the default": half away from zero.
    pub const DEFAULT: RoundingRule = RoundingRule::HalfAwayFromZero;

    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingRule::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            RoundingRule::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingRule::TowardZero => RoundingStrategy::ToZero,
            RoundingRule::AwayFromZero => RoundingStrategy::AwayFromZero,
            RoundingRule::Floor => RoundingStrategy::ToNegativeInfinity,
            RoundingRule::Ceiling => RoundingStrategy::ToPositiveInfinity,
        }
    }

    /// Round an exact decimal to `dp` decimal places under this rule.
    #[must_use]
    pub fn round_dp(self, value: Decimal, dp: u32) -> Decimal {
        value.round_dp_with_strategy(dp, self.strategy())
    }
}

impl Default for RoundingRule {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// An amount of money in pounds sterling, always a whole number of pence.
///
/// # Examples
///
/// ```
/// use route_map_core::Money;
///
/// let total: Money = "£57,428,020".parse()?;
/// assert_eq!(total.to_string(), "£57,428,020.00");
/// let parts = total.split(3)?;
/// assert_eq!(Money::sum(parts.iter().copied())?, total);
/// # Ok::<(), route_map_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Money(Decimal);

const PENCE_SCALE: u32 = 2;

impl Money {
    /// Zero pounds.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Money from an exact decimal number of pounds, which must be whole pence.
    ///
    /// # Errors
    ///
    /// [`Error::SubPenny`] when the amount has fractions of a penny: use
    /// [`Money::from_decimal_rounded`] to round it by a named rule.
    ///
    /// ```
    /// use route_map_core::Money;
    /// use rust_decimal::Decimal;
    /// assert!(Money::from_decimal(Decimal::new(12345, 3)).is_err());
    /// assert_eq!(Money::from_decimal(Decimal::new(1234, 2))?.to_string(), "£12.34");
    /// # Ok::<(), route_map_core::Error>(())
    /// ```
    pub fn from_decimal(pounds: Decimal) -> Result<Money> {
        let normal = pounds.normalize();
        if normal.scale() > PENCE_SCALE {
            return Err(Error::SubPenny { value: pounds });
        }
        Ok(Money::canonical(pounds))
    }

    /// Money from a decimal number of pounds, rounded to whole pence by `rule`.
    ///
    /// # Examples
    ///
    /// ```
    /// use route_map_core::{Money, RoundingRule};
    /// use rust_decimal::Decimal;
    /// let m = Money::from_decimal_rounded(Decimal::new(125, 3), RoundingRule::HalfEven);
    /// assert_eq!(m.to_string(), "£0.12");
    /// ```
    #[must_use]
    pub fn from_decimal_rounded(pounds: Decimal, rule: RoundingRule) -> Money {
        Money::canonical(rule.round_dp(pounds, PENCE_SCALE))
    }

    /// Money from a whole number of pence.
    #[must_use]
    pub fn from_pence(pence: i64) -> Money {
        Money(Decimal::new(pence, PENCE_SCALE))
    }

    /// Money from whole pounds.
    #[must_use]
    pub fn from_pounds(pounds: i64) -> Money {
        Money::canonical(Decimal::from(pounds))
    }

    fn canonical(mut d: Decimal) -> Money {
        // Every amount carries exactly two decimal places so equal amounts print alike.
        d.rescale(PENCE_SCALE);
        Money(d)
    }

    /// The amount in pounds as an exact decimal with two decimal places.
    #[must_use]
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// The amount in whole pence.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] when the amount does not fit in an `i64` number of pence
    /// (more than about £92 million billion).
    pub fn to_pence(self) -> Result<i64> {
        i64::try_from(self.0.mantissa()).map_err(|_| Error::Overflow {
            operation: "conversion to pence",
        })
    }

    /// True when the amount is zero.
    #[must_use]
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// True when the amount is below zero.
    #[must_use]
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// The absolute amount.
    #[must_use]
    pub fn abs(self) -> Money {
        Money(self.0.abs())
    }

    /// The larger of two amounts.
    #[must_use]
    pub fn max(self, other: Money) -> Money {
        if other > self { other } else { self }
    }

    /// The smaller of two amounts.
    #[must_use]
    pub fn min(self, other: Money) -> Money {
        if other < self { other } else { self }
    }

    /// `self + other`.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] beyond the decimal range.
    pub fn checked_add(self, other: Money) -> Result<Money> {
        self.0
            .checked_add(other.0)
            .map(Money::canonical)
            .ok_or(Error::Overflow {
                operation: "money addition",
            })
    }

    /// `self - other`.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] beyond the decimal range.
    pub fn checked_sub(self, other: Money) -> Result<Money> {
        self.0
            .checked_sub(other.0)
            .map(Money::canonical)
            .ok_or(Error::Overflow {
                operation: "money subtraction",
            })
    }

    /// `self * n` for a whole number `n` (exact).
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] beyond the decimal range.
    pub fn checked_mul_int(self, n: i64) -> Result<Money> {
        self.0
            .checked_mul(Decimal::from(n))
            .map(Money::canonical)
            .ok_or(Error::Overflow {
                operation: "money multiplication",
            })
    }

    /// `self * factor`, rounded to pence by `rule`.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] beyond the decimal range.
    ///
    /// # Examples
    ///
    /// ```
    /// use route_map_core::{Money, RoundingRule};
    /// use rust_decimal::Decimal;
    /// let m = Money::from_pence(1001).mul_decimal(Decimal::new(5, 1), RoundingRule::DEFAULT)?;
    /// assert_eq!(m, Money::from_pence(501));
    /// # Ok::<(), route_map_core::Error>(())
    /// ```
    pub fn mul_decimal(self, factor: Decimal, rule: RoundingRule) -> Result<Money> {
        self.0
            .checked_mul(factor)
            .map(|d| Money::from_decimal_rounded(d, rule))
            .ok_or(Error::Overflow {
                operation: "money multiplication",
            })
    }

    /// `self * rate` (for example growth of 2.5% gives 2.5% of the amount), rounded by `rule`.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] beyond the decimal range.
    pub fn mul_rate(self, rate: Rate, rule: RoundingRule) -> Result<Money> {
        self.mul_decimal(rate.as_decimal(), rule)
    }

    /// The `share` of this amount, rounded by `rule`.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] beyond the decimal range.
    pub fn share(self, share: Share, rule: RoundingRule) -> Result<Money> {
        self.mul_decimal(share.as_decimal(), rule)
    }

    /// This amount grown by `rate` per year for `years` years, compounded, rounded once at the end.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] beyond the decimal range.
    ///
    /// # Examples
    ///
    /// ```
    /// use route_map_core::{Money, Rate, RoundingRule};
    /// let base = Money::from_pounds(1_000);
    /// let grown = base.grow(Rate::from_percent(10)?, 2, RoundingRule::DEFAULT)?;
    /// assert_eq!(grown, Money::from_pounds(1_210));
    /// # Ok::<(), route_map_core::Error>(())
    /// ```
    pub fn grow(self, rate: Rate, years: u32, rule: RoundingRule) -> Result<Money> {
        let factor = Decimal::ONE
            .checked_add(rate.as_decimal())
            .ok_or(Error::Overflow {
                operation: "growth factor",
            })?;
        let mut value = self.0;
        for _ in 0..years {
            value = value.checked_mul(factor).ok_or(Error::Overflow {
                operation: "compound growth",
            })?;
        }
        Ok(Money::from_decimal_rounded(value, rule))
    }

    /// The exact amount per head, as a decimal (not rounded): total / heads.
    ///
    /// # Errors
    ///
    /// [`Error::DivisionByZero`] when `heads` is zero.
    pub fn per_head_exact(self, heads: Decimal) -> Result<Decimal> {
        if heads.is_zero() {
            return Err(Error::DivisionByZero {
                operation: "money per head",
            });
        }
        self.0.checked_div(heads).ok_or(Error::Overflow {
            operation: "money per head",
        })
    }

    /// The amount per head, rounded to pence by `rule`.
    ///
    /// # Errors
    ///
    /// [`Error::DivisionByZero`] when `heads` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use route_map_core::{Money, RoundingRule};
    /// use rust_decimal::Decimal;
    /// let per_head = Money::from_pounds(100).per_head(Decimal::from(3), RoundingRule::DEFAULT)?;
    /// assert_eq!(per_head.to_string(), "£33.33");
    /// # Ok::<(), route_map_core::Error>(())
    /// ```
    pub fn per_head(self, heads: Decimal, rule: RoundingRule) -> Result<Money> {
        self.per_head_exact(heads)
            .map(|d| Money::from_decimal_rounded(d, rule))
    }

    /// The checked sum of amounts.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] beyond the decimal range.
    pub fn sum<I: IntoIterator<Item = Money>>(items: I) -> Result<Money> {
        items
            .into_iter()
            .try_fold(Money::ZERO, |acc, m| acc.checked_add(m))
    }

    /// Split this amount in proportion to `weights`, to the penny, by the largest-remainder
    /// (Hamilton) method.
    ///
    /// Guarantees: the parts add up exactly to the whole; each part is within one penny of its
    /// exact share `total * w / sum(w)`; a zero weight gets zero; a larger weight never gets
    /// less. Each part first gets the floor of its exact share in pence; the pence left over go
    /// one each to the parts with the largest remainders. **Tie-break**: equal remainders go to
    /// the larger weight first, then to the earlier position. A negative total is allocated as
    /// its absolute value and negated, so the guarantees hold in magnitude.
    ///
    /// # Errors
    ///
    /// [`Error::NoWeights`] for an empty slice, [`Error::NegativeWeight`] for a negative weight,
    /// [`Error::ZeroWeights`] when every weight is zero, and [`Error::Overflow`] when the weights
    /// have so many digits that the exact calculation leaves 128-bit integers.
    ///
    /// # Examples
    ///
    /// ```
    /// use route_map_core::Money;
    /// use rust_decimal::Decimal;
    /// let parts = Money::from_pence(1).allocate(&[Decimal::ONE, Decimal::ONE, Decimal::ONE])?;
    /// assert_eq!(parts, vec![Money::from_pence(1), Money::ZERO, Money::ZERO]);
    /// # Ok::<(), route_map_core::Error>(())
    /// ```
    pub fn allocate(self, weights: &[Decimal]) -> Result<Vec<Money>> {
        let total = self.0.mantissa();
        let magnitude = total.unsigned_abs();
        let units = allocate_units(magnitude, &decimal_weights_to_units(weights)?)?;
        units
            .into_iter()
            .map(|u| {
                let signed = i128::try_from(u).map_err(|_| Error::Overflow {
                    operation: "allocation",
                })?;
                let signed = if total < 0 { -signed } else { signed };
                Decimal::try_from_i128_with_scale(signed, PENCE_SCALE)
                    .map(Money)
                    .map_err(|_| Error::Overflow {
                        operation: "allocation",
                    })
            })
            .collect()
    }

    /// Split this amount into `n` parts as equal as pence allow (earlier parts get the spare
    /// pence).
    ///
    /// # Errors
    ///
    /// [`Error::NoWeights`] when `n` is zero.
    pub fn split(self, n: usize) -> Result<Vec<Money>> {
        self.allocate(&vec![Decimal::ONE; n])
    }
}

/// Turn decimal weights into integers on a common scale, validating them.
fn decimal_weights_to_units(weights: &[Decimal]) -> Result<Vec<u128>> {
    if weights.is_empty() {
        return Err(Error::NoWeights);
    }
    let mut max_scale = 0;
    for (index, w) in weights.iter().enumerate() {
        if w.is_sign_negative() && !w.is_zero() {
            return Err(Error::NegativeWeight { index, value: *w });
        }
        max_scale = max_scale.max(w.normalize().scale());
    }
    weights
        .iter()
        .map(|w| {
            let n = w.normalize();
            let mantissa = n.mantissa().unsigned_abs();
            let factor = 10u128
                .checked_pow(max_scale - n.scale())
                .ok_or(Error::Overflow {
                    operation: "allocation weights",
                })?;
            mantissa.checked_mul(factor).ok_or(Error::Overflow {
                operation: "allocation weights",
            })
        })
        .collect()
}

/// Largest-remainder allocation of `total` indivisible units over integer `weights`.
///
/// This is the integer core of [`Money::allocate`], exposed for hot loops that work in pence.
/// The same guarantees and tie-break apply.
///
/// # Errors
///
/// [`Error::NoWeights`], [`Error::ZeroWeights`], or [`Error::Overflow`] when `total * weight`
/// leaves 128 bits.
///
/// # Examples
///
/// ```
/// use route_map_core::money::allocate_units;
/// assert_eq!(allocate_units(10, &[1, 1, 1])?, vec![4, 3, 3]);
/// assert_eq!(allocate_units(10, &[0, 2, 1])?, vec![0, 7, 3]);
/// # Ok::<(), route_map_core::Error>(())
/// ```
pub fn allocate_units(total: u128, weights: &[u128]) -> Result<Vec<u128>> {
    if weights.is_empty() {
        return Err(Error::NoWeights);
    }
    let sum = weights.iter().try_fold(0u128, |acc, w| {
        acc.checked_add(*w).ok_or(Error::Overflow {
            operation: "allocation weights",
        })
    })?;
    if sum == 0 {
        return Err(Error::ZeroWeights);
    }
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut allocated = 0u128;
    for (index, w) in weights.iter().enumerate() {
        let product = total.checked_mul(*w).ok_or(Error::Overflow {
            operation: "allocation",
        })?;
        let floor = product / sum;
        allocated += floor;
        parts.push(floor);
        remainders.push((product % sum, *w, index));
    }
    let leftover = total - allocated;
    // Largest remainder first; ties to the larger weight, then the earlier position.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    for (_, _, index) in remainders
        .into_iter()
        .take(usize::try_from(leftover).unwrap_or(usize::MAX))
    {
        if let Some(p) = parts.get_mut(index) {
            *p += 1;
        }
    }
    Ok(parts)
}

impl fmt::Display for Money {
    /// `£1,234.56`, negative amounts as `-£1,234.56`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.abs();
        let text = format!("{abs:.2}");
        let (whole, frac) = text.split_once('.').unwrap_or((text.as_str(), "00"));
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sign = if self.is_negative() { "-" } else { "" };
        f.pad(&format!("{sign}£{grouped}.{frac}"))
    }
}

impl FromStr for Money {
    type Err = Error;

    /// Accepts `£1,234.56`, `-£1,234.56`, `£-1,234.56`, `1234.56`, `1234` and `1,234.5`.
    /// Thousands separators must be in the right places; more than two decimal places is an
    /// error (round explicitly instead).
    fn from_str(s: &str) -> Result<Money> {
        let invalid = |reason| Error::InvalidMoney {
            input: s.to_owned(),
            reason,
        };
        let mut t = s.trim();
        let mut negative = false;
        if let Some(rest) = t.strip_prefix('-') {
            negative = true;
            t = rest;
        }
        if let Some(rest) = t.strip_prefix('£') {
            t = rest;
        }
        if let Some(rest) = t.strip_prefix('-') {
            if negative {
                return Err(invalid("two minus signs"));
            }
            negative = true;
            t = rest;
        }
        if t.is_empty() {
            return Err(invalid("no digits"));
        }
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (t, None),
        };
        if whole.is_empty() {
            return Err(invalid("no digits before the decimal point"));
        }
        let digits: String = if whole.contains(',') {
            let groups: Vec<&str> = whole.split(',').collect();
            let first_ok = groups.first().is_some_and(|g| (1..=3).contains(&g.len()));
            let rest_ok = groups.iter().skip(1).all(|g| g.len() == 3);
            if !first_ok || !rest_ok {
                return Err(invalid("misplaced thousands separator"));
            }
            groups.concat()
        } else {
            whole.to_owned()
        };
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("not a number"));
        }
        let frac = frac.unwrap_or("");
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("not a number"));
        }
        if frac.len() > 2 {
            return Err(invalid("more than two decimal places"));
        }
        let text = if frac.is_empty() {
            digits
        } else {
            format!("{digits}.{frac}")
        };
        let value = Decimal::from_str_exact(&text).map_err(|_| invalid("out of range"))?;
        let value = if negative { -value } else { value };
        Money::from_decimal(value)
    }
}

impl std::ops::Neg for Money {
    type Output = Money;
    /// Negation is exact: the decimal range is symmetric, so it cannot overflow.
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl TryFrom<&str> for Money {
    type Error = Error;
    fn try_from(s: &str) -> Result<Money> {
        s.parse()
    }
}

impl TryFrom<Decimal> for Money {
    type Error = Error;
    fn try_from(d: Decimal) -> Result<Money> {
        Money::from_decimal(d)
    }
}

impl From<Money> for Decimal {
    fn from(m: Money) -> Decimal {
        m.0
    }
}

impl Serialize for Money {
    /// Serialised as a plain decimal string with two places, e.g. `"1234.56"`.
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{:.2}", self.0))
    }
}

impl<'de> Deserialize<'de> for Money {
    /// Accepts the string forms of [`FromStr`] and JSON numbers. Integers are exact; a JSON
    /// number with a fraction is read through its shortest round-trip decimal form, which is
    /// exactly the literal written for any amount of up to 15 significant digits (every amount
    /// below £10 trillion in pence).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Money, D::Error> {
        struct MoneyVisitor;
        impl<'de> serde::de::Visitor<'de> for MoneyVisitor {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount of money as a string such as \"£1,234.56\" or a number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Money, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Money, E> {
                Ok(Money::from_pounds(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Money, E> {
                Ok(Money::canonical(Decimal::from(v)))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Money, E> {
                if !v.is_finite() {
                    return Err(E::custom("amount is not a finite number"));
                }
                // `{}` on f64 prints the shortest text that reads back as the same f64.
                let text = format!("{v}");
                let d = Decimal::from_str_exact(&text)
                    .or_else(|_| Decimal::from_scientific(&text))
                    .map_err(|_| E::custom(format!("amount {text} is out of range")))?;
                Money::from_decimal(d).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(MoneyVisitor)
    }
}

impl schemars::JsonSchema for Money {
    fn schema_name() -> Cow<'static, str> {
        "Money".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An amount in pounds sterling with at most two decimal places, as a string (\"1234.56\", \"£1,234.56\") or a number.",
            "anyOf": [
                { "type": "string", "pattern": r"^\s*-?£?-?(\d{1,3}(,\d{3})*|\d+)(\.\d{1,2})?\s*$" },
                { "type": "number" }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn display_groups_thousands() {
        assert_eq!(Money::from_pence(123_456).to_string(), "£1,234.56");
        assert_eq!(Money::from_pence(-5).to_string(), "-£0.05");
        assert_eq!(Money::from_pounds(57_428_020).to_string(), "£57,428,020.00");
        assert_eq!(Money::ZERO.to_string(), "£0.00");
        assert_eq!(Money::from_pounds(100).to_string(), "£100.00");
    }

    #[test]
    fn parses_the_forms_people_write() {
        for (text, pence) in [
            ("£1,234.56", 123_456),
            ("1234.56", 123_456),
            ("1234", 123_400),
            ("1,234.5", 123_450),
            ("-£1,234.56", -123_456),
            ("£-12", -1_200),
            (" 0.01 ", 1),
        ] {
            assert_eq!(
                text.parse::<Money>().unwrap(),
                Money::from_pence(pence),
                "{text}"
            );
        }
    }

    #[test]
    fn rejects_malformed_amounts() {
        for text in [
            "", "£", "12.345", "1,23.00", "12,3456", "abc", "--1", "1.2.3", ".5", "£1,2",
        ] {
            let err = text.parse::<Money>().unwrap_err();
            assert!(matches!(err, Error::InvalidMoney { .. }), "{text}: {err}");
        }
    }

    #[test]
    fn sub_penny_needs_a_rule() {
        assert!(matches!(
            Money::from_decimal(dec!(1.005)),
            Err(Error::SubPenny { .. })
        ));
        assert_eq!(
            Money::from_decimal_rounded(dec!(1.005), RoundingRule::HalfAwayFromZero),
            Money::from_pence(101)
        );
        assert_eq!(
            Money::from_decimal_rounded(dec!(1.005), RoundingRule::HalfEven),
            Money::from_pence(100)
        );
        assert_eq!(
            Money::from_decimal_rounded(dec!(-1.005), RoundingRule::HalfAwayFromZero),
            Money::from_pence(-101)
        );
        assert_eq!(
            Money::from_decimal_rounded(dec!(1.001), RoundingRule::Ceiling),
            Money::from_pence(101)
        );
        assert_eq!(
            Money::from_decimal_rounded(dec!(-1.001), RoundingRule::Floor),
            Money::from_pence(-101)
        );
        assert_eq!(
            Money::from_decimal_rounded(dec!(1.009), RoundingRule::TowardZero),
            Money::from_pence(100)
        );
        assert_eq!(
            Money::from_decimal_rounded(dec!(1.001), RoundingRule::AwayFromZero),
            Money::from_pence(101)
        );
        // Trailing zeros beyond pence are not fractions of a penny.
        assert_eq!(
            Money::from_decimal(dec!(1.5000)).unwrap(),
            Money::from_pence(150)
        );
    }

    #[test]
    fn overflow_is_an_error() {
        let big = Money::from_decimal(Decimal::MAX.trunc()).unwrap_or(Money(Decimal::MAX));
        assert!(matches!(big.checked_add(big), Err(Error::Overflow { .. })));
        assert!(matches!(
            big.checked_mul_int(10),
            Err(Error::Overflow { .. })
        ));
        assert!(matches!(
            (-big).checked_sub(big),
            Err(Error::Overflow { .. })
        ));
        assert!(big.to_pence().is_err());
    }

    #[test]
    fn coventry_and_warwickshire_allocation_returns_the_ccg_values() {
        let values = [21_715_000i64, 21_700_479, 5_313_621, 8_698_920];
        let total = Money::from_pounds(values.iter().sum());
        assert_eq!(total, Money::from_pounds(57_428_020));
        let weights: Vec<Decimal> = values.iter().map(|v| Decimal::from(*v)).collect();
        let parts = total.allocate(&weights).unwrap();
        let expected: Vec<Money> = values.iter().map(|v| Money::from_pounds(*v)).collect();
        assert_eq!(parts, expected);
    }

    #[test]
    fn one_penny_over_three_goes_to_the_first() {
        let parts = Money::from_pence(1).split(3).unwrap();
        assert_eq!(parts, vec![Money::from_pence(1), Money::ZERO, Money::ZERO]);
        let parts = Money::from_pence(100).split(3).unwrap();
        assert_eq!(
            parts,
            vec![
                Money::from_pence(34),
                Money::from_pence(33),
                Money::from_pence(33)
            ]
        );
    }

    #[test]
    fn zero_weights_get_nothing_even_first() {
        let parts = Money::from_pence(10)
            .allocate(&[dec!(0), dec!(1), dec!(1), dec!(1)])
            .unwrap();
        assert_eq!(
            parts,
            vec![
                Money::ZERO,
                Money::from_pence(4),
                Money::from_pence(3),
                Money::from_pence(3)
            ]
        );
    }

    #[test]
    fn ties_go_to_larger_weight_then_earlier() {
        // Exact shares 1/3, 2/3 of 1p: remainders 1 and 2 (of 3), largest remainder wins.
        assert_eq!(allocate_units(1, &[1, 2]).unwrap(), vec![0, 1]);
        // Equal remainders: larger weight first.
        assert_eq!(allocate_units(1, &[1, 3]).unwrap(), vec![0, 1]);
        assert_eq!(allocate_units(2, &[1, 1, 1, 1]).unwrap(), vec![1, 1, 0, 0]);
    }

    #[test]
    fn negative_totals_allocate_in_magnitude() {
        let parts = Money::from_pence(-100).split(3).unwrap();
        assert_eq!(
            parts,
            vec![
                Money::from_pence(-34),
                Money::from_pence(-33),
                Money::from_pence(-33)
            ]
        );
    }

    #[test]
    fn bad_weights_are_typed_errors() {
        let m = Money::from_pounds(10);
        assert_eq!(m.allocate(&[]), Err(Error::NoWeights));
        assert_eq!(m.split(0), Err(Error::NoWeights));
        assert_eq!(m.allocate(&[dec!(0), dec!(0)]), Err(Error::ZeroWeights));
        assert_eq!(
            m.allocate(&[dec!(1), dec!(-2)]),
            Err(Error::NegativeWeight {
                index: 1,
                value: dec!(-2)
            })
        );
        assert!(Error::ZeroWeights.to_string().contains("all zero"));
    }

    #[test]
    fn fractional_weights_are_exact() {
        let parts = Money::from_pounds(100)
            .allocate(&[dec!(0.125), dec!(0.375), dec!(0.5)])
            .unwrap();
        assert_eq!(
            parts,
            vec![
                Money::from_pounds(12)
                    .checked_add(Money::from_pence(50))
                    .unwrap(),
                Money::from_pence(3750),
                Money::from_pounds(50)
            ]
        );
    }

    #[test]
    fn serde_uses_strings_and_accepts_numbers() {
        let m = Money::from_pence(123_456);
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"1234.56\"");
        let back: Money = serde_json::from_str("\"£1,234.56\"").unwrap();
        assert_eq!(back, m);
        let from_num: Money = serde_json::from_str("1234.56").unwrap();
        assert_eq!(from_num, m);
        let from_int: Money = serde_json::from_str("57428020").unwrap();
        assert_eq!(from_int, Money::from_pounds(57_428_020));
        let big: Money = serde_json::from_str("9999999999999.99").unwrap();
        assert_eq!(big, Money::from_decimal(dec!(9999999999999.99)).unwrap());
        assert!(serde_json::from_str::<Money>("1.234").is_err());
        assert!(serde_json::from_str::<Money>("\"x\"").is_err());
        assert!(serde_json::from_str::<Money>("true").is_err());
    }

    #[test]
    fn per_head_and_growth() {
        assert!(matches!(
            Money::from_pounds(1).per_head(Decimal::ZERO, RoundingRule::DEFAULT),
            Err(Error::DivisionByZero { .. })
        ));
        let grown = Money::from_pounds(100)
            .grow(Rate::new(dec!(-0.02)).unwrap(), 1, RoundingRule::DEFAULT)
            .unwrap();
        assert_eq!(grown, Money::from_pounds(98));
    }

    proptest! {
        #[test]
        fn prop_allocation_conserves_and_stays_within_a_penny(
            pence in -10_000_000_000i64..10_000_000_000,
            weights in proptest::collection::vec(0u32..1_000_000, 1..40),
        ) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let total = Money::from_pence(pence);
            let ws: Vec<Decimal> = weights.iter().map(|w| Decimal::from(*w)).collect();
            let parts = total.allocate(&ws).unwrap();
            prop_assert_eq!(Money::sum(parts.iter().copied()).unwrap(), total);
            let sum_w: Decimal = ws.iter().sum();
            for (part, w) in parts.iter().zip(&ws) {
                let exact = total.as_decimal() * *w / sum_w;
                prop_assert!((part.as_decimal() - exact).abs() < dec!(0.01));
                if w.is_zero() { prop_assert!(part.is_zero()); }
            }
            // Monotone: a larger weight never gets less (in magnitude).
            for (i, wi) in ws.iter().enumerate() {
                for (j, wj) in ws.iter().enumerate() {
                    if wi > wj {
                        prop_assert!(parts[i].abs() >= parts[j].abs());
                    }
                }
            }
        }

        #[test]
        fn prop_split_is_as_equal_as_pence_allow(pence in 0i64..1_000_000_000, n in 1usize..50) {
            let parts = Money::from_pence(pence).split(n).unwrap();
            prop_assert_eq!(parts.len(), n);
            prop_assert_eq!(Money::sum(parts.iter().copied()).unwrap(), Money::from_pence(pence));
            let max = parts.iter().max().unwrap();
            let min = parts.iter().min().unwrap();
            prop_assert!(max.checked_sub(*min).unwrap() <= Money::from_pence(1));
        }

        #[test]
        fn prop_serde_and_display_round_trip(pence in any::<i64>()) {
            let m = Money::from_pence(pence);
            let json = serde_json::to_string(&m).unwrap();
            prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
            prop_assert_eq!(m.to_string().parse::<Money>().unwrap(), m);
        }

        #[test]
        fn prop_parse_never_panics(s in ".{0,30}") {
            let _ = s.parse::<Money>();
        }

        #[test]
        fn prop_addition_matches_pence(a in -1_000_000_000_000i64..1_000_000_000_000, b in -1_000_000_000_000i64..1_000_000_000_000) {
            let sum = Money::from_pence(a).checked_add(Money::from_pence(b)).unwrap();
            prop_assert_eq!(sum.to_pence().unwrap(), a + b);
        }
    }
}
