//! The one error type of this crate.

use chrono::NaiveDate;

/// Everything that can go wrong in this crate.
///
/// Messages are lowercase and say what was wrong and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from `route-map-core` (money, dates, identifiers).
    #[error(transparent)]
    Core(#[from] route_map_core::Error),
    /// A CPV code is not eight digits with an optional check digit.
    #[error("invalid CPV code {input:?}: {reason}")]
    InvalidCpv {
        /// The text given.
        input: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A well-formed CPV code whose division does not exist in CPV 2008.
    #[error("unknown CPV code {code}: division {division} is not a CPV 2008 division")]
    UnknownCpv {
        /// The code.
        code: String,
        /// Its first two digits.
        division: String,
    },
    /// An amount that must not be negative is negative.
    #[error("{field} is negative ({value})")]
    NegativeValue {
        /// The field.
        field: &'static str,
        /// The value given.
        value: route_map_core::Money,
    },
    /// A date the crate's law tables do not cover.
    #[error("commencement {date} is out of scope: {reason}")]
    OutOfScope {
        /// The date asked about.
        date: NaiveDate,
        /// Why it is not answered.
        reason: String,
    },
    /// A kind of authority that did not exist on the date.
    #[error("no {kind} existed on {date}")]
    AuthorityNotInExistence {
        /// The kind of authority.
        kind: String,
        /// The date asked about.
        date: NaiveDate,
    },
    /// A route that is not available under the regime, or whose conditions are not met.
    #[error("route {route} is not available under {regime}: {reason}")]
    RouteNotAvailable {
        /// The route.
        route: String,
        /// The regime.
        regime: String,
        /// Why.
        reason: String,
    },
    /// A PSR standstill kept open by representations has no further decision yet.
    #[error(
        "standstill opened {published} is still open: representations received {received} await the further decision"
    )]
    StandstillOpen {
        /// When the intention notice was published.
        published: NaiveDate,
        /// When representations were received.
        received: NaiveDate,
    },
    /// A duplicate identifier.
    #[error("duplicate {kind} {id:?}")]
    Duplicate {
        /// What is duplicated.
        kind: &'static str,
        /// Its identifier.
        id: String,
    },
    /// Any other input that fails validation.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The field or input.
        field: String,
        /// Why.
        reason: String,
    },
    /// The crate's embedded data failed to load or lacks an entry (a defect, reported rather
    /// than panicking).
    #[error("embedded data {name} is invalid: {reason}")]
    EmbeddedData {
        /// The embedded file.
        name: &'static str,
        /// The parser's message or the missing entry.
        reason: String,
    },
    /// A case or plan file could not be read.
    #[error("cannot read {what}: {reason}")]
    Read {
        /// The file or input.
        what: String,
        /// The parser's message, with line and column where known.
        reason: String,
    },
}

impl Error {
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
    use super::*;

    #[test]
    fn error_is_send_sync_static() {
        fn assert_bounds<T: Send + Sync + 'static + std::error::Error>() {}
        assert_bounds::<Error>();
    }

    #[test]
    fn messages_are_lowercase_without_full_stop() {
        let e = Error::invalid("plan", "has no steps");
        let text = e.to_string();
        assert!(text.starts_with("invalid plan"));
        assert!(!text.ends_with('.'));
    }
}
