//! Benchmarks of route-map-core: allocation to the penny at national scale, working-day
//! arithmetic, and scheduling a programme with its critical path. Each asserts its result.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use route_map::core::route_map::{PlannedStep, Programme, RawProgramme, RouteMap};
use route_map::core::{Money, WorkingDayCalendar};
use rust_decimal::Decimal;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// About 7,000 practices with list sizes from 1,000 to 30,000, deterministic.
fn practice_lists() -> Vec<Decimal> {
    (0u64..7_000)
        .map(|i| Decimal::from(1_000 + (i * 7_919) % 29_000))
        .collect()
}

fn allocate(c: &mut Criterion) {
    let weights = practice_lists();
    // A national primary care envelope of about £9.1 billion, with odd pence.
    let total = Money::from_pence(912_345_678_901);
    c.bench_function("core/allocate/7000_practices", |b| {
        b.iter(|| {
            let parts = black_box(total).allocate(black_box(&weights)).unwrap();
            assert_eq!(parts.len(), 7_000);
            parts
        });
    });
    let parts = total.allocate(&weights).unwrap();
    assert_eq!(Money::sum(parts).unwrap(), total);
}

fn working_days(c: &mut Criterion) {
    let cal = WorkingDayCalendar::england_and_wales().unwrap();
    let start = d(2017, 12, 22);
    c.bench_function("core/working_days/add_250", |b| {
        b.iter(|| {
            cal.add_working_days(black_box(start), black_box(250))
                .unwrap()
        });
    });
    let end = cal.add_working_days(start, 250).unwrap();
    assert_eq!(cal.working_days_between(start, end).unwrap(), 250);
    c.bench_function("core/working_days/count_2013_2030", |b| {
        b.iter(|| {
            let n = cal
                .working_days_between(black_box(d(2013, 1, 1)), black_box(d(2030, 12, 31)))
                .unwrap();
            assert!(n > 4_400 && n < 4_600);
            n
        });
    });
}

/// A layered plan of `n` steps, each depending on up to three steps of the layer before.
fn layered_plan(n: usize) -> RawProgramme {
    let width = 20;
    let steps = (0..n)
        .map(|i| {
            let layer = i / width;
            let depends_on = if layer == 0 {
                vec![]
            } else {
                (0..3)
                    .map(|k| format!("s{}", (layer - 1) * width + (i * 7 + k * 3) % width))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect()
            };
            PlannedStep {
                id: format!("s{i}"),
                name: format!("step {i}"),
                route_map: vec![],
                depends_on,
                working_days: u32::try_from(1 + (i * 13) % 9).unwrap(),
                not_before: None,
                may_send_back: vec![],
                note: None,
            }
        })
        .collect();
    RawProgramme {
        name: "bench".into(),
        start: d(2017, 4, 3),
        steps,
        records: vec![],
    }
}

fn schedule(c: &mut Criterion) {
    let cal = WorkingDayCalendar::england_and_wales().unwrap();
    let map = RouteMap::embedded().unwrap();
    let programme = Programme::with_route_map(layered_plan(1_000), map).unwrap();
    c.bench_function("core/schedule/1000_steps", |b| {
        b.iter(|| {
            let s = black_box(&programme)
                .schedule(black_box(d(2017, 4, 3)), cal)
                .unwrap();
            assert_eq!(s.steps.len(), 1_000);
            assert!(!s.critical_path.is_empty());
            s
        });
    });
    c.bench_function("core/programme_new/1000_steps", |b| {
        b.iter(|| Programme::with_route_map(black_box(layered_plan(1_000)), map).unwrap());
    });
}

criterion_group!(benches, allocate, working_days, schedule);
criterion_main!(benches);
