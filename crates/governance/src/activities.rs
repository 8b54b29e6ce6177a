//! Strategic and tactical commissioning activities (seed 001 section 3.2) as a catalogue, and
//! an assignment of each activity to the strategic commissioner or the delivery system that
//! can be changed locally and is checked for gaps and overlaps.
//!
//! ```
//! use governance::activities::*;
//! let mut assignment = Assignment::from_catalogue()?;
//! assignment.set("service-design", &[Holder::StrategicCommissioner, Holder::DeliverySystem])?;
//! assignment.set("track-progress", &[])?;
//! let report = assignment.check()?;
//! assert_eq!(report.overlaps, vec!["service-design".to_string()]);
//! assert_eq!(report.gaps, vec!["track-progress".to_string()]);
//! # Ok::<(), governance::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use route_map_core::SourceRef;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Strategic or tactical.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ActivityClass {
    /// Strategic commissioning: stays with the strategic commissioner by default.
    Strategic,
    /// Tactical or operational commissioning: can transfer into the delivery system.
    Tactical,
}

/// Who carries out an activity.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Holder {
    /// The strategic commissioner.
    StrategicCommissioner,
    /// The delivery system (ACO or ACS).
    DeliverySystem,
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Holder::StrategicCommissioner => "strategic commissioner",
            Holder::DeliverySystem => "delivery system",
        })
    }
}

/// A commissioning activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Activity {
    /// Identifier.
    pub id: String,
    /// Strategic or tactical.
    pub class: ActivityClass,
    /// The seed's domain.
    pub domain: String,
    /// Name.
    pub name: String,
}

impl Activity {
    /// The default holder of the class.
    #[must_use]
    pub fn default_holder(&self) -> Holder {
        match self.class {
            ActivityClass::Strategic => Holder::StrategicCommissioner,
            ActivityClass::Tactical => Holder::DeliverySystem,
        }
    }
}

#[derive(Debug, Deserialize)]
struct Catalogue {
    source: SourceRef,
    activity: Vec<Activity>,
}

static CATALOGUE: OnceLock<std::result::Result<Catalogue, String>> = OnceLock::new();

fn catalogue() -> Result<&'static Catalogue> {
    crate::data::load(
        &CATALOGUE,
        "activities.toml",
        include_str!("../data/activities.toml"),
    )
}

/// The catalogue of activities, strategic first.
///
/// # Errors
///
/// [`Error::EmbeddedData`] if the embedded catalogue is broken.
pub fn catalogue_activities() -> Result<&'static [Activity]> {
    Ok(&catalogue()?.activity)
}

/// The source of the catalogue.
///
/// # Errors
///
/// [`Error::EmbeddedData`] if the embedded catalogue is broken.
pub fn catalogue_source() -> Result<&'static SourceRef> {
    Ok(&catalogue()?.source)
}

/// An assignment of activities to holders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Assignment {
    /// Holders by activity id; an activity missing or with no holder is a gap.
    pub holders: BTreeMap<String, BTreeSet<Holder>>,
}

/// One row of an assignment report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AssignmentRow {
    /// The activity.
    pub activity: Activity,
    /// Its holders.
    pub holders: Vec<Holder>,
    /// Whether this differs from the catalogue default.
    pub changed: bool,
}

/// The check of an assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AssignmentReport {
    /// One row per catalogue activity, in catalogue order.
    pub rows: Vec<AssignmentRow>,
    /// Activities nobody holds.
    pub gaps: Vec<String>,
    /// Activities held by both.
    pub overlaps: Vec<String>,
    /// Activities moved from their default.
    pub changed: Vec<String>,
}

impl AssignmentReport {
    /// No gaps and no overlaps.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.gaps.is_empty() && self.overlaps.is_empty()
    }
}

impl Assignment {
    /// The catalogue's default: strategic activities to the strategic commissioner, tactical
    /// activities to the delivery system.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded catalogue is broken.
    pub fn from_catalogue() -> Result<Assignment> {
        Ok(Assignment {
            holders: catalogue_activities()?
                .iter()
                .map(|a| (a.id.clone(), BTreeSet::from([a.default_holder()])))
                .collect(),
        })
    }

    /// Change an activity's holders locally (an empty list leaves it unheld).
    ///
    /// # Errors
    ///
    /// [`Error::Unknown`] for an activity not in the catalogue.
    pub fn set(&mut self, activity: &str, holders: &[Holder]) -> Result<()> {
        if !catalogue_activities()?.iter().any(|a| a.id == activity) {
            return Err(Error::Unknown {
                kind: "commissioning activity",
                id: activity.to_owned(),
            });
        }
        self.holders
            .insert(activity.to_owned(), holders.iter().copied().collect());
        Ok(())
    }

    /// Check for gaps and overlaps against the catalogue.
    ///
    /// # Errors
    ///
    /// [`Error::Unknown`] for an assigned activity not in the catalogue.
    pub fn check(&self) -> Result<AssignmentReport> {
        let cat = catalogue_activities()?;
        if let Some(id) = self
            .holders
            .keys()
            .find(|k| !cat.iter().any(|a| &a.id == *k))
        {
            return Err(Error::Unknown {
                kind: "commissioning activity",
                id: id.clone(),
            });
        }
        let mut report = AssignmentReport {
            rows: Vec::new(),
            gaps: Vec::new(),
            overlaps: Vec::new(),
            changed: Vec::new(),
        };
        for a in cat {
            let holders: Vec<Holder> = self
                .holders
                .get(&a.id)
                .map(|h| h.iter().copied().collect())
                .unwrap_or_default();
            let changed = holders != vec![a.default_holder()];
            if holders.is_empty() {
                report.gaps.push(a.id.clone());
            }
            if holders.len() > 1 {
                report.overlaps.push(a.id.clone());
            }
            if changed {
                report.changed.push(a.id.clone());
            }
            report.rows.push(AssignmentRow {
                activity: a.clone(),
                holders,
                changed,
            });
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_splits_strategic_and_tactical() {
        let cat = catalogue_activities().unwrap();
        assert_eq!(
            cat.iter()
                .filter(|a| a.class == ActivityClass::Strategic)
                .count(),
            13
        );
        assert_eq!(
            cat.iter()
                .filter(|a| a.class == ActivityClass::Tactical)
                .count(),
            7
        );
        assert!(catalogue_source().unwrap().url.is_some());
        let ids: BTreeSet<&str> = cat.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids.len(), cat.len());
    }

    #[test]
    fn default_is_clean_and_changes_are_reported() {
        let mut a = Assignment::from_catalogue().unwrap();
        let r = a.check().unwrap();
        assert!(r.is_clean() && r.changed.is_empty());
        a.set("supply-chain", &[Holder::StrategicCommissioner])
            .unwrap();
        let r = a.check().unwrap();
        assert!(r.is_clean());
        assert_eq!(r.changed, vec!["supply-chain"]);
        a.holders.remove("gap-analysis");
        assert_eq!(a.check().unwrap().gaps, vec!["gap-analysis"]);
    }

    #[test]
    fn unknown_activities_are_errors() {
        let mut a = Assignment::from_catalogue().unwrap();
        assert!(matches!(
            a.set("nope", &[Holder::DeliverySystem]),
            Err(Error::Unknown { .. })
        ));
        a.holders.insert("nope".into(), BTreeSet::new());
        assert!(matches!(a.check(), Err(Error::Unknown { .. })));
    }
}
