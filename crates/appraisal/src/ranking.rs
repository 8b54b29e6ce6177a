//! Rankings from scores, with ties found and explained rather than broken silently.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Scores closer than this (relative to the larger magnitude, or absolutely near zero)
/// count as tied, so that rounding noise in floating point never decides a rank.
pub const TIE_TOLERANCE: f64 = 1e-9;

/// Whether two scores are tied within [`TIE_TOLERANCE`].
#[must_use]
pub fn tied(a: f64, b: f64) -> bool {
    (a - b).abs() <= TIE_TOLERANCE * a.abs().max(b.abs()).max(1.0)
}

/// One option's place in a ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Ranked {
    /// The option's identifier.
    pub option: String,
    /// Its score under the method (higher is better).
    pub score: f64,
    /// Standard competition rank ("1224"): tied options share the best rank of their group.
    pub rank: usize,
}

/// A ranking of options, best first, with the ties it contains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Ranking {
    /// Options best first; tied options keep their input order.
    pub order: Vec<Ranked>,
    /// Groups of options tied on score, each listed in input order.
    pub ties: Vec<Vec<String>>,
}

impl Ranking {
    /// Rank `options` by `scores` (higher is better). Equal scores (within
    /// [`TIE_TOLERANCE`]) share a rank and are reported in [`Ranking::ties`].
    #[must_use]
    pub fn from_scores(options: &[String], scores: &[f64]) -> Ranking {
        let mut idx: Vec<usize> = (0..options.len().min(scores.len())).collect();
        let score = |i: usize| scores.get(i).copied().unwrap_or(f64::NEG_INFINITY);
        // Stable sort: ties keep input order, so the result does not depend on sort internals.
        idx.sort_by(|&a, &b| score(b).total_cmp(&score(a)));
        let mut order: Vec<Ranked> = Vec::with_capacity(idx.len());
        let mut ties: Vec<Vec<String>> = Vec::new();
        let mut group: Vec<String> = Vec::new();
        for (pos, &i) in idx.iter().enumerate() {
            let name = options.get(i).cloned().unwrap_or_default();
            let s = score(i);
            let rank = match order.last() {
                Some(prev) if tied(prev.score, s) => prev.rank,
                _ => pos + 1,
            };
            if order.last().is_some_and(|prev| prev.rank == rank) {
                group.push(name.clone());
            } else {
                if group.len() > 1 {
                    ties.push(std::mem::take(&mut group));
                }
                group = vec![name.clone()];
            }
            order.push(Ranked {
                option: name,
                score: s,
                rank,
            });
        }
        if group.len() > 1 {
            ties.push(group);
        }
        for t in &mut ties {
            t.sort_by_key(|name| options.iter().position(|o| o == name));
        }
        Ranking { order, ties }
    }

    /// The options ranked first (more than one when the top is tied).
    #[must_use]
    pub fn winners(&self) -> Vec<&str> {
        self.order
            .iter()
            .filter(|r| r.rank == 1)
            .map(|r| r.option.as_str())
            .collect()
    }

    /// The rank of `option`, if it is ranked.
    #[must_use]
    pub fn rank_of(&self, option: &str) -> Option<usize> {
        self.order
            .iter()
            .find(|r| r.option == option)
            .map(|r| r.rank)
    }

    /// One line per tie group saying which options share which rank and why.
    #[must_use]
    pub fn tie_explanations(&self) -> Vec<String> {
        self.ties
            .iter()
            .filter_map(|group| {
                let first = group.first()?;
                let r = self.order.iter().find(|r| &r.option == first)?;
                Some(format!(
                    "{} share rank {} with equal scores ({:.4}); no tie-break is applied",
                    group.join(", "),
                    r.rank,
                    r.score
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn competition_ranking_with_ties() {
        let opts: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        let r = Ranking::from_scores(&opts, &[1.0, 3.0, 3.0, 0.5]);
        let ranks: Vec<_> = r
            .order
            .iter()
            .map(|x| (x.option.as_str(), x.rank))
            .collect();
        assert_eq!(ranks, vec![("b", 1), ("c", 1), ("a", 3), ("d", 4)]);
        assert_eq!(r.ties, vec![vec!["b".to_owned(), "c".to_owned()]]);
        assert_eq!(r.winners(), vec!["b", "c"]);
        assert_eq!(r.rank_of("d"), Some(4));
        assert_eq!(r.rank_of("z"), None);
        assert!(r.tie_explanations()[0].contains("b, c share rank 1"));
    }

    #[test]
    fn rounding_noise_is_a_tie() {
        let opts: Vec<String> = ["x", "y"].map(String::from).to_vec();
        let r = Ranking::from_scores(&opts, &[0.1 + 0.2, 0.3]);
        assert_eq!(r.ties.len(), 1);
    }
}
