//! Readers that turn files into people.
//!
//! - [`person_csv`]: the crate's documented person-level CSV layout, streamed row by row or
//!   read in parallel chunks straight into segment totals.
//! - [`synthea`]: the Synthea CSV export (patients, conditions, encounters, medications,
//!   procedures) into people with spend by service.
//!
//! Errors name the file, the line (the header is line 1) and the column:
//! [`crate::Error::Malformed`] for text that does not parse, [`crate::Error::At`] wrapping a
//! typed error (a negative spend, a missing age) with its place in the file.
//!
//! Both readers stop at the first malformed row unless the caller chooses
//! [`OnBadRow::SkipAndReport`]: then malformed rows are skipped, counted by typed reason and
//! reported with file, line and column in [`BadRows`] (see [`bad_rows`]).

pub mod bad_rows;
pub mod person_csv;
pub mod synthea;

pub use bad_rows::{BAD_ROW_EXAMPLES, BadRow, BadRowReason, BadRows, OnBadRow};

/// The column named in errors about a whole row.
pub(crate) const WHOLE_ROW: &str = "(row)";
/// The reason given for a field that is not UTF-8.
pub(crate) const NOT_UTF8: &str = "text is not UTF-8";
/// The start of the reason given for an unknown Synthea encounter class.
pub(crate) const UNKNOWN_CLASS: &str = "unknown encounter class";

use crate::error::Error;

/// Parse an amount written in pounds with at most two decimals (`"12"`, `"12.3"`, `"12.34"`)
/// into pence, exactly. A leading minus sign is accepted so that the caller can report a
/// negative amount as such.
pub(crate) fn parse_pence(text: &[u8]) -> std::result::Result<i64, &'static str> {
    let t = trim(text);
    let (neg, digits) = match t.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, t),
    };
    if digits.is_empty() {
        return Err("empty amount");
    }
    let mut whole: i64 = 0;
    let mut frac: i64 = 0;
    let mut frac_digits = 0u32;
    let mut seen_dot = false;
    let mut any_digit = false;
    for b in digits {
        match b {
            b'0'..=b'9' => {
                any_digit = true;
                let d = i64::from(b - b'0');
                if seen_dot {
                    frac_digits += 1;
                    if frac_digits > 2 {
                        if d != 0 {
                            return Err("amount has fractions of a penny");
                        }
                        continue;
                    }
                    frac = frac * 10 + d;
                } else {
                    whole = whole
                        .checked_mul(10)
                        .and_then(|w| w.checked_add(d))
                        .ok_or("amount too large")?;
                }
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => return Err("not an amount in pounds (digits with at most two decimals)"),
        }
    }
    if !any_digit {
        return Err("not an amount in pounds (digits with at most two decimals)");
    }
    if frac_digits == 1 {
        frac *= 10;
    }
    let pence = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .ok_or("amount too large")?;
    Ok(if neg { -pence } else { pence })
}

/// Parse a whole number (optionally signed).
pub(crate) fn parse_int(text: &[u8]) -> std::result::Result<i64, &'static str> {
    let t = trim(text);
    let (neg, digits) = match t.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, t),
    };
    if digits.is_empty() {
        return Err("empty number");
    }
    let mut v: i64 = 0;
    for b in digits {
        if !b.is_ascii_digit() {
            return Err("not a whole number");
        }
        v = v
            .checked_mul(10)
            .and_then(|x| x.checked_add(i64::from(b - b'0')))
            .ok_or("number too large")?;
    }
    Ok(if neg { -v } else { v })
}

pub(crate) fn trim(text: &[u8]) -> &[u8] {
    text.trim_ascii()
}

pub(crate) fn malformed(file: &str, line: u64, column: &str, reason: impl Into<String>) -> Error {
    Error::Malformed {
        file: file.to_owned(),
        line,
        column: column.to_owned(),
        reason: reason.into(),
    }
}

pub(crate) fn at(file: &str, line: u64, column: &str, source: Error) -> Error {
    Error::At {
        file: file.to_owned(),
        line,
        column: column.to_owned(),
        source: Box::new(source),
    }
}

pub(crate) fn io(file: &str, e: &std::io::Error) -> Error {
    Error::Io {
        file: file.to_owned(),
        reason: e.to_string(),
    }
}

/// Turn a csv crate error into a located [`Error::Malformed`].
pub(crate) fn csv_error(file: &str, e: &csv::Error, line_offset: u64) -> Error {
    let line = e.position().map_or(0, |p| p.line()) + line_offset;
    match e.kind() {
        csv::ErrorKind::Io(io_err) => io(file, io_err),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => malformed(
            file,
            line,
            WHOLE_ROW,
            format!("row has {len} fields, the header has {expected_len}"),
        ),
        csv::ErrorKind::Utf8 { err, .. } => {
            malformed(file, line, &format!("field {}", err.field() + 1), NOT_UTF8)
        }
        _ => malformed(file, line, WHOLE_ROW, e.to_string()),
    }
}

pub(crate) fn parse_date(text: &[u8]) -> Option<chrono::NaiveDate> {
    let t = trim(text);
    let t = t.get(..10).unwrap_or(t);
    std::str::from_utf8(t)
        .ok()
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pence_parsing_is_exact() {
        assert_eq!(parse_pence(b"12"), Ok(1200));
        assert_eq!(parse_pence(b"12.3"), Ok(1230));
        assert_eq!(parse_pence(b" 12.34 "), Ok(1234));
        assert_eq!(parse_pence(b"0.01"), Ok(1));
        assert_eq!(parse_pence(b"12.340"), Ok(1234));
        assert_eq!(parse_pence(b"-5.00"), Ok(-500));
        assert!(parse_pence(b"12.345").is_err());
        assert!(parse_pence(b"").is_err());
        assert!(parse_pence(b"1e3").is_err());
        assert!(parse_pence(b".").is_err());
        assert!(parse_pence(b"1.2.3").is_err());
        assert!(parse_pence(b"999999999999999999999").is_err());
        assert_eq!(parse_int(b"42"), Ok(42));
        assert_eq!(parse_int(b"-3"), Ok(-3));
        assert!(parse_int(b"4x").is_err());
        assert!(parse_int(b"").is_err());
        assert_eq!(
            parse_date(b"2023-10-16T07:00:00Z"),
            chrono::NaiveDate::from_ymd_opt(2023, 10, 16)
        );
        assert_eq!(parse_date(b"16/10/2023"), None);
    }
}
