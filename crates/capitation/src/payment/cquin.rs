//! CQUIN indicator scoring: the sliding scale between a lower and an upper threshold.

use route_map_core::Share;
use rust_decimal::Decimal;

use super::error::{PaymentError, Result};

/// Achievement of a CQUIN indicator on a sliding scale: nothing at or beyond `nothing_at`,
/// everything at or beyond `full_at`, linear (and exact) in between. When `full_at` is below
/// `nothing_at` the indicator is "lower is better".
///
/// This is the scoring rule of CQUIN indicators (for example the 2019/20 staff flu
/// vaccination CQUIN: nothing below 60% uptake, in full from 80%); general achievement curves
/// belong to the `outcomes` crate, whose results the engine takes as they are.
///
/// # Errors
///
/// [`PaymentError::InvalidBands`] when the two thresholds are equal.
///
/// ```
/// use capitation::payment::sliding_scale;
/// use rust_decimal_macros::dec;
/// assert_eq!(sliding_scale(dec!(70), dec!(60), dec!(80))?.to_string(), "50%");
/// assert_eq!(sliding_scale(dec!(55), dec!(60), dec!(80))?.to_string(), "0%");
/// assert_eq!(sliding_scale(dec!(12), dec!(20), dec!(10))?.to_string(), "80%");
/// # Ok::<(), capitation::payment::PaymentError>(())
/// ```
pub fn sliding_scale(measured: Decimal, nothing_at: Decimal, full_at: Decimal) -> Result<Share> {
    let span = full_at - nothing_at;
    if span.is_zero() {
        return Err(PaymentError::InvalidBands {
            field: "sliding scale".into(),
            reason: format!("thresholds are both {full_at}"),
        });
    }
    let value = (measured - nothing_at)
        .checked_div(span)
        .ok_or(PaymentError::Overflow {
            operation: "sliding scale",
        })?;
    Ok(Share::saturating(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn thresholds_and_errors() {
        assert_eq!(
            sliding_scale(dec!(80), dec!(60), dec!(80)).unwrap(),
            Share::ONE
        );
        assert_eq!(
            sliding_scale(dec!(90), dec!(60), dec!(80)).unwrap(),
            Share::ONE
        );
        assert_eq!(
            sliding_scale(dec!(60), dec!(60), dec!(80)).unwrap(),
            Share::ZERO
        );
        assert!(matches!(
            sliding_scale(dec!(1), dec!(5), dec!(5)),
            Err(PaymentError::InvalidBands { .. })
        ));
    }
}
