//! Integration tests: outcomes. Worked cases and statistical reference values are data under
//! tests/cases/outcomes/, each with its source; the Fingertips extract is read through the
//! ignored-test mechanism (`ROUTE_MAP_DATA_DIR=/work/shared/data cargo test --test integration
//! outcomes -- --ignored`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use route_map::core::{Share, SourceRef};
use route_map::outcomes::fingertips::{self, Layout};
use route_map::outcomes::observation::{Observation, achievement_ratio};
use route_map::outcomes::presets::{curve_preset, qof_points};
use route_map::outcomes::stats::funnel::{
    FunnelFlag, dsr_funnel, exact_proportion_limits, proportion_limits,
};
use route_map::outcomes::stats::spc::{Variation, XmrChart, XmrOptions};
use route_map::outcomes::stats::{
    ConfidenceLevel, Dsr, DsrStratum, Interval, byar, byar_rate, clopper_pearson, dsr,
    rate_interval, wilson,
};
use route_map::outcomes::{Error, IncentiveBasis, IndicatorId, templates};
use rust_decimal::Decimal;
use serde::Deserialize;

fn cases_dir() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/outcomes")
}

#[derive(Deserialize)]
struct CurveCases {
    case: Vec<CurveCase>,
    qof_count_case: Vec<QofCountCase>,
}

#[derive(Deserialize)]
struct CurveCase {
    name: String,
    preset: String,
    value: Decimal,
    expected: Decimal,
    source: SourceRef,
}

#[derive(Deserialize)]
struct QofCountCase {
    name: String,
    numerator: Decimal,
    register: Decimal,
    exclusions: Decimal,
    lower: Decimal,
    upper: Decimal,
    points: Decimal,
    expected_achievement: Decimal,
    expected_points: Decimal,
    source: SourceRef,
}

#[test]
fn worked_curve_cases() {
    let text = std::fs::read_to_string(cases_dir().join("curves.toml")).unwrap();
    let cases: CurveCases = toml::from_str(&text).unwrap();
    assert!(cases.case.len() >= 10);
    for c in &cases.case {
        assert!(!c.source.title.is_empty(), "{}", c.name);
        let p = curve_preset(&c.preset).unwrap();
        let s = p.curve.score_value(c.value, p.polarity, &c.name).unwrap();
        assert_eq!(
            s.achievement.as_decimal(),
            c.expected,
            "{}: {}",
            c.name,
            s.explanation
        );
    }
    for c in &cases.qof_count_case {
        assert!(!c.source.title.is_empty());
        let ratio = achievement_ratio(c.numerator, c.register, c.exclusions, &c.name).unwrap();
        let pct = ratio * Decimal::ONE_HUNDRED;
        assert_eq!(pct, c.expected_achievement, "{}", c.name);
        let pts = qof_points(pct, c.lower, c.upper, c.points).unwrap();
        assert_eq!(pts.points, c.expected_points, "{}", c.name);
    }
}

#[derive(Deserialize)]
struct StatCases {
    wilson: Vec<IntervalCase>,
    byar: Vec<IntervalCase>,
    funnel: Vec<FunnelCase>,
    xmr: Vec<XmrCase>,
    clopper_pearson: Vec<ExactCase>,
    exact_funnel: Vec<ExactFunnelCase>,
    dsr: Vec<DsrCase>,
}

#[derive(Deserialize)]
struct ExactCase {
    x: u64,
    n: u64,
    level: ConfidenceLevel,
    lower: f64,
    upper: f64,
    source: SourceRef,
}

#[derive(Deserialize)]
struct ExactFunnelCase {
    centre: f64,
    n: u64,
    lower95: f64,
    upper95: f64,
    lower998: f64,
    upper998: f64,
    source: SourceRef,
}

#[derive(Deserialize)]
struct DsrCase {
    strata: Vec<[f64; 3]>,
    per: f64,
    rate: f64,
    lower95: f64,
    upper95: f64,
    lower998: f64,
    upper998: f64,
    source: SourceRef,
}

#[derive(Deserialize)]
struct IntervalCase {
    #[serde(default)]
    x: f64,
    #[serde(default)]
    n: f64,
    level: ConfidenceLevel,
    lower: f64,
    upper: f64,
    #[serde(default)]
    tolerance: Option<f64>,
    source: SourceRef,
}

#[derive(Deserialize)]
struct FunnelCase {
    centre: f64,
    n: f64,
    level: ConfidenceLevel,
    lower: f64,
    upper: f64,
    source: SourceRef,
}

#[derive(Deserialize)]
struct XmrCase {
    values: Vec<f64>,
    mean: f64,
    mean_moving_range: f64,
    upper_limit: f64,
    lower_limit: f64,
    special_cause_points: Vec<usize>,
    source: SourceRef,
}

#[test]
fn statistics_match_independent_values() {
    let text = std::fs::read_to_string(cases_dir().join("statistics.toml")).unwrap();
    let cases: StatCases = toml::from_str(&text).unwrap();
    let close = |a: f64, b: f64, tol: f64| assert!((a - b).abs() <= tol, "{a} vs {b}");
    for c in &cases.wilson {
        assert!(!c.source.title.is_empty());
        let ci = wilson(c.x, c.n, c.level).unwrap();
        close(ci.lower, c.lower, c.tolerance.unwrap_or(1e-12));
        close(ci.upper, c.upper, c.tolerance.unwrap_or(1e-12));
    }
    for c in &cases.byar {
        assert!(!c.source.title.is_empty());
        let ci = byar(c.x, c.level).unwrap();
        close(ci.lower, c.lower, 1e-9);
        close(ci.upper, c.upper, 1e-9);
    }
    for c in &cases.funnel {
        assert!(!c.source.title.is_empty());
        let l = proportion_limits(c.centre, c.n, c.level).unwrap();
        close(l.lower, c.lower, 1e-12);
        close(l.upper, c.upper, 1e-12);
    }
    for c in &cases.xmr {
        assert!(!c.source.title.is_empty());
        let chart = XmrChart::new(&c.values, XmrOptions::default()).unwrap();
        close(chart.mean, c.mean, 1e-12);
        close(chart.mean_moving_range, c.mean_moving_range, 1e-12);
        close(chart.upper_limit, c.upper_limit, 1e-9);
        close(chart.lower_limit, c.lower_limit, 1e-9);
        let special: Vec<usize> = chart
            .points
            .iter()
            .enumerate()
            .filter(|(_, p)| p.variation != Variation::CommonCause)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(special, c.special_cause_points);
    }
    assert!(!cases.clopper_pearson.is_empty() && !cases.dsr.is_empty());
    for c in &cases.clopper_pearson {
        assert!(!c.source.title.is_empty());
        let ci = clopper_pearson(c.x, c.n, c.level).unwrap();
        close(ci.lower, c.lower, 1e-11);
        close(ci.upper, c.upper, 1e-11);
    }
    for c in &cases.exact_funnel {
        assert!(!c.source.title.is_empty());
        let a = exact_proportion_limits(c.centre, c.n, ConfidenceLevel::P95).unwrap();
        let b = exact_proportion_limits(c.centre, c.n, ConfidenceLevel::P998).unwrap();
        close(a.lower, c.lower95, 1e-9);
        close(a.upper, c.upper95, 1e-9);
        close(b.lower, c.lower998, 1e-9);
        close(b.upper, c.upper998, 1e-9);
    }
    for c in &cases.dsr {
        assert!(!c.source.title.is_empty());
        let strata: Vec<DsrStratum> = c
            .strata
            .iter()
            .map(|&[events, population, standard]| DsrStratum {
                events,
                population,
                standard,
            })
            .collect();
        let d = dsr(&strata, c.per).unwrap();
        close(d.rate, c.rate, 1e-9);
        let a = d.interval(ConfidenceLevel::P95).unwrap();
        let b = d.interval(ConfidenceLevel::P998).unwrap();
        close(a.lower, c.lower95, 1e-8);
        close(a.upper, c.upper95, 1e-8);
        close(b.lower, c.lower998, 1e-8);
        close(b.upper, c.upper998, 1e-8);
    }
}

#[test]
fn classic_layout_fixture() {
    let imp = fingertips::read_path(&cases_dir().join("fingertips_classic.csv")).unwrap();
    assert_eq!(imp.layout, Layout::Classic);
    assert_eq!(imp.observations.len(), 5);
    let manchester = &imp.observations[1];
    assert_eq!(manchester.area.as_str(), "E08000003");
    assert_eq!(manchester.area_name.as_deref(), Some("Manchester"));
    assert_eq!(
        manchester.indicator_name.as_deref(),
        Some("Deaths in hospital")
    );
    assert_eq!(manchester.compared_to_england.as_deref(), Some("Worse"));
    let ci998 = manchester.ci998.unwrap();
    assert_eq!(ci998.lower, "50.65963".parse::<Decimal>().unwrap());
    // The published 95% limits are Wilson limits of Count / Denominator.
    let w = wilson(1786.0, 3349.0, ConfidenceLevel::P95)
        .unwrap()
        .scaled(100.0);
    assert!((w.lower - 51.63686).abs() < 1e-5 && (w.upper - 55.01422).abs() < 1e-5);
    let w998 = wilson(1786.0, 3349.0, ConfidenceLevel::P998)
        .unwrap()
        .scaled(100.0);
    assert!((w998.upper - 55.98014).abs() < 1e-5);
    let halton = &imp.observations[3];
    let r = byar_rate(80.0, 2208.0, 1000.0, ConfidenceLevel::P998).unwrap();
    assert!((r.upper - 50.59023).abs() < 1e-5);
    assert_eq!(
        halton.indicator_name.as_deref(),
        Some("Conception rate per 1,000 females aged 17 years and under")
    );
    let breakdown = &imp.observations[4];
    assert_eq!(breakdown.value, None);
    assert_eq!(breakdown.period.label, "2018 - 20");
    assert!(!breakdown.is_whole_population());
    assert_eq!(
        imp.observations[2].note.as_deref(),
        Some("Decreasing and getting better")
    );
}

#[test]
fn classic_layout_errors_name_line_and_column() {
    let text = std::fs::read_to_string(cases_dir().join("fingertips_classic.csv")).unwrap();
    let broken = text.replacen("53.32935", "53,32935", 1);
    assert!(matches!(
        fingertips::read(broken.as_bytes(), "classic.csv"),
        Err(Error::ImportFormat { line: 3, .. })
    ));
    let bad = text.replacen("53.32935", "n/a", 1);
    let e = fingertips::read(bad.as_bytes(), "classic.csv").unwrap_err();
    assert_eq!(
        e.to_string(),
        "classic.csv: line 3, column 13 (Value): \"n/a\" is not a number"
    );
    let no_area = text.replacen("Area Code", "Area Kode", 1);
    assert!(matches!(
        fingertips::read(no_area.as_bytes(), "classic.csv"),
        Err(Error::ImportFormat { line: 1, .. })
    ));
}

#[test]
fn payment_interface_by_contract_year() {
    let framework = templates::coventry_warwickshire().unwrap();
    let results = templates::coventry_warwickshire_sample_results().unwrap();
    let years: Vec<_> = (1..=5)
        .map(|y| framework.score(&results, y).unwrap())
        .collect();
    // Year 1 pays only on milestones, year 3 onwards only on outcomes.
    assert!(
        years[0]
            .indicators
            .iter()
            .all(|i| i.basis == IncentiveBasis::Milestones)
    );
    for y in &years[2..] {
        assert!(
            y.indicators
                .iter()
                .all(|i| i.basis == IncentiveBasis::Outcomes)
        );
        assert_eq!(y.achievement, years[2].achievement);
    }
    let achievements: BTreeMap<&IndicatorId, Share> = years[2].indicator_achievements().collect();
    assert_eq!(achievements.len(), 9);
    let weights: Decimal = years[2]
        .indicators
        .iter()
        .map(|i| i.effective_weight.as_decimal())
        .sum();
    assert_eq!(weights, Decimal::ONE);
    // The CQUIN indicator is scored on its own for the payment engine's CQUIN pot.
    let cquin = framework
        .score_basis(&results, IncentiveBasis::Cquin, 1)
        .unwrap();
    assert_eq!(cquin.indicators.len(), 1);
    // Deterministic: the same input gives the same bytes.
    let a = serde_json::to_string(&framework.score(&results, 2).unwrap()).unwrap();
    let b = serde_json::to_string(&framework.score(&results, 2).unwrap()).unwrap();
    assert_eq!(a, b);
}

fn data_dir() -> PathBuf {
    PathBuf::from(std::env::var("ROUTE_MAP_DATA_DIR").expect("set ROUTE_MAP_DATA_DIR"))
        .join("fingertips-north-west")
}

/// Row counts counted independently from the file (Python `csv.DictReader`): 44,452 data rows,
/// 31 indicators (32 named in indicators.csv), 116 areas, 2018 to 2024, 2,078 rows without a value; 12,840 rows of
/// indicator 92708 (resident population) and 1,080 of 22401 (falls admissions, 65+).
#[test]
#[ignore = "needs ROUTE_MAP_DATA_DIR"]
fn fingertips_extract_row_counts() {
    let imp = fingertips::read_path(&data_dir().join("healthdata.csv")).unwrap();
    assert_eq!(imp.layout, Layout::Compact);
    let obs = &imp.observations;
    assert_eq!(obs.len(), 44_452);
    let by_indicator = |id: &str| obs.iter().filter(|o| o.source_indicator_id == id).count();
    assert_eq!(by_indicator("92708"), 12_840);
    assert_eq!(by_indicator("337"), 12_212);
    assert_eq!(by_indicator("22401"), 1_080);
    assert_eq!(by_indicator("94103"), 27);
    let indicators: BTreeSet<&str> = obs.iter().map(|o| o.source_indicator_id.as_str()).collect();
    assert_eq!(indicators.len(), 31);
    let areas: BTreeSet<&str> = obs.iter().map(|o| o.area.as_str()).collect();
    assert_eq!(areas.len(), 116);
    let years: BTreeSet<u32> = obs.iter().map(|o| o.period.start_year()).collect();
    assert_eq!(years, (2018..=2024).collect());
    assert_eq!(obs.iter().filter(|o| o.value.is_none()).count(), 2_078);
    assert_eq!(
        obs.iter().filter(|o| o.is_whole_population()).count(),
        36_558
    );
    assert_eq!(
        obs.iter().filter(|o| o.ci95.is_some()).count(),
        44_452 - 29_624
    );

    let names = fingertips::read_indicator_names(
        std::fs::File::open(data_dir().join("indicators.csv")).unwrap(),
        "indicators.csv",
    )
    .unwrap();
    // 32 names: every indicator with data, and 93748 (smoking attributable mortality), which
    // has no rows in the extract.
    assert_eq!(names.len(), 32);
    assert_eq!(
        names["20401"],
        "Conception rate per 1,000 females aged 17 years and under"
    );
    assert!(indicators.iter().all(|id| names.contains_key(*id)));
    let without_data: Vec<&str> = names
        .keys()
        .map(String::as_str)
        .filter(|id| !indicators.contains(id))
        .collect();
    assert_eq!(without_data, vec!["93748"]);
}

/// Fingertips publishes Wilson limits for indicator 93474 (deaths in hospital) and Poisson
/// limits for crude rates such as 20401 (conceptions under 18 per 1,000) and 41203 (sight loss
/// from diabetic eye disease per 100,000): exact below 10 events, Byar's from 10. Every one of
/// the 2,340 rows of 93474 with a count, denominator and limits matches our Wilson interval,
/// and all 208 rows of 20401 and 161 of 41203 match our count-based rate interval.
#[test]
#[ignore = "needs ROUTE_MAP_DATA_DIR"]
fn fingertips_published_limits_match_our_intervals() {
    let imp = fingertips::read_path(&data_dir().join("healthdata.csv")).unwrap();
    let f = |d: Option<Decimal>| d.map(|v| v.to_string().parse::<f64>().unwrap());
    let with_counts = |id: &'static str| {
        imp.observations.iter().filter(move |o: &&Observation| {
            o.source_indicator_id == id
                && o.numerator.is_some()
                && o.denominator.is_some()
                && o.ci95.is_some()
        })
    };
    let close = |ours: Interval, o: &Observation, tol: f64| {
        let published = o.ci95.unwrap();
        let (lo, hi) = (
            f(Some(published.lower)).unwrap(),
            f(Some(published.upper)).unwrap(),
        );
        assert!(
            (ours.lower - lo).abs() <= tol * lo.abs().max(1.0)
                && (ours.upper - hi).abs() <= tol * hi.abs().max(1.0),
            "{ours:?} vs {o:?}"
        );
    };
    let mut checked = 0;
    for o in with_counts("93474") {
        let ci = wilson(
            f(o.numerator).unwrap(),
            f(o.denominator).unwrap(),
            ConfidenceLevel::P95,
        )
        .unwrap()
        .scaled(100.0);
        close(ci, o, 1e-6);
        checked += 1;
    }
    assert_eq!(checked, 2_340);
    for (id, per, rows) in [("20401", 1_000.0, 208), ("41203", 100_000.0, 161)] {
        let mut checked = 0;
        for o in with_counts(id) {
            let ci = rate_interval(
                f(o.numerator).unwrap(),
                f(o.denominator).unwrap(),
                per,
                ConfidenceLevel::P95,
            )
            .unwrap();
            close(ci, o, 1e-4);
            checked += 1;
        }
        assert_eq!(checked, rows, "{id}");
    }
}

/// Fingertips publishes directly standardised rates with Dobson limits (Byar's approximation
/// for the total count): indicator 22401, emergency hospital admissions due to falls aged 65
/// and over, per 100,000 (ESP 2013). The extract gives the rate, the total count and the 95%
/// limits but not the age bands, so each row's `var(DSR)` is rebuilt from its lower limit and
/// the upper limit predicted from it. All 1,056 rows with limits agree within 0.1% (most
/// counts are published rounded to 5, which moves the prediction); the 11 England rows whose
/// counts are not rounded agree within 1e-8. A symmetric (normal) interval would miss 641
/// rows by more than 0.1%, so the check tells Dobson's asymmetric limits apart.
#[test]
#[ignore = "needs ROUTE_MAP_DATA_DIR"]
fn fingertips_dsr_limits_follow_dobson() {
    let imp = fingertips::read_path(&data_dir().join("healthdata.csv")).unwrap();
    let f = |d: Decimal| d.to_string().parse::<f64>().unwrap();
    let (mut rows, mut exact_rows, mut asymmetric) = (0, 0, 0);
    for o in imp
        .observations
        .iter()
        .filter(|o| o.source_indicator_id == "22401" && o.value.is_some() && o.ci95.is_some())
    {
        let (rate, events) = (f(o.value.unwrap()), f(o.numerator.unwrap()));
        let published = o.ci95.unwrap();
        let (lower, upper) = (f(published.lower), f(published.upper));
        let d = Dsr::from_published_lower(rate, events, lower, ConfidenceLevel::P95, 100_000.0)
            .unwrap();
        assert!(d.is_publishable());
        let ci = d.interval(ConfidenceLevel::P95).unwrap();
        assert!((ci.lower - lower).abs() <= 1e-9 * lower, "{o:?}");
        let relative = (ci.upper - upper).abs() / upper;
        assert!(relative <= 1e-3, "{relative} {o:?}");
        if events % 5.0 != 0.0 {
            assert!(relative <= 1e-8, "{relative} {o:?}");
            exact_rows += 1;
        }
        if (2.0 * rate - lower - upper).abs() / upper > 1e-3 {
            asymmetric += 1;
        }
        // The 99.8% limits, which the compact extract does not carry, contain the 95% ones.
        let wide = d.interval(ConfidenceLevel::P998).unwrap();
        assert!(wide.lower < ci.lower && wide.upper > ci.upper);
        rows += 1;
    }
    assert_eq!(rows, 1_056);
    assert_eq!(exact_rows, 11);
    assert_eq!(asymmetric, 641);
}

/// Fingertips 22401 DSR funnels by tier and year, labelled as PHEindicatormethods
/// `assign_funnel_significance(rate_type = "dsr")` does (derived denominators, count limits:
/// exact below 10 events, Byar's from 10); centres and label counts computed independently in
/// Python (SciPy) from the extract's published counts and rates.
#[test]
#[ignore = "needs ROUTE_MAP_DATA_DIR"]
fn fingertips_dsr_funnels_match_independent_labels() {
    let imp = fingertips::read_path(&data_dir().join("healthdata.csv")).unwrap();
    let f = |d: Decimal| d.to_string().parse::<f64>().unwrap();
    let cases: [(&str, u32, usize, f64, [usize; 5]); 6] = [
        // tier, year, areas, centre, [High998, High95, NotSignificant, Low95, Low998]
        ("E06", 2018, 8, 2_198.551_995_884_9, [3, 0, 2, 1, 2]),
        ("E06", 2023, 8, 2_003.122_491_002_5, [2, 0, 3, 2, 1]),
        ("E08", 2018, 15, 2_772.781_727_982_5, [4, 1, 3, 2, 5]),
        ("E08", 2023, 15, 2_292.562_449_592_4, [4, 0, 4, 3, 4]),
        ("E07", 2018, 12, 1_811.950_147_516_3, [2, 3, 3, 1, 3]),
        ("E07", 2023, 12, 1_643.062_839_722_1, [1, 1, 7, 1, 2]),
    ];
    for (tier, year, areas, centre, expected) in cases {
        let units: Vec<(f64, f64)> = imp
            .observations
            .iter()
            .filter(|o| {
                o.source_indicator_id == "22401"
                    && o.area.as_str().starts_with(tier)
                    && o.period.start_year() == year
                    && o.is_whole_population()
                    && o.sex.as_deref() == Some("Persons")
                    && o.value.is_some()
                    && o.numerator.is_some()
            })
            .map(|o| (f(o.numerator.unwrap()), f(o.value.unwrap())))
            .collect();
        assert_eq!(units.len(), areas, "{tier} {year}");
        let funnel = dsr_funnel(&units, 100_000.0).unwrap();
        assert!(
            (funnel.centre - centre).abs() < 1e-6,
            "{tier} {year}: {}",
            funnel.centre
        );
        let count = |flag: FunnelFlag| {
            funnel
                .points
                .iter()
                .filter(|p| p.flag == Some(flag))
                .count()
        };
        let got = [
            count(FunnelFlag::High998),
            count(FunnelFlag::High95),
            count(FunnelFlag::NotSignificant),
            count(FunnelFlag::Low95),
            count(FunnelFlag::Low998),
        ];
        assert_eq!(got, expected, "{tier} {year}");
    }
}
