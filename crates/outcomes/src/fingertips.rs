//! Import of OHID Fingertips indicator data into [`Observation`]s, in both layouts:
//!
//! - **classic**: the 27-column "all data" CSV of the Fingertips API
//!   (`all_data/csv/by_indicator_id`, `by_profile_id`) and fingertipsR. Supported columns, by
//!   header: `Indicator ID`, `Indicator Name`, `Parent Code`, `Parent Name`, `Area Code`,
//!   `Area Name`, `Area Type`, `Sex`, `Age`, `Category Type`, `Category`, `Time period`,
//!   `Value`, `Lower CI 95.0 limit`, `Upper CI 95.0 limit`, `Lower CI 99.8 limit`,
//!   `Upper CI 99.8 limit`, `Count`, `Denominator`, `Value note`, `Recent Trend`,
//!   `Compared to England value or percentiles`, `Compared to <parent area type> value or
//!   percentiles` (matched by its prefix and suffix, since the parent type varies),
//!   `Time period Sortable`, `New data`, `Compared to goal`, `Time period range`. Required:
//!   `Indicator ID`, `Area Code`, `Time period`, `Value`; `Parent Code`, `Parent Name`,
//!   `Area Type`, `New data` and `Time period range` are read past.
//! - **compact**: the 17-column layout of the FingertipsNext data creator (`IndicatorId,
//!   Category, CategoryType, Age, Sex, Trend, Denominator, CategoryTypeId, UpperCI, Value,
//!   Count, AreaCode, SexID, AgeID, Year, LowerCI, CategoryId`), with 95% limits only.
//!   Required: `IndicatorId`, `AreaCode`, `Year`, `Value`.
//!
//! The layout is detected from the header; columns are found by name, in any order. A UTF-8
//! byte-order mark is skipped; empty cells (`""`) are absent values. Errors name the line and
//! column.

use std::collections::BTreeMap;
use std::io::Read;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::AreaCode;
use crate::observation::{Limits, Observation, Period};

/// The two layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// The 27-column "all data" export.
    Classic,
    /// The compact FingertipsNext layout.
    Compact,
}

/// The result of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The layout detected.
    pub layout: Layout,
    /// One observation per data row, in file order.
    pub observations: Vec<Observation>,
}

struct Columns {
    names: Vec<String>,
    index: BTreeMap<String, usize>,
}

impl Columns {
    /// Header names trimmed (and a byte-order mark dropped), looked up without case.
    fn from_headers(headers: &csv::StringRecord) -> Columns {
        let names: Vec<String> = headers
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
            .collect();
        let index = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_ascii_lowercase(), i))
            .collect();
        Columns { names, index }
    }
    fn find(&self, name: &str) -> Option<usize> {
        self.index.get(&name.to_ascii_lowercase()).copied()
    }
    fn find_matching(&self, pred: impl Fn(&str) -> bool) -> Option<usize> {
        self.names
            .iter()
            .position(|n| pred(&n.to_ascii_lowercase()))
    }
}

struct Row<'a> {
    file: &'a str,
    line: u64,
    record: &'a csv::StringRecord,
    columns: &'a Columns,
}

impl Row<'_> {
    fn err(&self, col: usize, reason: String) -> Error {
        Error::Import {
            file: self.file.to_owned(),
            line: self.line,
            column: col + 1,
            column_name: self.columns.names.get(col).cloned().unwrap_or_default(),
            reason,
        }
    }
    fn text(&self, col: Option<usize>) -> Option<String> {
        let raw = self.record.get(col?)?.trim();
        let cleaned = raw.trim_matches('"').trim();
        (!cleaned.is_empty()).then(|| cleaned.to_owned())
    }
    fn required(&self, col: usize) -> Result<String> {
        self.text(Some(col))
            .ok_or_else(|| self.err(col, "is empty but required".into()))
    }
    fn decimal(&self, col: Option<usize>) -> Result<Option<Decimal>> {
        let Some(c) = col else { return Ok(None) };
        let Some(t) = self.text(Some(c)) else {
            return Ok(None);
        };
        Decimal::from_str(&t)
            .or_else(|_| Decimal::from_scientific(&t))
            .map(Some)
            .map_err(|_| self.err(c, format!("{t:?} is not a number")))
    }
    fn limits(&self, lower: Option<usize>, upper: Option<usize>) -> Result<Option<Limits>> {
        match (self.decimal(lower)?, self.decimal(upper)?) {
            (Some(l), Some(u)) => {
                if l > u {
                    let col = upper.unwrap_or_default();
                    return Err(self.err(col, format!("upper limit {u} is below lower limit {l}")));
                }
                Ok(Some(Limits { lower: l, upper: u }))
            }
            _ => Ok(None),
        }
    }
}

/// Read either layout from a reader; `file` names it in errors.
///
/// # Errors
///
/// [`Error::ImportFormat`] when the header is neither layout or lacks a required column, or
/// the CSV is malformed (a row with the wrong number of fields, invalid UTF-8);
/// [`Error::Import`] for a cell that is not a number where one is expected, an empty
/// required cell, an invalid area code, or inverted confidence limits.
///
/// # Examples
///
/// ```
/// let csv = "IndicatorId,Category,CategoryType,Age,Sex,Trend,Denominator,CategoryTypeId,UpperCI,Value,Count,AreaCode,SexID,AgeID,Year,LowerCI,CategoryId\n\
///            241,\"\",\"\",17+ yrs,Persons,\"\",9241,,8.45602237036968,7.88875662807056,729,A82003,4,187,2018,7.35648739880458,\n";
/// let import = outcomes::fingertips::read(csv.as_bytes(), "healthdata.csv")?;
/// assert_eq!(import.layout, outcomes::fingertips::Layout::Compact);
/// assert_eq!(import.observations[0].numerator, Some(729.into()));
/// # Ok::<(), outcomes::Error>(())
/// ```
pub fn read<R: Read>(reader: R, file: &str) -> Result<Import> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(reader);
    let columns = Columns::from_headers(rdr.headers().map_err(|e| csv_error(file, &e))?);
    let layout = if columns.find("Indicator ID").is_some() {
        Layout::Classic
    } else if columns.find("IndicatorId").is_some() {
        Layout::Compact
    } else {
        return Err(Error::ImportFormat {
            file: file.to_owned(),
            line: 1,
            reason: "header has neither \"Indicator ID\" (classic layout) nor \"IndicatorId\" (compact layout)".into(),
        });
    };
    let need = |name: &str| {
        columns.find(name).ok_or_else(|| Error::ImportFormat {
            file: file.to_owned(),
            line: 1,
            reason: format!("required column {name:?} is missing"),
        })
    };
    let mut observations = Vec::new();
    let mut record = csv::StringRecord::new();
    match layout {
        Layout::Classic => {
            let c_id = need("Indicator ID")?;
            let c_area = need("Area Code")?;
            let c_period = need("Time period")?;
            let c_value = need("Value")?;
            let c_name = columns.find("Indicator Name");
            let c_area_name = columns.find("Area Name");
            let c_sex = columns.find("Sex");
            let c_age = columns.find("Age");
            let c_ct = columns.find("Category Type");
            let c_cat = columns.find("Category");
            let (c_l95, c_u95) = (
                columns.find("Lower CI 95.0 limit"),
                columns.find("Upper CI 95.0 limit"),
            );
            let (c_l998, c_u998) = (
                columns.find("Lower CI 99.8 limit"),
                columns.find("Upper CI 99.8 limit"),
            );
            let c_count = columns.find("Count");
            let c_den = columns.find("Denominator");
            let c_note = columns.find("Value note");
            let c_trend = columns.find("Recent Trend");
            let c_eng = columns.find_matching(|n| n == "compared to england value or percentiles");
            let c_goal = columns.find("Compared to goal");
            let c_sort = columns.find("Time period Sortable");
            while rdr
                .read_record(&mut record)
                .map_err(|e| csv_error(file, &e))?
            {
                let row = Row {
                    file,
                    line: line_of(&record),
                    record: &record,
                    columns: &columns,
                };
                let label = row.required(c_period)?;
                let sortable = match row.text(c_sort) {
                    Some(t) => t.parse::<u32>().map_err(|_| {
                        row.err(
                            c_sort.unwrap_or_default(),
                            format!("{t:?} is not a sortable period"),
                        )
                    })?,
                    None => sortable_from_label(&label).ok_or_else(|| {
                        row.err(c_period, format!("{label:?} does not start with a year"))
                    })?,
                };
                let note = match (row.text(c_note), row.text(c_trend)) {
                    (Some(n), Some(t)) => Some(format!("{n}; {t}")),
                    (n, t) => n.or(t),
                };
                observations.push(Observation {
                    source_indicator_id: row.required(c_id)?,
                    indicator_name: row.text(c_name),
                    area: area(&row, c_area)?,
                    area_name: row.text(c_area_name),
                    period: Period { sortable, label },
                    sex: row.text(c_sex),
                    age: row.text(c_age),
                    category_type: row.text(c_ct),
                    category: row.text(c_cat),
                    value: row.decimal(Some(c_value))?,
                    numerator: row.decimal(c_count)?,
                    denominator: row.decimal(c_den)?,
                    exclusions: None,
                    ci95: row.limits(c_l95, c_u95)?,
                    ci998: row.limits(c_l998, c_u998)?,
                    note,
                    compared_to_england: row.text(c_eng),
                    compared_to_goal: row.text(c_goal),
                });
            }
        }
        Layout::Compact => {
            let c_id = need("IndicatorId")?;
            let c_area = need("AreaCode")?;
            let c_year = need("Year")?;
            let c_value = need("Value")?;
            let c_sex = columns.find("Sex");
            let c_age = columns.find("Age");
            let c_ct = columns.find("CategoryType");
            let c_cat = columns.find("Category");
            let (c_l, c_u) = (columns.find("LowerCI"), columns.find("UpperCI"));
            let c_count = columns.find("Count");
            let c_den = columns.find("Denominator");
            let c_trend = columns.find("Trend");
            while rdr
                .read_record(&mut record)
                .map_err(|e| csv_error(file, &e))?
            {
                let row = Row {
                    file,
                    line: line_of(&record),
                    record: &record,
                    columns: &columns,
                };
                let year_text = row.required(c_year)?;
                let year: u16 = year_text
                    .parse()
                    .ok()
                    .filter(|y| (1900..=2999).contains(y))
                    .ok_or_else(|| row.err(c_year, format!("{year_text:?} is not a year")))?;
                observations.push(Observation {
                    source_indicator_id: row.required(c_id)?,
                    indicator_name: None,
                    area: area(&row, c_area)?,
                    area_name: None,
                    period: Period::year(year),
                    sex: row.text(c_sex),
                    age: row.text(c_age),
                    category_type: row.text(c_ct),
                    category: row.text(c_cat),
                    value: row.decimal(Some(c_value))?,
                    numerator: row.decimal(c_count)?,
                    denominator: row.decimal(c_den)?,
                    exclusions: None,
                    ci95: row.limits(c_l, c_u)?,
                    ci998: None,
                    note: row.text(c_trend),
                    compared_to_england: None,
                    compared_to_goal: None,
                });
            }
        }
    }
    Ok(Import {
        layout,
        observations,
    })
}

/// Read a file of either layout.
///
/// # Errors
///
/// [`Error::ImportFormat`] when the file cannot be opened; otherwise the errors of [`read`].
pub fn read_path(path: &std::path::Path) -> Result<Import> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Error::ImportFormat {
        file: name.clone(),
        line: 0,
        reason: e.to_string(),
    })?;
    read(std::io::BufReader::new(file), &name)
}

/// Read the pipe-delimited `IndicatorID|IndicatorName` list into a map, cleaning the stray
/// quotes and trailing commas some names carry.
///
/// # Errors
///
/// [`Error::ImportFormat`] for malformed CSV or a missing column; [`Error::Import`] for an
/// empty id.
pub fn read_indicator_names<R: Read>(reader: R, file: &str) -> Result<BTreeMap<String, String>> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b'|')
        .has_headers(true)
        .from_reader(reader);
    let columns = Columns::from_headers(rdr.headers().map_err(|e| csv_error(file, &e))?);
    let need = |name: &str| {
        columns.find(name).ok_or_else(|| Error::ImportFormat {
            file: file.to_owned(),
            line: 1,
            reason: format!("required column {name:?} is missing"),
        })
    };
    let (c_id, c_name) = (need("IndicatorID")?, need("IndicatorName")?);
    let mut out = BTreeMap::new();
    let mut record = csv::StringRecord::new();
    while rdr
        .read_record(&mut record)
        .map_err(|e| csv_error(file, &e))?
    {
        let row = Row {
            file,
            line: line_of(&record),
            record: &record,
            columns: &columns,
        };
        let id = row.required(c_id)?;
        let name = record
            .get(c_name)
            .unwrap_or_default()
            .trim_matches(|c: char| c == '"' || c == ',' || c.is_whitespace())
            .to_owned();
        out.insert(id, name);
    }
    Ok(out)
}

fn area(row: &Row<'_>, col: usize) -> Result<AreaCode> {
    let t = row.required(col)?;
    AreaCode::new(&t).map_err(|e| row.err(col, e.to_string()))
}

fn line_of(record: &csv::StringRecord) -> u64 {
    record.position().map_or(0, csv::Position::line)
}

fn sortable_from_label(label: &str) -> Option<u32> {
    let digits: String = label.chars().take_while(char::is_ascii_digit).collect();
    let year: u32 = digits.get(..4)?.parse().ok()?;
    Some(year * 10_000)
}

fn csv_error(file: &str, e: &csv::Error) -> Error {
    let line = e.position().map_or(0, csv::Position::line);
    Error::ImportFormat {
        file: file.to_owned(),
        line,
        reason: format!("malformed CSV: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMPACT_HEADER: &str = "\u{feff}IndicatorId,Category,CategoryType,Age,Sex,Trend,Denominator,CategoryTypeId,UpperCI,Value,Count,AreaCode,SexID,AgeID,Year,LowerCI,CategoryId\n";

    #[test]
    fn compact_rows() {
        let csv = format!(
            "{COMPACT_HEADER}241,\"\",\"\",17+ yrs,Persons,\"\",9241,,8.45602237036968,7.88875662807056,729,A82003,4,187,2018,7.35648739880458,\n\
             20401,Most deprived decile (IMD2019),\"\"\"County & UA deprivation deciles in England (IMD2019, 4/21 geography)\"\"\",<18 yrs,Female,\"\",91451,146,21.40758,20.45904,1871,E92000001,2,173,2019,19.5424,1\n\
             337,\"\",\"\",95+ yrs,Female,Cannot be calculated,,,,1374,1374,E38000233,2,282,2024,,\n"
        );
        let imp = read(csv.as_bytes(), "t.csv").unwrap();
        assert_eq!(imp.observations.len(), 3);
        let o = &imp.observations[1];
        assert_eq!(
            o.category_type.as_deref(),
            Some("County & UA deprivation deciles in England (IMD2019, 4/21 geography)")
        );
        assert_eq!(o.period.label, "2019");
        assert!(!o.is_whole_population());
        let o = &imp.observations[2];
        assert_eq!(o.ci95, None);
        assert_eq!(o.denominator, None);
        assert_eq!(o.note.as_deref(), Some("Cannot be calculated"));
        assert!(imp.observations[0].is_whole_population());
    }

    #[test]
    fn malformed_input_names_line_and_column() {
        let bad_value = format!(
            "{COMPACT_HEADER}241,\"\",\"\",17+ yrs,Persons,\"\",9241,,8.4,abc,729,A82003,4,187,2018,7.3,\n"
        );
        let e = read(bad_value.as_bytes(), "t.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.csv: line 2, column 10 (Value): \"abc\" is not a number"
        );
        let short = format!("{COMPACT_HEADER}241,\"\",\"\"\n");
        assert!(matches!(
            read(short.as_bytes(), "t.csv"),
            Err(Error::ImportFormat { line: 2, .. })
        ));
        let bad_year = format!("{COMPACT_HEADER}241,,,a,b,,1,,2,1,1,A82003,4,187,20x8,0.5,\n");
        assert!(matches!(
            read(bad_year.as_bytes(), "t.csv"),
            Err(Error::Import { column: 15, .. })
        ));
        let inverted = format!("{COMPACT_HEADER}241,,,a,b,,1,,1,1,1,A82003,4,187,2018,2,\n");
        assert!(matches!(
            read(inverted.as_bytes(), "t.csv"),
            Err(Error::Import { .. })
        ));
        let no_area = format!("{COMPACT_HEADER}241,,,a,b,,1,,2,1,1,,4,187,2018,0.5,\n");
        assert!(matches!(
            read(no_area.as_bytes(), "t.csv"),
            Err(Error::Import { column: 12, .. })
        ));
        assert!(matches!(
            read("a,b\n1,2\n".as_bytes(), "t.csv"),
            Err(Error::ImportFormat { line: 1, .. })
        ));
        assert!(matches!(
            read("IndicatorId,AreaCode\n1,E92000001\n".as_bytes(), "t.csv"),
            Err(Error::ImportFormat { .. })
        ));
        assert!(matches!(
            read(&b"IndicatorId,Value\n\xff\xfe,1\n"[..], "t.csv"),
            Err(Error::ImportFormat { .. })
        ));
        assert!(read_path(std::path::Path::new("/nonexistent/x.csv")).is_err());
    }

    #[test]
    fn indicator_names() {
        let text = "\u{feff}IndicatorID|IndicatorName\n41101|Emergency readmissions within 30 days of discharge from hospital\n20401|\"\"\"Conception rate per 1,000 females aged 17 years and under\"\",\"\n";
        let m = read_indicator_names(text.as_bytes(), "indicators.csv").unwrap();
        assert_eq!(
            m["20401"],
            "Conception rate per 1,000 females aged 17 years and under"
        );
        assert_eq!(m.len(), 2);
        assert!(read_indicator_names("a|b\n".as_bytes(), "x").is_err());
    }

    proptest::proptest! {
        /// Bad input never panics: arbitrary bytes after either header give rows or an error.
        #[test]
        fn prop_arbitrary_input_never_panics(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400), classic in proptest::prelude::any::<bool>()) {
            let header: &[u8] = if classic {
                b"Indicator ID,Area Code,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,Count,Denominator\n"
            } else {
                COMPACT_HEADER.as_bytes()
            };
            let mut input = header.to_vec();
            input.extend(body);
            let _ = read(input.as_slice(), "fuzz.csv");
        }
    }

    #[test]
    fn sortable_labels() {
        assert_eq!(sortable_from_label("2009 - 11"), Some(20_090_000));
        assert_eq!(sortable_from_label("2007/08"), Some(20_070_000));
        assert_eq!(sortable_from_label("Q1"), None);
    }
}
