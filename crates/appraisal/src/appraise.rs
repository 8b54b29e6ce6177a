//! From answers to a decision: per item summaries and consensus, gates, the options by
//! criteria matrix of central scores, the ranking under a named method, a Borda cross-check
//! across assessors, and where panels disagree.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::matrix::{CriterionSpec, DecisionMatrix, Normalisation, RawDecisionMatrix};
use crate::methods::Method;
use crate::model::Appraisal;
use crate::rankagg::{Aggregation, Ballot, aggregate};
use crate::ranking::Ranking;
use crate::stats::{ItemSummary, QuantileMethod};

/// Which central value of the answers feeds the weighted methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Centre {
    /// The median (ordinal data; the default).
    #[default]
    Median,
    /// The mean.
    Mean,
}

/// Choices for [`appraise`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Settings {
    /// Median or mean of the answers.
    #[serde(default)]
    pub centre: Centre,
    /// Quantile definition for the interquartile range.
    #[serde(default)]
    pub quantile: QuantileMethod,
    /// The scoring method over the central scores.
    pub method: Method,
    /// Panel medians that differ by at least this many points are reported.
    pub disagreement_threshold: f64,
}

impl Default for Settings {
    /// Medians, type 7 quartiles, weighted sum of raw scores, one-point disagreements.
    fn default() -> Settings {
        Settings {
            centre: Centre::Median,
            quantile: QuantileMethod::Type7,
            method: Method::WeightedSum {
                normalisation: Normalisation::None,
            },
            disagreement_threshold: 1.0,
        }
    }
}

/// The summary of one option on one criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ItemResult {
    /// Option identifier.
    pub option: String,
    /// Criterion identifier.
    pub criterion: String,
    /// The summary of the answers.
    pub summary: ItemSummary,
}

/// Why an option was excluded before ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GateFailure {
    /// The option.
    pub option: String,
    /// The gated criterion.
    pub criterion: String,
    /// Its central score.
    pub score: f64,
    /// The gate it had to reach.
    pub gate: f64,
}

/// Per-option subtotal for a critical success factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FactorScore {
    /// The factor.
    pub factor: String,
    /// The option.
    pub option: String,
    /// Weighted mean of its criteria's central scores (weights within the factor).
    pub score: f64,
}

/// One panel's view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PanelView {
    /// The panel.
    pub panel: String,
    /// Number of assessors on it.
    pub assessors: usize,
    /// Its ranking under the same method (gates not applied); `None` when the panel left
    /// an item unanswered.
    pub ranking: Option<Ranking>,
}

/// An item on which panels' medians differ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Disagreement {
    /// The option.
    pub option: String,
    /// The criterion.
    pub criterion: String,
    /// Each panel's median, by panel.
    pub medians: Vec<(String, f64)>,
    /// Largest minus smallest median.
    pub spread: f64,
}

/// Panel consensus report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PanelReport {
    /// Each panel's ranking.
    pub panels: Vec<PanelView>,
    /// Whether every panel ranks the same option(s) first.
    pub same_preferred: bool,
    /// Items where panel medians differ by at least the threshold, largest spread first.
    pub disagreements: Vec<Disagreement>,
    /// Kendall's τ-b between each pair of panels' option scores (1: same order; −1:
    /// reversed); pairs where a panel is incomplete or scores every option alike are left out.
    pub rank_agreement: Vec<(String, String, f64)>,
}

/// The result of an appraisal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AppraisalResult {
    /// Title.
    pub title: String,
    /// The settings used.
    pub settings: Settings,
    /// Per option and criterion summaries, option-major.
    pub items: Vec<ItemResult>,
    /// Mean Tastle–Wierman consensus over each option's criteria.
    pub option_consensus: Vec<(String, f64)>,
    /// The options by criteria matrix of central scores (all options).
    pub matrix: DecisionMatrix,
    /// Options excluded by must-pass gates.
    pub gate_failures: Vec<GateFailure>,
    /// Ranking of the options that passed every gate, under `settings.method`.
    pub ranking: Ranking,
    /// Borda count of each assessor's own weighted scores, a cross-check on the ranking.
    pub borda: Ranking,
    /// Critical success factor subtotals.
    pub factors: Vec<FactorScore>,
    /// Where panels disagree, when assessors are in two or more panels.
    pub panels: Option<PanelReport>,
    /// Plain-language notes: ties, gates, constant criteria, missing answers.
    pub notes: Vec<String>,
}

impl AppraisalResult {
    /// The options ranked first.
    #[must_use]
    pub fn preferred(&self) -> Vec<&str> {
        self.ranking.winners()
    }

    /// The summary for an option and criterion.
    #[must_use]
    pub fn item(&self, option: &str, criterion: &str) -> Option<&ItemSummary> {
        self.items
            .iter()
            .find(|i| i.option == option && i.criterion == criterion)
            .map(|i| &i.summary)
    }
}

fn centre_matrix(
    a: &Appraisal,
    settings: &Settings,
    assessor_filter: &dyn Fn(usize) -> bool,
) -> Result<(Vec<ItemResult>, DecisionMatrix)> {
    let mut items = Vec::new();
    let mut values = Vec::new();
    for (o, option) in a.options().iter().enumerate() {
        let mut row = Vec::new();
        for (c, criterion) in a.criteria().iter().enumerate() {
            let answers: Vec<Option<u8>> = a
                .answers(o, c)
                .iter()
                .enumerate()
                .filter(|(i, _)| assessor_filter(*i))
                .map(|(_, s)| *s)
                .collect();
            if answers.iter().all(Option::is_none) {
                return Err(Error::Empty {
                    context: format!("option {} on criterion {}", option.id, criterion.id),
                    what: "answers",
                });
            }
            let summary =
                ItemSummary::from_scores(&answers, a.scale().points(), settings.quantile)?;
            row.push(match settings.centre {
                Centre::Median => summary.median,
                Centre::Mean => summary.mean,
            });
            items.push(ItemResult {
                option: option.id.clone(),
                criterion: criterion.id.clone(),
                summary,
            });
        }
        values.push(row);
    }
    let matrix = DecisionMatrix::new(RawDecisionMatrix {
        options: a.options().iter().map(|o| o.id.clone()).collect(),
        criteria: a
            .criteria()
            .iter()
            .map(|c| CriterionSpec {
                id: c.id.clone(),
                direction: c.direction,
                weight: c.weight,
            })
            .collect(),
        values,
    })?;
    Ok((items, matrix))
}

fn sub_matrix(m: &DecisionMatrix, keep: &[usize]) -> Result<DecisionMatrix> {
    DecisionMatrix::new(RawDecisionMatrix {
        options: keep
            .iter()
            .filter_map(|i| m.options().get(*i).cloned())
            .collect(),
        criteria: m.criteria().to_vec(),
        values: keep
            .iter()
            .filter_map(|i| m.values().get(*i).cloned())
            .collect(),
    })
}

/// Appraise: summarise every item, apply the gates, rank the rest under the chosen
/// method, cross-check with a Borda count across assessors, subtotal the critical success
/// factors and compare panels.
///
/// # Errors
///
/// [`Error::Empty`] when an option has no answers on a criterion (among all assessors, or
/// within a panel); errors of the chosen method.
///
/// ```
/// use appraisal::appraise::{Settings, appraise};
/// use appraisal::model::*;
/// use appraisal::matrix::Direction;
/// let criterion = |id: &str| Criterion {
///     id: id.into(), name: id.into(), direction: Direction::Benefit, weight: 1.0,
///     gate: None, factor: None, reverse_coded: false,
/// };
/// let mut scores = Vec::new();
/// for (assessor, option, criterion, score) in [
///     ("ann", "alliance", "quality", 4), ("ann", "lead", "quality", 5),
///     ("bob", "alliance", "quality", 3), ("bob", "lead", "quality", 4),
/// ] {
///     scores.push(ScoreEntry { assessor: assessor.into(), option: option.into(),
///         criterion: criterion.into(), score: Some(score) });
/// }
/// let a = Appraisal::new(RawAppraisal {
///     title: "form".into(), question: None, scale: LikertScale::default(),
///     criteria: vec![criterion("quality")],
///     options: ["alliance", "lead"].map(|o| AppraisalOption { id: o.into(), name: o.into() }).to_vec(),
///     assessors: ["ann", "bob"].map(|a| Assessor { id: a.into(), panel: None }).to_vec(),
///     scores,
/// })?;
/// let r = appraise(&a, &Settings::default())?;
/// assert_eq!(r.preferred(), vec!["lead"]);
/// # Ok::<(), appraisal::Error>(())
/// ```
pub fn appraise(a: &Appraisal, settings: &Settings) -> Result<AppraisalResult> {
    let (items, matrix) = centre_matrix(a, settings, &|_| true)?;
    let mut notes = Vec::new();

    // Gates first, on the central scores.
    let mut gate_failures = Vec::new();
    for (row, option) in matrix.values().iter().zip(matrix.options()) {
        for (v, c) in row.iter().zip(a.criteria()) {
            if let Some(g) = c.gate
                && *v < g
            {
                gate_failures.push(GateFailure {
                    option: option.clone(),
                    criterion: c.id.clone(),
                    score: *v,
                    gate: g,
                });
            }
        }
    }
    let passing: Vec<usize> = (0..matrix.options().len())
        .filter(|i| {
            matrix
                .options()
                .get(*i)
                .is_some_and(|o| !gate_failures.iter().any(|f| &f.option == o))
        })
        .collect();
    for f in &gate_failures {
        notes.push(format!(
            "{} excluded before ranking: {:.2} on {} is below the must-pass gate {:.2}",
            f.option, f.score, f.criterion, f.gate
        ));
    }
    let ranking = if passing.is_empty() {
        notes.push("no option passed every must-pass gate, so none is ranked".into());
        Ranking {
            order: vec![],
            ties: vec![],
        }
    } else {
        settings.method.rank(&sub_matrix(&matrix, &passing)?)?
    };
    notes.extend(ranking.tie_explanations());
    for c in matrix.constant_criteria() {
        notes.push(format!(
            "criterion {c} scores every option alike, so it cannot change the ranking"
        ));
    }

    // Borda across assessors: each assessor's weighted mean of their own answers.
    let options: Vec<String> = a.options().iter().map(|o| o.id.clone()).collect();
    let ballots: Vec<Ballot> = (0..a.assessors().len())
        .map(|k| {
            (0..options.len())
                .map(|o| {
                    let (mut num, mut den) = (0.0, 0.0);
                    for (c, crit) in a.criteria().iter().enumerate() {
                        if let Some(Some(s)) = a.answers(o, c).get(k) {
                            let v = match crit.direction {
                                crate::matrix::Direction::Benefit => f64::from(*s),
                                crate::matrix::Direction::Cost => -f64::from(*s),
                            };
                            num += crit.weight * v;
                            den += crit.weight;
                        }
                    }
                    (den > 0.0).then(|| num / den)
                })
                .collect()
        })
        .collect();
    let borda = aggregate(&options, &ballots, Aggregation::Borda)?;
    if let (Some(top), Some(b)) = (ranking.winners().first(), borda.winners().first())
        && top != b
    {
        notes.push(format!(
            "the Borda count across assessors prefers {b}, the {} prefers {top}",
            settings.method
        ));
    }
    let missing: usize = items.iter().map(|i| i.summary.missing).sum();
    if missing > 0 {
        notes.push(format!(
            "{missing} answers were not applicable or missing and are left out of the summaries"
        ));
    }

    // Critical success factors.
    let mut factors = Vec::new();
    let mut names: Vec<&str> = a
        .criteria()
        .iter()
        .filter_map(|c| c.factor.as_deref())
        .collect();
    names.sort_unstable();
    names.dedup();
    for f in names {
        for (row, option) in matrix.values().iter().zip(matrix.options()) {
            let (mut num, mut den) = (0.0, 0.0);
            for (v, c) in row.iter().zip(a.criteria()) {
                if c.factor.as_deref() == Some(f) {
                    num += c.weight * v;
                    den += c.weight;
                }
            }
            if den > 0.0 {
                factors.push(FactorScore {
                    factor: f.to_owned(),
                    option: option.clone(),
                    score: num / den,
                });
            }
        }
    }

    let option_consensus = options
        .iter()
        .map(|o| {
            let cs: Vec<f64> = items
                .iter()
                .filter(|i| &i.option == o)
                .map(|i| i.summary.consensus)
                .collect();
            #[allow(clippy::cast_precision_loss)]
            let mean = cs.iter().sum::<f64>() / cs.len().max(1) as f64;
            (o.clone(), mean)
        })
        .collect();

    let panels = panel_report(a, settings)?;
    Ok(AppraisalResult {
        title: a.title().to_owned(),
        settings: settings.clone(),
        items,
        option_consensus,
        matrix,
        gate_failures,
        ranking,
        borda,
        factors,
        panels,
        notes,
    })
}

fn panel_report(a: &Appraisal, settings: &Settings) -> Result<Option<PanelReport>> {
    let names = a.panels();
    if names.len() < 2 {
        return Ok(None);
    }
    let mut views = Vec::new();
    for p in &names {
        let members: Vec<bool> = a
            .assessors()
            .iter()
            .map(|x| x.panel.as_deref() == Some(*p))
            .collect();
        let centred = centre_matrix(
            a,
            &Settings {
                centre: Centre::Median,
                ..settings.clone()
            },
            &|i| members.get(i).copied().unwrap_or(false),
        );
        let m = match centred {
            Ok((_, m)) => Some(m),
            Err(Error::Empty { .. }) => None,
            Err(e) => return Err(e),
        };
        views.push(PanelView {
            panel: (*p).to_owned(),
            assessors: members.iter().filter(|x| **x).count(),
            ranking: m.as_ref().map(|m| settings.method.rank(m)).transpose()?,
        });
    }
    let mut disagreements = Vec::new();
    for (o, option) in a.options().iter().enumerate() {
        for (c, criterion) in a.criteria().iter().enumerate() {
            let medians: Vec<(String, f64)> = names
                .iter()
                .filter_map(|p| {
                    let answers: Vec<f64> = a
                        .answers(o, c)
                        .iter()
                        .zip(a.assessors())
                        .filter(|(_, x)| x.panel.as_deref() == Some(*p))
                        .filter_map(|(s, _)| s.map(f64::from))
                        .collect();
                    crate::stats::median(&answers)
                        .ok()
                        .map(|m| ((*p).to_owned(), m))
                })
                .collect();
            let hi = medians
                .iter()
                .map(|x| x.1)
                .fold(f64::NEG_INFINITY, f64::max);
            let lo = medians.iter().map(|x| x.1).fold(f64::INFINITY, f64::min);
            if medians.len() > 1 && hi - lo >= settings.disagreement_threshold {
                disagreements.push(Disagreement {
                    option: option.id.clone(),
                    criterion: criterion.id.clone(),
                    medians,
                    spread: hi - lo,
                });
            }
        }
    }
    disagreements.sort_by(|x, y| y.spread.total_cmp(&x.spread));
    fn winners(v: &PanelView) -> Option<Vec<&str>> {
        v.ranking.as_ref().map(Ranking::winners)
    }
    let first = views.first().and_then(winners);
    let same_preferred = first.is_some() && views.iter().all(|v| winners(v) == first);
    let mut rank_agreement = Vec::new();
    let ids: Vec<&str> = a.options().iter().map(|o| o.id.as_str()).collect();
    let scores = |r: &Ranking| -> Vec<f64> {
        ids.iter()
            .map(|o| {
                r.order
                    .iter()
                    .find(|x| x.option == *o)
                    .map_or(0.0, |x| x.score)
            })
            .collect()
    };
    for (i, x) in views.iter().enumerate() {
        for y in views.iter().skip(i + 1) {
            let (Some(rx), Some(ry)) = (&x.ranking, &y.ranking) else {
                continue;
            };
            if let Ok(tau) = crate::stats::kendall_tau_b(&scores(rx), &scores(ry)) {
                rank_agreement.push((x.panel.clone(), y.panel.clone(), tau));
            }
        }
    }
    Ok(Some(PanelReport {
        panels: views,
        same_preferred,
        disagreements,
        rank_agreement,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::small;

    #[test]
    fn gates_exclude_before_ranking_and_panels_are_compared() {
        let mut raw = small(&[
            ("p", "x", "quality", Some(5)),
            ("q", "x", "quality", Some(5)),
            ("p", "x", "cost", Some(1)),
            ("q", "x", "cost", Some(2)),
            ("p", "y", "quality", Some(3)),
            ("q", "y", "quality", Some(4)),
            ("p", "y", "cost", Some(3)),
            ("q", "y", "cost", None),
        ]);
        let a = Appraisal::new(raw.clone()).unwrap();
        let r = appraise(&a, &Settings::default()).unwrap();
        // x: (5 + 1.5) / 2 = 3.25; y: (3.5 + 3) / 2 = 3.25: tied, and said so.
        assert_eq!(r.ranking.ties.len(), 1);
        assert!(r.notes.iter().any(|n| n.contains("share rank 1")));
        assert!(
            r.notes
                .iter()
                .any(|n| n.contains("1 answers were not applicable"))
        );
        assert_eq!(r.item("y", "cost").unwrap().answered, 1);
        raw.criteria[1].gate = Some(2.0);
        raw.assessors[0].panel = Some("north".into());
        raw.assessors[1].panel = Some("south".into());
        let a = Appraisal::new(raw).unwrap();
        let r = appraise(&a, &Settings::default()).unwrap();
        assert_eq!(r.gate_failures.len(), 1);
        assert_eq!(r.preferred(), vec!["y"]);
        let panels = r.panels.unwrap();
        assert_eq!(panels.panels.len(), 2);
        // South left y on cost unanswered: no ranking for it, and no comparison on that item.
        assert!(panels.panels[1].ranking.is_none());
        assert!(!panels.same_preferred);
        assert!(panels.rank_agreement.is_empty());
        // x on cost: north 1, south 2.
        assert_eq!(panels.disagreements.len(), 2);
        assert!(panels.disagreements.iter().all(|d| d.spread == 1.0));
    }

    #[test]
    fn an_item_with_no_answers_is_an_error() {
        let a = Appraisal::new(small(&[("p", "x", "quality", Some(5))])).unwrap();
        assert!(matches!(
            appraise(&a, &Settings::default()),
            Err(Error::Empty { .. })
        ));
    }
}
