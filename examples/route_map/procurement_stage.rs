//! The procurement stage of the route map report: the Coventry Out of Hospital award
//! (seed 003) checked under the law of July 2017 (PCR 2015 light touch regime and the NHS 2013
//! Regulations), then the same decision planned under the Provider Selection Regime for
//! November 2026, with its routes, standstill across Christmas and the ISAP checkpoints.

use std::fmt::Write as _;

use chrono::NaiveDate;
use route_map::core::Money;
use route_map::procurement::isap::{Checkpoint, Novelty};
use route_map::procurement::law::AuthorityKind;
use route_map::procurement::plan::{
    PlanStep, ProcurementPlan, RawProcurementPlan, StepKind, check_plan,
};
use route_map::procurement::regime::{EstimatedValue, Proposal, RawProposal};
use route_map::procurement::routes::{
    Availability, AwardFacts, NoticeKind, Route, ValueChange, route_options,
};
use route_map::procurement::standstill::StandstillOptions;

fn d(y: i32, m: u32, day: u32) -> Result<NaiveDate, String> {
    NaiveDate::from_ymd_opt(y, m, day).ok_or_else(|| format!("bad date {y}-{m}-{day}"))
}

fn step(id: &str, kind: StepKind, date: NaiveDate) -> PlanStep {
    PlanStep {
        id: id.into(),
        kind,
        date,
        label: String::new(),
    }
}

fn plan(
    authority: AuthorityKind,
    commencement: NaiveDate,
    facts: AwardFacts,
    route: Route,
    steps: Vec<PlanStep>,
) -> Result<ProcurementPlan, Box<dyn std::error::Error>> {
    let proposal = Proposal::new(RawProposal {
        title: "Out of Hospital services, Coventry".into(),
        authority,
        services: vec!["85323000-9".parse()?],
        // 2017/18 in-scope value for Coventry (seed 003), a lower bound of the lifetime value.
        value: EstimatedValue {
            net: "21,700,479".parse()?,
            vat: Money::ZERO,
        },
        commencement,
        for_the_health_service: true,
        term_months: None,
    })?;
    Ok(ProcurementPlan::new(RawProcurementPlan {
        proposal,
        facts,
        route,
        novelty: Novelty {
            new_care_model: true,
            novel_contract_value: true,
            ..Novelty::default()
        },
        standstill: StandstillOptions::default(),
        quarterly_award_notices: false,
        steps,
    })?)
}

/// The stage's section of the report.
pub fn report() -> crate::StageResult {
    let mut out = String::new();
    let then = plan(
        AuthorityKind::Ccg,
        d(2017, 7, 19)?,
        AwardFacts {
            existing_provider: true,
            ..AwardFacts::default()
        },
        Route::LtrCallForCompetition,
        vec![
            step("decision", StepKind::AwardDecision, d(2017, 7, 1)?),
            step(
                "ojeu",
                StepKind::Notice(NoticeKind::PcrContractNotice),
                d(2017, 7, 19)?,
            ),
            step("signature", StepKind::ContractSignature, d(2017, 11, 1)?),
            step("start", StepKind::ServiceStart, d(2018, 4, 1)?),
        ],
    )?;
    let then_report = check_plan(&then)?;
    let names = |r: &[route_map::procurement::regime::Regime]| {
        r.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" + ")
    };
    writeln!(
        out,
        "July 2017 (as recorded in seed 003; steps it does not mention count as missing): {}",
        names(&then_report.decision.regimes)
    )?;
    let errors = then_report
        .findings
        .iter()
        .filter(|f| f.severity == route_map::procurement::plan::Severity::Error);
    for f in errors {
        writeln!(out, "- {}: {}", f.rule, f.message)?;
    }

    let facts = AwardFacts {
        existing_provider: true,
        replacing_expiring_contract: true,
        existing_provider_satisfactory: true,
        can_identify_most_suitable_provider: true,
        change: Some(ValueChange {
            materially_different: true,
            authority_decision: true,
            original_lifetime_value: Money::from_pounds(21_700_479),
            proposed_lifetime_value: Money::from_pounds(21_700_479),
        }),
        ..AwardFacts::default()
    };
    let now = plan(
        AuthorityKind::Icb,
        d(2026, 11, 2)?,
        facts,
        Route::PsrMostSuitableProvider,
        vec![
            step(
                "ee",
                StepKind::Isap(Checkpoint::EarlyEngagement),
                d(2026, 9, 14)?,
            ),
            step(
                "cp1",
                StepKind::Isap(Checkpoint::Checkpoint1),
                d(2026, 10, 26)?,
            ),
            step(
                "msp",
                StepKind::Notice(NoticeKind::PsrMspIntentionToFollow),
                d(2026, 11, 2)?,
            ),
            step("decision", StepKind::AwardDecision, d(2026, 12, 10)?),
            step(
                "intention",
                StepKind::Notice(NoticeKind::PsrIntentionToAward),
                d(2026, 12, 17)?,
            ),
            step(
                "cp2",
                StepKind::Isap(Checkpoint::Checkpoint2),
                d(2027, 1, 8)?,
            ),
            step("signature", StepKind::ContractSignature, d(2027, 1, 18)?),
            step(
                "confirmation",
                StepKind::Notice(NoticeKind::PsrConfirmationNotice),
                d(2027, 2, 1)?,
            ),
            step(
                "cp3",
                StepKind::Isap(Checkpoint::Checkpoint3),
                d(2027, 3, 15)?,
            ),
            step("start", StepKind::ServiceStart, d(2027, 4, 1)?),
        ],
    )?;
    let now_report = check_plan(&now)?;
    writeln!(
        out,
        "\nNovember 2026 plan: {}",
        names(&now_report.decision.regimes)
    )?;
    for o in route_options(
        route_map::procurement::regime::Regime::Psr,
        &now.raw().facts,
    )? {
        if o.availability != Availability::NotAvailable {
            writeln!(out, "- {:?} {:?}: {}", o.availability, o.route, o.reason)?;
        }
    }
    if let Some(st) = &now_report.standstill {
        writeln!(
            out,
            "- standstill: intention notice {} -> ends midnight {} (8 working days after, across Christmas); contract from {}",
            st.notice, st.last_day, st.earliest_contract
        )?;
    }
    writeln!(
        out,
        "- findings: {} ({} errors, {} warnings)",
        if now_report.is_compliant() {
            "compliant"
        } else {
            "not compliant"
        },
        now_report
            .findings
            .iter()
            .filter(|f| f.severity == route_map::procurement::plan::Severity::Error)
            .count(),
        now_report
            .findings
            .iter()
            .filter(|f| f.severity == route_map::procurement::plan::Severity::Warning)
            .count(),
    )?;
    Ok(out)
}
