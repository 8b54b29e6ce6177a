//! The one error type of this crate.

/// Everything that can go wrong in this crate.
///
/// Messages are lowercase and say what was wrong and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from `route-map-core` (money, dates, identifiers).
    #[error(transparent)]
    Core(#[from] route_map_core::Error),
    /// A score lies outside its scale.
    #[error(
        "score {score} by {assessor} for option {option} on criterion {criterion} is off the scale {min} to {max}"
    )]
    ScoreOffScale {
        /// Who gave it.
        assessor: String,
        /// The option scored.
        option: String,
        /// The criterion scored.
        criterion: String,
        /// The score given.
        score: i64,
        /// Lowest point of the scale.
        min: u8,
        /// Highest point of the scale.
        max: u8,
    },
    /// Criterion weights are all zero (or there are none), so no weighted result exists.
    #[error("weights in {context} sum to zero")]
    WeightsSumToZero {
        /// Where the weights were given.
        context: String,
    },
    /// A weight is negative, infinite or not a number.
    #[error("weight {value} of criterion {criterion} is not a finite non-negative number")]
    InvalidWeight {
        /// The criterion.
        criterion: String,
        /// The weight given.
        value: f64,
    },
    /// A value in a decision matrix or a parameter is infinite or not a number.
    #[error("value in {context} is not a finite number")]
    NotFinite {
        /// Where it was found.
        context: String,
    },
    /// A pairwise comparison matrix is not reciprocal: `a[j][i]` is not `1 / a[i][j]`.
    #[error(
        "pairwise matrix is not reciprocal at row {row}, column {column}: {value} against {mirror} (expected {expected})"
    )]
    NotReciprocal {
        /// Row (1-based).
        row: usize,
        /// Column (1-based).
        column: usize,
        /// `a[row][column]`.
        value: f64,
        /// `a[column][row]`.
        mirror: f64,
        /// `1 / value`.
        expected: f64,
    },
    /// A pairwise comparison lies outside Saaty's 1/9 to 9 scale or a diagonal entry is not 1.
    #[error("pairwise judgement {value} at row {row}, column {column} {reason}")]
    InvalidJudgement {
        /// Row (1-based).
        row: usize,
        /// Column (1-based).
        column: usize,
        /// The judgement.
        value: f64,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A matrix or list has the wrong shape.
    #[error("{context} has {found} {what}, expected {expected}")]
    Shape {
        /// The matrix or list.
        context: String,
        /// `rows`, `columns`, `weights`...
        what: &'static str,
        /// How many there should be.
        expected: usize,
        /// How many there are.
        found: usize,
    },
    /// Nothing to appraise: no options, no criteria, no assessors or no rankings.
    #[error("{context} has no {what}")]
    Empty {
        /// Where.
        context: String,
        /// What is missing.
        what: &'static str,
    },
    /// An identifier is used twice.
    #[error("duplicate {kind} {id:?} in {context}")]
    Duplicate {
        /// What is duplicated.
        kind: &'static str,
        /// The identifier.
        id: String,
        /// Where.
        context: String,
    },
    /// A reference to an option, criterion, assessor or panel that does not exist.
    #[error("unknown {kind} {id:?} in {context}")]
    Unknown {
        /// What was referred to.
        kind: &'static str,
        /// The identifier.
        id: String,
        /// Where.
        context: String,
    },
    /// A survey cell holds a label that the label map does not know.
    #[error("unknown label {label:?} in survey export at row {row}, column {column} ({header:?})")]
    UnknownLabel {
        /// The label text.
        label: String,
        /// Row in the file (1-based, counting header rows).
        row: usize,
        /// Column in the file (1-based).
        column: usize,
        /// The column's header.
        header: String,
    },
    /// A survey export lacks a column the mapping needs.
    #[error("survey export has no column for {question:?}{}", row.as_ref().map(|r| format!(" [{r}]")).unwrap_or_default())]
    MissingColumn {
        /// The question text.
        question: String,
        /// The matrix row label, if any.
        row: Option<String>,
    },
    /// A survey export could not be read as CSV.
    #[error("survey export is not valid CSV at row {row}: {reason}")]
    Csv {
        /// Row in the file (1-based), 0 when unknown.
        row: usize,
        /// The reader's message.
        reason: String,
    },
    /// Any other input that fails validation.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The field or input.
        field: String,
        /// Why.
        reason: String,
    },
    /// The crate's embedded data failed to load (a defect, reported rather than panicking).
    #[error("embedded data {name} failed to load: {reason}")]
    EmbeddedData {
        /// The embedded file.
        name: &'static str,
        /// The parser's message.
        reason: String,
    },
}

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    #[test]
    fn error_is_send_sync_static() {
        fn check<T: Send + Sync + 'static>() {}
        check::<super::Error>();
    }
}
