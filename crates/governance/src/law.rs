//! Dated statutory facts: which kinds of body exist on a date, on which statutory bases a
//! joint committee may be formed, and who may be a section 75 partner.
//!
//! The facts are data (`data/law.toml`, embedded at compile time); each carries the
//! [`SourceRef`] that establishes it and the date it took effect.
//!
//! # Legal basis
//!
//! - CCGs existed from 1 April 2013 (Health and Social Care Act 2012) until they were abolished
//!   on 1 July 2022, when 42 ICBs were established (Health and Care Act 2022).
//! - CCGs could form joint committees with each other (NHS Act 2006 s.14Z3(2A)) and with NHS
//!   England (s.14Z9) from 1 October 2014 (Legislative Reform (Clinical Commissioning Groups)
//!   Order 2014).
//! - From 1 July 2022, NHS England, ICBs, NHS trusts and foundation trusts may exercise
//!   functions jointly with each other and with local and combined authorities through joint
//!   committees (NHS Act 2006 ss.65Z5–65Z6; SI 2022/642). Foundation trusts could not sit on
//!   a joint committee with other NHS bodies before then.
//! - NHS England delegated primary medical services to all ICBs from 1 July 2022, pharmacy,
//!   optometry and dental services from 1 April 2023, and specialised services through joint
//!   committees from April 2023 and by delegation from April 2025, remaining accountable
//!   ([`Law::nhse_delegation`]; sources: NHS England's delegation page and board papers of
//!   7 December 2023 and 2025/26).

use std::sync::OnceLock;

use chrono::NaiveDate;
use route_map_core::{SourceRef, Timeline};
use serde::Deserialize;

use crate::body::{Body, BodyKind};
use crate::devolution::DevolutionModel;
use crate::error::{Error, Result};

const LAW_TOML: &str = include_str!("../data/law.toml");

#[derive(Debug, Deserialize)]
struct LawData {
    existence: Vec<ExistenceData>,
    joint_committee: Vec<JointCommitteeBasis>,
    section75: Vec<Section75Data>,
    nhse_delegation: Vec<DelegationData>,
}

#[derive(Debug, Deserialize)]
struct DelegationData {
    function: NhseFunction,
    model: Timeline<DevolutionModel>,
}

/// NHS England commissioning functions delegated to ICBs under the Health and Care Act 2022.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    serde::Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NhseFunction {
    /// Primary medical services.
    PrimaryMedicalServices,
    /// Pharmacy, optometry and dental services.
    PharmacyOptometryDental,
    /// Specialised services suitable for delegation.
    SpecialisedServices,
}

#[derive(Debug, Deserialize)]
struct ExistenceData {
    kind: BodyKind,
    timeline: Timeline<bool>,
}

#[derive(Debug, Deserialize)]
struct Section75Data {
    kind: BodyKind,
    side: Section75Side,
    in_force: Timeline<bool>,
}

/// Which side of a section 75 partnership a kind of body can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Section75Side {
    /// An NHS body (CCG, ICB, NHS trust, foundation trust).
    Nhs,
    /// A local authority.
    LocalAuthority,
}

/// A statutory basis on which a joint committee may exercise functions, with its dates.
#[derive(Debug, Clone, Deserialize)]
pub struct JointCommitteeBasis {
    id: String,
    name: String,
    permitted: Vec<BodyKind>,
    requires_any: Vec<BodyKind>,
    in_force: Timeline<bool>,
}

impl JointCommitteeBasis {
    /// A stable identifier, e.g. `s65z5_joint_working`.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// What the basis allows, e.g. `joint committee of clinical commissioning groups`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The kinds of body that may be members.
    #[must_use]
    pub fn permitted(&self) -> &[BodyKind] {
        &self.permitted
    }

    /// At least one member must be of one of these kinds.
    #[must_use]
    pub fn requires_any(&self) -> &[BodyKind] {
        &self.requires_any
    }

    /// When the basis is in force, with sources.
    #[must_use]
    pub fn in_force(&self) -> &Timeline<bool> {
        &self.in_force
    }

    /// The source in force on `date`, if the basis is in force then.
    #[must_use]
    pub fn source_on(&self, date: NaiveDate) -> Option<&SourceRef> {
        self.in_force
            .at_with_source(date)
            .ok()
            .filter(|(v, _)| **v)
            .map(|(_, s)| s)
    }

    /// Whether a committee whose members are of `kinds` fits this basis on `date`.
    #[must_use]
    pub fn admits(&self, kinds: &[BodyKind], date: NaiveDate) -> bool {
        self.source_on(date).is_some()
            && kinds.iter().all(|k| self.permitted.contains(k))
            && kinds.iter().any(|k| self.requires_any.contains(k))
    }
}

/// The embedded statutory facts.
#[derive(Debug)]
pub struct Law {
    data: LawData,
}

static LAW: OnceLock<std::result::Result<Law, String>> = OnceLock::new();

/// Whether a kind of body exists on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Existence {
    /// Bodies of the kind exist on the date, by the cited source.
    Exists(SourceRef),
    /// No body of the kind exists on the date: not yet created, or abolished (the source says
    /// which, when known).
    DoesNotExist(Option<SourceRef>),
    /// The crate holds no dates for the kind: it is taken to exist.
    Undated,
}

impl Law {
    /// The embedded law.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded file does not parse (a defect in the crate).
    pub fn get() -> Result<&'static Law> {
        LAW.get_or_init(|| {
            toml::from_str::<LawData>(LAW_TOML)
                .map(|data| Law { data })
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|reason| Error::EmbeddedData {
            name: "law.toml",
            reason: reason.clone(),
        })
    }

    /// Whether bodies of `kind` exist on `date`.
    ///
    /// # Examples
    ///
    /// ```
    /// use governance::{BodyKind, law::{Existence, Law}};
    /// use chrono::NaiveDate;
    /// let law = Law::get()?;
    /// let d = NaiveDate::from_ymd_opt(2022, 7, 1).unwrap();
    /// assert!(matches!(law.existence(BodyKind::Ccg, d), Existence::DoesNotExist(_)));
    /// assert!(matches!(law.existence(BodyKind::Icb, d), Existence::Exists(_)));
    /// # Ok::<(), governance::Error>(())
    /// ```
    #[must_use]
    pub fn existence(&self, kind: BodyKind, date: NaiveDate) -> Existence {
        match self.data.existence.iter().find(|e| e.kind == kind) {
            None => Existence::Undated,
            Some(e) => match e.timeline.entry_at(date) {
                Ok(entry) => match entry.value {
                    Some(true) => Existence::Exists(entry.source.clone()),
                    _ => Existence::DoesNotExist(Some(entry.source.clone())),
                },
                Err(_) => Existence::DoesNotExist(None),
            },
        }
    }

    /// Check that `body` can act on `date`.
    ///
    /// # Errors
    ///
    /// [`Error::BodyNotInExistence`] when no body of its kind existed on the date (a CCG after
    /// 30 June 2022, an ICB before 1 July 2022).
    pub fn check_exists(&self, body: &Body, date: NaiveDate) -> Result<()> {
        match self.existence(body.kind(), date) {
            Existence::DoesNotExist(_) => Err(Error::BodyNotInExistence {
                body: body.name().to_owned(),
                kind: body.kind().label().to_owned(),
                date,
            }),
            Existence::Exists(_) | Existence::Undated => Ok(()),
        }
    }

    /// Every statutory basis for joint committees, in force or not.
    #[must_use]
    pub fn joint_committee_bases(&self) -> &[JointCommitteeBasis] {
        &self.data.joint_committee
    }

    /// The bases on which a joint committee with members of `kinds` is lawful on `date`.
    #[must_use]
    pub fn joint_committee_bases_for(
        &self,
        kinds: &[BodyKind],
        date: NaiveDate,
    ) -> Vec<&JointCommitteeBasis> {
        self.data
            .joint_committee
            .iter()
            .filter(|b| b.admits(kinds, date))
            .collect()
    }

    /// The side of a section 75 partnership that `kind` may take on `date`, with the source,
    /// or `None` when it cannot be a partner then.
    #[must_use]
    pub fn section75_side(
        &self,
        kind: BodyKind,
        date: NaiveDate,
    ) -> Option<(Section75Side, &SourceRef)> {
        self.data
            .section75
            .iter()
            .filter(|s| s.kind == kind)
            .find_map(|s| match s.in_force.at_with_source(date) {
                Ok((true, src)) => Some((s.side, src)),
                _ => None,
            })
    }
}

impl Law {
    /// The devolution model under which an ICB (not an early adopter) commissions an NHS
    /// England function on `date`, with its source. NHS England stays accountable.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] with `NotInForce` before the first national delegation of the function;
    /// [`Error::EmbeddedData`] if the function has no data.
    ///
    /// # Examples
    ///
    /// ```
    /// use governance::law::{Law, NhseFunction};
    /// use governance::devolution::DevolutionModel;
    /// use chrono::NaiveDate;
    /// let d = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    /// let (model, _) = Law::get()?.nhse_delegation(NhseFunction::SpecialisedServices, d)?;
    /// assert_eq!(model, DevolutionModel::CoCommissioning);
    /// # Ok::<(), governance::Error>(())
    /// ```
    pub fn nhse_delegation(
        &self,
        function: NhseFunction,
        date: NaiveDate,
    ) -> Result<(DevolutionModel, &SourceRef)> {
        let data = self
            .data
            .nhse_delegation
            .iter()
            .find(|d| d.function == function)
            .ok_or_else(|| Error::EmbeddedData {
                name: "law.toml",
                reason: format!("no delegation data for {function:?}"),
            })?;
        let (model, source) = data.model.at_with_source(date)?;
        Ok((*model, source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn law_loads() {
        let law = Law::get().unwrap();
        assert_eq!(law.joint_committee_bases().len(), 4);
    }

    #[test]
    fn ccgs_exist_until_30_june_2022_only() {
        let law = Law::get().unwrap();
        assert!(matches!(
            law.existence(BodyKind::Ccg, d(2022, 6, 30)),
            Existence::Exists(_)
        ));
        assert!(matches!(
            law.existence(BodyKind::Ccg, d(2022, 7, 1)),
            Existence::DoesNotExist(Some(_))
        ));
        assert!(matches!(
            law.existence(BodyKind::Ccg, d(2013, 3, 31)),
            Existence::DoesNotExist(None)
        ));
        assert!(matches!(
            law.existence(BodyKind::Icb, d(2022, 6, 30)),
            Existence::DoesNotExist(None)
        ));
        assert_eq!(
            law.existence(BodyKind::FoundationTrust, d(2022, 6, 30)),
            Existence::Undated
        );
        let ccg = Body::new("05A", "Coventry and Rugby CCG", BodyKind::Ccg).unwrap();
        assert!(law.check_exists(&ccg, d(2017, 7, 1)).is_ok());
        assert!(matches!(
            law.check_exists(&ccg, d(2022, 7, 1)),
            Err(Error::BodyNotInExistence { .. })
        ));
    }

    #[test]
    fn foundation_trust_joint_committee_only_from_july_2022() {
        let law = Law::get().unwrap();
        let kinds = [BodyKind::Icb, BodyKind::FoundationTrust];
        assert!(law.joint_committee_bases_for(&kinds, d(2022, 7, 1)).len() == 1);
        let before = [BodyKind::Ccg, BodyKind::FoundationTrust];
        assert!(
            law.joint_committee_bases_for(&before, d(2022, 6, 30))
                .is_empty()
        );
    }

    #[test]
    fn nhse_functions_delegated_by_date() {
        let law = Law::get().unwrap();
        let model = |f, date| law.nhse_delegation(f, date).map(|(m, _)| m);
        assert!(model(NhseFunction::PrimaryMedicalServices, d(2022, 6, 30)).is_err());
        assert_eq!(
            model(NhseFunction::PrimaryMedicalServices, d(2022, 7, 1)).unwrap(),
            DevolutionModel::Delegated
        );
        assert!(model(NhseFunction::PharmacyOptometryDental, d(2023, 3, 31)).is_err());
        assert_eq!(
            model(NhseFunction::SpecialisedServices, d(2024, 6, 1)).unwrap(),
            DevolutionModel::CoCommissioning
        );
        assert_eq!(
            model(NhseFunction::SpecialisedServices, d(2025, 4, 1)).unwrap(),
            DevolutionModel::Delegated
        );
    }

    #[test]
    fn section75_sides() {
        let law = Law::get().unwrap();
        assert_eq!(
            law.section75_side(BodyKind::Ccg, d(2017, 4, 1))
                .map(|s| s.0),
            Some(Section75Side::Nhs)
        );
        assert!(law.section75_side(BodyKind::Ccg, d(2022, 7, 1)).is_none());
        assert!(
            law.section75_side(BodyKind::VoluntarySector, d(2017, 4, 1))
                .is_none()
        );
    }
}
