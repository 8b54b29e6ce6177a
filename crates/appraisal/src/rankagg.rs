//! Rank aggregation across assessors: Borda count (and Dowdall), average rank and
//! Copeland's pairwise method, and the Kemeny–Young consensus order.
//!
//! A ballot is one assessor's ordering, given as a score per option (higher is better,
//! equal scores tie, `None` leaves the option unranked). Unranked options count as tied
//! below every ranked one, so partial ballots share the leftover Borda points equally (the
//! convention of the R package `RankAggreg`/`rankaggregation`).
//!
//! ```
//! use appraisal::rankagg::{Aggregation, aggregate, ballot_from_order};
//! let options = ["a".to_owned(), "b".to_owned(), "c".to_owned()];
//! let ballots = vec![
//!     ballot_from_order(&options, &["a", "b", "c"])?,
//!     ballot_from_order(&options, &["b", "a", "c"])?,
//!     ballot_from_order(&options, &["a", "c", "b"])?,
//! ];
//! let r = aggregate(&options, &ballots, Aggregation::Borda)?;
//! assert_eq!(r.winners(), vec!["a"]);
//! # Ok::<(), appraisal::Error>(())
//! ```

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ranking::Ranking;

/// One assessor's ordering: a score per option (in the options' order), higher is better.
pub type Ballot = Vec<Option<f64>>;

/// Turn an ordered list of option identifiers (best first, possibly partial) into a ballot.
///
/// # Errors
///
/// [`Error::Unknown`] for an identifier not among `options`; [`Error::Duplicate`] for one
/// listed twice.
pub fn ballot_from_order(options: &[String], order: &[&str]) -> Result<Ballot> {
    let mut ballot = vec![None; options.len()];
    #[allow(clippy::cast_precision_loss)]
    let m = order.len() as f64;
    for (pos, id) in order.iter().enumerate() {
        let i = options
            .iter()
            .position(|o| o == id)
            .ok_or_else(|| Error::Unknown {
                kind: "option",
                id: (*id).to_owned(),
                context: "ranked ballot".into(),
            })?;
        let slot = ballot
            .get_mut(i)
            .ok_or_else(|| Error::invalid("ballot", "index"))?;
        if slot.is_some() {
            return Err(Error::Duplicate {
                kind: "option",
                id: (*id).to_owned(),
                context: "ranked ballot".into(),
            });
        }
        #[allow(clippy::cast_precision_loss)]
        let score = m - pos as f64;
        *slot = Some(score);
    }
    Ok(ballot)
}

/// How ballots are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Aggregation {
    /// Borda (1781): on each ballot an option gets one point for each option it beats
    /// and half a point for each it ties with (`m − 1 − position` for a strict full
    /// ranking); points are summed.
    Borda,
    /// Dowdall (Nauru): `1/position`, tied options sharing the mean of their positions'
    /// points; unranked options get none.
    Dowdall,
    /// Mean rank (tied options take the mean of the positions they span); the score is
    /// the negated mean so that higher is better.
    AverageRank,
    /// Copeland (1951): pairwise majority contests, score = wins − losses.
    Copeland,
    /// Kemeny–Young: the order that agrees with the most pairwise preferences over all
    /// ballots, found exactly by enumeration (up to [`KEMENY_MAX_OPTIONS`] options); the
    /// score is `m − position` in that order. Among equally good orders the first in
    /// lexicographic order of the options' input positions is taken.
    Kemeny,
}

/// The largest number of options [`Aggregation::Kemeny`] enumerates (8! = 40,320 orders).
pub const KEMENY_MAX_OPTIONS: usize = 8;

fn kemeny(m: usize, ballots: &[Ballot]) -> Vec<f64> {
    let key = |b: &Ballot, i: usize| b.get(i).copied().flatten().unwrap_or(f64::NEG_INFINITY);
    let mut prefer = vec![vec![0usize; m]; m];
    for b in ballots {
        for (i, row) in prefer.iter_mut().enumerate() {
            for (k, cell) in row.iter_mut().enumerate() {
                if key(b, i) > key(b, k) {
                    *cell += 1;
                }
            }
        }
    }
    let agreement = |order: &[usize]| -> usize {
        order
            .iter()
            .enumerate()
            .flat_map(|(x, a)| order.iter().skip(x + 1).map(move |b| (*a, *b)))
            .map(|(a, b)| prefer.get(a).and_then(|r| r.get(b)).copied().unwrap_or(0))
            .sum()
    };
    // Lexicographic enumeration of permutations (next_permutation).
    let mut order: Vec<usize> = (0..m).collect();
    let mut best = order.clone();
    let mut best_score = agreement(&order);
    while let Some(i) = (1..order.len())
        .rev()
        .find(|&i| order.get(i - 1) < order.get(i))
    {
        let pivot = order.get(i - 1).copied().unwrap_or(0);
        let j = (i..order.len())
            .rev()
            .find(|&j| order.get(j).is_some_and(|v| *v > pivot))
            .unwrap_or(i);
        order.swap(i - 1, j);
        if let Some(tail) = order.get_mut(i..) {
            tail.reverse();
        }
        let score = agreement(&order);
        if score > best_score {
            best_score = score;
            best.clone_from(&order);
        }
    }
    let mut scores = vec![0.0; m];
    for (pos, i) in best.iter().enumerate() {
        if let Some(s) = scores.get_mut(*i) {
            #[allow(clippy::cast_precision_loss)]
            let v = (m - pos) as f64;
            *s = v;
        }
    }
    scores
}

fn check(options: &[String], ballots: &[Ballot]) -> Result<()> {
    if options.is_empty() {
        return Err(Error::Empty {
            context: "rank aggregation".into(),
            what: "options",
        });
    }
    if ballots.is_empty() {
        return Err(Error::Empty {
            context: "rank aggregation".into(),
            what: "ballots",
        });
    }
    for (k, b) in ballots.iter().enumerate() {
        if b.len() != options.len() {
            return Err(Error::Shape {
                context: format!("ballot {}", k + 1),
                what: "scores",
                expected: options.len(),
                found: b.len(),
            });
        }
        if b.iter().flatten().any(|x| !x.is_finite()) {
            return Err(Error::NotFinite {
                context: format!("ballot {}", k + 1),
            });
        }
    }
    Ok(())
}

/// Position (1-based, mean over ties) of each option on a ballot; unranked options share
/// the positions after the ranked ones.
fn positions(b: &Ballot) -> Vec<f64> {
    let key = |x: &Option<f64>| x.unwrap_or(f64::NEG_INFINITY);
    b.iter()
        .map(|x| {
            let better = b.iter().filter(|y| key(y) > key(x)).count();
            let tied = b.iter().filter(|y| key(y) == key(x)).count();
            #[allow(clippy::cast_precision_loss)]
            let p = better as f64 + (tied as f64 + 1.0) / 2.0;
            p
        })
        .collect()
}

/// Combine `ballots` into one ranking of `options`.
///
/// # Errors
///
/// [`Error::Empty`] for no options or ballots; [`Error::Shape`] for a ballot of the wrong
/// length; [`Error::NotFinite`] for a non-finite score.
pub fn aggregate(options: &[String], ballots: &[Ballot], method: Aggregation) -> Result<Ranking> {
    Ok(Ranking::from_scores(
        options,
        &aggregate_scores(options, ballots, method)?,
    ))
}

/// The aggregate score of each option (higher is better) under `method`.
///
/// # Errors
///
/// As [`aggregate`].
pub fn aggregate_scores(
    options: &[String],
    ballots: &[Ballot],
    method: Aggregation,
) -> Result<Vec<f64>> {
    check(options, ballots)?;
    let m = options.len();
    let mut total = vec![0.0; m];
    match method {
        Aggregation::Borda | Aggregation::AverageRank => {
            #[allow(clippy::cast_precision_loss)]
            let mf = m as f64;
            for b in ballots {
                for (t, p) in total.iter_mut().zip(positions(b)) {
                    *t += match method {
                        Aggregation::Borda => mf - p,
                        _ => -p,
                    };
                }
            }
            if method == Aggregation::AverageRank {
                #[allow(clippy::cast_precision_loss)]
                let n = ballots.len() as f64;
                for t in &mut total {
                    *t /= n;
                }
            }
        }
        Aggregation::Dowdall => {
            for b in ballots {
                let key = |x: &Option<f64>| x.unwrap_or(f64::NEG_INFINITY);
                for (i, x) in b.iter().enumerate() {
                    if x.is_none() {
                        continue;
                    }
                    let better = b.iter().filter(|y| key(y) > key(x)).count();
                    let tied = b.iter().filter(|y| key(y) == key(x)).count();
                    #[allow(clippy::cast_precision_loss)]
                    let share = (better + 1..=better + tied)
                        .map(|p| 1.0 / p as f64)
                        .sum::<f64>()
                        / tied as f64;
                    if let Some(t) = total.get_mut(i) {
                        *t += share;
                    }
                }
            }
        }
        Aggregation::Kemeny => {
            if m > KEMENY_MAX_OPTIONS {
                return Err(Error::invalid(
                    "Kemeny aggregation",
                    format!("enumerates at most {KEMENY_MAX_OPTIONS} options, not {m}"),
                ));
            }
            total = kemeny(m, ballots);
        }
        Aggregation::Copeland => {
            let key = |x: Option<f64>| x.unwrap_or(f64::NEG_INFINITY);
            for i in 0..m {
                for k in 0..m {
                    if i == k {
                        continue;
                    }
                    let (mut wins, mut losses) = (0usize, 0usize);
                    for b in ballots {
                        let (a, c) = (
                            key(b.get(i).copied().flatten()),
                            key(b.get(k).copied().flatten()),
                        );
                        if a > c {
                            wins += 1;
                        } else if c > a {
                            losses += 1;
                        }
                    }
                    if let Some(t) = total.get_mut(i) {
                        *t += match wins.cmp(&losses) {
                            std::cmp::Ordering::Greater => 1.0,
                            std::cmp::Ordering::Less => -1.0,
                            std::cmp::Ordering::Equal => 0.0,
                        };
                    }
                }
            }
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tennessee() -> (Vec<String>, Vec<Ballot>) {
        let options: Vec<String> = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]
            .map(String::from)
            .to_vec();
        let mut ballots = Vec::new();
        let blocs: [(usize, [&str; 4]); 4] = [
            (42, ["Memphis", "Nashville", "Chattanooga", "Knoxville"]),
            (26, ["Nashville", "Chattanooga", "Knoxville", "Memphis"]),
            (15, ["Chattanooga", "Knoxville", "Nashville", "Memphis"]),
            (17, ["Knoxville", "Chattanooga", "Nashville", "Memphis"]),
        ];
        for (n, order) in blocs {
            for _ in 0..n {
                ballots.push(ballot_from_order(&options, &order).unwrap());
            }
        }
        (options, ballots)
    }

    /// The Tennessee capital example (Wikipedia, "Borda count" and "Copeland's method";
    /// 100 voters: 42 Memphis, 26 Nashville, 15 Chattanooga, 17 Knoxville first). Borda
    /// points: Nashville 194, Chattanooga 173, Memphis 126, Knoxville 107. Nashville is the
    /// Condorcet winner, so it wins Copeland with 3 wins (score 3).
    #[test]
    fn tennessee_borda_and_copeland() {
        let (options, ballots) = tennessee();
        let s = aggregate_scores(&options, &ballots, Aggregation::Borda).unwrap();
        assert_eq!(s, vec![126.0, 194.0, 173.0, 107.0]);
        let c = aggregate_scores(&options, &ballots, Aggregation::Copeland).unwrap();
        assert_eq!(c, vec![-3.0, 3.0, 1.0, -1.0]);
        // Kemeny–Young (Wikipedia, "Kemeny–Young method", the same example): Nashville,
        // Chattanooga, Knoxville, Memphis, agreeing with 393 pairwise preferences.
        let k = aggregate(&options, &ballots, Aggregation::Kemeny).unwrap();
        let order: Vec<&str> = k.order.iter().map(|r| r.option.as_str()).collect();
        assert_eq!(order, ["Nashville", "Chattanooga", "Knoxville", "Memphis"]);
        let many: Vec<String> = (0..9).map(|i| i.to_string()).collect();
        assert!(matches!(
            aggregate(&many, &[vec![None; 9]], Aggregation::Kemeny),
            Err(Error::Invalid { .. })
        ));
        let avg = aggregate(&options, &ballots, Aggregation::AverageRank).unwrap();
        assert_eq!(avg.winners(), vec!["Nashville"]);
        // Dowdall: Memphis 42 + 58/4 = 56.5; Nashville 26 + 42/2 + 32/3 = 57.666...
        let d = aggregate_scores(&options, &ballots, Aggregation::Dowdall).unwrap();
        assert!((d[0] - 56.5).abs() < 1e-9 && (d[1] - (47.0 + 32.0 / 3.0)).abs() < 1e-9);
    }

    #[test]
    fn partial_and_tied_ballots_share_points() {
        let options: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        // a first; b and c unranked share the leftover (1 + 0) / 2 each.
        let partial = ballot_from_order(&options, &["a"]).unwrap();
        assert_eq!(
            aggregate_scores(&options, &[partial], Aggregation::Borda).unwrap(),
            vec![2.0, 0.5, 0.5]
        );
        let tied: Ballot = vec![Some(5.0), Some(5.0), Some(1.0)];
        assert_eq!(
            aggregate_scores(&options, std::slice::from_ref(&tied), Aggregation::Borda).unwrap(),
            vec![1.5, 1.5, 0.0]
        );
        let d = aggregate_scores(&options, &[tied], Aggregation::Dowdall).unwrap();
        assert!((d[0] - 0.75).abs() < 1e-12);
    }

    #[test]
    fn errors() {
        let options: Vec<String> = ["a", "b"].map(String::from).to_vec();
        assert!(matches!(
            ballot_from_order(&options, &["z"]),
            Err(Error::Unknown { .. })
        ));
        assert!(matches!(
            ballot_from_order(&options, &["a", "a"]),
            Err(Error::Duplicate { .. })
        ));
        assert!(matches!(
            aggregate(&options, &[], Aggregation::Borda),
            Err(Error::Empty { .. })
        ));
        assert!(matches!(
            aggregate(&[], &[vec![]], Aggregation::Borda),
            Err(Error::Empty { .. })
        ));
        assert!(matches!(
            aggregate(&options, &[vec![None]], Aggregation::Borda),
            Err(Error::Shape { .. })
        ));
        assert!(matches!(
            aggregate(&options, &[vec![Some(f64::NAN), None]], Aggregation::Borda),
            Err(Error::NotFinite { .. })
        ));
    }
}
