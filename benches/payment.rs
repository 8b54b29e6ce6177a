//! Benchmarks of the payment engine: settling one contract year (every element: fixed,
//! milestones, outcomes by the agreed formula, CQUIN, variable element, gain/loss share with
//! corridors, caps and quality scaling, two commissioners, twelve instalments) and a batch
//! Monte Carlo of 100,000 and of 1,000,000 scenarios on all cores.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use route_map::capitation::payment::{Contract, Draw, Element, Simulation, YearOutturn, simulate};
use route_map::core::{Money, Share};
use serde_json::json;

/// A three-year contract with `n` outcome indicators and every element.
fn contract(n: usize) -> Contract {
    let indicators: Vec<_> = (0..n)
        .map(|i| json!({ "id": format!("OF{i:03}"), "weight": format!("{}", 1 + i % 3) }))
        .collect();
    let raw = json!({
        "name": "Bench contract", "provider": "Lead provider",
        "first_year": "2018/19", "years": 3, "base_value": "21700479",
        "roll_forward": [{ "year": 3, "growth": "0.021", "efficiency": "0.02" }],
        "commissioners": [
            { "id": "05A", "name": "CCG", "share": "0.7" },
            { "id": "E08000026", "name": "Council", "share": "0.3" }
        ],
        "incentive": {
            "phasing": [
                { "from_year": 1, "to_year": 1, "at_risk": "0.03", "on_milestones": "1" },
                { "from_year": 2, "to_year": 3, "at_risk": "0.05", "on_milestones": "0.2" }
            ],
            "indicators": indicators,
            "milestones": [
                { "id": "M1", "description": "teams", "year": 1 },
                { "id": "M2", "description": "hubs", "year": 2 },
                { "id": "M3", "description": "scope", "year": 3, "weight": "2" },
                { "id": "M4", "description": "navigators", "year": 3 }
            ],
            "formula": { "kind": "proportional" },
            "paid": { "kind": "in_advance", "assumed": "1" }
        },
        "cquin": { "rate": "0.0125", "indicators": ["C1", "C2", "C3", "C4", "C5"],
                   "funding": "added_to_fixed" },
        "variable": { "activity": "attendances", "unit_price": "123.45",
                      "plan": [{ "year": 1, "units": 10000 }, { "year": 2, "units": 10000 },
                               { "year": 3, "units": 10000 }],
                      "above_plan": "0.2", "below_plan": "0.2" },
        "risk_share": {
            "basket": "avoidable emergency admissions",
            "targets": [{ "year": 1, "amount": "30000000" }, { "year": 2, "amount": "30000000" },
                        { "year": 3, "amount": "30000000" }],
            "gain": { "threshold": "0.02", "sharing": "first_pound",
                      "corridors": [{ "from": "0", "rate": "0.5" }, { "from": "0.05", "rate": "0.25" }],
                      "caps": [{ "share": "0.05", "of": { "kind": "contract_value" } }] },
            "loss": { "threshold": "0.02", "sharing": "excess_only",
                      "corridors": [{ "from": "0", "rate": "0.3" }] },
            "quality": { "kind": "scaled" },
            "parties": [
                { "id": "CCG", "name": "CCG", "role": "commissioner", "share": "0.4" },
                { "id": "LEAD", "name": "Lead", "role": "lead_provider", "share": "0.4" },
                { "id": "ACUTE", "name": "Acute", "role": "acute_provider", "share": "0.2" }
            ]
        }
    });
    serde_json::from_value(raw).unwrap()
}

fn outturn(c: &Contract) -> YearOutturn {
    let mut o = c.uniform_outturn(3, Share::ONE).unwrap();
    for (i, id) in c.indicator_ids().iter().enumerate() {
        let a: Share = format!("0.{:04}", 5000 + (i * 397) % 5000).parse().unwrap();
        o.achievement.insert(id.clone(), a);
    }
    o.activity = Some(10_250);
    o.actual_cost = Some("28950000.00".parse().unwrap());
    o
}

fn settle_year(c: &mut Criterion) {
    let mut group = c.benchmark_group("capitation/payment/settle_year");
    for n in [5usize, 20, 100] {
        let contract = contract(n);
        let o = outturn(&contract);
        let s = contract.settle(3, &o).unwrap();
        // The result is checked before it is timed.
        assert!(s.element(Element::Outcomes) > Money::ZERO);
        assert!(s.element(Element::GainLossShare) > Money::ZERO);
        assert_eq!(
            s.balance().signed(),
            s.total_due().checked_sub(s.paid_on_account()).unwrap()
        );
        assert_eq!(Money::sum(s.instalments()).unwrap(), s.paid_on_account());
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{n}_indicators")),
            &n,
            |b, _| b.iter(|| contract.settle(black_box(3), black_box(&o)).unwrap()),
        );
    }
    group.finish();
}

fn monte_carlo(c: &mut Criterion) {
    let contract = contract(20);
    let base = outturn(&contract);
    let indicators = contract
        .indicator_ids()
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let draw = if i % 2 == 0 {
                Draw::Bernoulli {
                    p: "0.75".parse().unwrap(),
                }
            } else {
                Draw::Uniform {
                    low: "0.4".parse().unwrap(),
                    high: Share::ONE,
                }
            };
            (id.clone(), draw)
        })
        .collect();
    let sim = Simulation {
        year: 3,
        scenarios: 100_000,
        seed: 2017,
        indicators,
        milestones: Default::default(),
        activity: None,
        actual_cost: Some(route_map::capitation::payment::CostRange {
            low: "27000000".parse().unwrap(),
            mode: "29500000".parse().unwrap(),
            high: "33000000".parse().unwrap(),
        }),
        base,
        percentiles: ["0.05", "0.5", "0.95"]
            .iter()
            .map(|p| p.parse().unwrap())
            .collect(),
    };
    let r = simulate(&contract, &sim).unwrap();
    assert_eq!(r.scenarios, 100_000);
    assert!(r.total_due.min < r.total_due.max);
    assert_eq!(r, simulate(&contract, &sim).unwrap());
    let mut group = c.benchmark_group("capitation/payment/monte_carlo");
    group.sample_size(10);
    group.bench_function("100k", |b| {
        b.iter(|| simulate(black_box(&contract), black_box(&sim)).unwrap())
    });
    // The target: a million scenarios in under 3 seconds on both cores.
    let million = Simulation {
        scenarios: 1_000_000,
        ..sim.clone()
    };
    group.bench_function("1m", |b| {
        b.iter(|| simulate(black_box(&contract), black_box(&million)).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = settle_year, monte_carlo
}
criterion_main!(benches);
