//! Integer arithmetic in pence for the hot path: shares as integers scaled by 10^12, division
//! with a named [`RoundingRule`], and a non-allocating largest-remainder split that gives the
//! same pence as [`route_map_core::money::allocate_units`].

use route_map_core::{Money, RoundingRule};
use rust_decimal::Decimal;

use super::error::{PaymentError, Result};

/// Shares and achievements are held as integers over this scale (12 decimal places): exact for
/// any value given to 12 decimal places, which covers every published rate and score.
pub(crate) const SCALE: i128 = 1_000_000_000_000;

fn pow10(n: u32) -> Result<i128> {
    10i128.checked_pow(n).ok_or(overflow("scaling a decimal"))
}

fn overflow(operation: &'static str) -> PaymentError {
    PaymentError::Overflow { operation }
}

/// `n / d` rounded to an integer by `rule`; `d` must be positive.
pub(crate) fn div_round(n: i128, d: i128, rule: RoundingRule) -> Result<i128> {
    if d <= 0 {
        return Err(overflow("division by a non-positive denominator"));
    }
    let q = n.div_euclid(d);
    let r = n.rem_euclid(d);
    if r == 0 {
        return Ok(q);
    }
    // q is the floor; the exact value lies strictly between q and q + 1.
    let up = match rule {
        RoundingRule::Floor => false,
        RoundingRule::Ceiling => true,
        RoundingRule::TowardZero => n < 0,
        RoundingRule::AwayFromZero => n > 0,
        RoundingRule::HalfAwayFromZero => {
            let twice = r.checked_mul(2).ok_or(overflow("rounding"))?;
            twice > d || (twice == d && n > 0)
        }
        RoundingRule::HalfEven => {
            let twice = r.checked_mul(2).ok_or(overflow("rounding"))?;
            twice > d || (twice == d && q.rem_euclid(2) == 1)
        }
        _ => return Err(PaymentError::UnsupportedRounding { rule }),
    };
    Ok(if up { q + 1 } else { q })
}

/// A decimal as an integer over [`SCALE`]; finer values are rounded by `rule`.
pub(crate) fn scaled(value: Decimal, rule: RoundingRule) -> Result<i128> {
    let m = value.mantissa();
    let s = value.scale();
    if s <= 12 {
        m.checked_mul(pow10(12 - s)?)
            .ok_or(overflow("scaling a decimal"))
    } else {
        div_round(m, pow10(s - 12)?, rule)
    }
}

/// Money in whole pence.
pub(crate) fn pence(m: Money) -> Result<i64> {
    Ok(m.to_pence()?)
}

/// Pence back to money, checking the range.
pub(crate) fn money(p: i128) -> Result<Money> {
    i64::try_from(p)
        .map(Money::from_pence)
        .map_err(|_| overflow("amount in pence"))
}

/// `amount * share / SCALE` rounded by `rule`.
pub(crate) fn apply(amount: i64, share: i128, rule: RoundingRule) -> Result<i64> {
    let n = i128::from(amount)
        .checked_mul(share)
        .ok_or(overflow("applying a rate"))?;
    narrow(div_round(n, SCALE, rule)?)
}

/// An `i128` result back to `i64` pence.
pub(crate) fn narrow(p: i128) -> Result<i64> {
    i64::try_from(p).map_err(|_| overflow("amount in pence"))
}

/// Divide integer weights by their greatest common divisor, so that the products in
/// [`allocate_into`] stay small (shares over 10^12 such as 0.7 and 0.3 become 7 and 3). The
/// split is unchanged: it depends only on the weights' ratios.
pub(crate) fn reduce_weights(weights: &mut [u64]) -> u128 {
    fn gcd(mut a: u64, mut b: u64) -> u64 {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    }
    let g = weights.iter().fold(0u64, |g, w| gcd(g, *w));
    if g > 1 {
        for w in weights.iter_mut() {
            *w /= g;
        }
    }
    weights.iter().map(|w| u128::from(*w)).sum()
}

/// Split `total` pence over integer `weights` (sum `sum` > 0) into `out`, by largest
/// remainder, with core's tie-break (larger remainder, then larger weight, then earlier
/// position). A negative total is split as its magnitude and negated. No allocation.
pub(crate) fn allocate_into(total: i64, weights: &[u64], sum: u128, out: &mut [i64]) {
    let magnitude = total.unsigned_abs();
    match u64::try_from(sum) {
        // Every product fits in 64 bits: the common case, with cheap divisions.
        Ok(sum64) if sum64 > 0 && magnitude.checked_mul(sum64).is_some() => {
            split_u64(magnitude, weights, sum64, out);
        }
        _ => split_u128(u128::from(magnitude), weights, sum.max(1), out),
    }
    if total < 0 {
        for o in out.iter_mut() {
            *o = -*o;
        }
    }
}

fn split_u64(magnitude: u64, weights: &[u64], sum: u64, out: &mut [i64]) {
    let mut allocated = 0u64;
    for (o, w) in out.iter_mut().zip(weights) {
        let part = magnitude * *w / sum;
        *o = i64::try_from(part).unwrap_or(i64::MAX);
        allocated += part;
    }
    let mut left = magnitude.saturating_sub(allocated);
    while left > 0 {
        let mut best: Option<(u64, u64, usize)> = None;
        for (i, (o, w)) in out.iter().zip(weights).enumerate() {
            let product = magnitude * *w;
            if u64::try_from(*o).unwrap_or(0) != product / sum {
                continue; // already given a spare penny
            }
            let rem = product % sum;
            if best.is_none_or(|(br, bw, _)| rem > br || (rem == br && *w > bw)) {
                best = Some((rem, *w, i));
            }
        }
        match best.and_then(|(_, _, i)| out.get_mut(i)) {
            Some(o) => *o += 1,
            None => break,
        }
        left -= 1;
    }
}

fn split_u128(magnitude: u128, weights: &[u64], sum: u128, out: &mut [i64]) {
    let mut allocated = 0u128;
    for (o, w) in out.iter_mut().zip(weights) {
        let part = magnitude * u128::from(*w) / sum;
        *o = i64::try_from(part).unwrap_or(i64::MAX);
        allocated += part;
    }
    let mut left = magnitude.saturating_sub(allocated);
    while left > 0 {
        let mut best: Option<(u128, u64, usize)> = None;
        for (i, (o, w)) in out.iter().zip(weights).enumerate() {
            let product = magnitude * u128::from(*w);
            if u128::try_from(*o).unwrap_or(0) != product / sum {
                continue; // already given a spare penny
            }
            let rem = product % sum;
            if best.is_none_or(|(br, bw, _)| rem > br || (rem == br && *w > bw)) {
                best = Some((rem, *w, i));
            }
        }
        match best.and_then(|(_, _, i)| out.get_mut(i)) {
            Some(o) => *o += 1,
            None => break,
        }
        left -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounding_rules_on_halves_and_negatives() {
        let r = |n, d, rule| div_round(n, d, rule).unwrap();
        assert_eq!(r(5, 2, RoundingRule::HalfAwayFromZero), 3);
        assert_eq!(r(-5, 2, RoundingRule::HalfAwayFromZero), -3);
        assert_eq!(r(5, 2, RoundingRule::HalfEven), 2);
        assert_eq!(r(7, 2, RoundingRule::HalfEven), 4);
        assert_eq!(r(-5, 2, RoundingRule::HalfEven), -2);
        assert_eq!(r(7, 3, RoundingRule::TowardZero), 2);
        assert_eq!(r(-7, 3, RoundingRule::TowardZero), -2);
        assert_eq!(r(7, 3, RoundingRule::AwayFromZero), 3);
        assert_eq!(r(-7, 3, RoundingRule::AwayFromZero), -3);
        assert_eq!(r(-7, 3, RoundingRule::Floor), -3);
        assert_eq!(r(-7, 3, RoundingRule::Ceiling), -2);
        assert!(div_round(1, 0, RoundingRule::Floor).is_err());
    }

    #[test]
    fn scaling_is_exact_to_twelve_places() {
        let r = RoundingRule::DEFAULT;
        assert_eq!(scaled(dec!(0.0125), r).unwrap(), 12_500_000_000);
        assert_eq!(scaled(dec!(1), r).unwrap(), SCALE);
        assert_eq!(scaled(dec!(0.0000000000005), r).unwrap(), 1);
        assert_eq!(scaled(dec!(0.0000000000004), r).unwrap(), 0);
    }

    proptest! {
        #[test]
        fn prop_rounding_matches_decimal(n in -1_000_000_000i64..1_000_000_000, d in 1i64..100_000) {
            for rule in [RoundingRule::HalfAwayFromZero, RoundingRule::HalfEven, RoundingRule::TowardZero,
                         RoundingRule::AwayFromZero, RoundingRule::Floor, RoundingRule::Ceiling] {
                let exact = Decimal::from(n) / Decimal::from(d);
                let expected = rule.round_dp(exact, 0);
                let got = div_round(i128::from(n), i128::from(d), rule).unwrap();
                prop_assert_eq!(Decimal::from(got), expected);
            }
        }

        #[test]
        fn prop_allocation_matches_core(total in -10_000_000_000i64..10_000_000_000,
                                        weights in proptest::collection::vec(
                                            prop_oneof![0u64..1_000, 0u64..1_000_000_000_000], 1..12)) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let sum: u128 = weights.iter().map(|w| u128::from(*w)).sum();
            let mut out = vec![0i64; weights.len()];
            allocate_into(total, &weights, sum, &mut out);
            let wide: Vec<u128> = weights.iter().map(|w| u128::from(*w)).collect();
            let core = route_map_core::money::allocate_units(u128::from(total.unsigned_abs()), &wide).unwrap();
            let core: Vec<i64> = core.into_iter().map(|c| {
                let c = i64::try_from(c).unwrap();
                if total < 0 { -c } else { c }
            }).collect();
            prop_assert_eq!(&out, &core);
            let mut reduced = weights.clone();
            let rsum = reduce_weights(&mut reduced);
            let mut out2 = vec![0i64; weights.len()];
            allocate_into(total, &reduced, rsum, &mut out2);
            prop_assert_eq!(out2, core);
        }
    }
}
