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
    /// Contributions to a fund do not add up to the fund's stated total.
    #[error("contributions to {fund} sum to {sum} but the fund is stated as {declared}")]
    ContributionsDoNotMatch {
        /// The fund (pooled or aligned) whose contributions were checked.
        fund: String,
        /// The fund total as stated.
        declared: route_map_core::Money,
        /// The sum of the contributions.
        sum: route_map_core::Money,
    },
    /// A vote was recorded for a body that is not a member of the deciding group.
    #[error("{body} voted on {motion:?} but is not a member of {group}")]
    NotAMember {
        /// The body that voted.
        body: String,
        /// The committee or board.
        group: String,
        /// The motion voted on.
        motion: String,
    },
    /// A member voted twice on one motion.
    #[error("{body} voted more than once on {motion:?}")]
    DuplicateVote {
        /// The body that voted twice.
        body: String,
        /// The motion.
        motion: String,
    },
    /// A stated path between IPC integration levels skips a level.
    #[error("path for {area} moves from {from} to {to}, skipping {skipped}")]
    IpcLevelSkipped {
        /// The commissioning area.
        area: String,
        /// Level moved from.
        from: String,
        /// Level moved to.
        to: String,
        /// The level or levels skipped.
        skipped: String,
    },
    /// A stated IPC path does not start at the current level or end at the target.
    #[error("path for {area} {reason}")]
    IpcPathMismatch {
        /// The commissioning area.
        area: String,
        /// What does not match.
        reason: String,
    },
    /// Agreed shares add up to more than the whole.
    #[error("shares in {context} add up to {total}, more than the whole (1)")]
    SharesExceedWhole {
        /// Where the shares were given.
        context: String,
        /// Their sum.
        total: rust_decimal::Decimal,
    },
    /// Agreed shares add up to less than the whole.
    #[error("shares in {context} add up to {total}, less than the whole (1)")]
    SharesBelowWhole {
        /// Where the shares were given.
        context: String,
        /// Their sum.
        total: rust_decimal::Decimal,
    },
    /// A body referred to is not among the bodies given.
    #[error("unknown body {id:?} in {context}")]
    UnknownBody {
        /// The identifier.
        id: String,
        /// Where it was referred to.
        context: String,
    },
    /// A body, activity, area or other identifier appears twice.
    #[error("duplicate {kind} {id:?} in {context}")]
    Duplicate {
        /// What is duplicated.
        kind: &'static str,
        /// Its identifier.
        id: String,
        /// Where.
        context: String,
    },
    /// A body of a kind that did not exist on the date is used.
    #[error("{body} is a {kind} and no {kind} existed on {date}")]
    BodyNotInExistence {
        /// The body.
        body: String,
        /// Its kind.
        kind: String,
        /// The date asked about.
        date: NaiveDate,
    },
    /// A body of the wrong kind for its role.
    #[error("{body} is a {kind} and cannot be {role}")]
    WrongKind {
        /// The body.
        body: String,
        /// Its kind.
        kind: String,
        /// The role it was given.
        role: String,
    },
    /// A reference to an unknown catalogue entry (activity, principle, test, subcontractor...).
    #[error("unknown {kind} {id:?}")]
    Unknown {
        /// What was referred to.
        kind: &'static str,
        /// The identifier.
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
    /// The crate's embedded data failed to load (a defect, reported rather than panicking).
    #[error("embedded data {name} is invalid: {reason}")]
    EmbeddedData {
        /// The embedded file.
        name: &'static str,
        /// The parser's message.
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
        let e = Error::invalid("committee", "has no members");
        let text = e.to_string();
        assert!(text.starts_with("invalid committee"));
        assert!(!text.ends_with('.'));
    }
}
