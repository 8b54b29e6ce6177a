//! A validated contract, compiled into per-year plans in integer pence.
//!
//! Everything that does not depend on a year's results (base annual contract values, the
//! split of each value into fixed element, CQUIN and incentive pots, the instalments and each
//! commissioner's part of them, targets and caps) is computed once here, so that settling a
//! year only applies the results.

use route_map_core::{FinancialYear, Money, RoundingRule};
use serde::{Deserialize, Serialize};

use super::error::{PaymentError, Result};
use super::terms::RawContract;

/// A contract's payment terms, validated and ready to settle contract years.
///
/// Built from a [`RawContract`] by [`Contract::new`]; it serialises back to the raw terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawContract", into = "RawContract")]
#[schemars(with = "RawContract")]
pub struct Contract {
    raw: RawContract,
    #[serde(skip)]
    pub(crate) c: Compiled,
}

impl From<Contract> for RawContract {
    fn from(c: Contract) -> RawContract {
        c.raw
    }
}

impl TryFrom<RawContract> for Contract {
    type Error = PaymentError;
    fn try_from(raw: RawContract) -> Result<Contract> {
        Contract::new(raw)
    }
}

/// Most parties a gain/loss share may have (their split is done on the stack).
pub const MAX_PARTIES: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum CFormula {
    #[default]
    Proportional,
    ProportionMet {
        met_at: i128,
    },
    Banded {
        met_at: i128,
        bands: Vec<(i128, i128)>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CSide {
    pub threshold: i128,
    pub excess_only: bool,
    pub corridors: Vec<(i128, i128)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CQuality {
    None,
    Scaled,
    Gate(i128),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CRisk {
    pub gain: CSide,
    pub loss: Option<CSide>,
    pub quality: CQuality,
    pub party_w: Vec<u64>,
    pub party_sum: u128,
    pub lead: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CVariable {
    pub price: i64,
    pub above: i128,
    pub below: i128,
}

/// Everything about one contract year that does not depend on its results.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct YearPlan {
    pub fy: Option<FinancialYear>,
    pub previous: i64,
    pub growth: i64,
    pub efficiency: i64,
    pub variations: Vec<(String, i64)>,
    pub bacv: i64,
    pub at_risk: i128,
    pub on_milestones: i128,
    pub pot: i64,
    pub fixed: i64,
    pub cquin: i64,
    pub cquin_rate: i128,
    pub cquin_parts: Vec<i64>,
    pub milestone_pot: i64,
    pub outcome_pot: i64,
    /// Columns (into the sorted milestone ids) and weights of the milestones due.
    pub milestone_cols: Vec<usize>,
    pub milestone_w: Vec<u64>,
    pub milestone_wsum: i128,
    pub advance: i64,
    pub planned: i64,
    pub instalments: [i64; 12],
    /// Each commissioner's part of each planned instalment: `[month][commissioner]`.
    pub instalments_by_comm: Vec<i64>,
    pub plan_units: Option<i64>,
    pub target: Option<i64>,
    pub gain_caps: Vec<i64>,
    pub loss_caps: Vec<i64>,
    pub onward_fixed: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Compiled {
    pub rule: RoundingRule,
    pub plans: Vec<YearPlan>,
    pub comm_w: Vec<u64>,
    pub comm_sum: u128,
    /// Sorted ids of every indicator the contract reads (incentive and CQUIN).
    pub measure_ids: Vec<String>,
    pub outcome_cols: Vec<usize>,
    pub outcome_w: Vec<u64>,
    pub outcome_wsum: i128,
    pub formula: CFormula,
    pub cquin_cols: Vec<usize>,
    /// Sorted ids of every milestone.
    pub milestone_ids: Vec<String>,
    pub variable: Option<CVariable>,
    pub risk: Option<CRisk>,
    pub pass_through: Vec<i128>,
    pub incentive_in_advance: bool,
}

impl Contract {
    /// Validate the terms and compile them into per-year plans.
    ///
    /// # Errors
    ///
    /// - [`PaymentError::SharesDoNotSumToOne`] for commissioner or party shares;
    /// - [`PaymentError::NegativeRate`] / [`PaymentError::RateOutOfRange`] for a rate, share or
    ///   weight out of range; [`PaymentError::NegativeCap`] for a cap below zero;
    /// - [`PaymentError::OverlappingCorridors`], [`PaymentError::CorridorsDoNotStartAtZero`],
    ///   [`PaymentError::InvalidBands`];
    /// - [`PaymentError::PhasingGap`] / [`PaymentError::OverlappingPhases`] when the phasing
    ///   schedule does not give every contract year exactly one phase;
    /// - [`PaymentError::YearOutsideTerm`], [`PaymentError::MissingYearValue`],
    ///   [`PaymentError::Duplicate`], [`PaymentError::Empty`],
    ///   [`PaymentError::NothingToPayOn`], [`PaymentError::NegativeAmount`],
    ///   [`PaymentError::NonPositiveTarget`], [`PaymentError::WeightsTooFine`];
    /// - [`PaymentError::Core`] for a growth rate outside a [`route_map_core::Rate`]'s range or a term
    ///   running past the supported financial years.
    pub fn new(raw: RawContract) -> Result<Contract> {
        let c = super::compile::compile(&raw)?;
        Ok(Contract { raw, c })
    }

    /// The terms as written.
    #[must_use]
    pub fn terms(&self) -> &RawContract {
        &self.raw
    }

    /// Name of the contract.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.raw.name
    }

    /// Number of contract years.
    #[must_use]
    pub fn years(&self) -> u32 {
        self.raw.years
    }

    /// The rounding rule of the contract.
    #[must_use]
    pub fn rounding(&self) -> RoundingRule {
        self.c.rule
    }

    pub(crate) fn plan(&self, year: u32) -> Result<&YearPlan> {
        usize::try_from(year)
            .ok()
            .and_then(|y| y.checked_sub(1))
            .and_then(|i| self.c.plans.get(i))
            .ok_or(PaymentError::NoSuchYear {
                year,
                years: self.raw.years,
            })
    }

    /// The financial year of contract year `year`.
    ///
    /// # Errors
    ///
    /// [`PaymentError::NoSuchYear`] outside the term.
    pub fn financial_year(&self, year: u32) -> Result<FinancialYear> {
        let plan = self.plan(year)?;
        plan.fy.ok_or(PaymentError::NoSuchYear {
            year,
            years: self.raw.years,
        })
    }

    /// The base annual contract value of contract year `year`, after roll-forward.
    ///
    /// # Errors
    ///
    /// [`PaymentError::NoSuchYear`] outside the term.
    ///
    /// ```
    /// # use capitation::payment::*;
    /// # let contract = capitation::payment::illustrative::coventry()?;
    /// assert_eq!(contract.base_value(1)?, "21,700,479".parse()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn base_value(&self, year: u32) -> Result<Money> {
        Ok(Money::from_pence(self.plan(year)?.bacv))
    }

    /// The fixed element of contract year `year`.
    ///
    /// # Errors
    ///
    /// [`PaymentError::NoSuchYear`] outside the term.
    pub fn fixed_element(&self, year: u32) -> Result<Money> {
        Ok(Money::from_pence(self.plan(year)?.fixed))
    }

    /// The planned monthly instalments of contract year `year` (before in-year adjustments).
    ///
    /// # Errors
    ///
    /// [`PaymentError::NoSuchYear`] outside the term.
    pub fn planned_instalments(&self, year: u32) -> Result<[Money; 12]> {
        Ok(self.plan(year)?.instalments.map(Money::from_pence))
    }

    /// The indicator ids the contract reads (incentive and CQUIN), sorted.
    #[must_use]
    pub fn indicator_ids(&self) -> &[String] {
        &self.c.measure_ids
    }

    /// The milestone ids, sorted.
    #[must_use]
    pub fn milestone_ids(&self) -> &[String] {
        &self.c.milestone_ids
    }
}

impl Contract {
    /// A year's results with every indicator and every milestone due at `achievement`,
    /// activity at plan and actual cost at target: the baseline for scenarios and tests.
    ///
    /// # Errors
    ///
    /// [`PaymentError::NoSuchYear`] outside the term.
    ///
    /// ```
    /// use capitation::payment::illustrative;
    /// use route_map_core::Share;
    /// let c = illustrative::coventry()?;
    /// let o = c.uniform_outturn(3, Share::ZERO)?;
    /// assert_eq!(o.achievement.len(), c.indicator_ids().len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn uniform_outturn(
        &self,
        year: u32,
        achievement: route_map_core::Share,
    ) -> Result<super::YearOutturn> {
        let plan = self.plan(year)?;
        let milestones = self
            .raw
            .incentive
            .milestones
            .iter()
            .filter(|m| m.year == year)
            .map(|m| (m.id.clone(), achievement))
            .collect();
        Ok(super::YearOutturn {
            achievement: self
                .c
                .measure_ids
                .iter()
                .map(|id| (id.clone(), achievement))
                .collect(),
            milestones,
            activity: plan.plan_units,
            actual_cost: plan.target.map(Money::from_pence),
            adjustments: Vec::new(),
        })
    }
}
