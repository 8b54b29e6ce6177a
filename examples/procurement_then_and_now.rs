//! The Coventry and Warwickshire Out of Hospital direct award (seed 003), checked under the
//! law of July 2017, then the same decision planned under the rules in force in November 2026.
//!
//! Facts from seed 003: in July 2017 the governing bodies decided to award the Out of Hospital
//! contracts directly to the incumbent providers (CWPT for Coventry, SWFT for Warwickshire),
//! applying the PCR 2015 light touch regime and the NHS 2013 Regulations; the milestone table
//! lists "Issue OJEU 19/20 July 17", contract signature in November 2017 and commencement in
//! April 2018. The 2017/18 in-scope value for Coventry is £21,700,479; one year's value is used
//! as a lower bound of the lifetime value (the seed gives no term). Health services are exempt
//! from VAT. Where the seed gives only a month, the first of the month is used.
//!
//! Run with `cargo run --example procurement_then_and_now`.

use std::error::Error;

use chrono::NaiveDate;
use route_map::core::{DateRange, Money};
use route_map::procurement::annual::{PsrActivity, PsrAwardRecord, annual_summary};
use route_map::procurement::isap::{Checkpoint, Novelty};
use route_map::procurement::law::AuthorityKind;
use route_map::procurement::lifecycle::{
    ContractSubject, PaModification, contract_change_notice, contract_termination_notice,
    payments_reporting_period,
};
use route_map::procurement::ocds::{Publisher, release_package_json, releases};
use route_map::procurement::plan::{
    PlanReport, PlanStep, ProcurementPlan, RawProcurementPlan, StepKind, check_plan,
};
use route_map::procurement::regime::{
    EstimatedValue, Proposal, RawProposal, Regime, select_regimes,
};
use route_map::procurement::routes::{
    Availability, AwardFacts, NoticeKind, Route, ValueChange, route_options,
};
use route_map::procurement::standstill::StandstillOptions;

fn d(y: i32, m: u32, day: u32) -> Result<NaiveDate, Box<dyn Error>> {
    NaiveDate::from_ymd_opt(y, m, day).ok_or_else(|| format!("bad date {y}-{m}-{day}").into())
}

fn step(id: &str, kind: StepKind, date: NaiveDate, label: &str) -> PlanStep {
    PlanStep {
        id: id.into(),
        kind,
        date,
        label: label.into(),
    }
}

fn coventry_value() -> Result<EstimatedValue, Box<dyn Error>> {
    Ok(EstimatedValue {
        net: "21,700,479".parse::<Money>()?,
        vat: Money::ZERO,
    })
}

fn novelty() -> Novelty {
    // An outcomes-based lead provider contract with an incentive element: a new care model
    // with a novel method of calculating the contract value.
    Novelty {
        new_care_model: true,
        novel_contract_value: true,
        ..Novelty::default()
    }
}

/// The 2017 plan as seed 003 records it.
fn plan_2017() -> Result<ProcurementPlan, Box<dyn Error>> {
    let proposal = Proposal::new(RawProposal {
        title: "Out of Hospital services, Coventry (lead provider CWPT)".into(),
        authority: AuthorityKind::Ccg,
        services: vec!["85323000-9".parse()?, "85312500-4".parse()?],
        value: coventry_value()?,
        commencement: d(2017, 7, 19)?,
        for_the_health_service: true,
        term_months: None,
    })?;
    Ok(ProcurementPlan::new(RawProcurementPlan {
        proposal,
        facts: AwardFacts {
            existing_provider: true,
            ..AwardFacts::default()
        },
        route: Route::LtrCallForCompetition,
        novelty: novelty(),
        standstill: StandstillOptions::default(),
        quarterly_award_notices: false,
        steps: vec![
            step(
                "options",
                StepKind::Other,
                d(2017, 4, 24)?,
                "options review (late April to May 2017)",
            ),
            step(
                "decision",
                StepKind::AwardDecision,
                d(2017, 7, 1)?,
                "governing bodies decide to award directly (July 2017)",
            ),
            step(
                "ojeu",
                StepKind::Notice(NoticeKind::PcrContractNotice),
                d(2017, 7, 19)?,
                "issue OJEU notice (19/20 July 2017)",
            ),
            step(
                "contracts-finder",
                StepKind::Notice(NoticeKind::Nhs2013ContractNotice),
                d(2017, 7, 19)?,
                "Contracts Finder notice",
            ),
            step(
                "signature",
                StepKind::ContractSignature,
                d(2017, 11, 1)?,
                "contract signature (November 2017)",
            ),
            step(
                "start",
                StepKind::ServiceStart,
                d(2018, 4, 1)?,
                "contract commencement (April 2018)",
            ),
        ],
    })?)
}

/// The same decision planned for November 2026 under the Provider Selection Regime.
fn plan_2026() -> Result<ProcurementPlan, Box<dyn Error>> {
    let proposal = Proposal::new(RawProposal {
        title: "Out of Hospital services, Coventry (ICB)".into(),
        authority: AuthorityKind::Icb,
        services: vec!["85323000-9".parse()?, "85312500-4".parse()?],
        value: coventry_value()?,
        commencement: d(2026, 11, 2)?,
        for_the_health_service: true,
        term_months: None,
    })?;
    Ok(ProcurementPlan::new(RawProcurementPlan {
        proposal,
        facts: facts_2026(),
        route: Route::PsrMostSuitableProvider,
        novelty: novelty(),
        standstill: StandstillOptions::default(),
        quarterly_award_notices: false,
        steps: vec![
            step(
                "ee",
                StepKind::Isap(Checkpoint::EarlyEngagement),
                d(2026, 9, 14)?,
                "ISAP early engagement",
            ),
            step(
                "cp1",
                StepKind::Isap(Checkpoint::Checkpoint1),
                d(2026, 10, 26)?,
                "ISAP checkpoint 1",
            ),
            step(
                "msp-notice",
                StepKind::Notice(NoticeKind::PsrMspIntentionToFollow),
                d(2026, 11, 2)?,
                "notice of intention to follow the most suitable provider process",
            ),
            step(
                "decision",
                StepKind::AwardDecision,
                d(2026, 12, 10)?,
                "ICB board decides the award",
            ),
            step(
                "intention",
                StepKind::Notice(NoticeKind::PsrIntentionToAward),
                d(2026, 12, 17)?,
                "notice of intention to award (standstill starts)",
            ),
            step(
                "cp2",
                StepKind::Isap(Checkpoint::Checkpoint2),
                d(2027, 1, 8)?,
                "ISAP checkpoint 2",
            ),
            step(
                "signature",
                StepKind::ContractSignature,
                d(2027, 1, 18)?,
                "contract signature",
            ),
            step(
                "confirmation",
                StepKind::Notice(NoticeKind::PsrConfirmationNotice),
                d(2027, 2, 1)?,
                "confirmation of contract award",
            ),
            step(
                "cp3",
                StepKind::Isap(Checkpoint::Checkpoint3),
                d(2027, 3, 15)?,
                "ISAP checkpoint 3",
            ),
            step(
                "start",
                StepKind::ServiceStart,
                d(2027, 4, 1)?,
                "service starts",
            ),
        ],
    })?)
}

fn facts_2026() -> AwardFacts {
    AwardFacts {
        existing_provider: true,
        replacing_expiring_contract: true,
        existing_provider_satisfactory: true,
        can_identify_most_suitable_provider: true,
        // Moving existing community contracts into one outcomes-based lead provider contract
        // changes the arrangements' character, so Direct Award C is closed.
        change: Some(ValueChange {
            materially_different: true,
            authority_decision: true,
            original_lifetime_value: Money::from_pounds(21_700_479),
            proposed_lifetime_value: Money::from_pounds(21_700_479),
        }),
        ..AwardFacts::default()
    }
}

fn print_report(title: &str, report: &PlanReport) -> Result<(), Box<dyn Error>> {
    println!("\n## {title}\n");
    println!(
        "Regimes: {}",
        report
            .decision
            .regimes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" + ")
    );
    for r in &report.decision.reasons {
        match &r.source {
            Some(s) => println!("  - {} [{}]", r.text, s),
            None => println!("  - {}", r.text),
        }
    }
    println!("Route checked: {:?}", report.route);
    println!("Notices the route needs: {:?}", report.required_notices);
    if let Some(st) = &report.standstill {
        println!(
            "Standstill: notice {} -> ends midnight {} ({} days, {:?}); contract from {}",
            st.notice, st.last_day, st.length, st.counting, st.earliest_contract
        );
    }
    println!(
        "ISAP applies: {} ({})",
        report.isap.applies,
        report.isap.reasons.join("; ")
    );
    println!("\nTimeline:");
    for t in &report.timeline {
        println!(
            "  {}  {}{}",
            t.date,
            t.what,
            if t.derived { "  (derived)" } else { "" }
        );
    }
    println!(
        "\nFindings ({}):",
        if report.is_compliant() {
            "compliant"
        } else {
            "not compliant"
        }
    );
    for f in &report.findings {
        println!(
            "  [{:?}] {} {}: {} [{}]",
            f.severity,
            f.rule,
            f.step.as_deref().unwrap_or("-"),
            f.message,
            f.source
        );
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    println!("# Coventry Out of Hospital: the 2017 direct award, then and now");

    println!(
        "\nThe 2017 plan holds only what seed 003 records; steps the report does not mention \
         (award decision notices, the award notice, ISAP checkpoints) are reported as missing."
    );
    let then = check_plan(&plan_2017()?)?;
    print_report(
        "July 2017: PCR 2015 light touch regime and the NHS 2013 Regulations",
        &then,
    )?;
    println!("\nRoutes under the light touch regime on the 2017 facts:");
    for o in route_options(then.decision.regimes[0], &plan_2017()?.raw().facts)? {
        println!("  {:?}: {:?} ({})", o.route, o.availability, o.reason);
    }

    let now_plan = plan_2026()?;
    let now = check_plan(&now_plan)?;
    print_report(
        "November 2026: the same decision under the Provider Selection Regime",
        &now,
    )?;
    println!("\nPSR processes on the 2026 facts (reg. 6):");
    for o in route_options(now.decision.regimes[0], &now_plan.raw().facts)? {
        let mark = match o.availability {
            Availability::Mandatory => "MUST",
            Availability::Permitted => "may",
            Availability::NotAvailable => "no",
        };
        println!("  {mark:>4}  {:?}: {}", o.route, o.reason);
    }

    // The 2026 notices as OCDS 1.1 releases (Find a Tender's OCID prefix shown for shape only).
    let publisher = Publisher {
        ocid_prefix: "ocds-h6vhtk".into(),
        process_id: "cw-ooh-coventry-2026".into(),
        buyer_id: "GB-NHS-QWU".into(),
        buyer_name: "NHS Coventry and Warwickshire ICB".into(),
        supplier: Some((
            "GB-NHS-RYG".into(),
            "Coventry and Warwickshire Partnership NHS Trust".into(),
        )),
    };
    let rs = releases(&now_plan, &now, &publisher)?;
    println!(
        "
OCDS releases for the 2026 notices:"
    );
    for r in &rs {
        println!("  {} {:?} {}", r.date, r.tag, r.id);
    }
    let json = release_package_json(&rs, "2027-02-01T00:00:00Z", "route-map")?;
    println!("  package: {} bytes of OCDS 1.1 JSON", json.len());

    // The councils' social care element would not be a PSR health care service: it falls under
    // the Procurement Act 2023 light touch regime.
    let social_care = Proposal::new(RawProposal {
        title: "Reablement social care, Coventry City Council".into(),
        authority: AuthorityKind::LocalAuthority,
        services: vec!["85312000-9".parse()?],
        value: EstimatedValue {
            net: Money::from_pounds(2_000_000),
            vat: Money::ZERO,
        },
        commencement: d(2026, 11, 2)?,
        for_the_health_service: false,
        term_months: None,
    })?;
    let sc = select_regimes(&social_care)?;
    println!(
        "\nCouncil social care element in November 2026: {}",
        sc.regimes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" + ")
    );
    for r in &sc.reasons {
        println!("  - {}", r.text);
    }

    // After award the Act keeps the council publishing: a light touch contract needs no
    // contract change notice (s.75(6)(b)), but its end needs a termination notice (s.80) and
    // its payments a six-monthly compliance notice (s.69).
    let change = contract_change_notice(&PaModification {
        regime: Regime::Pa2023LightTouch,
        subject: ContractSubject::GoodsOrServices,
        value_before: Money::from_pounds(2_000_000),
        value_after: Money::from_pounds(2_400_000),
        max_term_months: 36,
        term_change_months: 12,
        corporate_restructuring: false,
        combinable_with_earlier_noticed: false,
    })?;
    println!(
        "  later: a 20 % extension {} a UK10 contract change notice ({})",
        if change.required {
            "needs"
        } else {
            "does not need"
        },
        change.explanation
    );
    let end = d(2030, 3, 31)?;
    if let Some(t) = contract_termination_notice(Regime::Pa2023LightTouch, end, false)? {
        println!(
            "  later: contract ends {end}, UK11 contract termination notice by {}",
            t.last_day
        );
    }
    let pay = payments_reporting_period(d(2027, 1, 18)?)?;
    println!(
        "  later: payments {} to {}, UK17 payments compliance notice by {}",
        pay.start, pay.end, pay.deadline.last_day
    );

    // The ICB's PSR annual summary (reg. 25) for 2026/27, with the Out of Hospital award.
    let summary = annual_summary(
        &PsrActivity {
            awards: vec![PsrAwardRecord {
                provider: "Coventry and Warwickshire Partnership Trust".into(),
                route: Route::PsrMostSuitableProvider,
                awarded_on: d(2027, 1, 18)?,
                framework_agreement: false,
                based_on_framework: false,
            }],
            ..PsrActivity::default()
        },
        DateRange::new(d(2026, 4, 1)?, d(2027, 4, 1)?)?,
    )?;
    println!(
        "\nPSR annual summary 2026/27 (reg. 25): direct awards {}, most suitable provider {}, competitive {}, urgent {}, new providers {}",
        summary.direct_award_total(),
        summary.most_suitable_provider,
        summary.competitive,
        summary.urgent,
        summary.new_providers
    );
    Ok(())
}
