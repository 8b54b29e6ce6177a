//! Option appraisal by stakeholder panels: Likert scoring, medians, dispersion and
//! Tastle–Wierman consensus; must-pass gates; weighted sum and product, TOPSIS, AHP,
//! PROMETHEE II and Borda; weight sensitivity with a robustness verdict; import of survey
//! exports; and the appraisal templates the route map uses.
//!
//! ```
//! use appraisal::appraise::{Settings, appraise};
//! use appraisal::model::{Appraisal, Assessor, ScoreEntry};
//! use appraisal::templates::Template;
//!
//! let t = Template::get("contract_mechanism")?;
//! let assessors: Vec<Assessor> = ["a", "b", "c"]
//!     .map(|id| Assessor { id: id.into(), panel: None })
//!     .to_vec();
//! let mut scores = Vec::new();
//! for a in &assessors {
//!     for (o, option) in t.options.iter().enumerate() {
//!         for c in &t.criteria {
//!             scores.push(ScoreEntry {
//!                 assessor: a.id.clone(),
//!                 option: option.id.clone(),
//!                 criterion: c.id.clone(),
//!                 score: Some(2 + o as i64), // the lead provider scores highest
//!             });
//!         }
//!     }
//! }
//! let result = appraise(&Appraisal::new(t.appraisal(assessors, scores))?, &Settings::default())?;
//! assert_eq!(result.preferred(), vec!["lead_provider"]);
//! # Ok::<(), appraisal::Error>(())
//! ```
//!
//! # Overview
//!
//! - [`model`]: criteria, options, assessors and panels, the Likert scale (five-point by
//!   default, "not applicable" as missing, reverse-coded items); [`model::Appraisal`]
//!   validates scores against the scale.
//! - [`stats`]: distribution, median, mean, quantiles with a named definition
//!   (Hyndman–Fan type 7 by default, type 6 on request), interquartile range and the
//!   Tastle–Wierman consensus.
//! - [`appraise`]: per item summaries, gates applied before ranking, the ranking with ties
//!   explained, a Borda cross-check across assessors, critical success factor subtotals,
//!   and where panels disagree.
//! - [`matrix`] and [`methods`]: the decision matrix, named normalisations, weighted sum,
//!   weighted product, TOPSIS and PROMETHEE II; [`ahp`]: weights from pairwise comparisons
//!   with the consistency ratio against a named random-index table; swing weights;
//!   [`rankagg`]: Borda, Kemeny–Young,
//!   Dowdall, average rank and Copeland.
//! - [`sensitivity`]: one-at-a-time sweeps, exact reversal thresholds for the weighted
//!   sum, seeded Monte Carlo weight sampling and a robustness verdict.
//! - [`survey`]: SurveyMonkey, Microsoft Forms and Google Forms CSV exports.
//! - [`templates`]: the seeds' budget-scope, segmentation, organisational-form,
//!   procurement-route and contract-mechanism appraisals, and the Green Book long-list
//!   framework-filter.
//! - [`report`]: Markdown, JSON and an SVG heat map.
//!
//! # Floating point
//!
//! Scores are `f64` (never money). Inputs are checked finite; degenerate data (constant
//! or all-zero columns, a single option) give defined values, and scores within a relative
//! 1e-9 of each other are reported as ties rather than ordered by rounding noise.

pub mod ahp;
pub mod appraise;
mod data;
pub mod error;
pub mod matrix;
pub mod methods;
pub mod model;
pub mod rankagg;
pub mod ranking;
pub mod report;
pub mod sensitivity;
pub mod stats;
pub mod survey;
pub mod templates;

pub use error::{Error, Result};

/// The crate's input models by file stem, with their JSON Schemas.
#[must_use]
pub fn input_schemas() -> Vec<(&'static str, schemars::Schema)> {
    vec![
        ("appraisal", schemars::schema_for!(model::Appraisal)),
        (
            "appraisal_settings",
            schemars::schema_for!(appraise::Settings),
        ),
        (
            "decision_matrix",
            schemars::schema_for!(matrix::DecisionMatrix),
        ),
        (
            "pairwise_matrix",
            schemars::schema_for!(ahp::PairwiseMatrix),
        ),
        ("method", schemars::schema_for!(methods::Method)),
        (
            "monte_carlo",
            schemars::schema_for!(sensitivity::MonteCarlo),
        ),
        (
            "survey_mapping",
            schemars::schema_for!(survey::SurveyMapping),
        ),
        (
            "long_list_option",
            schemars::schema_for!(templates::LongListOption),
        ),
    ]
}
