//! The one error type of this crate.

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from `route-map-core` (money, dates, identifiers).
    #[error(transparent)]
    Core(#[from] route_map_core::Error),
    /// An error from the payment engine.
    #[error(transparent)]
    Payment(#[from] crate::payment::PaymentError),
    /// A population file (ONS estimates, weighted populations) is malformed at a place.
    #[error("{file}:{line}:{column}: {reason}")]
    PopulationFile {
        /// The file (or the name given for an in-memory source).
        file: String,
        /// The 1-based line number.
        line: u64,
        /// The 1-based column number (field position), or 0 when the whole line is at fault.
        column: usize,
        /// What was wrong.
        reason: String,
    },
    /// A population file could not be opened or read.
    #[error("cannot read {file}: {reason}")]
    PopulationFileIo {
        /// The file.
        file: String,
        /// The operating system's reason.
        reason: String,
    },
    /// An area code is not in a set of population estimates.
    #[error("area {code} is not in {source_name}")]
    UnknownArea {
        /// The code asked for.
        code: String,
        /// The estimates searched.
        source_name: String,
    },
    /// A budget input is negative where only zero or more makes sense.
    #[error("{context}: {value} is negative")]
    NegativeBudgetInput {
        /// Where the value was given, e.g. `segment "Mostly healthy children" spend`.
        context: String,
        /// The value as text.
        value: String,
    },
    /// A per-head rate or need index was asked of no people.
    #[error("{context}: population is zero, so nothing can be divided per head")]
    ZeroPopulation {
        /// The segment, place or group.
        context: String,
    },
    /// A name that must be unique appears twice.
    #[error("{context}: {name:?} appears more than once")]
    DuplicateBudgetName {
        /// The list, e.g. `segment baselines`.
        context: String,
        /// The repeated name.
        name: String,
    },
    /// A name referred to is not defined.
    #[error("{context}: {name:?} is not defined")]
    UnknownBudgetName {
        /// Where it was referred to.
        context: String,
        /// The name.
        name: String,
    },
    /// The lines of a financial envelope do not add up to its stated total.
    #[error("envelope {envelope:?}: lines sum to {sum} but the total is stated as {stated}")]
    EnvelopeTotalMismatch {
        /// The envelope.
        envelope: String,
        /// The stated total.
        stated: route_map_core::Money,
        /// The sum of the lines.
        sum: route_map_core::Money,
    },
    /// An age band is empty, inverted or overlaps another.
    #[error("age band {band:?}: {reason}")]
    InvalidAgeBand {
        /// The band's label.
        band: String,
        /// What is wrong.
        reason: String,
    },
    /// A projection factor or assumption is outside what makes sense.
    #[error("{context}: {reason}")]
    InvalidProjection {
        /// The assumption or step.
        context: String,
        /// What is wrong.
        reason: String,
    },
    /// A figure typed from a published table is not a non-negative decimal.
    #[error("printed figure {text:?} is not a decimal number")]
    InvalidPrintedNumber {
        /// The text given.
        text: String,
    },
    /// The crate's embedded budget data failed to parse (a build defect, reported not panicked).
    #[error("embedded data {name} is invalid: {reason}")]
    BudgetData {
        /// The data file.
        name: &'static str,
        /// The parser's message.
        reason: String,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
