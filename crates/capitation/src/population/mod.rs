//! Population data for budgets: ONS mid-year estimates by single year of age and NHS England
//! weighted populations per GP practice, with readers for the files as published.
//!
//! Both readers take bytes or a path and a file name for their messages: every error names the
//! file, the 1-based line and the 1-based column (field) at fault, as
//! [`Error::PopulationFile`].

pub mod ons;
pub mod weighted;

pub use ons::{AgeBand, AreaPopulation, MidYearEstimates, RawAgeBand, TOP_AGE};
pub use weighted::{
    Grouping, NeedIndex, PracticeWeightedPopulation, WeightedComponent, WeightedPopulations,
};

use crate::error::{Error, Result};

/// Read a whole file, reporting failure with the file's name.
pub(crate) fn read_file(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::PopulationFileIo {
        file: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// Decode a published CSV: UTF-8 (with or without a byte-order mark) when valid, otherwise
/// Windows-1252, the encoding Excel on Windows saves "CSV" in (ONS's 2020 estimates carry a
/// 0xA0 non-breaking space).
pub(crate) fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// An error at a place in a file.
pub(crate) fn at(file: &str, line: u64, column: usize, reason: impl Into<String>) -> Error {
    Error::PopulationFile {
        file: file.to_owned(),
        line,
        column,
        reason: reason.into(),
    }
}

/// Turn a csv error into a located error.
pub(crate) fn csv_error(file: &str, e: &csv::Error) -> Error {
    let line = e.position().map_or(0, csv::Position::line);
    at(file, line, 0, format!("malformed CSV: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_bom_and_windows_1252() {
        assert_eq!(decode(b"\xEF\xBB\xBFabc"), "abc");
        assert_eq!(decode("caf\u{e9}".as_bytes()), "caf\u{e9}");
        assert_eq!(
            decode(b"West Northamptonshire\xA0"),
            "West Northamptonshire\u{a0}"
        );
        assert_eq!(decode(b"\x80"), "\u{20ac}");
    }

    #[test]
    fn missing_file_names_the_file() {
        let err = read_file(std::path::Path::new("/no/such/file.csv")).unwrap_err();
        assert!(err.to_string().contains("/no/such/file.csv"), "{err}");
    }
}
