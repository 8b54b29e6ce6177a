//! Benchmarks of the capitation crate: segmentation of generated people into the Devon scheme
//! (3 age bands by 8 needs), columnar on all cores, at one and ten million people.
//!
//! `cargo bench --bench capitation -- --warm-up-time 1 --measurement-time 3`

use capitation::person::synthetic::Generator;
use capitation::{
    ConditionCatalogue, PeopleColumns, Person, Places, SegmentationScheme, Segmenter, Services,
};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const SERVICES: [&str; 3] = ["primary", "acute", "community"];

fn columns(n: usize) -> PeopleColumns {
    let mut cols = PeopleColumns::with_capacity(SERVICES.len(), n);
    for p in Generator::new(2026, 365, SERVICES.len(), 7_000)
        .unwrap()
        .take(n)
    {
        cols.push(&p);
    }
    cols
}

fn segment(c: &mut Criterion) {
    let catalogue = ConditionCatalogue::builtin().unwrap();
    let scheme = SegmentationScheme::devon()
        .unwrap()
        .compile(catalogue, &mut Places::default())
        .unwrap();
    let services = Services::new(SERVICES).unwrap();
    let seg = Segmenter::new(&scheme, &services, 365).unwrap();

    let mut group = c.benchmark_group("capitation/segment");
    group.sample_size(10);
    for (label, n) in [("1m", 1_000_000usize), ("10m", 10_000_000)] {
        let cols = columns(n);
        // The columnar path agrees with the row-by-row rule walk.
        let expected = seg.aggregate((0..n).filter_map(|i| cols.get(i))).unwrap();
        assert_eq!(expected.people(), n as u64);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::from_parameter(label), |b| {
            b.iter(|| {
                let totals = seg.aggregate_columns(black_box(&cols)).unwrap();
                assert_eq!(totals, expected);
                totals
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("capitation/segment_rows");
    group.sample_size(10);
    let n = 1_000_000usize;
    let people: Vec<Person> = Generator::new(2026, 365, SERVICES.len(), 7_000)
        .unwrap()
        .take(n)
        .collect();
    let expected = seg.aggregate(people.iter().copied()).unwrap();
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("1m", |b| {
        b.iter(|| {
            let totals = seg.aggregate_slice(black_box(&people)).unwrap();
            assert_eq!(totals, expected);
            totals
        })
    });
    group.bench_function("1m_single_thread", |b| {
        b.iter(|| {
            let totals = seg.aggregate(black_box(&people).iter().copied()).unwrap();
            assert_eq!(totals, expected);
            totals
        })
    });
    group.finish();
}

criterion_group!(benches, segment);
criterion_main!(benches);
