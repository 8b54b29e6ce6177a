//! Governance of integrated commissioning: how far commissioners integrate, who decides and
//! who stays accountable, which committee vehicles are lawful for which bodies on a date,
//! section 75 pooled budgets and their risk shares to the penny, co-commissioners' decision
//! rules, CCG merger tests, provision vehicles and the lead-provider rules, and the split of
//! strategic from tactical commissioning.
//!
//! ```
//! use governance::pooled::*;
//! use governance::{Body, BodyKind};
//! use route_map_core::Money;
//!
//! let contribution = |partner: &str, pounds| Contribution {
//!     partner: partner.into(),
//!     service_line: "community".into(),
//!     amount: Money::from_pounds(pounds),
//! };
//! let budget = PooledBudget::new(RawPooledBudget {
//!     name: "Integrated fund".into(),
//!     year: "2017/18".parse()?,
//!     host: "PCC".into(),
//!     partners: vec![
//!         Body::new("PCC", "Plymouth City Council", BodyKind::LocalAuthority)?,
//!         Body::new("99P", "NEW Devon CCG", BodyKind::Ccg)?,
//!     ],
//!     service_lines: vec![ServiceLine {
//!         id: "community".into(),
//!         name: "Community services".into(),
//!         share_kind: ShareKind::Variable,
//!     }],
//!     pooled: Fund {
//!         total: Money::from_pounds(3_000),
//!         contributions: vec![contribution("PCC", 1_000), contribution("99P", 2_000)],
//!     },
//!     aligned: None,
//!     risk_pool: vec![],
//! })?;
//! let outturn = Outturn {
//!     spend: vec![LineSpend {
//!         fund: FundKind::Pooled,
//!         service_line: "community".into(),
//!         amount: Money::from_pounds(3_100),
//!     }],
//! };
//! let rule = RiskShare {
//!     overspend: OverspendRule::ProRata { basis: ShareBasis::Contributions, cap: CapRule::MaxContribution },
//!     underspend: UnderspendRule::RetainInPool,
//! };
//! let statement = share_risk(&budget, &outturn, &rule)?;
//! assert_eq!(statement.partner_pays(FundKind::Pooled, "PCC")?, "33.33".parse()?);
//! assert_eq!(statement.partner_pays(FundKind::Pooled, "99P")?, "66.67".parse()?);
//! assert_eq!(statement.allocated(FundKind::Pooled)?, Money::from_pounds(100));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - [`ipc`]: the IPC matrix (seven areas by four levels) as an assessment with gaps and what
//!   closing each requires; a path that skips a level is [`Error::IpcLevelSkipped`].
//! - [`devolution`]: NHS England's devolution spectrum and an accountability map.
//! - [`vehicles`]: committee vehicles, their lawfulness for given bodies on a date, and a
//!   recommendation from circumstances.
//! - [`pooled`]: section 75 pooled and aligned funds and six risk-share patterns, producing a
//!   statement whose parts sum exactly to the variance.
//! - [`decisions`]: decision rules (unanimity, majority, supermajority, weighted by
//!   contribution, quorum, reserved matters) applied to recorded votes.
//! - [`principles`]: design principles (the Devon set) as a checklist.
//! - [`mergers`]: CCG merger tests (five statutory, six further).
//! - [`provision`]: provision vehicles and lead-provider subcontracting rules.
//! - [`activities`]: strategic and tactical commissioning activities and their assignment.
//! - [`law`]: the dated statutory facts the crate applies, with sources.
//! - [`body`]: the crate's own small model of bodies ([`Body`], [`BodyKind`]).
//!
//! # Legal basis
//!
//! NHS Act 2006 s.75 and the NHS Bodies and Local Authorities Partnership Arrangements
//! Regulations 2000; NHS Act 2006 ss.14Z3(2A) and 14Z9 (CCG joint committees from 1 October
//! 2014, Legislative Reform (Clinical Commissioning Groups) Order 2014); the Health and Care
//! Act 2022 (ICBs from 1 July 2022, CCGs abolished) and NHS Act 2006 ss.65Z5–65Z6 with
//! SI 2022/642 (joint working and joint committees including foundation trusts from 1 July
//! 2022). Facts not verified against the primary source carry a `to_verify` note in their
//! [`route_map_core::SourceRef`]: the IPC matrix itself and NHS England's merger procedures
//! are known here only through seed 001.
//!
//! # Rounding policy
//!
//! Every split of money uses [`route_map_core::Money::allocate`] (largest remainder), so
//! the parts of a risk-share statement sum exactly to the over- or underspend.

pub mod activities;
pub mod body;
mod data;
pub mod decisions;
pub mod devolution;
pub mod error;
pub mod ipc;
pub mod law;
pub mod mergers;
pub mod pooled;
pub mod principles;
pub mod provision;
pub mod vehicles;

pub use body::{Body, BodyKind};
pub use error::{Error, Result};

/// The crate's input models by file stem, with their JSON Schemas.
#[must_use]
pub fn input_schemas() -> Vec<(&'static str, schemars::Schema)> {
    vec![
        ("body", schemars::schema_for!(Body)),
        ("ipc_assessment", schemars::schema_for!(ipc::IpcAssessment)),
        (
            "devolution_arrangement",
            schemars::schema_for!(devolution::Arrangement),
        ),
        (
            "vehicle_circumstances",
            schemars::schema_for!(vehicles::Circumstances),
        ),
        ("pooled_budget", schemars::schema_for!(pooled::PooledBudget)),
        ("outturn", schemars::schema_for!(pooled::Outturn)),
        ("risk_share", schemars::schema_for!(pooled::RiskShare)),
        (
            "decision_group",
            schemars::schema_for!(decisions::DecisionGroup),
        ),
        (
            "decision_rule",
            schemars::schema_for!(decisions::DecisionRule),
        ),
        ("motion", schemars::schema_for!(decisions::Motion)),
        ("vote", schemars::schema_for!(decisions::Vote)),
        (
            "principle_set",
            schemars::schema_for!(principles::PrincipleSet),
        ),
        ("proposal", schemars::schema_for!(principles::Proposal)),
        (
            "merger_application",
            schemars::schema_for!(mergers::MergerApplication),
        ),
        (
            "lead_provider_contract",
            schemars::schema_for!(provision::LeadProviderContract),
        ),
        (
            "change_request",
            schemars::schema_for!(provision::ChangeRequest),
        ),
        ("assignment", schemars::schema_for!(activities::Assignment)),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_schema_is_the_model_its_name_promises() {
        // Uniqueness and the generated files are checked by the root `tests/schemas.rs`; this
        // checks that each file stem is paired with the model it names.
        let expected = [
            ("body", "Body"),
            ("ipc_assessment", "IpcAssessment"),
            ("devolution_arrangement", "Arrangement"),
            ("vehicle_circumstances", "Circumstances"),
            ("pooled_budget", "PooledBudget"),
            ("outturn", "Outturn"),
            ("risk_share", "RiskShare"),
            ("decision_group", "DecisionGroup"),
            ("decision_rule", "DecisionRule"),
            ("motion", "Motion"),
            ("vote", "Vote"),
            ("principle_set", "PrincipleSet"),
            ("proposal", "Proposal"),
            ("merger_application", "MergerApplication"),
            ("lead_provider_contract", "LeadProviderContract"),
            ("change_request", "ChangeRequest"),
            ("assignment", "Assignment"),
        ];
        let schemas = super::input_schemas();
        assert_eq!(schemas.len(), expected.len());
        for ((name, schema), (want_name, want_title)) in schemas.iter().zip(expected) {
            assert_eq!(*name, want_name);
            let title = schema.get("title").and_then(serde_json::Value::as_str);
            assert_eq!(title, Some(want_title), "{name}");
        }
    }

    #[test]
    fn validated_models_publish_their_raw_input_schema() {
        let s = schemars::schema_for!(crate::pooled::PooledBudget);
        let text = serde_json::to_string(&s).unwrap();
        assert!(text.contains("risk_pool"));
        assert!(
            !text.contains("legal_basis"),
            "derived field leaked into the schema"
        );
    }
}
