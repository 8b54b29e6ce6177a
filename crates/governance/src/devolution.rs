//! NHS England's devolution spectrum: four models from a seat at the table to full devolution,
//! who decides, who holds the budget, who stays accountable and funds overspends, and what
//! approval each needs; and an accountability map of functions to bodies under a chosen model.
//!
//! # Source
//!
//! Seed 001 section 3.5, "Devolution – what does it mean from an NHSE perspective?" (NHS
//! England, May 2016), and the reference summary: devolved arrangements under NHS Act 2006
//! ss.13ZA–13ZB (inserted by the Cities and Local Government Devolution Act 2016, Sch 4); a
//! transfer of functions by order under s.105A of the Local Democracy, Economic Development
//! and Construction Act 2009; the overarching principle that all areas remain part of the NHS.
//!
//! ```
//! use governance::devolution::*;
//! use governance::{Body, BodyKind};
//! let arrangement = Arrangement {
//!     model: DevolutionModel::Delegated,
//!     bodies: vec![
//!         Body::new("NHSE", "NHS England", BodyKind::NhsEngland)?,
//!         Body::new("ICB", "An ICB", BodyKind::Icb)?,
//!     ],
//!     functions: vec![Function { id: "pms".into(), name: "Primary medical services".into(), holder: "NHSE".into() }],
//!     counterparties: vec!["ICB".into()],
//! };
//! let map = accountability_map(&arrangement)?;
//! assert_eq!(map.rows[0].decides, vec!["ICB".to_string()]);
//! assert_eq!(map.rows[0].accountable, "NHSE");
//! # Ok::<(), governance::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use route_map_core::SourceRef;
use serde::{Deserialize, Serialize};

use crate::body::{self, Body};
use crate::error::{Error, Result};

/// The four models of NHS England's devolution spectrum, from least to most devolved.
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
pub enum DevolutionModel {
    /// "Seat at the table" for commissioning decisions.
    SeatAtTheTable,
    /// Co-commissioning or joint decision-making.
    CoCommissioning,
    /// Delegated commissioning arrangements.
    Delegated,
    /// Fully devolved commissioning (transfer of functions).
    FullyDevolved,
}

impl DevolutionModel {
    /// All four, in order along the spectrum.
    pub const ALL: [DevolutionModel; 4] = [
        DevolutionModel::SeatAtTheTable,
        DevolutionModel::CoCommissioning,
        DevolutionModel::Delegated,
        DevolutionModel::FullyDevolved,
    ];

    /// The profile of the model.
    #[must_use]
    pub fn profile(self) -> ModelProfile {
        use Party::*;
        let (definition, decides, budget, accountable, legal_change, approval) = match self {
            DevolutionModel::SeatAtTheTable => (
                "decisions about a function are taken by the function holder but with input from another body; no legal change or material organisational impact",
                FunctionHolderWithInput,
                FunctionHolder,
                FunctionHolder,
                LegalChange::None,
                Approval::LocalAgreement,
            ),
            DevolutionModel::CoCommissioning => (
                "two or more bodies with separate functions come together to make decisions on each other's functions",
                HoldersJointly,
                FunctionHolder,
                FunctionHolder,
                LegalChange::None,
                Approval::LocalAgreement,
            ),
            DevolutionModel::Delegated => (
                "exercise of the function is delegated to another body or bodies; decision-making and budget rest with the delegates",
                Delegate,
                Delegate,
                FunctionHolder,
                LegalChange::Delegation,
                Approval::DelegationAgreement,
            ),
            DevolutionModel::FullyDevolved => (
                "the function is taken away and given to another legal body on a permanent basis: responsibility, liability, decision-making and budgets",
                NewOwner,
                NewOwner,
                NewOwner,
                LegalChange::TransferOfFunctions,
                Approval::National,
            ),
        };
        let legal_basis = match self {
            DevolutionModel::SeatAtTheTable | DevolutionModel::CoCommissioning => None,
            DevolutionModel::Delegated => Some(
                SourceRef::new(
                    "Cities and Local Government Devolution Act 2016 (Royal Assent 28 January 2016)",
                )
                .with_clause("Sch 4, inserting NHS Act 2006 ss.13ZA-13ZB (devolved arrangements with combined and local authorities); from 1 July 2022 also NHS Act 2006 s.65Z5")
                .with_url("https://www.legislation.gov.uk/ukpga/2016/1/schedule/4"),
            ),
            DevolutionModel::FullyDevolved => Some(
                SourceRef::new(
                    "Local Democracy, Economic Development and Construction Act 2009",
                )
                .with_clause("s.105A (transfer of public authority functions to a combined authority by order)")
                .unverified("the mapping of NHS functions to s.105A orders is as the reference summarises it"),
            ),
        };
        ModelProfile {
            legal_basis,
            model: self,
            definition,
            decides,
            holds_budget: budget,
            accountable,
            funds_overspends: accountable,
            legal_change,
            approval,
            source: SourceRef::new(
                "NHS England, Devolution: what does it mean from an NHS England perspective? (May 2016), as summarised in seed 001",
            )
            .with_clause("seed 001 section 3.5, 'Devolution spectrum - defining the models'"),
        }
    }
}

impl fmt::Display for DevolutionModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DevolutionModel::SeatAtTheTable => "seat at the table",
            DevolutionModel::CoCommissioning => "co-commissioning",
            DevolutionModel::Delegated => "delegated commissioning",
            DevolutionModel::FullyDevolved => "fully devolved commissioning",
        })
    }
}

/// A role in a model, relative to the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The original function holder.
    FunctionHolder,
    /// The function holder, with input from the other body.
    FunctionHolderWithInput,
    /// The function holders together, each deciding on the others' functions.
    HoldersJointly,
    /// The body or bodies the function is delegated to.
    Delegate,
    /// The body the function is transferred to.
    NewOwner,
}

/// What legal change a model makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LegalChange {
    /// None.
    None,
    /// A delegation of the exercise of the function, which the holder can end.
    Delegation,
    /// A permanent transfer of the function.
    TransferOfFunctions,
}

/// The approval a model needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    /// Agreement between the bodies (a memorandum of understanding or partnership agreement).
    LocalAgreement,
    /// A delegation agreement made by the function holder under a statutory power.
    DelegationAgreement,
    /// National approval: a transfer order (s.105A LDEDCA 2009) after NHS England's assessment.
    National,
}

impl fmt::Display for Approval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Approval::LocalAgreement => "local agreement between the bodies",
            Approval::DelegationAgreement => {
                "a delegation agreement by the function holder under a statutory power"
            }
            Approval::National => "national approval: a transfer order under s.105A LDEDCA 2009",
        })
    }
}

/// Who decides, holds the budget, stays accountable and funds overspends under a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelProfile {
    /// The model.
    pub model: DevolutionModel,
    /// The seed's definition.
    pub definition: &'static str,
    /// Who takes decisions.
    pub decides: Party,
    /// Who holds the budget.
    pub holds_budget: Party,
    /// Who keeps accountability and responsibility for the function.
    pub accountable: Party,
    /// Who funds overspends.
    pub funds_overspends: Party,
    /// The legal change.
    pub legal_change: LegalChange,
    /// The approval needed.
    pub approval: Approval,
    /// The statutory basis of the legal change, where there is one.
    pub legal_basis: Option<SourceRef>,
    /// The source of the model's definition.
    pub source: SourceRef,
}

/// A commissioning function and the body that holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Function {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Body id of the original function holder.
    pub holder: String,
}

/// An arrangement: a model applied to functions between bodies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Arrangement {
    /// The model.
    pub model: DevolutionModel,
    /// The bodies involved.
    pub bodies: Vec<Body>,
    /// The functions in scope.
    pub functions: Vec<Function>,
    /// The other bodies: those giving input (seat at the table), co-commissioners, delegates,
    /// or the one new owner (fully devolved).
    pub counterparties: Vec<String>,
}

/// Who does what for one function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FunctionAccountability {
    /// The function id.
    pub function: String,
    /// The original holder.
    pub holder: String,
    /// Bodies that take decisions.
    pub decides: Vec<String>,
    /// Bodies that give input without deciding.
    pub input_from: Vec<String>,
    /// Bodies that hold the budget.
    pub holds_budget: Vec<String>,
    /// The body that keeps accountability.
    pub accountable: String,
    /// The body that funds overspends.
    pub funds_overspends: String,
}

/// The accountability map of an arrangement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AccountabilityMap {
    /// The model.
    pub model: DevolutionModel,
    /// The approval needed.
    pub approval: String,
    /// One row per function, in input order.
    pub rows: Vec<FunctionAccountability>,
}

impl AccountabilityMap {
    /// For each body, the functions it is accountable for.
    #[must_use]
    pub fn accountable_for(&self) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in &self.rows {
            out.entry(r.accountable.clone())
                .or_default()
                .push(r.function.clone());
        }
        out
    }
}

impl fmt::Display for AccountabilityMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} (approval: {})", self.model, self.approval)?;
        for r in &self.rows {
            writeln!(
                f,
                "  {}: decides {}; budget {}; accountable {}; overspends {}{}",
                r.function,
                r.decides.join(" + "),
                r.holds_budget.join(" + "),
                r.accountable,
                r.funds_overspends,
                if r.input_from.is_empty() {
                    String::new()
                } else {
                    format!("; input from {}", r.input_from.join(", "))
                }
            )?;
        }
        Ok(())
    }
}

/// Map each function to the bodies that decide, hold the budget, stay accountable and fund
/// overspends under the arrangement's model.
///
/// # Errors
///
/// - [`Error::UnknownBody`] for a holder or counterparty not among the bodies;
/// - [`Error::Duplicate`] for a repeated body, function or counterparty;
/// - [`Error::Invalid`] for no functions, no counterparties, a counterparty that holds the
///   function itself, or more than one new owner under full devolution.
pub fn accountability_map(a: &Arrangement) -> Result<AccountabilityMap> {
    body::check_unique(&a.bodies, "devolution arrangement")?;
    if a.functions.is_empty() {
        return Err(Error::invalid("devolution arrangement", "has no functions"));
    }
    if a.counterparties.is_empty() {
        return Err(Error::invalid(
            "devolution arrangement",
            "has no counterparty body",
        ));
    }
    let mut seen = BTreeSet::new();
    for c in &a.counterparties {
        body::find(&a.bodies, c, "counterparties")?;
        if !seen.insert(c.as_str()) {
            return Err(Error::Duplicate {
                kind: "counterparty",
                id: c.clone(),
                context: "devolution arrangement".into(),
            });
        }
    }
    if a.model == DevolutionModel::FullyDevolved && a.counterparties.len() != 1 {
        return Err(Error::invalid(
            "fully devolved arrangement",
            "must transfer each function to exactly one new owner",
        ));
    }
    let profile = a.model.profile();
    let mut ids = BTreeSet::new();
    let mut rows = Vec::new();
    for f in &a.functions {
        if !ids.insert(f.id.as_str()) {
            return Err(Error::Duplicate {
                kind: "function",
                id: f.id.clone(),
                context: "devolution arrangement".into(),
            });
        }
        body::find(&a.bodies, &f.holder, &format!("holder of {}", f.id))?;
        if a.counterparties.contains(&f.holder) {
            return Err(Error::invalid(
                format!("function {}", f.id),
                format!("its holder {} is also a counterparty", f.holder),
            ));
        }
        let holder = vec![f.holder.clone()];
        let others = a.counterparties.clone();
        let resolve = |p: Party| -> Vec<String> {
            match p {
                Party::FunctionHolder | Party::FunctionHolderWithInput => holder.clone(),
                Party::HoldersJointly => {
                    let mut v = holder.clone();
                    v.extend(others.iter().cloned());
                    v
                }
                Party::Delegate | Party::NewOwner => others.clone(),
            }
        };
        let first = |v: Vec<String>| v.into_iter().next().unwrap_or_default();
        rows.push(FunctionAccountability {
            function: f.id.clone(),
            holder: f.holder.clone(),
            decides: resolve(profile.decides),
            input_from: if profile.decides == Party::FunctionHolderWithInput {
                others.clone()
            } else {
                Vec::new()
            },
            holds_budget: resolve(profile.holds_budget),
            accountable: first(resolve(profile.accountable)),
            funds_overspends: first(resolve(profile.funds_overspends)),
        });
    }
    Ok(AccountabilityMap {
        model: a.model,
        approval: profile.approval.to_string(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BodyKind;

    fn arrangement(model: DevolutionModel) -> Arrangement {
        Arrangement {
            model,
            bodies: vec![
                Body::new("NHSE", "NHS England", BodyKind::NhsEngland).unwrap(),
                Body::new("CA", "Combined authority", BodyKind::CombinedAuthority).unwrap(),
            ],
            functions: vec![Function {
                id: "spec".into(),
                name: "Specialised services".into(),
                holder: "NHSE".into(),
            }],
            counterparties: vec!["CA".into()],
        }
    }

    #[test]
    fn the_four_models() {
        let row = |m| accountability_map(&arrangement(m)).unwrap().rows[0].clone();
        let seat = row(DevolutionModel::SeatAtTheTable);
        assert_eq!(seat.decides, vec!["NHSE"]);
        assert_eq!(seat.input_from, vec!["CA"]);
        let co = row(DevolutionModel::CoCommissioning);
        assert_eq!(co.decides, vec!["NHSE", "CA"]);
        assert_eq!(co.holds_budget, vec!["NHSE"]);
        let del = row(DevolutionModel::Delegated);
        assert_eq!(del.decides, vec!["CA"]);
        assert_eq!(del.holds_budget, vec!["CA"]);
        assert_eq!(del.funds_overspends, "NHSE");
        let dev = row(DevolutionModel::FullyDevolved);
        assert_eq!(dev.accountable, "CA");
        assert_eq!(dev.funds_overspends, "CA");
        assert_eq!(
            DevolutionModel::FullyDevolved.profile().approval,
            Approval::National
        );
        assert!(
            DevolutionModel::SeatAtTheTable
                .profile()
                .legal_basis
                .is_none()
        );
        assert!(DevolutionModel::Delegated.profile().legal_basis.is_some());
        let map = accountability_map(&arrangement(DevolutionModel::Delegated)).unwrap();
        assert_eq!(map.accountable_for()["NHSE"], vec!["spec"]);
        assert!(map.to_string().contains("delegated commissioning"));
    }

    #[test]
    fn bad_arrangements() {
        let mut a = arrangement(DevolutionModel::Delegated);
        a.counterparties = vec![];
        assert!(matches!(accountability_map(&a), Err(Error::Invalid { .. })));
        let mut a = arrangement(DevolutionModel::Delegated);
        a.counterparties = vec!["X".into()];
        assert!(matches!(
            accountability_map(&a),
            Err(Error::UnknownBody { .. })
        ));
        let mut a = arrangement(DevolutionModel::Delegated);
        a.counterparties = vec!["NHSE".into()];
        assert!(matches!(accountability_map(&a), Err(Error::Invalid { .. })));
        let mut a = arrangement(DevolutionModel::FullyDevolved);
        a.bodies
            .push(Body::new("LA", "Council", BodyKind::LocalAuthority).unwrap());
        a.counterparties.push("LA".into());
        assert!(matches!(accountability_map(&a), Err(Error::Invalid { .. })));
        let mut a = arrangement(DevolutionModel::Delegated);
        a.functions.push(a.functions[0].clone());
        assert!(matches!(
            accountability_map(&a),
            Err(Error::Duplicate { .. })
        ));
        let mut a = arrangement(DevolutionModel::Delegated);
        a.functions.clear();
        assert!(matches!(accountability_map(&a), Err(Error::Invalid { .. })));
    }
}
