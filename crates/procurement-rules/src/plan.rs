//! Checking a procurement plan (route, dated steps, notices) against the regimes that govern
//! it and the ISAP. Each finding names the rule, its source and the step.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use route_map_core::{MonthPeriod, SourceRef};

use crate::error::{Error, Result};
use crate::isap::{Checkpoint, IsapApplicability, Novelty, isap, isap_applies};
use crate::law::{AuthorityClass, authority, days};
use crate::regime::{Proposal, Regime, RegimeDecision, select_regimes};
use crate::routes::{
    AwardFacts, NoticeKind, NoticeRule, Obligation, Route, Timing, check_route, notices,
};
use crate::standstill::{Standstill, StandstillOptions, standstill};
use crate::time_limits::{PcrProcedure, Stage, TimeLimitFacts, pcr_minimum_time_limit};

/// What a plan step is.
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
pub enum StepKind {
    /// ISAP early engagement or checkpoint.
    Isap(Checkpoint),
    /// Preliminary market engagement with providers.
    MarketEngagement,
    /// Publication (or sending) of a notice.
    Notice(NoticeKind),
    /// The decision to award (e.g. by a governing body or board).
    AwardDecision,
    /// The deadline for tenders (in a two-stage procedure, for initial tenders).
    TenderDeadline,
    /// The deadline for requests to participate (two-stage procedures).
    ParticipationDeadline,
    /// The invitation to tender is sent to the selected candidates.
    InvitationToTender,
    /// Entering into the contract.
    ContractSignature,
    /// The service starts.
    ServiceStart,
    /// Any other milestone.
    Other,
}

/// One dated step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanStep {
    /// Identifier used in findings.
    pub id: String,
    /// What it is.
    pub kind: StepKind,
    /// When.
    pub date: NaiveDate,
    /// Free-text label.
    #[serde(default)]
    pub label: String,
}

/// A procurement plan as given (see [`ProcurementPlan`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProcurementPlan {
    /// The proposed contract.
    pub proposal: Proposal,
    /// The facts that decide the route.
    #[serde(default)]
    pub facts: AwardFacts,
    /// The route chosen under the award regime.
    pub route: Route,
    /// Novel and complex features (ISAP).
    #[serde(default)]
    pub novelty: Novelty,
    /// Options for the standstill (sending means, representations, voluntary standstill).
    #[serde(default)]
    pub standstill: StandstillOptions,
    /// PCR light touch: award notices grouped quarterly.
    #[serde(default)]
    pub quarterly_award_notices: bool,
    /// The dated steps.
    pub steps: Vec<PlanStep>,
}

/// A validated plan: unique step identifiers, at least one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawProcurementPlan", into = "RawProcurementPlan")]
pub struct ProcurementPlan(RawProcurementPlan);

impl TryFrom<RawProcurementPlan> for ProcurementPlan {
    type Error = Error;
    fn try_from(raw: RawProcurementPlan) -> Result<ProcurementPlan> {
        ProcurementPlan::new(raw)
    }
}

impl From<ProcurementPlan> for RawProcurementPlan {
    fn from(p: ProcurementPlan) -> RawProcurementPlan {
        p.0
    }
}

impl ProcurementPlan {
    /// Validate a plan.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for no steps; [`Error::Duplicate`] for a step identifier used twice.
    pub fn new(raw: RawProcurementPlan) -> Result<ProcurementPlan> {
        if raw.steps.is_empty() {
            return Err(Error::invalid("plan", "has no steps"));
        }
        let mut seen = BTreeSet::new();
        for s in &raw.steps {
            if !seen.insert(s.id.as_str()) {
                return Err(Error::Duplicate {
                    kind: "plan step",
                    id: s.id.clone(),
                });
            }
        }
        Ok(ProcurementPlan(raw))
    }

    /// The validated fields.
    #[must_use]
    pub fn raw(&self) -> &RawProcurementPlan {
        &self.0
    }
}

/// How serious a finding is.
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
pub enum Severity {
    /// The plan breaks a rule.
    Error,
    /// The plan risks breaking a rule, or relies on something unverified.
    Warning,
}

/// One finding of a plan check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// The rule's identifier, e.g. `standstill.contract_before_end`.
    pub rule: &'static str,
    /// The rule's source.
    pub source: SourceRef,
    /// The step concerned, if any.
    pub step: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// One dated entry of the plan's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineItem {
    /// When.
    pub date: NaiveDate,
    /// What.
    pub what: String,
    /// True for a date the rules derive (standstill end, notice deadline) rather than a step.
    pub derived: bool,
}

/// The result of checking a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanReport {
    /// The regimes and why.
    pub decision: RegimeDecision,
    /// The route checked.
    pub route: Route,
    /// The notices the route needs.
    pub required_notices: Vec<NoticeKind>,
    /// The standstill, when one applies and its notice is planned.
    pub standstill: Option<Standstill>,
    /// Whether the ISAP applies.
    pub isap: IsapApplicability,
    /// Findings, errors first.
    pub findings: Vec<Finding>,
    /// The plan's steps and derived dates in date order.
    pub timeline: Vec<TimelineItem>,
}

impl PlanReport {
    /// True when no finding is an error.
    #[must_use]
    pub fn is_compliant(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The findings with rule `rule`.
    pub fn with_rule<'a>(&'a self, rule: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings.iter().filter(move |f| f.rule == rule)
    }
}

struct Checker<'a> {
    steps: &'a [PlanStep],
    findings: Vec<Finding>,
    timeline: Vec<TimelineItem>,
}

impl Checker<'_> {
    fn find(
        &mut self,
        severity: Severity,
        rule: &'static str,
        source: &SourceRef,
        step: Option<&str>,
        message: String,
    ) {
        self.findings.push(Finding {
            severity,
            rule,
            source: source.clone(),
            step: step.map(str::to_owned),
            message,
        });
    }

    fn first(&self, kind: StepKind) -> Option<&PlanStep> {
        self.steps
            .iter()
            .filter(|s| s.kind == kind)
            .min_by_key(|s| s.date)
    }

    fn notice(&self, n: NoticeKind) -> Option<&PlanStep> {
        self.first(StepKind::Notice(n))
    }
}

fn plus_days(d: NaiveDate, n: u32) -> Result<NaiveDate> {
    d.checked_add_days(Days::new(u64::from(n)))
        .ok_or(Error::Core(route_map_core::Error::Overflow {
            operation: "date arithmetic",
        }))
}

fn quarter_end(d: NaiveDate) -> Result<NaiveDate> {
    let q_last_month = ((d.month() - 1) / 3) * 3 + 3;
    let m = MonthPeriod::new(d.year(), q_last_month)?;
    let last = m
        .range()
        .last_day()
        .ok_or_else(|| Error::invalid("quarter", "empty month"))?;
    Ok(last)
}

/// The route used for the 2013 Regulations' duties alongside the award regime.
fn nhs2013_route(steps: &[PlanStep]) -> Route {
    let advertised = steps.iter().any(|s| {
        matches!(
            s.kind,
            StepKind::Notice(
                NoticeKind::Nhs2013ContractNotice
                    | NoticeKind::PcrContractNotice
                    | NoticeKind::PcrPriorInformationNotice
            )
        )
    });
    if advertised {
        Route::Nhs2013Advertised
    } else {
        Route::Nhs2013SingleCapableProvider
    }
}

/// Check `plan` against the regimes that govern it, their notices and standstill, and the
/// ISAP.
///
/// # Errors
///
/// Errors of [`select_regimes`] (out of scope, authority not in existence) and of
/// [`standstill`] (an open PSR standstill, dates outside the working-day calendar). Breaches
/// of the rules are findings, not errors.
pub fn check_plan(plan: &ProcurementPlan) -> Result<PlanReport> {
    check_plan_with_time_limits(plan, TimeLimitFacts::default())
}

/// [`check_plan`] with the facts that allow shorter PCR time limits (qualifying PIN, urgency,
/// electronic submission, a sub-central authority's agreement with the selected candidates).
/// Without them the full periods apply, except the 10-day floor a sub-central authority has
/// when no time limit is agreed (reg. 28(8)).
///
/// # Errors
///
/// As [`check_plan`].
pub fn check_plan_with_time_limits(
    plan: &ProcurementPlan,
    time_limits: TimeLimitFacts,
) -> Result<PlanReport> {
    let p = plan.raw();
    let decision = select_regimes(&p.proposal)?;
    let mut cx = Checker {
        steps: &p.steps,
        findings: Vec::new(),
        timeline: Vec::new(),
    };
    for s in &p.steps {
        let label = if s.label.is_empty() {
            s.id.clone()
        } else {
            s.label.clone()
        };
        cx.timeline.push(TimelineItem {
            date: s.date,
            what: label,
            derived: false,
        });
    }
    let Some(award_regime) = decision.award_regime() else {
        return Err(Error::invalid(
            "plan",
            "no regime governs the award (below every threshold before PCR 2015)",
        ));
    };

    // 1. The route.
    let route_source = crate::routes::route_rule(award_regime, p.route)
        .map(|r| r.source.clone())
        .unwrap_or_else(|_| SourceRef::new(award_regime.name()));
    if let Err(e) = check_route(award_regime, p.route, &p.facts) {
        cx.find(
            Severity::Error,
            "route.not_available",
            &route_source,
            None,
            e.to_string(),
        );
    }

    // 2. Notices of the award regime and route, and of the 2013 Regulations when they apply.
    let mut rules: Vec<&NoticeRule> = notices(award_regime, p.route)?;
    if decision.applies(Regime::Nhs2013) && award_regime != Regime::Nhs2013 {
        let r13 = nhs2013_route(&p.steps);
        if r13 == Route::Nhs2013SingleCapableProvider && !p.facts.only_one_capable_provider {
            let src = crate::routes::route_rule(Regime::Nhs2013, r13)?
                .source
                .clone();
            cx.find(Severity::Error, "nhs2013.award_without_advertising", &src, None,
                "no contract notice is planned and the body has not stated that the services can be provided only by that provider (2013 Regulations reg. 5)".into());
        }
        rules.extend(notices(Regime::Nhs2013, r13)?);
    }
    let required: Vec<NoticeKind> = rules
        .iter()
        .filter(|r| {
            matches!(
                r.obligation,
                Obligation::Mandatory | Obligation::Alternative
            )
        })
        .map(|r| r.id)
        .collect();
    let mut groups_checked = BTreeSet::new();
    for r in &rules {
        match r.obligation {
            Obligation::Mandatory => {
                if cx.notice(r.id).is_none() {
                    cx.find(
                        Severity::Error,
                        "notice.missing",
                        &r.source,
                        None,
                        format!("mandatory notice not planned: {}", r.name),
                    );
                }
            }
            Obligation::Alternative => {
                let group = r.group.clone().unwrap_or_default();
                if groups_checked.insert(group.clone()) {
                    let members: Vec<_> = rules
                        .iter()
                        .filter(|o| {
                            o.obligation == Obligation::Alternative
                                && o.group.as_deref() == Some(group.as_str())
                        })
                        .collect();
                    if !members.iter().any(|m| cx.notice(m.id).is_some()) {
                        let names: Vec<_> = members.iter().map(|m| m.name.as_str()).collect();
                        cx.find(
                            Severity::Error,
                            "notice.missing",
                            &r.source,
                            None,
                            format!("one of these notices must be planned: {}", names.join("; ")),
                        );
                    }
                }
            }
            Obligation::Conditional => {
                if cx.notice(r.id).is_none() {
                    let trigger = r.trigger.clone().unwrap_or_default();
                    cx.find(
                        Severity::Warning,
                        "notice.conditional",
                        &r.source,
                        None,
                        format!("{} not planned: required if {trigger}", r.name),
                    );
                }
            }
            Obligation::Optional => {}
        }
    }
    let known: BTreeSet<NoticeKind> = rules.iter().map(|r| r.id).collect();
    for s in p.steps.iter() {
        if let StepKind::Notice(n) = s.kind
            && !known.contains(&n)
        {
            cx.find(
                Severity::Warning,
                "notice.not_applicable",
                &route_source,
                Some(&s.id),
                format!("{n:?} is not a notice of {} by {:?}", award_regime, p.route),
            );
        }
    }

    // 3. Order: procedure notices before the award decision; signature before service start.
    let award = cx.first(StepKind::AwardDecision).cloned();
    let signature = cx.first(StepKind::ContractSignature).cloned();
    let start = cx.first(StepKind::ServiceStart).cloned();
    for r in rules.iter().filter(|r| r.timing == Timing::BeforeProcedure) {
        if let (Some(n), Some(a)) = (cx.notice(r.id).cloned(), award.as_ref())
            && n.date > a.date
        {
            cx.find(
                Severity::Error,
                "order.notice_after_award_decision",
                &r.source,
                Some(&n.id),
                format!(
                    "{} on {} comes after the award decision on {}",
                    r.name, n.date, a.date
                ),
            );
        }
    }
    if let (Some(a), Some(c)) = (award.as_ref(), signature.as_ref())
        && c.date < a.date
    {
        cx.find(
            Severity::Error,
            "order.contract_before_award_decision",
            &route_source,
            Some(&c.id),
            format!(
                "contract signed {} before the award decision {}",
                c.date, a.date
            ),
        );
    }
    if let (Some(c), Some(s)) = (signature.as_ref(), start.as_ref())
        && s.date < c.date
    {
        cx.find(
            Severity::Error,
            "order.service_before_contract",
            &route_source,
            Some(&s.id),
            format!(
                "service starts {} before the contract is signed {}",
                s.date, c.date
            ),
        );
    }
    if let Some(first) = p
        .steps
        .iter()
        .filter(|s| matches!(s.kind, StepKind::Notice(_)))
        .min_by_key(|s| s.date)
        && first.date < p.proposal.raw().commencement
    {
        cx.find(Severity::Warning, "order.notice_before_commencement", &route_source, Some(&first.id),
                format!("notice on {} precedes the stated procurement commencement {}: the regime is selected on the commencement date", first.date, p.proposal.raw().commencement));
    }

    // Minimum time limit for tenders under the Procurement Act open procedure (none for
    // light touch contracts; PCR light touch limits need only be reasonable).
    if award_regime == Regime::Pa2023Public
        && p.route == Route::PaOpen
        && let (Some(t), Some(deadline)) = (
            cx.notice(NoticeKind::Uk4Tender).cloned(),
            cx.first(StepKind::TenderDeadline).cloned(),
        )
    {
        let (min, src) = days("pa_open_minimum_days")?;
        if deadline.date < plus_days(t.date, min)? {
            cx.find(Severity::Error, "time_limit.too_short", &src, Some(&deadline.id),
                    format!("tenders due {} only {} days after the tender notice {}; the open procedure minimum is {min} days (10 with a qualifying planned procurement notice or urgency)", deadline.date, (deadline.date - t.date).num_days(), t.date));
        }
    }

    // PCR open procedure: 35 days, 30 with electronic submission (PIN and urgency reductions
    // are not modelled, so a shorter period is a warning between 30 and 35 days).
    if award_regime == Regime::Pcr2015Full
        && p.route == Route::PcrOpen
        && let (Some(t), Some(deadline)) = (
            cx.notice(NoticeKind::PcrContractNotice).cloned(),
            cx.first(StepKind::TenderDeadline).cloned(),
        )
    {
        let (full, full_src) = days("pcr_open_minimum_days")?;
        let (electronic, e_src) = days("pcr_open_electronic_minimum_days")?;
        let given = (deadline.date - t.date).num_days();
        if deadline.date < plus_days(t.date, electronic)? {
            cx.find(Severity::Error, "time_limit.too_short", &e_src, Some(&deadline.id),
                    format!("tenders due {given} days after the contract notice; the open procedure minimum is {full} days, {electronic} with electronic submission (shorter only with a qualifying PIN or urgency)"));
        } else if deadline.date < plus_days(t.date, full)? {
            cx.find(Severity::Warning, "time_limit.electronic_only", &full_src, Some(&deadline.id),
                    format!("tenders due {given} days after the contract notice: lawful only if tenders may be submitted electronically"));
        }
    }

    // PCR two-stage procedures: requests from the contract notice, tenders from the
    // invitation (regs. 28-31).
    if award_regime == Regime::Pcr2015Full
        && let Some(procedure) = PcrProcedure::from_route(p.route)
    {
        pcr_two_stage_limits(&mut cx, p, procedure, time_limits)?;
    }

    // 4. Standstill.
    let mut standstill_found = None;
    if let Some(r) = rules.iter().find(|r| r.timing == Timing::BeforeAward)
        && let Some(n) = cx.notice(r.id).cloned()
    {
        let sd = standstill(award_regime, p.route, n.date, p.standstill)?;
        if let Some(st) = sd.standstill {
            cx.timeline.push(TimelineItem {
                date: st.last_day,
                what: format!(
                    "standstill ends at midnight ({} {:?})",
                    st.length, st.counting
                ),
                derived: true,
            });
            if let Some(c) = signature.as_ref()
                && c.date < st.earliest_contract
            {
                cx.find(
                    Severity::Error,
                    "standstill.contract_before_end",
                    &st.source,
                    Some(&c.id),
                    format!(
                        "contract signed {} before the standstill ends at midnight on {}",
                        c.date, st.last_day
                    ),
                );
            }
            standstill_found = Some(st);
        }
        if let Some(c) = signature.as_ref()
            && c.date < n.date
        {
            cx.find(
                Severity::Error,
                "order.contract_before_standstill_notice",
                &r.source,
                Some(&c.id),
                format!(
                    "contract signed {} before the {} on {}",
                    c.date, r.name, n.date
                ),
            );
        }
    }

    // 5. Deadlines of notices after award or contract.
    for r in rules
        .iter()
        .filter(|r| matches!(r.timing, Timing::AfterAward | Timing::AfterContract))
    {
        let Some(name) = r.deadline.as_deref() else {
            continue;
        };
        let Some(n) = cx.notice(r.id).cloned() else {
            continue;
        };
        let anchor = match r.timing {
            Timing::AfterContract => signature.as_ref(),
            _ => signature.as_ref().or(award.as_ref()),
        };
        let Some(anchor) = anchor else { continue };
        let (limit, source) = match (&r.quarterly_deadline, p.quarterly_award_notices) {
            (Some(q), true) => {
                let (dq, src) = days(q)?;
                (plus_days(quarter_end(anchor.date)?, dq)?, src)
            }
            _ => {
                let (d, src) = days(name)?;
                (plus_days(anchor.date, d)?, src)
            }
        };
        cx.timeline.push(TimelineItem {
            date: limit,
            what: format!("last day for the {}", r.name),
            derived: true,
        });
        if n.date > limit {
            cx.find(
                Severity::Error,
                "notice.late",
                &source,
                Some(&n.id),
                format!("{} on {} is after its deadline {limit}", r.name, n.date),
            );
        }
        if n.date < anchor.date {
            cx.find(
                Severity::Error,
                "order.notice_before_award",
                &r.source,
                Some(&n.id),
                format!(
                    "{} on {} precedes the award on {}",
                    r.name, n.date, anchor.date
                ),
            );
        }
    }

    // 6. ISAP.
    let isap_app = isap_applies(&p.novelty, p.proposal.raw().commencement)?;
    if isap_app.applies {
        let isap_data = isap()?;
        let cp = |c: Checkpoint| {
            isap_data
                .checkpoint
                .iter()
                .find(|r| r.id == c)
                .map(|r| r.source.clone())
                .unwrap_or_else(|| isap_data.scope_source.clone())
        };
        let steps = &p.steps;
        let step = |c: Checkpoint| {
            steps
                .iter()
                .filter(|s| s.kind == StepKind::Isap(c))
                .min_by_key(|s| s.date)
                .cloned()
        };
        for c in [
            Checkpoint::EarlyEngagement,
            Checkpoint::Checkpoint1,
            Checkpoint::Checkpoint2,
            Checkpoint::Checkpoint3,
        ] {
            if step(c).is_none() {
                cx.find(
                    Severity::Error,
                    "isap.checkpoint_missing",
                    &cp(c),
                    None,
                    format!("ISAP applies and {c:?} is not planned"),
                );
            }
        }
        let first_notice = p
            .steps
            .iter()
            .filter(|s| matches!(s.kind, StepKind::Notice(_)) || s.kind == StepKind::AwardDecision)
            .min_by_key(|s| s.date)
            .cloned();
        let pairs: [(Option<PlanStep>, Option<PlanStep>, Checkpoint, &str); 4] = [
            (
                step(Checkpoint::EarlyEngagement),
                step(Checkpoint::Checkpoint1),
                Checkpoint::EarlyEngagement,
                "early engagement must precede checkpoint 1",
            ),
            (
                step(Checkpoint::Checkpoint1),
                first_notice,
                Checkpoint::Checkpoint1,
                "checkpoint 1 must precede the first procurement notice or award decision",
            ),
            (
                step(Checkpoint::Checkpoint2),
                signature.clone(),
                Checkpoint::Checkpoint2,
                "checkpoint 2 must precede contract signature",
            ),
            (
                step(Checkpoint::Checkpoint3),
                start.clone(),
                Checkpoint::Checkpoint3,
                "checkpoint 3 must precede the service start",
            ),
        ];
        for (before, after, c, what) in pairs {
            if let (Some(b), Some(a)) = (before, after)
                && b.date >= a.date
            {
                cx.find(
                    Severity::Error,
                    "isap.order",
                    &cp(c),
                    Some(&b.id),
                    format!(
                        "{what}: {} on {} is not before {} on {}",
                        b.id, b.date, a.id, a.date
                    ),
                );
            }
        }
    }

    // 7. Unverified rules relied on.
    let unverified: Vec<Finding> = cx
        .findings
        .iter()
        .filter(|f| !f.source.is_verified())
        .map(|f| Finding {
            severity: Severity::Warning,
            rule: "source.unverified",
            source: f.source.clone(),
            step: f.step.clone(),
            message: format!("finding {} relies on a rule not yet verified", f.rule),
        })
        .collect();
    cx.findings.extend(unverified);

    cx.findings
        .sort_by(|a, b| a.severity.cmp(&b.severity).then(a.rule.cmp(b.rule)));
    cx.timeline
        .sort_by(|a, b| a.date.cmp(&b.date).then(a.derived.cmp(&b.derived)));
    Ok(PlanReport {
        decision,
        route: p.route,
        required_notices: required,
        standstill: standstill_found,
        isap: isap_app,
        findings: cx.findings,
        timeline: cx.timeline,
    })
}

/// Checks the request and tender periods of a PCR two-stage procedure.
fn pcr_two_stage_limits(
    cx: &mut Checker,
    p: &RawProcurementPlan,
    procedure: PcrProcedure,
    time_limits: TimeLimitFacts,
) -> Result<()> {
    let profile = authority(p.proposal.raw().authority)?;
    let (class, class_src) = profile
        .pcr_class
        .at_with_source(p.proposal.raw().commencement)?;
    let sub_central = *class == AuthorityClass::SubCentral;
    let mut facts = time_limits;
    if facts.agreed_with_candidates && !sub_central {
        cx.find(Severity::Error, "time_limit.agreement_not_available", class_src, None,
                format!("{} is a central authority under PCR: only sub-central authorities may agree the tender time limit with the selected candidates", profile.name));
        facts.agreed_with_candidates = false;
    }
    // The PIN reduction needs a PIN sent 35 days to 12 months before the contract notice.
    if facts.qualifying_pin
        && let (Some(pin), Some(cn)) = (
            cx.notice(NoticeKind::PcrPriorInformationNotice).cloned(),
            cx.notice(NoticeKind::PcrContractNotice).cloned(),
        )
    {
        let latest = cn.date.checked_sub_days(Days::new(35));
        let earliest = cn.date.checked_sub_months(chrono::Months::new(12));
        let inside =
            matches!((earliest, latest), (Some(e), Some(l)) if e <= pin.date && pin.date <= l);
        if !inside {
            let (_, src) = days("pcr_restricted_pin_tenders_days")?;
            cx.find(Severity::Error, "time_limit.pin_not_qualifying", &src, Some(&pin.id),
                    format!("prior information notice of {} is not 35 days to 12 months before the contract notice of {}: no PIN reduction", pin.date, cn.date));
            facts.qualifying_pin = false;
        }
    }
    let periods = [
        (
            Stage::RequestsToParticipate,
            StepKind::Notice(NoticeKind::PcrContractNotice),
            StepKind::ParticipationDeadline,
            "requests to participate",
            "the contract notice",
        ),
        (
            Stage::Tenders,
            StepKind::InvitationToTender,
            StepKind::TenderDeadline,
            "tenders",
            "the invitation to tender",
        ),
    ];
    for (stage, from, to, what, start) in periods {
        if stage == Stage::Tenders
            && !matches!(
                procedure,
                PcrProcedure::Restricted | PcrProcedure::CompetitiveWithNegotiation
            )
        {
            continue;
        }
        let (Some(s), Some(deadline)) = (cx.first(from).cloned(), cx.first(to).cloned()) else {
            continue;
        };
        let min = pcr_minimum_time_limit(procedure, stage, facts, sub_central)?;
        let Some(n) = min.days else {
            continue;
        };
        if deadline.date < plus_days(s.date, n)? {
            let source = min
                .sources
                .last()
                .cloned()
                .unwrap_or_else(|| SourceRef::new("Public Contracts Regulations 2015"));
            cx.find(
                Severity::Error,
                "time_limit.too_short",
                &source,
                Some(&deadline.id),
                format!(
                    "{what} due {} only {} days after {start} {}; the minimum is {n} days ({})",
                    deadline.date,
                    (deadline.date - s.date).num_days(),
                    s.date,
                    min.rule
                ),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::law::AuthorityKind;
    use crate::regime::{EstimatedValue, RawProposal};
    use route_map_core::Money;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn step(id: &str, kind: StepKind, date: NaiveDate) -> PlanStep {
        PlanStep {
            id: id.into(),
            kind,
            date,
            label: String::new(),
        }
    }

    fn psr_plan(signature: NaiveDate) -> ProcurementPlan {
        let proposal = Proposal::new(RawProposal {
            title: "Community services".into(),
            authority: AuthorityKind::Icb,
            services: vec!["85323000-9".parse().unwrap()],
            value: EstimatedValue {
                net: Money::from_pounds(50_000_000),
                vat: Money::ZERO,
            },
            commencement: d(2026, 11, 2),
            for_the_health_service: true,
            term_months: None,
        })
        .unwrap();
        ProcurementPlan::new(RawProcurementPlan {
            proposal,
            facts: AwardFacts {
                can_identify_most_suitable_provider: true,
                ..AwardFacts::default()
            },
            route: Route::PsrMostSuitableProvider,
            novelty: Novelty::default(),
            standstill: StandstillOptions::default(),
            quarterly_award_notices: false,
            steps: vec![
                step(
                    "msp",
                    StepKind::Notice(NoticeKind::PsrMspIntentionToFollow),
                    d(2026, 11, 2),
                ),
                step("decision", StepKind::AwardDecision, d(2026, 12, 10)),
                step(
                    "intention",
                    StepKind::Notice(NoticeKind::PsrIntentionToAward),
                    d(2026, 12, 17),
                ),
                step("sign", StepKind::ContractSignature, signature),
                step(
                    "confirm",
                    StepKind::Notice(NoticeKind::PsrConfirmationNotice),
                    d(2027, 1, 15),
                ),
                step("start", StepKind::ServiceStart, d(2027, 4, 1)),
            ],
        })
        .unwrap()
    }

    #[test]
    fn compliant_psr_plan_across_christmas() {
        let r = check_plan(&psr_plan(d(2027, 1, 4))).unwrap();
        assert!(r.is_compliant(), "{:#?}", r.findings);
        assert_eq!(r.standstill.unwrap().last_day, d(2026, 12, 31));
    }

    #[test]
    fn award_before_standstill_end_is_an_error() {
        let r = check_plan(&psr_plan(d(2026, 12, 30))).unwrap();
        assert!(!r.is_compliant());
        let f = r
            .with_rule("standstill.contract_before_end")
            .next()
            .unwrap();
        assert_eq!(f.step.as_deref(), Some("sign"));
    }

    #[test]
    fn invalid_plans_are_rejected() {
        let mut raw = psr_plan(d(2027, 1, 4)).raw().clone();
        raw.steps.push(step("sign", StepKind::Other, d(2027, 1, 5)));
        assert!(matches!(
            ProcurementPlan::new(raw.clone()),
            Err(Error::Duplicate { .. })
        ));
        raw.steps.clear();
        assert!(ProcurementPlan::new(raw).is_err());
    }

    #[test]
    fn pcr_open_time_limits() {
        let proposal = Proposal::new(RawProposal {
            title: "IT".into(),
            authority: AuthorityKind::LocalAuthority,
            services: vec!["72000000-5".parse().unwrap()],
            value: EstimatedValue {
                net: Money::from_pounds(1_000_000),
                vat: Money::ZERO,
            },
            commencement: d(2019, 3, 1),
            for_the_health_service: false,
            term_months: None,
        })
        .unwrap();
        let plan = |due: NaiveDate| {
            ProcurementPlan::new(RawProcurementPlan {
                proposal: proposal.clone(),
                facts: AwardFacts::default(),
                route: Route::PcrOpen,
                novelty: Novelty::default(),
                standstill: StandstillOptions::default(),
                quarterly_award_notices: false,
                steps: vec![
                    step(
                        "cn",
                        StepKind::Notice(NoticeKind::PcrContractNotice),
                        d(2019, 3, 1),
                    ),
                    step("due", StepKind::TenderDeadline, due),
                ],
            })
            .unwrap()
        };
        let rules = |due| {
            check_plan(&plan(due))
                .unwrap()
                .findings
                .iter()
                .map(|f| f.rule)
                .collect::<Vec<_>>()
        };
        assert!(rules(d(2019, 3, 30)).contains(&"time_limit.too_short"));
        assert!(rules(d(2019, 4, 1)).contains(&"time_limit.electronic_only"));
        let ok = rules(d(2019, 4, 5));
        assert!(
            !ok.contains(&"time_limit.too_short") && !ok.contains(&"time_limit.electronic_only")
        );
    }

    #[test]
    fn pcr_restricted_time_limits() {
        let plan = |authority, requests_due: NaiveDate, itt: NaiveDate, due: NaiveDate| {
            let proposal = Proposal::new(RawProposal {
                title: "IT".into(),
                authority,
                services: vec!["72000000-5".parse().unwrap()],
                value: EstimatedValue {
                    net: Money::from_pounds(1_000_000),
                    vat: Money::ZERO,
                },
                commencement: d(2019, 3, 1),
                for_the_health_service: false,
                term_months: None,
            })
            .unwrap();
            ProcurementPlan::new(RawProcurementPlan {
                proposal,
                facts: AwardFacts::default(),
                route: Route::PcrRestricted,
                novelty: Novelty::default(),
                standstill: StandstillOptions::default(),
                quarterly_award_notices: false,
                steps: vec![
                    step(
                        "cn",
                        StepKind::Notice(NoticeKind::PcrContractNotice),
                        d(2019, 3, 1),
                    ),
                    step("requests", StepKind::ParticipationDeadline, requests_due),
                    step("itt", StepKind::InvitationToTender, itt),
                    step("due", StepKind::TenderDeadline, due),
                ],
            })
            .unwrap()
        };
        let short = |plan: &ProcurementPlan, facts| {
            check_plan_with_time_limits(plan, facts)
                .unwrap()
                .findings
                .into_iter()
                .filter(|f| f.rule == "time_limit.too_short")
                .filter_map(|f| f.step)
                .collect::<Vec<_>>()
        };
        let none = TimeLimitFacts::default();
        // Central authority: 30 + 30 days.
        let central = AuthorityKind::CentralGovernmentDepartment;
        let p = plan(central, d(2019, 3, 30), d(2019, 4, 5), d(2019, 5, 4));
        assert_eq!(short(&p, none), vec!["requests", "due"]);
        let p = plan(central, d(2019, 3, 31), d(2019, 4, 5), d(2019, 5, 5));
        assert!(short(&p, none).is_empty());
        // Electronic submission: 25 days; urgency: 15 and 10 days.
        let p = plan(central, d(2019, 3, 16), d(2019, 4, 5), d(2019, 4, 30));
        let e = TimeLimitFacts {
            electronic_submission: true,
            ..none
        };
        assert_eq!(short(&p, e), vec!["requests"]);
        let u = TimeLimitFacts {
            urgency: true,
            ..none
        };
        assert!(short(&p, u).is_empty());
        // Sub-central authority: 10 days without agreement.
        let la = AuthorityKind::LocalAuthority;
        let p = plan(la, d(2019, 3, 31), d(2019, 4, 5), d(2019, 4, 14));
        assert_eq!(short(&p, none), vec!["due"]);
        let agreed = TimeLimitFacts {
            agreed_with_candidates: true,
            ..none
        };
        assert!(short(&p, agreed).is_empty());
        // A PIN sent only 20 days before the contract notice does not qualify.
        let pin = TimeLimitFacts {
            qualifying_pin: true,
            ..none
        };
        let mut p = plan(central, d(2019, 3, 31), d(2019, 4, 5), d(2019, 4, 15));
        let mut raw = p.raw().clone();
        raw.steps.push(step(
            "pin",
            StepKind::Notice(NoticeKind::PcrPriorInformationNotice),
            d(2019, 1, 25),
        ));
        let qualifying = ProcurementPlan::new(raw.clone()).unwrap();
        assert!(short(&qualifying, pin).is_empty());
        raw.steps.last_mut().unwrap().date = d(2019, 2, 9);
        p = ProcurementPlan::new(raw).unwrap();
        assert_eq!(short(&p, pin), vec!["due"]);
        let r = check_plan_with_time_limits(&p, pin).unwrap();
        assert!(
            r.with_rule("time_limit.pin_not_qualifying")
                .next()
                .is_some()
        );
        // A central authority cannot agree the period.
        let p = plan(central, d(2019, 3, 31), d(2019, 4, 5), d(2019, 5, 5));
        let r = check_plan_with_time_limits(&p, agreed).unwrap();
        assert!(
            r.with_rule("time_limit.agreement_not_available")
                .next()
                .is_some()
        );
    }

    #[test]
    fn quarter_ends() {
        assert_eq!(quarter_end(d(2017, 11, 30)).unwrap(), d(2017, 12, 31));
        assert_eq!(quarter_end(d(2018, 2, 1)).unwrap(), d(2018, 3, 31));
    }
}
