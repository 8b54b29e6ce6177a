//! Scoring methods over a [`DecisionMatrix`]: weighted sum, weighted product, TOPSIS and
//! PROMETHEE II. Each returns one score per option, higher is better, never NaN.
//!
//! All methods use the matrix's weights divided by their sum.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::matrix::{DecisionMatrix, Direction, Normalisation};
use crate::ranking::Ranking;

/// Weighted sum: `Sᵢ = Σⱼ wⱼ·rᵢⱼ` over the normalised matrix `r` (Fishburn 1967).
///
/// # Errors
///
/// As [`DecisionMatrix::normalise`].
///
/// ```
/// use appraisal::matrix::*;
/// use appraisal::methods::weighted_sum;
/// let m = DecisionMatrix::new(RawDecisionMatrix {
///     options: vec!["a".into(), "b".into()],
///     criteria: vec![
///         CriterionSpec { id: "x".into(), direction: Direction::Benefit, weight: 3.0 },
///         CriterionSpec { id: "y".into(), direction: Direction::Benefit, weight: 1.0 },
///     ],
///     values: vec![vec![4.0, 2.0], vec![2.0, 5.0]],
/// })?;
/// assert_eq!(weighted_sum(&m, Normalisation::None)?, vec![3.5, 2.75]);
/// # Ok::<(), appraisal::Error>(())
/// ```
pub fn weighted_sum(m: &DecisionMatrix, normalisation: Normalisation) -> Result<Vec<f64>> {
    let r = m.normalise(normalisation)?;
    let w = m.normalised_weights();
    Ok(r.iter()
        .map(|row| row.iter().zip(&w).map(|(x, w)| x * w).sum())
        .collect())
}

/// Weighted product: `Sᵢ = Πⱼ rᵢⱼ^wⱼ` (Bridgman 1922; Miller and Starr 1969). With
/// [`Normalisation::None`] the raw values are used and cost criteria enter as `x^−w`, so
/// `Sₐ / S_b` is Triantaphyllou's ratio `P(A/B)`.
///
/// # Errors
///
/// [`Error::Invalid`] for a non-positive raw value (a product of powers needs positive
/// values), or as [`DecisionMatrix::normalise`].
pub fn weighted_product(m: &DecisionMatrix, normalisation: Normalisation) -> Result<Vec<f64>> {
    let w = m.normalised_weights();
    if normalisation == Normalisation::None {
        for (row, option) in m.values().iter().zip(m.options()) {
            for (x, c) in row.iter().zip(m.criteria()) {
                if *x <= 0.0 {
                    return Err(Error::invalid(
                        format!("option {option}, criterion {}", c.id),
                        "the weighted product needs positive values",
                    ));
                }
            }
        }
        return Ok(m
            .values()
            .iter()
            .map(|row| {
                row.iter()
                    .zip(m.criteria())
                    .zip(&w)
                    .map(|((x, c), w)| match c.direction {
                        Direction::Benefit => x.powf(*w),
                        Direction::Cost => x.powf(-*w),
                    })
                    .product()
            })
            .collect());
    }
    let r = m.normalise(normalisation)?;
    Ok(r.iter()
        .map(|row| {
            row.iter()
                .zip(&w)
                .map(|(x, w)| if *w == 0.0 { 1.0 } else { x.max(0.0).powf(*w) })
                .product()
        })
        .collect())
}

/// TOPSIS closeness `Cᵢ = D⁻ᵢ / (D⁺ᵢ + D⁻ᵢ)`, the Euclidean distances to the anti-ideal and
/// ideal points of the weighted normalised matrix (Hwang and Yoon 1981). Hwang and Yoon
/// use [`Normalisation::Vector`]; pymcdm defaults to [`Normalisation::MinMax`]; results
/// differ, so the normalisation is named. When no criterion separates the options every
/// option scores 0.5.
///
/// # Errors
///
/// As [`DecisionMatrix::normalise`].
pub fn topsis(m: &DecisionMatrix, normalisation: Normalisation) -> Result<Vec<f64>> {
    let r = m.normalise(normalisation)?;
    let w = m.normalised_weights();
    let weighted: Vec<Vec<f64>> = r
        .iter()
        .map(|row| row.iter().zip(&w).map(|(x, w)| x * w).collect())
        .collect();
    let n_criteria = w.len();
    let mut ideal = vec![f64::NEG_INFINITY; n_criteria];
    let mut anti = vec![f64::INFINITY; n_criteria];
    for row in &weighted {
        for ((v, hi), lo) in row.iter().zip(ideal.iter_mut()).zip(anti.iter_mut()) {
            *hi = hi.max(*v);
            *lo = lo.min(*v);
        }
    }
    Ok(weighted
        .iter()
        .map(|row| {
            let dist = |p: &[f64]| {
                row.iter()
                    .zip(p)
                    .map(|(v, q)| (v - q) * (v - q))
                    .sum::<f64>()
                    .sqrt()
            };
            let (plus, minus) = (dist(&ideal), dist(&anti));
            if plus + minus > 0.0 {
                minus / (plus + minus)
            } else {
                0.5
            }
        })
        .collect())
}

/// A PROMETHEE preference function `P(d)` of the difference `d` between two options on a
/// criterion, oriented so that positive `d` favours the first (Brans and Vincke 1985;
/// Brans and Mareschal 2005, the six usual criteria).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum PreferenceFunction {
    /// Type I, usual: `P = 1` when `d > 0`.
    Usual,
    /// Type II, U-shape (quasi-criterion): `P = 1` when `d > q`.
    UShape {
        /// Indifference threshold.
        q: f64,
    },
    /// Type III, V-shape: `P = d/p` up to `p`, then 1.
    VShape {
        /// Strict preference threshold.
        p: f64,
    },
    /// Type IV, level: `P = ½` for `q < d ≤ p`, 1 above `p`.
    Level {
        /// Indifference threshold.
        q: f64,
        /// Strict preference threshold.
        p: f64,
    },
    /// Type V, linear with indifference: `P = (d − q)/(p − q)` for `q < d ≤ p`, 1 above.
    Linear {
        /// Indifference threshold.
        q: f64,
        /// Strict preference threshold.
        p: f64,
    },
    /// Type VI, Gaussian: `P = 1 − exp(−d²/(2s²))` for `d > 0`.
    Gaussian {
        /// The inflection point.
        s: f64,
    },
}

impl PreferenceFunction {
    fn validate(&self, criterion: &str) -> Result<()> {
        let bad = |reason: &str| {
            Err(Error::invalid(
                format!("preference function of {criterion}"),
                reason,
            ))
        };
        let finite = |x: f64| x.is_finite();
        match *self {
            PreferenceFunction::Usual => Ok(()),
            PreferenceFunction::UShape { q } if finite(q) && q >= 0.0 => Ok(()),
            PreferenceFunction::UShape { .. } => bad("q must be finite and non-negative"),
            PreferenceFunction::VShape { p } if finite(p) && p > 0.0 => Ok(()),
            PreferenceFunction::VShape { .. } => bad("p must be finite and positive"),
            PreferenceFunction::Level { q, p } | PreferenceFunction::Linear { q, p }
                if finite(q) && finite(p) && q >= 0.0 && p > q =>
            {
                Ok(())
            }
            PreferenceFunction::Level { .. } | PreferenceFunction::Linear { .. } => {
                bad("q and p must be finite with 0 <= q < p")
            }
            PreferenceFunction::Gaussian { s } if finite(s) && s > 0.0 => Ok(()),
            PreferenceFunction::Gaussian { .. } => bad("s must be finite and positive"),
        }
    }

    /// `P(d)`, between 0 and 1.
    #[must_use]
    pub fn preference(&self, d: f64) -> f64 {
        if d <= 0.0 {
            return 0.0;
        }
        match *self {
            PreferenceFunction::Usual => 1.0,
            PreferenceFunction::UShape { q } => f64::from(u8::from(d > q)),
            PreferenceFunction::VShape { p } => (d / p).min(1.0),
            PreferenceFunction::Level { q, p } => {
                if d > p {
                    1.0
                } else if d > q {
                    0.5
                } else {
                    0.0
                }
            }
            PreferenceFunction::Linear { q, p } => ((d - q) / (p - q)).clamp(0.0, 1.0),
            PreferenceFunction::Gaussian { s } => 1.0 - (-(d * d) / (2.0 * s * s)).exp(),
        }
    }
}

/// PROMETHEE flows of each option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PrometheeFlows {
    /// Leaving (positive) flow φ⁺.
    pub leaving: Vec<f64>,
    /// Entering (negative) flow φ⁻.
    pub entering: Vec<f64>,
    /// Net flow φ = φ⁺ − φ⁻ (the PROMETHEE II score).
    pub net: Vec<f64>,
}

/// PROMETHEE II: `π(a,b) = Σⱼ wⱼ·Pⱼ(dⱼ(a,b))`, `φ⁺(a) = Σ_b π(a,b)/(n−1)`,
/// `φ⁻(a) = Σ_b π(b,a)/(n−1)`, `φ = φ⁺ − φ⁻` (Brans and Vincke 1985). `functions` gives
/// one preference function per criterion; differences are raw values, turned round for
/// cost criteria. A single option has all flows 0.
///
/// # Errors
///
/// [`Error::Shape`] when `functions` does not match the criteria; [`Error::Invalid`] for a
/// threshold that is negative, not finite or out of order.
pub fn promethee_ii(
    m: &DecisionMatrix,
    functions: &[PreferenceFunction],
) -> Result<PrometheeFlows> {
    if functions.len() != m.criteria().len() {
        return Err(Error::Shape {
            context: "PROMETHEE preference functions".into(),
            what: "functions",
            expected: m.criteria().len(),
            found: functions.len(),
        });
    }
    for (f, c) in functions.iter().zip(m.criteria()) {
        f.validate(&c.id)?;
    }
    let w = m.normalised_weights();
    let n = m.options().len();
    let rows = m.values();
    let pi = |a: &[f64], b: &[f64]| -> f64 {
        a.iter()
            .zip(b)
            .zip(m.criteria())
            .zip(functions)
            .zip(&w)
            .map(|((((x, y), c), f), w)| {
                let d = match c.direction {
                    Direction::Benefit => x - y,
                    Direction::Cost => y - x,
                };
                w * f.preference(d)
            })
            .sum()
    };
    let mut leaving = vec![0.0; n];
    let mut entering = vec![0.0; n];
    for (i, a) in rows.iter().enumerate() {
        for (k, b) in rows.iter().enumerate() {
            if i != k {
                let p = pi(a, b);
                if let Some(l) = leaving.get_mut(i) {
                    *l += p;
                }
                if let Some(e) = entering.get_mut(k) {
                    *e += p;
                }
            }
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let denom = n.saturating_sub(1).max(1) as f64;
    for v in leaving.iter_mut().chain(entering.iter_mut()) {
        *v /= denom;
    }
    let net = leaving.iter().zip(&entering).map(|(l, e)| l - e).collect();
    Ok(PrometheeFlows {
        leaving,
        entering,
        net,
    })
}

/// A method with its parameters, for callers (and the sensitivity analysis) that choose
/// the method at run time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "method")]
#[non_exhaustive]
pub enum Method {
    /// [`weighted_sum`].
    WeightedSum {
        /// Normalisation of each column.
        normalisation: Normalisation,
    },
    /// [`weighted_product`].
    WeightedProduct {
        /// Normalisation of each column.
        normalisation: Normalisation,
    },
    /// [`topsis`].
    Topsis {
        /// Normalisation of each column.
        normalisation: Normalisation,
    },
    /// [`promethee_ii`] net flows.
    PrometheeII {
        /// One preference function per criterion.
        functions: Vec<PreferenceFunction>,
    },
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Method::WeightedSum { normalisation } => {
                write!(f, "weighted sum ({normalisation} normalisation)")
            }
            Method::WeightedProduct { normalisation } => {
                write!(f, "weighted product ({normalisation} normalisation)")
            }
            Method::Topsis { normalisation } => write!(f, "TOPSIS ({normalisation} normalisation)"),
            Method::PrometheeII { .. } => f.write_str("PROMETHEE II"),
        }
    }
}

impl Method {
    /// One score per option, higher is better.
    ///
    /// # Errors
    ///
    /// As the method's function.
    pub fn scores(&self, m: &DecisionMatrix) -> Result<Vec<f64>> {
        match self {
            Method::WeightedSum { normalisation } => weighted_sum(m, *normalisation),
            Method::WeightedProduct { normalisation } => weighted_product(m, *normalisation),
            Method::Topsis { normalisation } => topsis(m, *normalisation),
            Method::PrometheeII { functions } => Ok(promethee_ii(m, functions)?.net),
        }
    }

    /// The ranking of the matrix's options under this method.
    ///
    /// # Errors
    ///
    /// As [`Method::scores`].
    pub fn rank(&self, m: &DecisionMatrix) -> Result<Ranking> {
        Ok(Ranking::from_scores(m.options(), &self.scores(m)?))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::matrix::{CriterionSpec, RawDecisionMatrix};
    use Direction::{Benefit, Cost};

    pub(crate) fn matrix(values: &[&[f64]], dirs: &[Direction], weights: &[f64]) -> DecisionMatrix {
        DecisionMatrix::new(RawDecisionMatrix {
            options: (0..values.len()).map(|i| format!("A{}", i + 1)).collect(),
            criteria: dirs
                .iter()
                .zip(weights)
                .enumerate()
                .map(|(j, (d, w))| CriterionSpec {
                    id: format!("C{}", j + 1),
                    direction: *d,
                    weight: *w,
                })
                .collect(),
            values: values.iter().map(|r| r.to_vec()).collect(),
        })
        .unwrap()
    }

    /// Hwang and Yoon (1981), "Multiple Attribute Decision Making", the fighter aircraft
    /// example: max speed, ferry range, max payload, acquisition cost (cost), reliability,
    /// manoeuvrability; weights 0.2, 0.1, 0.1, 0.1, 0.2, 0.3.
    pub(crate) fn aircraft() -> DecisionMatrix {
        matrix(
            &[
                &[2.0, 1500.0, 20000.0, 5.5, 5.0, 9.0],
                &[2.5, 2700.0, 18000.0, 6.5, 3.0, 5.0],
                &[1.8, 2000.0, 21000.0, 4.5, 7.0, 7.0],
                &[2.2, 1800.0, 20000.0, 5.0, 5.0, 5.0],
            ],
            &[Benefit, Benefit, Benefit, Cost, Benefit, Benefit],
            &[0.2, 0.1, 0.1, 0.1, 0.2, 0.3],
        )
    }

    fn close(a: &[f64], b: &[f64], tol: f64) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < tol, "{a:?} vs {b:?}");
        }
    }

    /// Hwang and Yoon (1981) publish closeness 0.643, 0.268, 0.614, 0.312 (A1 best). The
    /// 16-digit values are pymcdm 1.4.0 `TOPSIS(vector_normalization)`, its reference
    /// implementation; min–max values are pymcdm's `TOPSIS(minmax_normalization)`.
    #[test]
    fn topsis_hwang_yoon_aircraft() {
        let m = aircraft();
        let v = topsis(&m, Normalisation::Vector).unwrap();
        close(&v, &[0.643, 0.268, 0.614, 0.312], 5e-4);
        close(
            &v,
            &[
                0.6432770005532701,
                0.26838356771941185,
                0.6135422900072309,
                0.31229106558175435,
            ],
            1e-12,
        );
        let mm = topsis(&m, Normalisation::MinMax).unwrap();
        close(
            &mm,
            &[
                0.6127481841818694,
                0.3660254037844387,
                0.530641941323763,
                0.35168953377730144,
            ],
            1e-12,
        );
        let r = Method::Topsis {
            normalisation: Normalisation::Vector,
        }
        .rank(&m)
        .unwrap();
        assert_eq!(r.winners(), vec!["A1"]);
    }

    /// pymcdm 1.4.0 `WSM` with each normalisation on the aircraft data.
    #[test]
    fn weighted_sum_matches_pymcdm() {
        let m = aircraft();
        let cases = [
            (
                Normalisation::Vector,
                [
                    0.5273882750838303,
                    0.4378359594384354,
                    0.5357634295727101,
                    0.45921976061465986,
                ],
            ),
            (
                Normalisation::MinMax,
                [
                    0.5738095238095238,
                    0.30000000000000004,
                    0.5916666666666667,
                    0.38095238095238104,
                ],
            ),
            (
                Normalisation::Sum,
                [
                    0.2689615909557132,
                    0.22335001159399281,
                    0.27402575450709127,
                    0.23366264294320277,
                ],
            ),
            (
                Normalisation::Max,
                [
                    0.769035409035409,
                    0.6380952380952382,
                    0.7821766381766382,
                    0.6705054945054945,
                ],
            ),
        ];
        for (n, expected) in cases {
            close(&weighted_sum(&m, n).unwrap(), &expected, 1e-12);
        }
        close(
            &weighted_product(&m, Normalisation::Sum).unwrap(),
            &[
                0.26383638782129376,
                0.21550712258198498,
                0.27039165360358247,
                0.23178689142453981,
            ],
            1e-12,
        );
    }

    /// Triantaphyllou (2000), "Multi-Criteria Decision Making Methods: A Comparative
    /// Study", §2.2.1–2.2.2 (reproduced in the Wikipedia articles on the weighted sum and
    /// weighted product models): three options, four benefit criteria with weights 0.20,
    /// 0.15, 0.40, 0.25. WSM: 21.50, 22.00, 22.00 (A2 and A3 tie). WPM:
    /// P(A1/A2) = 1.007, P(A1/A3) = 1.067, P(A2/A3) = 1.059, so A1 is best.
    #[test]
    fn triantaphyllou_wsm_and_wpm() {
        let m = matrix(
            &[
                &[25.0, 20.0, 15.0, 30.0],
                &[10.0, 30.0, 20.0, 30.0],
                &[30.0, 10.0, 30.0, 10.0],
            ],
            &[Benefit; 4],
            &[0.20, 0.15, 0.40, 0.25],
        );
        let s = weighted_sum(&m, Normalisation::None).unwrap();
        close(&s, &[21.5, 22.0, 22.0], 1e-12);
        let r = Ranking::from_scores(m.options(), &s);
        assert_eq!(r.ties, vec![vec!["A2".to_owned(), "A3".to_owned()]]);
        let p = weighted_product(&m, Normalisation::None).unwrap();
        assert!((p[0] / p[1] - 1.007).abs() < 5e-4);
        assert!((p[0] / p[2] - 1.067).abs() < 5e-4);
        assert!((p[1] / p[2] - 1.059).abs() < 5e-4);
        assert!(matches!(
            weighted_product(&matrix(&[&[0.0]], &[Benefit], &[1.0]), Normalisation::None),
            Err(Error::Invalid { .. })
        ));
    }

    /// pymcdm 1.4.0 `PROMETHEE_II` on the aircraft data with each of its preference
    /// functions (p = 0.5, 800, 2000, 1.5, 3, 3; q = 0.1, 100, 500, 0.5, 1, 1), and the
    /// example in pymcdm's PROMETHEE II documentation (net flows 0.1, −0.3, 0.2).
    #[test]
    fn promethee_ii_matches_pymcdm() {
        let m = aircraft();
        let p = [0.5, 800.0, 2000.0, 1.5, 3.0, 3.0];
        let q = [0.1, 100.0, 500.0, 0.5, 1.0, 1.0];
        let all = |f: &dyn Fn(f64, f64) -> PreferenceFunction| -> Vec<PreferenceFunction> {
            p.iter().zip(&q).map(|(p, q)| f(*p, *q)).collect()
        };
        let cases: [(Vec<PreferenceFunction>, [f64; 4]); 5] = [
            (
                all(&|_, _| PreferenceFunction::Usual),
                [0.1, -0.3, 0.3333333333333333, -0.13333333333333341],
            ),
            (
                all(&|_, q| PreferenceFunction::UShape { q }),
                [0.1333333333333333, -0.3, 0.3, -0.1333333333333333],
            ),
            (
                all(&|p, _| PreferenceFunction::VShape { p }),
                [
                    0.1388888888888889,
                    -0.24194444444444446,
                    0.20888888888888882,
                    -0.10583333333333328,
                ],
            ),
            (
                all(&|p, q| PreferenceFunction::Level { q, p }),
                [0.15, -0.2, 0.18333333333333332, -0.1333333333333333],
            ),
            (
                all(&|p, q| PreferenceFunction::Linear { q, p }),
                [
                    0.14365079365079364,
                    -0.20476190476190487,
                    0.15079365079365084,
                    -0.08968253968253959,
                ],
            ),
        ];
        for (functions, expected) in cases {
            let flows = promethee_ii(&m, &functions).unwrap();
            close(&flows.net, &expected, 1e-12);
            assert!(flows.net.iter().sum::<f64>().abs() < 1e-12);
        }
        let doc = matrix(
            &[&[4.0, 3.0, 2.0], &[3.0, 2.0, 4.0], &[5.0, 1.0, 3.0]],
            &[Benefit; 3],
            &[0.5, 0.3, 0.2],
        );
        let flows = promethee_ii(&doc, &[PreferenceFunction::Usual; 3]).unwrap();
        close(&flows.net, &[0.1, -0.3, 0.2], 1e-12);
    }

    /// Papathanasiou and Ploskas (2018), "PROMETHEE", in Multiple Criteria Decision Aid,
    /// Springer, pp. 57–89 (doi 10.1007/978-3-319-91648-4_3): six options, four benefit
    /// criteria, weights 0.4, 0.3, 0.1, 0.2, the linear criterion (type V) with q = 1 and
    /// p = 2; published net flows −0.26, −0.52, −0.22, 0.36, 0.70, −0.06.
    #[test]
    fn promethee_ii_papathanasiou_ploskas() {
        let m = matrix(
            &[
                &[8.0, 7.0, 2.0, 1.0],
                &[5.0, 3.0, 7.0, 5.0],
                &[7.0, 5.0, 6.0, 4.0],
                &[9.0, 9.0, 7.0, 3.0],
                &[11.0, 10.0, 3.0, 7.0],
                &[6.0, 9.0, 5.0, 4.0],
            ],
            &[Benefit; 4],
            &[0.4, 0.3, 0.1, 0.2],
        );
        let flows = promethee_ii(&m, &[PreferenceFunction::Linear { q: 1.0, p: 2.0 }; 4]).unwrap();
        close(&flows.net, &[-0.26, -0.52, -0.22, 0.36, 0.70, -0.06], 5e-3);
        let r = Method::PrometheeII {
            functions: vec![PreferenceFunction::Linear { q: 1.0, p: 2.0 }; 4],
        }
        .rank(&m)
        .unwrap();
        assert_eq!(r.winners(), vec!["A5"]);
    }

    /// The Gaussian criterion by hand: d = 1, s = 1 gives 1 − e^(−1/2) = 0.393469...
    #[test]
    fn gaussian_and_parameter_errors() {
        let g = PreferenceFunction::Gaussian { s: 1.0 };
        assert!((g.preference(1.0) - (1.0 - (-0.5f64).exp())).abs() < 1e-15);
        assert_eq!(g.preference(-1.0), 0.0);
        let m = matrix(&[&[1.0], &[2.0]], &[Benefit], &[1.0]);
        for bad in [
            PreferenceFunction::Gaussian { s: 0.0 },
            PreferenceFunction::VShape { p: f64::NAN },
            PreferenceFunction::UShape { q: -1.0 },
            PreferenceFunction::Level { q: 2.0, p: 1.0 },
            PreferenceFunction::Linear { q: 1.0, p: 1.0 },
        ] {
            assert!(
                matches!(promethee_ii(&m, &[bad]), Err(Error::Invalid { .. })),
                "{bad:?}"
            );
        }
        assert!(matches!(promethee_ii(&m, &[]), Err(Error::Shape { .. })));
    }

    #[test]
    fn degenerate_data_never_gives_nan() {
        let constant = matrix(
            &[&[3.0, 0.0], &[3.0, 0.0], &[3.0, 0.0]],
            &[Benefit, Cost],
            &[1.0, 1.0],
        );
        let single = matrix(&[&[3.0, 1.0]], &[Benefit, Cost], &[1.0, 1.0]);
        for m in [&constant, &single] {
            for n in [
                Normalisation::Vector,
                Normalisation::MinMax,
                Normalisation::Max,
                Normalisation::None,
            ] {
                for method in [
                    Method::WeightedSum { normalisation: n },
                    Method::Topsis { normalisation: n },
                ] {
                    let s = method.scores(m).unwrap();
                    assert!(s.iter().all(|x| x.is_finite()), "{method} {s:?}");
                    let r = Ranking::from_scores(m.options(), &s);
                    assert!(r.order.iter().all(|x| x.rank == 1));
                }
            }
            let f = promethee_ii(m, &[PreferenceFunction::Usual; 2]).unwrap();
            assert!(f.net.iter().all(|x| *x == 0.0));
        }
        assert_eq!(
            topsis(&constant, Normalisation::Vector).unwrap(),
            vec![0.5; 3]
        );
    }
}
