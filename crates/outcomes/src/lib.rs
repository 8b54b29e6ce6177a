//! Outcomes frameworks, achievement scoring and statistical verdicts on indicator data.
//!
//! A local outcomes framework is the first building block of accountable care (seed 001,
//! section 3.1); the Coventry and Warwickshire Out of Hospital contract manages providers
//! against outcomes in six domains and pays its performance element on transformation
//! milestones in year 1 and on improved outcomes by year 3 (seed 003). This crate holds the
//! frameworks, scores what providers achieved as exact fractions the payment engine consumes,
//! and says whether a change is real.
//!
//! ```
//! use outcomes::{templates, IncentiveBasis};
//! use outcomes::stats::{wilson, compare, ConfidenceLevel, Significance};
//! use outcomes::Polarity;
//!
//! // Score the Coventry and Warwickshire framework shape on sample results, by contract year.
//! let framework = templates::coventry_warwickshire()?;
//! let results = templates::coventry_warwickshire_sample_results()?;
//! let year1 = framework.score(&results, 1)?; // paid on milestones
//! let year3 = framework.score(&results, 3)?; // paid on outcomes
//! assert_eq!(year1.achievement.to_string(), "86.66666667%");
//! for (indicator, achievement) in year3.indicator_achievements() {
//!     assert!(achievement.as_decimal() <= rust_decimal::Decimal::ONE, "{indicator}");
//! }
//!
//! // Is a practice's rate significantly different from England's 6.93%?
//! let ci = wilson(729.0, 9241.0, ConfidenceLevel::P95)?.scaled(100.0);
//! assert_eq!(compare(ci, 6.93, Some(Polarity::HigherIsBetter))?, Significance::Better);
//! # Ok::<(), outcomes::Error>(())
//! ```
//!
//! # Overview
//!
//! - [`indicator`]: [`Indicator`] with its [`IndicatorId`], local code, national framework
//!   references kept apart from the data source's id, [`Polarity`], [`Unit`], data source and
//!   frequency, baseline, trajectory by contract year, weight, [`IncentiveBasis`] and curve.
//! - [`observation`]: values by period and area with numerator, denominator, exclusions
//!   (`A / (B − C)`) and confidence limits.
//! - [`curve`]: achievement curves (linear for either polarity, banded with explicit edges,
//!   met or not met, milestones by date) giving an exact [`route_map_core::Share`] and its
//!   explanation; [`ratecard`]: price per outcome times count; [`presets`]: CQUIN and QOF
//!   curves and parameters with sources, and the QOF points-to-pounds arithmetic.
//! - [`framework`]: domains, outcomes and indicators; weighted aggregation, must-meet
//!   gateways, and [`phasing`] by contract year. [`FrameworkScore::indicator_achievements`]
//!   is the interface to the payment engine.
//! - [`stats`]: Wilson, exact (Clopper-Pearson) and Byar intervals at 95% and 99.8%,
//!   directly standardised rates with Dobson limits ([`mod@stats::dsr`]), better/similar/worse
//!   comparison, funnel limits (normal and exact binomial), XmR charts with the special-cause
//!   rules and assurance against a target;
//!   [`gap`]: gap analysis of current against desired outcomes.
//! - [`fingertips`]: import of Fingertips data in the classic 27-column export and the compact
//!   FingertipsNext layout; [`templates`]: national framework domains and the Coventry and
//!   Warwickshire framework shape; [`weights`]: weight checks and exact normalisation.
//!
//! # Exactness
//!
//! Achievement fractions are `rust_decimal` values rounded once per aggregation level to
//! [`curve::ACHIEVEMENT_DP`] (10) decimal places with [`curve::ACHIEVEMENT_ROUNDING`]
//! (half-even), so payments built on them are deterministic; weights are bounded (0 to
//! 1,000,000, six decimal places) so weighted sums are exact. Statistics use `f64` and never
//! return NaN.
//!
//! # Sources
//!
//! Presets and national domain lists are embedded TOML under `data/`, each value with its
//! source; values not checked against the primary source carry a `to_verify` note. The
//! Coventry and Warwickshire domains are illustrative: seed 003 shows them only as a figure.

pub mod curve;
mod data;
pub mod error;
pub mod fingertips;
pub mod framework;
pub mod gap;
pub mod id;
pub mod indicator;
pub mod observation;
pub mod phasing;
pub mod presets;
pub mod ratecard;
pub mod stats;
pub mod templates;
pub mod weights;

pub use error::{Error, Result};
pub use framework::{Framework, FrameworkScore};
pub use id::{AreaCode, IndicatorId};
pub use indicator::{IncentiveBasis, Indicator, Polarity, Unit};

/// The crate's input models by file stem, with their JSON Schemas.
#[must_use]
pub fn input_schemas() -> Vec<(&'static str, schemars::Schema)> {
    vec![
        ("indicator", schemars::schema_for!(indicator::Indicator)),
        ("framework", schemars::schema_for!(framework::Framework)),
        (
            "phasing_schedule",
            schemars::schema_for!(phasing::PhasingSchedule),
        ),
        ("curve", schemars::schema_for!(curve::Curve)),
        ("performance", schemars::schema_for!(curve::Performance)),
        (
            "observation",
            schemars::schema_for!(observation::Observation),
        ),
        ("rate_card", schemars::schema_for!(ratecard::RateCard)),
        ("xmr_options", schemars::schema_for!(stats::spc::XmrOptions)),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn validated_models_publish_their_raw_input_schema() {
        let text =
            serde_json::to_string(&schemars::schema_for!(crate::framework::Framework)).unwrap();
        assert!(text.contains("domains") && text.contains("phasing"));
    }
}
