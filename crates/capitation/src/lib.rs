//! capitation: population segmentation at national scale, capitated budgets and the payment
//! engine.
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
//! - [`payment`]: the payment engine.
//!
//! # Rounding policy
//!
//! Segment totals are integer pence, so sums and merges are exact. Spend per head and per
//! person-year are computed from the exact ratio and rounded once by the
//! [`route_map_core::RoundingRule`] the caller names.

pub mod catalogue;
pub mod engine;
pub mod error;
pub mod payment;
pub mod person;
pub mod readers;
pub mod scheme;

pub use catalogue::{CodeSystem, ConditionCatalogue, ConditionId, ConditionSet, UnknownCodes};
pub use engine::{PeopleColumns, SegmentRow, SegmentTotal, SegmentTotals, Segmenter};
pub use error::{Error, Result};
pub use person::{Deprivation, Person, PersonRecord, PlaceId, Places, ServiceSpend, Services, Sex};
pub use scheme::{Assignment, CompiledScheme, SegmentationScheme};

/// The crate's input models by file stem, with their JSON Schemas.
#[must_use]
pub fn input_schemas() -> Vec<(&'static str, schemars::Schema)> {
    vec![
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
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn schemas_are_listed_once_each() {
        let schemas = super::input_schemas();
        let names: std::collections::BTreeSet<_> = schemas.iter().map(|(n, _)| *n).collect();
        assert_eq!(names.len(), schemas.len());
        for (name, schema) in schemas {
            assert!(serde_json::to_string(&schema).unwrap().len() > 10, "{name}");
        }
    }

    #[test]
    fn validated_models_publish_their_raw_input_schema() {
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
