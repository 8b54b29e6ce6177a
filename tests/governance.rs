//! Integration tests: governance. Legal facts and worked risk-share cases are data under
//! tests/cases/governance/, each with its source.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use route_map::core::{Money, SourceRef};
use route_map::governance::law::{Existence, Law};
use route_map::governance::pooled::*;
use route_map::governance::vehicles::{Vehicle, Verdict, lawfulness};
use route_map::governance::{Body, BodyKind, Error};
use serde::Deserialize;

fn cases_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/governance")
}

#[derive(Deserialize)]
struct LegalFacts {
    existence: Vec<ExistenceCase>,
    vehicle: Vec<VehicleCase>,
}

#[derive(Deserialize)]
struct ExistenceCase {
    name: String,
    kind: BodyKind,
    date: NaiveDate,
    exists: bool,
    source: SourceRef,
}

#[derive(Deserialize)]
struct VehicleCase {
    name: String,
    vehicle: Vehicle,
    members: Vec<BodyKind>,
    date: NaiveDate,
    expected: String,
    source: SourceRef,
}

#[test]
fn legal_facts_by_date() {
    let text = std::fs::read_to_string(cases_dir().join("legal_facts.toml")).unwrap();
    let facts: LegalFacts = toml::from_str(&text).unwrap();
    let law = Law::get().unwrap();
    assert!(facts.existence.len() >= 5 && facts.vehicle.len() >= 10);
    for c in &facts.existence {
        assert!(!c.source.title.is_empty(), "{}", c.name);
        let exists = matches!(
            law.existence(c.kind, c.date),
            Existence::Exists(_) | Existence::Undated
        );
        assert_eq!(exists, c.exists, "{}", c.name);
    }
    for c in &facts.vehicle {
        assert!(!c.source.title.is_empty(), "{}", c.name);
        let members: Vec<Body> = c
            .members
            .iter()
            .enumerate()
            .map(|(i, k)| Body::new(format!("M{i}"), format!("member {i}"), *k).unwrap())
            .collect();
        let l = lawfulness(c.vehicle, &members, c.date).unwrap();
        let got = match l.verdict {
            Verdict::Lawful => "lawful",
            Verdict::LawfulIf(_) => "lawful_if",
            Verdict::NotLawful => "not_lawful",
            _ => "other",
        };
        assert_eq!(got, c.expected, "{}: {:?}", c.name, l.reasons);
    }
}

#[test]
fn joint_committee_with_foundation_trust_from_1_july_2022_only() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let ft = Body::new("RJC", "South Warwickshire FT", BodyKind::FoundationTrust).unwrap();
    let icb = Body::new("QWU", "Coventry and Warwickshire ICB", BodyKind::Icb).unwrap();
    let ccg = Body::new("05A", "Coventry and Rugby CCG", BodyKind::Ccg).unwrap();
    let before = lawfulness(
        Vehicle::JointCommittee,
        &[ccg.clone(), ft.clone()],
        d(2022, 6, 30),
    )
    .unwrap();
    assert_eq!(before.verdict, Verdict::NotLawful);
    let after = lawfulness(Vehicle::JointCommittee, &[icb, ft.clone()], d(2022, 7, 1)).unwrap();
    assert_eq!(after.verdict, Verdict::Lawful);
    assert!(after.reasons.iter().any(|r| r.source.is_some()));
    // And a CCG cannot act from 1 July 2022 at all.
    assert!(matches!(
        Law::get().unwrap().check_exists(&ccg, d(2022, 7, 1)),
        Err(Error::BodyNotInExistence { .. })
    ));
}

#[derive(Deserialize)]
struct RiskCases {
    budget: RiskBudget,
    case: Vec<RiskCase>,
}

#[derive(Deserialize)]
struct RiskBudget {
    year: String,
    council: Money,
    ccg: Money,
    spend: Money,
    risk_pool_council: Money,
    risk_pool_ccg: Money,
}

#[derive(Deserialize)]
struct RiskCase {
    name: String,
    pattern: String,
    expected: BTreeMap<String, Money>,
    source: SourceRef,
}

#[test]
fn worked_risk_share_cases() {
    let text = std::fs::read_to_string(cases_dir().join("risk_share.toml")).unwrap();
    let cases: RiskCases = toml::from_str(&text).unwrap();
    let b = &cases.budget;
    for c in &cases.case {
        assert!(!c.source.title.is_empty());
        let share_kind = if c.pattern == "fixed" {
            ShareKind::Fixed
        } else {
            ShareKind::Variable
        };
        let budget = PooledBudget::new(RawPooledBudget {
            name: "Worked case".into(),
            year: b.year.parse().unwrap(),
            host: "council".into(),
            partners: vec![
                Body::new("council", "City Council", BodyKind::LocalAuthority).unwrap(),
                Body::new("ccg", "City CCG", BodyKind::Ccg).unwrap(),
            ],
            service_lines: vec![ServiceLine {
                id: "line".into(),
                name: "Line".into(),
                share_kind,
            }],
            pooled: Fund {
                total: b.council.checked_add(b.ccg).unwrap(),
                contributions: vec![
                    Contribution {
                        partner: "council".into(),
                        service_line: "line".into(),
                        amount: b.council,
                    },
                    Contribution {
                        partner: "ccg".into(),
                        service_line: "line".into(),
                        amount: b.ccg,
                    },
                ],
            },
            aligned: None,
            risk_pool: vec![
                PartnerAmount {
                    partner: "council".into(),
                    amount: b.risk_pool_council,
                },
                PartnerAmount {
                    partner: "ccg".into(),
                    amount: b.risk_pool_ccg,
                },
            ],
        })
        .unwrap();
        let overspend = match c.pattern.as_str() {
            "pro_rata" => OverspendRule::ProRata {
                basis: ShareBasis::Contributions,
                cap: CapRule::MaxContribution,
            },
            "own_risk" => OverspendRule::OwnRisk,
            "waterfall_risk_pool" => OverspendRule::Waterfall {
                steps: vec![WaterfallStep::OffsetUnderspends, WaterfallStep::RiskPool],
                basis: ShareBasis::Contributions,
                cap: CapRule::None,
            },
            "fixed" => OverspendRule::FixedVariable,
            other => panic!("unknown pattern {other}"),
        };
        let outturn = Outturn {
            spend: vec![LineSpend {
                fund: FundKind::Pooled,
                service_line: "line".into(),
                amount: b.spend,
            }],
        };
        let rule = RiskShare {
            overspend,
            underspend: UnderspendRule::RetainInPool,
        };
        let s = share_risk(&budget, &outturn, &rule).unwrap();
        let by = s.by_bearer().unwrap();
        for (key, want) in &c.expected {
            let bearer = match key.strip_prefix("risk_pool_") {
                Some(p) => Bearer::RiskPool(p.to_owned()),
                None => Bearer::Partner(key.clone()),
            };
            let got = by.get(&bearer).copied().unwrap_or(Money::ZERO);
            assert_eq!(got, *want, "{}: {key}", c.name);
        }
        assert_eq!(
            s.allocated(FundKind::Pooled).unwrap(),
            b.spend
                .checked_sub(budget.fund(FundKind::Pooled).unwrap().total)
                .unwrap(),
            "{}",
            c.name
        );
    }
}

#[test]
fn bad_input_gives_typed_errors() {
    use route_map::governance::decisions::*;
    use route_map::governance::ipc::*;
    // A vote by a non-member.
    let group = DecisionGroup::new(
        "CWCC Board",
        vec![Member {
            body: Body::new("05A", "Coventry and Rugby CCG", BodyKind::Ccg).unwrap(),
            contribution: Money::ZERO,
        }],
    )
    .unwrap();
    let rule = DecisionRule {
        ordinary: VotingRule::Majority,
        quorum: Quorum::default(),
        reserved: vec![],
    };
    let motion = Motion {
        title: "Adopt the outcomes framework".into(),
        reserved_matter: None,
    };
    let e = decide(
        &group,
        &rule,
        &motion,
        &[Vote {
            body: "RYG".into(),
            choice: Choice::For,
        }],
    )
    .unwrap_err();
    assert!(matches!(e, Error::NotAMember { .. }));
    assert_eq!(
        e.to_string(),
        "RYG voted on \"Adopt the outcomes framework\" but is not a member of CWCC Board"
    );
    // An IPC level skipped.
    let ratings = IpcArea::ALL
        .iter()
        .map(|&area| AreaRating {
            area,
            current: IpcLevel::Separate,
            target: IpcLevel::Integrated,
            evidence: None,
        })
        .collect();
    let a = IpcAssessment::new("S", ratings).unwrap();
    assert!(matches!(
        a.check_path(
            IpcArea::ResourceAllocationAndManagement,
            &[IpcLevel::Separate, IpcLevel::Joint, IpcLevel::Integrated]
        ),
        Err(Error::IpcLevelSkipped { .. })
    ));
    // Contributions not matching the pool, via serde.
    let json = r#"{
        "name": "x", "year": "2017/18", "host": "LA",
        "partners": [
            {"id": "LA", "name": "Council", "kind": "local_authority"},
            {"id": "CCG", "name": "CCG", "kind": "ccg"}
        ],
        "service_lines": [{"id": "l", "name": "L", "share_kind": "variable"}],
        "pooled": {"total": "100.00", "contributions": [
            {"partner": "LA", "service_line": "l", "amount": "40.00"},
            {"partner": "CCG", "service_line": "l", "amount": "50.00"}
        ]}
    }"#;
    let err = serde_json::from_str::<PooledBudget>(json).unwrap_err();
    assert!(err.to_string().contains("sum to £90.00"), "{err}");
    // Shares above the whole.
    let partners = vec![
        Body::new("LA", "Council", BodyKind::LocalAuthority).unwrap(),
        Body::new("CCG", "CCG", BodyKind::Ccg).unwrap(),
    ];
    let shares = vec![
        PartnerShare {
            partner: "LA".into(),
            share: "0.5".parse().unwrap(),
        },
        PartnerShare {
            partner: "CCG".into(),
            share: "0.51".parse().unwrap(),
        },
    ];
    assert!(matches!(
        validate_shares(&shares, &partners),
        Err(Error::SharesExceedWhole { .. })
    ));
}
