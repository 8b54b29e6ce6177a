//! Weights: validation and normalisation to shares that sum exactly to one.

use route_map_core::Share;
use route_map_core::money::allocate_units;
use rust_decimal::Decimal;

use crate::curve::ACHIEVEMENT_DP;
use crate::error::{Error, Result};

/// The largest weight accepted: bounding weights keeps every weighted sum exact.
pub const MAX_WEIGHT: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// The most decimal places a weight may have.
pub const MAX_WEIGHT_DP: u32 = 6;

/// Check that weights are not negative, not above [`MAX_WEIGHT`], have at most
/// [`MAX_WEIGHT_DP`] decimal places and do not sum to zero; return their sum. and do not sum to zero; return their sum.
///
/// `items` name the weighted things for the error message.
///
/// # Errors
///
/// [`Error::Empty`] for no weights, [`Error::NegativeWeight`], [`Error::WeightOutOfRange`],
/// [`Error::ZeroWeights`].
pub fn check<'a>(
    weights: impl IntoIterator<Item = (&'a str, Decimal)>,
    context: &str,
) -> Result<Decimal> {
    let mut total = Decimal::ZERO;
    let mut any = false;
    for (item, w) in weights {
        any = true;
        check_one(item, w, context)?;
        total = total
            .checked_add(w)
            .ok_or(Error::Core(route_map_core::Error::Overflow {
                operation: "weight sum",
            }))?;
    }
    if !any {
        return Err(Error::Empty {
            context: context.to_owned(),
            what: "weights",
        });
    }
    if total.is_zero() {
        return Err(Error::ZeroWeights {
            context: context.to_owned(),
        });
    }
    Ok(total)
}

/// Check one weight: not negative, not above [`MAX_WEIGHT`], at most [`MAX_WEIGHT_DP`]
/// decimal places (zero is allowed: an indicator monitored but not paid on).
///
/// # Errors
///
/// [`Error::NegativeWeight`] or [`Error::WeightOutOfRange`].
pub fn check_one(item: &str, weight: Decimal, context: &str) -> Result<()> {
    if weight.is_sign_negative() && !weight.is_zero() {
        return Err(Error::NegativeWeight {
            context: context.to_owned(),
            item: item.to_owned(),
            weight,
        });
    }
    if weight > MAX_WEIGHT || weight.normalize().scale() > MAX_WEIGHT_DP {
        return Err(Error::WeightOutOfRange {
            context: context.to_owned(),
            item: item.to_owned(),
            weight,
        });
    }
    Ok(())
}

/// Normalise weights to shares with [`ACHIEVEMENT_DP`] decimal places that sum exactly to
/// one, by the largest-remainder method (ties to the earlier weight), so no fraction of the
/// money at stake is lost or invented.
///
/// # Errors
///
/// [`Error::Empty`], [`Error::NegativeWeight`], [`Error::WeightOutOfRange`],
/// [`Error::ZeroWeights`].
///
/// # Examples
///
/// ```
/// use outcomes::weights::normalise;
/// use rust_decimal::Decimal;
/// let shares = normalise(&[Decimal::ONE, Decimal::ONE, Decimal::ONE], "domains")?;
/// assert_eq!(shares[0].as_decimal().to_string(), "0.3333333334");
/// let sum: Decimal = shares.iter().map(|s| s.as_decimal()).sum();
/// assert_eq!(sum, Decimal::ONE);
/// # Ok::<(), outcomes::Error>(())
/// ```
pub fn normalise(weights: &[Decimal], context: &str) -> Result<Vec<Share>> {
    check(weights.iter().map(|w| ("weight", *w)), context)?;
    normalise_unchecked(weights)
}

/// Largest remainder over weights already known to be non-negative with a positive sum and
/// at most 28 decimal places below one million.
pub(crate) fn normalise_unchecked(weights: &[Decimal]) -> Result<Vec<Share>> {
    let overflow = || {
        Error::Core(route_map_core::Error::Overflow {
            operation: "weight normalisation",
        })
    };
    let max_scale = weights
        .iter()
        .map(|w| w.normalize().scale())
        .max()
        .unwrap_or(0);
    let units = weights
        .iter()
        .map(|w| {
            let n = w.normalize();
            let factor = 10u128
                .checked_pow(max_scale - n.scale())
                .ok_or_else(overflow)?;
            n.mantissa()
                .unsigned_abs()
                .checked_mul(factor)
                .ok_or_else(overflow)
        })
        .collect::<Result<Vec<u128>>>()?;
    let whole = 10u128.pow(ACHIEVEMENT_DP);
    allocate_units(whole, &units)?
        .into_iter()
        .map(|u| {
            let signed = i128::try_from(u).map_err(|_| overflow())?;
            let d = Decimal::try_from_i128_with_scale(signed, ACHIEVEMENT_DP)
                .map_err(|_| overflow())?;
            Ok(Share::new(d)?)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn errors() {
        assert!(matches!(normalise(&[], "x"), Err(Error::Empty { .. })));
        assert!(matches!(
            normalise(&[dec!(0), dec!(0)], "domains"),
            Err(Error::ZeroWeights { .. })
        ));
        assert!(matches!(
            normalise(&[dec!(1), dec!(-1)], "domains"),
            Err(Error::NegativeWeight { .. })
        ));
        assert!(matches!(
            normalise(&[dec!(1), dec!(1000000.1)], "domains"),
            Err(Error::WeightOutOfRange { .. })
        ));
        assert!(matches!(
            normalise(&[dec!(0.0000001)], "domains"),
            Err(Error::WeightOutOfRange { .. })
        ));
        assert_eq!(
            Error::ZeroWeights {
                context: "domains".into()
            }
            .to_string(),
            "domains: weights sum to zero"
        );
    }

    proptest! {
        #[test]
        fn prop_weights_normalise(w in route_map_core::strategies::weights(), scale in 0u32..4) {
            let weights: Vec<Decimal> = w.iter().map(|x| { let mut d = *x; d.set_scale(scale).unwrap(); d }).collect();
            let shares = normalise(&weights, "p").unwrap();
            let total: Decimal = weights.iter().sum();
            let sum: Decimal = shares.iter().map(|s| s.as_decimal()).sum();
            prop_assert_eq!(sum, Decimal::ONE);
            for (s, w) in shares.iter().zip(&weights) {
                let exact = *w / total;
                prop_assert!((s.as_decimal() - exact).abs() < Decimal::new(1, ACHIEVEMENT_DP));
                if w.is_zero() { prop_assert_eq!(s.as_decimal(), Decimal::ZERO); }
            }
        }
    }
}
