//! Unit and property tests of the payment engine.

use std::collections::BTreeMap;

use proptest::prelude::*;
use route_map_core::{Money, Share};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::*;

fn share(s: &str) -> Share {
    s.parse().unwrap()
}

fn side(threshold: Decimal, sharing: Sharing, corridors: &[(Decimal, Decimal)]) -> Side {
    Side {
        threshold,
        sharing,
        corridors: corridors
            .iter()
            .map(|(from, rate)| Corridor {
                from: *from,
                rate: *rate,
            })
            .collect(),
        caps: vec![],
    }
}

/// A three-year contract using every element.
pub(crate) fn base_raw() -> RawContract {
    RawContract {
        name: "Test contract".into(),
        provider: "Lead provider".into(),
        first_year: "2018/19".parse().unwrap(),
        years: 3,
        base_value: Money::from_pounds(1_000_000),
        roll_forward: vec![RollForward {
            year: 2,
            growth: dec!(0.02),
            efficiency: dec!(0.01),
            variations: vec![ScopeVariation {
                name: "extra service".into(),
                amount: Money::from_pounds(10_000),
            }],
        }],
        commissioners: vec![
            Commissioner {
                id: "A".into(),
                name: "CCG A".into(),
                share: dec!(0.6),
            },
            Commissioner {
                id: "B".into(),
                name: "Council B".into(),
                share: dec!(0.4),
            },
        ],
        incentive: Incentive {
            phasing: vec![
                Phase {
                    from_year: 1,
                    to_year: 1,
                    at_risk: dec!(0.05),
                    on_milestones: dec!(1),
                },
                Phase {
                    from_year: 2,
                    to_year: 3,
                    at_risk: dec!(0.1),
                    on_milestones: dec!(0.25),
                },
            ],
            indicators: ["I1", "I2", "I3", "I4"]
                .iter()
                .zip([dec!(1), dec!(2), dec!(1), dec!(0.5)])
                .map(|(id, weight)| Indicator {
                    id: (*id).into(),
                    weight,
                })
                .collect(),
            milestones: vec![
                Milestone {
                    id: "M1".into(),
                    description: "teams".into(),
                    year: 1,
                    weight: dec!(3),
                },
                Milestone {
                    id: "M2".into(),
                    description: "hubs".into(),
                    year: 1,
                    weight: dec!(1),
                },
                Milestone {
                    id: "M3".into(),
                    description: "navigators".into(),
                    year: 2,
                    weight: dec!(1),
                },
                Milestone {
                    id: "M4".into(),
                    description: "scope".into(),
                    year: 3,
                    weight: dec!(1),
                },
            ],
            formula: Formula::Proportional,
            paid: IncentivePaid::InAdvance { assumed: dec!(1) },
        },
        cquin: Some(Cquin {
            rate: dec!(0.0125),
            rate_by_year: vec![],
            indicators: vec!["C1".into(), "C2".into(), "C3".into()],
            funding: CquinFunding::AddedToFixed,
        }),
        variable: Some(VariableElement {
            activity: "attendances".into(),
            unit_price: Money::from_pence(12_345),
            plan: (1..=3)
                .map(|year| YearUnits { year, units: 1_000 })
                .collect(),
            above_plan: dec!(0.2),
            below_plan: dec!(0.2),
        }),
        risk_share: Some(RiskShare {
            basket: "avoidable admissions".into(),
            targets: (1..=3)
                .map(|year| YearAmount {
                    year,
                    amount: Money::from_pounds(5_000_000),
                })
                .collect(),
            gain: side(dec!(0.02), Sharing::FirstPound, &[(dec!(0), dec!(0.5))]),
            loss: Some(side(
                dec!(0.02),
                Sharing::ExcessOnly,
                &[(dec!(0), dec!(0.3))],
            )),
            quality: QualityRule::None,
            parties: vec![
                Party {
                    id: "LEAD".into(),
                    name: "Lead provider".into(),
                    role: PartyRole::LeadProvider,
                    share: dec!(0.5),
                },
                Party {
                    id: "ACUTE".into(),
                    name: "Acute trust".into(),
                    role: PartyRole::AcuteProvider,
                    share: dec!(0.5),
                },
            ],
        }),
        subcontracts: vec![Subcontract {
            id: "SUB".into(),
            name: "Hospice".into(),
            services: "palliative care".into(),
            fixed: OnwardBasis::ShareOfFixed { share: dec!(0.1) },
            incentive_pass_through: dec!(0.1),
        }],
        instalments: InstalmentProfile::Equal,
        rounding: route_map_core::RoundingRule::HalfAwayFromZero,
    }
}

fn contract() -> Contract {
    Contract::new(base_raw()).unwrap()
}

#[test]
fn roll_forward_lines_and_elements() {
    let c = contract();
    // 1,000,000 × 1.02 = 1,020,000; less 1% = 1,009,800; plus 10,000.
    assert_eq!(c.base_value(2).unwrap(), Money::from_pounds(1_019_800));
    assert_eq!(c.base_value(3).unwrap(), Money::from_pounds(1_019_800));
    assert_eq!(c.fixed_element(1).unwrap(), Money::from_pounds(950_000));
    let st = c
        .statement(2, &c.uniform_outturn(2, Share::ONE).unwrap())
        .unwrap();
    let labels: Vec<&str> = st.contract_value.iter().map(|m| m.label.as_str()).collect();
    assert!(labels.contains(&"Agreed growth") && labels.contains(&"Efficiency"));
    assert_eq!(
        st.contract_value.last().unwrap().amount,
        Money::from_pounds(1_019_800)
    );
    assert!(
        st.lines
            .iter()
            .all(|l| !l.rule.is_empty() && !l.parameter.is_empty())
    );
    assert_eq!(st.balance, Balance::Settled);
    assert!(st.to_string().contains("Total due"));
}

#[test]
fn milestones_then_outcomes() {
    let c = contract();
    let mut o = c.uniform_outturn(1, Share::ONE).unwrap();
    o.milestones.insert("M2", Share::ZERO);
    let s = c.settle(1, &o).unwrap();
    // Pot 50,000 on milestones; M2 is 1 of 4 weight.
    assert_eq!(s.element(Element::Milestones), Money::from_pounds(37_500));
    assert_eq!(s.element(Element::Outcomes), Money::ZERO);
    assert_eq!(
        s.balance(),
        Balance::DueToCommissioners(Money::from_pounds(12_500))
    );
    // Year 1 does not need the outcome indicators at all.
    let mut o = c.uniform_outturn(1, Share::ONE).unwrap();
    o.achievement = ["C1", "C2", "C3"]
        .iter()
        .map(|id| ((*id).to_owned(), Share::ONE))
        .collect();
    assert!(c.settle(1, &o).is_ok());
}

#[test]
fn formulas_pay_in_proportion() {
    let mut raw = base_raw();
    raw.incentive.formula = Formula::ProportionMet { met_at: dec!(0.9) };
    let c = Contract::new(raw.clone()).unwrap();
    let mut o = c.uniform_outturn(3, Share::ONE).unwrap();
    o.achievement.insert("I2", share("0.89")); // weight 2 of 4.5 not met
    let s = c.settle(3, &o).unwrap();
    // Year 3 pot 101,980 × 0.75 on outcomes = 76,485; 2.5 / 4.5 of it.
    assert_eq!(s.element(Element::Outcomes), Money::from_pence(4_249_167));
    raw.incentive.formula = Formula::Banded {
        met_at: dec!(1),
        bands: vec![
            Band {
                from: dec!(0),
                pays: dec!(0),
            },
            Band {
                from: dec!(0.5),
                pays: dec!(0.5),
            },
            Band {
                from: dec!(1),
                pays: dec!(1),
            },
        ],
    };
    let c = Contract::new(raw).unwrap();
    let s = c.settle(3, &o).unwrap();
    assert_eq!(s.element(Element::Outcomes), Money::from_pence(3_824_250));
}

#[test]
fn variable_element_and_subcontract() {
    let c = contract();
    let mut o = c.uniform_outturn(1, Share::ONE).unwrap();
    o.activity = Some(1_010);
    let s = c.settle(1, &o).unwrap();
    // 10 units × £123.45 × 20% = £246.90
    assert_eq!(s.element(Element::Variable), Money::from_pence(24_690));
    o.activity = Some(990);
    let s = c.settle(1, &o).unwrap();
    assert_eq!(s.element(Element::Variable), Money::from_pence(-24_690));
    let onward = s.onward_payments();
    assert_eq!(onward[0].0, Money::from_pounds(95_000));
    assert_eq!(
        onward[0].1,
        s.incentive_earned()
            .share(share("0.1"), route_map_core::RoundingRule::DEFAULT)
            .unwrap()
    );
}

#[test]
fn gain_and_loss_share_with_parties() {
    let c = contract();
    let mut o = c.uniform_outturn(1, Share::ONE).unwrap();
    // Saving of 1.9%: inside the 2% dead band.
    o.actual_cost = Some(Money::from_pounds(4_905_000));
    let s = c.settle(1, &o).unwrap();
    assert_eq!(s.element(Element::GainLossShare), Money::ZERO);
    // Saving of 3%: first pound, 50% shared, half of it to the lead.
    o.actual_cost = Some(Money::from_pounds(4_850_000));
    let s = c.settle(1, &o).unwrap();
    assert_eq!(
        s.element(Element::GainLossShare),
        Money::from_pounds(37_500)
    );
    assert_eq!(s.party_shares(), vec![Money::from_pounds(37_500); 2]);
    // Overspend of 3%: excess over 2% only, 30% shared; the lead pays half.
    o.actual_cost = Some(Money::from_pounds(5_150_000));
    let s = c.settle(1, &o).unwrap();
    assert_eq!(
        s.element(Element::GainLossShare),
        Money::from_pounds(-7_500)
    );
}

#[test]
fn adjustments_join_their_month() {
    let c = contract();
    let mut o = c.uniform_outturn(1, Share::ONE).unwrap();
    o.adjustments.push(Adjustment {
        month: 7,
        reason: "variation".into(),
        amount: Money::from_pence(100_001),
    });
    let s = c.settle(1, &o).unwrap();
    let planned = c.planned_instalments(1).unwrap();
    assert_eq!(
        s.instalments()[6],
        planned[6].checked_add(Money::from_pence(100_001)).unwrap()
    );
    assert_eq!(s.balance(), Balance::Settled);
    let parts: Vec<Money> = (0..2)
        .map(|i| s.commissioner_instalments(i).unwrap()[6])
        .collect();
    assert_eq!(Money::sum(parts).unwrap(), s.instalments()[6]);
}

#[test]
fn schemas_and_serde_round_trip() {
    let c = contract();
    let json = serde_json::to_string(&c).unwrap();
    let back: Contract = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
    let names: Vec<&str> = input_schemas().iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "payment_contract",
            "payment_year_outturn",
            "payment_simulation"
        ]
    );
    let schema = serde_json::to_value(schemars::schema_for!(Contract)).unwrap();
    assert!(schema["properties"]["base_value"].is_object(), "{schema}");
    // Bad terms are rejected by deserialisation with the engine's message.
    let mut raw = base_raw();
    raw.commissioners[1].share = dec!(0.5);
    let bad = serde_json::to_string(&raw).unwrap();
    let err = serde_json::from_str::<Contract>(&bad).unwrap_err();
    assert!(err.to_string().contains("sum to 1.1"), "{err}");
}

fn err(raw: RawContract) -> PaymentError {
    Contract::new(raw).unwrap_err()
}

#[test]
fn errors_on_bad_terms() {
    let mut r = base_raw();
    r.commissioners[0].share = dec!(0.5);
    assert!(matches!(err(r), PaymentError::SharesDoNotSumToOne { .. }));

    let mut r = base_raw();
    r.risk_share.as_mut().unwrap().parties[0].share = dec!(0.4);
    assert!(matches!(err(r), PaymentError::SharesDoNotSumToOne { .. }));

    let mut r = base_raw();
    r.incentive.phasing[0].at_risk = dec!(-0.01);
    let e = err(r);
    assert!(
        matches!(&e, PaymentError::NegativeRate { field, .. } if field == "incentive.phasing[0].at_risk"),
        "{e}"
    );

    let mut r = base_raw();
    r.variable.as_mut().unwrap().below_plan = dec!(-0.2);
    assert!(matches!(err(r), PaymentError::NegativeRate { .. }));

    let mut r = base_raw();
    r.incentive.indicators[1].weight = dec!(-1);
    assert!(matches!(err(r), PaymentError::NegativeRate { .. }));

    let mut r = base_raw();
    r.cquin.as_mut().unwrap().rate = dec!(1.25);
    assert!(matches!(err(r), PaymentError::RateOutOfRange { .. }));

    let mut r = base_raw();
    r.risk_share.as_mut().unwrap().gain.corridors = vec![
        Corridor {
            from: dec!(0),
            rate: dec!(0.5),
        },
        Corridor {
            from: dec!(0.1),
            rate: dec!(0.3),
        },
        Corridor {
            from: dec!(0.05),
            rate: dec!(0.1),
        },
    ];
    let e = err(r);
    assert!(
        matches!(e, PaymentError::OverlappingCorridors { .. }),
        "{e}"
    );
    assert!(e.to_string().contains("corridors[2]"));

    let mut r = base_raw();
    r.risk_share.as_mut().unwrap().gain.corridors[0].from = dec!(0.01);
    assert!(matches!(
        err(r),
        PaymentError::CorridorsDoNotStartAtZero { .. }
    ));

    let mut r = base_raw();
    r.risk_share.as_mut().unwrap().gain.caps = vec![Cap {
        share: dec!(-0.1),
        of: CapBase::TargetCost,
    }];
    assert!(matches!(err(r), PaymentError::NegativeCap { .. }));

    let mut r = base_raw();
    r.risk_share.as_mut().unwrap().gain.caps = vec![Cap {
        share: dec!(0.1),
        of: CapBase::Revenue {
            amount: Money::from_pounds(-1),
        },
    }];
    assert!(matches!(err(r), PaymentError::NegativeCap { .. }));

    let mut r = base_raw();
    r.incentive.phasing[1].to_year = 2;
    assert_eq!(err(r), PaymentError::PhasingGap { year: 3 });

    let mut r = base_raw();
    r.incentive.phasing[1].from_year = 1;
    assert!(matches!(
        err(r),
        PaymentError::OverlappingPhases { year: 1, .. }
    ));

    let mut r = base_raw();
    r.incentive.phasing[1].to_year = 4;
    assert!(matches!(err(r), PaymentError::YearOutsideTerm { .. }));

    let mut r = base_raw();
    r.risk_share.as_mut().unwrap().targets.pop();
    assert!(matches!(
        err(r),
        PaymentError::MissingYearValue { year: 3, .. }
    ));

    let mut r = base_raw();
    r.risk_share.as_mut().unwrap().targets[0].amount = Money::ZERO;
    assert!(matches!(err(r), PaymentError::NonPositiveTarget { .. }));

    let mut r = base_raw();
    r.incentive.indicators[1].id = "I1".into();
    assert!(matches!(err(r), PaymentError::Duplicate { .. }));

    let mut r = base_raw();
    r.incentive.milestones.retain(|m| m.year != 2);
    assert!(matches!(
        err(r),
        PaymentError::NothingToPayOn {
            year: 2,
            basis: "milestones"
        }
    ));

    let mut r = base_raw();
    r.incentive.indicators.clear();
    assert!(matches!(
        err(r),
        PaymentError::NothingToPayOn {
            basis: "outcome indicators",
            ..
        }
    ));

    let mut r = base_raw();
    r.incentive.formula = Formula::Banded {
        met_at: dec!(1),
        bands: vec![
            Band {
                from: dec!(0),
                pays: dec!(0.5),
            },
            Band {
                from: dec!(0.5),
                pays: dec!(0.4),
            },
        ],
    };
    assert!(matches!(err(r), PaymentError::InvalidBands { .. }));

    let mut r = base_raw();
    r.commissioners.clear();
    assert!(matches!(err(r), PaymentError::Empty { .. }));

    let mut r = base_raw();
    r.roll_forward[0].efficiency = dec!(1);
    r.roll_forward[0].variations[0].amount = Money::from_pounds(-1);
    assert!(matches!(err(r), PaymentError::NegativeAmount { .. }));

    let mut r = base_raw();
    r.roll_forward[0].growth = dec!(11);
    assert!(matches!(err(r), PaymentError::Core(_)));

    let mut r = base_raw();
    r.incentive.indicators[0].weight = dec!(0.0000000000001);
    r.incentive.indicators[1].weight = dec!(1000);
    assert!(matches!(err(r), PaymentError::WeightsTooFine { .. }));

    let mut r = base_raw();
    let p = r.risk_share.as_ref().unwrap().parties[1].clone();
    r.risk_share.as_mut().unwrap().parties = (0..=MAX_PARTIES)
        .map(|i| Party {
            id: format!("P{i}"),
            share: Decimal::ONE / Decimal::from(MAX_PARTIES + 1),
            ..p.clone()
        })
        .collect();
    assert!(matches!(err(r), PaymentError::TooMany { .. }));

    let mut r = base_raw();
    r.cquin.as_mut().unwrap().rate_by_year = vec![YearRate {
        year: 2,
        rate: dec!(-0.01),
    }];
    assert!(matches!(err(r), PaymentError::NegativeRate { .. }));

    let mut r = base_raw();
    r.cquin.as_mut().unwrap().rate_by_year = vec![YearRate {
        year: 4,
        rate: dec!(0.01),
    }];
    assert!(matches!(
        err(r),
        PaymentError::YearOutsideTerm { year: 4, .. }
    ));

    let mut r = base_raw();
    r.roll_forward[0].year = 1;
    assert!(matches!(
        err(r),
        PaymentError::YearOutsideTerm { year: 1, .. }
    ));

    let mut r = base_raw();
    r.base_value = Money::from_pence(i64::MAX / 2 + 1);
    r.roll_forward[0].growth = dec!(1);
    assert!(matches!(err(r), PaymentError::Overflow { .. }));

    let mut r = base_raw();
    r.instalments = InstalmentProfile::Weights {
        weights: vec![dec!(1); 11],
    };
    assert!(matches!(
        err(r),
        PaymentError::InvalidMonth { month: 11, .. }
    ));

    let mut r = base_raw();
    r.instalments = InstalmentProfile::Weights {
        weights: vec![dec!(0); 12],
    };
    assert!(matches!(err(r), PaymentError::Empty { .. }));

    let mut r = base_raw();
    r.cquin.as_mut().unwrap().funding = CquinFunding::WithinIncentive;
    r.cquin.as_mut().unwrap().rate = dec!(0.2);
    assert!(matches!(err(r), PaymentError::NegativeAmount { .. }));
}

#[test]
fn errors_on_bad_results() {
    let c = contract();
    let o = c.uniform_outturn(1, Share::ONE).unwrap();
    assert!(matches!(
        c.settle(4, &o),
        Err(PaymentError::NoSuchYear { year: 4, years: 3 })
    ));
    assert!(c.uniform_outturn(0, Share::ONE).is_err());

    let mut bad = o.clone();
    bad.milestones = MilestoneDelivery::new();
    assert!(matches!(
        c.settle(1, &bad),
        Err(PaymentError::MissingResult {
            what: "milestone delivery",
            ..
        })
    ));
    let mut bad = c.uniform_outturn(3, Share::ONE).unwrap();
    bad.achievement = YearAchievement::new();
    let e = c.settle(3, &bad).unwrap_err();
    assert!(
        e.to_string().contains("\"C1\"") || e.to_string().contains("\"I1\""),
        "{e}"
    );
    let mut bad = o.clone();
    bad.activity = None;
    assert!(matches!(
        c.settle(1, &bad),
        Err(PaymentError::MissingResult {
            what: "activity",
            ..
        })
    ));
    let mut bad = o.clone();
    bad.actual_cost = None;
    assert!(matches!(
        c.settle(1, &bad),
        Err(PaymentError::MissingResult {
            what: "actual cost",
            ..
        })
    ));
    let mut bad = o;
    bad.adjustments.push(Adjustment {
        month: 13,
        reason: "x".into(),
        amount: Money::ZERO,
    });
    assert!(matches!(
        c.settle(1, &bad),
        Err(PaymentError::InvalidMonth { month: 13, .. })
    ));
}

#[test]
fn error_is_send_sync_static() {
    fn check<T: Send + Sync + 'static>() {}
    check::<PaymentError>();
    check::<crate::Error>();
    let e: crate::Error = PaymentError::PhasingGap { year: 2 }.into();
    assert_eq!(
        e.to_string(),
        "the incentive phasing schedule does not cover contract year 2"
    );
}

#[test]
fn simulation_is_deterministic_and_ordered() {
    let c = contract();
    let base = c.uniform_outturn(3, Share::ONE).unwrap();
    let sim = Simulation {
        year: 3,
        scenarios: 20_000,
        seed: 42,
        indicators: c
            .indicator_ids()
            .iter()
            .map(|id| {
                (
                    id.clone(),
                    Draw::Uniform {
                        low: share("0.5"),
                        high: Share::ONE,
                    },
                )
            })
            .collect(),
        milestones: [("M4".to_owned(), Draw::Bernoulli { p: share("0.7") })].into(),
        activity: Some(UnitsRange {
            low: 900,
            high: 1_100,
        }),
        actual_cost: Some(CostRange {
            low: Money::from_pounds(4_600_000),
            mode: Money::from_pounds(5_000_000),
            high: Money::from_pounds(5_400_000),
        }),
        base,
        percentiles: vec![share("0.05"), share("0.5"), share("0.95")],
    };
    let a = simulate(&c, &sim).unwrap();
    let b = simulate(&c, &sim).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.scenarios, 20_000);
    let d = &a.total_due;
    let p5 = d.percentile(share("0.05")).unwrap();
    let p50 = d.percentile(share("0.5")).unwrap();
    let p95 = d.percentile(share("0.95")).unwrap();
    assert!(d.min <= p5 && p5 <= p50 && p50 <= p95 && p95 <= d.max);
    assert!(d.mean > d.min && d.mean < d.max && d.std_dev_pounds > 0.0);
    // The same on one thread as on all: chunks have their own random streams.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    assert_eq!(pool.install(|| simulate(&c, &sim)).unwrap(), a);
    let other = simulate(
        &c,
        &Simulation {
            seed: 43,
            ..sim.clone()
        },
    )
    .unwrap();
    assert_ne!(other.total_due.mean, a.total_due.mean);

    let mut bad = sim.clone();
    bad.indicators
        .insert("NOPE".into(), Draw::Fixed { value: Share::ONE });
    assert!(matches!(
        simulate(&c, &bad),
        Err(PaymentError::InvalidSimulation { .. })
    ));
    let bad = Simulation {
        scenarios: MAX_SCENARIOS + 1,
        ..sim.clone()
    };
    assert!(simulate(&c, &bad).is_err());
    let bad = Simulation {
        scenarios: 0,
        ..sim.clone()
    };
    assert!(simulate(&c, &bad).is_err());
    let mut bad = sim;
    bad.indicators.insert(
        "I1".into(),
        Draw::Uniform {
            low: Share::ONE,
            high: Share::ZERO,
        },
    );
    assert!(simulate(&c, &bad).is_err());
}

#[test]
fn evaluate_matches_settle() {
    let c = contract();
    let base = c.uniform_outturn(3, Share::ONE).unwrap();
    let scenarios: Vec<YearAchievement> = (0..=10)
        .map(|i| {
            [("I2".to_owned(), Share::new(Decimal::new(i, 1)).unwrap())]
                .into_iter()
                .collect()
        })
        .collect();
    let r = evaluate(&c, 3, &base, &scenarios, &[share("0.5"), Share::ONE]).unwrap();
    let mut mid = base.clone();
    mid.achievement.insert("I2", share("0.5"));
    assert_eq!(
        r.total_due.percentile(share("0.5")).unwrap(),
        c.settle(3, &mid).unwrap().total_due()
    );
    assert_eq!(r.total_due.max, c.settle(3, &base).unwrap().total_due());
    assert!(evaluate(&c, 3, &base, &[], &[]).is_err());
}

// ---- properties ----

fn dec4(n: u32) -> Decimal {
    Decimal::new(i64::from(n), 4)
}

prop_compose! {
    fn arb_contract()(
        base in 100_000i64..5_000_000_000,
        comm in proptest::collection::vec(1u32..1000, 1..5),
        at_risk in 20u32..=2000,
        on_m in 0u32..=10_000,
        weights in proptest::collection::vec(1u32..5, 1..8),
        formula in 0u8..3,
        met_at in 5000u32..=10_000,
        cquin in 0u8..3,
        paid_advance in any::<bool>(),
        threshold in 0u32..500,
        excess in any::<bool>(),
        c2 in 1u32..3000,
        r1 in 0u32..=10_000,
        r2 in 0u32..=10_000,
        cap in proptest::option::of(0u32..2000),
        quality in 0u8..3,
    ) -> RawContract {
        let mut raw = base_raw();
        raw.base_value = Money::from_pence(base);
        let total: u32 = comm.iter().sum();
        let mut shares: Vec<Decimal> = comm.iter().map(|c| (Decimal::from(*c) / Decimal::from(total)).round_dp(6)).collect();
        let rest: Decimal = shares.iter().skip(1).copied().sum();
        shares[0] = Decimal::ONE - rest;
        raw.commissioners = shares.iter().enumerate().map(|(i, s)| Commissioner {
            id: format!("C{i}"), name: format!("Commissioner {i}"), share: *s }).collect();
        for p in &mut raw.incentive.phasing {
            p.at_risk = dec4(at_risk);
            p.on_milestones = dec4(on_m);
        }
        raw.incentive.indicators = weights.iter().enumerate().map(|(i, w)| Indicator {
            id: format!("I{i}"), weight: Decimal::from(*w) }).collect();
        raw.incentive.formula = match formula {
            0 => Formula::Proportional,
            1 => Formula::ProportionMet { met_at: dec4(met_at) },
            _ => Formula::Banded { met_at: dec4(met_at), bands: vec![
                Band { from: dec!(0), pays: dec!(0) },
                Band { from: dec!(0.5), pays: dec!(0.6) },
                Band { from: dec!(0.8), pays: dec!(0.9) },
                Band { from: dec!(1), pays: dec!(1) },
            ] },
        };
        raw.incentive.paid = if paid_advance {
            IncentivePaid::InAdvance { assumed: dec!(1) }
        } else {
            IncentivePaid::InArrears
        };
        match cquin {
            0 => raw.cquin = None,
            1 => {}
            _ => if let Some(c) = raw.cquin.as_mut() { c.funding = CquinFunding::WithinIncentive; c.rate = dec!(0.001); },
        }
        let rs = raw.risk_share.as_mut().unwrap();
        for s in [&mut rs.gain, rs.loss.as_mut().unwrap()] {
            s.threshold = dec4(threshold);
            s.sharing = if excess { Sharing::ExcessOnly } else { Sharing::FirstPound };
            s.corridors = vec![
                Corridor { from: dec!(0), rate: dec4(r1) },
                Corridor { from: dec4(c2), rate: dec4(r2) },
            ];
            s.caps = cap.map(|c| vec![
                Cap { share: dec4(c), of: CapBase::TargetCost },
                Cap { share: dec4(c * 2), of: CapBase::ContractValue },
            ]).unwrap_or_default();
        }
        rs.quality = match quality {
            0 => QualityRule::None,
            1 => QualityRule::Scaled,
            _ => QualityRule::Gate { min: dec!(0.6) },
        };
        raw
    }
}

fn outturn_for(c: &Contract, year: u32, values: &[u32], cost: i64, activity: i64) -> YearOutturn {
    let mut o = c.uniform_outturn(year, Share::ONE).unwrap();
    let n = values.len();
    for (i, id) in c.indicator_ids().iter().enumerate() {
        o.achievement
            .insert(id.clone(), Share::new(dec4(values[i % n])).unwrap());
    }
    let ms: Vec<String> = o.milestones.iter().map(|(k, _)| k.to_owned()).collect();
    for (i, id) in ms.iter().enumerate() {
        o.milestones
            .insert(id.clone(), Share::new(dec4(values[(i + 3) % n])).unwrap());
    }
    o.actual_cost = Some(Money::from_pence(cost));
    o.activity = Some(activity);
    o
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn prop_statement_adds_up(raw in arb_contract(),
                              year in 1u32..=3,
                              values in proptest::collection::vec(0u32..=10_000, 1..12),
                              cost in 300_000_000i64..700_000_000,
                              activity in 800i64..1200) {
        let c = Contract::new(raw).unwrap();
        let o = outturn_for(&c, year, &values, cost, activity);
        let s = c.settle(year, &o).unwrap();
        let st = c.render(&s, &o).unwrap();
        // Instalments sum to the amount paid on account; lines sum to the total due.
        prop_assert_eq!(Money::sum(s.instalments()).unwrap(), st.paid_on_account);
        prop_assert_eq!(Money::sum(st.lines.iter().map(|l| l.amount)).unwrap(), st.total_due);
        prop_assert_eq!(st.total_due.checked_sub(st.paid_on_account).unwrap(), st.balance.signed());
        // Commissioner shares sum to each line, each instalment, and each total.
        for l in &st.lines {
            prop_assert_eq!(Money::sum(l.by_commissioner.iter().copied()).unwrap(), l.amount);
        }
        for i in &st.instalments {
            prop_assert_eq!(Money::sum(i.by_commissioner.iter().copied()).unwrap(), i.amount);
        }
        prop_assert_eq!(Money::sum(st.commissioners.iter().map(|c| c.due)).unwrap(), st.total_due);
        prop_assert_eq!(Money::sum(st.commissioners.iter().map(|c| c.paid)).unwrap(), st.paid_on_account);
        prop_assert_eq!(Money::sum(st.commissioners.iter().map(|c| c.balance)).unwrap(), st.balance.signed());
        // Parties' parts sum to the shared amount.
        let gl = s.gain_loss.as_ref().unwrap();
        prop_assert_eq!(Money::sum(s.party_shares()).unwrap(), Money::from_pence(gl.shared));
        // Deterministic.
        prop_assert_eq!(&c.settle(year, &o).unwrap(), &s);
    }

    #[test]
    fn prop_more_achievement_never_pays_less(raw in arb_contract(),
                                             year in 1u32..=3,
                                             values in proptest::collection::vec(0u32..=10_000, 1..12),
                                             bump in 0usize..12,
                                             by in 1u32..=10_000,
                                             cost in 300_000_000i64..700_000_000) {
        let c = Contract::new(raw).unwrap();
        let o = outturn_for(&c, year, &values, cost, 1000);
        let before = c.settle(year, &o).unwrap();
        let mut better = o.clone();
        let ids: Vec<String> = c.indicator_ids().iter().chain(c.milestone_ids()).cloned().collect();
        let id = &ids[bump % ids.len()];
        if let Some(a) = better.achievement.get(id) {
            better.achievement.insert(id.clone(), Share::saturating(a.as_decimal() + dec4(by)));
        }
        if let Some(a) = better.milestones.get(id) {
            better.milestones.insert(id.clone(), Share::saturating(a.as_decimal() + dec4(by)));
        }
        let after = c.settle(year, &better).unwrap();
        prop_assert!(after.total_due() >= before.total_due());
        prop_assert!(after.incentive_earned() >= before.incentive_earned());
    }

    #[test]
    fn prop_zero_achievement_pays_fixed_only(raw in arb_contract(), year in 1u32..=3) {
        let c = Contract::new(raw).unwrap();
        let o = c.uniform_outturn(year, Share::ZERO).unwrap();
        let s = c.settle(year, &o).unwrap();
        prop_assert_eq!(s.total_due(), c.fixed_element(year).unwrap());
    }

    #[test]
    fn prop_full_achievement_in_advance_reconciles_to_zero(raw in arb_contract(), year in 1u32..=3) {
        let mut raw = raw;
        raw.incentive.paid = IncentivePaid::InAdvance { assumed: dec!(1) };
        let c = Contract::new(raw).unwrap();
        let o = c.uniform_outturn(year, Share::ONE).unwrap();
        let s = c.settle(year, &o).unwrap();
        prop_assert_eq!(s.balance(), Balance::Settled);
    }

    #[test]
    fn prop_no_cap_is_exceeded(raw in arb_contract(), year in 1u32..=3,
                               cost in 0i64..1_000_000_000) {
        let c = Contract::new(raw).unwrap();
        let mut o = c.uniform_outturn(year, Share::ONE).unwrap();
        o.actual_cost = Some(Money::from_pence(cost));
        let s = c.settle(year, &o).unwrap();
        let gl = s.gain_loss.as_ref().unwrap();
        let terms = c.terms().risk_share.as_ref().unwrap();
        let side = if gl.variance >= 0 { &terms.gain } else { terms.loss.as_ref().unwrap() };
        let target = Decimal::from(5_000_000);
        let value = c.base_value(year).unwrap().as_decimal();
        for cap in &side.caps {
            let base = match &cap.of {
                CapBase::TargetCost => target,
                CapBase::ContractValue => value,
                CapBase::Revenue { amount } => amount.as_decimal(),
            };
            let shared = Money::from_pence(gl.shared).abs().as_decimal();
            prop_assert!(shared <= cap.share * base, "{} > {} × {}", shared, cap.share, base);
        }
        // And nothing is shared beyond the variance itself.
        prop_assert!(gl.shared.abs() <= gl.variance.abs());
    }
}

#[test]
fn weighted_instalments_follow_the_profile() {
    let mut raw = base_raw();
    // Working days of 2018/19, April first (illustrative profile).
    let days = [19, 21, 21, 22, 22, 20, 23, 22, 17, 22, 20, 21];
    raw.instalments = InstalmentProfile::Weights {
        weights: days.iter().map(|d| Decimal::from(*d)).collect(),
    };
    let c = Contract::new(raw).unwrap();
    let planned = c.planned_instalments(1).unwrap();
    let total = Money::sum(planned).unwrap();
    assert_eq!(
        total,
        c.settle(1, &c.uniform_outturn(1, Share::ONE).unwrap())
            .unwrap()
            .paid_on_account()
    );
    // December (17 days) is the smallest instalment, July (23) the largest.
    assert_eq!(planned.iter().min(), Some(&planned[8]));
    assert_eq!(planned.iter().max(), Some(&planned[6]));
}

#[test]
fn quality_scales_or_gates_gains_only() {
    let mut raw = base_raw();
    raw.risk_share.as_mut().unwrap().quality = QualityRule::Scaled;
    let c = Contract::new(raw.clone()).unwrap();
    let mut o = c.uniform_outturn(3, share("0.8")).unwrap();
    o.actual_cost = Some(Money::from_pounds(4_850_000));
    let s = c.settle(3, &o).unwrap();
    // 150,000 saving × 50% = 75,000, × outcome score 0.8 = 60,000; the lead has half.
    assert_eq!(s.outcome_score(), Some(share("0.8")));
    assert_eq!(
        s.element(Element::GainLossShare),
        Money::from_pounds(30_000)
    );
    let st = c.render(&s, &o).unwrap();
    assert!(
        st.details
            .iter()
            .any(|d| d.label == "Gain/loss: after quality")
    );
    // Losses are not moderated by quality.
    o.actual_cost = Some(Money::from_pounds(5_150_000));
    let s = c.settle(3, &o).unwrap();
    assert_eq!(
        s.element(Element::GainLossShare),
        Money::from_pounds(-7_500)
    );

    raw.risk_share.as_mut().unwrap().quality = QualityRule::Gate { min: dec!(0.9) };
    let c = Contract::new(raw).unwrap();
    o.actual_cost = Some(Money::from_pounds(4_850_000));
    assert_eq!(
        c.settle(3, &o).unwrap().element(Element::GainLossShare),
        Money::ZERO
    );
    let full = {
        let mut f = c.uniform_outturn(3, share("0.9")).unwrap();
        f.actual_cost = Some(Money::from_pounds(4_850_000));
        f
    };
    assert_eq!(
        c.settle(3, &full).unwrap().element(Element::GainLossShare),
        Money::from_pounds(37_500)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn prop_simulation_percentiles_are_ordered_and_exact(
        raw in arb_contract(), seed in any::<u64>(), p in 0u32..=10_000, n in 1u64..3_000) {
        let c = Contract::new(raw).unwrap();
        let base = c.uniform_outturn(3, Share::ONE).unwrap();
        let sim = Simulation {
            year: 3,
            scenarios: n,
            seed,
            indicators: c.indicator_ids().iter()
                .map(|id| (id.clone(), Draw::Bernoulli { p: Share::new(dec4(p)).unwrap() }))
                .collect(),
            milestones: BTreeMap::new(),
            activity: None,
            actual_cost: Some(CostRange {
                low: Money::from_pounds(4_500_000),
                mode: Money::from_pounds(5_000_000),
                high: Money::from_pounds(5_500_000),
            }),
            base,
            percentiles: vec![share("0.01"), share("0.5"), Share::ONE],
        };
        let r = simulate(&c, &sim).unwrap();
        prop_assert_eq!(r.scenarios, n);
        for d in [&r.total_due, &r.incentive_earned, &r.balance] {
            let ps: Vec<Money> = d.percentiles.iter().map(|x| x.amount).collect();
            prop_assert!(ps.windows(2).all(|w| w[0] <= w[1]));
            prop_assert_eq!(ps[2], d.max);
            prop_assert!(d.min <= d.mean && d.mean <= d.max);
        }
        // The incentive never exceeds the pot (plus CQUIN when it is added to the fixed element).
        let fixed = c.fixed_element(3).unwrap();
        let value = c.base_value(3).unwrap();
        prop_assert!(r.incentive_earned.max <= value.checked_sub(fixed).unwrap()
            .checked_add(c.settle(3, &c.uniform_outturn(3, Share::ONE).unwrap()).unwrap()
                .element(Element::CquinAdvance)).unwrap());
    }
}
