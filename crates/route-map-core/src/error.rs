//! The one error type of `route-map-core`.

use chrono::NaiveDate;

/// Everything that can go wrong in `route-map-core`.
///
/// Messages are lowercase, carry the offending value and say where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An arithmetic operation on money or a rate would overflow the decimal range.
    #[error("arithmetic overflow in {operation}")]
    Overflow {
        /// The operation that overflowed, e.g. `money addition`.
        operation: &'static str,
    },
    /// A division by zero (for example spend per head over no people).
    #[error("division by zero in {operation}")]
    DivisionByZero {
        /// The operation that divided.
        operation: &'static str,
    },
    /// A money amount could not be parsed.
    #[error("invalid money amount {input:?}: {reason}")]
    InvalidMoney {
        /// The text that was given.
        input: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// An amount has fractions of a penny and no rounding rule was named.
    #[error("amount {value} has fractions of a penny; round it with a named rounding rule first")]
    SubPenny {
        /// The exact value.
        value: rust_decimal::Decimal,
    },
    /// A rate, share or percentage is outside its range.
    #[error("{kind} {value} is out of range: must be {range}")]
    OutOfRange {
        /// `rate`, `share`, `percentage` or `weight`.
        kind: &'static str,
        /// The rejected value.
        value: rust_decimal::Decimal,
        /// The accepted range, as text.
        range: &'static str,
    },
    /// Allocation weights were empty.
    #[error("cannot allocate over no weights")]
    NoWeights,
    /// An allocation weight was negative.
    #[error("allocation weight {value} at position {index} is negative")]
    NegativeWeight {
        /// Position of the weight.
        index: usize,
        /// The rejected weight.
        value: rust_decimal::Decimal,
    },
    /// All allocation weights were zero.
    #[error("allocation weights are all zero")]
    ZeroWeights,
    /// A financial year could not be parsed or is out of range.
    #[error("invalid financial year {input:?}: {reason}")]
    InvalidFinancialYear {
        /// The text that was given.
        input: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A date computation fell on a day that does not exist and the rounding rule was `Reject`.
    #[error("adding {months} months to {date} lands on a day that does not exist")]
    AmbiguousDate {
        /// The start date.
        date: NaiveDate,
        /// The months added.
        months: i32,
    },
    /// A date is outside what a table or calculation covers.
    #[error("date {date} is outside {what} ({from} to {to})")]
    DateOutOfRange {
        /// What was consulted, e.g. `the bank holiday calendar`.
        what: &'static str,
        /// The date asked about.
        date: NaiveDate,
        /// First date covered.
        from: NaiveDate,
        /// Last date covered.
        to: NaiveDate,
    },
    /// A date range ends before it starts.
    #[error("date range starts {start} after it ends {end}")]
    InvertedRange {
        /// Start.
        start: NaiveDate,
        /// End.
        end: NaiveDate,
    },
    /// A timeline has no entries.
    #[error("timeline {parameter:?} has no entries")]
    EmptyTimeline {
        /// The parameter the timeline describes.
        parameter: String,
    },
    /// Timeline entries are not strictly increasing by effective date.
    #[error(
        "timeline {parameter:?}: entry dated {date} does not follow {previous} (dates must be strictly increasing)"
    )]
    UnsortedTimeline {
        /// The parameter the timeline describes.
        parameter: String,
        /// The earlier-or-equal date.
        date: NaiveDate,
        /// The date before it.
        previous: NaiveDate,
    },
    /// No value of a timeline is in force on a date.
    #[error("{parameter:?} has no value in force on {date}")]
    NotInForce {
        /// The parameter the timeline describes.
        parameter: String,
        /// The date asked about.
        date: NaiveDate,
    },
    /// An identifier (ODS code, GSS code, ...) has the wrong shape.
    #[error("invalid {kind} {input:?}: {reason}")]
    InvalidIdentifier {
        /// `ODS code`, `GSS code`, ...
        kind: &'static str,
        /// The text that was given.
        input: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A value that must be unique appears twice.
    #[error("duplicate {kind} {id:?}")]
    Duplicate {
        /// What kind of thing is duplicated.
        kind: &'static str,
        /// Its identifier.
        id: String,
    },
    /// A reference to something that does not exist.
    #[error("unknown {kind} {id:?}")]
    Unknown {
        /// What kind of thing was referred to.
        kind: &'static str,
        /// The identifier that was not found.
        id: String,
    },
    /// An organisation is used on a date when it did not exist or could not act.
    #[error("{organisation} cannot act as {role} on {date}: {reason}")]
    NotValidOnDate {
        /// The organisation.
        organisation: String,
        /// What it was asked to do.
        role: String,
        /// The date.
        date: NaiveDate,
        /// Why not.
        reason: String,
    },
    /// Step dependencies contain a cycle.
    #[error("dependency cycle among steps: {}", cycle.join(" -> "))]
    DependencyCycle {
        /// The steps on the cycle, first repeated at the end.
        cycle: Vec<String>,
    },
    /// An identifier is well formed but does not suit the kind of thing it names
    /// (a trust given a CCG-shaped ODS code, a county given a district's GSS code).
    #[error("{identifier} {code:?} does not suit {kind}: expected {expected}")]
    IdentifierMismatch {
        /// `ODS code` or `GSS code`.
        identifier: &'static str,
        /// The code given.
        code: String,
        /// The kind of organisation or area it was given for.
        kind: String,
        /// What shape the code should have.
        expected: &'static str,
    },
    /// A step cannot start or finish because steps it depends on are not done.
    #[error("step {step:?} is blocked by {}", blocked_by.join(", "))]
    StepBlocked {
        /// The step.
        step: String,
        /// The unfinished steps it waits for.
        blocked_by: Vec<String>,
    },
    /// A programme record is dated before the record preceding it.
    #[error("record for step {step:?} dated {date} precedes the last record, dated {last}")]
    RecordOutOfOrder {
        /// The step the record is about.
        step: String,
        /// Its date.
        date: NaiveDate,
        /// The date of the latest record already held.
        last: NaiveDate,
    },
    /// Any other input that fails validation, with a message naming the field.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The field or input that was wrong.
        field: String,
        /// Why.
        reason: String,
    },
    /// Embedded reference data failed to load (a defect in the crate, reported rather than panicking).
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
}
