//! Provision vehicles from loose federation to single provider, their properties, and the
//! lead-provider rules against which subcontracting changes are checked.
//!
//! # Source
//!
//! Seed 001 section 7.2 (the spectrum of provision vehicles) and section 1.2 (an ACS is no
//! legal entity and cannot hold a contract; an ACO is a legal entity that can hold contracts
//! and generally sub-contracts). The lead-provider rules are seed 003's: commissioners hold a
//! single contract with the lead provider, which organises other providers along the pathway
//! and is responsible for subcontracting, but cannot decommission "material" subcontracted
//! providers without the approval of the commissioners.
//!
//! ```
//! use governance::provision::*;
//! use governance::{Body, BodyKind};
//! use route_map_core::Money;
//! let contract = LeadProviderContract::new(RawLeadProviderContract {
//!     name: "Coventry out of hospital".into(),
//!     lead: Body::new("RYG", "CWPT", BodyKind::NhsTrust)?,
//!     commissioners: vec![Body::new("05A", "Coventry and Rugby CCG", BodyKind::Ccg)?],
//!     subcontracts: vec![Subcontract {
//!         provider: Body::new("HOSP", "Local hospice", BodyKind::VoluntarySector)?,
//!         services: "end of life care".into(),
//!         annual_value: Money::from_pounds(900_000),
//!         materiality: Materiality::Material,
//!     }],
//!     materiality_threshold: None,
//! })?;
//! let check = contract.check_change(&ChangeRequest {
//!     change: SubcontractChange::Decommission { provider: "HOSP".into() },
//!     approved_by: vec![],
//! })?;
//! assert!(matches!(check.permission, Permission::NeedsApproval { .. }));
//! # Ok::<(), governance::Error>(())
//! ```

use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

use route_map_core::{Money, SourceRef};
use serde::{Deserialize, Serialize};

use crate::body::{self, Body};
use crate::error::{Error, Result};

/// The provision vehicles of seed 001, from loose to tight agreements.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProvisionVehicle {
    /// Loose federation.
    LooseFederation,
    /// Formal (tight) federation.
    FormalFederation,
    /// Alliance.
    Alliance,
    /// Corporate joint venture.
    CorporateJointVenture,
    /// Integrator.
    Integrator,
    /// Lead provider.
    LeadProvider,
    /// Single provider (merger).
    SingleProvider,
    /// Integrated management board.
    IntegratedManagementBoard,
}

impl ProvisionVehicle {
    /// All eight, loose to tight, then the integrated management board.
    pub const ALL: [ProvisionVehicle; 8] = [
        ProvisionVehicle::LooseFederation,
        ProvisionVehicle::FormalFederation,
        ProvisionVehicle::Alliance,
        ProvisionVehicle::CorporateJointVenture,
        ProvisionVehicle::Integrator,
        ProvisionVehicle::LeadProvider,
        ProvisionVehicle::SingleProvider,
        ProvisionVehicle::IntegratedManagementBoard,
    ];

    /// The vehicle's properties.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded catalogue is broken.
    pub fn properties(self) -> Result<&'static VehicleProperties> {
        catalogue()?
            .vehicle
            .iter()
            .find(|v| v.vehicle == self)
            .ok_or_else(|| Error::EmbeddedData {
                name: "provision.toml",
                reason: format!("no properties for {self}"),
            })
    }
}

impl fmt::Display for ProvisionVehicle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProvisionVehicle::LooseFederation => "loose federation",
            ProvisionVehicle::FormalFederation => "formal federation",
            ProvisionVehicle::Alliance => "alliance",
            ProvisionVehicle::CorporateJointVenture => "corporate joint venture",
            ProvisionVehicle::Integrator => "integrator",
            ProvisionVehicle::LeadProvider => "lead provider",
            ProvisionVehicle::SingleProvider => "single provider (merger)",
            ProvisionVehicle::IntegratedManagementBoard => "integrated management board",
        })
    }
}

/// Whether the vehicle is or has a legal entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityStatus {
    /// No legal entity.
    None,
    /// May form one (for example a federation company).
    MayFormOne,
    /// A new legal entity.
    New,
    /// An existing provider's legal entity.
    Existing,
    /// An existing or a new legal entity.
    ExistingOrNew,
}

/// Whether the vehicle can hold a contract with commissioners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldsContract {
    /// Yes.
    Yes,
    /// No: commissioners contract with each provider.
    No,
    /// Only if it has been incorporated.
    IfIncorporated,
}

/// Accountable care system (informal) or organisation (legal entity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CareModel {
    /// Accountable care system: informal, no legal entity.
    Acs,
    /// Accountable care organisation: a legal entity that can hold a contract.
    Aco,
}

/// The properties of a provision vehicle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VehicleProperties {
    /// The vehicle.
    pub vehicle: ProvisionVehicle,
    /// Position from loose (1) to tight (7); the management board is 8.
    pub position: u8,
    /// Legal entity.
    pub entity: EntityStatus,
    /// Can hold a contract.
    pub holds_contract: HoldsContract,
    /// ACS or ACO.
    pub model: CareModel,
    /// Typical subcontracting.
    pub subcontracting: String,
    /// What is uncertain, if anything.
    #[serde(default)]
    pub to_verify: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Catalogue {
    source: SourceRef,
    vehicle: Vec<VehicleProperties>,
}

static CATALOGUE: OnceLock<std::result::Result<Catalogue, String>> = OnceLock::new();

fn catalogue() -> Result<&'static Catalogue> {
    crate::data::load(
        &CATALOGUE,
        "provision.toml",
        include_str!("../data/provision.toml"),
    )
}

/// The source of the provision vehicle properties.
///
/// # Errors
///
/// [`Error::EmbeddedData`] if the embedded catalogue is broken.
pub fn properties_source() -> Result<&'static SourceRef> {
    Ok(&catalogue()?.source)
}

/// Whether a subcontract is material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Materiality {
    /// Designated material in the contract.
    Material,
    /// Designated not material.
    NotMaterial,
    /// Not designated: material when its annual value reaches the contract's threshold.
    ByThreshold,
}

/// A subcontract held by the lead provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Subcontract {
    /// The subcontracted provider.
    pub provider: Body,
    /// Services.
    pub services: String,
    /// Annual value.
    pub annual_value: Money,
    /// Materiality.
    pub materiality: Materiality,
}

/// A lead-provider contract, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawLeadProviderContract")]
pub struct LeadProviderContract {
    name: String,
    lead: Body,
    commissioners: Vec<Body>,
    subcontracts: Vec<Subcontract>,
    materiality_threshold: Option<Money>,
}

/// The unvalidated form of a [`LeadProviderContract`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RawLeadProviderContract {
    /// Contract name.
    pub name: String,
    /// The lead provider.
    pub lead: Body,
    /// The commissioners party to the single contract.
    pub commissioners: Vec<Body>,
    /// The lead provider's subcontracts.
    pub subcontracts: Vec<Subcontract>,
    /// Annual value from which an undesignated subcontract is material.
    #[serde(default)]
    pub materiality_threshold: Option<Money>,
}

impl TryFrom<RawLeadProviderContract> for LeadProviderContract {
    type Error = Error;
    fn try_from(raw: RawLeadProviderContract) -> Result<LeadProviderContract> {
        LeadProviderContract::new(raw)
    }
}

/// A change to the lead provider's subcontracts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "change")]
#[non_exhaustive]
pub enum SubcontractChange {
    /// Add a subcontract.
    Add(Subcontract),
    /// Decommission a subcontracted provider.
    Decommission {
        /// Body id of the provider.
        provider: String,
    },
    /// Change a subcontract's annual value.
    Vary {
        /// Body id of the provider.
        provider: String,
        /// The new annual value.
        annual_value: Money,
    },
}

/// A change with the commissioners who have approved it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChangeRequest {
    /// The change.
    pub change: SubcontractChange,
    /// Body ids of commissioners who approved it.
    #[serde(default)]
    pub approved_by: Vec<String>,
}

/// Whether a change may go ahead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "permission")]
#[non_exhaustive]
pub enum Permission {
    /// The lead provider may make the change.
    Permitted,
    /// The change needs the approval of these commissioners, not yet given.
    NeedsApproval {
        /// Body ids of commissioners whose approval is missing.
        missing: Vec<String>,
    },
}

/// The result of checking a change against the lead-provider rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChangeCheck {
    /// Permitted or not yet.
    pub permission: Permission,
    /// The rule applied.
    pub rule: String,
    /// Why.
    pub explanation: Vec<String>,
    /// The source.
    pub source: SourceRef,
}

fn seed003() -> SourceRef {
    SourceRef::new(
        "Coventry City Council, Health and Wellbeing Board, Out of Hospital report, 4 October 2017 (seed 003)",
    )
    .with_clause("Contract Mechanism Outcome: lead provider")
}

impl LeadProviderContract {
    /// Validate a lead-provider contract.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for no commissioners or a negative value; [`Error::WrongKind`] for
    /// a commissioner that does not commission; [`Error::Duplicate`] for a repeated body
    /// (the lead provider cannot be its own subcontractor).
    pub fn new(raw: RawLeadProviderContract) -> Result<LeadProviderContract> {
        if raw.commissioners.is_empty() {
            return Err(Error::invalid(
                format!("lead provider contract {:?}", raw.name),
                "has no commissioners",
            ));
        }
        for c in &raw.commissioners {
            if !c.kind().is_commissioner() {
                return Err(Error::WrongKind {
                    body: c.name().to_owned(),
                    kind: c.kind().label().to_owned(),
                    role: "a commissioner".into(),
                });
            }
        }
        body::check_unique(&raw.commissioners, "commissioners")?;
        let mut providers: Vec<Body> = vec![raw.lead.clone()];
        for s in &raw.subcontracts {
            if s.annual_value.is_negative() {
                return Err(Error::invalid(
                    format!("subcontract with {}", s.provider.id()),
                    "has a negative value",
                ));
            }
            providers.push(s.provider.clone());
        }
        body::check_unique(&providers, "lead provider and subcontractors")?;
        if raw.materiality_threshold.is_some_and(Money::is_negative) {
            return Err(Error::invalid("materiality threshold", "is negative"));
        }
        Ok(LeadProviderContract {
            name: raw.name,
            lead: raw.lead,
            commissioners: raw.commissioners,
            subcontracts: raw.subcontracts,
            materiality_threshold: raw.materiality_threshold,
        })
    }

    /// The lead provider.
    #[must_use]
    pub fn lead(&self) -> &Body {
        &self.lead
    }

    /// The commissioners.
    #[must_use]
    pub fn commissioners(&self) -> &[Body] {
        &self.commissioners
    }

    /// The subcontracts.
    #[must_use]
    pub fn subcontracts(&self) -> &[Subcontract] {
        &self.subcontracts
    }

    /// Whether a subcontract is material under this contract.
    #[must_use]
    pub fn is_material(&self, s: &Subcontract) -> bool {
        match s.materiality {
            Materiality::Material => true,
            Materiality::NotMaterial => false,
            Materiality::ByThreshold => self
                .materiality_threshold
                .is_some_and(|t| s.annual_value >= t),
        }
    }

    fn subcontract(&self, id: &str) -> Result<&Subcontract> {
        self.subcontracts
            .iter()
            .find(|s| s.provider.id() == id)
            .ok_or_else(|| Error::Unknown {
                kind: "subcontracted provider",
                id: id.to_owned(),
            })
    }

    /// Check a subcontracting change against the lead-provider rules.
    ///
    /// # Errors
    ///
    /// [`Error::Unknown`] for a change to a provider that is not subcontracted;
    /// [`Error::Duplicate`] for adding a provider already in the contract;
    /// [`Error::UnknownBody`] for an approval by a body that is not a commissioner.
    pub fn check_change(&self, req: &ChangeRequest) -> Result<ChangeCheck> {
        let mut approved = BTreeSet::new();
        for a in &req.approved_by {
            body::find(&self.commissioners, a, "approvals")?;
            approved.insert(a.as_str());
        }
        let missing: Vec<String> = self
            .commissioners
            .iter()
            .filter(|c| !approved.contains(c.id()))
            .map(|c| c.id().to_owned())
            .collect();
        let needs_approval = |explanation: Vec<String>| {
            ChangeCheck {
            permission: if missing.is_empty() {
                Permission::Permitted
            } else {
                Permission::NeedsApproval {
                    missing: missing.clone(),
                }
            },
            rule: "the lead provider cannot decommission a material subcontracted provider without the approval of the commissioners".into(),
            explanation,
            source: seed003(),
        }
        };
        let permitted = |rule: &str, explanation: Vec<String>| ChangeCheck {
            permission: Permission::Permitted,
            rule: rule.to_owned(),
            explanation,
            source: seed003(),
        };
        match &req.change {
            SubcontractChange::Add(s) => {
                if s.provider.id() == self.lead.id()
                    || self
                        .subcontracts
                        .iter()
                        .any(|x| x.provider.id() == s.provider.id())
                {
                    return Err(Error::Duplicate {
                        kind: "subcontracted provider",
                        id: s.provider.id().to_owned(),
                        context: self.name.clone(),
                    });
                }
                Ok(permitted(
                    "the lead provider organises other providers along the pathway and is responsible for subcontracting",
                    vec![format!("adding {} is for the lead provider", s.provider)],
                ))
            }
            SubcontractChange::Decommission { provider } => {
                let s = self.subcontract(provider)?;
                if self.is_material(s) {
                    Ok(needs_approval(vec![format!(
                        "{} ({}, {}) is material: decommissioning needs every commissioner's approval",
                        s.provider, s.services, s.annual_value
                    )]))
                } else {
                    Ok(permitted(
                        "the lead provider is responsible for subcontracting; only material subcontracts are reserved",
                        vec![format!("{} is not material", s.provider)],
                    ))
                }
            }
            SubcontractChange::Vary {
                provider,
                annual_value,
            } => {
                let s = self.subcontract(provider)?;
                if annual_value.is_negative() {
                    return Err(Error::invalid(
                        format!("new value of subcontract with {provider}"),
                        "is negative",
                    ));
                }
                if annual_value.is_zero() && self.is_material(s) {
                    Ok(needs_approval(vec![format!(
                        "reducing {} to nothing decommissions a material subcontract",
                        s.provider
                    )]))
                } else {
                    Ok(permitted(
                        "the lead provider is responsible for subcontracting",
                        vec![format!(
                            "{} varied from {} to {}",
                            s.provider, s.annual_value, annual_value
                        )],
                    ))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BodyKind;

    fn contract() -> LeadProviderContract {
        let b = |id: &str, kind| Body::new(id, format!("{id} body"), kind).unwrap();
        LeadProviderContract::new(RawLeadProviderContract {
            name: "OoH".into(),
            lead: b("SWFT", BodyKind::FoundationTrust),
            commissioners: vec![b("SW", BodyKind::Ccg), b("WN", BodyKind::Ccg)],
            subcontracts: vec![
                Subcontract {
                    provider: b("H", BodyKind::VoluntarySector),
                    services: "hospice".into(),
                    annual_value: Money::from_pounds(100_000),
                    materiality: Materiality::ByThreshold,
                },
                Subcontract {
                    provider: b("P", BodyKind::PrimaryCare),
                    services: "clinics".into(),
                    annual_value: Money::from_pounds(2_000_000),
                    materiality: Materiality::ByThreshold,
                },
            ],
            materiality_threshold: Some(Money::from_pounds(1_000_000)),
        })
        .unwrap()
    }

    fn req(change: SubcontractChange, approved_by: &[&str]) -> ChangeRequest {
        ChangeRequest {
            change,
            approved_by: approved_by.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn properties_cover_every_vehicle() {
        for v in ProvisionVehicle::ALL {
            let p = v.properties().unwrap();
            assert_eq!(
                p.model == CareModel::Aco,
                p.holds_contract == HoldsContract::Yes,
                "{v}"
            );
        }
        assert_eq!(
            ProvisionVehicle::LeadProvider.properties().unwrap().entity,
            EntityStatus::Existing
        );
        assert!(properties_source().unwrap().is_verified());
    }

    #[test]
    fn decommissioning_material_subcontractor_needs_approval() {
        let c = contract();
        let d = |approved: &[&str]| {
            c.check_change(&req(
                SubcontractChange::Decommission {
                    provider: "P".into(),
                },
                approved,
            ))
            .unwrap()
            .permission
        };
        assert_eq!(
            d(&[]),
            Permission::NeedsApproval {
                missing: vec!["SW".into(), "WN".into()]
            }
        );
        assert_eq!(
            d(&["SW"]),
            Permission::NeedsApproval {
                missing: vec!["WN".into()]
            }
        );
        assert_eq!(d(&["SW", "WN"]), Permission::Permitted);
        // Not material: the lead provider decides.
        let nm = c
            .check_change(&req(
                SubcontractChange::Decommission {
                    provider: "H".into(),
                },
                &[],
            ))
            .unwrap();
        assert_eq!(nm.permission, Permission::Permitted);
        // Varying a material subcontract to zero is decommissioning.
        let v = c
            .check_change(&req(
                SubcontractChange::Vary {
                    provider: "P".into(),
                    annual_value: Money::ZERO,
                },
                &[],
            ))
            .unwrap();
        assert!(matches!(v.permission, Permission::NeedsApproval { .. }));
        let v = c
            .check_change(&req(
                SubcontractChange::Vary {
                    provider: "P".into(),
                    annual_value: Money::from_pounds(1),
                },
                &[],
            ))
            .unwrap();
        assert_eq!(v.permission, Permission::Permitted);
    }

    #[test]
    fn bad_changes_and_contracts() {
        let c = contract();
        assert!(matches!(
            c.check_change(&req(
                SubcontractChange::Decommission {
                    provider: "X".into()
                },
                &[]
            )),
            Err(Error::Unknown { .. })
        ));
        assert!(matches!(
            c.check_change(&req(
                SubcontractChange::Decommission {
                    provider: "P".into()
                },
                &["SWFT"]
            )),
            Err(Error::UnknownBody { .. })
        ));
        let dup = c.subcontracts()[0].clone();
        assert!(matches!(
            c.check_change(&req(SubcontractChange::Add(dup.clone()), &[])),
            Err(Error::Duplicate { .. })
        ));
        let mut new = dup;
        new.provider = Body::new("N", "New", BodyKind::OtherProvider).unwrap();
        assert_eq!(
            c.check_change(&req(SubcontractChange::Add(new), &[]))
                .unwrap()
                .permission,
            Permission::Permitted
        );
        let raw = RawLeadProviderContract {
            name: "x".into(),
            lead: c.lead().clone(),
            commissioners: vec![c.lead().clone()],
            subcontracts: vec![],
            materiality_threshold: None,
        };
        assert!(matches!(
            LeadProviderContract::new(raw.clone()),
            Err(Error::WrongKind { .. })
        ));
        let raw2 = RawLeadProviderContract {
            commissioners: vec![],
            ..raw
        };
        assert!(matches!(
            LeadProviderContract::new(raw2),
            Err(Error::Invalid { .. })
        ));
    }
}
