//! The contract's payment terms as written in its schedules: the input models.
//!
//! These are plain serde structs with public fields; rates and shares are exact decimals
//! checked when a [`super::Contract`] is built from them, so that a bad value is reported with
//! the path of the field that holds it.

use route_map_core::{FinancialYear, Money, RoundingRule};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

fn one() -> Decimal {
    Decimal::ONE
}

/// One commissioner of the contract and its share of every payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Commissioner {
    /// Identifier (an ODS code, for example `05A`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Share of every payment, from 0 to 1; the shares of all commissioners sum to 1.
    pub share: Decimal,
}

/// A change of scope agreed by contract variation, added to the base annual contract value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScopeVariation {
    /// What was added or removed.
    pub name: String,
    /// Its annual value: positive added, negative removed.
    pub amount: Money,
}

/// How the base annual contract value of a contract year is rolled forward from the previous
/// year's. A year with no entry keeps the previous value (seed 003: "set at the level of the
/// previous year's BACV").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RollForward {
    /// The contract year (2 or later) whose value this sets.
    pub year: u32,
    /// Agreed growth as a fraction (`0.021` is 2.1%); may be negative.
    #[serde(default)]
    pub growth: Decimal,
    /// Efficiency requirement as a fraction taken off the grown value (`0.02` is 2%).
    #[serde(default)]
    pub efficiency: Decimal,
    /// Scope variations added after growth and efficiency.
    #[serde(default)]
    pub variations: Vec<ScopeVariation>,
}

/// The incentive for a run of contract years: how much of the contract value is at risk and
/// how the pot is split between transformation milestones and outcomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Phase {
    /// First contract year of the phase.
    pub from_year: u32,
    /// Last contract year of the phase (inclusive).
    pub to_year: u32,
    /// Share of the base annual contract value at risk as the performance incentive payment.
    pub at_risk: Decimal,
    /// Share of the pot paid on milestones; the rest is paid on outcomes.
    pub on_milestones: Decimal,
}

/// An outcome indicator the incentive pays on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Indicator {
    /// Indicator id, the key of its achievement in [`super::YearAchievement`].
    pub id: String,
    /// Relative weight (default 1).
    #[serde(default = "one")]
    pub weight: Decimal,
}

/// A transformation milestone due in a contract year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Milestone {
    /// Milestone id, the key of its delivery in [`super::MilestoneDelivery`].
    pub id: String,
    /// What is to be delivered.
    pub description: String,
    /// The contract year it is due in.
    pub year: u32,
    /// Relative weight among the year's milestones (default 1).
    #[serde(default = "one")]
    pub weight: Decimal,
}

/// A step of a banded formula: from this weighted proportion of indicators met, this share of
/// the outcome pot is paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Band {
    /// Weighted proportion of indicators met at which the band starts (inclusive).
    pub from: Decimal,
    /// Share of the outcome pot paid in the band.
    pub pays: Decimal,
}

/// The agreed formula by which the outcome pot is paid "in proportion" when only some
/// indicators are met (seed 003).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Formula {
    /// Pays the weighted mean achievement: partial achievement earns partial payment.
    Proportional,
    /// Pays the weighted proportion of indicators met, an indicator being met when its
    /// achievement is at least `met_at`.
    ProportionMet {
        /// Achievement at which an indicator counts as met.
        met_at: Decimal,
    },
    /// Pays a step function of the weighted proportion of indicators met.
    Banded {
        /// Achievement at which an indicator counts as met.
        met_at: Decimal,
        /// The steps, ascending; the first starts at 0.
        bands: Vec<Band>,
    },
}

/// When the incentive is paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum IncentivePaid {
    /// Paid monthly on account assuming this achievement, reconciled at year end.
    InAdvance {
        /// The achievement assumed in the instalments (1 pays the whole pot on account).
        assumed: Decimal,
    },
    /// Paid at year end on the achievement reported.
    InArrears,
}

/// The performance incentive payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Incentive {
    /// The phasing schedule: every contract year in exactly one phase.
    pub phasing: Vec<Phase>,
    /// The outcome indicators.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// The transformation milestones.
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    /// The agreed formula for the outcome pot.
    pub formula: Formula,
    /// When it is paid.
    pub paid: IncentivePaid,
}

/// Where the CQUIN money comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CquinFunding {
    /// On top of the fixed element, as under the aligned payment and incentive rules.
    AddedToFixed,
    /// Carved out of the performance incentive pot (seed 003: the performance element "will
    /// also need to cover" CQUIN).
    WithinIncentive,
}

/// CQUIN: a share of the fixed element over equally weighted indicators, paid monthly in
/// advance and recovered for under-achievement at year end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Cquin {
    /// CQUIN value as a share of the fixed element (2022/23: 0.0125).
    pub rate: Decimal,
    /// Rates for particular contract years, overriding `rate` (for example the national rates
    /// from [`super::NationalParameters::cquin_rates`]).
    #[serde(default)]
    pub rate_by_year: Vec<YearRate>,
    /// The indicator ids, equally weighted.
    pub indicators: Vec<String>,
    /// Where the money comes from.
    pub funding: CquinFunding,
}

/// A rate for a contract year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct YearRate {
    /// The contract year.
    pub year: u32,
    /// The rate.
    pub rate: Decimal,
}

/// Units of activity planned for a contract year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct YearUnits {
    /// The contract year.
    pub year: u32,
    /// Planned units.
    pub units: i64,
}

/// A variable element: activity above plan is paid, and below plan refunded, at marginal
/// rates of the unit price (blended payment: 20%; API elective 2022/23: 75% above, 50% below).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VariableElement {
    /// What activity is counted.
    pub activity: String,
    /// The unit price.
    pub unit_price: Money,
    /// Planned units per contract year.
    pub plan: Vec<YearUnits>,
    /// Marginal rate paid for each unit above plan.
    pub above_plan: Decimal,
    /// Marginal rate refunded for each unit below plan.
    pub below_plan: Decimal,
}

/// An amount for a contract year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct YearAmount {
    /// The contract year.
    pub year: u32,
    /// The amount.
    pub amount: Money,
}

/// Whether a variance that clears the dead band is shared from the first pound or only beyond
/// the band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Sharing {
    /// The whole variance is shared once it reaches the threshold (MSSP, 42 CFR 425.604).
    FirstPound,
    /// Only the part beyond the threshold is shared (Medicare Part D corridors).
    ExcessOnly,
}

/// A risk corridor: the part of the variance from `from` (a share of the target cost) up to
/// the next corridor's start is shared at `rate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Corridor {
    /// Start of the corridor as a share of the target cost.
    pub from: Decimal,
    /// Share of the slice passed to the provider parties.
    pub rate: Decimal,
}

/// What a cap is a share of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CapBase {
    /// The year's target cost (the budget or benchmark).
    TargetCost,
    /// The year's base annual contract value.
    ContractValue,
    /// A stated revenue.
    Revenue {
        /// The revenue.
        amount: Money,
    },
}

/// A cap on the shared amount, as a share of a base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Cap {
    /// The cap as a share of the base.
    pub share: Decimal,
    /// The base.
    pub of: CapBase,
}

/// The sharing terms on one side (gains or losses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Side {
    /// Dead band: the minimum savings (or loss) rate, a share of the target cost, that the
    /// variance must equal or exceed before anything is shared.
    pub threshold: Decimal,
    /// First-pound or excess-only sharing.
    pub sharing: Sharing,
    /// The corridors, ascending from 0; one corridor is a single sharing rate.
    pub corridors: Vec<Corridor>,
    /// Caps on the shared amount; the lowest binds.
    #[serde(default)]
    pub caps: Vec<Cap>,
}

/// How quality moderates a shared gain, using the year's outcome score (the weighted mean
/// achievement of the incentive indicators).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum QualityRule {
    /// Quality does not affect the share.
    #[default]
    None,
    /// The shared gain is multiplied by the outcome score (MSSP: "max rate × quality score").
    Scaled,
    /// No gain is shared unless the outcome score reaches `min`.
    Gate {
        /// The minimum outcome score.
        min: Decimal,
    },
}

/// The role of a party to the gain/loss share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PartyRole {
    /// A commissioner keeping part of the shared amount.
    Commissioner,
    /// The lead provider: its part enters its statement.
    LeadProvider,
    /// An acute provider outside the contract.
    AcuteProvider,
    /// Anyone else.
    Other,
}

/// A party to the gain/loss share and its part of the shared amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Party {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: PartyRole,
    /// Part of the shared amount, from 0 to 1; parties' parts sum to 1.
    pub share: Decimal,
}

/// Gain and loss share against a target cost for a basket of activity (for example avoidable
/// emergency admissions at the acute providers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RiskShare {
    /// What the target cost covers.
    pub basket: String,
    /// Target cost per contract year.
    pub targets: Vec<YearAmount>,
    /// Terms for savings (actual below target).
    pub gain: Side,
    /// Terms for losses (actual above target); none for upside-only sharing.
    #[serde(default)]
    pub loss: Option<Side>,
    /// Quality moderation of gains.
    #[serde(default)]
    pub quality: QualityRule,
    /// The parties sharing the shared amount.
    pub parties: Vec<Party>,
}

/// How much of the fixed element the lead provider passes to a subcontractor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum OnwardBasis {
    /// A fixed annual amount.
    Amount {
        /// The amount.
        amount: Money,
    },
    /// A share of the fixed element.
    ShareOfFixed {
        /// The share.
        share: Decimal,
    },
}

/// A subcontract of the lead provider, for its onward payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Subcontract {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Services subcontracted.
    pub services: String,
    /// The fixed onward payment.
    pub fixed: OnwardBasis,
    /// Share of the lead's earned incentive (milestones, outcomes, CQUIN) passed on.
    #[serde(default)]
    pub incentive_pass_through: Decimal,
}

/// How the amount paid on account is spread over the twelve months.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum InstalmentProfile {
    /// Twelve equal instalments; spare pence go to the earliest months.
    #[default]
    Equal,
    /// Twelve weights (for example working days), by largest remainder.
    Weights {
        /// The weights, first month first.
        weights: Vec<Decimal>,
    },
}

/// A contract's payment terms as written: the input of [`super::Contract::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RawContract {
    /// Name of the contract.
    pub name: String,
    /// The lead provider.
    pub provider: String,
    /// The financial year of contract year 1 (contract years follow financial years).
    pub first_year: FinancialYear,
    /// Number of contract years.
    pub years: u32,
    /// Base annual contract value of contract year 1.
    pub base_value: Money,
    /// Roll-forward of the value to later years.
    #[serde(default)]
    pub roll_forward: Vec<RollForward>,
    /// The commissioners and their shares.
    pub commissioners: Vec<Commissioner>,
    /// The performance incentive payment.
    pub incentive: Incentive,
    /// CQUIN, if any.
    #[serde(default)]
    pub cquin: Option<Cquin>,
    /// A variable element, if any.
    #[serde(default)]
    pub variable: Option<VariableElement>,
    /// Gain and loss share, if any.
    #[serde(default)]
    pub risk_share: Option<RiskShare>,
    /// The lead provider's subcontracts, for onward payments.
    #[serde(default)]
    pub subcontracts: Vec<Subcontract>,
    /// Spread of the instalments.
    #[serde(default)]
    pub instalments: InstalmentProfile,
    /// Rounding of every step that can create fractions of a penny (caps always round down).
    #[serde(default)]
    pub rounding: RoundingRule,
}

impl Commissioner {
    /// Commissioners whose shares are in proportion to their contributions, exact to 12
    /// decimal places and summing exactly to 1 (the units of 10^-12 are split by largest
    /// remainder), for contracts commissioned jointly in proportion to what each brings.
    ///
    /// # Errors
    ///
    /// [`super::PaymentError::NegativeRate`] for a negative contribution;
    /// [`super::PaymentError::Core`] when there are none or all are zero.
    ///
    /// ```
    /// use capitation::payment::Commissioner;
    /// use route_map_core::Money;
    /// // The four CCGs' 2017/18 in-scope values (seed 003, Table 1).
    /// let ccgs = Commissioner::by_contribution(&[
    ///     ("05R", "NHS South Warwickshire CCG", Money::from_pounds(21_715_000)),
    ///     ("05A", "NHS Coventry and Rugby CCG (Coventry)", Money::from_pounds(21_700_479)),
    ///     ("05A-R", "NHS Coventry and Rugby CCG (Rugby)", Money::from_pounds(5_313_621)),
    ///     ("05H", "NHS Warwickshire North CCG", Money::from_pounds(8_698_920)),
    /// ])?;
    /// let total: rust_decimal::Decimal = ccgs.iter().map(|c| c.share).sum();
    /// assert_eq!(total, rust_decimal::Decimal::ONE);
    /// # Ok::<(), capitation::payment::PaymentError>(())
    /// ```
    pub fn by_contribution(
        contributions: &[(&str, &str, Money)],
    ) -> super::error::Result<Vec<Commissioner>> {
        let mut weights = Vec::with_capacity(contributions.len());
        for (id, _, amount) in contributions {
            if amount.is_negative() {
                return Err(super::PaymentError::NegativeRate {
                    field: format!("contribution of {id}"),
                    value: amount.as_decimal(),
                });
            }
            weights.push(amount.as_decimal().mantissa().unsigned_abs());
        }
        let units = route_map_core::money::allocate_units(1_000_000_000_000, &weights)?;
        Ok(contributions
            .iter()
            .zip(units)
            .map(|((id, name, _), u)| Commissioner {
                id: (*id).to_owned(),
                name: (*name).to_owned(),
                share: Decimal::from_i128_with_scale(i128::try_from(u).unwrap_or(0), 12)
                    .normalize(),
            })
            .collect())
    }
}
