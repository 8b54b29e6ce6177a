//! The person-level CSV layout.
//!
//! One row per person, comma-separated, UTF-8, with a header row naming the columns. Columns
//! may come in any order; those this layout does not name are ignored and listed in the
//! report (a `person_id` column, for instance).
//!
//! | column | content |
//! |---|---|
//! | `age` | age in whole years at the reference date (0 to 255) |
//! | `birth_date` | date of birth `YYYY-MM-DD`, used when `age` is empty |
//! | `sex` | `F`, `M`, `U` or empty (unknown) |
//! | `conditions` | `;`-separated: condition ids of the catalogue (`dementia`), or clinical codes `SCT:<concept id>` / `ICD10:<code>` mapped through the catalogue |
//! | `has:<condition>` | `1` when the person has the catalogue condition, `0` or empty otherwise |
//! | `place` | place or practice code |
//! | `deprivation_decile` | 1 (most deprived) to 10, or empty |
//! | `member_days` | days of the period the person was a member; empty for the whole period |
//! | `spend:<service>` | spend on a service category in pounds, at most two decimals |
//! | `pence:<service>` | spend on a service category in whole pence |
//!
//! At least one of `age` and `birth_date` must be present. A row with neither gives
//! [`Error::MissingAge`]; a negative amount [`Error::NegativeSpend`]; a condition id the
//! catalogue does not define [`Error::UnknownCondition`] (each wrapped in [`Error::At`] with
//! file, line and column). Clinical codes the catalogue does not know are counted in the
//! report's [`UnknownCodes`], never dropped silently. Fields must not contain line breaks: the
//! parallel reader splits the file at line ends.
//!
//! Reading stops at the first such row unless the caller chooses
//! [`OnBadRow::SkipAndReport`] ([`PersonCsv::on_bad_row`], [`aggregate_file_with`]): then
//! malformed rows are skipped and reported in [`BadRows`] with file, line, column and typed
//! reason, and the rows read, kept and skipped (see [`crate::readers::bad_rows`]).

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use chrono::NaiveDate;
use csv::ByteRecord;
use rayon::prelude::*;

use super::{
    BadRows, NOT_UTF8, OnBadRow, WHOLE_ROW, at, csv_error, io, malformed, parse_date, parse_int,
    parse_pence, trim,
};
use crate::catalogue::{ConditionCatalogue, ConditionId, UnknownCodes};
use crate::engine::{SegmentTotals, Segmenter};
use crate::error::{Error, Result};
use crate::person::{
    Deprivation, Person, PlaceId, Places, Services, Sex, age_on, code_system_prefix,
};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Age,
    BirthDate,
    Sex,
    Conditions,
    Flag(ConditionId),
    Place,
    Deprivation,
    MemberDays,
    SpendPounds(usize),
    SpendPence(usize),
    Ignored,
}

/// What reading needs besides the file: the catalogue, services and period.
#[derive(Debug, Clone, Copy)]
pub struct PersonCsvOptions<'a> {
    /// The condition catalogue.
    pub catalogue: &'a ConditionCatalogue,
    /// The service categories (for `spend:` and `pence:` columns).
    pub services: &'a Services,
    /// The date ages are computed at from `birth_date`.
    pub reference_date: NaiveDate,
    /// The days in the period (the membership of a row with empty `member_days`).
    pub period_days: u16,
}

/// The columns of one file, resolved from its header.
#[derive(Debug, Clone)]
pub struct PersonCsvLayout {
    roles: Vec<Role>,
    names: Vec<String>,
    ignored: Vec<String>,
}

impl PersonCsvLayout {
    /// Resolve a header row.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] (line 1) when neither `age` nor `birth_date` is present or a column
    /// is repeated; [`Error::At`] with [`Error::UnknownCondition`] or [`Error::UnknownService`]
    /// for a `has:`, `spend:` or `pence:` column naming something unknown.
    pub fn from_header(
        header: &[&str],
        file: &str,
        opts: &PersonCsvOptions<'_>,
    ) -> Result<PersonCsvLayout> {
        let mut roles = Vec::with_capacity(header.len());
        let mut ignored = Vec::new();
        for (i, name) in header.iter().enumerate() {
            // A byte-order mark (as spreadsheet exports write) is not part of the first name.
            let name = if i == 0 {
                name.trim_start_matches('\u{feff}').trim()
            } else {
                name.trim()
            };
            let role = match name {
                "age" => Role::Age,
                "birth_date" => Role::BirthDate,
                "sex" => Role::Sex,
                "conditions" => Role::Conditions,
                "place" => Role::Place,
                "deprivation_decile" => Role::Deprivation,
                "member_days" => Role::MemberDays,
                _ => {
                    if let Some(c) = name.strip_prefix("has:") {
                        Role::Flag(opts.catalogue.id(c).map_err(|e| at(file, 1, name, e))?)
                    } else if let Some(s) = name.strip_prefix("spend:") {
                        Role::SpendPounds(service_index(opts.services, s, file, name)?)
                    } else if let Some(s) = name.strip_prefix("pence:") {
                        Role::SpendPence(service_index(opts.services, s, file, name)?)
                    } else {
                        ignored.push(name.to_owned());
                        Role::Ignored
                    }
                }
            };
            if role != Role::Ignored && roles.contains(&role) {
                return Err(malformed(file, 1, name, "column appears twice"));
            }
            if let Role::SpendPounds(i) | Role::SpendPence(i) = role
                && roles
                    .iter()
                    .any(|r| *r == Role::SpendPounds(i) || *r == Role::SpendPence(i))
            {
                return Err(malformed(
                    file,
                    1,
                    name,
                    "spend for this service is given twice (spend: and pence:)",
                ));
            }
            roles.push(role);
        }
        if !roles
            .iter()
            .any(|r| matches!(r, Role::Age | Role::BirthDate))
        {
            return Err(malformed(
                file,
                1,
                "(header)",
                "needs an `age` or a `birth_date` column",
            ));
        }
        Ok(PersonCsvLayout {
            roles,
            names: header
                .iter()
                .map(|s| s.trim_start_matches('\u{feff}').trim().to_owned())
                .collect(),
            ignored,
        })
    }

    /// Header columns this layout does not use.
    #[must_use]
    pub fn ignored_columns(&self) -> &[String] {
        &self.ignored
    }

    /// Spend in a row that did not read, in pence: the amounts that parse and are not
    /// negative, or nothing when the row's fields do not line up with the header.
    fn spend_in<'r>(&self, fields: impl Iterator<Item = &'r [u8]>, count: usize) -> i64 {
        if count != self.roles.len() {
            return 0;
        }
        self.roles
            .iter()
            .zip(fields)
            .filter_map(|(role, field)| match role {
                Role::SpendPounds(_) => parse_pence(field).ok(),
                Role::SpendPence(_) => parse_int(field).ok(),
                _ => None,
            })
            .filter(|p| *p > 0)
            .fold(0i64, i64::saturating_add)
    }

    fn column_name(&self, i: usize) -> &str {
        self.names.get(i).map_or("(extra)", String::as_str)
    }

    /// Parse one data row. `places` interns place codes when mutable; when only a look-up is
    /// possible (parallel reading), unknown places become [`PlaceId::NONE`].
    #[allow(clippy::too_many_arguments)]
    fn parse<'r>(
        &self,
        fields: impl Iterator<Item = &'r [u8]>,
        count: usize,
        line: u64,
        file: &str,
        opts: &PersonCsvOptions<'_>,
        places: &mut PlaceSink<'_>,
        unknown: &mut UnknownCodes,
    ) -> Result<Person> {
        if count != self.roles.len() {
            return Err(malformed(
                file,
                line,
                WHOLE_ROW,
                format!(
                    "row has {} fields, the header has {}",
                    count,
                    self.roles.len()
                ),
            ));
        }
        let mut p = Person::new(0, Sex::Unknown, opts.period_days);
        let mut age: Option<u8> = None;
        let mut birth: Option<NaiveDate> = None;
        for (i, (role, field)) in self.roles.iter().zip(fields).enumerate() {
            let col = || self.column_name(i);
            match role {
                Role::Ignored => {}
                Role::Age => {
                    if !trim(field).is_empty() {
                        let v = parse_int(field).map_err(|r| malformed(file, line, col(), r))?;
                        age = Some(u8::try_from(v).map_err(|_| {
                            malformed(file, line, col(), "age must be 0 to 255 whole years")
                        })?);
                    }
                }
                Role::BirthDate => {
                    if !trim(field).is_empty() {
                        birth = Some(parse_date(field).ok_or_else(|| {
                            malformed(file, line, col(), "date must be YYYY-MM-DD")
                        })?);
                    }
                }
                Role::Sex => {
                    p.sex = match field {
                        b"F" => Sex::Female,
                        b"M" => Sex::Male,
                        b"U" | b"" => Sex::Unknown,
                        _ => {
                            let text = std::str::from_utf8(field)
                                .map_err(|_| malformed(file, line, col(), NOT_UTF8))?;
                            Sex::parse(text).map_err(|e| at(file, line, col(), e))?
                        }
                    };
                }
                Role::Conditions => {
                    let text = std::str::from_utf8(field)
                        .map_err(|_| malformed(file, line, col(), NOT_UTF8))?;
                    for token in text.split(';').map(str::trim).filter(|t| !t.is_empty()) {
                        match token
                            .split_once(':')
                            .and_then(|(pfx, code)| code_system_prefix(pfx).map(|s| (s, code)))
                        {
                            Some((system, code)) => {
                                opts.catalogue
                                    .add_code(&mut p.conditions, system, code, unknown);
                            }
                            None => p.conditions.insert(
                                opts.catalogue
                                    .id(token)
                                    .map_err(|e| at(file, line, col(), e))?,
                            ),
                        }
                    }
                }
                Role::Flag(id) => match trim(field) {
                    b"1" | b"true" | b"TRUE" | b"Y" | b"y" => p.conditions.insert(*id),
                    b"" | b"0" | b"false" | b"FALSE" | b"N" | b"n" => {}
                    _ => return Err(malformed(file, line, col(), "flag must be 1 or 0")),
                },
                Role::Place => {
                    let code = std::str::from_utf8(trim(field))
                        .map_err(|_| malformed(file, line, col(), NOT_UTF8))?;
                    if !code.is_empty() {
                        p.place = places.place(code)?;
                    }
                }
                Role::Deprivation => {
                    if !trim(field).is_empty() {
                        let v = parse_int(field).map_err(|r| malformed(file, line, col(), r))?;
                        let d = u8::try_from(v).unwrap_or(0);
                        p.deprivation =
                            Deprivation::decile(d).map_err(|e| at(file, line, col(), e))?;
                    }
                }
                Role::MemberDays => {
                    if !trim(field).is_empty() {
                        let v = parse_int(field).map_err(|r| malformed(file, line, col(), r))?;
                        let days = u16::try_from(v).map_err(|_| {
                            malformed(file, line, col(), "member days must be 0 to 366")
                        })?;
                        if days > opts.period_days {
                            return Err(at(
                                file,
                                line,
                                col(),
                                Error::MembershipExceedsPeriod {
                                    days,
                                    period_days: opts.period_days,
                                },
                            ));
                        }
                        p.member_days = days;
                    }
                }
                Role::SpendPounds(k) | Role::SpendPence(k) => {
                    if !trim(field).is_empty() {
                        let pence = if matches!(role, Role::SpendPounds(_)) {
                            parse_pence(field)
                        } else {
                            parse_int(field)
                        }
                        .map_err(|r| malformed(file, line, col(), r))?;
                        if pence < 0 {
                            return Err(at(
                                file,
                                line,
                                col(),
                                Error::NegativeSpend {
                                    service: opts
                                        .services
                                        .names()
                                        .get(*k)
                                        .cloned()
                                        .unwrap_or_default(),
                                    pence,
                                },
                            ));
                        }
                        p.spend
                            .set(*k, pence)
                            .map_err(|e| at(file, line, col(), e))?;
                    }
                }
            }
        }
        p.age = match (age, birth) {
            (Some(a), _) => a,
            (None, Some(b)) => {
                age_on(b, opts.reference_date).map_err(|e| at(file, line, "birth_date", e))?
            }
            (None, None) => {
                return Err(at(
                    file,
                    line,
                    "age",
                    // The line is on the enclosing `At` (the parallel reader corrects it there).
                    Error::MissingAge {
                        at: file.to_owned(),
                    },
                ));
            }
        };
        Ok(p)
    }
}

fn service_index(services: &Services, name: &str, file: &str, column: &str) -> Result<usize> {
    services.index(name).ok_or_else(|| {
        at(
            file,
            1,
            column,
            Error::UnknownService {
                service: name.to_owned(),
            },
        )
    })
}

/// Where place codes go: interned (sequential reading) or looked up (parallel reading).
enum PlaceSink<'a> {
    Intern(&'a mut Places),
    Lookup(&'a Places),
}

impl PlaceSink<'_> {
    fn place(&mut self, code: &str) -> Result<PlaceId> {
        match self {
            PlaceSink::Intern(p) => p.intern(code),
            PlaceSink::Lookup(p) => Ok(p.get(code).unwrap_or(PlaceId::NONE)),
        }
    }
}

/// A streaming reader of the person CSV layout: an iterator of people.
#[derive(Debug)]
pub struct PersonCsv<'a, R: Read> {
    reader: csv::Reader<R>,
    layout: PersonCsvLayout,
    opts: PersonCsvOptions<'a>,
    file: String,
    places: &'a mut Places,
    unknown: UnknownCodes,
    record: ByteRecord,
    rows: u64,
    bad: BadRows,
}

impl<'a, R: Read> PersonCsv<'a, R> {
    /// Start reading: parse the header. `file` names the source in errors.
    ///
    /// # Errors
    ///
    /// As [`PersonCsvLayout::from_header`], and [`Error::Malformed`] for an unreadable header.
    pub fn new(
        input: R,
        file: &str,
        opts: PersonCsvOptions<'a>,
        places: &'a mut Places,
    ) -> Result<PersonCsv<'a, R>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(input);
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(file, &e, 0))?
            .iter()
            .map(str::to_owned)
            .collect();
        let refs: Vec<&str> = header.iter().map(String::as_str).collect();
        let layout = PersonCsvLayout::from_header(&refs, file, &opts)?;
        Ok(PersonCsv {
            reader,
            layout,
            opts,
            file: file.to_owned(),
            places,
            unknown: UnknownCodes::default(),
            record: ByteRecord::new(),
            rows: 0,
            bad: BadRows::new(OnBadRow::Stop),
        })
    }

    /// Choose what a malformed row does: stop with its error (the default) or be skipped and
    /// reported in [`PersonCsv::bad_rows`].
    #[must_use]
    pub fn on_bad_row(mut self, policy: OnBadRow) -> PersonCsv<'a, R> {
        self.bad = BadRows::new(policy);
        self
    }

    /// Rows read so far, and those skipped (with [`OnBadRow::SkipAndReport`]).
    #[must_use]
    pub fn bad_rows(&self) -> &BadRows {
        &self.bad
    }

    /// The resolved layout.
    #[must_use]
    pub fn layout(&self) -> &PersonCsvLayout {
        &self.layout
    }

    /// Clinical codes met so far that the catalogue does not know.
    #[must_use]
    pub fn unknown_codes(&self) -> &UnknownCodes {
        &self.unknown
    }

    /// Data rows read so far.
    #[must_use]
    pub fn rows(&self) -> u64 {
        self.rows
    }
}

impl<R: Read> Iterator for PersonCsv<'_, R> {
    type Item = Result<Person>;

    fn next(&mut self) -> Option<Result<Person>> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Err(e) => return Some(Err(csv_error(&self.file, &e, 0))),
                Ok(true) => {
                    self.rows += 1;
                    self.bad.read_row();
                    let line = self.record.position().map_or(0, csv::Position::line);
                    match self.layout.parse(
                        self.record.iter(),
                        self.record.len(),
                        line,
                        &self.file,
                        &self.opts,
                        &mut PlaceSink::Intern(self.places),
                        &mut self.unknown,
                    ) {
                        Ok(p) => return Some(Ok(p)),
                        Err(e) => {
                            let (layout, record) = (&self.layout, &self.record);
                            if let Err(e) = self
                                .bad
                                .handle(e, || layout.spend_in(record.iter(), record.len()))
                            {
                                return Some(Err(e));
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What reading a whole file into segment totals produced.
#[derive(Debug, Clone)]
pub struct CsvSummary {
    /// The segment totals.
    pub totals: SegmentTotals,
    /// Data rows read.
    pub rows: u64,
    /// Clinical codes the catalogue does not know, with counts.
    pub unknown_codes: UnknownCodes,
    /// Header columns the layout does not use.
    pub ignored_columns: Vec<String>,
    /// Rows read, kept and skipped (rows are skipped only with [`OnBadRow::SkipAndReport`]).
    pub bad_rows: BadRows,
}

/// Read a person CSV file straight into segment totals, in parallel chunks split at line ends,
/// one per task on rayon's pool. Unquoted lines are split on commas directly; a line with a
/// quote is handed to the `csv` crate, so quoted fields read as in [`PersonCsv`]. Memory is a read buffer per task plus the totals, whatever
/// the file's size. Place codes are looked up in `places` (those the scheme's rules name);
/// others do not matter to the totals.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be read; otherwise the first error of any row, located
/// by file, line and column, as [`PersonCsv`] reports them.
pub fn aggregate_file(
    path: &Path,
    segmenter: &Segmenter<'_>,
    opts: &PersonCsvOptions<'_>,
    places: &Places,
) -> Result<CsvSummary> {
    aggregate_file_with(path, segmenter, opts, places, OnBadRow::Stop)
}

/// [`aggregate_file`] with a choice of what a malformed row does. With
/// [`OnBadRow::SkipAndReport`] malformed rows are skipped and reported in
/// [`CsvSummary::bad_rows`] with their true line numbers, in file order.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be read, a header error as [`PersonCsvLayout::from_header`];
/// with [`OnBadRow::Stop`], the first error of any row as [`aggregate_file`].
pub fn aggregate_file_with(
    path: &Path,
    segmenter: &Segmenter<'_>,
    opts: &PersonCsvOptions<'_>,
    places: &Places,
    on_bad_row: OnBadRow,
) -> Result<CsvSummary> {
    let file = path.display().to_string();
    let mut f = File::open(path).map_err(|e| io(&file, &e))?;
    let len = f.metadata().map_err(|e| io(&file, &e))?.len();
    let mut header_line = Vec::new();
    BufReader::new(&mut f)
        .read_until(b'\n', &mut header_line)
        .map_err(|e| io(&file, &e))?;
    let header_end = header_line.len() as u64;
    let header: Vec<String> = {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(header_line.as_slice());
        r.headers()
            .map_err(|e| csv_error(&file, &e, 0))?
            .iter()
            .map(str::to_owned)
            .collect()
    };
    let refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let layout = PersonCsvLayout::from_header(&refs, &file, opts)?;

    // Chunk boundaries at line ends.
    let tasks = (rayon::current_num_threads() * 4).max(1) as u64;
    let body = len.saturating_sub(header_end);
    let target = (body / tasks).max(1 << 20);
    let mut bounds = vec![header_end];
    let mut pos = header_end + target;
    let mut probe = BufReader::new(File::open(path).map_err(|e| io(&file, &e))?);
    let mut skip = Vec::new();
    while pos < len {
        probe
            .seek(SeekFrom::Start(pos))
            .map_err(|e| io(&file, &e))?;
        skip.clear();
        let n = probe
            .read_until(b'\n', &mut skip)
            .map_err(|e| io(&file, &e))? as u64;
        let boundary = pos + n;
        if boundary >= len {
            break;
        }
        bounds.push(boundary);
        pos = boundary + target;
    }
    bounds.push(len);
    let chunks: Vec<(u64, u64)> = bounds
        .windows(2)
        .filter_map(|w| match w {
            [a, b] if b > a => Some((*a, *b)),
            _ => None,
        })
        .collect();

    let results: Vec<Result<Chunk>> = chunks
        .par_iter()
        .map(|(start, end)| {
            read_chunk(
                path, &file, *start, *end, &layout, segmenter, opts, places, on_bad_row,
            )
            .map_err(|e| match line_before(path, *start) {
                Ok(offset) => shift_line(e, offset),
                Err(io_err) => io_err,
            })
        })
        .collect();
    let mut totals = segmenter.empty();
    let mut unknown = UnknownCodes::default();
    let mut rows = 0;
    let mut bad_rows = BadRows::new(on_bad_row);
    // Lines before the first chunk: the header's.
    let mut lines_before = 1;
    for r in results {
        let mut chunk = r?;
        totals.merge(&chunk.totals)?;
        unknown.merge(&chunk.unknown);
        rows += chunk.rows;
        chunk.bad.shift_lines(lines_before);
        bad_rows.merge(&chunk.bad);
        lines_before += chunk.lines;
    }
    Ok(CsvSummary {
        totals,
        rows,
        unknown_codes: unknown,
        ignored_columns: layout.ignored.clone(),
        bad_rows,
    })
}

/// What one chunk of a file produced; `lines` counts every line of the chunk, blank or not,
/// and the lines of `bad` are counted from the chunk's start.
struct Chunk {
    totals: SegmentTotals,
    unknown: UnknownCodes,
    rows: u64,
    lines: u64,
    bad: BadRows,
}

#[allow(clippy::too_many_arguments)]
fn read_chunk(
    path: &Path,
    file: &str,
    start: u64,
    end: u64,
    layout: &PersonCsvLayout,
    segmenter: &Segmenter<'_>,
    opts: &PersonCsvOptions<'_>,
    places: &Places,
    on_bad_row: OnBadRow,
) -> Result<Chunk> {
    let mut f = File::open(path).map_err(|e| io(file, &e))?;
    f.seek(SeekFrom::Start(start)).map_err(|e| io(file, &e))?;
    let mut input = BufReader::with_capacity(1 << 18, f.take(end - start));
    let mut buf = Vec::with_capacity(512);
    let mut rec = ByteRecord::new();
    let mut totals = segmenter.empty();
    let mut unknown = UnknownCodes::default();
    let mut sink = PlaceSink::Lookup(places);
    let mut rows = 0u64;
    let mut line = 0u64;
    let mut bad = BadRows::new(on_bad_row);
    loop {
        buf.clear();
        if input
            .read_until(b'\n', &mut buf)
            .map_err(|e| io(file, &e))?
            == 0
        {
            break;
        }
        line += 1;
        let mut text = buf.as_slice();
        if let Some(t) = text.strip_suffix(b"\n") {
            text = t;
        }
        if let Some(t) = text.strip_suffix(b"\r") {
            text = t;
        }
        if text.is_empty() {
            continue;
        }
        rows += 1;
        bad.read_row();
        let quoted = text.contains(&b'"');
        let read = if quoted {
            // Quoted fields: let the csv crate unquote this line.
            let mut one = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text);
            match one.read_byte_record(&mut rec) {
                Err(e) => Err(csv_error(file, &e, line - 1)),
                // No record (cannot happen for a non-empty line): no fields, reported as such.
                Ok(false) => {
                    rec.clear();
                    Ok(())
                }
                Ok(true) => Ok(()),
            }
            .and_then(|()| {
                layout.parse(
                    rec.iter(),
                    rec.len(),
                    line,
                    file,
                    opts,
                    &mut sink,
                    &mut unknown,
                )
            })
        } else {
            let count = 1 + text.iter().filter(|b| **b == b',').count();
            layout.parse(
                text.split(|b| *b == b','),
                count,
                line,
                file,
                opts,
                &mut sink,
                &mut unknown,
            )
        };
        let added = read.and_then(|p| {
            segmenter
                .add(&mut totals, &p)
                .map_err(|e| at(file, line, "member_days", e))
        });
        if let Err(e) = added {
            bad.handle(e, || {
                if quoted {
                    layout.spend_in(rec.iter(), rec.len())
                } else {
                    let count = 1 + text.iter().filter(|b| **b == b',').count();
                    layout.spend_in(text.split(|b| *b == b','), count)
                }
            })?;
        }
    }
    Ok(Chunk {
        totals,
        unknown,
        rows,
        lines: line,
        bad,
    })
}

/// The number of lines that end before byte `offset` (so a chunk's line 1 is this plus 1).
fn line_before(path: &Path, offset: u64) -> Result<u64> {
    let file = path.display().to_string();
    let f = File::open(path).map_err(|e| io(&file, &e))?;
    let mut r = BufReader::new(f.take(offset));
    let mut buf = [0u8; 1 << 16];
    let mut lines = 0u64;
    loop {
        let n = r.read(&mut buf).map_err(|e| io(&file, &e))?;
        if n == 0 {
            break;
        }
        lines += buf
            .get(..n)
            .map_or(0, |b| b.iter().filter(|c| **c == b'\n').count()) as u64;
    }
    Ok(lines)
}

fn shift_line(e: Error, by: u64) -> Error {
    match e {
        Error::Malformed {
            file,
            line,
            column,
            reason,
        } => Error::Malformed {
            file,
            line: line + by,
            column,
            reason,
        },
        Error::At {
            file,
            line,
            column,
            source,
        } => Error::At {
            file,
            line: line + by,
            column,
            source,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readers::BadRowReason;
    use crate::scheme::SegmentationScheme;

    fn opts<'a>(services: &'a Services) -> PersonCsvOptions<'a> {
        PersonCsvOptions {
            catalogue: ConditionCatalogue::builtin().unwrap(),
            services,
            reference_date: NaiveDate::from_ymd_opt(2024, 3, 31).unwrap(),
            period_days: 366,
        }
    }

    const GOOD: &str = "person_id,age,birth_date,sex,conditions,has:cancer,place,deprivation_decile,member_days,spend:primary,pence:acute\n\
p1,80,,F,dementia;SCT:59621000;SCT:314529007,0,L1,2,,10.50,100000\n\
p2,,2010-06-01,M,ICD10:F20.0,,L2,,183,0,5\n\
p3,45,,,,1,,10,366,,\n";

    fn read_all(text: &str) -> Result<(Vec<Person>, UnknownCodes)> {
        let services = Services::new(["primary", "acute"]).unwrap();
        let mut places = Places::default();
        let mut r = PersonCsv::new(text.as_bytes(), "people.csv", opts(&services), &mut places)?;
        let people = r.by_ref().collect::<Result<Vec<_>>>()?;
        Ok((people, r.unknown_codes().clone()))
    }

    #[test]
    fn reads_the_documented_layout() {
        let (people, unknown) = read_all(GOOD).unwrap();
        assert_eq!(people.len(), 3);
        let c = ConditionCatalogue::builtin().unwrap();
        let p1 = people.first().unwrap();
        assert_eq!(p1.age, 80);
        assert_eq!(
            c.names(p1.conditions).collect::<Vec<_>>(),
            ["chronic", "dementia"]
        );
        assert_eq!(p1.spend.get(0), 1050);
        assert_eq!(p1.spend.get(1), 100_000);
        assert_eq!(p1.deprivation.get(), Some(2));
        assert_eq!(p1.member_days, 366);
        let p2 = people.get(1).unwrap();
        assert_eq!(p2.age, 13);
        assert_eq!(p2.member_days, 183);
        assert_eq!(c.names(p2.conditions).collect::<Vec<_>>(), ["semi"]);
        let p3 = people.get(2).unwrap();
        assert_eq!(c.names(p3.conditions).collect::<Vec<_>>(), ["cancer"]);
        assert_eq!(p3.sex, Sex::Unknown);
        assert_eq!(unknown.occurrences(), 1);
        assert_eq!(unknown.count(crate::CodeSystem::SnomedCt, "314529007"), 1);
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let (people, _) = read_all("\u{feff}age,sex\n3,F\n").unwrap();
        assert_eq!(people.first().map(|p| p.age), Some(3));
    }

    fn err_of(text: &str) -> Error {
        match read_all(text) {
            Err(e) => e,
            Ok(_) => panic!("expected an error"),
        }
    }

    #[test]
    fn bad_rows_name_file_line_and_column() {
        let header = "age,birth_date,sex,conditions,spend:primary\n";
        let e = err_of(&format!("{header}3,,F,,1.00\n,,F,,2.00\n"));
        assert!(
            matches!(&e, Error::At { line: 3, column, source, .. } if column == "age" && matches!(**source, Error::MissingAge { .. })),
            "{e}"
        );
        assert!(e.to_string().starts_with("people.csv, line 3, column age"));
        let e = err_of(&format!("{header}3,,F,,-1.00\n"));
        assert!(
            matches!(&e, Error::At { line: 2, column, source, .. } if column == "spend:primary" && matches!(**source, Error::NegativeSpend { pence: -100, .. })),
            "{e}"
        );
        let e = err_of(&format!("{header}3,,F,,1.001\n"));
        assert!(
            matches!(&e, Error::Malformed { line: 2, column, .. } if column == "spend:primary"),
            "{e}"
        );
        let e = err_of(&format!("{header}3,,F\n"));
        assert!(matches!(&e, Error::Malformed { line: 2, .. }), "{e}");
        let e = err_of(&format!("{header}x,,F,,\n"));
        assert!(
            matches!(&e, Error::Malformed { column, .. } if column == "age"),
            "{e}"
        );
        let e = err_of(&format!("{header}300,,F,,\n"));
        assert!(matches!(&e, Error::Malformed { .. }), "{e}");
        let e = err_of(&format!("{header}3,,Q,,\n"));
        assert!(
            matches!(&e, Error::At { column, .. } if column == "sex"),
            "{e}"
        );
        let e = err_of(&format!("{header}3,,F,gout,\n"));
        assert!(
            matches!(&e, Error::At { source, .. } if matches!(**source, Error::UnknownCondition { .. })),
            "{e}"
        );
        let e = err_of(&format!("{header},2030-01-01,F,,\n"));
        assert!(
            matches!(&e, Error::At { column, .. } if column == "birth_date"),
            "{e}"
        );
        let e = err_of(&format!("{header},01/01/2000,F,,\n"));
        assert!(matches!(&e, Error::Malformed { .. }), "{e}");
        let e = err_of("sex\nF\n");
        assert!(matches!(&e, Error::Malformed { line: 1, .. }), "{e}");
        let e = err_of("age,has:gout\n1,1\n");
        assert!(matches!(&e, Error::At { line: 1, .. }), "{e}");
        let e = err_of("age,spend:dental\n1,1\n");
        assert!(
            matches!(&e, Error::At { source, .. } if matches!(**source, Error::UnknownService { .. })),
            "{e}"
        );
        let e = err_of("age,age\n1,1\n");
        assert!(matches!(&e, Error::Malformed { .. }), "{e}");
        let e = err_of("age,spend:acute,pence:acute\n1,1,1\n");
        assert!(matches!(&e, Error::Malformed { .. }), "{e}");
        let e = err_of("age,member_days\n1,400\n");
        assert!(
            matches!(&e, Error::At { source, .. } if matches!(**source, Error::MembershipExceedsPeriod { .. })),
            "{e}"
        );
        let e = err_of("age,deprivation_decile\n1,11\n");
        assert!(matches!(&e, Error::At { .. }), "{e}");
        let e = err_of("age,has:cancer\n1,2\n");
        assert!(matches!(&e, Error::Malformed { .. }), "{e}");
    }

    #[test]
    fn parallel_file_reading_matches_streaming_and_locates_errors() {
        let services = Services::new(["primary", "acute"]).unwrap();
        let mut places = Places::default();
        let scheme = SegmentationScheme::devon()
            .unwrap()
            .compile(ConditionCatalogue::builtin().unwrap(), &mut places)
            .unwrap();
        let seg = Segmenter::new(&scheme, &services, 366).unwrap();
        let mut text = String::from("age,sex,conditions,pence:acute,person_id\n");
        for i in 0..300_000u32 {
            let cond = match i % 5 {
                0 => "dementia",
                1 => "chronic",
                2 => "",
                3 => "SCT:1234",
                _ => "cancer;vulnerable",
            };
            text.push_str(&format!(
                "{},{},{},{},{}\n",
                i % 101,
                if i % 2 == 0 { "F" } else { "M" },
                cond,
                i,
                i
            ));
            if i % 50_000 == 7 {
                // Quoted fields (one with a comma), a CRLF line end and a blank line.
                text.push_str("\"33\",F,\"dementia;SCT:1\",\"10\",\"q,r\"\r\n\n");
            }
        }
        let dir = std::env::temp_dir().join(format!("capitation-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("people.csv");
        std::fs::write(&path, &text).unwrap();
        let o = opts(&services);
        let summary = aggregate_file(&path, &seg, &o, &places).unwrap();
        let mut places2 = Places::default();
        let streamed = seg
            .try_aggregate(PersonCsv::new(text.as_bytes(), "x", o, &mut places2).unwrap())
            .unwrap();
        assert_eq!(summary.totals, streamed);
        assert_eq!(summary.rows, 300_006);
        assert_eq!(summary.unknown_codes.occurrences(), 60_006);
        assert_eq!(summary.ignored_columns, ["person_id"]);
        // A bad row deep in the file is reported with its true line number.
        let mut bad = text.clone();
        let cut = bad.len() - 100;
        let line_start = bad[..cut].rfind('\n').unwrap() + 1;
        let line_no = bad[..line_start].matches('\n').count() as u64 + 1;
        bad.insert_str(line_start, "7,F,,-5,x\n");
        std::fs::write(&path, &bad).unwrap();
        let e = aggregate_file(&path, &seg, &o, &places).unwrap_err();
        assert!(
            matches!(&e, Error::At { line, source, .. } if *line == line_no && matches!(**source, Error::NegativeSpend { .. })),
            "{e} (want line {line_no})"
        );
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(
            aggregate_file(&path, &seg, &o, &places),
            Err(Error::Io { .. })
        ));
    }

    const BAD_HEADER: &str =
        "age,birth_date,sex,conditions,member_days,deprivation_decile,spend:primary,pence:acute\n";
    const GOOD_ROW: &[u8] = b"5,,M,SCT:1,,,1.00,1\n";

    /// One malformed row of each kind: the row, its typed reason, the column named, and the
    /// spend that still parses in it (pence).
    fn bad_kinds() -> Vec<(&'static [u8], BadRowReason, &'static str, i128)> {
        vec![
            (b"3,,F\n", BadRowReason::FieldCount, "(row)", 0),
            (b"x,,F,,,,1.00,5\n", BadRowReason::Unparsable, "age", 105),
            (b"300,,F,,,,,\n", BadRowReason::Unparsable, "age", 0),
            (
                b",01/01/2000,F,,,,,\n",
                BadRowReason::Unparsable,
                "birth_date",
                0,
            ),
            (
                b"3,,F,,,,1.001,\n",
                BadRowReason::Unparsable,
                "spend:primary",
                0,
            ),
            (
                b"3,,F,,,,,lots\n",
                BadRowReason::Unparsable,
                "pence:acute",
                0,
            ),
            (b",,F,,,,2.00,\n", BadRowReason::MissingAge, "age", 200),
            (
                b"3,,F,,,,-1.00,7\n",
                BadRowReason::NegativeSpend,
                "spend:primary",
                7,
            ),
            (b"3,,Q,,,,,\n", BadRowReason::UnknownSex, "sex", 0),
            (b"3,,\xff,,,,,\n", BadRowReason::NotUtf8, "sex", 0),
            (
                b"3,,F,gout,,,,\n",
                BadRowReason::UnknownCondition,
                "conditions",
                0,
            ),
            (
                b"3,,F,,400,,,\n",
                BadRowReason::MembershipExceedsPeriod,
                "member_days",
                0,
            ),
            (
                b"3,,F,,,11,,\n",
                BadRowReason::InvalidValue,
                "deprivation_decile",
                0,
            ),
            (
                b",2030-01-01,F,,,,,\n",
                BadRowReason::InvalidValue,
                "birth_date",
                0,
            ),
        ]
    }

    fn file_with(rows: &[&[u8]]) -> Vec<u8> {
        let mut text = BAD_HEADER.as_bytes().to_vec();
        for r in rows {
            text.extend_from_slice(r);
        }
        text
    }

    fn read_bytes(text: &[u8], policy: OnBadRow) -> Result<(Vec<Person>, BadRows, UnknownCodes)> {
        let services = Services::new(["primary", "acute"]).unwrap();
        let mut places = Places::default();
        let mut r =
            PersonCsv::new(text, "people.csv", opts(&services), &mut places)?.on_bad_row(policy);
        let people = r.by_ref().collect::<Result<Vec<_>>>()?;
        Ok((people, r.bad_rows().clone(), r.unknown_codes().clone()))
    }

    #[test]
    fn each_bad_row_kind_stops_or_is_skipped_and_reported() {
        for (row, reason, column, spend) in bad_kinds() {
            let text = file_with(&[GOOD_ROW, row, GOOD_ROW]);
            let shown = String::from_utf8_lossy(row);
            // Stop (the default): a located error of that reason.
            let e = read_bytes(&text, OnBadRow::Stop).unwrap_err();
            assert_eq!(BadRowReason::of(&e), Some(reason), "{shown}: {e}");
            assert!(
                e.to_string()
                    .starts_with(&format!("people.csv, line 3, column {column}")),
                "{shown}: {e}"
            );
            // Skip and report: the good rows are kept, the bad one counted and located.
            let (people, bad, unknown) = read_bytes(&text, OnBadRow::SkipAndReport).unwrap();
            assert_eq!(people.len(), 2, "{shown}");
            assert_eq!(
                (bad.rows_read(), bad.kept(), bad.skipped()),
                (3, 2, 1),
                "{shown}"
            );
            assert_eq!(bad.count(reason), 1, "{shown}");
            assert_eq!(bad.policy(), OnBadRow::SkipAndReport);
            assert_eq!(bad.skipped_spend_pence(), spend, "{shown}");
            let example = bad.examples().first().unwrap();
            assert_eq!(
                (
                    example.file.as_str(),
                    example.line,
                    example.column.as_str(),
                    example.reason
                ),
                ("people.csv", 3, column, reason),
                "{shown}"
            );
            assert!(!example.detail.is_empty());
            // Unknown clinical codes of the kept rows are still counted.
            assert_eq!(unknown.occurrences(), 2, "{shown}");
        }
    }

    #[test]
    fn lenient_reading_counts_every_row_in_both_readers() {
        let services = Services::new(["primary", "acute"]).unwrap();
        let mut places = Places::default();
        let scheme = SegmentationScheme::devon()
            .unwrap()
            .compile(ConditionCatalogue::builtin().unwrap(), &mut places)
            .unwrap();
        let seg = Segmenter::new(&scheme, &services, 366).unwrap();
        let kinds = bad_kinds();
        let mut rows: Vec<&[u8]> = Vec::new();
        for (row, ..) in &kinds {
            rows.push(GOOD_ROW);
            rows.push(row);
            rows.push(b"\n");
            rows.push(b"\"7\",,F,\"dementia\",,,\"2.50\",3\r\n");
        }
        let text = file_with(&rows);
        let (people, streamed, _) = read_bytes(&text, OnBadRow::SkipAndReport).unwrap();
        let n = kinds.len() as u64;
        assert_eq!(streamed.rows_read(), 3 * n);
        assert_eq!(streamed.skipped(), n);
        assert_eq!(people.len() as u64, streamed.kept());
        for (_, reason, ..) in &kinds {
            assert!(streamed.count(*reason) >= 1, "{reason:?}");
        }
        let dir = std::env::temp_dir().join(format!("capitation-lenient-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("people.csv");
        std::fs::write(&path, &text).unwrap();
        let o = opts(&services);
        let summary =
            aggregate_file_with(&path, &seg, &o, &places, OnBadRow::SkipAndReport).unwrap();
        // The parallel reader reports the same rows, lines and reasons as the streaming one.
        let located = |b: &BadRows| {
            b.examples()
                .iter()
                .map(|r| {
                    (
                        r.line,
                        r.column.clone(),
                        r.reason,
                        r.detail.replace(&*path.display().to_string(), "people.csv"),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(located(&summary.bad_rows), located(&streamed));
        assert_eq!(summary.bad_rows.by_reason(), streamed.by_reason());
        assert_eq!(summary.bad_rows.rows_read(), streamed.rows_read());
        assert_eq!(
            summary.bad_rows.skipped_spend_pence(),
            streamed.skipped_spend_pence()
        );
        assert_eq!(streamed.skipped_spend_pence(), 105 + 200 + 7);
        assert_eq!(summary.rows, 3 * n);
        assert_eq!(summary.totals.people(), summary.bad_rows.kept());
        assert_eq!(
            summary.totals,
            seg.aggregate(people.iter().copied()).unwrap()
        );
        // Stop mode names the first bad row.
        let e = aggregate_file(&path, &seg, &o, &places).unwrap_err();
        assert!(matches!(&e, Error::Malformed { line: 3, .. }), "{e}");
        let stop = aggregate_file_with(&path, &seg, &o, &places, OnBadRow::Stop).unwrap_err();
        assert_eq!(stop.to_string(), e.to_string());
        // A valid file reads the same in both modes, with nothing skipped.
        std::fs::write(&path, GOOD).unwrap();
        let strict = aggregate_file(&path, &seg, &o, &places).unwrap();
        let lenient =
            aggregate_file_with(&path, &seg, &o, &places, OnBadRow::SkipAndReport).unwrap();
        assert_eq!(strict.totals, lenient.totals);
        assert!(lenient.bad_rows.is_empty());
        assert_eq!(lenient.bad_rows.rows_read(), 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn many_bad_rows_keep_bounded_examples_with_true_lines_in_parallel() {
        let services = Services::new(["primary", "acute"]).unwrap();
        let mut places = Places::default();
        let scheme = SegmentationScheme::devon()
            .unwrap()
            .compile(ConditionCatalogue::builtin().unwrap(), &mut places)
            .unwrap();
        let seg = Segmenter::new(&scheme, &services, 366).unwrap();
        // Enough rows for several chunks; every 1,000th row has a negative spend.
        let mut text = String::from(BAD_HEADER);
        let mut bad_lines = Vec::new();
        for i in 0..200_000u32 {
            if i % 1_000 == 999 {
                bad_lines.push(u64::from(i) + 2);
                text.push_str("40,,F,,,,-1.00,100\n");
            } else {
                text.push_str(&format!("{},,M,chronic,,,0.{:02},{}\n", i % 90, i % 100, i));
            }
        }
        let dir =
            std::env::temp_dir().join(format!("capitation-lenient-many-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("people.csv");
        std::fs::write(&path, &text).unwrap();
        let summary = aggregate_file_with(
            &path,
            &seg,
            &opts(&services),
            &places,
            OnBadRow::SkipAndReport,
        )
        .unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let bad = &summary.bad_rows;
        assert_eq!(bad.skipped(), 200);
        assert_eq!(bad.count(BadRowReason::NegativeSpend), 200);
        assert_eq!(bad.skipped_spend_pence(), 200 * 100);
        assert_eq!(bad.examples().len(), crate::readers::BAD_ROW_EXAMPLES);
        let lines: Vec<u64> = bad.examples().iter().map(|r| r.line).collect();
        assert_eq!(lines, bad_lines.get(..100).unwrap());
        assert_eq!(summary.totals.people(), 199_800);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// A valid file with quoted fields, blank lines and a CRLF line end.
        fn valid() -> Vec<u8> {
            let mut rows: Vec<&[u8]> = vec![GOOD_ROW; 6];
            rows.insert(2, b"\"70\",,F,\"dementia;ICD10:F03\",200,3,\"1,5\",9\r\n");
            rows.insert(4, b"\n");
            rows.insert(5, b"12,,,cancer,,10,0.5,\n");
            file_with(&rows)
        }

        fn mutation() -> impl Strategy<Value = (usize, u8, u8)> {
            (
                any::<usize>(),
                0u8..3,
                prop_oneof![any::<u8>(), prop::sample::select(b",\n\"-x;:".to_vec()),],
            )
        }

        fn mutate(mut text: Vec<u8>, edits: &[(usize, u8, u8)]) -> Vec<u8> {
            for (at, kind, byte) in edits {
                let i = at % (text.len() + 1);
                match kind {
                    0 if i < text.len() => {
                        if let Some(b) = text.get_mut(i) {
                            *b = *byte;
                        }
                    }
                    1 if i < text.len() => {
                        text.remove(i);
                    }
                    _ => text.insert(i, *byte),
                }
            }
            text
        }

        fn records(text: &[u8]) -> u64 {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(true)
                .flexible(true)
                .from_reader(text);
            let mut rec = ByteRecord::new();
            let mut n = 0;
            while r.read_byte_record(&mut rec).unwrap_or(false) {
                n += 1;
            }
            n
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]

            #[test]
            fn prop_mutated_files_never_panic_and_every_row_is_accounted_for(
                edits in proptest::collection::vec(mutation(), 1..8),
            ) {
                let text = mutate(valid(), &edits);
                let strict = read_bytes(&text, OnBadRow::Stop);
                let lenient = read_bytes(&text, OnBadRow::SkipAndReport);
                match (strict, lenient) {
                    // A header error stops both modes alike.
                    (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                    (Ok((people, _, _)), Ok((lenient_people, bad, _))) => {
                        prop_assert!(bad.is_empty());
                        prop_assert_eq!(people, lenient_people);
                    }
                    (Err(e), Ok((people, bad, _))) => {
                        // Stop mode names the first row the lenient mode skipped.
                        let first = bad.examples().first();
                        prop_assert!(first.is_some(), "{}", e);
                        let first = first.unwrap();
                        prop_assert!(
                            e.to_string().starts_with(&format!("people.csv, line {}, column {}", first.line, first.column)),
                            "{} vs {:?}", e, first
                        );
                        prop_assert_eq!(BadRowReason::of(&e), Some(first.reason));
                        prop_assert_eq!(people.len() as u64, bad.kept());
                        prop_assert_eq!(bad.kept() + bad.skipped(), records(&text));
                    }
                    (Ok(_), Err(e)) => prop_assert!(false, "lenient failed where strict read: {}", e),
                }
            }
        }

        static CASE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

        /// Non-empty lines after the first line end: the rows the parallel reader reads.
        fn lines(text: &[u8]) -> u64 {
            let body = text
                .iter()
                .position(|b| *b == b'\n')
                .and_then(|i| text.get(i + 1..))
                .unwrap_or(&[]);
            body.split(|b| *b == b'\n')
                .filter(|l| !l.strip_suffix(b"\r").unwrap_or(l).is_empty())
                .count() as u64
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(100))]

            #[test]
            fn prop_parallel_reader_on_mutated_files(
                edits in proptest::collection::vec(mutation(), 1..8),
            ) {
                let text = mutate(valid(), &edits);
                let services = Services::new(["primary", "acute"]).unwrap();
                let mut places = Places::default();
                let scheme = SegmentationScheme::devon()
                    .unwrap()
                    .compile(ConditionCatalogue::builtin().unwrap(), &mut places)
                    .unwrap();
                let seg = Segmenter::new(&scheme, &services, 366).unwrap();
                let o = opts(&services);
                let n = CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let path = std::env::temp_dir()
                    .join(format!("capitation-prop-{}-{n}.csv", std::process::id()));
                std::fs::write(&path, &text).unwrap();
                let strict = aggregate_file(&path, &seg, &o, &places);
                let lenient = aggregate_file_with(&path, &seg, &o, &places, OnBadRow::SkipAndReport);
                std::fs::remove_file(&path).unwrap();
                let shown = path.display().to_string();
                if let Ok(b) = &lenient {
                    // Every line is read, and kept or skipped.
                    prop_assert_eq!(b.bad_rows.rows_read(), lines(&text));
                    prop_assert_eq!(b.rows, b.bad_rows.rows_read());
                    prop_assert_eq!(b.totals.people(), b.bad_rows.kept());
                }
                match (strict, lenient) {
                    (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                    (Ok(a), Ok(b)) => {
                        prop_assert!(b.bad_rows.is_empty());
                        prop_assert_eq!(a.totals, b.totals);
                    }
                    (Err(e), Ok(b)) => {
                        let first = b.bad_rows.examples().first();
                        prop_assert!(first.is_some(), "{}", e);
                        let first = first.unwrap();
                        prop_assert!(
                            e.to_string().starts_with(&format!("{shown}, line {}, column {}", first.line, first.column)),
                            "{} vs {:?}", e, first
                        );
                    }
                    (Ok(_), Err(e)) => prop_assert!(false, "lenient failed where strict read: {}", e),
                }
            }
        }

        #[test]
        fn lenient_mode_reads_every_record_of_a_mutated_file() {
            // A fixed mutation that breaks rows in several ways at once.
            let text = mutate(valid(), &[(60, 2, b'"'), (150, 0, b'x'), (220, 2, b',')]);
            let (people, bad, _) = read_bytes(&text, OnBadRow::SkipAndReport).unwrap();
            assert_eq!(people.len() as u64 + bad.skipped(), records(&text));
        }
    }
}
