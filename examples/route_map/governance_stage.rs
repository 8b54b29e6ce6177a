//! The governance stage of the route map report: the Coventry and Warwickshire Collaborative
//! Commissioning Board (three CCGs and two councils, seed 003), which vehicle was lawful for
//! it in 2017 (and would be from July 2022), an illustrative decision rule applied to a vote,
//! and the lead-provider subcontracting rule.

use std::fmt::Write as _;

use chrono::NaiveDate;
use route_map::core::Money;
use route_map::governance::decisions::{
    Choice, DecisionGroup, DecisionRule, Member, Motion, Quorum, ReservedMatter, Vote, VotingRule,
    decide,
};
use route_map::governance::provision::{
    ChangeRequest, LeadProviderContract, Materiality, Permission, RawLeadProviderContract,
    Subcontract, SubcontractChange,
};
use route_map::governance::vehicles::{Circumstances, Purpose, ViewAlignment, recommend};
use route_map::governance::{Body, BodyKind};

/// The stage's section of the report.
pub fn report() -> crate::StageResult {
    let mut out = String::new();
    let date = NaiveDate::from_ymd_opt(2017, 10, 4).ok_or("bad date")?;
    let coventry_rugby = Body::new("05A", "NHS Coventry and Rugby CCG", BodyKind::Ccg)?;
    let south_warks = Body::new("05R", "NHS South Warwickshire CCG", BodyKind::Ccg)?;
    let warks_north = Body::new("05H", "NHS Warwickshire North CCG", BodyKind::Ccg)?;
    let coventry_cc = Body::new(
        "E08000026",
        "Coventry City Council",
        BodyKind::LocalAuthority,
    )?;
    let warks_cc = Body::new(
        "E10000031",
        "Warwickshire County Council",
        BodyKind::LocalAuthority,
    )?;
    let members = vec![
        coventry_rugby.clone(),
        south_warks.clone(),
        warks_north.clone(),
        coventry_cc.clone(),
        warks_cc.clone(),
    ];

    // Which vehicle for the Collaborative Commissioning Board on 4 October 2017?
    let rec = recommend(&Circumstances {
        members: members.clone(),
        date,
        purpose: Purpose::CommissioningDecisions,
        alignment: ViewAlignment::Varied,
    })?;
    writeln!(
        out,
        "CWCC Board (3 CCGs, 2 councils) on {date}: {}",
        rec.vehicle
            .map_or("no lawful vehicle".to_owned(), |v| v.to_string())
    )?;
    for line in &rec.explanation {
        writeln!(out, "  {line}")?;
    }
    // The same partnership after 1 July 2022: the ICB and the councils.
    let icb = Body::new("QWU", "NHS Coventry and Warwickshire ICB", BodyKind::Icb)?;
    let later = recommend(&Circumstances {
        members: vec![icb, coventry_cc.clone(), warks_cc.clone()],
        date: NaiveDate::from_ymd_opt(2022, 7, 1).ok_or("bad date")?,
        purpose: Purpose::CommissioningDecisions,
        alignment: ViewAlignment::Varied,
    })?;
    writeln!(
        out,
        "From 1 July 2022 (ICB and the two councils): {}",
        later
            .vehicle
            .map_or("no lawful vehicle".to_owned(), |v| v.to_string())
    )?;

    // An illustrative decision rule: CCG votes weighted by 2017/18 in-scope spend (seed 003);
    // the councils' contributions are not in the seed, so they vote with zero weight and the
    // quorum needs a council present; budgets are a reserved matter decided unanimously.
    let pounds = |p: i64| Money::from_pounds(p);
    let group = DecisionGroup::new(
        "Coventry and Warwickshire Collaborative Commissioning Board",
        vec![
            Member {
                body: coventry_rugby,
                contribution: pounds(21_700_479 + 5_313_621),
            },
            Member {
                body: south_warks,
                contribution: pounds(21_715_000),
            },
            Member {
                body: warks_north,
                contribution: pounds(8_698_920),
            },
            Member {
                body: coventry_cc,
                contribution: Money::ZERO,
            },
            Member {
                body: warks_cc,
                contribution: Money::ZERO,
            },
        ],
    )?;
    let rule = DecisionRule {
        ordinary: VotingRule::WeightedByContribution("0.5".parse()?),
        quorum: Quorum {
            min_present: 3,
            kinds_present: vec![BodyKind::Ccg, BodyKind::LocalAuthority],
            members_present: vec![],
        },
        reserved: vec![ReservedMatter {
            id: "budget".into(),
            description: "budgetary commitments of the partners".into(),
            rule: VotingRule::Unanimity,
        }],
    };
    let votes = [
        ("05A", Choice::For),
        ("05R", Choice::For),
        ("05H", Choice::Against),
        ("E08000026", Choice::For),
        ("E10000031", Choice::Abstain),
    ]
    .map(|(body, choice)| Vote {
        body: body.into(),
        choice,
    });
    for reserved in [None, Some("budget".to_owned())] {
        let d = decide(
            &group,
            &rule,
            &Motion {
                title: "Adopt the outcomes framework".into(),
                reserved_matter: reserved,
            },
            &votes,
        )?;
        writeln!(
            out,
            "Vote (illustrative) under {}: {:?} — {}",
            d.rule,
            d.outcome,
            d.explanation.last().map_or("", String::as_str)
        )?;
    }

    // The lead-provider rule (seed 003): no decommissioning of a material subcontractor
    // without the commissioners' approval. The subcontractor is illustrative.
    let contract = LeadProviderContract::new(RawLeadProviderContract {
        name: "Coventry out of hospital services".into(),
        lead: Body::new(
            "RYG",
            "Coventry and Warwickshire Partnership NHS Trust",
            BodyKind::NhsTrust,
        )?,
        commissioners: vec![Body::new(
            "05A",
            "NHS Coventry and Rugby CCG",
            BodyKind::Ccg,
        )?],
        subcontracts: vec![Subcontract {
            provider: Body::new(
                "HOSPICE",
                "A local hospice (illustrative)",
                BodyKind::VoluntarySector,
            )?,
            services: "community palliative care".into(),
            annual_value: pounds(1_200_000),
            materiality: Materiality::ByThreshold,
        }],
        materiality_threshold: Some(pounds(1_000_000)),
    })?;
    let check = contract.check_change(&ChangeRequest {
        change: SubcontractChange::Decommission {
            provider: "HOSPICE".into(),
        },
        approved_by: vec![],
    })?;
    writeln!(
        out,
        "Lead provider decommissions a material subcontractor without approval: {}",
        match &check.permission {
            Permission::NeedsApproval { missing } =>
                format!("needs approval of {}", missing.join(", ")),
            _ => "permitted".to_owned(),
        }
    )?;
    write!(out, "  rule: {} ({})", check.rule, check.source)?;
    Ok(out)
}
