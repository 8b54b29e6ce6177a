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
