//! Award routes, notices and duties per regime, the PSR process decision (reg. 6) and the
//! considerable change test.

use std::sync::OnceLock;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use route_map_core::{Money, SourceRef};

use crate::data::load;
use crate::error::{Error, Result};
use crate::law::parameter;
use crate::regime::Regime;

const DUTIES_TOML: &str = include_str!("../data/duties.toml");

/// An award route.
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
pub enum Route {
    /// Light touch: call for competition, then a procedure the authority designs.
    LtrCallForCompetition,
    /// Light touch: no call for competition where reg. 32 grounds could have been used.
    LtrWithoutCallForCompetition,
    /// PCR open procedure.
    PcrOpen,
    /// PCR restricted procedure.
    PcrRestricted,
    /// PCR competitive procedure with negotiation.
    PcrCompetitiveWithNegotiation,
    /// PCR competitive dialogue.
    PcrCompetitiveDialogue,
    /// PCR negotiated procedure without prior publication.
    PcrNegotiatedWithoutPublication,
    /// PCR Part 4 below-threshold award.
    BelowThresholdAward,
    /// PCR 2006 Part B award.
    PartBAward,
    /// 2013 Regulations: advertised award.
    Nhs2013Advertised,
    /// 2013 Regulations reg. 5: award without advertising to the only capable provider.
    Nhs2013SingleCapableProvider,
    /// PSR Direct Award Process A.
    PsrDirectAwardA,
    /// PSR Direct Award Process B.
    PsrDirectAwardB,
    /// PSR Direct Award Process C.
    PsrDirectAwardC,
    /// PSR Most Suitable Provider Process.
    PsrMostSuitableProvider,
    /// PSR Competitive Process.
    PsrCompetitive,
    /// PSR urgent award (reg. 14), which overrides the other processes.
    PsrUrgentAward,
    /// Procurement Act open procedure.
    PaOpen,
    /// Procurement Act competitive flexible procedure.
    PaCompetitiveFlexible,
    /// Procurement Act direct award (Schedule 5).
    PaDirectAward,
    /// Procurement Act direct award of a user choice contract.
    PaUserChoiceDirectAward,
    /// Procurement Act regulated below-threshold award.
    PaBelowThresholdAward,
}

/// Whether a notice must be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Obligation {
    /// Always.
    Mandatory,
    /// One of a group of alternatives (e.g. contract notice or PIN).
    Alternative,
    /// When its trigger holds.
    Conditional,
    /// At the authority's choice.
    Optional,
}

/// When a notice falls relative to the procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    /// Before the procedure starts (advertisement, transparency).
    BeforeProcedure,
    /// Before the award; starts the standstill where one applies.
    BeforeAward,
    /// After the award decision or contract.
    AfterAward,
    /// After entering into the contract.
    AfterContract,
}

/// The notices the crate knows.
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
pub enum NoticeKind {
    /// PCR contract notice.
    PcrContractNotice,
    /// PCR prior information notice as a call for competition.
    PcrPriorInformationNotice,
    /// PCR award decision notice (standstill letter).
    PcrAwardDecisionNotice,
    /// PCR contract award notice.
    PcrContractAwardNotice,
    /// Contracts Finder opportunity (PCR Part 4).
    ContractsFinderOpportunity,
    /// Contracts Finder award (PCR Part 4).
    ContractsFinderAward,
    /// PCR 2006 Part B award notice.
    PartBAwardNotice,
    /// 2013 Regulations contract notice.
    Nhs2013ContractNotice,
    /// 2013 Regulations published record of award.
    Nhs2013AwardRecord,
    /// PSR contract notice (competitive process).
    PsrContractNotice,
    /// PSR notice of intention to follow the MSP process.
    PsrMspIntentionToFollow,
    /// PSR notice of intention to award.
    PsrIntentionToAward,
    /// PSR award notice (DAA, DAB).
    PsrAwardNotice,
    /// PSR confirmation of award (DAC, MSP, competitive).
    PsrConfirmationNotice,
    /// PSR notice of urgent award (reg. 14).
    PsrUrgentAwardNotice,
    /// UK1 pipeline notice.
    #[serde(rename = "uk1_pipeline")]
    Uk1Pipeline,
    /// UK2 preliminary market engagement notice.
    #[serde(rename = "uk2_preliminary_market_engagement")]
    Uk2PreliminaryMarketEngagement,
    /// UK3 planned procurement notice.
    #[serde(rename = "uk3_planned_procurement")]
    Uk3PlannedProcurement,
    /// UK4 tender notice.
    #[serde(rename = "uk4_tender")]
    Uk4Tender,
    /// UK5 transparency notice.
    #[serde(rename = "uk5_transparency")]
    Uk5Transparency,
    /// UK6 contract award notice.
    #[serde(rename = "uk6_contract_award")]
    Uk6ContractAward,
    /// UK7 contract details notice.
    #[serde(rename = "uk7_contract_details")]
    Uk7ContractDetails,
    /// UK10 contract change notice (s.75).
    #[serde(rename = "uk10_contract_change")]
    Uk10ContractChange,
    /// UK11 contract termination notice (s.80).
    #[serde(rename = "uk11_contract_termination")]
    Uk11ContractTermination,
    /// UK12 procurement termination notice (s.55).
    #[serde(rename = "uk12_procurement_termination")]
    Uk12ProcurementTermination,
    /// UK17 payments compliance notice (s.69).
    #[serde(rename = "uk17_payments_compliance")]
    Uk17PaymentsCompliance,
    /// Procurement Act below-threshold tender notice.
    PaBelowThresholdTender,
    /// Procurement Act below-threshold contract details notice.
    PaBelowThresholdContractDetails,
}

/// A route as encoded, with its conditions and source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteRule {
    /// The route.
    pub id: Route,
    /// The regime it belongs to.
    pub regime: Regime,
    /// Its name.
    pub name: String,
    /// Its conditions.
    pub conditions: Vec<String>,
    /// Where it comes from.
    pub source: SourceRef,
}

/// A notice duty as encoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeRule {
    /// The notice.
    pub id: NoticeKind,
    /// The regime.
    pub regime: Regime,
    /// Routes it applies to (empty: every route of the regime).
    pub routes: Vec<Route>,
    /// Mandatory, alternative, conditional or optional.
    pub obligation: Obligation,
    /// Group of alternatives.
    #[serde(default)]
    pub group: Option<String>,
    /// Trigger of a conditional notice.
    #[serde(default)]
    pub trigger: Option<String>,
    /// When it falls.
    pub timing: Timing,
    /// The parameter naming its deadline in days.
    #[serde(default)]
    pub deadline: Option<String>,
    /// The parameter naming the quarterly-grouping deadline, where allowed.
    #[serde(default)]
    pub quarterly_deadline: Option<String>,
    /// Find a Tender code (UK1 to UK7).
    #[serde(default)]
    pub code: Option<String>,
    /// Its name.
    pub name: String,
    /// Where it comes from.
    pub source: SourceRef,
}

/// What kind of duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DutyKind {
    /// A principle to act by.
    Principle,
    /// A criterion to decide by.
    KeyCriterion,
    /// A consideration the authority may take into account.
    RelevantConsideration,
    /// A record to keep or publish.
    Record,
}

/// Any other duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duty {
    /// The regime.
    pub regime: Regime,
    /// Its kind.
    pub kind: DutyKind,
    /// What it requires.
    pub text: String,
    /// Where it comes from.
    pub source: SourceRef,
}

#[derive(Debug, Deserialize)]
struct DutiesFile {
    route: Vec<RouteRule>,
    notice: Vec<NoticeRule>,
    duty: Vec<Duty>,
}

static DUTIES: OnceLock<std::result::Result<DutiesFile, String>> = OnceLock::new();

fn duties_file() -> Result<&'static DutiesFile> {
    load(&DUTIES, "duties.toml", DUTIES_TOML)
}

/// The routes of `regime`.
///
/// # Errors
///
/// [`Error::EmbeddedData`] if the embedded data is defective.
pub fn routes(regime: Regime) -> Result<Vec<&'static RouteRule>> {
    Ok(duties_file()?
        .route
        .iter()
        .filter(|r| r.regime == regime)
        .collect())
}

/// The rule for `route` under `regime`.
///
/// # Errors
///
/// [`Error::RouteNotAvailable`] when the regime has no such route.
pub fn route_rule(regime: Regime, route: Route) -> Result<&'static RouteRule> {
    routes(regime)?
        .into_iter()
        .find(|r| r.id == route)
        .ok_or_else(|| Error::RouteNotAvailable {
            route: format!("{route:?}"),
            regime: regime.to_string(),
            reason: "the regime has no such route".into(),
        })
}

/// The notices of `route` under `regime`, in the order they fall.
///
/// # Errors
///
/// [`Error::EmbeddedData`] if the embedded data is defective.
pub fn notices(regime: Regime, route: Route) -> Result<Vec<&'static NoticeRule>> {
    let mut v: Vec<_> = duties_file()?
        .notice
        .iter()
        .filter(|n| n.regime == regime && (n.routes.is_empty() || n.routes.contains(&route)))
        .filter(|n| {
            !(route == Route::PaUserChoiceDirectAward && n.id == NoticeKind::Uk5Transparency)
        })
        .collect();
    v.sort_by_key(|n| n.timing as u8);
    Ok(v)
}

/// The principles, criteria, considerations and records of `regime`.
///
/// # Errors
///
/// [`Error::EmbeddedData`] if the embedded data is defective.
pub fn duties(regime: Regime) -> Result<Vec<&'static Duty>> {
    Ok(duties_file()?
        .duty
        .iter()
        .filter(|d| d.regime == regime)
        .collect())
}

/// Whether a UK1 pipeline notice is required: the authority expects to spend more than
/// £100m on public contracts in the financial year starting on `year_start` (1 April). Returns
/// the answer, the last day to publish it (56 days into the year) and the source.
///
/// # Errors
///
/// [`Error::NegativeValue`] for negative spend; [`Error::EmbeddedData`] for defective data.
///
/// ```
/// use procurement_rules::routes::pipeline_notice;
/// use chrono::NaiveDate;
/// let (required, by, _) = pipeline_notice("150000000".parse()?, NaiveDate::from_ymd_opt(2026, 4, 1).unwrap())?;
/// assert!(required);
/// assert_eq!(by, NaiveDate::from_ymd_opt(2026, 5, 26).unwrap());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn pipeline_notice(
    expected_spend: Money,
    year_start: chrono::NaiveDate,
) -> Result<(bool, chrono::NaiveDate, SourceRef)> {
    if expected_spend.is_negative() {
        return Err(Error::NegativeValue {
            field: "expected spend",
            value: expected_spend,
        });
    }
    let spend = parameter("pa_pipeline_spend")?;
    let days = parameter("pa_pipeline_days")?;
    let n = rust_decimal::prelude::ToPrimitive::to_u64(&days.value).unwrap_or(0);
    // Day 1 is 1 April: the 56th day is 55 days later (26 May).
    let by = year_start
        .checked_add_days(chrono::Days::new(n.saturating_sub(1)))
        .ok_or(Error::Core(route_map_core::Error::Overflow {
            operation: "date arithmetic",
        }))?;
    Ok((
        expected_spend.as_decimal() > spend.value,
        by,
        spend.source.clone(),
    ))
}

/// Inputs to the considerable change test (PSR reg. 6) and modification limbs (reg. 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ValueChange {
    /// The proposed arrangements (or modified contract) are materially different in character.
    pub materially_different: bool,
    /// The change is attributable to a decision of the authority.
    pub authority_decision: bool,
    /// Lifetime value of the existing contract when entered into.
    pub original_lifetime_value: Money,
    /// Lifetime value proposed (new contract, or contract after all modifications).
    pub proposed_lifetime_value: Money,
}

/// The result of a value-change test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueChangeResult {
    /// True when the considerable change threshold is met (DAC unavailable) or the
    /// modification needs a new process.
    pub met: bool,
    /// Increase in lifetime value (negative for a decrease).
    pub increase: Money,
    /// The increase as a percentage of the original value (4 decimal places), if the original
    /// is not zero.
    pub percent: Option<Decimal>,
    /// Which limb decided.
    pub explanation: String,
    /// The sources of the limbs.
    pub sources: Vec<SourceRef>,
}

fn value_limbs(change: &ValueChange) -> Result<(bool, Money, Option<Decimal>, Vec<SourceRef>)> {
    if change.original_lifetime_value.is_negative() {
        return Err(Error::NegativeValue {
            field: "original lifetime value",
            value: change.original_lifetime_value,
        });
    }
    if change.proposed_lifetime_value.is_negative() {
        return Err(Error::NegativeValue {
            field: "proposed lifetime value",
            value: change.proposed_lifetime_value,
        });
    }
    let amount = parameter("psr_change_amount")?;
    let pct = parameter("psr_change_percent")?;
    let increase = change
        .proposed_lifetime_value
        .checked_sub(change.original_lifetime_value)?;
    let inc = increase.as_decimal();
    let orig = change.original_lifetime_value.as_decimal();
    let percent = if orig.is_zero() {
        None
    } else {
        inc.checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|x| x.checked_div(orig))
            .map(|x| x.round_dp(4))
    };
    // Exact comparison: increase * 100 >= original * pct.
    let pct_met = match (
        inc.checked_mul(Decimal::ONE_HUNDRED),
        orig.checked_mul(pct.value),
    ) {
        (Some(a), Some(b)) => a >= b,
        _ => {
            return Err(Error::Core(route_map_core::Error::Overflow {
                operation: "percentage change",
            }));
        }
    };
    let both = inc >= amount.value && pct_met;
    Ok((
        both,
        increase,
        percent,
        vec![amount.source.clone(), pct.source.clone()],
    ))
}

/// The considerable change threshold (PSR reg. 6): met when the arrangements are materially
/// different in character, or when the change is the authority's decision and the lifetime
/// value rises by at least £500,000 **and** at least 25 %.
///
/// # Errors
///
/// [`Error::NegativeValue`] for a negative value; [`Error::EmbeddedData`] for defective data.
///
/// ```
/// use procurement_rules::routes::{considerable_change, ValueChange};
/// let r = considerable_change(&ValueChange {
///     materially_different: false,
///     authority_decision: true,
///     original_lifetime_value: "2000000".parse()?,
///     proposed_lifetime_value: "2500000".parse()?,
/// })?;
/// assert!(r.met); // +£500,000 and +25 %
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn considerable_change(change: &ValueChange) -> Result<ValueChangeResult> {
    let (value_met, increase, percent, mut sources) = value_limbs(change)?;
    // Reg. 6 was read up to para. (5)(b); the definition of the threshold (the same
    // £500,000 and 25 % limbs as reg. 13(2)(b), per Burges Salmon) was not.
    let limb_source = SourceRef::new("Health Care Services (Provider Selection Regime) Regulations 2023")
        .with_clause("reg. 6 (considerable change threshold)")
        .with_url("https://blog.burges-salmon.com/post/102ixmk/nhs-provider-selection-regime-guidance-on-direct-award-c")
        .unverified(
            "reg. 6 read to para. (5)(b) only: the considerable change definition is taken from Burges Salmon; \
             its value limbs are the reg. 13(2)(b) figures read verbatim",
        );
    sources.insert(0, limb_source);
    let (met, explanation) = if change.materially_different {
        (
            true,
            "the proposed arrangements are materially different in character".to_owned(),
        )
    } else if !change.authority_decision {
        (
            false,
            "the change is not attributable to a decision of the authority".to_owned(),
        )
    } else if value_met {
        (
            true,
            format!(
                "authority decision and lifetime value up {increase} (at least £500,000 and at least 25 %)"
            ),
        )
    } else {
        (
            false,
            format!(
                "authority decision but lifetime value up only {increase} (below £500,000 or below 25 %)"
            ),
        )
    };
    Ok(ValueChangeResult {
        met,
        increase,
        percent,
        explanation,
        sources,
    })
}

/// A PSR contract modification's outcome (reg. 13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModificationResult {
    /// True when the modification is permitted without a new process.
    pub permitted: bool,
    /// True when a notice of the modification must be published (permitted and change of
    /// at least £500,000).
    pub notice_required: bool,
    /// The limb applied.
    pub explanation: String,
    /// Sources.
    pub sources: Vec<SourceRef>,
}

/// Why a PSR contract is being modified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModificationGround {
    /// (a) clearly and unambiguously provided for in the contract.
    ProvidedForInContract,
    /// (b) change of provider identity by succession; the successor meets the basic selection criteria.
    ProviderSuccession,
    /// (c) response to external factors (patient volume, formula price changes).
    ExternalFactors,
    /// (d) attributable to a decision of the authority.
    AuthorityDecision,
    /// Reg. 14 urgent modification: the urgency conditions of the urgent award (urgent,
    /// unforeseeable, not attributable to the authority, risk to patient or public safety)
    /// are stated by the caller; it overrides reg. 13 and is published with the Sch. 14
    /// notice of urgent modification.
    Urgency,
}

/// Test a PSR modification under reg. 13. `awarded_by_direct_award_a_or_b` relaxes the test
/// to "not materially different in character".
///
/// # Errors
///
/// [`Error::NegativeValue`] for a negative value; [`Error::EmbeddedData`] for defective data.
pub fn psr_modification(
    ground: ModificationGround,
    change: &ValueChange,
    awarded_by_direct_award_a_or_b: bool,
) -> Result<ModificationResult> {
    let (value_met, increase, _, mut sources) = value_limbs(change)?;
    sources.insert(
        0,
        SourceRef::new("Health Care Services (Provider Selection Regime) Regulations 2023")
            .with_clause("reg. 13")
            .with_url("https://legislation.gov.uk/uksi/2023/1348/regulation/13/made"),
    );
    let amount = parameter("psr_change_amount")?.value;
    if ground == ModificationGround::Urgency {
        sources.push(
            SourceRef::new("Health Care Services (Provider Selection Regime) Regulations 2023")
                .with_clause("reg. 14 (urgent award or modification) and Sch. 14 (notice of urgent modification, reg. 14(5)(c))")
                .with_url("https://www.legislation.gov.uk/uksi/2023/1348/schedule/14/made/data.xht?view=snippet&wrap=true")
                .unverified(
                    "reg. 14 text not read (conditions from the Welsh mirror guidance); Sch. 14 read; \
                     whether the notice applies below £500,000 not read (Southwark's annual summary \
                     describes reg. 14 modifications 'of £500k or more')",
                ),
        );
        return Ok(ModificationResult {
            permitted: true,
            notice_required: true,
            explanation: format!(
                "urgent modification under reg. 14 (change {increase}): permitted without a new process, notice of urgent modification (Sch. 14) required"
            ),
            sources,
        });
    }
    let (permitted, explanation) = if awarded_by_direct_award_a_or_b {
        (!change.materially_different, "contract awarded by Direct Award Process A or B: permitted unless materially different in character".to_owned())
    } else {
        match ground {
// Urgency has returned above; it is listed here only to keep the match total.
            ModificationGround::ProvidedForInContract | ModificationGround::Urgency => (true, "clearly and unambiguously provided for in the contract".to_owned()),
            ModificationGround::ProviderSuccession => (true, "change of provider by succession (successor must meet the basic selection criteria)".to_owned()),
            ModificationGround::ExternalFactors => (!change.materially_different, "response to external factors, permitted unless materially different in character".to_owned()),
            ModificationGround::AuthorityDecision => {
                if change.materially_different {
                    (false, "materially different in character: a new process is needed".to_owned())
                } else if value_met {
                    (false, format!("cumulative change {increase} is at least £500,000 and at least 25 %: a new process is needed"))
                } else {
                    (true, format!("cumulative change {increase} is below £500,000 or below 25 %"))
                }
            }
        }
    };
    let notice_required = permitted && increase.abs().as_decimal() >= amount;
    if notice_required {
        sources.push(parameter("psr_modification_notice_days")?.source.clone());
    }
    Ok(ModificationResult {
        permitted,
        notice_required,
        explanation,
        sources,
    })
}

/// Facts that decide the PSR process (reg. 6) and the availability of direct routes under
/// the other regimes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct AwardFacts {
    /// There is an existing provider of the services.
    #[serde(default)]
    pub existing_provider: bool,
    /// The services can only be provided by the existing provider due to their nature (DAA).
    #[serde(default)]
    pub only_existing_provider_can_provide: bool,
    /// Patients choose among all providers meeting the requirements, numbers unrestricted (DAB).
    #[serde(default)]
    pub patient_choice_any_qualified_provider: bool,
    /// A framework agreement is being concluded.
    #[serde(default)]
    pub framework: bool,
    /// An existing contract is due to expire and is to be replaced with the existing provider.
    #[serde(default)]
    pub replacing_expiring_contract: bool,
    /// The considerable change test inputs, when replacing a contract.
    #[serde(default)]
    pub change: Option<ValueChange>,
    /// The existing provider satisfies the contract and is likely to satisfy the new one.
    #[serde(default)]
    pub existing_provider_satisfactory: bool,
    /// The authority can identify the most suitable provider without competition.
    #[serde(default)]
    pub can_identify_most_suitable_provider: bool,
    /// Only one provider is capable (technical reasons, exclusive rights): PCR reg. 32,
    /// 2013 Regulations reg. 5, Procurement Act Sch. 5.
    #[serde(default)]
    pub only_one_capable_provider: bool,
    /// Extreme urgency not foreseeable by or attributable to the authority; under the PSR,
    /// delay would also be likely to put patient or public safety at risk (reg. 14).
    #[serde(default)]
    pub extreme_urgency: bool,
    /// Light touch services where user choice of supplier must be respected.
    #[serde(default)]
    pub user_choice: bool,
}

/// Whether a route may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// The route must be used.
    Mandatory,
    /// The route may be used.
    Permitted,
    /// The route may not be used.
    NotAvailable,
}

/// A route with its availability on the facts and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteOption {
    /// The route.
    pub route: Route,
    /// Its regime.
    pub regime: Regime,
    /// Mandatory, permitted or not available.
    pub availability: Availability,
    /// Why.
    pub reason: String,
    /// The rule.
    pub source: SourceRef,
}

/// The routes of `regime` with their availability on `facts`.
///
/// Under the PSR, reg. 6 fixes the order: DAA or DAB when their conditions hold (mandatory),
/// otherwise DAC when its conditions hold (permitted), MSP when the authority can identify the
/// most suitable provider (permitted), and the competitive process (always permitted; mandatory
/// when nothing else is, and for frameworks).
///
/// # Errors
///
/// [`Error::NegativeValue`] from the considerable change test; [`Error::EmbeddedData`].
pub fn route_options(regime: Regime, facts: &AwardFacts) -> Result<Vec<RouteOption>> {
    let mut out = Vec::new();
    let psr_mandatory = if regime == Regime::Psr && !facts.framework {
        if facts.existing_provider && facts.only_existing_provider_can_provide {
            Some(Route::PsrDirectAwardA)
        } else if facts.patient_choice_any_qualified_provider {
            Some(Route::PsrDirectAwardB)
        } else {
            None
        }
    } else {
        None
    };
    let cc = facts.change.as_ref().map(considerable_change).transpose()?;
    for rule in routes(regime)? {
        let (availability, reason) = match rule.id {
            Route::PsrDirectAwardA | Route::PsrDirectAwardB => {
                if psr_mandatory == Some(rule.id) {
                    (
                        Availability::Mandatory,
                        "its conditions hold, so it must be used".to_owned(),
                    )
                } else {
                    (
                        Availability::NotAvailable,
                        "its conditions do not hold".to_owned(),
                    )
                }
            }
            Route::PsrDirectAwardC => {
                if psr_mandatory.is_some() {
                    (
                        Availability::NotAvailable,
                        "Direct Award A or B is required".to_owned(),
                    )
                } else if facts.framework {
                    (
                        Availability::NotAvailable,
                        "a framework can only be concluded by the competitive process".to_owned(),
                    )
                } else if !(facts.existing_provider && facts.replacing_expiring_contract) {
                    (
                        Availability::NotAvailable,
                        "no expiring contract to be replaced with the existing provider".to_owned(),
                    )
                } else if let Some(r) = cc.as_ref().filter(|r| r.met) {
                    (
                        Availability::NotAvailable,
                        format!("considerable change threshold met: {}", r.explanation),
                    )
                } else if cc.is_none() {
                    (Availability::NotAvailable, "the considerable change test needs the existing and proposed lifetime values".to_owned())
                } else if !facts.existing_provider_satisfactory {
                    (
                        Availability::NotAvailable,
                        "the existing provider is not satisfying the contract".to_owned(),
                    )
                } else {
                    (Availability::Permitted, "expiring contract, considerable change threshold not met, provider satisfactory".to_owned())
                }
            }
            Route::PsrMostSuitableProvider => {
                if psr_mandatory.is_some() {
                    (
                        Availability::NotAvailable,
                        "Direct Award A or B is required".to_owned(),
                    )
                } else if facts.framework {
                    (
                        Availability::NotAvailable,
                        "a framework can only be concluded by the competitive process".to_owned(),
                    )
                } else if facts.can_identify_most_suitable_provider {
                    (
                        Availability::Permitted,
                        "the authority can identify the most suitable provider".to_owned(),
                    )
                } else {
                    (Availability::NotAvailable, "the authority cannot identify the most suitable provider without competition".to_owned())
                }
            }
            Route::PsrUrgentAward => {
                if facts.extreme_urgency {
                    (
                        Availability::Permitted,
                        "urgent, unforeseeable and not attributable to the authority, with a risk to patient or public safety: overrides the other processes".to_owned(),
                    )
                } else {
                    (Availability::NotAvailable, "no urgency stated".to_owned())
                }
            }
            Route::PsrCompetitive => {
                if psr_mandatory.is_some() {
                    (
                        Availability::NotAvailable,
                        "Direct Award A or B is required".to_owned(),
                    )
                } else {
                    (Availability::Permitted, "always available when A and B are not required; the only route to a framework".to_owned())
                }
            }
            Route::LtrWithoutCallForCompetition | Route::PcrNegotiatedWithoutPublication => {
                if facts.only_one_capable_provider || facts.extreme_urgency {
                    (
                        Availability::Permitted,
                        "reg. 32 grounds stated (single capable provider or extreme urgency)"
                            .to_owned(),
                    )
                } else {
                    (
                        Availability::NotAvailable,
                        "no reg. 32 grounds stated".to_owned(),
                    )
                }
            }
            Route::Nhs2013SingleCapableProvider => {
                if facts.only_one_capable_provider {
                    (
                        Availability::Permitted,
                        "the services can be provided only by that provider".to_owned(),
                    )
                } else {
                    (
                        Availability::NotAvailable,
                        "more than one capable provider: advertise".to_owned(),
                    )
                }
            }
            Route::PaDirectAward => {
                if facts.only_one_capable_provider || facts.extreme_urgency {
                    (
                        Availability::Permitted,
                        "a Schedule 5 justification is stated".to_owned(),
                    )
                } else {
                    (
                        Availability::NotAvailable,
                        "no Schedule 5 justification stated".to_owned(),
                    )
                }
            }
            Route::PaUserChoiceDirectAward => {
                if facts.user_choice {
                    (Availability::Permitted, "user choice contract".to_owned())
                } else {
                    (
                        Availability::NotAvailable,
                        "not a user choice contract".to_owned(),
                    )
                }
            }
            _ => (Availability::Permitted, "open to the authority".to_owned()),
        };
        out.push(RouteOption {
            route: rule.id,
            regime,
            availability,
            reason,
            source: rule.source.clone(),
        });
    }
    // Under the PSR the competitive process is mandatory when nothing else is available.
    if regime == Regime::Psr {
        let others = out.iter().any(|o| {
            !matches!(o.route, Route::PsrCompetitive | Route::PsrUrgentAward)
                && o.availability != Availability::NotAvailable
        });
        if !others {
            for o in out.iter_mut().filter(|o| o.route == Route::PsrCompetitive) {
                o.availability = Availability::Mandatory;
                o.reason = "no other process applies (or a framework is concluded): the competitive process is required".into();
            }
        }
    }
    Ok(out)
}

/// Check that `route` may be used under `regime` on `facts`.
///
/// # Errors
///
/// [`Error::RouteNotAvailable`] when the regime has no such route, the route's conditions do
/// not hold, or another route is mandatory.
pub fn check_route(regime: Regime, route: Route, facts: &AwardFacts) -> Result<RouteOption> {
    let options = route_options(regime, facts)?;
    let mandatory = options
        .iter()
        .find(|o| o.availability == Availability::Mandatory);
    let chosen =
        options
            .iter()
            .find(|o| o.route == route)
            .ok_or_else(|| Error::RouteNotAvailable {
                route: format!("{route:?}"),
                regime: regime.to_string(),
                reason: "the regime has no such route".into(),
            })?;
    let overrides = route == Route::PsrUrgentAward;
    if let Some(m) = mandatory.filter(|m| m.route != route && !overrides) {
        return Err(Error::RouteNotAvailable {
            route: format!("{route:?}"),
            regime: regime.to_string(),
            reason: format!("{:?} is mandatory: {}", m.route, m.reason),
        });
    }
    if chosen.availability == Availability::NotAvailable {
        return Err(Error::RouteNotAvailable {
            route: format!("{route:?}"),
            regime: regime.to_string(),
            reason: chosen.reason.clone(),
        });
    }
    Ok(chosen.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: i64) -> Money {
        Money::from_pounds(p)
    }

    #[test]
    fn every_regime_has_routes_and_notices() {
        for r in Regime::ALL {
            let rs = routes(r).unwrap();
            assert!(!rs.is_empty(), "{r:?}");
            for rule in rs {
                let _ = notices(r, rule.id).unwrap();
            }
        }
        assert!(
            !notices(Regime::Psr, Route::PsrDirectAwardC)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn considerable_change_needs_both_value_limbs() {
        let ch = |orig, new| ValueChange {
            materially_different: false,
            authority_decision: true,
            original_lifetime_value: m(orig),
            proposed_lifetime_value: m(new),
        };
        assert!(considerable_change(&ch(2_000_000, 2_500_000)).unwrap().met);
        assert!(!considerable_change(&ch(2_000_000, 2_499_999)).unwrap().met);
        // +£600,000 on £10m is only 6 %.
        assert!(
            !considerable_change(&ch(10_000_000, 10_600_000))
                .unwrap()
                .met
        );
        // +50 % but only £100,000.
        assert!(!considerable_change(&ch(200_000, 300_000)).unwrap().met);
        let mut c = ch(1, 1);
        c.materially_different = true;
        assert!(considerable_change(&c).unwrap().met);
        assert!(matches!(
            considerable_change(&ch(-1, 1)),
            Err(Error::NegativeValue { .. })
        ));
    }

    #[test]
    fn psr_modification_limbs() {
        let ch = |orig, new| ValueChange {
            materially_different: false,
            authority_decision: true,
            original_lifetime_value: m(orig),
            proposed_lifetime_value: m(new),
        };
        let r = psr_modification(
            ModificationGround::AuthorityDecision,
            &ch(1_000_000, 1_400_000),
            false,
        )
        .unwrap();
        assert!(r.permitted && !r.notice_required);
        let r = psr_modification(
            ModificationGround::AuthorityDecision,
            &ch(2_000_000, 2_600_000),
            false,
        )
        .unwrap();
        assert!(!r.permitted);
        let r = psr_modification(
            ModificationGround::AuthorityDecision,
            &ch(10_000_000, 10_600_000),
            false,
        )
        .unwrap();
        assert!(r.permitted && r.notice_required);
        let r = psr_modification(
            ModificationGround::AuthorityDecision,
            &ch(2_000_000, 2_600_000),
            true,
        )
        .unwrap();
        assert!(r.permitted);
    }

    #[test]
    fn pipeline_notice_threshold_is_strictly_more_than_100m() {
        let d = chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
        assert!(!pipeline_notice(m(100_000_000), d).unwrap().0);
        assert!(pipeline_notice(m(100_000_001), d).unwrap().0);
        assert!(pipeline_notice(m(-1), d).is_err());
    }

    #[test]
    fn psr_process_order() {
        let daa = AwardFacts {
            existing_provider: true,
            only_existing_provider_can_provide: true,
            ..AwardFacts::default()
        };
        assert!(check_route(Regime::Psr, Route::PsrDirectAwardA, &daa).is_ok());
        assert!(matches!(
            check_route(Regime::Psr, Route::PsrCompetitive, &daa),
            Err(Error::RouteNotAvailable { .. })
        ));
        let none = AwardFacts::default();
        let opts = route_options(Regime::Psr, &none).unwrap();
        assert!(
            opts.iter()
                .any(|o| o.route == Route::PsrCompetitive
                    && o.availability == Availability::Mandatory)
        );
        assert!(check_route(Regime::Pa2023Public, Route::PsrDirectAwardA, &none).is_err());
        // Urgency overrides even a mandatory Direct Award A.
        let urgent = AwardFacts {
            extreme_urgency: true,
            ..daa
        };
        assert!(check_route(Regime::Psr, Route::PsrUrgentAward, &urgent).is_ok());
        assert!(check_route(Regime::Psr, Route::PsrUrgentAward, &daa).is_err());
    }
}
