//! What counts in which contract year.
//!
//! Seed 003 pays the performance element of the Coventry and Warwickshire Out of Hospital
//! contract on agreed transformation milestones in year 1 and on improved outcomes by year 3;
//! the element must also cover CQUIN. A [`PhasingSchedule`] records that as shares of the
//! incentive by [`IncentiveBasis`], each entry in force from its contract year until the next
//! entry, the first entry at year 1 so that every year is covered.

use std::collections::BTreeSet;

use route_map_core::{Share, SourceRef};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::indicator::IncentiveBasis;

/// The share of the incentive paid on one basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BasisShare {
    /// The basis.
    pub basis: IncentiveBasis,
    /// Its share of the incentive.
    pub share: Share,
}

/// The split of the incentive from a contract year on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// First contract year (from 1) this split applies to.
    pub from_year: u32,
    /// Shares by basis, summing to exactly one.
    pub shares: Vec<BasisShare>,
    /// Where the split comes from.
    pub source: SourceRef,
}

/// A phasing schedule as written, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPhasingSchedule {
    /// Phases in order of `from_year`, the first from year 1.
    pub phases: Vec<Phase>,
}

/// A validated phasing schedule.
///
/// # Examples
///
/// ```
/// use outcomes::phasing::*;
/// use outcomes::IncentiveBasis;
/// use route_map_core::{Share, SourceRef};
/// let phase = |from_year, basis| Phase {
///     from_year,
///     shares: vec![BasisShare { basis, share: Share::ONE }],
///     source: SourceRef::new("seed 003"),
/// };
/// let schedule = PhasingSchedule::new(RawPhasingSchedule {
///     phases: vec![phase(1, IncentiveBasis::Milestones), phase(3, IncentiveBasis::Outcomes)],
/// })?;
/// assert_eq!(schedule.share(2, IncentiveBasis::Milestones)?, Share::ONE);
/// assert_eq!(schedule.share(5, IncentiveBasis::Outcomes)?, Share::ONE);
/// # Ok::<(), outcomes::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawPhasingSchedule", into = "RawPhasingSchedule")]
pub struct PhasingSchedule {
    raw: RawPhasingSchedule,
}

impl schemars::JsonSchema for PhasingSchedule {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PhasingSchedule".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        RawPhasingSchedule::json_schema(generator)
    }
}

impl TryFrom<RawPhasingSchedule> for PhasingSchedule {
    type Error = Error;
    fn try_from(raw: RawPhasingSchedule) -> Result<Self> {
        PhasingSchedule::new(raw)
    }
}

impl From<PhasingSchedule> for RawPhasingSchedule {
    fn from(s: PhasingSchedule) -> Self {
        s.raw
    }
}

impl PhasingSchedule {
    /// Validate a schedule.
    ///
    /// # Errors
    ///
    /// [`Error::Phasing`] when there are no phases, the first does not start at year 1, years
    /// do not increase, a basis appears twice in a phase, or a phase's shares do not sum to
    /// exactly one.
    pub fn new(raw: RawPhasingSchedule) -> Result<PhasingSchedule> {
        let err = |reason: String| Err(Error::Phasing { reason });
        match raw.phases.first() {
            None => return err("no phases".into()),
            Some(p) if p.from_year != 1 => {
                return err(format!(
                    "the first phase starts in contract year {}, so earlier years are not covered (it must start in year 1)",
                    p.from_year
                ));
            }
            Some(_) => {}
        }
        let mut previous = 0;
        for p in &raw.phases {
            if p.from_year <= previous {
                return err(format!(
                    "phase from year {} does not follow year {previous}",
                    p.from_year
                ));
            }
            previous = p.from_year;
            let mut seen = BTreeSet::new();
            let mut total = Decimal::ZERO;
            for s in &p.shares {
                if !seen.insert(s.basis) {
                    return err(format!(
                        "basis {} appears twice from year {}",
                        s.basis, p.from_year
                    ));
                }
                total += s.share.as_decimal();
            }
            if total != Decimal::ONE {
                return err(format!(
                    "shares from year {} sum to {total}, not 1",
                    p.from_year
                ));
            }
        }
        Ok(PhasingSchedule { raw })
    }

    /// The phase in force in a contract year.
    ///
    /// # Errors
    ///
    /// [`Error::Phasing`] for contract year 0.
    pub fn phase(&self, contract_year: u32) -> Result<&Phase> {
        self.raw
            .phases
            .iter()
            .rev()
            .find(|p| p.from_year <= contract_year)
            .ok_or_else(|| Error::Phasing {
                reason: format!(
                    "contract year {contract_year} is not covered (years count from 1)"
                ),
            })
    }

    /// The share of the incentive paid on `basis` in a contract year (zero when the basis does
    /// not count that year).
    ///
    /// # Errors
    ///
    /// [`Error::Phasing`] for contract year 0.
    pub fn share(&self, contract_year: u32, basis: IncentiveBasis) -> Result<Share> {
        Ok(self
            .phase(contract_year)?
            .shares
            .iter()
            .find(|s| s.basis == basis)
            .map_or(Share::ZERO, |s| s.share))
    }

    /// The phases.
    #[must_use]
    pub fn phases(&self) -> &[Phase] {
        &self.raw.phases
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn phase(from_year: u32, shares: &[(IncentiveBasis, Decimal)]) -> Phase {
        Phase {
            from_year,
            shares: shares
                .iter()
                .map(|(basis, s)| BasisShare {
                    basis: *basis,
                    share: Share::new(*s).unwrap(),
                })
                .collect(),
            source: SourceRef::new("test"),
        }
    }

    #[test]
    fn bad_schedules() {
        use IncentiveBasis::*;
        let mk = |phases| PhasingSchedule::new(RawPhasingSchedule { phases });
        assert!(matches!(mk(vec![]), Err(Error::Phasing { .. })));
        let e = mk(vec![phase(2, &[(Outcomes, dec!(1))])]).unwrap_err();
        assert!(e.to_string().contains("must start in year 1"));
        assert!(mk(vec![phase(1, &[(Outcomes, dec!(0.5))])]).is_err());
        assert!(
            mk(vec![phase(
                1,
                &[(Outcomes, dec!(0.5)), (Outcomes, dec!(0.5))]
            )])
            .is_err()
        );
        assert!(
            mk(vec![
                phase(1, &[(Outcomes, dec!(1))]),
                phase(1, &[(Outcomes, dec!(1))])
            ])
            .is_err()
        );
        let ok = mk(vec![
            phase(1, &[(Milestones, dec!(1))]),
            phase(2, &[(Milestones, dec!(0.5)), (Outcomes, dec!(0.5))]),
            phase(3, &[(Outcomes, dec!(1))]),
        ])
        .unwrap();
        assert_eq!(ok.share(2, Outcomes).unwrap().as_decimal(), dec!(0.5));
        assert_eq!(ok.share(7, Milestones).unwrap(), Share::ZERO);
        assert!(ok.share(0, Outcomes).is_err());
    }
}
