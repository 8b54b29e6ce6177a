//! A section 75 pooled fund with an aligned fund beside it, between a city council and a CCG,
//! after the Plymouth City Council and NEW Devon CCG arrangement that seed 001 describes (a
//! pooled fund under section 75, supplemented by an aligned fund, making a comprehensive
//! health and social care budget). A year's overspend is shared under two risk-share
//! patterns and printed as statements; then the IPC assessment of a sample system.
//!
//! Seed 001 gives no figures for the Plymouth fund: every amount below is ILLUSTRATIVE, not
//! Plymouth's.
//!
//! Run with `cargo run --example plymouth_pooled_budget`.

use route_map::core::Money;
use route_map::governance::ipc::{AreaRating, IpcArea, IpcAssessment, IpcLevel};
use route_map::governance::pooled::*;
use route_map::governance::{Body, BodyKind};

fn m(pounds: i64) -> Money {
    Money::from_pounds(pounds)
}

fn contribution(partner: &str, line: &str, pounds: i64) -> Contribution {
    Contribution {
        partner: partner.into(),
        service_line: line.into(),
        amount: m(pounds),
    }
}

fn line(id: &str, name: &str, share_kind: ShareKind) -> ServiceLine {
    ServiceLine {
        id: id.into(),
        name: name.into(),
        share_kind,
    }
}

fn spend(fund: FundKind, line: &str, pounds: i64) -> LineSpend {
    LineSpend {
        fund,
        service_line: line.into(),
        amount: m(pounds),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let council = "PCC";
    let ccg = "99P";
    let budget = PooledBudget::new(RawPooledBudget {
        name: "Plymouth integrated fund (illustrative figures)".into(),
        year: "2017/18".parse()?,
        host: council.into(),
        partners: vec![
            Body::new(council, "Plymouth City Council", BodyKind::LocalAuthority)?,
            Body::new(
                ccg,
                "NHS Northern, Eastern and Western Devon CCG",
                BodyKind::Ccg,
            )?,
        ],
        service_lines: vec![
            line(
                "community",
                "Community health services",
                ShareKind::Variable,
            ),
            line("adult-care", "Adult social care", ShareKind::Fixed),
            line(
                "wellbeing",
                "Public health and wellbeing",
                ShareKind::Variable,
            ),
            line("acute", "Acute hospital services", ShareKind::Variable),
            line("children", "Children's services", ShareKind::Variable),
        ],
        pooled: Fund {
            total: m(130_000_000),
            contributions: vec![
                contribution(ccg, "community", 45_000_000),
                contribution(council, "adult-care", 62_000_000),
                contribution(ccg, "adult-care", 8_000_000),
                contribution(council, "wellbeing", 15_000_000),
            ],
        },
        aligned: Some(Fund {
            total: m(340_000_000),
            contributions: vec![
                contribution(ccg, "acute", 300_000_000),
                contribution(council, "children", 40_000_000),
            ],
        }),
        risk_pool: vec![
            PartnerAmount {
                partner: council.into(),
                amount: m(250_000),
            },
            PartnerAmount {
                partner: ccg.into(),
                amount: m(250_000),
            },
        ],
    })?;
    println!("{} {}", budget.name(), budget.year());
    println!("  host: Plymouth City Council (appoints the pooled fund manager)");
    for fund in [FundKind::Pooled, FundKind::Aligned] {
        if let Some(f) = budget.fund(fund) {
            println!(
                "  {fund} fund {}: council {}, CCG {}",
                f.total,
                budget.partner_contribution(fund, council)?,
                budget.partner_contribution(fund, ccg)?
            );
        }
    }
    for s in budget.legal_basis() {
        println!("  legal basis: {s}");
    }

    // The year's outturn (illustrative): pooled fund overspent by £3,350,000.55 net.
    let outturn = Outturn {
        spend: vec![
            spend(FundKind::Pooled, "community", 46_500_000),
            spend(FundKind::Pooled, "adult-care", 72_250_000),
            LineSpend {
                fund: FundKind::Pooled,
                service_line: "wellbeing".into(),
                amount: "14600000.55".parse()?,
            },
            spend(FundKind::Aligned, "acute", 303_000_000),
            spend(FundKind::Aligned, "children", 39_500_000),
        ],
    };

    let pro_rata = RiskShare {
        overspend: OverspendRule::ProRata {
            basis: ShareBasis::Contributions,
            cap: CapRule::MaxContribution,
        },
        underspend: UnderspendRule::Return(ShareBasis::Contributions),
    };
    let waterfall = RiskShare {
        overspend: OverspendRule::Waterfall {
            steps: vec![
                WaterfallStep::OffsetUnderspends,
                WaterfallStep::RiskPool,
                WaterfallStep::UncommittedSchemes(vec![
                    PartnerAmount {
                        partner: council.into(),
                        amount: m(300_000),
                    },
                    PartnerAmount {
                        partner: ccg.into(),
                        amount: m(200_000),
                    },
                ]),
            ],
            basis: ShareBasis::Contributions,
            cap: CapRule::MaxContribution,
        },
        underspend: UnderspendRule::RetainInPool,
    };
    for (title, rule) in [
        ("Pattern A: pro rata to contributions, capped", &pro_rata),
        ("Pattern B: overspend waterfall", &waterfall),
    ] {
        let statement = share_risk(&budget, &outturn, rule)?;
        println!("\n{title}\n{statement}");
        let by = statement.by_bearer()?;
        for (bearer, amount) in &by {
            println!("  total {:<44} {amount:>14}", bearer.to_string());
        }
        println!(
            "  check: pooled allocations {} = pooled variance {}; aligned {} = {}",
            statement.allocated(FundKind::Pooled)?,
            statement.pooled_variance,
            statement.allocated(FundKind::Aligned)?,
            statement.aligned_variance
        );
    }

    // The IPC assessment of a sample system (illustrative ratings).
    let rate = |area, current, target, evidence: &str| AreaRating {
        area,
        current,
        target,
        evidence: Some(evidence.into()),
    };
    use IpcArea::*;
    use IpcLevel::*;
    let assessment = IpcAssessment::new(
        "Sample system (illustrative)",
        vec![
            rate(
                StrategicDirectionAndLeadership,
                Joint,
                Integrated,
                "joint commissioning board",
            ),
            rate(UnderstandingPopulationNeeds, Joint, Joint, "one JSNA"),
            rate(
                ResourceAllocationAndManagement,
                Parallel,
                Joint,
                "aligned budgets only",
            ),
            rate(
                MarketIntelligenceAndFacilitation,
                Separate,
                Joint,
                "separate market statements",
            ),
            rate(
                Procurement,
                Separate,
                Parallel,
                "separate procurement teams",
            ),
            rate(
                StakeholderEngagement,
                Parallel,
                Joint,
                "shared engagement plan",
            ),
            rate(
                CommissioningFunction,
                Parallel,
                Integrated,
                "co-located teams",
            ),
        ],
    )?;
    let profile = assessment.profile()?;
    println!("\n{profile}");
    // A stated path that skips a level is refused.
    let skip = assessment.check_path(MarketIntelligenceAndFacilitation, &[Separate, Joint]);
    if let Err(e) = skip {
        println!("stated path refused: {e}");
    }
    Ok(())
}
