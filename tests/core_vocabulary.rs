//! Integration tests: core vocabulary through the facade, the issue's "must show" cases, and
//! property tests of programme scheduling.

use chrono::NaiveDate;
use proptest::prelude::*;
use route_map::core::budget::ScopeFilter;
use route_map::core::cases::coventry_and_warwickshire_ooh;
use route_map::core::organisation::{OrganisationKind, RawOrganisation};
use route_map::core::route_map::{
    Decision, PlannedStep, Programme, RawProgramme, RouteMap, StepGroup, StepStatus,
};
use route_map::core::{
    Error, FinancialYear, Money, OdsCode, Organisation, SourceRef, Timeline, WorkingDayCalendar,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn step(id: &str, deps: &[&str], days: u32) -> PlannedStep {
    PlannedStep {
        id: id.into(),
        name: id.into(),
        route_map: vec![],
        depends_on: deps.iter().map(|s| (*s).to_owned()).collect(),
        working_days: days,
        not_before: None,
        may_send_back: vec![],
        note: None,
    }
}

#[test]
fn coventry_total_allocated_by_the_four_ccg_values_returns_them() {
    let values = [21_715_000i64, 21_700_479, 5_313_621, 8_698_920];
    let total: Money = "£57,428,020".parse().unwrap();
    let weights: Vec<Decimal> = values.iter().map(|v| Decimal::from(*v)).collect();
    let parts = total.allocate(&weights).unwrap();
    assert_eq!(parts, values.map(Money::from_pounds).to_vec());
    let case = coventry_and_warwickshire_ooh().unwrap();
    assert_eq!(case.scope.total(ScopeFilter::In).unwrap(), total);
}

#[test]
fn awkward_allocations_behave_as_documented() {
    assert_eq!(
        Money::from_pence(1).split(3).unwrap(),
        [Money::from_pence(1), Money::ZERO, Money::ZERO]
    );
    let parts = Money::from_pence(7)
        .allocate(&[dec!(0), dec!(2), dec!(0), dec!(1)])
        .unwrap();
    assert_eq!(
        parts,
        [
            Money::ZERO,
            Money::from_pence(5),
            Money::ZERO,
            Money::from_pence(2)
        ]
    );
}

#[test]
fn every_bad_input_named_in_the_issue_is_a_typed_error() {
    let fy = "2017/19".parse::<FinancialYear>().unwrap_err();
    assert!(matches!(fy, Error::InvalidFinancialYear { .. }), "{fy}");
    assert!(fy.to_string().contains("2017/19"));

    let m = Money::from_pounds(10);
    let neg = m.allocate(&[dec!(1), dec!(-1)]).unwrap_err();
    assert!(
        matches!(neg, Error::NegativeWeight { index: 1, .. }),
        "{neg}"
    );
    assert_eq!(m.allocate(&[dec!(0), dec!(0)]), Err(Error::ZeroWeights));

    let huge = Money::from_decimal(Decimal::MAX.trunc()).unwrap();
    let overflow = huge.checked_add(huge).unwrap_err();
    assert!(matches!(overflow, Error::Overflow { .. }), "{overflow}");

    let unsorted = Timeline::builder("threshold")
        .starting(d(2018, 1, 1), 1, SourceRef::new("s"))
        .starting(d(2016, 1, 1), 2, SourceRef::new("s"))
        .build()
        .unwrap_err();
    assert!(
        matches!(unsorted, Error::UnsortedTimeline { .. }),
        "{unsorted}"
    );

    let shape = "05-A".parse::<OdsCode>().unwrap_err();
    assert!(matches!(shape, Error::InvalidIdentifier { .. }), "{shape}");
    let mismatch = Organisation::new(RawOrganisation {
        id: "RYG".into(),
        name: "Coventry and Warwickshire Partnership NHS Trust".into(),
        kind: OrganisationKind::Ccg,
        ods: Some("RYG".parse().unwrap()),
        gss: None,
        operating_from: None,
        operating_until: None,
        successor: None,
    })
    .unwrap_err();
    assert!(
        matches!(mismatch, Error::IdentifierMismatch { .. }),
        "{mismatch}"
    );

    let cycle = Programme::new(RawProgramme {
        name: "p".into(),
        start: d(2017, 4, 1),
        steps: vec![
            step("scope", &["envelope"], 5),
            step("envelope", &["scope"], 5),
        ],
        records: vec![],
    })
    .unwrap_err();
    assert_eq!(
        cycle.to_string(),
        "dependency cycle among steps: scope -> envelope -> scope"
    );
}

#[test]
fn ccg_functions_pass_to_the_icb_on_1_july_2022() {
    let case = coventry_and_warwickshire_ooh().unwrap();
    let orgs = &case.organisations;
    assert_eq!(orgs.acting_for("05H", d(2021, 3, 31)).unwrap().id(), "05H");
    assert_eq!(
        orgs.acting_for("05H", d(2022, 6, 30)).unwrap().id(),
        "B2M3M"
    );
    assert_eq!(orgs.acting_for("05H", d(2022, 7, 1)).unwrap().id(), "QWU");
    let icb = orgs.get("QWU").unwrap();
    assert!(matches!(
        icb.operates_on(d(2022, 6, 30)),
        Err(Error::NotValidOnDate { .. })
    ));
}

#[test]
fn a_provision_assessment_sends_procurement_design_back() {
    let map = RouteMap::embedded().unwrap();
    let plan = map.plan(
        StepGroup::BuildingBlock,
        "Organisational design",
        d(2017, 6, 1),
        |_| 10,
    );
    let mut p = Programme::new(plan).unwrap();
    let decision = || Decision {
        what: "agreed".into(),
        by: "STP board".into(),
        evidence: vec![],
    };
    let mut date = d(2017, 6, 1);
    let order: Vec<String> = map
        .group(StepGroup::BuildingBlock)
        .map(|s| s.id.clone())
        .collect();
    for id in order.iter().take_while(|id| *id != "block.market") {
        date = date.succ_opt().unwrap();
        p.complete(id, date, decision()).unwrap();
    }
    p.start("block.market", date).unwrap();
    p.send_back(
        "block.market",
        date,
        &["block.procurement_approach"],
        "no provider would bid for the lots as designed",
    )
    .unwrap();
    let s = p.standing(date);
    let revisit: Vec<&str> = s.to_revisit().map(|s| s.id.as_str()).collect();
    assert_eq!(
        revisit,
        [
            "block.procurement_approach",
            "block.commissioning_requirements",
            "block.market"
        ]
    );
    assert!(s.step("block.procurement_approach").unwrap().is_ready());
    assert!(matches!(
        s.step("block.case_for_change").unwrap().status,
        StepStatus::Done { .. }
    ));
    let schedule = p
        .schedule(date, WorkingDayCalendar::england_and_wales().unwrap())
        .unwrap();
    assert_eq!(
        schedule.critical_path.first().map(String::as_str),
        Some("block.procurement_approach")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// On random acyclic plans, every step starts after what it depends on has finished,
    /// the critical path is a chain of steps without slack ending on the finish, and no
    /// step finishes after the programme.
    #[test]
    fn prop_schedules_respect_dependencies_and_the_critical_path_has_no_slack(
        raw in route_map::core::strategies::acyclic_plan(30),
        start in 0i64..3_000,
    ) {
        let steps = raw.steps.clone();
        let p = Programme::new(raw).unwrap();
        let n = steps.len();
        let as_at = d(2014, 1, 1) + chrono::Duration::days(start);
        let s = p.schedule(as_at, WorkingDayCalendar::england_and_wales().unwrap()).unwrap();
        prop_assert_eq!(s.steps.len(), n);
        for planned in &steps {
            let me = s.step(&planned.id).unwrap();
            prop_assert!(me.start >= as_at);
            prop_assert!(me.finish >= me.start);
            prop_assert!(me.finish <= s.finish);
            for dep in &planned.depends_on {
                let dep = s.step(dep).unwrap();
                // A milestone may share its day with a dependency that is also a milestone.
                prop_assert!(me.start > dep.finish || (dep.remaining_working_days == 0 && me.start >= dep.finish));
            }
        }
        prop_assert!(!s.critical_path.is_empty());
        for id in &s.critical_path {
            prop_assert_eq!(s.step(id).unwrap().slack_working_days, 0);
        }
        let last = s.step(s.critical_path.last().unwrap()).unwrap();
        prop_assert_eq!(last.finish, s.finish);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Completing a random plan in dependency order, the standing always partitions the steps
    /// into done, ready and blocked, blocked steps name unfinished dependencies, and ready
    /// steps have none.
    #[test]
    fn prop_standing_partitions_the_steps(
        raw in route_map::core::strategies::acyclic_plan(25),
        k in 0usize..25,
    ) {
        let n = raw.steps.len();
        let mut p = Programme::new(raw).unwrap();
        let order: Vec<String> = p.standing(d(2014, 1, 1)).steps.iter().map(|s| s.id.clone()).collect();
        let mut date = d(2014, 1, 2);
        for id in order.iter().take(k.min(n)) {
            p.complete(id, date, Decision { what: "x".into(), by: "y".into(), evidence: vec![] }).unwrap();
            date = date.succ_opt().unwrap();
        }
        let s = p.standing(date);
        let (done, ready, blocked) = (s.done().count(), s.ready().count(), s.blocked().count());
        prop_assert_eq!(done, k.min(n));
        prop_assert_eq!(done + ready + blocked, n);
        for b in s.blocked() {
            for id in &b.blocked_by {
                let finished = matches!(s.step(id).unwrap().status, StepStatus::Done { .. });
                prop_assert!(!finished, "{} is done", id);
            }
        }
        if done < n {
            prop_assert!(ready > 0, "an acyclic plan always has a next step");
        }
    }
}

proptest! {
    /// Generated organisations validate, round trip through JSON, and reject a code of
    /// another kind's shape.
    #[test]
    fn prop_organisations_validate_and_round_trip(raw in route_map::core::strategies::organisation()) {
        let org = Organisation::new(raw.clone()).unwrap();
        let json = serde_json::to_string(&org).unwrap();
        prop_assert_eq!(serde_json::from_str::<Organisation>(&json).unwrap(), org);
        if raw.ods.is_some() {
            let mut wrong = raw;
            wrong.ods = Some(if wrong.kind == OrganisationKind::Ccg { "RYG" } else { "05A" }.parse().unwrap());
            let mismatch = matches!(Organisation::new(wrong), Err(Error::IdentifierMismatch { .. }));
            prop_assert!(mismatch);
        }
    }
}

/// Every identifier in NHS England's 2023/24 practice weighted-population file has the shape
/// its kind uses, the 42 ICBs validate as organisations, and £1bn allocated by the practices'
/// weighted populations conserves every penny.
#[test]
#[ignore = "needs ROUTE_MAP_DATA_DIR"]
fn real_practice_file_identifiers_and_allocation() {
    use route_map::core::GssCode;
    use route_map::core::ids::OdsShape;
    use route_map::core::organisation::Registry;
    use std::collections::BTreeMap;
    use std::str::FromStr;

    let dir = std::env::var("ROUTE_MAP_DATA_DIR").expect("ROUTE_MAP_DATA_DIR");
    let path = std::path::Path::new(&dir).join("nhse-gp-weighted-pop/2023_2024.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (practice, ccg, pcn, icb, icb_name, lad, utla, final_wp) = (
        col("Practice_Code"),
        col("CCG21"),
        col("PCN_Code"),
        col("ICS22"),
        col("ICS22name"),
        col("LAD21"),
        col("LA21"),
        col("Final WP"),
    );
    let mut icbs: BTreeMap<String, String> = BTreeMap::new();
    let mut weights = Vec::new();
    let mut qwu = Vec::new();
    let mut district_as_upper_tier = 0;
    for row in reader.records() {
        let row = row.unwrap();
        let field = |i: usize| row.get(i).unwrap();
        let code: OdsCode = field(practice).parse().unwrap();
        assert_eq!(code.shape(), OdsShape::GpPractice, "{code}");
        let ccg: OdsCode = field(ccg).parse().unwrap();
        assert!(
            matches!(ccg.shape(), OdsShape::Ccg | OdsShape::MergedCcg),
            "{ccg}"
        );
        if !field(pcn).is_empty() {
            let pcn: OdsCode = field(pcn).parse().unwrap();
            assert_eq!(pcn.shape(), OdsShape::Pcn, "{pcn}");
        }
        let lad: GssCode = field(lad).parse().unwrap();
        assert!(
            ["E06", "E07", "E08", "E09"].contains(&lad.entity()),
            "{lad}"
        );
        // LA21 is the upper tier, except for a few rows that repeat the district.
        let utla: GssCode = field(utla).parse().unwrap();
        assert!(
            ["E06", "E07", "E08", "E09", "E10"].contains(&utla.entity()),
            "{utla}"
        );
        if utla.entity() == "E07" {
            district_as_upper_tier += 1;
        }
        icbs.insert(field(icb).to_owned(), field(icb_name).to_owned());
        let w = Decimal::from_str(field(final_wp)).unwrap();
        if field(icb) == "QWU" {
            qwu.push(weights.len());
        }
        weights.push(w);
    }
    assert_eq!(weights.len(), 6_553);
    assert!(district_as_upper_tier < 66, "{district_as_upper_tier}");
    assert_eq!(qwu.len(), 120);
    let registry = Registry::new(
        icbs.iter()
            .map(|(code, name)| {
                Organisation::new(RawOrganisation {
                    id: code.clone(),
                    name: name.clone(),
                    kind: OrganisationKind::Icb,
                    ods: Some(code.parse().unwrap()),
                    gss: None,
                    operating_from: Some(d(2022, 7, 1)),
                    operating_until: None,
                    successor: None,
                })
                .unwrap()
            })
            .collect(),
    )
    .unwrap();
    assert_eq!(registry.len(), 42);
    let total = Money::from_pounds(1_000_000_000);
    let parts = total.allocate(&weights).unwrap();
    assert_eq!(Money::sum(parts.iter().copied()).unwrap(), total);
    // Coventry and Warwickshire: Final WP 1,022,878 of 61,903,547, about £16.52m per £1bn.
    let cw = Money::sum(qwu.iter().map(|i| parts[*i])).unwrap();
    assert!(
        cw > Money::from_pounds(16_500_000) && cw < Money::from_pounds(16_550_000),
        "{cw}"
    );
}
