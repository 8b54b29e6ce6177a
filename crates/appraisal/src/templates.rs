//! Appraisal templates from the seeds (budget scope, segmentation, organisational form,
//! procurement route, contract mechanism) and the Green Book long-list framework-filter.
//!
//! ```
//! use appraisal::templates::Template;
//! let form = Template::get("organisational_form")?;
//! assert_eq!(form.options.len(), 7);
//! assert_eq!(form.criteria.len(), 14);
//! # Ok::<(), appraisal::Error>(())
//! ```

use std::sync::OnceLock;

use route_map_core::SourceRef;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{AppraisalOption, Assessor, Criterion, LikertScale, RawAppraisal, ScoreEntry};

/// An appraisal template: options, criteria and the question, with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Template {
    /// Identifier.
    pub id: String,
    /// Title.
    pub title: String,
    /// The question that prefaces each criterion.
    pub question: String,
    /// Where the template comes from.
    pub source: SourceRef,
    /// The options.
    pub options: Vec<AppraisalOption>,
    /// The criteria.
    pub criteria: Vec<TemplateCriterion>,
}

/// A criterion as a template gives it (weight 1 unless stated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TemplateCriterion {
    /// Identifier.
    pub id: String,
    /// Wording.
    pub name: String,
    /// Group (critical success factor).
    #[serde(default)]
    pub factor: Option<String>,
    /// Benefit or cost.
    #[serde(default)]
    pub direction: crate::matrix::Direction,
    /// Weight.
    #[serde(default = "one")]
    pub weight: f64,
    /// Must-pass gate on the central score.
    #[serde(default)]
    pub gate: Option<f64>,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
struct TemplateFile {
    template: Vec<Template>,
}

static TEMPLATES: OnceLock<std::result::Result<TemplateFile, String>> = OnceLock::new();

impl Template {
    /// Every template, in file order.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded file failed to load (a defect).
    pub fn all() -> Result<&'static [Template]> {
        let f = crate::data::load(
            &TEMPLATES,
            "templates.toml",
            include_str!("../data/templates.toml"),
        )?;
        Ok(&f.template)
    }

    /// The template `id`.
    ///
    /// # Errors
    ///
    /// [`Error::Unknown`] for an unknown template.
    pub fn get(id: &str) -> Result<&'static Template> {
        Template::all()?
            .iter()
            .find(|t| t.id == id)
            .ok_or_else(|| Error::Unknown {
                kind: "template",
                id: id.to_owned(),
                context: "appraisal templates".into(),
            })
    }

    /// The criteria as appraisal criteria.
    #[must_use]
    pub fn criteria(&self) -> Vec<Criterion> {
        self.criteria
            .iter()
            .map(|c| Criterion {
                id: c.id.clone(),
                name: c.name.clone(),
                direction: c.direction,
                weight: c.weight,
                gate: c.gate,
                factor: c.factor.clone(),
                reverse_coded: false,
            })
            .collect()
    }

    /// An appraisal on this template with the five-point scale, ready for validation.
    #[must_use]
    pub fn appraisal(&self, assessors: Vec<Assessor>, scores: Vec<ScoreEntry>) -> RawAppraisal {
        RawAppraisal {
            title: self.title.clone(),
            question: Some(self.question.clone()),
            scale: LikertScale::default(),
            criteria: self.criteria(),
            options: self.options.clone(),
            assessors,
            scores,
        }
    }
}

/// A dimension of the Green Book options framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Dimension {
    /// Identifier (`scope`, `solution`, `delivery`, `implementation`, `funding`).
    pub id: String,
    /// Name.
    pub name: String,
    /// The choice it asks about.
    pub question: String,
}

/// A critical success factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CriticalSuccessFactor {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
}

/// The Green Book framework: five dimensions and the generic critical success factors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GreenBookFramework {
    /// Source.
    pub source: SourceRef,
    /// Scope, solution, delivery, implementation, funding.
    pub dimensions: Vec<Dimension>,
    /// The five generic CSFs (intervention-specific ones are added locally).
    pub critical_success_factors: Vec<CriticalSuccessFactor>,
}

static GREEN_BOOK: OnceLock<std::result::Result<GreenBookFramework, String>> = OnceLock::new();

impl GreenBookFramework {
    /// The embedded framework.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded file failed to load (a defect).
    pub fn get() -> Result<&'static GreenBookFramework> {
        crate::data::load(
            &GREEN_BOOK,
            "green_book.toml",
            include_str!("../data/green_book.toml"),
        )
    }
}

/// How an option meets a critical success factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Fit {
    /// Meets it.
    Meets,
    /// Meets it in part.
    Partly,
    /// Does not meet it.
    DoesNotMeet,
}

/// What the long list decides for an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LongListDecision {
    /// The preferred choice in its dimension.
    Preferred,
    /// Carried forward to the short list.
    CarriedForward,
    /// Discarded.
    Discarded,
}

/// One long-list option in one dimension, assessed against the CSFs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LongListOption {
    /// The dimension (scope, solution...).
    pub dimension: String,
    /// Identifier.
    pub id: String,
    /// Description.
    pub description: String,
    /// Fit with each CSF, by CSF identifier.
    pub fit: Vec<(String, Fit)>,
    /// The decision.
    pub decision: LongListDecision,
    /// Why it is kept or dropped (required).
    pub reason: String,
}

/// The filtered long list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LongListReview {
    /// The preferred way forward: the preferred option in each dimension.
    pub preferred_way_forward: Vec<(String, String)>,
    /// Options kept (preferred or carried forward).
    pub short_list: Vec<String>,
    /// Problems found: a discarded option with no failed CSF, or a kept one that fails one.
    pub warnings: Vec<String>,
}

/// Check a long list against the framework: every dimension and CSF known, every option
/// with a recorded reason and a fit for every CSF, at most one preferred option per
/// dimension; then report the preferred way forward and the short list.
///
/// # Errors
///
/// [`Error::Unknown`] for an unknown dimension or CSF; [`Error::Invalid`] for a missing
/// reason, a missing CSF assessment or two preferred options in a dimension;
/// [`Error::Duplicate`] for a repeated option identifier.
pub fn review_long_list(options: &[LongListOption]) -> Result<LongListReview> {
    let fw = GreenBookFramework::get()?;
    crate::matrix::check_unique(
        options.iter().map(|o| o.id.as_str()),
        "long-list option",
        "long list",
    )?;
    let mut warnings = Vec::new();
    for o in options {
        if !fw.dimensions.iter().any(|d| d.id == o.dimension) {
            return Err(Error::Unknown {
                kind: "dimension",
                id: o.dimension.clone(),
                context: format!("long-list option {}", o.id),
            });
        }
        if o.reason.trim().is_empty() {
            return Err(Error::invalid(
                format!("long-list option {}", o.id),
                "the reason for keeping or dropping it must be recorded",
            ));
        }
        for (csf, _) in &o.fit {
            if !fw.critical_success_factors.iter().any(|c| &c.id == csf) {
                return Err(Error::Unknown {
                    kind: "critical success factor",
                    id: csf.clone(),
                    context: format!("long-list option {}", o.id),
                });
            }
        }
        for c in &fw.critical_success_factors {
            if !o.fit.iter().any(|(id, _)| *id == c.id) {
                return Err(Error::invalid(
                    format!("long-list option {}", o.id),
                    format!("no assessment against {}", c.id),
                ));
            }
        }
        let fails = o.fit.iter().any(|(_, f)| *f == Fit::DoesNotMeet);
        match (o.decision, fails) {
            (LongListDecision::Discarded, false) => warnings.push(format!(
                "{} is discarded though it fails no critical success factor",
                o.id
            )),
            (LongListDecision::Preferred | LongListDecision::CarriedForward, true) => {
                warnings.push(format!(
                    "{} is kept though it does not meet a critical success factor",
                    o.id
                ));
            }
            _ => {}
        }
    }
    let mut preferred_way_forward = Vec::new();
    for d in &fw.dimensions {
        let preferred: Vec<&LongListOption> = options
            .iter()
            .filter(|o| o.dimension == d.id && o.decision == LongListDecision::Preferred)
            .collect();
        if preferred.len() > 1 {
            return Err(Error::invalid(
                format!("dimension {}", d.id),
                "more than one preferred option",
            ));
        }
        if let Some(p) = preferred.first() {
            preferred_way_forward.push((d.id.clone(), p.id.clone()));
        }
    }
    let short_list = options
        .iter()
        .filter(|o| o.decision != LongListDecision::Discarded)
        .map(|o| o.id.clone())
        .collect();
    Ok(LongListReview {
        preferred_way_forward,
        short_list,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_the_seeds() {
        let all = Template::all().unwrap();
        assert_eq!(all.len(), 5);
        let scope = Template::get("budget_scope").unwrap();
        assert_eq!(scope.criteria.len(), 8);
        assert_eq!(Template::get("segmentation").unwrap().criteria.len(), 8);
        let form = Template::get("organisational_form").unwrap();
        let ids: Vec<&str> = form.options.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "loose_federation",
                "tight_federation",
                "alliance",
                "corporate_joint_venture",
                "integrator",
                "lead_provider",
                "single_provider"
            ]
        );
        assert_eq!(form.criteria.len(), 14);
        assert_eq!(Template::get("procurement_route").unwrap().options.len(), 4);
        assert_eq!(
            Template::get("contract_mechanism").unwrap().options.len(),
            3
        );
        for t in all {
            assert!(!t.source.title.is_empty());
            let raw = t.appraisal(
                vec![Assessor {
                    id: "a".into(),
                    panel: None,
                }],
                vec![],
            );
            assert!(crate::model::Appraisal::new(raw).is_ok(), "{}", t.id);
        }
        assert!(matches!(Template::get("nope"), Err(Error::Unknown { .. })));
    }

    fn option(
        dimension: &str,
        id: &str,
        fit: Fit,
        decision: LongListDecision,
        reason: &str,
    ) -> LongListOption {
        let fw = GreenBookFramework::get().unwrap();
        LongListOption {
            dimension: dimension.into(),
            id: id.into(),
            description: id.into(),
            fit: fw
                .critical_success_factors
                .iter()
                .map(|c| (c.id.clone(), fit))
                .collect(),
            decision,
            reason: reason.into(),
        }
    }

    #[test]
    fn long_list_review() {
        let fw = GreenBookFramework::get().unwrap();
        assert_eq!(fw.dimensions.len(), 5);
        assert_eq!(fw.critical_success_factors.len(), 5);
        let list = vec![
            option(
                "scope",
                "all_ooh",
                Fit::Meets,
                LongListDecision::Preferred,
                "covers the clinical model",
            ),
            option(
                "scope",
                "community_only",
                Fit::DoesNotMeet,
                LongListDecision::Discarded,
                "misses primary care links",
            ),
            option(
                "delivery",
                "lead_provider",
                Fit::Meets,
                LongListDecision::Preferred,
                "one accountable provider",
            ),
            option(
                "delivery",
                "alliance",
                Fit::Partly,
                LongListDecision::CarriedForward,
                "viable fallback",
            ),
            option(
                "funding",
                "status_quo",
                Fit::Meets,
                LongListDecision::Discarded,
                "comparator only",
            ),
        ];
        let r = review_long_list(&list).unwrap();
        assert_eq!(
            r.preferred_way_forward,
            vec![
                ("scope".into(), "all_ooh".into()),
                ("delivery".into(), "lead_provider".into())
            ]
        );
        assert_eq!(r.short_list, vec!["all_ooh", "lead_provider", "alliance"]);
        assert_eq!(r.warnings.len(), 1);
        let mut bad = list.clone();
        bad[0].reason = " ".into();
        assert!(matches!(review_long_list(&bad), Err(Error::Invalid { .. })));
        let mut bad = list.clone();
        bad[0].dimension = "colour".into();
        assert!(matches!(review_long_list(&bad), Err(Error::Unknown { .. })));
        let mut bad = list.clone();
        bad[1].decision = LongListDecision::Preferred;
        assert!(matches!(review_long_list(&bad), Err(Error::Invalid { .. })));
        let mut bad = list;
        bad[0].fit.pop();
        assert!(matches!(review_long_list(&bad), Err(Error::Invalid { .. })));
    }
}
