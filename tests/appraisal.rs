//! Integration tests: appraisal. Published worked examples are data under
//! tests/cases/appraisal/, each with its source; property tests cover the invariants the
//! methods must keep.

use proptest::prelude::*;
use route_map::appraisal::Error;
use route_map::appraisal::ahp::{PairwiseMatrix, RandomIndexTable, WeightDerivation};
use route_map::appraisal::appraise::{Settings, appraise};
use route_map::appraisal::matrix::{
    CriterionSpec, DecisionMatrix, Direction, Normalisation, RawDecisionMatrix,
};
use route_map::appraisal::methods::{Method, PreferenceFunction};
use route_map::appraisal::model::{Appraisal, Assessor, ScoreEntry};
use route_map::appraisal::rankagg::{Aggregation, aggregate_scores, ballot_from_order};
use route_map::appraisal::stats::tastle_wierman;
use route_map::appraisal::survey::{SurveyItem, SurveyLayout, SurveyMapping, import};
use route_map::appraisal::templates::Template;
use route_map::core::SourceRef;
use serde::Deserialize;

fn cases() -> Cases {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases/appraisal/worked_examples.toml");
    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[derive(Deserialize)]
struct Cases {
    topsis: Vec<TopsisCase>,
    ahp: Vec<AhpCase>,
    borda: Vec<BordaCase>,
    consensus: Vec<ConsensusCase>,
    promethee: Vec<MatrixCase>,
    wsm: Vec<MatrixCase>,
}

#[derive(Deserialize)]
struct MatrixCase {
    name: String,
    options: Vec<String>,
    criteria: Vec<CriterionSpec>,
    values: Vec<Vec<f64>>,
    #[serde(default)]
    function: Option<PreferenceFunction>,
    expected: Vec<f64>,
    margin: f64,
    source: SourceRef,
}

#[derive(Deserialize)]
struct TopsisCase {
    name: String,
    normalisation: Normalisation,
    options: Vec<String>,
    criteria: Vec<CriterionSpec>,
    values: Vec<Vec<f64>>,
    expected: Vec<f64>,
    margin: f64,
    source: SourceRef,
}

#[derive(Deserialize)]
struct AhpCase {
    name: String,
    upper: Vec<f64>,
    expected_weights: Vec<f64>,
    expected_lambda_max: f64,
    expected_consistency_ratio: f64,
    margin: f64,
    source: SourceRef,
}

#[derive(Deserialize)]
struct Bloc {
    voters: usize,
    order: Vec<String>,
}

#[derive(Deserialize)]
struct BordaCase {
    name: String,
    options: Vec<String>,
    blocs: Vec<Bloc>,
    expected: Vec<f64>,
    source: SourceRef,
}

#[derive(Deserialize)]
struct ConsensusCase {
    name: String,
    counts: Vec<usize>,
    expected: f64,
    margin: f64,
    source: SourceRef,
}

#[test]
fn published_worked_examples() {
    let c = cases();
    for t in &c.topsis {
        assert!(!t.source.title.is_empty());
        let m = DecisionMatrix::new(RawDecisionMatrix {
            options: t.options.clone(),
            criteria: t.criteria.clone(),
            values: t.values.clone(),
        })
        .unwrap();
        let s = Method::Topsis {
            normalisation: t.normalisation,
        }
        .scores(&m)
        .unwrap();
        for (x, e) in s.iter().zip(&t.expected) {
            assert!((x - e).abs() <= t.margin, "{}: {s:?}", t.name);
        }
    }
    for a in &c.ahp {
        assert!(!a.source.title.is_empty());
        let n = a.expected_weights.len();
        let r = PairwiseMatrix::from_upper(n, &a.upper)
            .unwrap()
            .weights(WeightDerivation::Eigenvector, RandomIndexTable::Saaty)
            .unwrap();
        for (x, e) in r.weights.iter().zip(&a.expected_weights) {
            assert!((x - e).abs() <= a.margin, "{}", a.name);
        }
        assert!(
            (r.lambda_max - a.expected_lambda_max).abs() <= a.margin,
            "{}",
            a.name
        );
        assert!(
            (r.consistency_ratio - a.expected_consistency_ratio).abs() <= a.margin,
            "{}",
            a.name
        );
    }
    for b in &c.borda {
        assert!(!b.source.title.is_empty());
        let mut ballots = Vec::new();
        for bloc in &b.blocs {
            let order: Vec<&str> = bloc.order.iter().map(String::as_str).collect();
            for _ in 0..bloc.voters {
                ballots.push(ballot_from_order(&b.options, &order).unwrap());
            }
        }
        assert_eq!(
            aggregate_scores(&b.options, &ballots, Aggregation::Borda).unwrap(),
            b.expected,
            "{}",
            b.name
        );
    }
    for (cases, promethee) in [(&c.promethee, true), (&c.wsm, false)] {
        for p in cases {
            assert!(!p.source.title.is_empty());
            let m = DecisionMatrix::new(RawDecisionMatrix {
                options: p.options.clone(),
                criteria: p.criteria.clone(),
                values: p.values.clone(),
            })
            .unwrap();
            let method = if promethee {
                Method::PrometheeII {
                    functions: vec![p.function.unwrap(); p.criteria.len()],
                }
            } else {
                Method::WeightedSum {
                    normalisation: Normalisation::None,
                }
            };
            let s = method.scores(&m).unwrap();
            for (x, e) in s.iter().zip(&p.expected) {
                assert!((x - e).abs() <= p.margin, "{}: {s:?}", p.name);
            }
        }
    }
    for k in &c.consensus {
        assert!(!k.source.title.is_empty());
        assert!(
            (tastle_wierman(&k.counts).unwrap() - k.expected).abs() <= k.margin,
            "{}",
            k.name
        );
    }
}

fn matrix(values: &[Vec<f64>], weights: &[f64], directions: &[Direction]) -> DecisionMatrix {
    DecisionMatrix::new(RawDecisionMatrix {
        options: (0..values.len()).map(|i| format!("o{i}")).collect(),
        criteria: weights
            .iter()
            .zip(directions)
            .enumerate()
            .map(|(j, (w, d))| CriterionSpec {
                id: format!("c{j}"),
                direction: *d,
                weight: *w,
            })
            .collect(),
        values: values.to_vec(),
    })
    .unwrap()
}

fn methods(n_criteria: usize) -> Vec<Method> {
    vec![
        Method::WeightedSum {
            normalisation: Normalisation::None,
        },
        Method::WeightedSum {
            normalisation: Normalisation::MinMax,
        },
        Method::WeightedProduct {
            normalisation: Normalisation::Max,
        },
        Method::Topsis {
            normalisation: Normalisation::Vector,
        },
        Method::Topsis {
            normalisation: Normalisation::MinMax,
        },
        Method::PrometheeII {
            functions: vec![PreferenceFunction::Linear { q: 0.5, p: 2.0 }; n_criteria],
        },
    ]
}

/// A random problem: options x criteria of Likert-range values, positive weights.
fn problem() -> impl Strategy<Value = (Vec<Vec<f64>>, Vec<f64>, Vec<Direction>)> {
    (2usize..7, 1usize..6).prop_flat_map(|(n, k)| {
        (
            prop::collection::vec(prop::collection::vec((1u8..=5).prop_map(f64::from), k), n),
            prop::collection::vec(0.1f64..10.0, k),
            prop::collection::vec(
                prop_oneof![Just(Direction::Benefit), Just(Direction::Cost)],
                k,
            ),
        )
    })
}

fn answers(
    n_assessors: usize,
    n_options: usize,
    n_criteria: usize,
) -> impl Strategy<Value = Vec<Option<i64>>> {
    prop::collection::vec(
        prop_oneof![9 => (1i64..=5).prop_map(Some), 1 => Just(None)],
        n_assessors * n_options * n_criteria,
    )
}

fn likert(n_assessors: usize, scores: &[Option<i64>], assessor_order: &[usize]) -> Appraisal {
    let t = Template::get("contract_mechanism").unwrap();
    let (no, nc) = (t.options.len(), t.criteria.len());
    let assessors: Vec<Assessor> = assessor_order
        .iter()
        .map(|a| Assessor {
            id: format!("a{a}"),
            panel: None,
        })
        .collect();
    let mut entries = Vec::new();
    for &a in assessor_order {
        for (o, option) in t.options.iter().enumerate() {
            for (c, criterion) in t.criteria.iter().enumerate() {
                // Everyone answers the first criterion so that no item is empty.
                let s = scores[(a * no + o) * nc + c].or(if c == 0 { Some(3) } else { None });
                entries.push(ScoreEntry {
                    assessor: format!("a{a}"),
                    option: option.id.clone(),
                    criterion: criterion.id.clone(),
                    score: s,
                });
            }
        }
    }
    let mut raw = t.appraisal(assessors, entries);
    // Every criterion must have at least one answer per option: fill gaps from assessor 0.
    let _ = n_assessors;
    for s in &mut raw.scores {
        if s.score.is_none() && s.assessor == "a0" {
            s.score = Some(3);
        }
    }
    Appraisal::new(raw).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Summaries and weighted central scores stay on the 1 to 5 scale.
    #[test]
    fn prop_scores_stay_on_the_scale(scores in answers(6, 3, 7)) {
        let a = likert(6, &scores, &[0, 1, 2, 3, 4, 5]);
        let r = appraise(&a, &Settings::default()).unwrap();
        for item in &r.items {
            let s = &item.summary;
            for v in [s.median, s.mean, s.q1, s.q3] {
                prop_assert!((1.0..=5.0).contains(&v));
            }
            prop_assert!((0.0..=1.0).contains(&s.consensus));
        }
        for x in &r.ranking.order {
            prop_assert!((1.0..=5.0).contains(&x.score), "{}", x.score);
        }
    }

    /// The order in which assessors are listed changes nothing.
    #[test]
    fn prop_permuting_assessors_changes_nothing(scores in answers(5, 3, 7), perm in Just((0..5).collect::<Vec<usize>>()).prop_shuffle()) {
        let a = appraise(&likert(5, &scores, &[0, 1, 2, 3, 4]), &Settings::default()).unwrap();
        let b = appraise(&likert(5, &scores, &perm), &Settings::default()).unwrap();
        prop_assert_eq!(&a.ranking.order, &b.ranking.order);
        prop_assert_eq!(&a.items, &b.items);
    }

    /// Permuting the options permutes the scores with them, under every method.
    #[test]
    fn prop_permuting_options_changes_nothing((values, weights, dirs) in problem(), seed in any::<u64>()) {
        let m = matrix(&values, &weights, &dirs);
        let mut order: Vec<usize> = (0..values.len()).collect();
        // A deterministic shuffle from the seed.
        order.sort_by_key(|i| (seed.rotate_left(*i as u32 * 7) ^ (*i as u64 * 0x9E37_79B9)).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let permuted = DecisionMatrix::new(RawDecisionMatrix {
            options: order.iter().map(|i| format!("o{i}")).collect(),
            criteria: m.criteria().to_vec(),
            values: order.iter().map(|i| values[*i].clone()).collect(),
        }).unwrap();
        for method in methods(weights.len()) {
            let a = method.scores(&m).unwrap();
            let b = method.scores(&permuted).unwrap();
            for (pos, i) in order.iter().enumerate() {
                prop_assert!((a[*i] - b[pos]).abs() < 1e-9, "{method}");
            }
        }
    }

    /// Adding an option dominated on every criterion never changes the order of the
    /// others under the weighted sum (raw scores, as used on Likert medians).
    #[test]
    fn prop_dominated_option_does_not_reorder((values, weights, dirs) in problem()) {
        let m = matrix(&values, &weights, &dirs);
        let method = Method::WeightedSum { normalisation: Normalisation::None };
        let before = method.rank(&m).unwrap();
        let worst: Vec<f64> = dirs.iter().enumerate().map(|(j, d)| {
            let col = values.iter().map(|r| r[j]);
            match d { Direction::Benefit => col.fold(f64::INFINITY, f64::min) - 1.0, Direction::Cost => col.fold(f64::NEG_INFINITY, f64::max) + 1.0 }
        }).collect();
        let mut more = values.clone();
        more.push(worst);
        let after = method.rank(&matrix(&more, &weights, &dirs)).unwrap();
        let without: Vec<(String, usize)> = after.order.iter().filter(|r| r.option != format!("o{}", values.len())).map(|r| (r.option.clone(), r.rank)).collect();
        let original: Vec<(String, usize)> = before.order.iter().map(|r| (r.option.clone(), r.rank)).collect();
        prop_assert_eq!(without, original);
        prop_assert_eq!(after.rank_of(&format!("o{}", values.len())), Some(values.len() + 1));
    }

    /// Raising an option's score on a benefit criterion never worsens its rank.
    #[test]
    fn prop_rank_is_monotone_in_a_criterion((values, weights, dirs) in problem(), pick in any::<prop::sample::Index>(), col in any::<prop::sample::Index>(), bump in 0.1f64..3.0) {
        let i = pick.index(values.len());
        let j = col.index(weights.len());
        let method = Method::WeightedSum { normalisation: Normalisation::None };
        let before = method.rank(&matrix(&values, &weights, &dirs)).unwrap().rank_of(&format!("o{i}")).unwrap();
        let mut v = values.clone();
        v[i][j] += match dirs[j] { Direction::Benefit => bump, Direction::Cost => -bump };
        let after = method.rank(&matrix(&v, &weights, &dirs)).unwrap().rank_of(&format!("o{i}")).unwrap();
        prop_assert!(after <= before);
    }
}

#[test]
fn bad_input_gives_typed_errors() {
    // Scores off the scale.
    let t = Template::get("contract_mechanism").unwrap();
    let raw = t.appraisal(
        vec![Assessor {
            id: "a".into(),
            panel: None,
        }],
        vec![ScoreEntry {
            assessor: "a".into(),
            option: "alliance".into(),
            criterion: "incentives".into(),
            score: Some(7),
        }],
    );
    assert!(matches!(
        Appraisal::new(raw),
        Err(Error::ScoreOffScale { score: 7, .. })
    ));
    // Weights summing to zero.
    let mut raw = t.appraisal(
        vec![Assessor {
            id: "a".into(),
            panel: None,
        }],
        vec![],
    );
    for c in &mut raw.criteria {
        c.weight = 0.0;
    }
    assert!(matches!(
        Appraisal::new(raw),
        Err(Error::WeightsSumToZero { .. })
    ));
    // A pairwise matrix that is not reciprocal.
    assert!(matches!(
        PairwiseMatrix::new(vec![
            vec![1.0, 3.0, 5.0],
            vec![0.5, 1.0, 3.0],
            vec![0.2, 1.0 / 3.0, 1.0]
        ]),
        Err(Error::NotReciprocal {
            row: 1,
            column: 2,
            ..
        })
    ));
    // An unknown label in a survey export.
    let csv = "Timestamp,Lead provider [Incentives]\n2017-05-02,Quite keen\n";
    let m = SurveyMapping::new(
        SurveyLayout::GoogleForms,
        vec![SurveyItem::grid(
            "Lead provider",
            "Incentives",
            "lead_provider",
            "incentives",
        )],
    );
    let e = import(csv, &m).unwrap_err();
    assert!(
        matches!(
            e,
            Error::UnknownLabel {
                row: 2,
                column: 2,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn deserialised_inputs_are_validated() {
    let bad = r#"{"options":["a"],"criteria":[{"id":"c","weight":0.0}],"values":[[1.0]]}"#;
    assert!(serde_json::from_str::<DecisionMatrix>(bad).is_err());
    let good = r#"{"options":["a"],"criteria":[{"id":"c","weight":1.0}],"values":[[1.0]]}"#;
    let m: DecisionMatrix = serde_json::from_str(good).unwrap();
    assert!(
        serde_json::to_string(&m)
            .unwrap()
            .contains("\"weight\":1.0")
    );
}
