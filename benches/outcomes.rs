//! Benchmarks of the outcomes crate: scoring the Coventry and Warwickshire framework shape for
//! a contract year, one achievement curve, importing Fingertips data (an embedded sample in
//! the compact layout of the North West extract), and the exact intervals. Each asserts its
//! result.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use route_map::outcomes::curve::Curve;
use route_map::outcomes::fingertips::{self, Layout};
use route_map::outcomes::stats::funnel::exact_proportion_limits;
use route_map::outcomes::stats::{ConfidenceLevel, DsrStratum, clopper_pearson, dsr};
use route_map::outcomes::{Polarity, templates};
use rust_decimal::Decimal;

fn score(c: &mut Criterion) {
    let framework = templates::coventry_warwickshire().unwrap();
    let results = templates::coventry_warwickshire_sample_results().unwrap();
    let expected = framework.score(&results, 3).unwrap();
    c.bench_function("outcomes/score/framework_year", |b| {
        b.iter(|| {
            let s = framework.score(black_box(&results), black_box(3)).unwrap();
            assert_eq!(s.achievement, expected.achievement);
            s
        });
    });
    // Year 3 pays on outcomes only: the milestones-only domain drops out of the six.
    assert_eq!(expected.domains.len(), 5);
    assert_eq!(expected.indicators.len(), 9);
}

fn curve(c: &mut Criterion) {
    let curve = Curve::Linear {
        lower: Decimal::from(60),
        upper: Decimal::from(80),
    };
    let value = Decimal::new(725, 1); // 72.5% uptake: 62.5% achievement
    c.bench_function("outcomes/curve/achievement", |b| {
        b.iter(|| {
            let a = black_box(&curve)
                .achievement(black_box(value), Polarity::HigherIsBetter)
                .unwrap();
            assert_eq!(a.as_decimal(), Decimal::new(625, 3));
            a
        });
    });
}

/// 2,000 rows in the compact layout of `fingertips-north-west/healthdata.csv`: 20 areas, 5
/// indicators, 20 years, with counts, denominators and limits. Deterministic, illustrative.
fn compact_sample() -> String {
    let mut text = String::from(
        "\u{feff}IndicatorId,Category,CategoryType,Age,Sex,Trend,Denominator,CategoryTypeId,UpperCI,Value,Count,AreaCode,SexID,AgeID,Year,LowerCI,CategoryId\n",
    );
    for indicator in ["93474", "20401", "41203", "22401", "241"] {
        for area in 0..20u32 {
            for year in 2005..2025u32 {
                let count = 100 + (area * 37 + year * 11) % 900;
                let denominator = 10_000 + area * 1_000;
                let value = f64::from(count) / f64::from(denominator) * 100.0;
                writeln!(
                    text,
                    "{indicator},\"\",\"\",All ages,Persons,\"\",{denominator},,{:.5},{value:.5},{count},E0800{area:04},4,1,{year},{:.5},",
                    value * 1.1,
                    value * 0.9,
                )
                .unwrap();
            }
        }
    }
    text
}

fn import(c: &mut Criterion) {
    let sample = compact_sample();
    c.bench_function("outcomes/fingertips/import", |b| {
        b.iter(|| {
            let imp = fingertips::read(black_box(sample.as_bytes()), "sample.csv").unwrap();
            assert_eq!(imp.layout, Layout::Compact);
            assert_eq!(imp.observations.len(), 2_000);
            imp
        });
    });
}

fn intervals(c: &mut Criterion) {
    let esp = [5_500.0, 5_000.0, 4_000.0, 2_500.0, 1_500.0, 1_000.0];
    let strata: Vec<DsrStratum> = esp
        .iter()
        .zip([120.0, 150.0, 210.0, 280.0, 300.0, 260.0])
        .zip([16_000.0, 14_000.0, 10_500.0, 7_800.0, 4_700.0, 2_400.0])
        .map(|((&standard, events), population)| DsrStratum {
            events,
            population,
            standard,
        })
        .collect();
    c.bench_function("outcomes/stats/dsr_6_bands", |b| {
        b.iter(|| {
            let d = dsr(black_box(&strata), 100_000.0).unwrap();
            let ci = d.interval(ConfidenceLevel::P998).unwrap();
            assert!(ci.lower < d.rate && d.rate < ci.upper);
            ci
        });
    });
    c.bench_function("outcomes/stats/clopper_pearson_9241", |b| {
        b.iter(|| {
            let ci =
                clopper_pearson(black_box(729), black_box(9_241), ConfidenceLevel::P95).unwrap();
            assert!((ci.lower - 0.073_470_809_738_641_76).abs() < 1e-10);
            ci
        });
    });
    c.bench_function("outcomes/stats/exact_funnel_limits_1000", |b| {
        b.iter(|| {
            let l =
                exact_proportion_limits(black_box(0.3), black_box(1_000), ConfidenceLevel::P998)
                    .unwrap();
            assert!((l.lower - 0.255_302_819_716_496_93).abs() < 1e-9);
            l
        });
    });
}

criterion_group!(benches, score, curve, import, intervals);
criterion_main!(benches);
