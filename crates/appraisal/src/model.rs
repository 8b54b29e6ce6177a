//! The appraisal model: criteria (benefit or cost, weight, must-pass gate, critical
//! success factor), options, assessors in panels, a Likert scale, and the scores given.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::matrix::{Direction, check_unique, check_weights};

/// A Likert scale: labels lowest first (point 1 is the first label), and the answers
/// that mean "not applicable" (recorded as missing, not as a score).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LikertScale {
    /// Point labels, lowest first; the scale runs from 1 to the number of labels.
    pub labels: Vec<String>,
    /// Answers that count as "not applicable" or "don't know".
    #[serde(default)]
    pub not_applicable: Vec<String>,
}

impl Default for LikertScale {
    /// The five-point agreement scale seed 001 proposes ("strongly disagree" to "strongly
    /// agree").
    fn default() -> LikertScale {
        LikertScale {
            labels: [
                "Strongly disagree",
                "Disagree",
                "Neither agree nor disagree",
                "Agree",
                "Strongly agree",
            ]
            .map(String::from)
            .to_vec(),
            not_applicable: ["N/A", "Not applicable", "Don't know"]
                .map(String::from)
                .to_vec(),
        }
    }
}

impl LikertScale {
    /// The number of points.
    #[must_use]
    pub fn points(&self) -> u8 {
        u8::try_from(self.labels.len()).unwrap_or(u8::MAX)
    }

    /// The label of point `p` (1-based).
    #[must_use]
    pub fn label(&self, p: u8) -> Option<&str> {
        usize::from(p)
            .checked_sub(1)
            .and_then(|i| self.labels.get(i))
            .map(String::as_str)
    }

    fn validate(&self) -> Result<()> {
        if self.labels.len() < 2 || self.labels.len() > 11 {
            return Err(Error::invalid(
                "Likert scale",
                "needs 2 to 11 labelled points",
            ));
        }
        check_unique(
            self.labels.iter().map(String::as_str),
            "scale label",
            "Likert scale",
        )
    }
}

/// A criterion of the appraisal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Criterion {
    /// Identifier.
    pub id: String,
    /// The criterion as assessors read it.
    pub name: String,
    /// Benefit (agreement is good) or cost.
    #[serde(default)]
    pub direction: Direction,
    /// Relative weight, non-negative.
    pub weight: f64,
    /// Must-pass gate: an option whose central score on this criterion is below this value
    /// is excluded before ranking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<f64>,
    /// The critical success factor (or other group) the criterion belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<String>,
    /// Answers are turned round (`s → k + 1 − s`) because the item is worded negatively.
    #[serde(default)]
    pub reverse_coded: bool,
}

/// An option being appraised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AppraisalOption {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
}

/// Someone who scores the options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Assessor {
    /// Identifier (a respondent ID from a survey tool, or a name).
    pub id: String,
    /// The panel the assessor sits on, if panels are used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panel: Option<String>,
}

/// One answer: an assessor's score for an option on a criterion, `None` for not
/// applicable. Scores are the raw answers (before reverse coding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ScoreEntry {
    /// The assessor.
    pub assessor: String,
    /// The option.
    pub option: String,
    /// The criterion.
    pub criterion: String,
    /// The point on the scale (1-based), or `None` for not applicable.
    pub score: Option<i64>,
}

/// Raw input of an [`Appraisal`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RawAppraisal {
    /// Title of the appraisal.
    pub title: String,
    /// The question that prefaces each criterion, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// The scale; five-point agreement by default.
    #[serde(default)]
    pub scale: LikertScale,
    /// The criteria.
    pub criteria: Vec<Criterion>,
    /// The options.
    pub options: Vec<AppraisalOption>,
    /// The assessors.
    pub assessors: Vec<Assessor>,
    /// The answers.
    pub scores: Vec<ScoreEntry>,
}

/// A validated appraisal: every score on the scale, every reference known, no answer
/// given twice, weights usable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "RawAppraisal", into = "RawAppraisal")]
#[schemars(with = "RawAppraisal")]
pub struct Appraisal {
    raw: RawAppraisal,
    /// `answers[option][criterion]` lists the (reverse-coded) answers in assessor order.
    #[serde(skip)]
    answers: Vec<Vec<Vec<Option<u8>>>>,
}

impl TryFrom<RawAppraisal> for Appraisal {
    type Error = Error;
    fn try_from(raw: RawAppraisal) -> Result<Appraisal> {
        Appraisal::new(raw)
    }
}

impl From<Appraisal> for RawAppraisal {
    fn from(a: Appraisal) -> RawAppraisal {
        a.raw
    }
}

impl Appraisal {
    /// Validate an appraisal.
    ///
    /// # Errors
    ///
    /// [`Error::Empty`] for no options, criteria or assessors; [`Error::Duplicate`] for a
    /// repeated identifier or an answer given twice; [`Error::Unknown`] for a reference to
    /// an unknown assessor, option or criterion; [`Error::ScoreOffScale`];
    /// [`Error::InvalidWeight`], [`Error::WeightsSumToZero`]; [`Error::NotFinite`] for a
    /// gate that is not a number; [`Error::Invalid`] for a bad scale.
    pub fn new(raw: RawAppraisal) -> Result<Appraisal> {
        let ctx = format!("appraisal {:?}", raw.title);
        raw.scale.validate()?;
        for (what, empty) in [
            ("options", raw.options.is_empty()),
            ("criteria", raw.criteria.is_empty()),
            ("assessors", raw.assessors.is_empty()),
        ] {
            if empty {
                return Err(Error::Empty {
                    context: ctx.clone(),
                    what,
                });
            }
        }
        check_unique(raw.options.iter().map(|o| o.id.as_str()), "option", &ctx)?;
        check_unique(
            raw.criteria.iter().map(|c| c.id.as_str()),
            "criterion",
            &ctx,
        )?;
        check_unique(
            raw.assessors.iter().map(|a| a.id.as_str()),
            "assessor",
            &ctx,
        )?;
        check_weights(raw.criteria.iter().map(|c| (c.id.as_str(), c.weight)), &ctx)?;
        for c in &raw.criteria {
            if c.gate.is_some_and(|g| !g.is_finite()) {
                return Err(Error::NotFinite {
                    context: format!("gate of criterion {}", c.id),
                });
            }
        }
        let index = |ids: Vec<&str>| -> BTreeMap<String, usize> {
            ids.into_iter()
                .enumerate()
                .map(|(i, id)| (id.to_owned(), i))
                .collect()
        };
        let opt = index(raw.options.iter().map(|o| o.id.as_str()).collect());
        let cri = index(raw.criteria.iter().map(|c| c.id.as_str()).collect());
        let ass = index(raw.assessors.iter().map(|a| a.id.as_str()).collect());
        let k = raw.scale.points();
        let mut cells: Vec<Vec<Vec<Option<Option<u8>>>>> =
            vec![vec![vec![None; raw.assessors.len()]; raw.criteria.len()]; raw.options.len()];
        let lookup = |map: &BTreeMap<String, usize>, kind: &'static str, id: &str| {
            map.get(id).copied().ok_or_else(|| Error::Unknown {
                kind,
                id: id.to_owned(),
                context: ctx.clone(),
            })
        };
        let mut seen = BTreeSet::new();
        for s in &raw.scores {
            let a = lookup(&ass, "assessor", &s.assessor)?;
            let o = lookup(&opt, "option", &s.option)?;
            let c = lookup(&cri, "criterion", &s.criterion)?;
            if !seen.insert((a, o, c)) {
                return Err(Error::Duplicate {
                    kind: "answer",
                    id: format!("{} on {} for {}", s.assessor, s.criterion, s.option),
                    context: ctx.clone(),
                });
            }
            let value = match s.score {
                None => None,
                Some(v) if v >= 1 && v <= i64::from(k) => {
                    let v = u8::try_from(v).unwrap_or(1);
                    let reverse = raw.criteria.get(c).is_some_and(|c| c.reverse_coded);
                    Some(if reverse { k + 1 - v } else { v })
                }
                Some(v) => {
                    return Err(Error::ScoreOffScale {
                        assessor: s.assessor.clone(),
                        option: s.option.clone(),
                        criterion: s.criterion.clone(),
                        score: v,
                        min: 1,
                        max: k,
                    });
                }
            };
            if let Some(cell) = cells
                .get_mut(o)
                .and_then(|r| r.get_mut(c))
                .and_then(|r| r.get_mut(a))
            {
                *cell = Some(value);
            }
        }
        let answers = cells
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|col| col.into_iter().map(Option::flatten).collect())
                    .collect()
            })
            .collect();
        Ok(Appraisal { raw, answers })
    }

    /// Title.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.raw.title
    }

    /// The question prefacing each criterion.
    #[must_use]
    pub fn question(&self) -> Option<&str> {
        self.raw.question.as_deref()
    }

    /// The scale.
    #[must_use]
    pub fn scale(&self) -> &LikertScale {
        &self.raw.scale
    }

    /// The criteria.
    #[must_use]
    pub fn criteria(&self) -> &[Criterion] {
        &self.raw.criteria
    }

    /// The options.
    #[must_use]
    pub fn options(&self) -> &[AppraisalOption] {
        &self.raw.options
    }

    /// The assessors.
    #[must_use]
    pub fn assessors(&self) -> &[Assessor] {
        &self.raw.assessors
    }

    /// The raw answers.
    #[must_use]
    pub fn scores(&self) -> &[ScoreEntry] {
        &self.raw.scores
    }

    /// The panels named by assessors, sorted.
    #[must_use]
    pub fn panels(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self
            .raw
            .assessors
            .iter()
            .filter_map(|a| a.panel.as_deref())
            .collect();
        set.into_iter().collect()
    }

    /// Answers (reverse coding applied) of every assessor, in assessor order, for option
    /// `o` on criterion `c` (indices); missing and not-applicable answers are `None`.
    pub(crate) fn answers(&self, o: usize, c: usize) -> &[Option<u8>] {
        self.answers
            .get(o)
            .and_then(|r| r.get(c))
            .map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn small(scores: &[(&str, &str, &str, Option<i64>)]) -> RawAppraisal {
        RawAppraisal {
            title: "test".into(),
            question: None,
            scale: LikertScale::default(),
            criteria: ["quality", "cost"]
                .map(|id| Criterion {
                    id: id.into(),
                    name: id.into(),
                    direction: Direction::Benefit,
                    weight: 1.0,
                    gate: None,
                    factor: None,
                    reverse_coded: false,
                })
                .to_vec(),
            options: ["x", "y"]
                .map(|id| AppraisalOption {
                    id: id.into(),
                    name: id.into(),
                })
                .to_vec(),
            assessors: ["p", "q"]
                .map(|id| Assessor {
                    id: id.into(),
                    panel: None,
                })
                .to_vec(),
            scores: scores
                .iter()
                .map(|(a, o, c, s)| ScoreEntry {
                    assessor: (*a).into(),
                    option: (*o).into(),
                    criterion: (*c).into(),
                    score: *s,
                })
                .collect(),
        }
    }

    #[test]
    fn validation_errors_are_typed() {
        assert!(matches!(
            Appraisal::new(small(&[("p", "x", "quality", Some(6))])),
            Err(Error::ScoreOffScale {
                score: 6,
                max: 5,
                ..
            })
        ));
        assert!(matches!(
            Appraisal::new(small(&[("p", "x", "quality", Some(0))])),
            Err(Error::ScoreOffScale { .. })
        ));
        assert!(matches!(
            Appraisal::new(small(&[("z", "x", "quality", Some(1))])),
            Err(Error::Unknown {
                kind: "assessor",
                ..
            })
        ));
        assert!(matches!(
            Appraisal::new(small(&[
                ("p", "x", "quality", Some(1)),
                ("p", "x", "quality", Some(2))
            ])),
            Err(Error::Duplicate { kind: "answer", .. })
        ));
        let mut raw = small(&[]);
        for c in &mut raw.criteria {
            c.weight = 0.0;
        }
        assert!(matches!(
            Appraisal::new(raw),
            Err(Error::WeightsSumToZero { .. })
        ));
        let mut raw = small(&[]);
        raw.assessors.clear();
        assert!(matches!(Appraisal::new(raw), Err(Error::Empty { .. })));
        let mut raw = small(&[]);
        raw.scale.labels.truncate(1);
        assert!(matches!(Appraisal::new(raw), Err(Error::Invalid { .. })));
        let mut raw = small(&[]);
        raw.criteria[0].gate = Some(f64::NAN);
        assert!(matches!(Appraisal::new(raw), Err(Error::NotFinite { .. })));
    }

    #[test]
    fn reverse_coding_and_missing() {
        let mut raw = small(&[("p", "x", "cost", Some(2)), ("q", "x", "cost", None)]);
        raw.criteria[1].reverse_coded = true;
        let a = Appraisal::new(raw).unwrap();
        assert_eq!(a.answers(0, 1), &[Some(4), None]);
        assert_eq!(a.answers(1, 1), &[None, None]);
        assert_eq!(a.scale().label(5), Some("Strongly agree"));
    }
}
