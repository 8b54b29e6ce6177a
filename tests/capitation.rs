//! Integration tests: capitation. Worked segmentation cases are data under
//! tests/cases/capitation/segment/, each with its source; the Synthea extract is read from
//! `ROUTE_MAP_DATA_DIR` by the ignored tests.

use chrono::NaiveDate;
use route_map::capitation::person::PersonContext;
use route_map::capitation::readers::synthea::{self, SyntheaOptions, SyntheaPlace};
use route_map::capitation::{
    ConditionCatalogue, Error, PersonRecord, Places, SegmentationScheme, Segmenter, Services,
    UnknownCodes,
};
use route_map::core::{FinancialYear, RoundingRule, SourceRef};
use serde::Deserialize;

fn cases_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/capitation/segment")
}

#[derive(Deserialize)]
struct AssignmentCases {
    scheme: String,
    source: SourceRef,
    case: Vec<AssignmentCase>,
}

#[derive(Deserialize)]
struct AssignmentCase {
    name: String,
    person: PersonRecord,
    band: String,
    need: String,
}

fn run_assignment_cases(file: &str) -> usize {
    let text = std::fs::read_to_string(cases_dir().join(file)).unwrap();
    let cases: AssignmentCases = toml::from_str(&text).unwrap();
    assert!(!cases.source.title.is_empty());
    let catalogue = ConditionCatalogue::builtin().unwrap();
    let scheme = match cases.scheme.as_str() {
        "devon" => SegmentationScheme::devon().unwrap(),
        "bridges_to_health" => SegmentationScheme::bridges_to_health().unwrap(),
        other => panic!("unknown scheme {other}"),
    };
    let mut places = Places::default();
    let compiled = scheme.compile(catalogue, &mut places).unwrap();
    let services = Services::new(["all"]).unwrap();
    let mut unknown = UnknownCodes::default();
    let mut ctx = PersonContext {
        catalogue,
        services: &services,
        reference_date: NaiveDate::from_ymd_opt(2024, 3, 31).unwrap(),
        period_days: 366,
        places: &mut places,
        unknown: &mut unknown,
    };
    for case in &cases.case {
        let person = case.person.to_person(&mut ctx).unwrap();
        let assignment = compiled.assign(&person);
        let (band, need) = compiled
            .segment_ids(compiled.segment_of(assignment))
            .unwrap();
        assert_eq!(
            (band, need),
            (case.band.as_str(), case.need.as_str()),
            "{}",
            case.name
        );
        // The lookup table and the rule walk agree.
        assert_eq!(
            compiled.segment(&person),
            compiled.segment_of(assignment),
            "{}",
            case.name
        );
    }
    assert!(unknown.is_empty());
    cases.case.len()
}

#[test]
fn devon_worked_assignments() {
    assert_eq!(run_assignment_cases("devon_assignments.toml"), 11);
}

#[test]
fn bridges_to_health_worked_assignments() {
    assert_eq!(run_assignment_cases("bridges_assignments.toml"), 9);
}

#[derive(Deserialize)]
struct InvalidCases {
    source: SourceRef,
    case: Vec<InvalidCase>,
}

#[derive(Deserialize)]
struct InvalidCase {
    name: String,
    error: String,
    scheme: String,
}

#[test]
fn invalid_schemes_are_rejected_with_typed_errors() {
    let text = std::fs::read_to_string(cases_dir().join("invalid_schemes.toml")).unwrap();
    let cases: InvalidCases = toml::from_str(&text).unwrap();
    assert!(!cases.source.title.is_empty());
    assert_eq!(cases.case.len(), 4);
    for case in &cases.case {
        let err = SegmentationScheme::from_toml(&case.scheme).unwrap_err();
        let kind = match err {
            Error::NoResidualSegment { .. } => "no_residual_segment",
            Error::OverlappingAgeBands { .. } => "overlapping_age_bands",
            Error::AgeBandGap { .. } => "age_band_gap",
            Error::ResidualNotLast { .. } => "residual_not_last",
            _ => "other",
        };
        assert_eq!(kind, case.error, "{}: {err}", case.name);
    }
}

fn data_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(
        std::env::var("ROUTE_MAP_DATA_DIR").expect("set ROUTE_MAP_DATA_DIR to the shared data"),
    )
}

#[test]
#[ignore = "needs ROUTE_MAP_DATA_DIR"]
fn synthea_extract_segments_with_counts() {
    let catalogue = ConditionCatalogue::builtin().unwrap();
    let opts = SyntheaOptions {
        catalogue,
        period: FinancialYear::starting(2022).unwrap().range(),
        place: SyntheaPlace::County,
    };
    let pop = synthea::read_dir(&data_dir().join("synthea-unmc-111"), &opts).unwrap();
    let r = &pop.report;
    assert_eq!(r.patients_read, 111);
    assert_eq!(r.patients_outside_period, 12);
    assert_eq!(pop.people.len(), 99);
    assert_eq!(r.conditions_in_period, 853);
    assert_eq!(r.conditions_outside_period, 3_575);
    assert_eq!(r.unknown_codes.occurrences(), 711);
    assert_eq!(r.unknown_codes.distinct(), 73);
    assert_eq!(
        r.unknown_codes.most_frequent().first().map(|x| (x.1, x.2)),
        Some(("314529007", 122))
    );
    assert_eq!(r.cost_rows_in_period, 1_786);
    assert_eq!(r.cost_rows_outside_period, 23_664);
    assert_eq!(r.rows_for_unknown_patients, 0);
    assert_eq!(r.procedures_without_encounter, 0);
    // The real extract has no malformed row: lenient reading keeps every row and the same
    // people.
    let lenient = synthea::read_dir_with(
        &data_dir().join("synthea-unmc-111"),
        &opts,
        route_map::capitation::readers::OnBadRow::SkipAndReport,
    )
    .unwrap();
    assert_eq!(lenient.people, pop.people);
    assert_eq!(lenient.report.bad_rows.skipped(), 0);
    assert_eq!(lenient.report.bad_rows.rows_read(), r.bad_rows.rows_read());
    assert!(r.bad_rows.rows_read() > 111 + 853 + 3_575);

    let mut places = pop.places.clone();
    let scheme = SegmentationScheme::devon()
        .unwrap()
        .compile(catalogue, &mut places)
        .unwrap();
    let seg = Segmenter::new(&scheme, &pop.services, pop.period_days).unwrap();
    let totals = seg.aggregate_slice(&pop.people).unwrap();
    assert_eq!(totals.people(), 99);
    assert_eq!(totals.member_days(), 35_262);
    assert_eq!(totals.total_spend(), 149_620_814);
    let rows = totals
        .rows(&scheme, &pop.services, RoundingRule::HalfAwayFromZero)
        .unwrap();
    let count = |band: &str, need: &str| {
        rows.iter()
            .find(|r| r.band == band && r.need == need)
            .map(|r| r.people)
            .unwrap()
    };
    assert_eq!(count("children", "mostly_healthy"), 30);
    assert_eq!(count("adults", "mostly_healthy"), 30);
    assert_eq!(count("adults", "chronic"), 31);
    assert_eq!(count("elderly", "chronic"), 6);
    assert_eq!(count("elderly", "dementia"), 2);
    // Spend by service, in cents of the file's dollars.
    let by_service: Vec<i128> = (0..5)
        .map(|k| totals.segments().iter().map(|s| s.spend[k]).sum())
        .collect();
    assert_eq!(
        by_service,
        [73_060_391, 11_210_485, 28_003_329, 5_137_249, 32_209_360]
    );
}

#[derive(Deserialize)]
struct CsvExpected {
    source: SourceRef,
    period_days: u16,
    reference_date: NaiveDate,
    people: u64,
    member_days: u64,
    spend_pence: i128,
    unknown_codes: u64,
    segment: Vec<CsvSegment>,
}

#[derive(Deserialize)]
struct CsvSegment {
    band: String,
    need: String,
    people: u64,
    spend_pence: i128,
    per_head: Option<String>,
    per_person_year: Option<String>,
}

#[test]
fn person_csv_worked_example() {
    use route_map::capitation::readers::person_csv::{self, PersonCsv, PersonCsvOptions};
    let expected: CsvExpected =
        toml::from_str(&std::fs::read_to_string(cases_dir().join("people_expected.toml")).unwrap())
            .unwrap();
    assert!(!expected.source.title.is_empty());
    let catalogue = ConditionCatalogue::builtin().unwrap();
    let services = Services::new(["primary", "acute"]).unwrap();
    let mut places = Places::default();
    let scheme = SegmentationScheme::devon()
        .unwrap()
        .compile(catalogue, &mut places)
        .unwrap();
    let seg = Segmenter::new(&scheme, &services, expected.period_days).unwrap();
    let opts = PersonCsvOptions {
        catalogue,
        services: &services,
        reference_date: expected.reference_date,
        period_days: expected.period_days,
    };
    let path = cases_dir().join("people.csv");
    // Streaming, row by row.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut reader = PersonCsv::new(text.as_bytes(), "people.csv", opts, &mut places).unwrap();
    let streamed = seg.try_aggregate(reader.by_ref()).unwrap();
    assert_eq!(reader.unknown_codes().occurrences(), expected.unknown_codes);
    assert_eq!(reader.layout().ignored_columns(), ["person_id"]);
    // Whole file, in parallel chunks.
    let summary = person_csv::aggregate_file(&path, &seg, &opts, &places).unwrap();
    assert_eq!(summary.totals, streamed);
    assert_eq!(summary.unknown_codes.occurrences(), expected.unknown_codes);
    let t = &summary.totals;
    assert_eq!(t.people(), expected.people);
    assert_eq!(t.member_days(), expected.member_days);
    assert_eq!(t.total_spend(), expected.spend_pence);
    let rows = t
        .rows(&scheme, &services, RoundingRule::HalfAwayFromZero)
        .unwrap();
    let nonempty = rows.iter().filter(|r| r.people > 0).count();
    assert_eq!(nonempty, expected.segment.len());
    for e in &expected.segment {
        let row = rows
            .iter()
            .find(|r| r.band == e.band && r.need == e.need)
            .unwrap();
        assert_eq!(row.people, e.people, "{}/{}", e.band, e.need);
        assert_eq!(
            i128::from(row.total_spend.to_pence().unwrap()),
            e.spend_pence,
            "{}/{}",
            e.band,
            e.need
        );
        if let Some(per_head) = &e.per_head {
            assert_eq!(
                row.spend_per_head.unwrap().as_decimal().to_string(),
                *per_head
            );
        }
        if let Some(ppy) = &e.per_person_year {
            assert_eq!(
                row.spend_per_person_year.unwrap().as_decimal().to_string(),
                *ppy
            );
        }
    }
}

#[derive(Deserialize)]
struct BadRowsExpected {
    source: SourceRef,
    kept_totals: String,
    rows_read: u64,
    kept: u64,
    skipped: u64,
    skipped_spend_pence: i128,
    bad_row: Vec<ExpectedBadRow>,
}

#[derive(Deserialize)]
struct ExpectedBadRow {
    line: u64,
    column: String,
    reason: String,
}

#[test]
fn person_csv_bad_rows_stop_or_are_skipped_and_reported() {
    use route_map::capitation::readers::person_csv::{self, PersonCsv, PersonCsvOptions};
    use route_map::capitation::readers::{BadRowReason, BadRows, OnBadRow};
    let read = |name: &str| std::fs::read_to_string(cases_dir().join(name)).unwrap();
    let expected: BadRowsExpected = toml::from_str(&read("people_bad_rows_expected.toml")).unwrap();
    assert!(!expected.source.title.is_empty());
    let totals: CsvExpected = toml::from_str(&read(&expected.kept_totals)).unwrap();
    let catalogue = ConditionCatalogue::builtin().unwrap();
    let services = Services::new(["primary", "acute"]).unwrap();
    let mut places = Places::default();
    let scheme = SegmentationScheme::devon()
        .unwrap()
        .compile(catalogue, &mut places)
        .unwrap();
    let seg = Segmenter::new(&scheme, &services, totals.period_days).unwrap();
    let opts = PersonCsvOptions {
        catalogue,
        services: &services,
        reference_date: totals.reference_date,
        period_days: totals.period_days,
    };
    let path = cases_dir().join("people_bad_rows.csv");
    let text = read("people_bad_rows.csv");
    let first = expected.bad_row.first().unwrap();

    // Stop (the default): the first malformed row, located, in both readers.
    let e = seg
        .try_aggregate(
            PersonCsv::new(text.as_bytes(), "people_bad_rows.csv", opts, &mut places).unwrap(),
        )
        .unwrap_err();
    assert!(
        matches!(&e, Error::At { line, column, .. } if *line == first.line && *column == first.column),
        "{e}"
    );
    let e = person_csv::aggregate_file(&path, &seg, &opts, &places).unwrap_err();
    assert_eq!(format!("{:?}", BadRowReason::of(&e).unwrap()), first.reason);

    // Skip and report: the kept rows give the totals of the clean file.
    let check = |bad: &BadRows| {
        assert_eq!(bad.rows_read(), expected.rows_read);
        assert_eq!(bad.kept(), expected.kept);
        assert_eq!(bad.skipped(), expected.skipped);
        assert_eq!(bad.skipped_spend_pence(), expected.skipped_spend_pence);
        assert_eq!(bad.examples().len(), expected.bad_row.len());
        for (got, want) in bad.examples().iter().zip(&expected.bad_row) {
            assert_eq!(
                (got.line, got.column.as_str(), format!("{:?}", got.reason)),
                (want.line, want.column.as_str(), want.reason.clone())
            );
            assert_eq!(bad.count(got.reason), 1);
        }
    };
    let mut reader = PersonCsv::new(text.as_bytes(), "people_bad_rows.csv", opts, &mut places)
        .unwrap()
        .on_bad_row(OnBadRow::SkipAndReport);
    let streamed = seg.try_aggregate(reader.by_ref()).unwrap();
    check(reader.bad_rows());
    assert_eq!(reader.unknown_codes().occurrences(), totals.unknown_codes);
    let summary =
        person_csv::aggregate_file_with(&path, &seg, &opts, &places, OnBadRow::SkipAndReport)
            .unwrap();
    check(&summary.bad_rows);
    assert_eq!(summary.totals, streamed);
    assert_eq!(summary.totals.people(), totals.people);
    assert_eq!(summary.totals.member_days(), totals.member_days);
    assert_eq!(summary.totals.total_spend(), totals.spend_pence);
    assert_eq!(summary.unknown_codes.occurrences(), totals.unknown_codes);
}
