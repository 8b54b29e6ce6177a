//! Benchmarks of the appraisal crate: Monte Carlo weight sensitivity on 10 options by
//! 20 criteria with 1,000 weight samples.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use route_map::appraisal::matrix::{
    CriterionSpec, DecisionMatrix, Direction, Normalisation, RawDecisionMatrix,
};
use route_map::appraisal::methods::Method;
use route_map::appraisal::sensitivity::{MonteCarlo, WeightSampling, monte_carlo};

/// Ten options by twenty criteria of Likert medians; option 0 is half a point better on
/// every criterion, so it must rank first in every sample.
fn problem() -> DecisionMatrix {
    let mut rng = ChaCha8Rng::seed_from_u64(2017);
    let mut values: Vec<Vec<f64>> = (0..10)
        .map(|_| {
            (0..20)
                .map(|_| f64::from(rng.random_range(1u8..=4)))
                .collect()
        })
        .collect();
    let best: Vec<f64> = (0..20)
        .map(|j| values.iter().map(|r| r[j]).fold(0.0, f64::max) + 0.5)
        .collect();
    values[0] = best;
    DecisionMatrix::new(RawDecisionMatrix {
        options: (0..10).map(|i| format!("option {i}")).collect(),
        criteria: (0..20)
            .map(|j| CriterionSpec {
                id: format!("criterion {j}"),
                direction: Direction::Benefit,
                weight: 1.0 + f64::from(j % 3),
            })
            .collect(),
        values,
    })
    .unwrap()
}

fn sensitivity(c: &mut Criterion) {
    let m = problem();
    let settings = MonteCarlo {
        samples: 1_000,
        sampling: WeightSampling::UniformSimplex,
        seed: 42,
    };
    let wsm = Method::WeightedSum {
        normalisation: Normalisation::None,
    };
    let topsis = Method::Topsis {
        normalisation: Normalisation::Vector,
    };
    c.bench_function("appraisal/sensitivity/10x20x1000", |b| {
        b.iter(|| {
            let r = monte_carlo(black_box(&m), &wsm, &settings).unwrap();
            assert_eq!(r.first_share[0], 1.0);
            r
        });
    });
    c.bench_function("appraisal/sensitivity_topsis/10x20x1000", |b| {
        b.iter(|| {
            let r = monte_carlo(black_box(&m), &topsis, &settings).unwrap();
            assert_eq!(r.first_share[0], 1.0);
            r
        });
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = sensitivity
}
criterion_main!(benches);
