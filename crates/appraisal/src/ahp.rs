//! AHP weights from a pairwise comparison matrix on Saaty's 1–9 scale, with the
//! consistency index and ratio against a named random-index table.
//!
//! ```
//! use appraisal::ahp::{PairwiseMatrix, RandomIndexTable, WeightDerivation};
//! let m = PairwiseMatrix::from_upper(3, &[3.0, 5.0, 3.0])?;
//! let r = m.weights(WeightDerivation::Eigenvector, RandomIndexTable::Saaty)?;
//! assert!((r.weights[0] - 0.637).abs() < 5e-4);
//! assert!(r.acceptable);
//! # Ok::<(), appraisal::Error>(())
//! ```

use std::sync::OnceLock;

use route_map_core::SourceRef;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How far `a[i][j] · a[j][i]` may stray from 1 and still count as reciprocal, so that
/// judgements typed to two decimals (0.33 for 1/3) are accepted.
pub const RECIPROCAL_TOLERANCE: f64 = 0.01;

/// The consistency ratio at or below which judgements are acceptable (Saaty 1980).
pub const ACCEPTABLE_CR: f64 = 0.10;

/// A validated reciprocal pairwise comparison matrix: positive judgements between 1/9
/// and 9, ones on the diagonal, `a[j][i] = 1/a[i][j]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "Vec<Vec<f64>>", into = "Vec<Vec<f64>>")]
pub struct PairwiseMatrix {
    a: Vec<Vec<f64>>,
}

impl TryFrom<Vec<Vec<f64>>> for PairwiseMatrix {
    type Error = Error;
    fn try_from(a: Vec<Vec<f64>>) -> Result<PairwiseMatrix> {
        PairwiseMatrix::new(a)
    }
}

impl From<PairwiseMatrix> for Vec<Vec<f64>> {
    fn from(m: PairwiseMatrix) -> Vec<Vec<f64>> {
        m.a
    }
}

/// How weights are derived from the judgements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WeightDerivation {
    /// The principal right eigenvector (Saaty 1977), by power iteration.
    #[default]
    Eigenvector,
    /// The normalised row geometric means (Crawford and Williams 1985).
    GeometricMean,
}

/// The random-index table used for the consistency ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RandomIndexTable {
    /// Saaty (1980): 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49 for n = 3..10.
    #[default]
    Saaty,
    /// Tummala and Ling (1998), the table pymcdm uses.
    TummalaLing,
}

#[derive(Debug, Deserialize)]
struct RiFile {
    table: Vec<RiTable>,
}

#[derive(Debug, Deserialize)]
struct RiTable {
    id: String,
    name: String,
    values: Vec<f64>,
    source: SourceRef,
}

static RI: OnceLock<std::result::Result<RiFile, String>> = OnceLock::new();

impl RandomIndexTable {
    fn id(self) -> &'static str {
        match self {
            RandomIndexTable::Saaty => "saaty",
            RandomIndexTable::TummalaLing => "tummala_ling",
        }
    }

    fn table(self) -> Result<&'static RiTable> {
        let file = crate::data::load(
            &RI,
            "random_index.toml",
            include_str!("../data/random_index.toml"),
        )?;
        file.table
            .iter()
            .find(|t| t.id == self.id())
            .ok_or_else(|| Error::EmbeddedData {
                name: "random_index.toml",
                reason: format!("no table {}", self.id()),
            })
    }

    /// The random index for a matrix of order `n`.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when the table has no value for `n` (it covers 1 to 10).
    pub fn random_index(self, n: usize) -> Result<f64> {
        let t = self.table()?;
        n.checked_sub(1)
            .and_then(|i| t.values.get(i))
            .copied()
            .ok_or_else(|| {
                Error::invalid(
                    "pairwise matrix order",
                    format!(
                        "{} gives random indices for n = 1 to {}, not {n}",
                        t.name,
                        t.values.len()
                    ),
                )
            })
    }

    /// The table's name and source.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded table failed to load (a defect).
    pub fn source(self) -> Result<(&'static str, &'static SourceRef)> {
        let t = self.table()?;
        Ok((t.name.as_str(), &t.source))
    }
}

/// Weights and consistency from a pairwise matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AhpResult {
    /// Weights, summing to 1, in the matrix's order.
    pub weights: Vec<f64>,
    /// The principal eigenvalue λmax (estimated as the mean of `(Aw)ᵢ/wᵢ` for geometric-mean weights).
    pub lambda_max: f64,
    /// Consistency index `CI = (λmax − n)/(n − 1)`; 0 for n ≤ 2.
    pub consistency_index: f64,
    /// The random index used.
    pub random_index: f64,
    /// Which table it came from.
    pub random_index_table: RandomIndexTable,
    /// Consistency ratio `CR = CI/RI`; 0 when n ≤ 2.
    pub consistency_ratio: f64,
    /// Whether `CR ≤ 0.10`.
    pub acceptable: bool,
}

impl PairwiseMatrix {
    /// Validate a full matrix.
    ///
    /// # Errors
    ///
    /// [`Error::Empty`] for no rows; [`Error::Shape`] when not square;
    /// [`Error::InvalidJudgement`] for a judgement not in 1/9..=9 or a diagonal not 1;
    /// [`Error::NotReciprocal`] when `a[i][j] · a[j][i]` is not 1 (within
    /// [`RECIPROCAL_TOLERANCE`]).
    pub fn new(a: Vec<Vec<f64>>) -> Result<PairwiseMatrix> {
        let n = a.len();
        if n == 0 {
            return Err(Error::Empty {
                context: "pairwise matrix".into(),
                what: "rows",
            });
        }
        for (i, row) in a.iter().enumerate() {
            if row.len() != n {
                return Err(Error::Shape {
                    context: format!("pairwise matrix row {}", i + 1),
                    what: "columns",
                    expected: n,
                    found: row.len(),
                });
            }
            for (j, &v) in row.iter().enumerate() {
                let bad = |reason| Error::InvalidJudgement {
                    row: i + 1,
                    column: j + 1,
                    value: v,
                    reason,
                };
                if !v.is_finite() || !(1.0 / 9.0 - 1e-9..=9.0 + 1e-9).contains(&v) {
                    return Err(bad("is outside Saaty's scale 1/9 to 9"));
                }
                if i == j && (v - 1.0).abs() > 1e-12 {
                    return Err(bad("is on the diagonal and must be 1"));
                }
            }
        }
        for (i, row) in a.iter().enumerate() {
            for (j, &v) in row.iter().enumerate().skip(i + 1) {
                let mirror = a.get(j).and_then(|r| r.get(i)).copied().unwrap_or_default();
                if (v * mirror - 1.0).abs() > RECIPROCAL_TOLERANCE + 1e-12 {
                    return Err(Error::NotReciprocal {
                        row: i + 1,
                        column: j + 1,
                        value: v,
                        mirror,
                        expected: 1.0 / v,
                    });
                }
            }
        }
        Ok(PairwiseMatrix { a })
    }

    /// Build from the judgements above the diagonal, row by row (`a₁₂, a₁₃, …, a₂₃, …`);
    /// the diagonal is 1 and the lower triangle the reciprocals.
    ///
    /// # Errors
    ///
    /// [`Error::Shape`] for the wrong number of judgements; as [`PairwiseMatrix::new`].
    pub fn from_upper(n: usize, upper: &[f64]) -> Result<PairwiseMatrix> {
        let expected = n * n.saturating_sub(1) / 2;
        if upper.len() != expected {
            return Err(Error::Shape {
                context: "upper triangle of pairwise matrix".into(),
                what: "judgements",
                expected,
                found: upper.len(),
            });
        }
        let mut a = vec![vec![1.0; n]; n];
        let mut it = upper.iter();
        for i in 0..n {
            for j in (i + 1)..n {
                let v = it.next().copied().unwrap_or(1.0);
                if let Some(x) = a.get_mut(i).and_then(|r| r.get_mut(j)) {
                    *x = v;
                }
                if let Some(x) = a.get_mut(j).and_then(|r| r.get_mut(i)) {
                    *x = 1.0 / v;
                }
            }
        }
        PairwiseMatrix::new(a)
    }

    /// The matrix order.
    #[must_use]
    pub fn order(&self) -> usize {
        self.a.len()
    }

    fn times(&self, w: &[f64]) -> Vec<f64> {
        self.a
            .iter()
            .map(|row| row.iter().zip(w).map(|(a, w)| a * w).sum())
            .collect()
    }

    /// Weights, λmax, CI and CR.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when the random-index table has no value for this order.
    pub fn weights(
        &self,
        derivation: WeightDerivation,
        table: RandomIndexTable,
    ) -> Result<AhpResult> {
        let n = self.order();
        #[allow(clippy::cast_precision_loss)]
        let nf = n as f64;
        let weights = match derivation {
            WeightDerivation::GeometricMean => {
                let g: Vec<f64> = self
                    .a
                    .iter()
                    .map(|row| row.iter().map(|x| x.ln()).sum::<f64>() / nf)
                    .map(f64::exp)
                    .collect();
                let s: f64 = g.iter().sum();
                g.iter().map(|x| x / s).collect()
            }
            WeightDerivation::Eigenvector => {
                // A positive matrix: power iteration converges to the Perron vector.
                let mut w = vec![1.0 / nf; n];
                for _ in 0..1000 {
                    let next = self.times(&w);
                    let s: f64 = next.iter().sum();
                    let next: Vec<f64> = next.iter().map(|x| x / s).collect();
                    let delta = next
                        .iter()
                        .zip(&w)
                        .map(|(a, b)| (a - b).abs())
                        .fold(0.0, f64::max);
                    w = next;
                    if delta < 1e-15 {
                        break;
                    }
                }
                w
            }
        };
        let aw = self.times(&weights);
        let lambda_max = aw.iter().zip(&weights).map(|(a, w)| a / w).sum::<f64>() / nf;
        let random_index = table.random_index(n)?;
        let (consistency_index, consistency_ratio) = if n <= 2 || random_index <= 0.0 {
            (0.0, 0.0)
        } else {
            let ci = ((lambda_max - nf) / (nf - 1.0)).max(0.0);
            (ci, ci / random_index)
        };
        Ok(AhpResult {
            weights,
            lambda_max,
            consistency_index,
            random_index,
            random_index_table: table,
            consistency_ratio,
            acceptable: consistency_ratio <= ACCEPTABLE_CR,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Saaty (1977), "A scaling method for priorities in hierarchical structures", Journal
    /// of Mathematical Psychology 15, 234–281: the relative wealth of seven nations (US,
    /// USSR, China, France, UK, Japan, West Germany). Published eigenvector 0.427, 0.230,
    /// 0.021, 0.052, 0.052, 0.123, 0.094 with λmax = 7.61; with Saaty's RI of 1.32 for n = 7
    /// CI = 0.101 and CR = 0.077, below 0.10.
    #[test]
    fn saaty_wealth_of_nations() {
        let t = 1.0 / 3.0;
        let m = PairwiseMatrix::new(vec![
            vec![1.0, 4.0, 9.0, 6.0, 6.0, 5.0, 5.0],
            vec![0.25, 1.0, 7.0, 5.0, 5.0, 3.0, 4.0],
            vec![1.0 / 9.0, 1.0 / 7.0, 1.0, 0.2, 0.2, 1.0 / 7.0, 0.2],
            vec![1.0 / 6.0, 0.2, 5.0, 1.0, 1.0, t, t],
            vec![1.0 / 6.0, 0.2, 5.0, 1.0, 1.0, t, t],
            vec![0.2, t, 7.0, 3.0, 3.0, 1.0, 2.0],
            vec![0.2, 0.25, 5.0, 3.0, 3.0, 0.5, 1.0],
        ])
        .unwrap();
        let r = m
            .weights(WeightDerivation::Eigenvector, RandomIndexTable::Saaty)
            .unwrap();
        for (w, e) in r
            .weights
            .iter()
            .zip([0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094])
        {
            assert!((w - e).abs() < 5e-4, "{:?}", r.weights);
        }
        assert!((r.lambda_max - 7.61).abs() < 5e-3);
        assert!((r.consistency_index - 0.101).abs() < 5e-4);
        assert!((r.consistency_ratio - 0.077).abs() < 5e-4);
        assert_eq!(r.random_index, 1.32);
        assert!(r.acceptable);
    }

    /// The three-criterion matrix [1 3 5; 1/3 1 3; 1/5 1/3 1] reproduced across AHP
    /// teaching texts: weights 0.637, 0.258, 0.105, λmax = 3.039, CR = 0.033 (Saaty RI
    /// 0.58). For this matrix the row geometric means give the same weights.
    #[test]
    fn three_criteria_textbook_example() {
        let m = PairwiseMatrix::from_upper(3, &[3.0, 5.0, 3.0]).unwrap();
        for d in [
            WeightDerivation::Eigenvector,
            WeightDerivation::GeometricMean,
        ] {
            let r = m.weights(d, RandomIndexTable::Saaty).unwrap();
            for (w, e) in r.weights.iter().zip([0.637, 0.258, 0.105]) {
                assert!((w - e).abs() < 5e-4);
            }
            assert!((r.lambda_max - 3.0385).abs() < 1e-4);
            assert!((r.consistency_ratio - 0.0332).abs() < 1e-4);
        }
        let tl = m
            .weights(WeightDerivation::Eigenvector, RandomIndexTable::TummalaLing)
            .unwrap();
        assert_eq!(tl.random_index, 0.5799);
        let (name, source) = RandomIndexTable::TummalaLing.source().unwrap();
        assert!(name.contains("Tummala") && !source.is_verified());
    }

    #[test]
    fn small_and_consistent_matrices() {
        let one = PairwiseMatrix::new(vec![vec![1.0]]).unwrap();
        let r = one
            .weights(WeightDerivation::Eigenvector, RandomIndexTable::Saaty)
            .unwrap();
        assert_eq!(r.weights, vec![1.0]);
        assert_eq!(r.consistency_ratio, 0.0);
        // A perfectly consistent matrix: a_ij = w_i / w_j.
        let m = PairwiseMatrix::from_upper(3, &[2.0, 4.0, 2.0]).unwrap();
        let r = m
            .weights(WeightDerivation::Eigenvector, RandomIndexTable::Saaty)
            .unwrap();
        assert!((r.weights[0] - 4.0 / 7.0).abs() < 1e-12);
        assert!(r.consistency_ratio.abs() < 1e-9);
    }

    #[test]
    fn errors() {
        assert!(matches!(
            PairwiseMatrix::new(vec![vec![1.0, 3.0], vec![3.0, 1.0]]),
            Err(Error::NotReciprocal {
                row: 1,
                column: 2,
                ..
            })
        ));
        assert!(PairwiseMatrix::new(vec![vec![1.0, 3.0], vec![0.33, 1.0]]).is_ok());
        assert!(matches!(
            PairwiseMatrix::new(vec![vec![1.0, 10.0], vec![0.1, 1.0]]),
            Err(Error::InvalidJudgement { .. })
        ));
        assert!(matches!(
            PairwiseMatrix::new(vec![vec![2.0]]),
            Err(Error::InvalidJudgement { .. })
        ));
        assert!(matches!(
            PairwiseMatrix::new(vec![vec![1.0, 1.0]]),
            Err(Error::Shape { .. })
        ));
        assert!(matches!(
            PairwiseMatrix::new(vec![]),
            Err(Error::Empty { .. })
        ));
        assert!(matches!(
            PairwiseMatrix::from_upper(3, &[1.0]),
            Err(Error::Shape { .. })
        ));
        let big = PairwiseMatrix::new(vec![vec![1.0; 11]; 11]).unwrap();
        assert!(matches!(
            big.weights(WeightDerivation::Eigenvector, RandomIndexTable::Saaty),
            Err(Error::Invalid { .. })
        ));
        let parsed: std::result::Result<PairwiseMatrix, _> = serde_json::from_str("[[1,2],[2,1]]");
        assert!(parsed.is_err());
    }
}
