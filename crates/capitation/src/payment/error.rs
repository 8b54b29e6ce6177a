//! Errors of the payment engine, wrapped by the crate's [`crate::Error`].

use rust_decimal::Decimal;

/// Everything that can go wrong in the payment engine.
///
/// Messages are lowercase and name the field (as a path into the contract, such as
/// `risk_share.gain.corridors[1].from`) or the contract year that was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaymentError {
    /// An error from `route-map-core` (money, dates).
    #[error(transparent)]
    Core(#[from] route_map_core::Error),
    /// Shares that must make up the whole (commissioners, gain/loss parties) do not sum to 1.
    #[error("{what} sum to {sum}, not to 1")]
    SharesDoNotSumToOne {
        /// Which shares.
        what: String,
        /// Their sum.
        sum: Decimal,
    },
    /// A rate, share or weight was negative.
    #[error("{field} is {value}: it must not be negative")]
    NegativeRate {
        /// The field.
        field: String,
        /// The value given.
        value: Decimal,
    },
    /// A rate or share was above its maximum.
    #[error("{field} is {value}: it must be {range}")]
    RateOutOfRange {
        /// The field.
        field: String,
        /// The value given.
        value: Decimal,
        /// The valid range.
        range: &'static str,
    },
    /// A cap was below zero.
    #[error("{field} is {value}: a cap must not be below zero")]
    NegativeCap {
        /// The field.
        field: String,
        /// The value given.
        value: Decimal,
    },
    /// Risk corridors overlap or are out of order.
    #[error(
        "{field} starts at {from}, not above the previous corridor's start {previous}: corridors overlap"
    )]
    OverlappingCorridors {
        /// The corridor's field.
        field: String,
        /// Its start.
        from: Decimal,
        /// The previous corridor's start.
        previous: Decimal,
    },
    /// The first corridor does not start at zero, so part of a variance would have no rate.
    #[error("{field} starts at {from}: the first corridor must start at 0")]
    CorridorsDoNotStartAtZero {
        /// The corridor's field.
        field: String,
        /// Its start.
        from: Decimal,
    },
    /// Payment bands pay less for more achievement or are out of order.
    #[error("{field}: {reason}")]
    InvalidBands {
        /// The bands' field.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// No phase of the incentive schedule covers a contract year.
    #[error("the incentive phasing schedule does not cover contract year {year}")]
    PhasingGap {
        /// The uncovered contract year.
        year: u32,
    },
    /// Two phases of the incentive schedule cover the same contract year.
    #[error("incentive phases {first} and {second} both cover contract year {year}")]
    OverlappingPhases {
        /// The contract year covered twice.
        year: u32,
        /// Index of the first phase.
        first: usize,
        /// Index of the second phase.
        second: usize,
    },
    /// A phase or a value refers to a year outside the contract term.
    #[error("{field} refers to contract year {year}, outside the {years}-year term")]
    YearOutsideTerm {
        /// The field.
        field: String,
        /// The year given.
        year: u32,
        /// The number of contract years.
        years: u32,
    },
    /// A year-specific value (target cost, activity plan) is missing for a contract year.
    #[error("{field} has no value for contract year {year}")]
    MissingYearValue {
        /// The field.
        field: String,
        /// The contract year.
        year: u32,
    },
    /// Something listed twice.
    #[error("{kind} {id:?} appears more than once")]
    Duplicate {
        /// What kind of thing.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// A list that must not be empty is empty.
    #[error("{what} must not be empty")]
    Empty {
        /// What is empty.
        what: String,
    },
    /// A phase pays on outcomes (or milestones) in a year with none to pay on.
    #[error("contract year {year} pays {basis} but none apply to that year")]
    NothingToPayOn {
        /// The contract year.
        year: u32,
        /// `outcome indicators` or `milestones`.
        basis: &'static str,
    },
    /// Weights with so many digits that exact integer arithmetic would overflow.
    #[error("{field}: weights are too large or too finely divided (at most 10^12 units in total)")]
    WeightsTooFine {
        /// The weights' field.
        field: String,
    },
    /// A derived amount is negative where it cannot be (a base annual contract value, a pot).
    #[error("{what} for contract year {year} is {amount}: it must not be negative")]
    NegativeAmount {
        /// What amount.
        what: String,
        /// The contract year.
        year: u32,
        /// The amount.
        amount: route_map_core::Money,
    },
    /// A target cost of zero or less, against which no rate of saving can be measured.
    #[error("target cost for contract year {year} is {amount}: it must be above zero")]
    NonPositiveTarget {
        /// The contract year.
        year: u32,
        /// The target.
        amount: route_map_core::Money,
    },
    /// A contract year outside the term was asked for.
    #[error("contract year {year} is outside the {years}-year term")]
    NoSuchYear {
        /// The year asked for.
        year: u32,
        /// The number of contract years.
        years: u32,
    },
    /// The year's results lack a value the contract needs.
    #[error("contract year {year}: no {what} given for {id:?}")]
    MissingResult {
        /// The contract year.
        year: u32,
        /// `achievement`, `milestone delivery`, `activity` or `actual cost`.
        what: &'static str,
        /// The indicator or milestone id (empty for activity and cost).
        id: String,
    },
    /// An in-year adjustment names a month outside 1 to 12.
    #[error("adjustment {reason:?} is in month {month}: months of a contract year are 1 to 12")]
    InvalidMonth {
        /// The adjustment's reason.
        reason: String,
        /// The month given.
        month: u32,
    },
    /// A rounding rule this version of the engine does not implement.
    #[error("rounding rule {rule:?} is not supported by the payment engine")]
    UnsupportedRounding {
        /// The rule.
        rule: route_map_core::RoundingRule,
    },
    /// Integer arithmetic on pence left its range.
    #[error("arithmetic overflow in {operation}")]
    Overflow {
        /// The operation.
        operation: &'static str,
    },
    /// More entries than the engine supports.
    #[error("{what} has more than {max} entries")]
    TooMany {
        /// The list.
        what: &'static str,
        /// The maximum.
        max: usize,
    },
    /// A simulation was described inconsistently.
    #[error("simulation: {reason}")]
    InvalidSimulation {
        /// What is wrong.
        reason: String,
    },
    /// The engine's embedded parameter data failed to load.
    #[error("embedded data {name} is invalid: {reason}")]
    EmbeddedData {
        /// The data file.
        name: &'static str,
        /// The parse error.
        reason: String,
    },
}

/// `Result` with [`PaymentError`].
pub type Result<T, E = PaymentError> = std::result::Result<T, E>;
