//! Export of a checked plan's notices as Open Contracting Data Standard 1.1 releases, with the
//! UK extension fields Find a Tender uses (`noticeType`, `specialRegime`, `aboveThreshold`,
//! `standstillPeriod`).
//!
//! Mapping (a design choice, not a published standard): pipeline, market engagement and
//! planned procurement notices are `planning`; contract, tender and transparency notices are
//! `tender`; intention, award and confirmation notices are `award`; contract details notices
//! are `contract`. PSR direct awards map to method `direct`, the most suitable provider
//! process to `limited`, competitive routes to `open` or `selective`.

use serde::Serialize;

use route_map_core::Money;

use crate::error::{Error, Result};
use crate::plan::{PlanReport, ProcurementPlan, StepKind};
use crate::regime::Regime;
use crate::routes::{NoticeKind, Route};

/// OCDS release tags used.
pub const RELEASE_TAGS: [&str; 8] = [
    "planning",
    "tender",
    "tenderCancellation",
    "award",
    "contract",
    "contractAmendment",
    "contractTermination",
    "implementation",
];

/// OCDS procurement methods (method codelist).
pub const METHODS: [&str; 4] = ["open", "selective", "limited", "direct"];

/// Who publishes: the OCID prefix registered with the Open Contracting Partnership and the
/// buyer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, Serialize, schemars::JsonSchema)]
pub struct Publisher {
    /// The registered OCID prefix, e.g. `ocds-h6vhtk` (Find a Tender).
    pub ocid_prefix: String,
    /// The process identifier appended to the prefix.
    pub process_id: String,
    /// The buyer's identifier (e.g. `GB-NHS-05A`).
    pub buyer_id: String,
    /// The buyer's name.
    pub buyer_name: String,
    /// The supplier awarded, when known.
    #[serde(default)]
    pub supplier: Option<(String, String)>,
}

/// An OCDS value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Value {
    /// The amount (serialised as a JSON number by [`release_package_json`]).
    pub amount: Money,
    /// Always `GBP`.
    pub currency: &'static str,
}

/// An organisation reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationReference {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
}

/// An organisation identifier (org-id.guide scheme and the identifier within it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identifier {
    /// The scheme, e.g. `GB-PPON`, `GB-COH`, `GB-NHS`.
    pub scheme: String,
    /// The identifier within the scheme.
    pub id: String,
}

/// Schemes recognised at the start of a party id (`GB-PPON-PQVM-1383-ZBXP`).
pub const SCHEMES: [&str; 5] = ["GB-PPON", "GB-COH", "GB-NHS", "GB-CHC", "GB-GOR"];

fn identifier(id: &str) -> Option<Identifier> {
    SCHEMES.iter().find_map(|scheme| {
        id.strip_prefix(scheme)
            .and_then(|rest| rest.strip_prefix('-'))
            .filter(|rest| !rest.is_empty())
            .map(|rest| Identifier {
                scheme: (*scheme).to_owned(),
                id: rest.to_owned(),
            })
    })
}

/// A party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// The scheme and identifier, when the id starts with a known scheme.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Identifier>,
    /// Roles (`buyer`, `supplier`).
    pub roles: Vec<&'static str>,
}

/// A classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// `CPV`.
    pub scheme: &'static str,
    /// The code.
    pub id: String,
}

/// An item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Identifier.
    pub id: String,
    /// Its CPV classification.
    pub classification: Classification,
}

/// A notice document (UK extension `noticeType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    /// Identifier.
    pub id: String,
    /// OCDS document type.
    pub document_type: &'static str,
    /// Title.
    pub title: String,
    /// UK notice type (`UK4`, ...), when the notice has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice_type: Option<String>,
    /// Date published.
    pub date_published: String,
}

/// A period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    /// Start.
    pub start_date: String,
    /// End.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
}

/// Planning section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Planning {
    /// Why.
    pub rationale: String,
    /// Notices.
    pub documents: Vec<Document>,
}

/// Tender section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tender {
    /// Identifier.
    pub id: String,
    /// Title.
    pub title: String,
    /// Status.
    pub status: &'static str,
    /// Method codelist value.
    pub procurement_method: &'static str,
    /// The route in words.
    pub procurement_method_details: String,
    /// `services`.
    pub main_procurement_category: &'static str,
    /// Estimated value (net of VAT).
    pub value: Value,
    /// Items by CPV.
    pub items: Vec<Item>,
    /// UK extension: the regime (e.g. `lightTouch`, `providerSelectionRegime`).
    pub special_regime: Vec<&'static str>,
    /// UK extension: above the threshold of its regime.
    pub above_threshold: bool,
    /// Notices.
    pub documents: Vec<Document>,
}

/// Award section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Award {
    /// Identifier.
    pub id: String,
    /// Status.
    pub status: &'static str,
    /// Date.
    pub date: String,
    /// Value.
    pub value: Value,
    /// Suppliers.
    pub suppliers: Vec<OrganizationReference>,
    /// UK extension: standstill.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standstill_period: Option<Period>,
    /// Notices.
    pub documents: Vec<Document>,
}

/// A contract amendment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Amendment {
    /// Identifier.
    pub id: String,
    /// Date.
    pub date: String,
    /// Why the change is permitted (the limb applied).
    pub rationale: String,
    /// What changes.
    pub description: String,
}

/// Contract section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contract {
    /// Identifier.
    pub id: String,
    /// The award.
    #[serde(rename = "awardID")]
    pub award_id: String,
    /// Status.
    pub status: &'static str,
    /// Signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_signed: Option<String>,
    /// Period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// Value.
    pub value: Value,
    /// Notices.
    pub documents: Vec<Document>,
    /// Amendments.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<Amendment>,
}

/// An OCDS release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    /// Open contracting identifier.
    pub ocid: String,
    /// Release identifier.
    pub id: String,
    /// Release date.
    pub date: String,
    /// Tags.
    pub tag: Vec<&'static str>,
    /// `tender`.
    pub initiation_type: &'static str,
    /// `en`.
    pub language: &'static str,
    /// Parties.
    pub parties: Vec<Party>,
    /// Buyer.
    pub buyer: OrganizationReference,
    /// Planning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planning: Option<Planning>,
    /// Tender.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tender: Option<Tender>,
    /// Awards.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub awards: Vec<Award>,
    /// Contracts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contracts: Vec<Contract>,
}

fn tag_of(n: NoticeKind) -> &'static str {
    use NoticeKind as N;
    match n {
        N::Uk1Pipeline
        | N::Uk2PreliminaryMarketEngagement
        | N::Uk3PlannedProcurement
        | N::PsrMspIntentionToFollow => "planning",
        N::PcrContractNotice
        | N::PcrPriorInformationNotice
        | N::ContractsFinderOpportunity
        | N::Nhs2013ContractNotice
        | N::PsrContractNotice
        | N::Uk4Tender
        | N::Uk5Transparency
        | N::PaBelowThresholdTender => "tender",
        N::Uk7ContractDetails | N::PaBelowThresholdContractDetails => "contract",
        N::Uk10ContractChange => "contractAmendment",
        N::Uk11ContractTermination => "contractTermination",
        N::Uk12ProcurementTermination => "tenderCancellation",
        N::Uk17PaymentsCompliance => "implementation",
        _ => "award",
    }
}

fn notice_code(n: NoticeKind) -> Option<&'static str> {
    use NoticeKind as N;
    Some(match n {
        N::Uk1Pipeline => "UK1",
        N::Uk2PreliminaryMarketEngagement => "UK2",
        N::Uk3PlannedProcurement => "UK3",
        N::Uk4Tender => "UK4",
        N::Uk5Transparency => "UK5",
        N::Uk6ContractAward => "UK6",
        N::Uk7ContractDetails => "UK7",
        N::Uk10ContractChange => "UK10",
        N::Uk11ContractTermination => "UK11",
        N::Uk12ProcurementTermination => "UK12",
        N::Uk17PaymentsCompliance => "UK17",
        _ => return None,
    })
}

fn method_of(route: Route) -> &'static str {
    use Route as R;
    match route {
        R::PsrDirectAwardA
        | R::PsrUrgentAward
        | R::PsrDirectAwardB
        | R::PsrDirectAwardC
        | R::PaDirectAward
        | R::PaUserChoiceDirectAward => "direct",
        R::PsrMostSuitableProvider
        | R::LtrWithoutCallForCompetition
        | R::PcrNegotiatedWithoutPublication
        | R::Nhs2013SingleCapableProvider => "limited",
        R::PcrRestricted
        | R::PcrCompetitiveWithNegotiation
        | R::PcrCompetitiveDialogue
        | R::PaCompetitiveFlexible => "selective",
        _ => "open",
    }
}

fn special_regime(r: Regime) -> Vec<&'static str> {
    match r {
        Regime::Pcr2015LightTouch | Regime::Pa2023LightTouch => vec!["lightTouch"],
        Regime::Psr => vec!["providerSelectionRegime"],
        Regime::Pcr2006PartB => vec!["partB"],
        _ => Vec::new(),
    }
}

fn doc(id: &str, n: NoticeKind, date: &str) -> Document {
    Document {
        id: id.to_owned(),
        document_type: match tag_of(n) {
            "planning" => "plannedProcurementNotice",
            "tender" => "tenderNotice",
            "contract" | "contractAmendment" | "contractTermination" | "implementation" => {
                "contractNotice"
            }
            "tenderCancellation" => "cancellationDetails",
            _ => "awardNotice",
        },
        title: format!("{n:?}"),
        notice_type: notice_code(n).map(str::to_owned),
        date_published: date.to_owned(),
    }
}

/// The releases for each notice step of `plan`, in date order.
///
/// # Errors
///
/// [`Error::Invalid`] for an empty OCID prefix or process id.
pub fn releases(
    plan: &ProcurementPlan,
    report: &PlanReport,
    publisher: &Publisher,
) -> Result<Vec<Release>> {
    if publisher.ocid_prefix.trim().is_empty() || publisher.process_id.trim().is_empty() {
        return Err(Error::invalid(
            "OCDS publisher",
            "OCID prefix and process id are required",
        ));
    }
    let p = plan.raw();
    let proposal = p.proposal.raw();
    let ocid = format!("{}-{}", publisher.ocid_prefix, publisher.process_id);
    let regime = report
        .decision
        .award_regime()
        .ok_or_else(|| Error::invalid("OCDS export", "no regime governs the award"))?;
    let value = Value {
        amount: proposal.value.net,
        currency: "GBP",
    };
    let buyer = OrganizationReference {
        id: publisher.buyer_id.clone(),
        name: publisher.buyer_name.clone(),
    };
    let mut steps: Vec<_> = p
        .steps
        .iter()
        .filter(|s| matches!(s.kind, StepKind::Notice(_)))
        .collect();
    steps.sort_by_key(|s| s.date);
    let signature = p
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::ContractSignature)
        .map(|s| s.date)
        .min();
    let start = p
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::ServiceStart)
        .map(|s| s.date)
        .min();
    let mut out = Vec::new();
    for s in steps {
        let StepKind::Notice(n) = s.kind else {
            continue;
        };
        let date = format!("{}T00:00:00Z", s.date);
        let tag = tag_of(n);
        let mut parties = vec![Party {
            id: buyer.id.clone(),
            name: buyer.name.clone(),
            identifier: identifier(&buyer.id),
            roles: vec!["buyer"],
        }];
        let suppliers: Vec<OrganizationReference> = publisher
            .supplier
            .iter()
            .map(|(id, name)| OrganizationReference {
                id: id.clone(),
                name: name.clone(),
            })
            .collect();
        if tag == "award" || tag == "contract" {
            parties.extend(suppliers.iter().map(|o| Party {
                id: o.id.clone(),
                name: o.name.clone(),
                identifier: identifier(&o.id),
                roles: vec!["supplier"],
            }));
        }
        let document = doc(&format!("{}-{}", ocid, s.id), n, &date);
        let award_id = format!("{ocid}-award");
        let mut r = Release {
            ocid: ocid.clone(),
            id: format!("{ocid}-{}", s.id),
            date: date.clone(),
            tag: vec![tag],
            initiation_type: "tender",
            language: "en",
            parties,
            buyer: buyer.clone(),
            planning: None,
            tender: None,
            awards: Vec::new(),
            contracts: Vec::new(),
        };
        match tag {
            "planning" => {
                r.planning = Some(Planning {
                    rationale: proposal.title.clone(),
                    documents: vec![document],
                })
            }
            "tender" => {
                r.tender = Some(Tender {
                    id: format!("{ocid}-tender"),
                    title: proposal.title.clone(),
                    status: "active",
                    procurement_method: method_of(p.route),
                    procurement_method_details: format!("{:?} under {}", p.route, regime),
                    main_procurement_category: "services",
                    value: value.clone(),
                    items: proposal
                        .services
                        .iter()
                        .enumerate()
                        .map(|(i, c)| Item {
                            id: (i + 1).to_string(),
                            classification: Classification {
                                scheme: "CPV",
                                id: c.to_string(),
                            },
                        })
                        .collect(),
                    special_regime: special_regime(regime),
                    above_threshold: report.decision.thresholds.iter().any(|t| t.met)
                        || regime == Regime::Psr,
                    documents: vec![document],
                });
            }
            "award" => {
                let standstill_period = report
                    .standstill
                    .as_ref()
                    .filter(|st| st.notice == s.date)
                    .map(|st| Period {
                        start_date: format!("{}T00:00:00Z", st.notice),
                        end_date: Some(format!("{}T23:59:59Z", st.last_day)),
                    });
                let status = if standstill_period.is_some() {
                    "pending"
                } else {
                    "active"
                };
                r.awards.push(Award {
                    id: award_id,
                    status,
                    date,
                    value: value.clone(),
                    suppliers,
                    standstill_period,
                    documents: vec![document],
                });
            }
            _ => {
                r.contracts.push(Contract {
                    id: format!("{ocid}-contract"),
                    award_id,
                    status: "active",
                    date_signed: signature.map(|d| format!("{d}T00:00:00Z")),
                    period: match start {
                        Some(d) => Some(Period {
                            start_date: format!("{d}T00:00:00Z"),
                            end_date: contract_end(d, proposal.term_months)?
                                .map(|e| format!("{e}T23:59:59Z")),
                        }),
                        None => None,
                    },
                    value: value.clone(),
                    documents: vec![document],
                    amendments: Vec::new(),
                });
            }
        }
        out.push(r);
    }
    Ok(out)
}

fn contract_end(
    start: chrono::NaiveDate,
    term_months: Option<u32>,
) -> Result<Option<chrono::NaiveDate>> {
    let Some(m) = term_months else {
        return Ok(None);
    };
    let m = i32::try_from(m).map_err(|_| Error::invalid("term", "too many months"))?;
    let end = route_map_core::period::add_months(start, m, route_map_core::DateRounding::Up)?;
    Ok(end.pred_opt())
}

/// A `contractAmendment` release for a permitted PSR modification (or any modification whose
/// test result is given), dated `date`, with the contract's new lifetime value.
///
/// # Errors
///
/// [`Error::Invalid`] when the modification is not permitted (it needs a new process, not an
/// amendment) or the OCID parts are empty.
pub fn amendment_release(
    publisher: &Publisher,
    modification: &crate::routes::ModificationResult,
    date: chrono::NaiveDate,
    new_value: Money,
    description: &str,
) -> Result<Release> {
    if !modification.permitted {
        return Err(Error::invalid(
            "OCDS amendment",
            "the modification is not permitted: it needs a new procurement",
        ));
    }
    if publisher.ocid_prefix.trim().is_empty() || publisher.process_id.trim().is_empty() {
        return Err(Error::invalid(
            "OCDS publisher",
            "OCID prefix and process id are required",
        ));
    }
    let ocid = format!("{}-{}", publisher.ocid_prefix, publisher.process_id);
    let when = format!("{date}T00:00:00Z");
    let buyer = OrganizationReference {
        id: publisher.buyer_id.clone(),
        name: publisher.buyer_name.clone(),
    };
    Ok(Release {
        ocid: ocid.clone(),
        id: format!("{ocid}-amendment-{date}"),
        date: when.clone(),
        tag: vec!["contractAmendment"],
        initiation_type: "tender",
        language: "en",
        parties: vec![Party {
            id: buyer.id.clone(),
            name: buyer.name.clone(),
            identifier: identifier(&buyer.id),
            roles: vec!["buyer"],
        }],
        buyer,
        planning: None,
        tender: None,
        awards: Vec::new(),
        contracts: vec![Contract {
            id: format!("{ocid}-contract"),
            award_id: format!("{ocid}-award"),
            status: "active",
            date_signed: None,
            period: None,
            value: Value {
                amount: new_value,
                currency: "GBP",
            },
            documents: Vec::new(),
            amendments: vec![Amendment {
                id: format!("{ocid}-amendment-{date}"),
                date: when,
                rationale: modification.explanation.clone(),
                description: description.to_owned(),
            }],
        }],
    })
}

/// A `tenderCancellation` release (UK12 procurement termination notice) built from the
/// earlier tender release of the same process: the tender is marked `cancelled` and the notice
/// added with the reason as its title.
///
/// # Errors
///
/// [`Error::Invalid`] when `tender_release` has no tender section or the reason is empty.
pub fn cancellation_release(
    tender_release: &Release,
    date: chrono::NaiveDate,
    reason: &str,
) -> Result<Release> {
    if reason.trim().is_empty() {
        return Err(Error::invalid("OCDS cancellation", "a reason is required"));
    }
    let mut r = tender_release.clone();
    let Some(tender) = r.tender.as_mut() else {
        return Err(Error::invalid(
            "OCDS cancellation",
            "the release given has no tender to cancel",
        ));
    };
    let when = format!("{date}T00:00:00Z");
    tender.status = "cancelled";
    let mut document = doc(
        &format!("{}-uk12-{date}", r.ocid),
        NoticeKind::Uk12ProcurementTermination,
        &when,
    );
    document.title = reason.to_owned();
    tender.documents.push(document);
    r.id = format!("{}-cancellation-{date}", r.ocid);
    r.date = when;
    r.tag = vec!["tenderCancellation"];
    r.planning = None;
    r.awards = Vec::new();
    r.contracts = Vec::new();
    Ok(r)
}

/// A `contractTermination` release (UK11 contract termination notice) built from the earlier
/// contract release: the contract is marked `terminated`, its period ends on the termination
/// date, and the notice is added. The notice must be published within its deadline.
///
/// # Errors
///
/// [`Error::Invalid`] when `contract_release` has no contract, the reason is empty, the
/// deadline is not a UK11 duty, or `published` is outside the period the Act allows.
pub fn termination_release(
    contract_release: &Release,
    deadline: &crate::lifecycle::NoticeDeadline,
    published: chrono::NaiveDate,
    reason: &str,
) -> Result<Release> {
    if reason.trim().is_empty() {
        return Err(Error::invalid("OCDS termination", "a reason is required"));
    }
    if deadline.notice != NoticeKind::Uk11ContractTermination {
        return Err(Error::invalid(
            "OCDS termination",
            "the deadline given is not a contract termination notice duty",
        ));
    }
    if published < deadline.counted_from || published > deadline.last_day {
        return Err(Error::invalid(
            "OCDS termination",
            format!(
                "published {published}, outside {} to {} (s.80(1))",
                deadline.counted_from, deadline.last_day
            ),
        ));
    }
    let mut r = contract_release.clone();
    let ocid = r.ocid.clone();
    let when = format!("{published}T00:00:00Z");
    let ended = format!("{}T23:59:59Z", deadline.counted_from);
    let Some(contract) = r.contracts.first_mut() else {
        return Err(Error::invalid(
            "OCDS termination",
            "the release given has no contract to terminate",
        ));
    };
    contract.status = "terminated";
    contract.period = Some(match contract.period.take() {
        Some(p) => Period {
            end_date: Some(ended),
            ..p
        },
        None => Period {
            start_date: ended.clone(),
            end_date: Some(ended),
        },
    });
    let mut document = doc(
        &format!("{ocid}-uk11-{published}"),
        NoticeKind::Uk11ContractTermination,
        &when,
    );
    document.title = reason.to_owned();
    contract.documents.push(document);
    contract.amendments = Vec::new();
    r.contracts.truncate(1);
    r.id = format!("{ocid}-termination-{published}");
    r.date = when;
    r.tag = vec!["contractTermination"];
    r.planning = None;
    r.tender = None;
    r.awards = Vec::new();
    Ok(r)
}

/// A release package as JSON text, with amounts written as exact JSON numbers (OCDS requires
/// numbers; they are written from the decimal, never through a float).
///
/// # Errors
///
/// [`Error::Invalid`] if serialisation fails.
pub fn release_package_json(
    releases: &[Release],
    published: &str,
    publisher_name: &str,
) -> Result<String> {
    let package = serde_json::json!({
        "uri": format!("urn:route-map:{}", releases.first().map(|r| r.ocid.as_str()).unwrap_or("empty")),
        "version": "1.1",
        "publishedDate": published,
        "publisher": { "name": publisher_name },
        "extensions": ["https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json"],
        "releases": releases,
    });
    let text = serde_json::to_string_pretty(&package)
        .map_err(|e| Error::invalid("OCDS package", e.to_string()))?;
    Ok(unquote_amounts(&text))
}

/// Turn `"amount": "123.45"` into `"amount": 123.45`.
fn unquote_amounts(text: &str) -> String {
    const KEY: &str = "\"amount\": \"";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(KEY) {
        let (head, tail) = rest.split_at(pos);
        out.push_str(head);
        let after = tail.get(KEY.len()..).unwrap_or_default();
        let end = after.find('"').unwrap_or(0);
        let number = after.get(..end).unwrap_or_default();
        if !number.is_empty()
            && number
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        {
            out.push_str("\"amount\": ");
            out.push_str(number);
            rest = after.get(end + 1..).unwrap_or_default();
        } else {
            out.push_str(KEY);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amendments_only_for_permitted_modifications() {
        use crate::routes::{ModificationGround, ValueChange, psr_modification};
        let p = Publisher {
            ocid_prefix: "ocds-test".into(),
            process_id: "1".into(),
            buyer_id: "b".into(),
            buyer_name: "Buyer".into(),
            supplier: None,
        };
        let change = |new| ValueChange {
            materially_different: false,
            authority_decision: true,
            original_lifetime_value: Money::from_pounds(1_000_000),
            proposed_lifetime_value: Money::from_pounds(new),
        };
        let d = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let ok = psr_modification(
            ModificationGround::AuthorityDecision,
            &change(1_200_000),
            false,
        )
        .unwrap();
        let r =
            amendment_release(&p, &ok, d, Money::from_pounds(1_200_000), "extra clinics").unwrap();
        assert_eq!(r.tag, vec!["contractAmendment"]);
        assert_eq!(r.contracts[0].amendments.len(), 1);
        let no = psr_modification(
            ModificationGround::AuthorityDecision,
            &change(2_000_000),
            false,
        )
        .unwrap();
        assert!(amendment_release(&p, &no, d, Money::from_pounds(2_000_000), "x").is_err());
    }

    #[test]
    fn identifiers_split_known_schemes() {
        assert_eq!(
            identifier("GB-PPON-PQVM-1383-ZBXP"),
            Some(Identifier {
                scheme: "GB-PPON".into(),
                id: "PQVM-1383-ZBXP".into()
            })
        );
        assert_eq!(
            identifier("GB-COH-01509477").map(|i| i.scheme),
            Some("GB-COH".into())
        );
        assert_eq!(identifier("GB-PPON-"), None);
        assert_eq!(identifier("local-1"), None);
    }

    #[test]
    fn contract_end_from_term() {
        let d = chrono::NaiveDate::from_ymd_opt(2018, 4, 1).unwrap();
        assert_eq!(
            contract_end(d, Some(60)).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2023, 3, 31)
        );
        assert_eq!(contract_end(d, None).unwrap(), None);
    }

    #[test]
    fn amounts_become_numbers() {
        assert_eq!(
            unquote_amounts("{\"amount\": \"21700479.00\", \"x\": \"amount\"}"),
            "{\"amount\": 21700479.00, \"x\": \"amount\"}"
        );
        assert_eq!(
            unquote_amounts("{\"amount\": \"abc\"}"),
            "{\"amount\": \"abc\"}"
        );
    }
}
