//! capitation: population segmentation at national scale, capitated budgets, the financial
//! envelope and the payment engine.
//!
//! ```
//! use capitation::{ConditionCatalogue, Person, Places, SegmentationScheme, Segmenter, Services, Sex};
//! use route_map_core::RoundingRule;
//!
//! let catalogue = ConditionCatalogue::builtin()?;
//! let scheme = SegmentationScheme::devon()?.compile(catalogue, &mut Places::default())?;
//! let services = Services::new(["primary", "acute"])?;
//! let mut elderly = Person::new(82, Sex::Female, 365);
//! elderly.conditions.insert(catalogue.id("dementia")?);
//! elderly.spend = capitation::ServiceSpend::from_pence(&[12_000, 480_000])?;
//! let child = Person::new(7, Sex::Male, 365);
//!
//! let totals = Segmenter::new(&scheme, &services, 365)?.aggregate([elderly, child])?;
//! assert_eq!(totals.people(), 2);
//! let rows = totals.rows(&scheme, &services, RoundingRule::HalfAwayFromZero)?;
//! let dementia = rows.iter().find(|r| r.band == "elderly" && r.need == "dementia").unwrap();
//! assert_eq!(dementia.spend_per_head.unwrap().to_string(), "£4,920.00");
//! # Ok::<(), capitation::Error>(())
//! ```
//!
//! # Overview
//!
//! - [`scheme`]: segmentation schemes as data (age bands, ordered need rules, first match
//!   wins, a residual segment), the built-in Devon and Bridges to Health schemes, compiled to
//!   a lookup table for speed.
//! - [`catalogue`]: condition catalogues mapping SNOMED CT and ICD-10 codes to conditions;
//!   unknown codes are counted, never dropped.
//! - [`person`]: the compact person record.
//! - [`engine`]: streaming, parallel and columnar aggregation into mergeable segment totals;
//!   spend per head.
//! - [`readers`]: the person-level CSV layout and the Synthea CSV export.
//! - [`population`]: readers for ONS mid-year estimates by single year of age and NHS England
//!   weighted populations per GP practice; need indices by ICB, CCG, place or practice.
//! - [`budget`]: per-head rates by segment, capitated budgets, need-weighted budgets and
//!   allocation to places, practices or lots to the penny.
//! - [`projection`]: population change by age from ONS estimates, uplift and efficiency, year by
//!   year with every step named.
//! - [`envelope`]: the financial envelope of in-scope services, commissioners' contributions
//!   and the value over a contract's length; the seed 003 envelope embedded with its source.
//! - [`budget_check`]: checking a published segmentation table (population x spend per head
//!   against total spend within the printed rounding).
//! - [`payment`]: the payment engine.
//!
//! # Rounding policy
//!
//! Segment totals are integer pence, so sums and merges are exact. Spend per head and per
//! person-year are computed from the exact ratio and rounded once by the
//! [`route_map_core::RoundingRule`] the caller names.
//!
//! Per-head rates are kept exact and rounded for display by a named
//! [`route_map_core::RoundingRule`]; every projection step rounds to pence by the rule its
//! assumptions name; allocations use the largest-remainder method so parts sum to the whole.
//!
//! # Capitated budgets
//!
//! ```
//! use capitation::budget::{need_weighted_budget, per_head_rates, NeedWeightedUnit, SegmentBaseline};
//! use capitation::envelope::coventry_and_warwickshire_out_of_hospital;
//! use capitation::projection::ProjectionAssumptions;
//! use route_map_core::{Money, Rate, RoundingRule};
//! use rust_decimal::Decimal;
//!
//! // Seed 003: the in-scope services of four commissioning places, 2017/18.
//! let envelope = coventry_and_warwickshire_out_of_hospital()?;
//! assert_eq!(envelope.total(), "57428020".parse()?);
//!
//! // Projected over a five-year contract: 1% population growth, 2% uplift, 2% efficiency.
//! let assumptions = ProjectionAssumptions {
//!     uplift: Rate::from_percent(2)?,
//!     efficiency: Rate::from_percent(2)?,
//!     rounding: RoundingRule::DEFAULT,
//! };
//! let projected = envelope.project(Decimal::new(101, 2), &assumptions, 5)?;
//! assert_eq!(projected.years.len(), 5);
//!
//! // Per-head rates from a base year, and a budget shared by need to the penny.
//! let rates = per_head_rates(
//!     &[SegmentBaseline { segment: "Elderly with dementia".into(), population: Decimal::from(5_600), spend: "84700000".parse()? }],
//!     RoundingRule::DEFAULT,
//! )?;
//! assert_eq!(rates[0].rate, "15125.00".parse()?);
//! let unit = |id: &str, p: i64, w: i64| NeedWeightedUnit { id: id.into(), population: p.into(), weighted: w.into() };
//! let shared = need_weighted_budget(envelope.total(), &[unit("Coventry", 440_726, 413_793), unit("Warwickshire", 632_217, 615_915)])?;
//! assert_eq!(Money::sum(shared.lines.iter().map(|l| l.amount))?, envelope.total());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod budget;
pub mod budget_check;
pub mod catalogue;
pub mod engine;
pub mod envelope;
pub mod error;
pub mod payment;
pub mod person;
pub mod population;
pub mod projection;
pub mod readers;
pub mod scheme;

pub use budget::{PerHeadRate, SegmentBaseline};
pub use catalogue::{CodeSystem, ConditionCatalogue, ConditionId, ConditionSet, UnknownCodes};
pub use engine::{PeopleColumns, SegmentRow, SegmentTotal, SegmentTotals, Segmenter};
pub use envelope::FinancialEnvelope;
pub use error::{Error, Result};
pub use person::{Deprivation, Person, PersonRecord, PlaceId, Places, ServiceSpend, Services, Sex};
pub use population::{MidYearEstimates, WeightedPopulations};
pub use projection::ProjectionAssumptions;
pub use scheme::{Assignment, CompiledScheme, SegmentationScheme};

/// The crate's input models by file stem, with their JSON Schemas.
#[must_use]
pub fn input_schemas() -> Vec<(&'static str, schemars::Schema)> {
    let mut schemas = payment::input_schemas();
    schemas.extend([
        (
            "segment_baseline",
            schemars::schema_for!(budget::SegmentBaseline),
        ),
        (
            "segment_population",
            schemars::schema_for!(budget::SegmentPopulation),
        ),
        (
            "need_weighted_unit",
            schemars::schema_for!(budget::NeedWeightedUnit),
        ),
        (
            "allocation_target",
            schemars::schema_for!(budget::AllocationTarget),
        ),
        (
            "financial_envelope",
            schemars::schema_for!(envelope::FinancialEnvelope),
        ),
        ("line_factor", schemars::schema_for!(envelope::LineFactor)),
        (
            "projection_assumptions",
            schemars::schema_for!(projection::ProjectionAssumptions),
        ),
        (
            "segment_budget_base",
            schemars::schema_for!(projection::SegmentBudgetBase),
        ),
        (
            "cost_weighted_band",
            schemars::schema_for!(projection::CostWeightedBand),
        ),
        ("age_band", schemars::schema_for!(population::AgeBand)),
        (
            "printed_segment_row",
            schemars::schema_for!(budget_check::PrintedSegmentRow),
        ),
        (
            "segmentation_scheme",
            schemars::schema_for!(scheme::SegmentationScheme),
        ),
        (
            "condition_catalogue",
            schemars::schema_for!(catalogue::ConditionCatalogue),
        ),
        ("person_record", schemars::schema_for!(person::PersonRecord)),
        ("services", schemars::schema_for!(person::Services)),
    ]);
    schemas
}

#[cfg(test)]
mod tests {
    #[test]
    fn validated_models_publish_their_raw_input_schema() {
        let text = serde_json::to_string(&schemars::schema_for!(crate::FinancialEnvelope)).unwrap();
        assert!(text.contains("stated_total"));
        let band =
            serde_json::to_string(&schemars::schema_for!(crate::population::AgeBand)).unwrap();
        assert!(band.contains("label"));

        let text = |s: schemars::Schema| serde_json::to_string(&s).unwrap();
        let catalogue = text(schemars::schema_for!(crate::ConditionCatalogue));
        assert!(catalogue.contains("snomed") && catalogue.contains("icd10"));
        assert!(
            !catalogue.contains("by_id"),
            "derived field leaked: {catalogue}"
        );
        let services = text(schemars::schema_for!(crate::Services));
        assert!(services.contains("array"), "{services}");
        let scheme = text(schemars::schema_for!(crate::SegmentationScheme));
        assert!(scheme.contains("age_band") && scheme.contains("any_of"));
    }

    #[test]
    fn error_is_send_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<super::Error>();
    }
}
