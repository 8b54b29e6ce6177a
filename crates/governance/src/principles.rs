//! Design principles as a checklist a proposal is held against: the Devon set of seed 001,
//! NHS England's devolution criteria, or a local set.
//!
//! ```
//! use governance::principles::*;
//! let set = PrincipleSet::devon()?;
//! let proposal = Proposal {
//!     name: "Joint committee with pooled budget".into(),
//!     assessments: vec![PrincipleAssessment {
//!         principle: "capitated-budget".into(),
//!         status: Status::Met,
//!         evidence: Some("the delivery system holds the capitated budget".into()),
//!     }],
//! };
//! let checklist = set.check(&proposal)?;
//! assert_eq!(checklist.met, 1);
//! assert_eq!(checklist.not_assessed, 9);
//! assert_eq!(checklist.verdict, ChecklistVerdict::Incomplete);
//! # Ok::<(), governance::Error>(())
//! ```

use std::collections::BTreeSet;
use std::sync::OnceLock;

use route_map_core::SourceRef;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A design principle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Principle {
    /// Identifier.
    pub id: String,
    /// The principle.
    pub text: String,
}

/// A set of design principles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawPrincipleSet")]
pub struct PrincipleSet {
    name: String,
    source: SourceRef,
    #[serde(rename = "principle")]
    principles: Vec<Principle>,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct RawPrincipleSet {
    name: String,
    source: SourceRef,
    #[serde(rename = "principle")]
    principles: Vec<Principle>,
}

impl TryFrom<RawPrincipleSet> for PrincipleSet {
    type Error = Error;
    fn try_from(raw: RawPrincipleSet) -> Result<PrincipleSet> {
        PrincipleSet::new(raw.name, raw.source, raw.principles)
    }
}

static DEVON: OnceLock<std::result::Result<PrincipleSet, String>> = OnceLock::new();
static NHSE_DEVOLUTION: OnceLock<std::result::Result<PrincipleSet, String>> = OnceLock::new();

/// How a proposal stands against a principle.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Met.
    Met,
    /// Partly met.
    PartlyMet,
    /// Not met.
    NotMet,
    /// Not assessed.
    NotAssessed,
}

/// A proposal's standing against one principle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PrincipleAssessment {
    /// The principle id.
    pub principle: String,
    /// The status.
    pub status: Status,
    /// Evidence.
    #[serde(default)]
    pub evidence: Option<String>,
}

/// A proposal held against a set of principles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Proposal {
    /// The proposal.
    pub name: String,
    /// Assessments; principles not mentioned are not assessed.
    pub assessments: Vec<PrincipleAssessment>,
}

/// The overall verdict of a checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChecklistVerdict {
    /// Every principle met.
    Consistent,
    /// Some principle partly met, none failed, all assessed.
    ConsistentWithReservations,
    /// At least one principle not met.
    Inconsistent,
    /// No principle failed, but some are not assessed.
    Incomplete,
}

/// One row of a checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChecklistRow {
    /// The principle.
    pub principle: Principle,
    /// The status.
    pub status: Status,
    /// Evidence.
    pub evidence: Option<String>,
}

/// A proposal's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Checklist {
    /// The proposal.
    pub proposal: String,
    /// The principle set.
    pub set: String,
    /// Rows in the set's order.
    pub rows: Vec<ChecklistRow>,
    /// Count met.
    pub met: usize,
    /// Count partly met.
    pub partly_met: usize,
    /// Count not met.
    pub not_met: usize,
    /// Count not assessed.
    pub not_assessed: usize,
    /// The verdict.
    pub verdict: ChecklistVerdict,
}

impl PrincipleSet {
    /// A local set of principles with unique, non-empty ids.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for no principles or a blank id, [`Error::Duplicate`] for a repeated id.
    pub fn new(
        name: impl Into<String>,
        source: SourceRef,
        principles: Vec<Principle>,
    ) -> Result<PrincipleSet> {
        let name = name.into();
        if principles.is_empty() {
            return Err(Error::invalid(
                format!("principle set {name:?}"),
                "is empty",
            ));
        }
        let mut seen = BTreeSet::new();
        for p in &principles {
            if p.id.trim().is_empty() {
                return Err(Error::invalid(
                    format!("principle set {name:?}"),
                    "has a blank id",
                ));
            }
            if !seen.insert(p.id.as_str()) {
                return Err(Error::Duplicate {
                    kind: "principle",
                    id: p.id.clone(),
                    context: name.clone(),
                });
            }
        }
        Ok(PrincipleSet {
            name,
            source,
            principles,
        })
    }

    /// The Devon design principles of 2016 (seed 001 section 1.3).
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded set is broken.
    pub fn devon() -> Result<PrincipleSet> {
        crate::data::load(
            &DEVON,
            "principles.toml",
            include_str!("../data/principles.toml"),
        )
        .cloned()
    }

    /// NHS England's criteria for devolution proposals (board paper of 29 September 2015, as
    /// reported; marked unverified), for holding a devolution proposal against.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded set is broken.
    pub fn nhse_devolution_criteria() -> Result<PrincipleSet> {
        crate::data::load(
            &NHSE_DEVOLUTION,
            "devolution_criteria.toml",
            include_str!("../data/devolution_criteria.toml"),
        )
        .cloned()
    }

    /// The name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The source.
    #[must_use]
    pub fn source(&self) -> &SourceRef {
        &self.source
    }

    /// The principles.
    #[must_use]
    pub fn principles(&self) -> &[Principle] {
        &self.principles
    }

    /// Hold a proposal against the set.
    ///
    /// # Errors
    ///
    /// [`Error::Unknown`] for an assessment of a principle not in the set, [`Error::Duplicate`]
    /// for a principle assessed twice.
    pub fn check(&self, proposal: &Proposal) -> Result<Checklist> {
        let mut seen = BTreeSet::new();
        for a in &proposal.assessments {
            if !self.principles.iter().any(|p| p.id == a.principle) {
                return Err(Error::Unknown {
                    kind: "principle",
                    id: a.principle.clone(),
                });
            }
            if !seen.insert(a.principle.as_str()) {
                return Err(Error::Duplicate {
                    kind: "principle assessment",
                    id: a.principle.clone(),
                    context: proposal.name.clone(),
                });
            }
        }
        let rows: Vec<ChecklistRow> = self
            .principles
            .iter()
            .map(|p| {
                let a = proposal.assessments.iter().find(|a| a.principle == p.id);
                ChecklistRow {
                    principle: p.clone(),
                    status: a.map_or(Status::NotAssessed, |a| a.status),
                    evidence: a.and_then(|a| a.evidence.clone()),
                }
            })
            .collect();
        let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
        let (met, partly_met, not_met, not_assessed) = (
            count(Status::Met),
            count(Status::PartlyMet),
            count(Status::NotMet),
            count(Status::NotAssessed),
        );
        let verdict = if not_met > 0 {
            ChecklistVerdict::Inconsistent
        } else if not_assessed > 0 {
            ChecklistVerdict::Incomplete
        } else if partly_met > 0 {
            ChecklistVerdict::ConsistentWithReservations
        } else {
            ChecklistVerdict::Consistent
        };
        Ok(Checklist {
            proposal: proposal.name.clone(),
            set: self.name.clone(),
            rows,
            met,
            partly_met,
            not_met,
            not_assessed,
            verdict,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(status: Status) -> Proposal {
        Proposal {
            name: "p".into(),
            assessments: PrincipleSet::devon()
                .unwrap()
                .principles()
                .iter()
                .map(|p| PrincipleAssessment {
                    principle: p.id.clone(),
                    status,
                    evidence: None,
                })
                .collect(),
        }
    }

    #[test]
    fn devon_set_has_ten_principles() {
        let set = PrincipleSet::devon().unwrap();
        assert_eq!(set.principles().len(), 10);
        assert!(set.source().is_verified());
        let nhse = PrincipleSet::nhse_devolution_criteria().unwrap();
        assert_eq!(nhse.principles().len(), 8);
        assert!(!nhse.source().is_verified());
    }

    #[test]
    fn verdicts() {
        let set = PrincipleSet::devon().unwrap();
        assert_eq!(
            set.check(&all(Status::Met)).unwrap().verdict,
            ChecklistVerdict::Consistent
        );
        let mut p = all(Status::Met);
        p.assessments[3].status = Status::PartlyMet;
        assert_eq!(
            set.check(&p).unwrap().verdict,
            ChecklistVerdict::ConsistentWithReservations
        );
        p.assessments[4].status = Status::NotMet;
        assert_eq!(
            set.check(&p).unwrap().verdict,
            ChecklistVerdict::Inconsistent
        );
    }

    #[test]
    fn bad_input() {
        let set = PrincipleSet::devon().unwrap();
        let mut p = all(Status::Met);
        p.assessments.push(p.assessments[0].clone());
        assert!(matches!(set.check(&p), Err(Error::Duplicate { .. })));
        let mut p = all(Status::Met);
        p.assessments[0].principle = "nope".into();
        assert!(matches!(set.check(&p), Err(Error::Unknown { .. })));
        assert!(PrincipleSet::new("x", SourceRef::new("s"), vec![]).is_err());
        let pr = Principle {
            id: "a".into(),
            text: "A".into(),
        };
        assert!(matches!(
            PrincipleSet::new("x", SourceRef::new("s"), vec![pr.clone(), pr]),
            Err(Error::Duplicate { .. })
        ));
    }
}
