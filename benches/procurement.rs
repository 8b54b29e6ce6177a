//! Benchmarks of procurement-rules: selecting the regimes for a portfolio of 1,000 proposed
//! contracts across 2016-2030, and checking a procurement plan (the seed 003 Coventry award
//! under 2017 law, and the same award planned under the Provider Selection Regime in 2026).
//! Each asserts its result.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use chrono::{Duration, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use route_map::core::Money;
use route_map::procurement::CpvCode;
use route_map::procurement::isap::{Checkpoint, Novelty};
use route_map::procurement::law::AuthorityKind;
use route_map::procurement::plan::{
    PlanStep, ProcurementPlan, RawProcurementPlan, Severity, StepKind, check_plan,
};
use route_map::procurement::regime::{
    EstimatedValue, Proposal, RawProposal, Regime, select_regimes,
};
use route_map::procurement::routes::{AwardFacts, NoticeKind, Route, ValueChange};
use route_map::procurement::standstill::StandstillOptions;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// 1,000 deterministic proposals: community health, rehabilitation, social care, education
/// and IT services, from £20,000 to about £20m, commencing between May 2016 and 2030, by the
/// commissioner that existed on the date.
fn portfolio() -> Vec<Proposal> {
    let services = [
        "85323000-9",
        "85312500-4",
        "85311000-2",
        "80500000-9",
        "72000000-5",
    ];
    let start = d(2016, 5, 1);
    (0u32..1_000)
        .map(|i| {
            let commencement = start + Duration::days(i64::from(i * 5_113 % 5_100));
            let authority = match i % 5 {
                0 if commencement < d(2022, 7, 1) => AuthorityKind::Ccg,
                0 => AuthorityKind::Icb,
                1 => AuthorityKind::LocalAuthority,
                2 => AuthorityKind::NhsTrust,
                3 => AuthorityKind::FoundationTrust,
                _ => AuthorityKind::NhsEngland,
            };
            let service: CpvCode = services[(i as usize) % services.len()].parse().unwrap();
            let net = Money::from_pence(2_000_000 + i64::from(i) * 200_001_003);
            Proposal::new(RawProposal {
                title: format!("contract {i}"),
                authority,
                services: vec![service],
                value: EstimatedValue {
                    net,
                    vat: Money::ZERO,
                },
                commencement,
                for_the_health_service: true,
                term_months: Some(36 + i % 48),
            })
            .unwrap()
        })
        .collect()
}

fn select(c: &mut Criterion) {
    let proposals = portfolio();
    let count = |ps: &[Proposal]| {
        let mut psr = 0;
        for p in ps {
            let decision = select_regimes(p).unwrap();
            assert!(!decision.regimes.is_empty());
            psr += usize::from(decision.regimes.contains(&Regime::Psr));
        }
        psr
    };
    let psr = count(&proposals);
    assert!(psr > 0 && psr < proposals.len(), "{psr} PSR contracts");
    c.bench_function("procurement/select_regimes/1000_contracts", |b| {
        b.iter(|| {
            let n = count(black_box(&proposals));
            assert_eq!(n, psr);
            n
        });
    });
}

fn step(id: &str, kind: StepKind, date: NaiveDate) -> PlanStep {
    PlanStep {
        id: id.into(),
        kind,
        date,
        label: id.into(),
    }
}

fn novelty() -> Novelty {
    Novelty {
        new_care_model: true,
        novel_contract_value: true,
        ..Novelty::default()
    }
}

fn coventry(authority: AuthorityKind, commencement: NaiveDate) -> Proposal {
    Proposal::new(RawProposal {
        title: "Out of Hospital services, Coventry".into(),
        authority,
        services: vec!["85323000-9".parse().unwrap(), "85312500-4".parse().unwrap()],
        value: EstimatedValue {
            net: "21700479".parse().unwrap(),
            vat: Money::ZERO,
        },
        commencement,
        for_the_health_service: true,
        term_months: None,
    })
    .unwrap()
}

/// The 2017 direct award as seed 003 records it (decision before the OJEU notice).
fn plan_2017() -> ProcurementPlan {
    ProcurementPlan::new(RawProcurementPlan {
        proposal: coventry(AuthorityKind::Ccg, d(2017, 7, 19)),
        facts: AwardFacts {
            existing_provider: true,
            ..AwardFacts::default()
        },
        route: Route::LtrCallForCompetition,
        novelty: novelty(),
        standstill: StandstillOptions::default(),
        quarterly_award_notices: false,
        steps: vec![
            step("decision", StepKind::AwardDecision, d(2017, 7, 1)),
            step(
                "ojeu",
                StepKind::Notice(NoticeKind::PcrContractNotice),
                d(2017, 7, 19),
            ),
            step("signature", StepKind::ContractSignature, d(2017, 11, 1)),
            step("start", StepKind::ServiceStart, d(2018, 4, 1)),
        ],
    })
    .unwrap()
}

/// The same award under the PSR most suitable provider process, with ISAP checkpoints and the
/// standstill across Christmas 2026.
fn plan_2026() -> ProcurementPlan {
    ProcurementPlan::new(RawProcurementPlan {
        proposal: coventry(AuthorityKind::Icb, d(2026, 11, 2)),
        facts: AwardFacts {
            existing_provider: true,
            replacing_expiring_contract: true,
            existing_provider_satisfactory: true,
            can_identify_most_suitable_provider: true,
            // One lead provider contract replacing several: materially different, so
            // Direct Award C is closed and the most suitable provider process is open.
            change: Some(ValueChange {
                materially_different: true,
                authority_decision: true,
                original_lifetime_value: Money::from_pounds(21_700_479),
                proposed_lifetime_value: Money::from_pounds(21_700_479),
            }),
            ..AwardFacts::default()
        },
        route: Route::PsrMostSuitableProvider,
        novelty: novelty(),
        standstill: StandstillOptions::default(),
        quarterly_award_notices: false,
        steps: vec![
            step(
                "ee",
                StepKind::Isap(Checkpoint::EarlyEngagement),
                d(2026, 9, 14),
            ),
            step(
                "cp1",
                StepKind::Isap(Checkpoint::Checkpoint1),
                d(2026, 10, 26),
            ),
            step(
                "msp-notice",
                StepKind::Notice(NoticeKind::PsrMspIntentionToFollow),
                d(2026, 11, 2),
            ),
            step("decision", StepKind::AwardDecision, d(2026, 12, 10)),
            step(
                "intention",
                StepKind::Notice(NoticeKind::PsrIntentionToAward),
                d(2026, 12, 17),
            ),
            step(
                "cp2",
                StepKind::Isap(Checkpoint::Checkpoint2),
                d(2027, 1, 8),
            ),
            step("signature", StepKind::ContractSignature, d(2027, 1, 18)),
            step(
                "confirmation",
                StepKind::Notice(NoticeKind::PsrConfirmationNotice),
                d(2027, 2, 1),
            ),
            step(
                "cp3",
                StepKind::Isap(Checkpoint::Checkpoint3),
                d(2027, 3, 15),
            ),
            step("start", StepKind::ServiceStart, d(2027, 4, 1)),
        ],
    })
    .unwrap()
}

fn errors(plan: &ProcurementPlan) -> usize {
    check_plan(plan)
        .unwrap()
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count()
}

fn plans(c: &mut Criterion) {
    let then = plan_2017();
    let then_errors = errors(&then);
    // The 2017 plan decided the award before the call for competition was published.
    assert!(then_errors > 0);
    c.bench_function("procurement/check_plan/ltr_2017_4_steps", |b| {
        b.iter(|| {
            let report = check_plan(black_box(&then)).unwrap();
            assert_eq!(
                report
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .count(),
                then_errors
            );
            report
        });
    });
    let now = plan_2026();
    assert_eq!(errors(&now), 0);
    c.bench_function("procurement/check_plan/psr_2026_10_steps", |b| {
        b.iter(|| {
            let report = check_plan(black_box(&now)).unwrap();
            assert_eq!(
                report.standstill.as_ref().map(|s| s.last_day),
                Some(d(2026, 12, 31))
            );
            report
        });
    });
}

criterion_group!(benches, select, plans);
criterion_main!(benches);
