//! ONS mid-year population estimates by single year of age (the MYE2 "persons" table as
//! exported to CSV): one row per area, columns `Code, Name, Geography, All ages, 0 … 89, 90+`.
//!
//! The reader copes with the files as they are found in the wild: numbers quoted with
//! thousands separators (`"371,521"`), Windows-1252 text, and blank rows and columns left by
//! spreadsheet exports. It checks that the single years add up to `All ages` on every row.

use std::collections::BTreeMap;
use std::path::Path;

use route_map_core::GssCode;
use serde::{Deserialize, Serialize};

use super::{at, csv_error, decode, read_file};
use crate::error::{Error, Result};

/// The top age of the estimates: the last column is `90+`, everyone aged 90 or over.
pub const TOP_AGE: u8 = 90;

/// Number of age columns: 0 to 89 and `90+`.
const AGE_COLUMNS: usize = TOP_AGE as usize + 1;

/// Leading columns before the ages.
const LEADING: [&str; 4] = ["Code", "Name", "Geography", "All ages"];

/// An inclusive band of ages, open-ended when `to` is `None` (`70+`).
///
/// # Examples
///
/// ```
/// use capitation::population::AgeBand;
/// let elderly = AgeBand::new("70+", 70, None)?;
/// assert!(elderly.contains(95));
/// assert!(AgeBand::new("bad", 20, Some(10)).is_err());
/// # Ok::<(), capitation::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawAgeBand")]
pub struct AgeBand {
    label: String,
    from: u8,
    to: Option<u8>,
}

/// The serialised form of an [`AgeBand`], validated on the way in.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RawAgeBand {
    /// How the band is written, e.g. `16-69`.
    pub label: String,
    /// First age in the band.
    pub from: u8,
    /// Last age in the band (inclusive); absent for an open band such as `70+`.
    pub to: Option<u8>,
}

impl TryFrom<RawAgeBand> for AgeBand {
    type Error = Error;
    fn try_from(raw: RawAgeBand) -> Result<Self> {
        AgeBand::new(raw.label, raw.from, raw.to)
    }
}

impl AgeBand {
    /// A band from `from` to `to` inclusive (`None`: and over).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAgeBand`] when `to` is below `from` or the label is blank.
    pub fn new(label: impl Into<String>, from: u8, to: Option<u8>) -> Result<AgeBand> {
        let label = label.into();
        if label.trim().is_empty() {
            return Err(Error::InvalidAgeBand {
                band: label,
                reason: "the label is blank".into(),
            });
        }
        if let Some(to) = to
            && to < from
        {
            return Err(Error::InvalidAgeBand {
                band: label,
                reason: format!("ends at {to}, before it starts at {from}"),
            });
        }
        Ok(AgeBand { label, from, to })
    }

    /// The label.
    #[must_use]
    pub fn label(&self) -> &str {
        &self.label
    }

    /// First age.
    #[must_use]
    pub fn from(&self) -> u8 {
        self.from
    }

    /// Last age, `None` when open-ended.
    #[must_use]
    pub fn to(&self) -> Option<u8> {
        self.to
    }

    /// Whether a person of `age` is in the band.
    #[must_use]
    pub fn contains(&self, age: u8) -> bool {
        age >= self.from && self.to.is_none_or(|to| age <= to)
    }

    /// Check that bands do not overlap (gaps are allowed).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAgeBand`] naming the first band that overlaps an earlier one.
    pub fn check_disjoint(bands: &[AgeBand]) -> Result<()> {
        for (i, band) in bands.iter().enumerate() {
            for earlier in bands.iter().take(i) {
                let overlap = band.to.is_none_or(|to| to >= earlier.from)
                    && earlier.to.is_none_or(|to| to >= band.from);
                if overlap {
                    return Err(Error::InvalidAgeBand {
                        band: band.label.clone(),
                        reason: format!("overlaps band {:?}", earlier.label),
                    });
                }
            }
        }
        Ok(())
    }
}

/// The estimated persons of one area by single year of age at 30 June of `mid_year`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaPopulation {
    code: GssCode,
    name: String,
    geography: String,
    mid_year: i32,
    all_ages: u64,
    by_age: Vec<u64>,
}

impl AreaPopulation {
    /// An area's estimates from counts for ages 0 to 89 and `90+` (91 numbers).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAgeBand`] unless exactly 91 counts are given.
    pub fn new(
        code: GssCode,
        name: impl Into<String>,
        geography: impl Into<String>,
        mid_year: i32,
        by_age: Vec<u64>,
    ) -> Result<AreaPopulation> {
        if by_age.len() != AGE_COLUMNS {
            return Err(Error::InvalidAgeBand {
                band: "0 to 90+".into(),
                reason: format!(
                    "expected {AGE_COLUMNS} single-year counts, got {}",
                    by_age.len()
                ),
            });
        }
        Ok(AreaPopulation {
            all_ages: by_age.iter().sum(),
            code,
            name: name.into(),
            geography: geography.into(),
            mid_year,
            by_age,
        })
    }

    /// The ONS GSS code.
    #[must_use]
    pub fn code(&self) -> &GssCode {
        &self.code
    }

    /// The area's name, trimmed.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The kind of area as published (`Metropolitan District`, `County`, ...).
    #[must_use]
    pub fn geography(&self) -> &str {
        &self.geography
    }

    /// The year of the estimate (mid-year, 30 June).
    #[must_use]
    pub fn mid_year(&self) -> i32 {
        self.mid_year
    }

    /// Persons of all ages.
    #[must_use]
    pub fn all_ages(&self) -> u64 {
        self.all_ages
    }

    /// Persons of one single year of age; `age` 90 means `90+`. `None` above 90.
    #[must_use]
    pub fn age(&self, age: u8) -> Option<u64> {
        self.by_age.get(usize::from(age)).copied()
    }

    /// Persons in an age band.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAgeBand`] when the band closes at 90 or over (the estimates stop at a
    /// single `90+` column, so only an open band can hold those ages) or starts above 90.
    pub fn persons_in(&self, band: &AgeBand) -> Result<u64> {
        let invalid = |reason: String| Error::InvalidAgeBand {
            band: band.label().to_owned(),
            reason,
        };
        if band.from() > TOP_AGE {
            return Err(invalid(format!(
                "starts above {TOP_AGE}, the open top age of the estimates"
            )));
        }
        let last = match band.to() {
            Some(to) if to >= TOP_AGE => {
                return Err(invalid(format!(
                    "closes at {to} but the estimates hold everyone aged {TOP_AGE} and over in one column; use an open band"
                )));
            }
            Some(to) => usize::from(to),
            None => usize::from(TOP_AGE),
        };
        Ok(self
            .by_age
            .iter()
            .skip(usize::from(band.from()))
            .take(last + 1 - usize::from(band.from()))
            .sum())
    }
}

/// A set of mid-year estimates read from one file, in file order.
#[derive(Debug, Clone)]
pub struct MidYearEstimates {
    source_name: String,
    mid_year: i32,
    areas: Vec<AreaPopulation>,
    index: BTreeMap<String, usize>,
    blank_rows: usize,
    windows_1252: bool,
}

impl MidYearEstimates {
    /// Read the estimates for `mid_year` from a file.
    ///
    /// # Errors
    ///
    /// [`Error::PopulationFileIo`] when the file cannot be read, then as
    /// [`MidYearEstimates::from_bytes`].
    pub fn from_path(path: impl AsRef<Path>, mid_year: i32) -> Result<MidYearEstimates> {
        let path = path.as_ref();
        let bytes = read_file(path)?;
        MidYearEstimates::from_bytes(&bytes, &path.display().to_string(), mid_year)
    }

    /// Read the estimates for `mid_year` from the bytes of a CSV file; `file` names the source
    /// in messages.
    ///
    /// Blank rows (every field empty) are skipped and counted; trailing empty columns are
    /// ignored; UTF-8 is used when the bytes are valid UTF-8, Windows-1252 otherwise.
    ///
    /// # Errors
    ///
    /// [`Error::PopulationFile`] with line and column for a header that is not the ONS layout,
    /// a short row, an invalid GSS code, a count that is not a whole number (thousands
    /// separators allowed), a non-empty cell beyond `90+`, a repeated area, or ages that do not
    /// add up to `All ages`.
    ///
    /// # Examples
    ///
    /// ```
    /// use capitation::population::MidYearEstimates;
    /// let mut csv = String::from("Code,Name,Geography,All ages");
    /// for age in 0..90 { csv.push_str(&format!(",{age}")); }
    /// csv.push_str(",90+,,\nE08000026,Coventry,Metropolitan District,\"1,001\"");
    /// csv.push_str(",\"1,000\"");
    /// for _ in 1..90 { csv.push_str(",0"); }
    /// csv.push_str(",1,,\n,,,\n");
    /// let est = MidYearEstimates::from_bytes(csv.as_bytes(), "example.csv", 2020)?;
    /// assert_eq!(est.area("E08000026")?.all_ages(), 1_001);
    /// assert_eq!(est.blank_rows(), 1);
    /// # Ok::<(), capitation::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8], file: &str, mid_year: i32) -> Result<MidYearEstimates> {
        let text = decode(bytes);
        let windows_1252 = matches!(text, std::borrow::Cow::Owned(_));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let header = match records.next() {
            Some(record) => record.map_err(|e| csv_error(file, &e))?,
            None => return Err(at(file, 1, 0, "the file is empty")),
        };
        check_header(file, &header)?;
        let mut estimates = MidYearEstimates {
            source_name: file.to_owned(),
            mid_year,
            areas: Vec::new(),
            index: BTreeMap::new(),
            blank_rows: 0,
            windows_1252,
        };
        for record in records {
            let record = record.map_err(|e| csv_error(file, &e))?;
            if record.iter().all(|f| f.trim().is_empty()) {
                estimates.blank_rows += 1;
                continue;
            }
            let line = record.position().map_or(0, csv::Position::line);
            let area = parse_row(file, line, &record, mid_year)?;
            let key = area.code.as_str().to_owned();
            if estimates.index.contains_key(&key) {
                return Err(at(
                    file,
                    line,
                    1,
                    format!("area {key} appears more than once"),
                ));
            }
            estimates.index.insert(key, estimates.areas.len());
            estimates.areas.push(area);
        }
        Ok(estimates)
    }

    /// The name of the file read.
    #[must_use]
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// The year of the estimates.
    #[must_use]
    pub fn mid_year(&self) -> i32 {
        self.mid_year
    }

    /// The areas, in file order.
    #[must_use]
    pub fn areas(&self) -> &[AreaPopulation] {
        &self.areas
    }

    /// Number of blank rows skipped.
    #[must_use]
    pub fn blank_rows(&self) -> usize {
        self.blank_rows
    }

    /// Whether the bytes were decoded as Windows-1252 (they were not valid UTF-8).
    #[must_use]
    pub fn was_windows_1252(&self) -> bool {
        self.windows_1252
    }

    /// One area by GSS code (case-insensitive).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownArea`] when the code is not in the file.
    pub fn area(&self, code: &str) -> Result<&AreaPopulation> {
        self.index
            .get(&code.trim().to_ascii_uppercase())
            .and_then(|i| self.areas.get(*i))
            .ok_or_else(|| Error::UnknownArea {
                code: code.to_owned(),
                source_name: self.source_name.clone(),
            })
    }
}

fn check_header(file: &str, header: &csv::StringRecord) -> Result<()> {
    let line = header.position().map_or(1, csv::Position::line);
    let expected = LEADING
        .iter()
        .map(|s| (*s).to_owned())
        .chain((0..TOP_AGE).map(|a| a.to_string()))
        .chain(std::iter::once(format!("{TOP_AGE}+")));
    for (i, want) in expected.enumerate() {
        match header.get(i).map(str::trim) {
            Some(got) if got.eq_ignore_ascii_case(&want) => {}
            Some(got) => {
                return Err(at(
                    file,
                    line,
                    i + 1,
                    format!("header {got:?} where the ONS layout has {want:?}"),
                ));
            }
            None => {
                return Err(at(
                    file,
                    line,
                    i + 1,
                    format!("header ends before column {want:?}"),
                ));
            }
        }
    }
    check_trailing_empty(file, line, header)
}

fn check_trailing_empty(file: &str, line: u64, record: &csv::StringRecord) -> Result<()> {
    let first_extra = LEADING.len() + AGE_COLUMNS;
    match record
        .iter()
        .enumerate()
        .skip(first_extra)
        .find(|(_, f)| !f.trim().is_empty())
    {
        Some((i, f)) => Err(at(
            file,
            line,
            i + 1,
            format!("unexpected value {f:?} after the 90+ column"),
        )),
        None => Ok(()),
    }
}

fn parse_row(
    file: &str,
    line: u64,
    record: &csv::StringRecord,
    mid_year: i32,
) -> Result<AreaPopulation> {
    let needed = LEADING.len() + AGE_COLUMNS;
    if record.len() < needed {
        return Err(at(
            file,
            line,
            record.len() + 1,
            format!(
                "row has {} fields; the ONS layout needs {needed}",
                record.len()
            ),
        ));
    }
    let field = |i: usize| record.get(i).unwrap_or("");
    let code = GssCode::new(field(0)).map_err(|e| at(file, line, 1, e.to_string()))?;
    let name = field(1).trim().to_owned();
    if name.is_empty() {
        return Err(at(file, line, 2, "the area name is empty"));
    }
    let geography = field(2).trim().to_owned();
    let all_ages = parse_count(field(3)).map_err(|r| at(file, line, 4, r))?;
    let by_age = (0..AGE_COLUMNS)
        .map(|a| {
            let column = LEADING.len() + a;
            parse_count(field(column)).map_err(|r| at(file, line, column + 1, r))
        })
        .collect::<Result<Vec<u64>>>()?;
    check_trailing_empty(file, line, record)?;
    let area = AreaPopulation::new(code, name, geography, mid_year, by_age)?;
    if area.all_ages != all_ages {
        return Err(at(
            file,
            line,
            4,
            format!(
                "All ages is {all_ages} but ages 0 to 90+ add up to {}",
                area.all_ages
            ),
        ));
    }
    Ok(area)
}

/// A whole number of persons, with or without thousands separators (`371,521`).
fn parse_count(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let bad = || format!("{t:?} is not a whole number of persons");
    if t.is_empty() {
        return Err("the count is empty".to_owned());
    }
    let groups: Vec<&str> = t.split(',').collect();
    let well_formed = groups.iter().enumerate().all(|(i, g)| {
        let size_ok = if i == 0 {
            !g.is_empty() && (groups.len() == 1 || g.len() <= 3)
        } else {
            g.len() == 3
        };
        size_ok && g.bytes().all(|b| b.is_ascii_digit())
    });
    if !well_formed {
        return Err(bad());
    }
    groups
        .concat()
        .parse::<u64>()
        .map_err(|_| format!("{t:?} is too large a count"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> String {
        let mut h = String::from("Code,Name,Geography,All ages");
        for a in 0..90 {
            h.push_str(&format!(",{a}"));
        }
        h.push_str(",90+");
        h
    }

    fn row(code: &str, name: &str, first: &str, total: &str) -> String {
        let mut r = format!("{code},{name},County,\"{total}\",\"{first}\"");
        for _ in 1..91 {
            r.push_str(",1");
        }
        r
    }

    fn read(text: &str) -> Result<MidYearEstimates> {
        MidYearEstimates::from_bytes(text.as_bytes(), "t.csv", 2020)
    }

    #[test]
    fn counts_accept_thousands_separators_only_where_they_belong() {
        assert_eq!(parse_count("371,521"), Ok(371_521));
        assert_eq!(parse_count(" 1,234,567 "), Ok(1_234_567));
        assert_eq!(parse_count("42"), Ok(42));
        assert!(parse_count("").is_err());
        assert!(parse_count("1,23").is_err());
        assert!(parse_count("1234,567").is_err());
        assert!(parse_count("-5").is_err());
        assert!(parse_count("1.5").is_err());
        assert!(parse_count("99999999999999999999999").is_err());
    }

    #[test]
    fn reads_rows_with_trailing_blanks() {
        let text = format!(
            "{h},,\n{r},,\n,,,,\n",
            h = header(),
            r = row("E10000031", "Warwickshire", "1,000", "1,090")
        );
        let est = read(&text).unwrap();
        let area = est.area("e10000031").unwrap();
        assert_eq!(area.all_ages(), 1_090);
        assert_eq!(area.age(0), Some(1_000));
        assert_eq!(area.age(90), Some(1));
        assert_eq!(area.age(91), None);
        assert_eq!(est.blank_rows(), 1);
        assert!(!est.was_windows_1252());
        let band = AgeBand::new("0-15", 0, Some(15)).unwrap();
        assert_eq!(area.persons_in(&band).unwrap(), 1_015);
        let open = AgeBand::new("70+", 70, None).unwrap();
        assert_eq!(area.persons_in(&open).unwrap(), 21);
        assert!(
            area.persons_in(&AgeBand::new("85-94", 85, Some(94)).unwrap())
                .is_err()
        );
        assert!(
            area.persons_in(&AgeBand::new("95+", 95, None).unwrap())
                .is_err()
        );
    }

    #[test]
    fn windows_1252_names_are_decoded_and_trimmed() {
        let mut bytes = format!("{}\n", header()).into_bytes();
        bytes.extend(row("E06000062", "West Northamptonshire\u{0}", "10", "100").bytes());
        // Replace the placeholder with a raw 0xA0 byte.
        let pos = bytes.iter().position(|b| *b == 0).unwrap();
        bytes[pos] = 0xA0;
        let est = MidYearEstimates::from_bytes(&bytes, "t.csv", 2020).unwrap();
        assert!(est.was_windows_1252());
        assert_eq!(
            est.area("E06000062").unwrap().name(),
            "West Northamptonshire"
        );
    }

    fn error_place(result: Result<MidYearEstimates>) -> (u64, usize, String) {
        match result {
            Err(Error::PopulationFile {
                file,
                line,
                column,
                reason,
            }) => {
                assert_eq!(file, "t.csv");
                (line, column, reason)
            }
            other => panic!("expected a located error, got {other:?}"),
        }
    }

    #[test]
    fn errors_name_line_and_column() {
        let h = header();
        // Bad count in the age-0 column (column 5), on line 2.
        let (line, column, reason) = error_place(read(&format!(
            "{h}\n{}",
            row("E10000031", "W", "1,00", "1,090")
        )));
        assert_eq!((line, column), (2, 5));
        assert!(reason.contains("1,00"), "{reason}");
        // Totals that do not add up: column 4.
        let (line, column, _) = error_place(read(&format!(
            "{h}\n{}",
            row("E10000031", "W", "1,000", "1,091")
        )));
        assert_eq!((line, column), (2, 4));
        // Invalid GSS code: column 1, line 3 after a good row.
        let text = format!(
            "{h}\n{}\n{}",
            row("E10000031", "W", "1,000", "1,090"),
            row("X1", "W", "1,000", "1,090")
        );
        assert_eq!(error_place(read(&text)).1, 1);
        // Duplicate area.
        let r = row("E10000031", "W", "1,000", "1,090");
        let (line, column, reason) = error_place(read(&format!("{h}\n{r}\n{r}")));
        assert_eq!((line, column), (3, 1));
        assert!(reason.contains("more than once"));
        // Short row.
        let (_, column, _) = error_place(read(&format!("{h}\nE10000031,W,County,\"5\",1,2")));
        assert_eq!(column, 7);
        // Non-empty cell after 90+.
        let (_, column, _) = error_place(read(&format!("{h}\n{r},,x")));
        assert_eq!(column, 97);
        // Empty name.
        let (_, column, _) =
            error_place(read(&format!("{h}\n{}", row("E10000031", " ", "1", "91"))));
        assert_eq!(column, 2);
    }

    #[test]
    fn header_errors() {
        let (line, column, reason) = error_place(read("Code,Name,Geography,Total,0\n"));
        assert_eq!((line, column), (1, 4));
        assert!(reason.contains("Total"));
        let (_, column, _) = error_place(read("Code,Name,Geography,All ages,0,1\n"));
        assert_eq!(column, 7);
        assert!(matches!(
            read(""),
            Err(Error::PopulationFile { line: 1, .. })
        ));
        let (_, column, _) = error_place(read(&format!("{},extra\n", header())));
        assert_eq!(column, 96);
    }

    #[test]
    fn unknown_area_is_an_error() {
        let est = read(&header()).unwrap();
        assert!(est.areas().is_empty());
        assert!(matches!(
            est.area("E08000026"),
            Err(Error::UnknownArea { .. })
        ));
        assert_eq!(est.mid_year(), 2020);
        assert_eq!(est.source_name(), "t.csv");
    }

    #[test]
    fn area_needs_91_counts_and_bands_are_validated() {
        let code: GssCode = "E08000026".parse().unwrap();
        assert!(AreaPopulation::new(code, "C", "M", 2019, vec![1; 90]).is_err());
        assert!(AgeBand::new(" ", 0, None).is_err());
        let a = AgeBand::new("0-15", 0, Some(15)).unwrap();
        let b = AgeBand::new("16-69", 16, Some(69)).unwrap();
        let c = AgeBand::new("70+", 70, None).unwrap();
        assert!(AgeBand::check_disjoint(&[a.clone(), b.clone(), c.clone()]).is_ok());
        let d = AgeBand::new("0-16", 0, Some(16)).unwrap();
        assert!(matches!(
            AgeBand::check_disjoint(&[d, b.clone()]),
            Err(Error::InvalidAgeBand { band, .. }) if band == "16-69"
        ));
        let e = AgeBand::new("60+", 60, None).unwrap();
        assert!(AgeBand::check_disjoint(&[c, e]).is_err());
        assert!(serde_json::from_str::<AgeBand>(r#"{"label":"x","from":5,"to":3}"#).is_err());
        let ok: AgeBand = serde_json::from_str(r#"{"label":"x","from":5,"to":null}"#).unwrap();
        assert!(ok.contains(200) && !ok.contains(4));
        assert_eq!(a.label(), "0-15");
    }

    fn with_separators(n: u64) -> String {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn written_estimates_read_back(ages in proptest::collection::vec(0u64..2_000_000, 91), blanks in 0usize..4) {
            let total: u64 = ages.iter().sum();
            let mut text = format!("{},,\nE08000026,Coventry,Metropolitan District,\"{}\"", header(), with_separators(total));
            for a in &ages {
                text.push_str(&format!(",\"{}\"", with_separators(*a)));
            }
            text.push_str(",,\n");
            for _ in 0..blanks {
                text.push_str(",,,,\n");
            }
            let est = read(&text).unwrap();
            let area = est.area("E08000026").unwrap();
            proptest::prop_assert_eq!(area.all_ages(), total);
            for (i, a) in ages.iter().enumerate() {
                proptest::prop_assert_eq!(area.age(u8::try_from(i).unwrap()), Some(*a));
            }
            proptest::prop_assert_eq!(est.blank_rows(), blanks);
        }
    }
}
