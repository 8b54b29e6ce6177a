//! The one error type of this crate.

use rust_decimal::Decimal;

/// Everything that can go wrong in this crate.
///
/// Messages are lowercase and say what was wrong and where: the indicator, the curve, or the
/// file, line and column of an import.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from `route-map-core` (money, shares, dates, identifiers).
    #[error(transparent)]
    Core(#[from] route_map_core::Error),
    /// An identifier (indicator, domain, outcome, area) has the wrong shape.
    #[error("invalid {kind} {input:?}: {reason}")]
    InvalidId {
        /// `indicator id`, `area code`, ...
        kind: &'static str,
        /// The text that was given.
        input: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A polarity that is neither higher nor lower is better.
    #[error(
        "unknown polarity {input:?}: expected \"higher_is_better\" or \"lower_is_better\" (or \"high is good\", \"low is good\")"
    )]
    UnknownPolarity {
        /// The text that was given.
        input: String,
    },
    /// A curve's lower threshold is not below its upper threshold.
    #[error("{context}: lower threshold {lower} must be below upper threshold {upper}")]
    ThresholdsOutOfOrder {
        /// The curve or indicator.
        context: String,
        /// The lower threshold given.
        lower: Decimal,
        /// The upper threshold given.
        upper: Decimal,
    },
    /// Banded steps are not ordered from least to most demanding with non-decreasing shares.
    #[error("{context}: band {index} {reason}")]
    BandsOutOfOrder {
        /// The curve or indicator.
        context: String,
        /// Position of the offending band (0-based).
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A curve or list that needs entries has none.
    #[error("{context} has no {what}")]
    Empty {
        /// Where.
        context: String,
        /// What is missing (`bands`, `milestones`, `indicators`, ...).
        what: &'static str,
    },
    /// A weight is negative.
    #[error("{context}: weight {weight} of {item:?} is negative")]
    NegativeWeight {
        /// Where the weights were given.
        context: String,
        /// The weighted item.
        item: String,
        /// The rejected weight.
        weight: Decimal,
    },
    /// A weight is above the largest accepted or has more decimal places than accepted.
    #[error(
        "{context}: weight {weight} of {item:?} is out of range: weights are 0 to 1,000,000 with at most 6 decimal places"
    )]
    WeightOutOfRange {
        /// Where the weights were given.
        context: String,
        /// The weighted item.
        item: String,
        /// The rejected weight.
        weight: Decimal,
    },
    /// All the weights at one level sum to zero, so nothing can be normalised.
    #[error("{context}: weights sum to zero")]
    ZeroWeights {
        /// Where the weights were given.
        context: String,
    },
    /// A denominator is not above its exclusions, so `A / (B - C)` is undefined.
    #[error("{context}: denominator {denominator} is not above its exclusions {exclusions}")]
    DenominatorNotAboveExclusions {
        /// The observation.
        context: String,
        /// B, the denominator (register).
        denominator: Decimal,
        /// C, the exclusions (personalised care adjustments).
        exclusions: Decimal,
    },
    /// A numerator exceeds its eligible denominator, or a count is negative.
    #[error("{context}: {reason}")]
    InvalidCounts {
        /// The observation or statistic.
        context: String,
        /// What is wrong.
        reason: String,
    },
    /// A statistic cannot be computed from its input.
    #[error("{statistic}: {reason}")]
    Statistics {
        /// `Wilson interval`, `XmR chart`, ...
        statistic: &'static str,
        /// Why not.
        reason: String,
    },
    /// An identifier appears twice where it must be unique.
    #[error("duplicate {kind} {id:?} in {context}")]
    Duplicate {
        /// What kind of thing.
        kind: &'static str,
        /// Its identifier.
        id: String,
        /// Where.
        context: String,
    },
    /// A reference to an indicator, domain or contract year that does not exist.
    #[error("unknown {kind} {id:?} in {context}")]
    Unknown {
        /// What kind of thing.
        kind: &'static str,
        /// The identifier not found.
        id: String,
        /// Where it was referred to.
        context: String,
    },
    /// A result was given for an indicator that does not fit its curve (a value for a milestone
    /// indicator, say).
    #[error("indicator {indicator:?}: {reason}")]
    ResultMismatch {
        /// The indicator.
        indicator: String,
        /// What does not fit.
        reason: String,
    },
    /// A phasing schedule is malformed or does not cover a contract year.
    #[error("phasing schedule: {reason}")]
    Phasing {
        /// What is wrong.
        reason: String,
    },
    /// A row of an imported file is malformed.
    #[error("{file}: line {line}, column {column} ({column_name}): {reason}")]
    Import {
        /// The file or layout being read.
        file: String,
        /// 1-based line number in the file (the header is line 1).
        line: u64,
        /// 1-based column number.
        column: usize,
        /// The column's header.
        column_name: String,
        /// What is wrong.
        reason: String,
    },
    /// An imported file lacks a required column or is not CSV at all.
    #[error("{file}: line {line}: {reason}")]
    ImportFormat {
        /// The file or layout being read.
        file: String,
        /// 1-based line number (1 for the header).
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// Embedded reference data failed to load (a defect in the crate, reported rather than
    /// panicking).
    #[error("embedded data {name} is invalid: {reason}")]
    EmbeddedData {
        /// Name of the embedded file.
        name: &'static str,
        /// The parser's message.
        reason: String,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_send_sync_static() {
        fn assert_bounds<T: Send + Sync + 'static + std::error::Error>() {}
        assert_bounds::<Error>();
    }

    #[test]
    fn import_error_names_line_and_column() {
        let e = Error::Import {
            file: "healthdata.csv".into(),
            line: 7,
            column: 10,
            column_name: "Value".into(),
            reason: "\"abc\" is not a number".into(),
        };
        assert_eq!(
            e.to_string(),
            "healthdata.csv: line 7, column 10 (Value): \"abc\" is not a number"
        );
    }
}
