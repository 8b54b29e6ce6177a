//! The payment engine: a contract's fixed element, performance incentive (milestones, outcomes,
//! CQUIN), variable element and gain/loss share, its monthly instalments and year-end
//! reconciliation, exact to the penny and fast enough for Monte Carlo.
//!
//! ```
//! use capitation::payment::{illustrative, Balance, Element};
//! use route_map_core::Share;
//!
//! // Seed 003's Coventry lead-provider contract: year 1 pays its incentive on milestones,
//! // monthly in advance, reconciled at year end.
//! let contract = illustrative::coventry()?;
//! let full = contract.settle(1, &contract.uniform_outturn(1, Share::ONE)?)?;
//! assert_eq!(full.balance(), Balance::Settled);
//!
//! // One of the three milestones (weight 1 of 4) is missed: a quarter of the pot is repaid.
//! let mut outturn = contract.uniform_outturn(1, Share::ONE)?;
//! outturn.milestones.insert("M3", Share::ZERO);
//! let statement = contract.statement(1, &outturn)?;
//! let earned = statement.lines[1].amount;
//! let Balance::DueToCommissioners(repay) = statement.balance else {
//!     return Err("expected a repayment".into());
//! };
//! assert_eq!(repay, full.element(Element::Milestones).checked_sub(earned)?);
//! println!("{statement}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # How a year is paid
//!
//! 1. **Contract value.** The base annual contract value (BACV) of year 1 is agreed; later
//!    years roll forward from the previous year's value by agreed growth, efficiency and
//!    scope variations ([`RollForward`]), each a line of the statement.
//! 2. **Elements.** The phase of the year ([`Phase`]) puts a share of the BACV at risk as the
//!    performance incentive payment; the rest is the fixed element. CQUIN is a share of the
//!    fixed element, added to it or carved from the incentive ([`CquinFunding`]). The incentive
//!    is split between milestones and outcomes; outcomes pay by the agreed [`Formula`].
//!    A [`VariableElement`] pays activity above or below plan at marginal rates, and a
//!    [`RiskShare`] shares the variance against a target cost through a dead band, first-pound
//!    or excess-only sharing, corridors, quality moderation and caps between several parties.
//! 3. **Schedule.** Fixed element, CQUIN and any incentive paid in advance are paid in twelve
//!    instalments ([`InstalmentProfile`]); in-year [`Adjustment`]s join their month's.
//! 4. **Reconciliation.** [`Contract::settle`] computes every element in integer pence;
//!    [`Contract::statement`] renders the waterfall with the rule and parameters of each line,
//!    the [`Balance`] either way, each commissioner's part of every line and instalment, the
//!    parties' shares and the onward payments to subcontractors.
//! 5. **Scenarios.** [`simulate`] and [`evaluate`] run many scenarios on both cores and return
//!    the distribution and percentiles of the payments, deterministically for a seed.
//!
//! Contract years follow financial years (1 April to 31 March) from [`RawContract::first_year`],
//! as in seed 003. Joint commissioners' shares can be set from their contributions with
//! [`Commissioner::by_contribution`]; CQUIN indicators score on [`sliding_scale`]. Other
//! achievement arrives already scored ([`YearAchievement`]), for example from the `outcomes`
//! crate.
//!
//! # Rounding policy
//!
//! Amounts are whole pence inside (`i64`, with `i128` intermediates); shares and achievements
//! are integers over 10^12, exact for values given to 12 decimal places (finer ones are rounded
//! by the contract's rule). Each step that can create a fraction of a penny rounds once by the
//! contract's [`route_map_core::RoundingRule`] (default half away from zero); caps round down,
//! so no capped amount exceeds its exact cap. Splits between commissioners, parties, indicators
//! and months use the largest-remainder method with core's tie-break, so parts always sum to the
//! whole.
//!
//! # Sources
//!
//! Seed 003 (the Coventry and Warwickshire out of hospital contract: fixed element, PIP paid in
//! proportion, milestones then outcomes, CQUIN, BACV roll-forward); NHS England's MCP and ACO
//! payment approach (whole-population budget, improvement payment scheme, gain/loss share);
//! CQUIN 2022/23 (1.25% of the API fixed element, monthly in advance, equally weighted
//! indicators); blended payment and API marginal rates; 42 CFR 425 (MSSP: minimum savings rate
//! gate "equals or exceeds", first-dollar sharing, quality-scaled rates, caps as the lower of a
//! share of revenue and of benchmark); ACO REACH risk corridors; Medicare Part D excess-only
//! corridors. Parameters with their sources are in [`national_parameters`].

mod achievement;
mod compile;
mod contract;
mod cquin;
mod engine;
pub mod error;
pub mod illustrative;
mod parameters;
mod pence;
mod simulation;
mod statement;
mod terms;
#[cfg(test)]
mod tests;

pub use achievement::{Adjustment, MilestoneDelivery, YearAchievement, YearOutturn};
pub use contract::{Contract, MAX_PARTIES};
pub use cquin::sliding_scale;
pub use engine::{Balance, Element, Settlement};
pub use error::PaymentError;
pub use parameters::{NationalParameters, national_parameters};
pub use simulation::{
    CHUNK, CostRange, Distribution, Draw, MAX_SCENARIOS, Percentile, Simulation, SimulationResult,
    UnitsRange, evaluate, simulate,
};
pub use statement::{
    CommissionerLine, InstalmentLine, Memo, OnwardLine, PartyLine, Statement, StatementLine,
};
pub use terms::{
    Band, Cap, CapBase, Commissioner, Corridor, Cquin, CquinFunding, Formula, Incentive,
    IncentivePaid, Indicator, InstalmentProfile, Milestone, OnwardBasis, Party, PartyRole, Phase,
    QualityRule, RawContract, RiskShare, RollForward, ScopeVariation, Sharing, Side, Subcontract,
    VariableElement, YearAmount, YearRate, YearUnits,
};

/// The payment engine's input models by file stem, with their JSON Schemas.
#[must_use]
pub fn input_schemas() -> Vec<(&'static str, schemars::Schema)> {
    vec![
        ("payment_contract", schemars::schema_for!(Contract)),
        ("payment_year_outturn", schemars::schema_for!(YearOutturn)),
        ("payment_simulation", schemars::schema_for!(Simulation)),
    ]
}
