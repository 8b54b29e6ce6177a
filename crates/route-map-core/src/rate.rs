//! Validated fractions: [`Rate`] (signed, per period), [`Share`] (a part of a whole) and
//! [`Percentage`] (a share written out of 100).
//!
//! All three hold an exact decimal and serialise as a decimal string.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

macro_rules! decimal_newtype {
    ($name:ident, $kind:literal, $range:literal, |$v:ident| $check:expr) => {
        impl $name {
            /// Validate and wrap an exact decimal.
            ///
            /// # Errors
            ///
            #[doc = concat!("[`Error::OutOfRange`] unless the value is ", $range, ".")]
            pub fn new(value: Decimal) -> Result<Self> {
                let $v = value;
                if $check {
                    Ok(Self(value))
                } else {
                    Err(Error::OutOfRange {
                        kind: $kind,
                        value,
                        range: $range,
                    })
                }
            }

            /// The value as an exact decimal fraction.
            #[must_use]
            pub fn as_decimal(self) -> Decimal {
                self.0
            }
        }

        impl TryFrom<Decimal> for $name {
            type Error = Error;
            fn try_from(value: Decimal) -> Result<Self> {
                Self::new(value)
            }
        }

        impl From<$name> for Decimal {
            fn from(value: $name) -> Decimal {
                value.0
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                let value = Decimal::from_str_exact(s.trim()).map_err(|_| Error::Invalid {
                    field: $kind.to_owned(),
                    reason: format!("{s:?} is not a decimal number"),
                })?;
                Self::new(value)
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": concat!("A ", $kind, " as an exact decimal: ", $range, "."),
                    "anyOf": [
                        { "type": "string", "pattern": r"^-?\d+(\.\d+)?$" },
                        { "type": "number" }
                    ]
                })
            }
        }
    };
}

/// A signed rate per period as a fraction: `0.025` is 2.5% growth, `-0.02` a 2% efficiency.
///
/// Valid from -1 (all of it lost) to 10 (1,000%); larger values are almost always a
/// percentage typed where a fraction was meant, so they are rejected.
///
/// # Examples
///
/// ```
/// use route_map_core::Rate;
/// let growth: Rate = "0.025".parse()?;
/// assert_eq!(growth, Rate::from_percent_decimal(rust_decimal::Decimal::new(25, 1))?);
/// assert!("-1.5".parse::<Rate>().is_err());
/// # Ok::<(), route_map_core::Error>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Rate(Decimal);

decimal_newtype!(Rate, "rate", "between -1 and 10 inclusive", |v| v
    >= Decimal::NEGATIVE_ONE
    && v <= Decimal::TEN);

impl Rate {
    /// Zero.
    pub const ZERO: Rate = Rate(Decimal::ZERO);

    /// A rate from a whole number of percent (`from_percent(3)` is 0.03).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] outside -100% to 1,000%.
    pub fn from_percent(percent: i64) -> Result<Rate> {
        Rate::from_percent_decimal(Decimal::from(percent))
    }

    /// A rate from a decimal number of percent (`2.5` is 0.025).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] outside -100% to 1,000%.
    pub fn from_percent_decimal(percent: Decimal) -> Result<Rate> {
        let value = percent
            .checked_div(Decimal::ONE_HUNDRED)
            .ok_or(Error::Overflow {
                operation: "percent to rate",
            })?;
        Rate::new(value)
    }

    /// `1 + rate`, the factor a value is multiplied by.
    #[must_use]
    pub fn factor(self) -> Decimal {
        Decimal::ONE + self.0
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = (self.0 * Decimal::ONE_HUNDRED).normalize();
        write!(f, "{pct}%")
    }
}

/// A part of a whole, from 0 to 1 inclusive: a commissioner's share, an achievement fraction,
/// a proportion at risk.
///
/// # Examples
///
/// ```
/// use route_map_core::Share;
/// let half: Share = "0.5".parse()?;
/// assert_eq!(half.complement(), half);
/// assert!("1.01".parse::<Share>().is_err());
/// # Ok::<(), route_map_core::Error>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Share(Decimal);

decimal_newtype!(Share, "share", "between 0 and 1 inclusive", |v| v
    >= Decimal::ZERO
    && v <= Decimal::ONE);

impl Share {
    /// Nothing.
    pub const ZERO: Share = Share(Decimal::ZERO);
    /// The whole.
    pub const ONE: Share = Share(Decimal::ONE);

    /// `1 - self`.
    #[must_use]
    pub fn complement(self) -> Share {
        Share(Decimal::ONE - self.0)
    }

    /// The share `numerator / denominator`.
    ///
    /// # Errors
    ///
    /// [`Error::DivisionByZero`] for a zero denominator, [`Error::OutOfRange`] when the ratio is
    /// not between 0 and 1.
    pub fn ratio(numerator: Decimal, denominator: Decimal) -> Result<Share> {
        if denominator.is_zero() {
            return Err(Error::DivisionByZero {
                operation: "share ratio",
            });
        }
        let value = numerator.checked_div(denominator).ok_or(Error::Overflow {
            operation: "share ratio",
        })?;
        Share::new(value)
    }

    /// Clamp any decimal into `[0, 1]` (for results that are shares by construction).
    #[must_use]
    pub fn saturating(value: Decimal) -> Share {
        Share(value.clamp(Decimal::ZERO, Decimal::ONE))
    }

    /// This share as a percentage.
    #[must_use]
    pub fn to_percentage(self) -> Percentage {
        Percentage(self.0 * Decimal::ONE_HUNDRED)
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_percentage(), f)
    }
}

/// A share written out of 100, from 0 to 100 inclusive, as people write it (`2.5` is 2.5%).
///
/// # Examples
///
/// ```
/// use route_map_core::{Percentage, Share};
/// let p: Percentage = "2.5".parse()?;
/// assert_eq!(p.to_share(), "0.025".parse::<Share>()?);
/// assert_eq!(p.to_string(), "2.5%");
/// # Ok::<(), route_map_core::Error>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Percentage(Decimal);

decimal_newtype!(
    Percentage,
    "percentage",
    "between 0 and 100 inclusive",
    |v| v >= Decimal::ZERO && v <= Decimal::ONE_HUNDRED
);

impl Percentage {
    /// The equivalent share (exact: divides by 100).
    #[must_use]
    pub fn to_share(self) -> Share {
        Share(self.0 / Decimal::ONE_HUNDRED)
    }
}

impl fmt::Display for Percentage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0.normalize())
    }
}

/// Growth between two values as a rate: `later / earlier - 1`.
///
/// # Errors
///
/// [`Error::DivisionByZero`] when `earlier` is zero; [`Error::OutOfRange`] when the growth is
/// outside a [`Rate`]'s range.
///
/// # Examples
///
/// ```
/// use route_map_core::rate::growth_between;
/// use rust_decimal::Decimal;
/// let r = growth_between(Decimal::from(200), Decimal::from(210))?;
/// assert_eq!(r.to_string(), "5%");
/// # Ok::<(), route_map_core::Error>(())
/// ```
pub fn growth_between(earlier: Decimal, later: Decimal) -> Result<Rate> {
    if earlier.is_zero() {
        return Err(Error::DivisionByZero {
            operation: "growth rate",
        });
    }
    let ratio = later.checked_div(earlier).ok_or(Error::Overflow {
        operation: "growth rate",
    })?;
    Rate::new(ratio - Decimal::ONE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn ranges_are_enforced() {
        assert!(Rate::new(dec!(-1)).is_ok());
        assert!(Rate::new(dec!(10)).is_ok());
        assert!(matches!(
            Rate::new(dec!(-1.01)),
            Err(Error::OutOfRange { kind: "rate", .. })
        ));
        assert!(Share::new(dec!(-0.0001)).is_err());
        assert!(Share::new(dec!(1.0001)).is_err());
        assert!(Percentage::new(dec!(100.1)).is_err());
        assert!(Percentage::new(dec!(-1)).is_err());
        assert!("abc".parse::<Share>().is_err());
    }

    #[test]
    fn serde_validates() {
        let s: Share = serde_json::from_str("\"0.25\"").unwrap();
        assert_eq!(s.as_decimal(), dec!(0.25));
        assert!(serde_json::from_str::<Share>("\"1.5\"").is_err());
        assert!(serde_json::from_str::<Rate>("-3").is_err());
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"0.25\"");
    }

    #[test]
    fn ratio_and_display() {
        assert_eq!(Share::ratio(dec!(1), dec!(4)).unwrap().to_string(), "25%");
        assert!(matches!(
            Share::ratio(dec!(1), dec!(0)),
            Err(Error::DivisionByZero { .. })
        ));
        assert!(Share::ratio(dec!(5), dec!(4)).is_err());
        assert_eq!(Rate::from_percent(-2).unwrap().to_string(), "-2%");
        assert!(growth_between(dec!(0), dec!(1)).is_err());
    }
}
