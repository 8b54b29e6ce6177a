//! NHS England's Integrated Support and Assurance Process (ISAP) for novel and complex
//! contracts: when it applies, its phases and checkpoints, and the order a plan must respect.

use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use route_map_core::SourceRef;

use crate::data::load;
use crate::error::Result;

const ISAP_TOML: &str = include_str!("../data/isap.toml");

/// What makes a contract novel and complex.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Novelty {
    /// A new care model (MCP, PACS, accountable care organisation or network).
    #[serde(default)]
    pub new_care_model: bool,
    /// The arrangement creates a new legal entity.
    #[serde(default)]
    pub new_legal_entity: bool,
    /// Risk is shared between commissioners and providers.
    #[serde(default)]
    pub risk_sharing: bool,
    /// A novel method of calculating the contract value (capitation, outcomes-based payment).
    #[serde(default)]
    pub novel_contract_value: bool,
    /// Re-procurement of an existing complex contract.
    #[serde(default)]
    pub reprocurement_of_complex_contract: bool,
}

/// An ISAP checkpoint.
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
pub enum Checkpoint {
    /// Early engagement.
    EarlyEngagement,
    /// Checkpoint 1.
    #[serde(rename = "checkpoint_1")]
    Checkpoint1,
    /// Checkpoint 2.
    #[serde(rename = "checkpoint_2")]
    Checkpoint2,
    /// Checkpoint 3.
    #[serde(rename = "checkpoint_3")]
    Checkpoint3,
}

/// A checkpoint as encoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointRule {
    /// Which.
    pub id: Checkpoint,
    /// Its name.
    pub name: String,
    /// When it falls.
    pub when: String,
    /// Where it comes from.
    pub source: SourceRef,
}

/// A phase of the ISAP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
}

/// The ISAP as encoded.
#[derive(Debug, Clone, Deserialize)]
pub struct Isap {
    /// When it was introduced.
    pub introduced: NaiveDate,
    /// Source of the introduction date.
    pub introduced_source: SourceRef,
    /// Source of the scope.
    pub scope_source: SourceRef,
    /// Phases in order.
    pub phase: Vec<Phase>,
    /// Checkpoints in order.
    pub checkpoint: Vec<CheckpointRule>,
}

static ISAP: OnceLock<std::result::Result<Isap, String>> = OnceLock::new();

/// The embedded ISAP.
///
/// # Errors
///
/// [`crate::Error::EmbeddedData`] if the embedded data is defective.
pub fn isap() -> Result<&'static Isap> {
    load(&ISAP, "isap.toml", ISAP_TOML)
}

/// Whether the ISAP applies and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IsapApplicability {
    /// True when the contract is novel and complex and the process existed on the date.
    pub applies: bool,
    /// Why.
    pub reasons: Vec<String>,
    /// Sources.
    pub sources: Vec<SourceRef>,
}

/// Whether the ISAP applies to a contract with `novelty` whose procurement commences on `date`.
///
/// # Errors
///
/// [`crate::Error::EmbeddedData`] if the embedded data is defective.
///
/// ```
/// use procurement_rules::isap::{isap_applies, Novelty};
/// use chrono::NaiveDate;
/// let n = Novelty { new_care_model: true, novel_contract_value: true, ..Novelty::default() };
/// assert!(isap_applies(&n, NaiveDate::from_ymd_opt(2017, 7, 19).unwrap())?.applies);
/// assert!(!isap_applies(&n, NaiveDate::from_ymd_opt(2016, 6, 1).unwrap())?.applies);
/// # Ok::<(), procurement_rules::Error>(())
/// ```
pub fn isap_applies(novelty: &Novelty, date: NaiveDate) -> Result<IsapApplicability> {
    let i = isap()?;
    let mut reasons = Vec::new();
    let features = [
        (novelty.new_care_model, "a new care model"),
        (novelty.new_legal_entity, "a new legal entity"),
        (novelty.risk_sharing, "risk-sharing arrangements"),
        (
            novelty.novel_contract_value,
            "a novel method of calculating the contract value",
        ),
        (
            novelty.reprocurement_of_complex_contract,
            "re-procurement of a complex contract",
        ),
    ];
    for (on, text) in features {
        if on {
            reasons.push(format!("novel and complex: {text}"));
        }
    }
    let novel = !reasons.is_empty();
    if !novel {
        reasons.push("no novel or complex feature: ISAP does not apply".into());
    }
    let in_time = date >= i.introduced;
    if novel && !in_time {
        reasons.push(format!(
            "ISAP was introduced on {}, after {date}",
            i.introduced
        ));
    }
    Ok(IsapApplicability {
        applies: novel && in_time,
        reasons,
        sources: vec![i.scope_source.clone(), i.introduced_source.clone()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_four_checkpoints_in_order() {
        let i = isap().unwrap();
        let ids: Vec<_> = i.checkpoint.iter().map(|c| c.id).collect();
        assert_eq!(
            ids,
            vec![
                Checkpoint::EarlyEngagement,
                Checkpoint::Checkpoint1,
                Checkpoint::Checkpoint2,
                Checkpoint::Checkpoint3
            ]
        );
        assert_eq!(i.phase.len(), 4);
    }

    #[test]
    fn ordinary_contracts_are_not_assured() {
        let r = isap_applies(
            &Novelty::default(),
            NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        )
        .unwrap();
        assert!(!r.applies);
    }
}
