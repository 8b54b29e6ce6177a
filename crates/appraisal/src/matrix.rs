//! The decision matrix (options by criteria, with criterion directions and weights) and
//! its normalisations.
//!
//! Every MCDA method here reads a validated [`DecisionMatrix`]: finite values, at least one
//! option and one criterion, non-negative weights that do not sum to zero. Methods use the
//! weights divided by their sum.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Whether more of a criterion is better (benefit) or worse (cost).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// More is better (e.g. agreement that an option delivers the plan).
    #[default]
    Benefit,
    /// Less is better (e.g. cost, legal complexity).
    Cost,
}

/// A criterion as a method sees it: identifier, direction, weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CriterionSpec {
    /// Identifier.
    pub id: String,
    /// Benefit or cost.
    #[serde(default)]
    pub direction: Direction,
    /// Relative weight, non-negative.
    pub weight: f64,
}

/// Raw input of a [`DecisionMatrix`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RawDecisionMatrix {
    /// Option identifiers, one per row.
    pub options: Vec<String>,
    /// Criteria, one per column.
    pub criteria: Vec<CriterionSpec>,
    /// `values[i][j]`: option `i` on criterion `j`.
    pub values: Vec<Vec<f64>>,
}

/// A validated options-by-criteria matrix.
///
/// ```
/// use appraisal::matrix::{CriterionSpec, DecisionMatrix, Direction, RawDecisionMatrix};
/// let m = DecisionMatrix::new(RawDecisionMatrix {
///     options: vec!["a".into(), "b".into()],
///     criteria: vec![CriterionSpec { id: "quality".into(), direction: Direction::Benefit, weight: 2.0 }],
///     values: vec![vec![3.0], vec![4.0]],
/// })?;
/// assert_eq!(m.normalised_weights(), vec![1.0]);
/// # Ok::<(), appraisal::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "RawDecisionMatrix", into = "RawDecisionMatrix")]
#[schemars(with = "RawDecisionMatrix")]
pub struct DecisionMatrix {
    options: Vec<String>,
    criteria: Vec<CriterionSpec>,
    values: Vec<Vec<f64>>,
}

impl TryFrom<RawDecisionMatrix> for DecisionMatrix {
    type Error = Error;
    fn try_from(raw: RawDecisionMatrix) -> Result<DecisionMatrix> {
        DecisionMatrix::new(raw)
    }
}

impl From<DecisionMatrix> for RawDecisionMatrix {
    fn from(m: DecisionMatrix) -> RawDecisionMatrix {
        RawDecisionMatrix {
            options: m.options,
            criteria: m.criteria,
            values: m.values,
        }
    }
}

pub(crate) fn check_weights<'a>(
    weights: impl Iterator<Item = (&'a str, f64)>,
    context: &str,
) -> Result<f64> {
    let mut sum = 0.0;
    for (id, w) in weights {
        if !w.is_finite() || w < 0.0 {
            return Err(Error::InvalidWeight {
                criterion: id.to_owned(),
                value: w,
            });
        }
        sum += w;
    }
    if sum <= 0.0 {
        return Err(Error::WeightsSumToZero {
            context: context.to_owned(),
        });
    }
    Ok(sum)
}

pub(crate) fn check_unique<'a>(
    ids: impl Iterator<Item = &'a str>,
    kind: &'static str,
    context: &str,
) -> Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(Error::Duplicate {
                kind,
                id: id.to_owned(),
                context: context.to_owned(),
            });
        }
    }
    Ok(())
}

impl DecisionMatrix {
    /// Validate a matrix.
    ///
    /// # Errors
    ///
    /// [`Error::Empty`] for no options or criteria; [`Error::Duplicate`] for a repeated
    /// identifier; [`Error::Shape`] for a ragged matrix; [`Error::NotFinite`] for an
    /// infinite or NaN value; [`Error::InvalidWeight`] or [`Error::WeightsSumToZero`].
    pub fn new(raw: RawDecisionMatrix) -> Result<DecisionMatrix> {
        let ctx = "decision matrix";
        if raw.options.is_empty() {
            return Err(Error::Empty {
                context: ctx.into(),
                what: "options",
            });
        }
        if raw.criteria.is_empty() {
            return Err(Error::Empty {
                context: ctx.into(),
                what: "criteria",
            });
        }
        check_unique(raw.options.iter().map(String::as_str), "option", ctx)?;
        check_unique(raw.criteria.iter().map(|c| c.id.as_str()), "criterion", ctx)?;
        check_weights(raw.criteria.iter().map(|c| (c.id.as_str(), c.weight)), ctx)?;
        if raw.values.len() != raw.options.len() {
            return Err(Error::Shape {
                context: ctx.into(),
                what: "rows",
                expected: raw.options.len(),
                found: raw.values.len(),
            });
        }
        for (row, option) in raw.values.iter().zip(&raw.options) {
            if row.len() != raw.criteria.len() {
                return Err(Error::Shape {
                    context: format!("row of option {option}"),
                    what: "columns",
                    expected: raw.criteria.len(),
                    found: row.len(),
                });
            }
            for (v, c) in row.iter().zip(&raw.criteria) {
                if !v.is_finite() {
                    return Err(Error::NotFinite {
                        context: format!("option {option}, criterion {}", c.id),
                    });
                }
            }
        }
        Ok(DecisionMatrix {
            options: raw.options,
            criteria: raw.criteria,
            values: raw.values,
        })
    }

    /// Option identifiers (rows).
    #[must_use]
    pub fn options(&self) -> &[String] {
        &self.options
    }

    /// Criteria (columns).
    #[must_use]
    pub fn criteria(&self) -> &[CriterionSpec] {
        &self.criteria
    }

    /// The values, row by option.
    #[must_use]
    pub fn values(&self) -> &[Vec<f64>] {
        &self.values
    }

    /// Weights divided by their sum (validated to be positive).
    #[must_use]
    pub fn normalised_weights(&self) -> Vec<f64> {
        let sum: f64 = self.criteria.iter().map(|c| c.weight).sum();
        self.criteria.iter().map(|c| c.weight / sum).collect()
    }

    /// The same matrix with other weights (in criterion order).
    ///
    /// # Errors
    ///
    /// [`Error::Shape`] for the wrong number of weights; [`Error::InvalidWeight`] or
    /// [`Error::WeightsSumToZero`].
    pub fn with_weights(&self, weights: &[f64]) -> Result<DecisionMatrix> {
        if weights.len() != self.criteria.len() {
            return Err(Error::Shape {
                context: "weights".into(),
                what: "weights",
                expected: self.criteria.len(),
                found: weights.len(),
            });
        }
        let mut m = self.clone();
        for (c, w) in m.criteria.iter_mut().zip(weights) {
            c.weight = *w;
        }
        check_weights(
            m.criteria.iter().map(|c| (c.id.as_str(), c.weight)),
            "weights",
        )?;
        Ok(m)
    }

    /// Overwrite the weights without re-validating (for hot loops whose weights are
    /// drawn valid by construction).
    pub(crate) fn set_weights_unchecked(&mut self, weights: &[f64]) {
        for (c, w) in self.criteria.iter_mut().zip(weights) {
            c.weight = *w;
        }
    }

    /// Column `j` as a vector.
    pub(crate) fn column(&self, j: usize) -> Vec<f64> {
        self.values
            .iter()
            .map(|r| r.get(j).copied().unwrap_or_default())
            .collect()
    }

    /// Criteria whose column is constant: they cannot tell the options apart.
    #[must_use]
    pub fn constant_criteria(&self) -> Vec<&str> {
        self.criteria
            .iter()
            .enumerate()
            .filter(|(j, _)| {
                let col = self.column(*j);
                col.iter().all(|v| col.first().is_some_and(|f| f == v))
            })
            .map(|(_, c)| c.id.as_str())
            .collect()
    }

    /// The matrix normalised column by column so that higher is better on every criterion.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when a normalisation's precondition fails (negative values for
    /// vector, sum or max normalisation; a zero value on a cost criterion under sum
    /// normalisation).
    pub fn normalise(&self, method: Normalisation) -> Result<Vec<Vec<f64>>> {
        let mut out = vec![vec![0.0; self.criteria.len()]; self.options.len()];
        for (j, c) in self.criteria.iter().enumerate() {
            let col = self.column(j);
            let normed = method.apply(&col, c.direction, &c.id)?;
            for (row, v) in out.iter_mut().zip(normed) {
                if let Some(cell) = row.get_mut(j) {
                    *cell = v;
                }
            }
        }
        Ok(out)
    }
}

/// Swing weights (the MCDA manual's method, endorsed for long lists by the Green Book's
/// 2024 MCDA guidance): the criterion whose swing from worst to best matters most scores
/// 100, the others are scored relative to it; weights are the points over their sum.
///
/// # Errors
///
/// [`Error::InvalidWeight`] for points outside 0 to 100; [`Error::WeightsSumToZero`];
/// [`Error::Invalid`] when no criterion scores 100.
///
/// ```
/// use appraisal::matrix::swing_weights;
/// let w = swing_weights(&[("quality", 100.0), ("cost", 60.0), ("access", 40.0)])?;
/// assert_eq!(w, vec![0.5, 0.3, 0.2]);
/// # Ok::<(), appraisal::Error>(())
/// ```
pub fn swing_weights(points: &[(&str, f64)]) -> Result<Vec<f64>> {
    for (id, p) in points {
        if !p.is_finite() || !(0.0..=100.0).contains(p) {
            return Err(Error::InvalidWeight {
                criterion: (*id).to_owned(),
                value: *p,
            });
        }
    }
    let sum = check_weights(points.iter().copied(), "swing weights")?;
    if !points
        .iter()
        .any(|(_, p)| (*p - 100.0).abs() < f64::EPSILON)
    {
        return Err(Error::invalid(
            "swing weights",
            "the most important swing must score 100",
        ));
    }
    Ok(points.iter().map(|(_, p)| p / sum).collect())
}

/// How a column is normalised. Cost criteria are turned round so higher is better. A
/// constant column (no spread) normalises to the same value for every option, so it
/// cannot change a ranking, and never to NaN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Normalisation {
    /// No normalisation: benefit `x`, cost `−x`. For criteria already on one scale (Likert).
    #[default]
    None,
    /// Vector (Euclidean): benefit `x / √Σx²`, cost `1 − x / √Σx²` (Hwang and Yoon 1981; the
    /// cost form is pymcdm's). An all-zero column gives 0 (benefit) or 1 (cost).
    Vector,
    /// Min–max: benefit `(x − min)/(max − min)`, cost `(max − x)/(max − min)`; a constant
    /// column gives 1 for every option.
    MinMax,
    /// Sum: benefit `x / Σx`, cost `(1/x) / Σ(1/x)`. An all-zero benefit column gives `1/m`.
    Sum,
    /// Max: benefit `x / max`, cost `1 − x / max`. An all-zero column gives 1.
    Max,
}

impl std::fmt::Display for Normalisation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Normalisation::None => "none",
            Normalisation::Vector => "vector",
            Normalisation::MinMax => "min-max",
            Normalisation::Sum => "sum",
            Normalisation::Max => "max",
        })
    }
}

impl Normalisation {
    fn apply(self, col: &[f64], direction: Direction, id: &str) -> Result<Vec<f64>> {
        let needs_non_negative = matches!(
            self,
            Normalisation::Vector | Normalisation::Sum | Normalisation::Max
        );
        if needs_non_negative && col.iter().any(|v| *v < 0.0) {
            return Err(Error::invalid(
                format!("criterion {id}"),
                format!("{self} normalisation needs non-negative values"),
            ));
        }
        let cost = direction == Direction::Cost;
        #[allow(clippy::cast_precision_loss)]
        let m = col.len() as f64;
        Ok(match self {
            Normalisation::None => col.iter().map(|x| if cost { -x } else { *x }).collect(),
            Normalisation::Vector => {
                let norm = col.iter().map(|x| x * x).sum::<f64>().sqrt();
                col.iter()
                    .map(|x| {
                        let r = if norm > 0.0 { x / norm } else { 0.0 };
                        if cost { 1.0 - r } else { r }
                    })
                    .collect()
            }
            Normalisation::MinMax => {
                let lo = col.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let spread = hi - lo;
                col.iter()
                    .map(|x| {
                        if spread <= 0.0 {
                            1.0
                        } else if cost {
                            (hi - x) / spread
                        } else {
                            (x - lo) / spread
                        }
                    })
                    .collect()
            }
            Normalisation::Sum => {
                if cost {
                    if col.iter().any(|x| *x <= 0.0) {
                        return Err(Error::invalid(
                            format!("criterion {id}"),
                            "sum normalisation of a cost criterion needs positive values",
                        ));
                    }
                    let s: f64 = col.iter().map(|x| 1.0 / x).sum();
                    col.iter().map(|x| (1.0 / x) / s).collect()
                } else {
                    let s: f64 = col.iter().sum();
                    col.iter()
                        .map(|x| if s > 0.0 { x / s } else { 1.0 / m })
                        .collect()
                }
            }
            Normalisation::Max => {
                let hi = col.iter().copied().fold(0.0, f64::max);
                col.iter()
                    .map(|x| {
                        let r = if hi > 0.0 { x / hi } else { 1.0 };
                        if cost { 1.0 - r } else { r }
                    })
                    .collect()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn validation_errors() {
        let raw = |values: Vec<Vec<f64>>, w: f64| RawDecisionMatrix {
            options: vec!["a".into()],
            criteria: vec![CriterionSpec {
                id: "c".into(),
                direction: Direction::Benefit,
                weight: w,
            }],
            values,
        };
        assert!(matches!(
            DecisionMatrix::new(raw(vec![vec![1.0]], 0.0)),
            Err(Error::WeightsSumToZero { .. })
        ));
        assert!(matches!(
            DecisionMatrix::new(raw(vec![vec![1.0]], -1.0)),
            Err(Error::InvalidWeight { .. })
        ));
        assert!(matches!(
            DecisionMatrix::new(raw(vec![vec![f64::NAN]], 1.0)),
            Err(Error::NotFinite { .. })
        ));
        assert!(matches!(
            DecisionMatrix::new(raw(vec![vec![1.0, 2.0]], 1.0)),
            Err(Error::Shape { .. })
        ));
        assert!(matches!(
            DecisionMatrix::new(raw(vec![], 1.0)),
            Err(Error::Shape { .. })
        ));
        let mut r = raw(vec![vec![1.0], vec![2.0]], 1.0);
        r.options = vec!["a".into(), "a".into()];
        assert!(matches!(
            DecisionMatrix::new(r),
            Err(Error::Duplicate { .. })
        ));
        let mut r = raw(vec![], 1.0);
        r.options.clear();
        assert!(matches!(DecisionMatrix::new(r), Err(Error::Empty { .. })));
        let mut r = raw(vec![vec![]], 1.0);
        r.criteria.clear();
        assert!(matches!(DecisionMatrix::new(r), Err(Error::Empty { .. })));
        let m = DecisionMatrix::new(raw(vec![vec![1.0]], 1.0)).unwrap();
        assert!(matches!(m.with_weights(&[]), Err(Error::Shape { .. })));
        assert!(matches!(
            m.with_weights(&[0.0]),
            Err(Error::WeightsSumToZero { .. })
        ));
    }

    #[test]
    fn swing_weight_errors() {
        assert!(matches!(
            swing_weights(&[("a", 120.0)]),
            Err(Error::InvalidWeight { .. })
        ));
        assert!(matches!(
            swing_weights(&[("a", 0.0)]),
            Err(Error::WeightsSumToZero { .. })
        ));
        assert!(matches!(
            swing_weights(&[("a", 50.0)]),
            Err(Error::Invalid { .. })
        ));
    }

    #[test]
    fn normalisations_and_degenerate_columns() {
        use Direction::{Benefit, Cost};
        let m = matrix(
            &[&[3.0, 0.0, 2.0], &[4.0, 0.0, 2.0]],
            &[Benefit, Cost, Benefit],
            &[1.0, 1.0, 1.0],
        );
        let v = m.normalise(Normalisation::Vector).unwrap();
        assert!((v[0][0] - 0.6).abs() < 1e-12 && (v[1][0] - 0.8).abs() < 1e-12);
        assert_eq!(v[0][1], 1.0);
        let mm = m.normalise(Normalisation::MinMax).unwrap();
        assert_eq!(mm[0][0], 0.0);
        assert_eq!(mm[1][0], 1.0);
        assert_eq!(mm[0][2], 1.0);
        assert!(matches!(
            m.normalise(Normalisation::Sum),
            Err(Error::Invalid { .. })
        ));
        let mx = m.normalise(Normalisation::Max).unwrap();
        assert_eq!(mx[0][1], 0.0);
        for row in m.normalise(Normalisation::Vector).unwrap() {
            assert!(row.iter().all(|x| x.is_finite()));
        }
        assert_eq!(m.constant_criteria(), vec!["C2", "C3"]);
        let neg = matrix(&[&[-1.0]], &[Benefit], &[1.0]);
        assert!(neg.normalise(Normalisation::Vector).is_err());
        assert_eq!(
            neg.normalise(Normalisation::None).unwrap(),
            vec![vec![-1.0]]
        );
    }
}
