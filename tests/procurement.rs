//! Integration tests: procurement. Legal cases are data under tests/cases/procurement/, each
//! with its source: regime selection for every regime, each threshold change, the 2021
//! reclassification of NHS bodies, standstill across bank holidays, routes, notices and plans.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use proptest::prelude::*;
use route_map::core::{Money, SourceRef, WorkingDayCalendar};
use route_map::procurement::Error;
use route_map::procurement::law::{AuthorityKind, ThresholdId, threshold_timeline};
use route_map::procurement::ocds::{
    METHODS, Publisher, RELEASE_TAGS, release_package_json, releases,
};
use route_map::procurement::plan::{
    ProcurementPlan, Severity, check_plan, check_plan_with_time_limits,
};
use route_map::procurement::regime::{
    EstimatedValue, Proposal, RawProposal, Regime, select_regimes,
};
use route_map::procurement::routes::{Availability, AwardFacts, Route, notices, route_options};
use route_map::procurement::standstill::{
    Representations, SendingMeans, StandstillOptions, standstill,
};
use route_map::procurement::time_limits::{
    PcrProcedure, Stage, TimeLimitFacts, pcr_minimum_time_limit,
};
use serde::Deserialize;

fn read(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases/procurement")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[derive(Deserialize)]
struct Cases<T> {
    case: Vec<T>,
}

fn cases<T: serde::de::DeserializeOwned>(name: &str) -> Vec<T> {
    let c: Cases<T> = toml::from_str(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    c.case
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegimeCase {
    name: String,
    source: SourceRef,
    authority: AuthorityKind,
    services: Vec<String>,
    net: String,
    #[serde(default)]
    vat: Option<String>,
    commencement: NaiveDate,
    #[serde(default = "yes")]
    for_the_health_service: bool,
    #[serde(default)]
    expect_regimes: Vec<Regime>,
    #[serde(default)]
    expect_thresholds: BTreeMap<ThresholdId, bool>,
    #[serde(default)]
    expect_error: Option<String>,
}

fn yes() -> bool {
    true
}

fn error_kind(e: &Error) -> &'static str {
    match e {
        Error::OutOfScope { .. } => "out_of_scope",
        Error::AuthorityNotInExistence { .. } => "authority_not_in_existence",
        Error::UnknownCpv { .. } => "unknown_cpv",
        Error::InvalidCpv { .. } => "invalid_cpv",
        Error::NegativeValue { .. } => "negative_value",
        Error::StandstillOpen { .. } => "standstill_open",
        Error::Invalid { .. } => "invalid",
        _ => "other",
    }
}

fn run_regime_case(c: &RegimeCase) -> Result<Vec<Regime>, Error> {
    let services = c
        .services
        .iter()
        .map(|s| s.parse())
        .collect::<Result<Vec<_>, _>>()?;
    let proposal = Proposal::new(RawProposal {
        title: c.name.clone(),
        authority: c.authority,
        services,
        value: EstimatedValue {
            net: c.net.parse().unwrap(),
            vat: c.vat.as_deref().unwrap_or("0").parse().unwrap(),
        },
        commencement: c.commencement,
        for_the_health_service: c.for_the_health_service,
        term_months: None,
    })?;
    let d = select_regimes(&proposal)?;
    for (id, met) in &c.expect_thresholds {
        let check = d
            .thresholds
            .iter()
            .find(|t| t.threshold == *id)
            .unwrap_or_else(|| panic!("{}: no comparison with {id:?}", c.name));
        assert_eq!(check.met, *met, "{}: {id:?}", c.name);
    }
    assert!(!d.reasons.is_empty());
    Ok(d.regimes)
}

fn check_regime_file(name: &str) -> BTreeSet<Regime> {
    let mut seen = BTreeSet::new();
    for c in cases::<RegimeCase>(name) {
        assert!(!c.source.title.is_empty(), "{}", c.name);
        match (run_regime_case(&c), &c.expect_error) {
            (Ok(regimes), None) => {
                assert_eq!(regimes, c.expect_regimes, "{}", c.name);
                seen.extend(regimes);
            }
            (Err(e), Some(kind)) => assert_eq!(error_kind(&e), kind, "{}: {e}", c.name),
            (got, want) => panic!("{}: got {got:?}, expected error {want:?}", c.name),
        }
    }
    seen
}

#[test]
fn regime_cases_cover_every_regime() {
    let mut seen = check_regime_file("regimes.toml");
    seen.extend(check_regime_file("threshold_changes.toml"));
    for r in Regime::ALL {
        assert!(seen.contains(&r), "no case selects {r:?}");
    }
}

#[test]
fn threshold_cases_cover_every_change_date() {
    let cs = cases::<RegimeCase>("threshold_changes.toml");
    let dates: BTreeSet<NaiveDate> = cs.iter().map(|c| c.commencement).collect();
    for id in [
        ThresholdId::PcrLightTouch,
        ThresholdId::PcrServicesSubCentral,
        ThresholdId::PaServicesCentral,
        ThresholdId::PaServicesSubCentral,
        ThresholdId::Pcr2006PartB,
        ThresholdId::PcrBelowSubCentral,
    ] {
        let tl = threshold_timeline(id).unwrap();
        for e in tl.entries().iter().skip(1) {
            let changed = tl
                .entries()
                .iter()
                .zip(tl.entries().iter().skip(1))
                .any(|(a, b)| b.from == e.from && a.value != b.value && b.value.is_some());
            if changed {
                assert!(dates.contains(&e.from), "{id:?}: no case on {}", e.from);
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StandstillCase {
    name: String,
    source: SourceRef,
    regime: Regime,
    route: Route,
    notice: NaiveDate,
    #[serde(default)]
    means: Option<SendingMeans>,
    #[serde(default)]
    representations: Option<Representations>,
    #[serde(default)]
    voluntary: bool,
    #[serde(default)]
    expect_last_day: Option<NaiveDate>,
    #[serde(default)]
    expect_none: bool,
    #[serde(default)]
    expect_error: Option<String>,
}

#[test]
fn standstill_cases_across_bank_holidays() {
    let cal = WorkingDayCalendar::england_and_wales().unwrap();
    let cs = cases::<StandstillCase>("standstill.toml");
    let mut over_holiday = 0;
    for c in &cs {
        assert!(!c.source.title.is_empty());
        let options = StandstillOptions {
            means: c.means.unwrap_or_default(),
            representations: c.representations,
            voluntary: c.voluntary,
        };
        match (
            standstill(c.regime, c.route, c.notice, options),
            &c.expect_error,
        ) {
            (Err(e), Some(kind)) => assert_eq!(error_kind(&e), kind, "{}", c.name),
            (Ok(s), None) => {
                if c.expect_none {
                    assert!(s.standstill.is_none(), "{}", c.name);
                    continue;
                }
                let st = s
                    .standstill
                    .unwrap_or_else(|| panic!("{}: no standstill", c.name));
                assert_eq!(Some(st.last_day), c.expect_last_day, "{}", c.name);
                assert!(cal.is_working_day(st.last_day).unwrap(), "{}", c.name);
                let mut d = c.notice;
                while d <= st.last_day {
                    if cal.bank_holiday(d).unwrap().is_some() {
                        over_holiday += 1;
                        break;
                    }
                    d = d.succ_opt().unwrap();
                }
            }
            (got, want) => panic!("{}: got {got:?}, expected {want:?}", c.name),
        }
    }
    assert!(
        over_holiday >= 4,
        "cases crossing bank holidays: {over_holiday}"
    );
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteCase {
    name: String,
    source: SourceRef,
    regime: Regime,
    facts: AwardFacts,
    expect: BTreeMap<Route, Availability>,
}

#[test]
fn route_cases() {
    for c in cases::<RouteCase>("routes.toml") {
        assert!(!c.source.title.is_empty());
        let opts = route_options(c.regime, &c.facts).unwrap();
        for (route, want) in &c.expect {
            let got = opts
                .iter()
                .find(|o| o.route == *route)
                .unwrap_or_else(|| panic!("{}: no route {route:?}", c.name));
            assert_eq!(
                got.availability, *want,
                "{}: {route:?} ({})",
                c.name, got.reason
            );
        }
        let mandatory = opts
            .iter()
            .filter(|o| o.availability == Availability::Mandatory)
            .count();
        assert!(mandatory <= 1, "{}", c.name);
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticeCase {
    name: String,
    source: SourceRef,
    regime: Regime,
    route: Route,
    expect: Vec<String>,
    #[serde(default)]
    expect_codes: Vec<String>,
}

#[test]
fn notice_cases() {
    for c in cases::<NoticeCase>("notices.toml") {
        assert!(!c.source.title.is_empty());
        let ns = notices(c.regime, c.route).unwrap();
        let ids: Vec<String> = ns
            .iter()
            .map(|n| {
                serde_json::to_value(n.id)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(ids, c.expect, "{}", c.name);
        if !c.expect_codes.is_empty() {
            let codes: Vec<String> = ns.iter().filter_map(|n| n.code.clone()).collect();
            assert_eq!(codes, c.expect_codes, "{}", c.name);
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanCase {
    name: String,
    source: SourceRef,
    expect_compliant: bool,
    #[serde(default)]
    expect_rules: Vec<String>,
    #[serde(default)]
    expect_absent: Vec<String>,
    plan: ProcurementPlan,
}

#[test]
fn plan_cases() {
    for c in cases::<PlanCase>("plans.toml") {
        assert!(!c.source.title.is_empty());
        let r = check_plan(&c.plan).unwrap();
        assert_eq!(
            r.is_compliant(),
            c.expect_compliant,
            "{}: {:#?}",
            c.name,
            r.findings
        );
        for rule in &c.expect_rules {
            assert!(
                r.with_rule(rule).next().is_some(),
                "{}: no {rule} in {:#?}",
                c.name,
                r.findings
            );
        }
        for rule in &c.expect_absent {
            assert!(
                r.with_rule(rule).next().is_none(),
                "{}: unexpected {rule}",
                c.name
            );
        }
        for f in &r.findings {
            assert!(!f.source.title.is_empty());
            if f.severity == Severity::Error && f.rule.starts_with("standstill") {
                assert!(f.step.is_some());
            }
        }
    }
}

#[test]
fn ocds_releases_have_the_release_schema_shape() {
    let c = cases::<PlanCase>("plans.toml").into_iter().nth(1).unwrap();
    let report = check_plan(&c.plan).unwrap();
    let publisher = Publisher {
        ocid_prefix: "ocds-h6vhtk".into(),
        process_id: "route-map-0001".into(),
        buyer_id: "GB-PPON-PXXX-0001-AAAA".into(),
        buyer_name: "Example Council".into(),
        supplier: Some(("GB-COH-00000001".into(), "Example Supplier Ltd".into())),
    };
    let rs = releases(&c.plan, &report, &publisher).unwrap();
    assert_eq!(rs.len(), 3);
    let text = release_package_json(&rs, "2025-12-16T00:00:00Z", "route-map").unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], "1.1");
    let releases = v["releases"].as_array().unwrap();
    let mut ids = BTreeSet::new();
    let mut tags_seen = BTreeSet::new();
    for r in releases {
        for key in [
            "ocid",
            "id",
            "date",
            "tag",
            "initiationType",
            "buyer",
            "parties",
        ] {
            assert!(r.get(key).is_some(), "release lacks {key}");
        }
        assert!(r["ocid"].as_str().unwrap().starts_with("ocds-h6vhtk-"));
        assert!(
            ids.insert(r["id"].as_str().unwrap().to_owned()),
            "release ids unique"
        );
        assert!(r["date"].as_str().unwrap().ends_with('Z'));
        for t in r["tag"].as_array().unwrap() {
            assert!(RELEASE_TAGS.contains(&t.as_str().unwrap()));
            tags_seen.insert(t.as_str().unwrap().to_owned());
        }
        if let Some(t) = r.get("tender") {
            assert!(METHODS.contains(&t["procurementMethod"].as_str().unwrap()));
            assert!(t["value"]["amount"].is_number());
            assert_eq!(t["value"]["currency"], "GBP");
            assert_eq!(t["items"][0]["classification"]["scheme"], "CPV");
            assert_eq!(t["documents"][0]["noticeType"], "UK4");
        }
        if let Some(a) = r.get("awards") {
            let a = &a[0];
            assert!(a["value"]["amount"].is_number());
            assert!(
                a["standstillPeriod"]["endDate"]
                    .as_str()
                    .unwrap()
                    .starts_with("2025-11-14")
            );
            assert_eq!(a["suppliers"][0]["name"], "Example Supplier Ltd");
            let supplier = r["parties"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["roles"][0] == "supplier")
                .unwrap();
            assert_eq!(supplier["identifier"]["scheme"], "GB-COH");
        }
        if let Some(k) = r.get("contracts") {
            assert!(k[0]["awardID"].is_string());
        }
    }
    assert_eq!(tags_seen.len(), 3);
    // Amounts are exact: the text carries the decimal literally.
    assert!(text.contains("\"amount\": 400000.00"));
}

#[test]
fn plan_with_award_before_standstill_end_is_a_finding_not_a_panic() {
    let c = cases::<PlanCase>("plans.toml").into_iter().next().unwrap();
    let r = check_plan(&c.plan).unwrap();
    let f = r
        .with_rule("standstill.contract_before_end")
        .next()
        .unwrap();
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.step.as_deref(), Some("sign"));
}

fn authority_strategy() -> impl Strategy<Value = AuthorityKind> {
    prop::sample::select(AuthorityKind::ALL.to_vec())
}

fn service_strategy() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "85323000-9",
        "85311000-2",
        "72000000-5",
        "85121100-4",
        "80000000-4",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every date from 2013 to 2030 gets an answer or a typed error.
    #[test]
    fn regime_selection_is_total(
        date in route_map::core::strategies::date_2013_2030(),
        authority in authority_strategy(),
        service in service_strategy(),
        pounds in 0i64..50_000_000,
        health in any::<bool>(),
    ) {
        let p = Proposal::new(RawProposal {
            title: "p".into(),
            authority,
            services: vec![service.parse().unwrap()],
            value: EstimatedValue { net: Money::from_pounds(pounds), vat: Money::ZERO },
            commencement: date,
            for_the_health_service: health,
            term_months: None,
        }).unwrap();
        match select_regimes(&p) {
            Ok(d) => {
                prop_assert!(!d.reasons.is_empty());
                let award_regimes = d.regimes.iter().filter(|r| **r != Regime::Nhs2013).count();
                prop_assert!(award_regimes <= 1);
            }
            Err(Error::OutOfScope { .. } | Error::AuthorityNotInExistence { .. }) => {}
            Err(e) => prop_assert!(false, "untyped failure {e}"),
        }
    }

    /// Thresholds are step functions without gaps between their first date and their end.
    #[test]
    fn thresholds_are_gapless_step_functions(offset in 0i64..6_000) {
        for id in ThresholdId::ALL {
            let tl = threshold_timeline(id).unwrap();
            let first = tl.first_date().unwrap();
            let date = first + chrono::Days::new(offset as u64);
            let in_force = tl.end_date().is_none_or(|end| date < end);
            prop_assert_eq!(tl.at(date).is_ok(), in_force, "{:?} on {}", id, date);
            if let (Ok(v), Some(prev)) = (tl.at(date), date.pred_opt())
                && prev >= first {
                    let before = tl.at(prev).unwrap();
                    let changed = tl.change_dates().any(|c| c == date);
                    prop_assert!(changed || before == v);
                }
        }
    }

    /// Standstill ends on a working day and never before the notice.
    #[test]
    fn standstill_ends_on_a_working_day_after_the_notice(
        date in route_map::core::strategies::date_2013_2030(),
        which in 0usize..4,
    ) {
        let cal = WorkingDayCalendar::england_and_wales().unwrap();
        prop_assume!(date < NaiveDate::from_ymd_opt(2030, 11, 1).unwrap());
        let (regime, route) = [
            (Regime::Pcr2015Full, Route::PcrOpen),
            (Regime::Pcr2015LightTouch, Route::LtrCallForCompetition),
            (Regime::Psr, Route::PsrDirectAwardC),
            (Regime::Pa2023Public, Route::PaOpen),
        ][which];
        let s = standstill(regime, route, date, StandstillOptions::default()).unwrap();
        let st = s.standstill.unwrap();
        prop_assert!(cal.is_working_day(st.last_day).unwrap());
        prop_assert!(st.last_day >= date);
        prop_assert!(st.earliest_contract > st.last_day);
        if regime == Regime::Psr {
            prop_assert_eq!(cal.working_days_between(date, st.last_day).unwrap(), 8);
        }
    }
}

#[derive(Deserialize)]
struct ModificationFile {
    case: Vec<ModificationCase>,
    regime_case: Vec<ModificationRegimeCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModificationCase {
    name: String,
    source: SourceRef,
    ground: route_map::procurement::routes::ModificationGround,
    #[serde(default)]
    direct_award_a_or_b: bool,
    change: route_map::procurement::routes::ValueChange,
    expect_permitted: bool,
    expect_notice: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModificationRegimeCase {
    name: String,
    source: SourceRef,
    original: Regime,
    date: NaiveDate,
    health_care_by_relevant_authority: bool,
    expect: Regime,
}

#[test]
fn modification_cases() {
    let file: ModificationFile = toml::from_str(&read("modifications.toml")).unwrap();
    assert!(file.case.len() >= 6);
    for c in &file.case {
        assert!(!c.source.title.is_empty());
        let r = route_map::procurement::routes::psr_modification(
            c.ground,
            &c.change,
            c.direct_award_a_or_b,
        )
        .unwrap();
        assert_eq!(
            r.permitted, c.expect_permitted,
            "{}: {}",
            c.name, r.explanation
        );
        assert_eq!(r.notice_required, c.expect_notice, "{}", c.name);
    }
    for c in &file.regime_case {
        assert!(!c.source.title.is_empty());
        let (r, reason) = route_map::procurement::regime::regime_for_modification(
            c.original,
            c.date,
            c.health_care_by_relevant_authority,
        )
        .unwrap();
        assert_eq!(r, c.expect, "{}", c.name);
        assert!(!reason.text.is_empty());
    }
}

fn step_kind_strategy() -> impl Strategy<Value = route_map::procurement::plan::StepKind> {
    use route_map::procurement::isap::Checkpoint;
    use route_map::procurement::plan::StepKind;
    use route_map::procurement::routes::NoticeKind;
    prop::sample::select(vec![
        StepKind::AwardDecision,
        StepKind::ContractSignature,
        StepKind::ServiceStart,
        StepKind::TenderDeadline,
        StepKind::Isap(Checkpoint::Checkpoint1),
        StepKind::Notice(NoticeKind::Uk4Tender),
        StepKind::Notice(NoticeKind::Uk6ContractAward),
        StepKind::Notice(NoticeKind::Uk7ContractDetails),
        StepKind::Notice(NoticeKind::PsrIntentionToAward),
        StepKind::Notice(NoticeKind::PsrConfirmationNotice),
        StepKind::Notice(NoticeKind::PcrContractNotice),
        StepKind::Notice(NoticeKind::PcrAwardDecisionNotice),
        StepKind::Notice(NoticeKind::PcrContractAwardNotice),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Any plan, however badly ordered, is checked without panicking: findings or a typed error.
    #[test]
    fn plan_checking_never_panics(
        date in route_map::core::strategies::date_2013_2030(),
        authority in authority_strategy(),
        service in service_strategy(),
        route in prop::sample::select(vec![Route::PsrCompetitive, Route::PsrDirectAwardC, Route::PaOpen, Route::LtrCallForCompetition, Route::PcrOpen]),
        steps in prop::collection::vec((step_kind_strategy(), 0u64..400), 1..8),
        quarterly in any::<bool>(),
    ) {
        use route_map::procurement::plan::{PlanStep, RawProcurementPlan};
        prop_assume!(date < NaiveDate::from_ymd_opt(2029, 6, 1).unwrap());
        let proposal = Proposal::new(RawProposal {
            title: "p".into(),
            authority,
            services: vec![service.parse().unwrap()],
            value: EstimatedValue { net: Money::from_pounds(1_000_000), vat: Money::ZERO },
            commencement: date,
            for_the_health_service: true,
            term_months: None,
        }).unwrap();
        let steps = steps.into_iter().enumerate().map(|(i, (kind, offset))| PlanStep {
            id: format!("s{i}"),
            kind,
            date: date + chrono::Days::new(offset),
            label: String::new(),
        }).collect();
        let plan = ProcurementPlan::new(RawProcurementPlan {
            proposal,
            facts: AwardFacts::default(),
            route,
            novelty: route_map::procurement::isap::Novelty::default(),
            standstill: StandstillOptions::default(),
            quarterly_award_notices: quarterly,
            steps,
        }).unwrap();
        match check_plan(&plan) {
            Ok(r) => {
                let mut sorted = r.timeline.clone();
                sorted.sort_by_key(|t| t.date);
                prop_assert_eq!(sorted.iter().map(|t| t.date).collect::<Vec<_>>(), r.timeline.iter().map(|t| t.date).collect::<Vec<_>>());
            }
            Err(Error::OutOfScope { .. } | Error::AuthorityNotInExistence { .. } | Error::Invalid { .. }) => {}
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExistingCase {
    name: String,
    source: SourceRef,
    target: NaiveDate,
    today: NaiveDate,
    novate: bool,
    expect_all_free_from: NaiveDate,
    expect_terms: Vec<route_map::procurement::existing::TermKind>,
    expect_blocking: bool,
    contract: Vec<route_map::procurement::existing::ExistingContract>,
}

#[test]
fn existing_contract_cases() {
    use route_map::procurement::existing::map_contracts;
    for c in cases::<ExistingCase>("existing_contracts.toml") {
        assert!(!c.source.title.is_empty());
        let map = map_contracts(&c.contract, c.target, c.today, c.novate).unwrap();
        assert_eq!(
            map.all_free_from,
            Some(c.expect_all_free_from),
            "{}",
            c.name
        );
        let kinds: BTreeSet<_> = map.terms.iter().map(|t| t.kind).collect();
        let want: BTreeSet<_> = c.expect_terms.iter().copied().collect();
        assert_eq!(kinds, want, "{}: {:#?}", c.name, map.terms);
        assert_eq!(
            map.terms.iter().any(|t| t.blocking),
            c.expect_blocking,
            "{}",
            c.name
        );
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeCase {
    name: String,
    source: SourceRef,
    modification: route_map::procurement::lifecycle::PaModification,
    #[serde(default)]
    expect_required: Option<bool>,
    #[serde(default)]
    expect_error: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TerminationCase {
    name: String,
    source: SourceRef,
    regime: Regime,
    terminated_on: NaiveDate,
    #[serde(default)]
    user_choice_direct_award: bool,
    #[serde(default)]
    expect_last_day: Option<NaiveDate>,
    #[serde(default)]
    expect_error: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PaymentsCase {
    name: String,
    source: SourceRef,
    date: NaiveDate,
    #[serde(default)]
    expect_start: Option<NaiveDate>,
    #[serde(default)]
    expect_end: Option<NaiveDate>,
    #[serde(default)]
    expect_last_day: Option<NaiveDate>,
    #[serde(default)]
    expect_error: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LifecycleFile {
    change: Vec<ChangeCase>,
    termination: Vec<TerminationCase>,
    payments: Vec<PaymentsCase>,
}

#[test]
fn lifecycle_notice_cases() {
    use route_map::procurement::lifecycle::{
        contract_change_notice, contract_termination_notice, payments_reporting_period,
    };
    use route_map::procurement::routes::NoticeKind;
    let file: LifecycleFile = toml::from_str(&read("lifecycle.toml")).unwrap();
    assert!(file.change.len() >= 6 && file.termination.len() >= 3 && file.payments.len() >= 3);
    for c in &file.change {
        assert!(c.source.url.is_some(), "{}", c.name);
        match (contract_change_notice(&c.modification), &c.expect_error) {
            (Ok(r), None) => {
                assert_eq!(
                    Some(r.required),
                    c.expect_required,
                    "{}: {}",
                    c.name,
                    r.explanation
                );
                assert_eq!(r.notice, NoticeKind::Uk10ContractChange);
            }
            (Err(e), Some(k)) => assert_eq!(error_kind(&e), k, "{}", c.name),
            (r, _) => panic!("{}: unexpected {r:?}", c.name),
        }
    }
    for c in &file.termination {
        assert!(c.source.url.is_some(), "{}", c.name);
        match (
            contract_termination_notice(c.regime, c.terminated_on, c.user_choice_direct_award),
            &c.expect_error,
        ) {
            (Ok(r), None) => {
                assert_eq!(
                    r.as_ref().map(|d| d.last_day),
                    c.expect_last_day,
                    "{}",
                    c.name
                );
                if let Some(d) = r {
                    assert_eq!(d.notice, NoticeKind::Uk11ContractTermination);
                    assert!(d.last_day >= c.terminated_on);
                }
            }
            (Err(e), Some(k)) => assert_eq!(error_kind(&e), k, "{}", c.name),
            (r, _) => panic!("{}: unexpected {r:?}", c.name),
        }
    }
    for c in &file.payments {
        assert!(c.source.url.is_some(), "{}", c.name);
        match (payments_reporting_period(c.date), &c.expect_error) {
            (Ok(p), None) => {
                assert_eq!(Some(p.start), c.expect_start, "{}", c.name);
                assert_eq!(Some(p.end), c.expect_end, "{}", c.name);
                assert_eq!(Some(p.deadline.last_day), c.expect_last_day, "{}", c.name);
                assert!(p.start <= c.date && c.date <= p.end, "{}", c.name);
            }
            (Err(e), Some(k)) => assert_eq!(error_kind(&e), k, "{}", c.name),
            (r, _) => panic!("{}: unexpected {r:?}", c.name),
        }
    }
}

#[test]
fn ocds_cancellation_and_termination_releases() {
    use route_map::procurement::lifecycle::contract_termination_notice;
    use route_map::procurement::ocds::{cancellation_release, termination_release};
    let c = cases::<PlanCase>("plans.toml").into_iter().nth(1).unwrap();
    let report = check_plan(&c.plan).unwrap();
    let publisher = Publisher {
        ocid_prefix: "ocds-h6vhtk".into(),
        process_id: "route-map-0002".into(),
        buyer_id: "GB-PPON-PXXX-0001-AAAA".into(),
        buyer_name: "Example Council".into(),
        supplier: None,
    };
    let rs = releases(&c.plan, &report, &publisher).unwrap();
    let tender = rs.iter().find(|r| r.tag == ["tender"]).unwrap();
    let contract = rs.iter().find(|r| r.tag == ["contract"]).unwrap();
    let ended = NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
    let due = contract_termination_notice(Regime::Pa2023Public, ended, false)
        .unwrap()
        .unwrap();
    // Published on the last day allowed (22 January 2027); a day later is refused.
    let t = termination_release(contract, &due, due.last_day, "expiry").unwrap();
    let late = due.last_day.succ_opt().unwrap();
    assert!(matches!(
        termination_release(contract, &due, late, "expiry"),
        Err(Error::Invalid { .. })
    ));
    assert!(termination_release(tender, &due, due.last_day, "expiry").is_err());
    assert!(termination_release(contract, &due, due.last_day, " ").is_err());
    let x = cancellation_release(
        tender,
        NaiveDate::from_ymd_opt(2025, 12, 1).unwrap(),
        "budget withdrawn",
    )
    .unwrap();
    assert!(cancellation_release(contract, ended, "no tender").is_err());
    let text = release_package_json(&[x, t], "2027-01-22T00:00:00Z", "route-map").unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rel = v["releases"].as_array().unwrap();
    assert_eq!(rel[0]["tag"][0], "tenderCancellation");
    assert_eq!(rel[0]["tender"]["status"], "cancelled");
    let docs = rel[0]["tender"]["documents"].as_array().unwrap();
    assert_eq!(docs.last().unwrap()["noticeType"], "UK12");
    assert_eq!(docs.last().unwrap()["documentType"], "cancellationDetails");
    assert_eq!(rel[1]["tag"][0], "contractTermination");
    let k = &rel[1]["contracts"][0];
    assert_eq!(k["status"], "terminated");
    assert_eq!(k["period"]["endDate"], "2026-12-24T23:59:59Z");
    assert_eq!(
        k["documents"].as_array().unwrap().last().unwrap()["noticeType"],
        "UK11"
    );
    assert!(rel[1].get("tender").is_none());
    for r in rel {
        for t in r["tag"].as_array().unwrap() {
            assert!(RELEASE_TAGS.contains(&t.as_str().unwrap()));
        }
    }
    assert_ne!(rel[0]["id"], rel[1]["id"]);
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SummaryExpect {
    direct_award: [usize; 3],
    most_suitable_provider: usize,
    competitive: usize,
    frameworks_concluded: usize,
    framework_call_offs: usize,
    urgent: usize,
    new_providers: usize,
    providers_lost: usize,
    representations: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SummaryCase {
    name: String,
    source: SourceRef,
    period: route_map::core::DateRange,
    #[serde(default)]
    activity: route_map::procurement::annual::PsrActivity,
    #[serde(default)]
    expect: Option<SummaryExpect>,
    #[serde(default)]
    expect_error: Option<String>,
}

#[test]
fn psr_annual_summary_cases() {
    use route_map::procurement::annual::annual_summary;
    let cs = cases::<SummaryCase>("annual_summary.toml");
    assert!(cs.len() >= 2);
    for c in &cs {
        assert!(c.source.url.is_some(), "{}", c.name);
        match (
            annual_summary(&c.activity, c.period),
            &c.expect,
            &c.expect_error,
        ) {
            (Ok(s), Some(e), None) => {
                assert_eq!(s.direct_award, e.direct_award, "{}", c.name);
                assert_eq!(
                    s.most_suitable_provider, e.most_suitable_provider,
                    "{}",
                    c.name
                );
                assert_eq!(s.competitive, e.competitive, "{}", c.name);
                assert_eq!(s.frameworks_concluded, e.frameworks_concluded, "{}", c.name);
                assert_eq!(s.framework_call_offs, e.framework_call_offs, "{}", c.name);
                assert_eq!(s.urgent, e.urgent, "{}", c.name);
                assert_eq!(s.new_providers, e.new_providers, "{}", c.name);
                assert_eq!(s.providers_lost, e.providers_lost, "{}", c.name);
                assert_eq!(s.representations.len(), e.representations, "{}", c.name);
            }
            (Err(e), None, Some(k)) => assert_eq!(error_kind(&e), k, "{}", c.name),
            (r, _, _) => panic!("{}: unexpected {r:?}", c.name),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every day from the s.69 commencement to 2030 falls in exactly one six-month reporting
    /// period ending 31 March or 30 September, whose UK17 deadline is 29 days after its end.
    #[test]
    fn payments_periods_partition_the_calendar(offset in 0i64..1_826) {
        use chrono::Datelike;
        use route_map::procurement::lifecycle::payments_reporting_period;
        let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(offset);
        let p = payments_reporting_period(date).unwrap();
        prop_assert!(p.start <= date && date <= p.end);
        prop_assert!(matches!((p.end.month(), p.end.day()), (3, 31) | (9, 30)));
        prop_assert_eq!(p.deadline.last_day - p.end, chrono::Duration::days(29));
        let next = payments_reporting_period(p.end.succ_opt().unwrap()).unwrap();
        prop_assert_eq!(next.start, p.end.succ_opt().unwrap());
    }

    /// The UK10 duty is monotone in the size of the change: if a change needs a notice, a
    /// larger change in the same direction (value and term) needs one too.
    #[test]
    fn contract_change_notice_is_monotone(
        before in 1_000i64..10_000_000,
        pct in 0i64..200,
        extra in 0i64..50,
        term in 1u32..120,
        term_change in 0i32..120,
    ) {
        use route_map::procurement::lifecycle::{ContractSubject, PaModification, contract_change_notice};
        let m = |p: i64, t: i32| PaModification {
            regime: Regime::Pa2023Public,
            subject: ContractSubject::GoodsOrServices,
            value_before: Money::from_pounds(before),
            value_after: Money::from_pounds(before + before * p / 100),
            max_term_months: term,
            term_change_months: t,
            corporate_restructuring: false,
            combinable_with_earlier_noticed: false,
        };
        let small = contract_change_notice(&m(pct, term_change)).unwrap();
        let large = contract_change_notice(&m(pct + extra, term_change + 1)).unwrap();
        prop_assert!(!small.required || large.required);
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeLimitCase {
    name: String,
    source: SourceRef,
    procedure: PcrProcedure,
    stage: Stage,
    #[serde(default)]
    facts: TimeLimitFacts,
    #[serde(default)]
    sub_central: bool,
    #[serde(default)]
    expect_days: Option<u32>,
    #[serde(default)]
    expect_rule: Option<String>,
    #[serde(default)]
    expect_error: Option<String>,
}

#[test]
fn pcr_time_limit_cases() {
    let cs = cases::<TimeLimitCase>("time_limits.toml");
    assert!(cs.len() >= 16);
    for c in cs {
        assert!(c.source.clause.is_some(), "{}", c.name);
        let r = pcr_minimum_time_limit(c.procedure, c.stage, c.facts, c.sub_central);
        match (&c.expect_error, r) {
            (Some(e), Err(err)) => {
                assert_eq!(e, "invalid", "{}", c.name);
                assert!(matches!(err, Error::Invalid { .. }), "{}: {err}", c.name);
            }
            (None, Ok(m)) => {
                assert_eq!(m.days, c.expect_days, "{}", c.name);
                assert_eq!(Some(m.rule), c.expect_rule.as_deref(), "{}", c.name);
                // Every limit cites the regulations, base period first.
                assert!(m.sources.iter().all(|s| s.clause.is_some()), "{}", c.name);
            }
            (e, r) => panic!("{}: expected error {e:?}, got {r:?}", c.name),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeLimitPlanCase {
    name: String,
    source: SourceRef,
    expect_short: Vec<String>,
    #[serde(default)]
    expect_rules: Vec<String>,
    #[serde(default)]
    time_limits: TimeLimitFacts,
    plan: ProcurementPlan,
}

#[test]
fn pcr_time_limit_plan_cases() {
    for c in cases::<TimeLimitPlanCase>("time_limit_plans.toml") {
        assert!(!c.source.title.is_empty());
        let r = check_plan_with_time_limits(&c.plan, c.time_limits).unwrap();
        let short: Vec<_> = r
            .with_rule("time_limit.too_short")
            .map(|f| {
                // The finding names the rule, its source (a regulation) and the step.
                let clause = f.source.clause.as_deref().unwrap_or("");
                assert!(
                    ["reg. 28", "reg. 30", "reg. 31"]
                        .iter()
                        .any(|r| clause.starts_with(r)),
                    "{}: {clause}",
                    c.name
                );
                f.step.clone().unwrap()
            })
            .collect();
        assert_eq!(short, c.expect_short, "{}: {:#?}", c.name, r.findings);
        for rule in &c.expect_rules {
            assert!(r.with_rule(rule).next().is_some(), "{}: no {rule}", c.name);
        }
        for f in r.with_rule("time_limit.too_short") {
            assert_eq!(f.severity, Severity::Error);
        }
    }
}
