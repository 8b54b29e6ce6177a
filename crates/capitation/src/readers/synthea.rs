//! The Synthea CSV export (version 3) into people.
//!
//! For a period (a [`DateRange`], for example a financial year):
//!
//! - `patients.csv` gives each person: membership is the days of the period between birth and
//!   death; age is taken on the last day of membership; sex from `GENDER`; place from `COUNTY`
//!   (or `ZIP`). Patients with no day in the period are counted, not segmented.
//! - `conditions.csv` rows active at some time in the period (started by its end, and not
//!   stopped before its start) add their SNOMED CT code through the catalogue; codes the
//!   catalogue does not know are counted in [`SyntheaReport::unknown_codes`].
//! - Spend in the period, by service category ([`SERVICES`]): `encounters.csv`
//!   `BASE_ENCOUNTER_COST` by `ENCOUNTERCLASS`; `procedures.csv` `BASE_COST` under the class of
//!   its encounter; `medications.csv` `TOTALCOST` as prescribing. Encounter base costs exclude
//!   line items, so nothing is counted twice. Immunizations are not read.
//!
//! Amounts are the file's currency (Synthea writes US dollars) carried in minor units
//! exactly; they are not NHS prices. Columns are found by header name. A missing birth date is
//! [`Error::MissingAge`], a negative cost [`Error::NegativeSpend`], each located by file,
//! line and column; rows for patients the patients file does not list are counted. With
//! [`read_with`] and [`OnBadRow::SkipAndReport`] malformed rows are skipped and reported instead
//! (see [`crate::readers::bad_rows`]).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use chrono::NaiveDate;
use csv::ByteRecord;
use route_map_core::DateRange;
use serde::Serialize;

use super::{
    BadRows, NOT_UTF8, OnBadRow, UNKNOWN_CLASS, at, csv_error, io, malformed, parse_date,
    parse_pence, trim,
};
use crate::catalogue::{CodeSystem, ConditionCatalogue, UnknownCodes};
use crate::error::{Error, Result};
use crate::person::{Person, Places, Services, Sex, age_on};

/// The service categories Synthea spend is split into, in order.
pub const SERVICES: [&str; 5] = [
    "primary_care",
    "urgent_emergency",
    "acute",
    "community",
    "prescribing",
];

const PRIMARY: usize = 0;
const URGENT: usize = 1;
const ACUTE: usize = 2;
const COMMUNITY: usize = 3;
const PRESCRIBING: usize = 4;

/// The [`Services`] of [`SERVICES`].
///
/// # Errors
///
/// Never in practice (the list is valid); typed for uniformity.
pub fn services() -> Result<Services> {
    Services::new(SERVICES)
}

/// The service category of a Synthea `ENCOUNTERCLASS`.
#[must_use]
pub fn service_of_class(class: &str) -> Option<usize> {
    match class {
        "wellness" | "ambulatory" | "virtual" => Some(PRIMARY),
        "urgentcare" | "emergency" => Some(URGENT),
        "inpatient" | "outpatient" => Some(ACUTE),
        "snf" | "hospice" | "home" => Some(COMMUNITY),
        _ => None,
    }
}

/// Which patient column gives the place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyntheaPlace {
    /// `COUNTY`.
    County,
    /// `ZIP`.
    Zip,
    /// No place.
    None,
}

/// Options for reading a Synthea export.
#[derive(Debug, Clone, Copy)]
pub struct SyntheaOptions<'a> {
    /// The condition catalogue.
    pub catalogue: &'a ConditionCatalogue,
    /// The period people are segmented over.
    pub period: DateRange,
    /// Which column gives the place.
    pub place: SyntheaPlace,
}

/// What was read, and what was counted rather than used.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyntheaReport {
    /// Rows of `patients.csv`.
    pub patients_read: u64,
    /// Patients with no day in the period (born after it or dead before it).
    pub patients_outside_period: u64,
    /// Condition rows active in the period for patients in it.
    pub conditions_in_period: u64,
    /// Condition rows not active in the period (or for patients outside it).
    pub conditions_outside_period: u64,
    /// Condition codes the catalogue does not know (rows active in the period).
    pub unknown_codes: UnknownCodes,
    /// Cost rows (encounters, procedures, medications) dated in the period.
    pub cost_rows_in_period: u64,
    /// Cost rows dated outside the period, or for patients outside it.
    pub cost_rows_outside_period: u64,
    /// Rows naming a patient that `patients.csv` does not list.
    pub rows_for_unknown_patients: u64,
    /// Procedures whose encounter is not in `encounters.csv`: counted, with their cost, and
    /// not added to anyone's spend.
    pub procedures_without_encounter: u64,
    /// The cost of those procedures, in minor units.
    pub procedures_without_encounter_pence: i64,
    /// Rows of other files for patients whose `patients.csv` row was skipped as malformed
    /// (only with [`OnBadRow::SkipAndReport`]).
    pub rows_for_skipped_patients: u64,
    /// Their cost rows' spend dated in the period, in minor units.
    pub spend_for_skipped_patients_pence: i64,
    /// Data rows read in all five files, and those skipped as malformed (only with
    /// [`OnBadRow::SkipAndReport`]).
    pub bad_rows: BadRows,
}

/// People read from a Synthea export.
#[derive(Debug, Clone)]
pub struct SyntheaPopulation {
    /// Synthea patient ids, parallel to `people`.
    pub ids: Vec<String>,
    /// The people with at least one day in the period.
    pub people: Vec<Person>,
    /// Place codes.
    pub places: Places,
    /// The service categories of the spend.
    pub services: Services,
    /// Days in the period.
    pub period_days: u16,
    /// What was counted rather than used.
    pub report: SyntheaReport,
}

/// The five input files, each with the name errors use.
#[derive(Debug)]
pub struct SyntheaFiles<R> {
    /// `patients.csv`.
    pub patients: (String, R),
    /// `conditions.csv`.
    pub conditions: (String, R),
    /// `encounters.csv`.
    pub encounters: (String, R),
    /// `procedures.csv`.
    pub procedures: (String, R),
    /// `medications.csv`.
    pub medications: (String, R),
}

/// Read the export in a directory (`patients.csv`, `conditions.csv`, `encounters.csv`,
/// `procedures.csv`, `medications.csv`).
///
/// # Errors
///
/// [`Error::Io`] for a missing file, otherwise as [`read`].
pub fn read_dir(dir: &Path, opts: &SyntheaOptions<'_>) -> Result<SyntheaPopulation> {
    read_dir_with(dir, opts, OnBadRow::Stop)
}

/// [`read_dir`] with a choice of what a malformed row does (see [`read_with`]).
///
/// # Errors
///
/// [`Error::Io`] for a missing file, otherwise as [`read_with`].
pub fn read_dir_with(
    dir: &Path,
    opts: &SyntheaOptions<'_>,
    on_bad_row: OnBadRow,
) -> Result<SyntheaPopulation> {
    let open = |name: &str| -> Result<(String, BufReader<File>)> {
        let path = dir.join(name);
        let shown = path.display().to_string();
        let f = File::open(&path).map_err(|e| io(&shown, &e))?;
        Ok((shown, BufReader::with_capacity(1 << 16, f)))
    };
    read_with(
        SyntheaFiles {
            patients: open("patients.csv")?,
            conditions: open("conditions.csv")?,
            encounters: open("encounters.csv")?,
            procedures: open("procedures.csv")?,
            medications: open("medications.csv")?,
        },
        opts,
        on_bad_row,
    )
}

/// A CSV file with columns found by name.
struct Table<R: Read> {
    name: String,
    reader: csv::Reader<R>,
    header: Vec<String>,
    rec: ByteRecord,
}

impl<R: Read> Table<R> {
    fn open(name: String, input: R) -> Result<Table<R>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(input);
        let header = reader
            .headers()
            .map_err(|e| csv_error(&name, &e, 0))?
            .iter()
            .map(str::to_owned)
            .collect();
        Ok(Table {
            name,
            reader,
            header,
            rec: ByteRecord::new(),
        })
    }

    fn column(&self, col: &str) -> Result<usize> {
        self.header
            .iter()
            .position(|h| h == col)
            .ok_or_else(|| malformed(&self.name, 1, col, "required column is missing"))
    }

    /// Advance; `Ok(Some(line))` with the record in `self.rec`. A row with the wrong number
    /// of fields is handed to `bad` (skipped and counted, or the error).
    fn next(&mut self, bad: &mut BadRows) -> Result<Option<u64>> {
        loop {
            match self.reader.read_byte_record(&mut self.rec) {
                Ok(false) => return Ok(None),
                Ok(true) => {
                    bad.read_row();
                    return Ok(Some(self.rec.position().map_or(0, csv::Position::line)));
                }
                Err(e) => {
                    let e = csv_error(&self.name, &e, 0);
                    if matches!(e, Error::Io { .. }) {
                        return Err(e);
                    }
                    bad.read_row();
                    bad.handle(e, || 0)?;
                }
            }
        }
    }

    fn field(&self, i: usize) -> &[u8] {
        self.rec.get(i).unwrap_or(b"")
    }

    fn text(&self, i: usize, line: u64, col: &str) -> Result<&str> {
        std::str::from_utf8(trim(self.field(i)))
            .map_err(|_| malformed(&self.name, line, col, NOT_UTF8))
    }

    fn date(&self, i: usize, line: u64, col: &str) -> Result<Option<NaiveDate>> {
        let f = trim(self.field(i));
        if f.is_empty() {
            return Ok(None);
        }
        parse_date(f)
            .map(Some)
            .ok_or_else(|| malformed(&self.name, line, col, "date must start YYYY-MM-DD"))
    }

    fn cost(&self, i: usize, line: u64, col: &str) -> Result<i64> {
        let f = trim(self.field(i));
        if f.is_empty() {
            return Ok(0);
        }
        let pence = parse_pence(f).map_err(|r| malformed(&self.name, line, col, r))?;
        if pence < 0 {
            return Err(at(
                &self.name,
                line,
                col,
                Error::NegativeSpend {
                    service: col.to_owned(),
                    pence,
                },
            ));
        }
        Ok(pence)
    }
}

/// Read the export from any readers, stopping at the first malformed row.
///
/// # Errors
///
/// [`Error::Malformed`] for a missing column or unparsable value, [`Error::At`] wrapping
/// [`Error::MissingAge`] or [`Error::NegativeSpend`], each with file, line and column;
/// [`Error::InvalidValue`] for a period longer than 366 days or empty.
pub fn read<R: Read>(
    files: SyntheaFiles<R>,
    opts: &SyntheaOptions<'_>,
) -> Result<SyntheaPopulation> {
    read_with(files, opts, OnBadRow::Stop)
}

/// The state of a patient id.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// In the period, at this index of `people`.
    In(usize),
    /// No day in the period.
    Outside,
    /// Its `patients.csv` row was skipped as malformed.
    Skipped,
}

/// Read the export from any readers with a choice of what a malformed row does.
///
/// With [`OnBadRow::SkipAndReport`], a malformed row of any file is skipped and reported in
/// [`SyntheaReport::bad_rows`] (file, line, column, typed reason; the cost of a skipped cost
/// row where it parses). Rows of other files for a patient whose row was skipped are counted
/// in [`SyntheaReport::rows_for_skipped_patients`], with their spend in the period in
/// [`SyntheaReport::spend_for_skipped_patients_pence`]; procedures of a skipped encounter count
/// as procedures without encounter.
///
/// # Errors
///
/// As [`read`]; with [`OnBadRow::SkipAndReport`], only errors that are not about one row (a
/// missing column, an unreadable file, an invalid period).
pub fn read_with<R: Read>(
    files: SyntheaFiles<R>,
    opts: &SyntheaOptions<'_>,
    on_bad_row: OnBadRow,
) -> Result<SyntheaPopulation> {
    let period = opts.period;
    let period_days = u16::try_from(period.days())
        .ok()
        .filter(|d| (1..=366).contains(d))
        .ok_or_else(|| Error::InvalidValue {
            field: "period",
            value: period.to_string(),
            expected: "a period of 1 to 366 days",
        })?;
    let last_day = period.last_day().unwrap_or(period.start());
    let mut report = SyntheaReport::default();
    let mut bad = BadRows::new(on_bad_row);
    let mut places = Places::default();
    let mut people = Vec::new();
    let mut ids = Vec::new();
    let mut index: HashMap<String, Slot> = HashMap::new();

    let mut t = Table::open(files.patients.0, files.patients.1)?;
    let (c_id, c_birth, c_death, c_gender) = (
        t.column("Id")?,
        t.column("BIRTHDATE")?,
        t.column("DEATHDATE")?,
        t.column("GENDER")?,
    );
    let c_place = match opts.place {
        SyntheaPlace::County => Some(t.column("COUNTY")?),
        SyntheaPlace::Zip => Some(t.column("ZIP")?),
        SyntheaPlace::None => None,
    };
    while let Some(line) = t.next(&mut bad)? {
        report.patients_read += 1;
        let row = (|| -> Result<()> {
            let id = t.text(c_id, line, "Id")?.to_owned();
            let birth = t.date(c_birth, line, "BIRTHDATE")?.ok_or_else(|| {
                at(
                    &t.name,
                    line,
                    "BIRTHDATE",
                    Error::MissingAge {
                        at: format!("{}, line {line}", t.name),
                    },
                )
            })?;
            let death = t.date(c_death, line, "DEATHDATE")?;
            let from = birth.max(period.start());
            let to = death
                .and_then(|d| d.succ_opt())
                .map_or(period.end(), |d| d.min(period.end()));
            if to <= from {
                report.patients_outside_period += 1;
                index.insert(id, Slot::Outside);
                return Ok(());
            }
            let days = u16::try_from((to - from).num_days()).unwrap_or(0);
            let age_day = death.map_or(last_day, |d| d.min(last_day));
            let age = age_on(birth, age_day).map_err(|e| at(&t.name, line, "BIRTHDATE", e))?;
            let sex = Sex::parse(t.text(c_gender, line, "GENDER")?)
                .map_err(|e| at(&t.name, line, "GENDER", e))?;
            let mut p = Person::new(age, sex, period_days);
            p.member_days = days;
            if let Some(c) = c_place {
                let code = t.text(c, line, "place")?;
                if !code.is_empty() {
                    p.place = places.intern(code)?;
                }
            }
            index.insert(id.clone(), Slot::In(people.len()));
            people.push(p);
            ids.push(id);
            Ok(())
        })();
        if let Err(e) = row {
            bad.handle(e, || 0)?;
            if let Ok(id) = t.text(c_id, line, "Id") {
                index.entry(id.to_owned()).or_insert(Slot::Skipped);
            }
        }
    }

    // Conditions.
    let mut t = Table::open(files.conditions.0, files.conditions.1)?;
    let (c_start, c_stop, c_patient, c_code) = (
        t.column("START")?,
        t.column("STOP")?,
        t.column("PATIENT")?,
        t.column("CODE")?,
    );
    while let Some(line) = t.next(&mut bad)? {
        let row = (|| -> Result<()> {
            let patient = t.text(c_patient, line, "PATIENT")?;
            let slot = match index.get(patient) {
                None => {
                    report.rows_for_unknown_patients += 1;
                    return Ok(());
                }
                Some(s) => *s,
            };
            let start = t.date(c_start, line, "START")?;
            let stop = t.date(c_stop, line, "STOP")?;
            let active =
                start.is_some_and(|s| s <= last_day) && stop.is_none_or(|s| s >= period.start());
            match (slot, active) {
                (Slot::In(i), true) => {
                    let code = t.text(c_code, line, "CODE")?;
                    report.conditions_in_period += 1;
                    if let Some(p) = people.get_mut(i) {
                        opts.catalogue.add_code(
                            &mut p.conditions,
                            CodeSystem::SnomedCt,
                            code,
                            &mut report.unknown_codes,
                        );
                    }
                }
                (Slot::Skipped, _) => report.rows_for_skipped_patients += 1,
                _ => report.conditions_outside_period += 1,
            }
            Ok(())
        })();
        if let Err(e) = row {
            bad.handle(e, || 0)?;
        }
    }

    // Encounters: their class decides the service of their procedures too.
    let mut encounter_service: HashMap<String, usize> = HashMap::new();
    let mut t = Table::open(files.encounters.0, files.encounters.1)?;
    let (c_id, c_start, c_patient, c_class, c_cost) = (
        t.column("Id")?,
        t.column("START")?,
        t.column("PATIENT")?,
        t.column("ENCOUNTERCLASS")?,
        t.column("BASE_ENCOUNTER_COST")?,
    );
    while let Some(line) = t.next(&mut bad)? {
        let row = (|| -> Result<()> {
            let class = t.text(c_class, line, "ENCOUNTERCLASS")?;
            let service = service_of_class(class).ok_or_else(|| {
                malformed(
                    &t.name,
                    line,
                    "ENCOUNTERCLASS",
                    format!("{UNKNOWN_CLASS} {class:?}"),
                )
            })?;
            let id = t.text(c_id, line, "Id")?;
            let cost = t.cost(c_cost, line, "BASE_ENCOUNTER_COST")?;
            let date = t.date(c_start, line, "START")?;
            let patient = t.text(c_patient, line, "PATIENT")?;
            encounter_service.insert(id.to_owned(), service);
            add_cost(
                &mut people,
                &index,
                &mut report,
                patient,
                date,
                period,
                service,
                cost,
            )
            .map_err(|e| at(&t.name, line, "BASE_ENCOUNTER_COST", e))
        })();
        if let Err(e) = row {
            bad.handle(e, || {
                t.cost(c_cost, line, "BASE_ENCOUNTER_COST").unwrap_or(0)
            })?;
        }
    }

    let mut t = Table::open(files.procedures.0, files.procedures.1)?;
    let (c_start, c_patient, c_encounter, c_cost) = (
        t.column("START")?,
        t.column("PATIENT")?,
        t.column("ENCOUNTER")?,
        t.column("BASE_COST")?,
    );
    while let Some(line) = t.next(&mut bad)? {
        let row = (|| -> Result<()> {
            let cost = t.cost(c_cost, line, "BASE_COST")?;
            let Some(service) = encounter_service
                .get(t.text(c_encounter, line, "ENCOUNTER")?)
                .copied()
            else {
                report.procedures_without_encounter += 1;
                report.procedures_without_encounter_pence = report
                    .procedures_without_encounter_pence
                    .checked_add(cost)
                    .ok_or(Error::SpendOverflow)?;
                return Ok(());
            };
            let date = t.date(c_start, line, "START")?;
            let patient = t.text(c_patient, line, "PATIENT")?;
            add_cost(
                &mut people,
                &index,
                &mut report,
                patient,
                date,
                period,
                service,
                cost,
            )
            .map_err(|e| at(&t.name, line, "BASE_COST", e))
        })();
        if let Err(e) = row {
            bad.handle(e, || t.cost(c_cost, line, "BASE_COST").unwrap_or(0))?;
        }
    }

    let mut t = Table::open(files.medications.0, files.medications.1)?;
    let (c_start, c_patient, c_cost) = (
        t.column("START")?,
        t.column("PATIENT")?,
        t.column("TOTALCOST")?,
    );
    while let Some(line) = t.next(&mut bad)? {
        let row = (|| -> Result<()> {
            let cost = t.cost(c_cost, line, "TOTALCOST")?;
            let date = t.date(c_start, line, "START")?;
            let patient = t.text(c_patient, line, "PATIENT")?;
            add_cost(
                &mut people,
                &index,
                &mut report,
                patient,
                date,
                period,
                PRESCRIBING,
                cost,
            )
            .map_err(|e| at(&t.name, line, "TOTALCOST", e))
        })();
        if let Err(e) = row {
            bad.handle(e, || t.cost(c_cost, line, "TOTALCOST").unwrap_or(0))?;
        }
    }

    report.bad_rows = bad;
    Ok(SyntheaPopulation {
        ids,
        people,
        places,
        services: services()?,
        period_days,
        report,
    })
}

#[allow(clippy::too_many_arguments)]
fn add_cost(
    people: &mut [Person],
    index: &HashMap<String, Slot>,
    report: &mut SyntheaReport,
    patient: &str,
    date: Option<NaiveDate>,
    period: DateRange,
    service: usize,
    cost: i64,
) -> Result<()> {
    let in_period = date.is_some_and(|d| period.contains(d));
    match index.get(patient) {
        None => report.rows_for_unknown_patients += 1,
        Some(Slot::In(i)) if in_period => {
            if let Some(p) = people.get_mut(*i) {
                p.spend.add(service, cost)?;
            }
            report.cost_rows_in_period += 1;
        }
        Some(Slot::Skipped) => {
            report.rows_for_skipped_patients += 1;
            if in_period {
                report.spend_for_skipped_patients_pence = report
                    .spend_for_skipped_patients_pence
                    .checked_add(cost)
                    .ok_or(Error::SpendOverflow)?;
            }
        }
        Some(_) => report.cost_rows_outside_period += 1,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readers::BadRowReason;

    const PATIENTS: &str = "Id,BIRTHDATE,DEATHDATE,GENDER,COUNTY\n\
a,1940-01-01,,F,Douglas County\n\
b,2022-10-01,,M,Lancaster County\n\
c,1950-06-01,2022-06-30,M,Douglas County\n\
d,1930-01-01,2020-01-01,F,Douglas County\n";
    const CONDITIONS: &str = "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION\n\
2010-01-01,,a,e1,26929004,Alzheimer's disease (disorder)\n\
2010-01-01,2011-01-01,a,e1,254837009,old cancer\n\
2022-05-01,,a,e1,314529007,Medication review due (situation)\n\
2022-05-01,,zz,e1,314529007,unknown patient\n";
    const ENCOUNTERS: &str = "Id,START,STOP,PATIENT,ENCOUNTERCLASS,BASE_ENCOUNTER_COST\n\
e1,2022-05-01T10:00:00Z,,a,inpatient,100.50\n\
e2,2021-05-01T10:00:00Z,,a,wellness,10.00\n\
e3,2022-11-01T10:00:00Z,,b,wellness,20.00\n\
e4,2022-06-01T10:00:00Z,,c,emergency,30.00\n";
    const PROCEDURES: &str = "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION,BASE_COST\n\
2022-05-01T10:00:00Z,,a,e1,1,x,200.00\n\
2022-05-01T10:00:00Z,,a,e9,1,x,7.00\n";
    const MEDICATIONS: &str = "START,STOP,PATIENT,PAYER,ENCOUNTER,CODE,DESCRIPTION,BASE_COST,PAYER_COVERAGE,DISPENSES,TOTALCOST\n\
2022-07-01T10:00:00Z,,a,p,e1,1,x,1.00,0,12,12.34\n";

    fn files<'a>(patients: &'a str, encounters: &'a str) -> SyntheaFiles<&'a [u8]> {
        SyntheaFiles {
            patients: ("patients.csv".into(), patients.as_bytes()),
            conditions: ("conditions.csv".into(), CONDITIONS.as_bytes()),
            encounters: ("encounters.csv".into(), encounters.as_bytes()),
            procedures: ("procedures.csv".into(), PROCEDURES.as_bytes()),
            medications: ("medications.csv".into(), MEDICATIONS.as_bytes()),
        }
    }

    fn opts() -> SyntheaOptions<'static> {
        SyntheaOptions {
            catalogue: ConditionCatalogue::builtin().unwrap(),
            period: route_map_core::FinancialYear::starting(2022)
                .unwrap()
                .range(),
            place: SyntheaPlace::County,
        }
    }

    #[test]
    fn reads_people_with_part_year_membership_and_spend() {
        let pop = read(files(PATIENTS, ENCOUNTERS), &opts()).unwrap();
        assert_eq!(pop.ids, ["a", "b", "c"]);
        assert_eq!(pop.period_days, 365);
        let [a, b, c] = pop.people.as_slice() else {
            panic!("three people")
        };
        assert_eq!(a.age, 83);
        assert_eq!(a.member_days, 365);
        let cat = ConditionCatalogue::builtin().unwrap();
        assert_eq!(cat.names(a.conditions).collect::<Vec<_>>(), ["dementia"]);
        assert_eq!(a.spend.get(ACUTE), 10_050 + 20_000);
        assert_eq!(a.spend.get(PRIMARY), 0);
        assert_eq!(a.spend.get(PRESCRIBING), 1_234);
        // Born 1 October 2022: 182 days to 31 March 2023.
        assert_eq!(b.member_days, 182);
        assert_eq!(b.age, 0);
        assert_eq!(b.spend.get(PRIMARY), 2_000);
        // Died 30 June 2022: April to June, 91 days; age at death.
        assert_eq!(c.member_days, 91);
        assert_eq!(c.age, 72);
        assert_eq!(c.spend.get(URGENT), 3_000);
        let r = &pop.report;
        assert_eq!(r.patients_read, 4);
        assert_eq!(r.patients_outside_period, 1);
        assert_eq!(r.conditions_in_period, 2);
        assert_eq!(r.conditions_outside_period, 1);
        assert_eq!(r.rows_for_unknown_patients, 1);
        assert_eq!(r.unknown_codes.count(CodeSystem::SnomedCt, "314529007"), 1);
        assert_eq!(r.procedures_without_encounter, 1);
        assert_eq!(r.procedures_without_encounter_pence, 700);
        assert_eq!(r.cost_rows_in_period, 5);
        assert_eq!(r.cost_rows_outside_period, 1);
        assert_eq!(pop.places.code(a.place), Some("Douglas County"));
    }

    #[test]
    fn bad_input_is_located() {
        let no_birth = PATIENTS.replace("a,1940-01-01", "a,");
        let e = read(files(&no_birth, ENCOUNTERS), &opts()).unwrap_err();
        assert!(
            matches!(&e, Error::At { line: 2, column, source, .. } if column == "BIRTHDATE" && matches!(**source, Error::MissingAge { .. })),
            "{e}"
        );
        let negative = ENCOUNTERS.replace("100.50", "-100.50");
        let e = read(files(PATIENTS, &negative), &opts()).unwrap_err();
        assert!(
            matches!(&e, Error::At { line: 2, column, source, .. } if column == "BASE_ENCOUNTER_COST" && matches!(**source, Error::NegativeSpend { .. })),
            "{e}"
        );
        let bad_class = ENCOUNTERS.replace("inpatient", "teleport");
        let e = read(files(PATIENTS, &bad_class), &opts()).unwrap_err();
        assert!(matches!(&e, Error::Malformed { line: 2, .. }), "{e}");
        let short_row = format!("{PATIENTS}e,1990-01-01\n");
        let e = read(files(&short_row, ENCOUNTERS), &opts()).unwrap_err();
        assert!(matches!(&e, Error::Malformed { line: 6, .. }), "{e}");
        let no_column = PATIENTS.replace("GENDER", "SEX");
        let e = read(files(&no_column, ENCOUNTERS), &opts()).unwrap_err();
        assert!(
            matches!(&e, Error::Malformed { line: 1, column, .. } if column == "GENDER"),
            "{e}"
        );
        let bad_date = PATIENTS.replace("1940-01-01", "01/01/1940");
        let e = read(files(&bad_date, ENCOUNTERS), &opts()).unwrap_err();
        assert!(matches!(&e, Error::Malformed { .. }), "{e}");
        let bad_cost = ENCOUNTERS.replace("100.50", "lots");
        let e = read(files(PATIENTS, &bad_cost), &opts()).unwrap_err();
        assert!(matches!(&e, Error::Malformed { .. }), "{e}");
        let mut o = opts();
        o.period = DateRange::new(
            NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(),
        )
        .unwrap();
        assert!(matches!(
            read(files(PATIENTS, ENCOUNTERS), &o),
            Err(Error::InvalidValue { .. })
        ));
        assert!(matches!(
            read_dir(Path::new("/nonexistent-synthea"), &opts()),
            Err(Error::Io { .. })
        ));
    }

    fn lenient(patients: &str, encounters: &str) -> SyntheaPopulation {
        read_with(
            files(patients, encounters),
            &opts(),
            OnBadRow::SkipAndReport,
        )
        .unwrap()
    }

    #[test]
    fn a_valid_export_reads_the_same_in_both_modes() {
        let strict = read(files(PATIENTS, ENCOUNTERS), &opts()).unwrap();
        let loose = lenient(PATIENTS, ENCOUNTERS);
        assert_eq!(strict.people, loose.people);
        assert_eq!(strict.ids, loose.ids);
        for r in [&strict.report.bad_rows, &loose.report.bad_rows] {
            assert_eq!((r.rows_read(), r.kept(), r.skipped()), (15, 15, 0));
        }
        assert_eq!(strict.report.bad_rows.policy(), OnBadRow::Stop);
        assert_eq!(loose.report.rows_for_skipped_patients, 0);
    }

    #[test]
    fn each_bad_row_kind_is_skipped_and_reported() {
        use crate::readers::BadRowReason as R;
        let cases: [(String, String, &str, u64, &str, R, i128); 6] = [
            (
                PATIENTS.replace("a,1940-01-01", "a,"),
                ENCOUNTERS.into(),
                "patients.csv",
                2,
                "BIRTHDATE",
                R::MissingAge,
                0,
            ),
            (
                PATIENTS.replace("a,1940-01-01,,F", "a,1940-01-01,,Q"),
                ENCOUNTERS.into(),
                "patients.csv",
                2,
                "GENDER",
                R::UnknownSex,
                0,
            ),
            (
                format!("{PATIENTS}e,1990-01-01\n"),
                ENCOUNTERS.into(),
                "patients.csv",
                6,
                "(row)",
                R::FieldCount,
                0,
            ),
            (
                PATIENTS.into(),
                ENCOUNTERS.replace("100.50", "-100.50"),
                "encounters.csv",
                2,
                "BASE_ENCOUNTER_COST",
                R::NegativeSpend,
                0,
            ),
            (
                PATIENTS.into(),
                ENCOUNTERS.replace("inpatient", "teleport"),
                "encounters.csv",
                2,
                "ENCOUNTERCLASS",
                R::UnknownEncounterClass,
                10_050,
            ),
            (
                PATIENTS.into(),
                ENCOUNTERS.replace("100.50", "lots"),
                "encounters.csv",
                2,
                "BASE_ENCOUNTER_COST",
                R::Unparsable,
                0,
            ),
        ];
        for (patients, encounters, file, line, column, reason, spend) in cases {
            let stop =
                read_with(files(&patients, &encounters), &opts(), OnBadRow::Stop).unwrap_err();
            assert_eq!(BadRowReason::of(&stop), Some(reason), "{stop}");
            assert!(
                stop.to_string()
                    .starts_with(&format!("{file}, line {line}, column {column}")),
                "{stop}"
            );
            let pop = lenient(&patients, &encounters);
            let bad = &pop.report.bad_rows;
            assert_eq!(
                (bad.rows_read(), bad.skipped()),
                (15 + u64::from(line == 6), 1),
                "{reason:?}"
            );
            assert_eq!(bad.count(reason), 1);
            assert_eq!(bad.skipped_spend_pence(), spend, "{reason:?}");
            let row = bad.examples().first().unwrap();
            assert_eq!(
                (row.file.as_str(), row.line, row.column.as_str(), row.reason),
                (file, line, column, reason)
            );
        }
    }

    #[test]
    fn rows_of_a_skipped_patient_are_counted_with_their_spend() {
        let pop = lenient(&PATIENTS.replace("a,1940-01-01", "a,"), ENCOUNTERS);
        assert_eq!(pop.ids, ["b", "c"]);
        let r = &pop.report;
        // Three condition rows, two encounters, one procedure (the other has no encounter),
        // one medication.
        assert_eq!(r.rows_for_skipped_patients, 7);
        // In the period: encounter e1 100.50, its procedure 200.00, the medication 12.34.
        assert_eq!(r.spend_for_skipped_patients_pence, 10_050 + 20_000 + 1_234);
        assert_eq!(r.rows_for_unknown_patients, 1);
        assert_eq!(r.procedures_without_encounter, 1);
        // A skipped encounter leaves its procedures without encounter, counted with their cost.
        let pop = lenient(PATIENTS, &ENCOUNTERS.replace("100.50", "-100.50"));
        assert_eq!(pop.report.procedures_without_encounter, 2);
        assert_eq!(pop.report.procedures_without_encounter_pence, 20_700);
        assert_eq!(pop.people.first().map(|a| a.spend.get(ACUTE)), Some(0));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

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

        fn edit() -> impl Strategy<Value = (usize, u8, u8)> {
            (
                any::<usize>(),
                0u8..3,
                prop_oneof![any::<u8>(), prop::sample::select(b",\n\"-x0".to_vec())],
            )
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]

            #[test]
            fn prop_mutated_exports_never_panic_and_every_row_is_accounted_for(
                patient_edits in proptest::collection::vec(edit(), 0..5),
                encounter_edits in proptest::collection::vec(edit(), 0..5),
            ) {
                let patients = mutate(PATIENTS.as_bytes().to_vec(), &patient_edits);
                let encounters = mutate(ENCOUNTERS.as_bytes().to_vec(), &encounter_edits);
                let files = || SyntheaFiles {
                    patients: ("patients.csv".to_owned(), patients.as_slice()),
                    conditions: ("conditions.csv".to_owned(), CONDITIONS.as_bytes()),
                    encounters: ("encounters.csv".to_owned(), encounters.as_slice()),
                    procedures: ("procedures.csv".to_owned(), PROCEDURES.as_bytes()),
                    medications: ("medications.csv".to_owned(), MEDICATIONS.as_bytes()),
                };
                let strict = read_with(files(), &opts(), OnBadRow::Stop);
                let lenient = read_with(files(), &opts(), OnBadRow::SkipAndReport);
                if let Ok(pop) = &lenient {
                    let bad = &pop.report.bad_rows;
                    let rows = records(&patients) + records(CONDITIONS.as_bytes())
                        + records(&encounters) + records(PROCEDURES.as_bytes())
                        + records(MEDICATIONS.as_bytes());
                    prop_assert_eq!(bad.rows_read(), rows);
                    prop_assert_eq!(bad.kept() + bad.skipped(), rows);
                }
                match (strict, lenient) {
                    (Ok(a), Ok(b)) => {
                        prop_assert!(b.report.bad_rows.is_empty());
                        prop_assert_eq!(a.people, b.people);
                    }
                    (Err(e), Ok(b)) => {
                        // Stop mode names the first row the lenient mode skipped.
                        prop_assert!(BadRowReason::of(&e).is_some(), "{}", e);
                        let first = b.report.bad_rows.examples().first();
                        prop_assert!(first.is_some(), "{}", e);
                        let first = first.unwrap();
                        prop_assert!(
                            e.to_string().starts_with(&format!("{}, line {}, column {}", first.file, first.line, first.column)),
                            "{} vs {:?}", e, first
                        );
                    }
                    // Errors not about a data row (a header without a needed column) stop
                    // both modes.
                    (Err(a), Err(b)) => {
                        prop_assert!(
                            !matches!(b, Error::Malformed { line, .. } | Error::At { line, .. } if line > 1),
                            "{}", b
                        );
                        // Stop mode may have met a bad row before that header.
                        if BadRowReason::of(&a).is_none() || a.to_string().contains(", line 1, ") {
                            prop_assert_eq!(a.to_string(), b.to_string());
                        }
                    }
                    (Ok(_), Err(e)) => prop_assert!(false, "lenient failed where strict read: {}", e),
                }
            }
        }
    }
}
