//! What to do with a malformed row, and the report of rows skipped.
//!
//! By default ([`OnBadRow::Stop`]) a reader stops at the first malformed row with an error
//! that names the file, line and column. A caller that would rather keep reading chooses
//! [`OnBadRow::SkipAndReport`]: each malformed row is skipped and recorded in [`BadRows`],
//! which keeps the first [`BAD_ROW_EXAMPLES`] rows in full (file, line, column, typed reason,
//! detail) and a count per [`BadRowReason`] for all of them, so memory stays bounded however
//! many rows are bad. Nothing is lost silently: the report says how many rows were read, kept
//! and skipped, and the spend found in skipped rows where it could still be parsed.
//!
//! Errors that are not about one row (a file that cannot be opened, a header without an age
//! column, an invalid period) stop reading in both modes.
//!
//! ```
//! use capitation::readers::person_csv::{PersonCsv, PersonCsvOptions};
//! use capitation::readers::{BadRowReason, OnBadRow};
//! use capitation::{ConditionCatalogue, Places, Services};
//!
//! # fn main() -> Result<(), capitation::Error> {
//! let csv = "age,sex,spend:primary\n\
//!            34,F,120.00\n\
//!            ,M,15.00\n\
//!            51,F,-3.00\n\
//!            7,M\n\
//!            80,F,40.00\n";
//! let services = Services::new(["primary"])?;
//! let opts = PersonCsvOptions {
//!     catalogue: ConditionCatalogue::builtin()?,
//!     services: &services,
//!     reference_date: chrono::NaiveDate::from_ymd_opt(2024, 3, 31).unwrap(),
//!     period_days: 366,
//! };
//! let mut places = Places::default();
//!
//! // The default stops at line 3 (no age), naming file, line and column.
//! let strict = PersonCsv::new(csv.as_bytes(), "people.csv", opts, &mut places)?;
//! let error = strict.collect::<Result<Vec<_>, _>>().unwrap_err();
//! assert!(error.to_string().starts_with("people.csv, line 3, column age"));
//!
//! // Lenient: bad rows are skipped, counted and reported.
//! let mut reader = PersonCsv::new(csv.as_bytes(), "people.csv", opts, &mut places)?
//!     .on_bad_row(OnBadRow::SkipAndReport);
//! let people = reader.by_ref().collect::<Result<Vec<_>, _>>()?;
//! let bad = reader.bad_rows();
//! assert_eq!(people.len(), 2);
//! assert_eq!((bad.rows_read(), bad.kept(), bad.skipped()), (5, 2, 3));
//! assert_eq!(bad.count(BadRowReason::MissingAge), 1);
//! assert_eq!(bad.count(BadRowReason::NegativeSpend), 1);
//! assert_eq!(bad.count(BadRowReason::FieldCount), 1);
//! // 15.00 in the row without an age; the negative amount is not spend.
//! assert_eq!(bad.skipped_spend_pence(), 1_500);
//! let lines: Vec<u64> = bad.examples().iter().map(|r| r.line).collect();
//! assert_eq!(lines, [3, 4, 5]);
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Error, Result};

/// How many skipped rows a [`BadRows`] report keeps in full; the rest are counted by reason.
pub const BAD_ROW_EXAMPLES: usize = 100;

/// What a reader does with a malformed row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum OnBadRow {
    /// Stop at the first malformed row with a located error (the default).
    #[default]
    Stop,
    /// Skip the row, count it and report it in [`BadRows`]; keep reading.
    SkipAndReport,
}

/// Why a row was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[non_exhaustive]
pub enum BadRowReason {
    /// The row has another number of fields than the header.
    FieldCount,
    /// A number, amount, date or flag does not parse (or does not fit its type).
    Unparsable,
    /// A field is not UTF-8 text.
    NotUtf8,
    /// Neither an age nor a date of birth.
    MissingAge,
    /// A negative amount of spend.
    NegativeSpend,
    /// A sex code that is not one of the accepted codes.
    UnknownSex,
    /// A condition id the catalogue does not define (clinical codes it does not know are
    /// counted as unknown codes instead, and the row is kept).
    UnknownCondition,
    /// A Synthea encounter class with no service category.
    UnknownEncounterClass,
    /// A value that parses but is outside what is allowed (a deprivation decile of 11, a date
    /// of birth after the reference date).
    InvalidValue,
    /// Member days beyond the days of the period.
    MembershipExceedsPeriod,
    /// Spend or a count beyond the integer range.
    Overflow,
    /// Any other malformed row (CSV syntax).
    Other,
}

impl BadRowReason {
    /// The reason for a located row error, or `None` when the error is not about one row.
    #[must_use]
    pub fn of(error: &Error) -> Option<BadRowReason> {
        match error {
            Error::Malformed { column, reason, .. } => Some(
                if reason.starts_with("row has ") && reason.contains(" fields, the header has ") {
                    BadRowReason::FieldCount
                } else if reason == super::NOT_UTF8 {
                    BadRowReason::NotUtf8
                } else if reason.starts_with(super::UNKNOWN_CLASS) {
                    BadRowReason::UnknownEncounterClass
                } else if column == super::WHOLE_ROW {
                    BadRowReason::Other
                } else {
                    BadRowReason::Unparsable
                },
            ),
            Error::At { source, .. } => Some(match source.as_ref() {
                Error::MissingAge { .. } => BadRowReason::MissingAge,
                Error::NegativeSpend { .. } => BadRowReason::NegativeSpend,
                Error::InvalidValue { field: "sex", .. } => BadRowReason::UnknownSex,
                Error::UnknownCondition { .. } => BadRowReason::UnknownCondition,
                Error::MembershipExceedsPeriod { .. } => BadRowReason::MembershipExceedsPeriod,
                Error::SpendOverflow => BadRowReason::Overflow,
                Error::InvalidValue { .. } => BadRowReason::InvalidValue,
                _ => BadRowReason::Other,
            }),
            _ => None,
        }
    }
}

/// One skipped row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadRow {
    /// The file.
    pub file: String,
    /// The line (1 is the header).
    pub line: u64,
    /// The column name (`(row)` when the whole row is at fault).
    pub column: String,
    /// Why the row was skipped.
    pub reason: BadRowReason,
    /// What was wrong, in words (the error the row would have stopped reading with, without
    /// its location).
    pub detail: String,
}

/// The rows a reader skipped in [`OnBadRow::SkipAndReport`] mode, and how many it read.
///
/// Memory is bounded: the first [`BAD_ROW_EXAMPLES`] skipped rows are kept in full, all of
/// them are counted by reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadRows {
    policy: OnBadRow,
    rows_read: u64,
    skipped: u64,
    by_reason: BTreeMap<BadRowReason, u64>,
    examples: Vec<BadRow>,
    skipped_spend_pence: i128,
}

impl Default for BadRows {
    fn default() -> Self {
        BadRows::new(OnBadRow::Stop)
    }
}

impl BadRows {
    /// An empty report for a policy.
    #[must_use]
    pub fn new(policy: OnBadRow) -> BadRows {
        BadRows {
            policy,
            rows_read: 0,
            skipped: 0,
            by_reason: BTreeMap::new(),
            examples: Vec::new(),
            skipped_spend_pence: 0,
        }
    }

    /// The policy the rows were read under.
    #[must_use]
    pub fn policy(&self) -> OnBadRow {
        self.policy
    }

    /// Data rows read (kept plus skipped).
    #[must_use]
    pub fn rows_read(&self) -> u64 {
        self.rows_read
    }

    /// Data rows kept.
    #[must_use]
    pub fn kept(&self) -> u64 {
        self.rows_read.saturating_sub(self.skipped)
    }

    /// Data rows skipped.
    #[must_use]
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// Whether no row was skipped.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.skipped == 0
    }

    /// Rows skipped for one reason.
    #[must_use]
    pub fn count(&self, reason: BadRowReason) -> u64 {
        self.by_reason.get(&reason).copied().unwrap_or(0)
    }

    /// Rows skipped, by reason.
    #[must_use]
    pub fn by_reason(&self) -> &BTreeMap<BadRowReason, u64> {
        &self.by_reason
    }

    /// The first skipped rows (at most [`BAD_ROW_EXAMPLES`]), in file order.
    #[must_use]
    pub fn examples(&self) -> &[BadRow] {
        &self.examples
    }

    /// Spend in skipped rows, in pence (minor units), counting the amounts that parsed and
    /// were not negative; a row whose fields do not line up with the header adds nothing.
    #[must_use]
    pub fn skipped_spend_pence(&self) -> i128 {
        self.skipped_spend_pence
    }

    /// Add another report of the same policy (the other's rows come after this one's).
    pub fn merge(&mut self, other: &BadRows) {
        self.rows_read += other.rows_read;
        self.skipped += other.skipped;
        for (reason, n) in &other.by_reason {
            *self.by_reason.entry(*reason).or_insert(0) += n;
        }
        let room = BAD_ROW_EXAMPLES.saturating_sub(self.examples.len());
        self.examples
            .extend(other.examples.iter().take(room).cloned());
        self.skipped_spend_pence = self
            .skipped_spend_pence
            .saturating_add(other.skipped_spend_pence);
    }

    pub(crate) fn read_row(&mut self) {
        self.rows_read += 1;
    }

    /// Handle a row error: under [`OnBadRow::Stop`], or for an error that is not about one
    /// row, give it back; otherwise record the row as skipped with the spend `spend` finds.
    pub(crate) fn handle(&mut self, error: Error, spend: impl FnOnce() -> i64) -> Result<()> {
        let reason = match (self.policy, BadRowReason::of(&error)) {
            (OnBadRow::SkipAndReport, Some(reason)) => reason,
            _ => return Err(error),
        };
        self.skipped += 1;
        *self.by_reason.entry(reason).or_insert(0) += 1;
        self.skipped_spend_pence = self
            .skipped_spend_pence
            .saturating_add(i128::from(spend().max(0)));
        if self.examples.len() < BAD_ROW_EXAMPLES {
            let (file, line, column, detail) = match error {
                Error::Malformed {
                    file,
                    line,
                    column,
                    reason,
                } => (file, line, column, reason),
                Error::At {
                    file,
                    line,
                    column,
                    source,
                } => (file, line, column, source.to_string()),
                other => (String::new(), 0, String::new(), other.to_string()),
            };
            self.examples.push(BadRow {
                file,
                line,
                column,
                reason,
                detail,
            });
        }
        Ok(())
    }

    /// Move the recorded line numbers down by `by` lines (a chunk read from the middle of a
    /// file).
    pub(crate) fn shift_lines(&mut self, by: u64) {
        for row in &mut self.examples {
            row.line += by;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn malformed_at(line: u64) -> Error {
        super::super::malformed("f.csv", line, "age", "not a whole number")
    }

    #[test]
    fn stop_gives_the_error_back_and_skip_records_it() {
        let mut stop = BadRows::new(OnBadRow::Stop);
        assert!(matches!(
            stop.handle(malformed_at(2), || 0),
            Err(Error::Malformed { line: 2, .. })
        ));
        assert!(stop.is_empty());
        let mut skip = BadRows::new(OnBadRow::SkipAndReport);
        for _ in 0..3 {
            skip.read_row();
        }
        skip.handle(malformed_at(3), || 250).unwrap();
        assert_eq!(skip.rows_read(), 3);
        assert_eq!(skip.skipped(), 1);
        assert_eq!(skip.kept(), 2);
        assert_eq!(skip.count(BadRowReason::Unparsable), 1);
        assert_eq!(skip.skipped_spend_pence(), 250);
        let row = skip.examples().first().unwrap();
        assert_eq!((row.line, row.column.as_str()), (3, "age"));
        assert_eq!(row.detail, "not a whole number");
        // An error that is not about a row stops in both modes.
        let io = Error::Io {
            file: "f.csv".into(),
            reason: "gone".into(),
        };
        assert!(matches!(skip.handle(io, || 0), Err(Error::Io { .. })));
        assert_eq!(skip.skipped(), 1);
    }

    #[test]
    fn examples_are_bounded_and_every_row_is_counted() {
        let mut a = BadRows::new(OnBadRow::SkipAndReport);
        for line in 2..(2 + 3 * BAD_ROW_EXAMPLES as u64) {
            a.read_row();
            a.handle(malformed_at(line), || -5).unwrap();
        }
        assert_eq!(a.examples().len(), BAD_ROW_EXAMPLES);
        assert_eq!(a.skipped(), 3 * BAD_ROW_EXAMPLES as u64);
        assert_eq!(a.skipped_spend_pence(), 0, "negative amounts are not spend");
        let mut b = BadRows::new(OnBadRow::SkipAndReport);
        b.read_row();
        b.handle(malformed_at(7), || 1).unwrap();
        b.shift_lines(10);
        assert_eq!(b.examples().first().map(|r| r.line), Some(17));
        let mut c = b.clone();
        c.merge(&a);
        assert_eq!(c.skipped(), a.skipped() + 1);
        assert_eq!(c.examples().len(), BAD_ROW_EXAMPLES);
        assert_eq!(c.examples().first().map(|r| r.line), Some(17));
        assert_eq!(c.skipped_spend_pence(), 1);
    }

    #[test]
    fn reasons_are_typed() {
        let at = |source| super::super::at("f", 2, "c", source);
        let cases = [
            (
                super::super::malformed("f", 2, WHOLE, "row has 2 fields, the header has 3"),
                BadRowReason::FieldCount,
            ),
            (
                super::super::malformed("f", 2, "c", super::super::NOT_UTF8),
                BadRowReason::NotUtf8,
            ),
            (
                super::super::malformed("f", 2, "c", "unknown encounter class \"x\""),
                BadRowReason::UnknownEncounterClass,
            ),
            (
                super::super::malformed("f", 2, WHOLE, "CSV error"),
                BadRowReason::Other,
            ),
            (
                at(Error::MissingAge { at: "f".into() }),
                BadRowReason::MissingAge,
            ),
            (
                at(Error::NegativeSpend {
                    service: "a".into(),
                    pence: -1,
                }),
                BadRowReason::NegativeSpend,
            ),
            (
                at(Error::InvalidValue {
                    field: "sex",
                    value: "Q".into(),
                    expected: "F",
                }),
                BadRowReason::UnknownSex,
            ),
            (
                at(Error::InvalidValue {
                    field: "deprivation_decile",
                    value: "11".into(),
                    expected: "1-10",
                }),
                BadRowReason::InvalidValue,
            ),
            (
                at(Error::UnknownCondition {
                    condition: "gout".into(),
                    catalogue: "c".into(),
                }),
                BadRowReason::UnknownCondition,
            ),
            (
                at(Error::MembershipExceedsPeriod {
                    days: 400,
                    period_days: 366,
                }),
                BadRowReason::MembershipExceedsPeriod,
            ),
            (at(Error::SpendOverflow), BadRowReason::Overflow),
            (at(Error::TooManyPlaces), BadRowReason::Other),
        ];
        for (e, want) in cases {
            assert_eq!(BadRowReason::of(&e), Some(want), "{e}");
        }
        assert_eq!(BadRowReason::of(&Error::SpendOverflow), None);
    }

    const WHOLE: &str = super::super::WHOLE_ROW;
}
