//! Settling a contract year: the hot path, in integer pence.
//!
//! [`Contract::settle`] applies a year's results to the year's plan and returns a compact
//! [`Settlement`]: every element of the payment, the instalments, the balance and each
//! commissioner's part of each, all in whole pence. The explained statement is rendered from it
//! by [`Contract::statement`](super::Contract::statement).

use std::collections::BTreeMap;

use route_map_core::{Money, Share};
use serde::Serialize;

use super::achievement::YearOutturn;
use super::contract::{CFormula, CQuality, CSide, Contract, MAX_PARTIES, YearPlan};
use super::error::{PaymentError, Result};
use super::pence::{self, SCALE, allocate_into, apply, div_round, narrow};

/// The elements of a year's payment, in the order of the statement's waterfall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Element {
    /// The fixed element: the base annual contract value less the incentive at risk.
    Fixed,
    /// Incentive earned on transformation milestones.
    Milestones,
    /// Incentive earned on outcomes by the agreed formula.
    Outcomes,
    /// CQUIN paid monthly in advance at full value.
    CquinAdvance,
    /// CQUIN recovered for under-achievement (zero or negative).
    CquinRecovery,
    /// The variable element at marginal rates above or below plan.
    Variable,
    /// The lead provider's part of the gain or loss share.
    GainLossShare,
    /// In-year adjustments.
    Adjustments,
}

impl Element {
    /// All elements in waterfall order.
    pub const ALL: [Element; 8] = [
        Element::Fixed,
        Element::Milestones,
        Element::Outcomes,
        Element::CquinAdvance,
        Element::CquinRecovery,
        Element::Variable,
        Element::GainLossShare,
        Element::Adjustments,
    ];

    fn index(self) -> usize {
        match self {
            Element::Fixed => 0,
            Element::Milestones => 1,
            Element::Outcomes => 2,
            Element::CquinAdvance => 3,
            Element::CquinRecovery => 4,
            Element::Variable => 5,
            Element::GainLossShare => 6,
            Element::Adjustments => 7,
        }
    }
}

const N_LINES: usize = 8;

/// The balance of a year once what is due is set against what was paid on account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "amount", rename_all = "snake_case")]
pub enum Balance {
    /// Nothing is due either way.
    Settled,
    /// The commissioners owe the provider this amount.
    DueToProvider(Money),
    /// The provider owes the commissioners this amount.
    DueToCommissioners(Money),
}

impl std::fmt::Display for Balance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Balance::Settled => f.write_str("settled"),
            Balance::DueToProvider(m) => write!(f, "{m} due to the provider"),
            Balance::DueToCommissioners(m) => write!(f, "{m} due to the commissioners"),
        }
    }
}

impl Balance {
    fn from_pence(p: i64) -> Balance {
        match p {
            0 => Balance::Settled,
            p if p > 0 => Balance::DueToProvider(Money::from_pence(p)),
            p => Balance::DueToCommissioners(Money::from_pence(p).abs()),
        }
    }

    /// The balance as a signed amount: positive to the provider.
    #[must_use]
    pub fn signed(self) -> Money {
        match self {
            Balance::Settled => Money::ZERO,
            Balance::DueToProvider(m) => m,
            Balance::DueToCommissioners(m) => -m,
        }
    }
}

/// What the gain/loss share came to in a year.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct GainLoss {
    /// Target less actual: positive is a saving.
    pub variance: i64,
    pub gate_met: bool,
    pub before_quality: i64,
    pub after_quality: i64,
    pub cap: Option<i64>,
    /// The shared amount, signed: positive paid to the parties, negative paid by them.
    pub shared: i64,
    pub parties: Vec<i64>,
}

/// The core results of a year without any allocation: enough for a simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Core {
    pub lines: [i64; N_LINES],
    pub outcome_num: i128,
    pub outcome_den: i128,
    pub met_num: i128,
    pub milestone_num: i128,
    pub gl_variance: i64,
    pub gl_gate: bool,
    pub gl_before_quality: i64,
    pub gl_after_quality: i64,
    pub gl_cap: Option<i64>,
    pub gl_shared: i64,
    pub adjustments: i64,
    pub total_due: i64,
    pub paid: i64,
    pub balance: i64,
    pub incentive: i64,
}

/// A settled contract year in whole pence: every element, the instalments paid on account, the
/// balance, and each commissioner's part of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub(crate) year: u32,
    pub(crate) core: Core,
    pub(crate) cquin_earned: Vec<i64>,
    pub(crate) gain_loss: Option<GainLoss>,
    pub(crate) instalments: [i64; 12],
    /// `[line][commissioner]`.
    pub(crate) by_comm: Vec<i64>,
    /// `[month][commissioner]`.
    pub(crate) inst_by_comm: Vec<i64>,
    pub(crate) n_comm: usize,
    /// Per subcontract: fixed and incentive onward payments.
    pub(crate) onward: Vec<(i64, i64)>,
}

impl Settlement {
    /// The contract year settled.
    #[must_use]
    pub fn year(&self) -> u32 {
        self.year
    }

    /// The amount of one element.
    #[must_use]
    pub fn element(&self, e: Element) -> Money {
        Money::from_pence(self.core.lines.get(e.index()).copied().unwrap_or(0))
    }

    /// Everything due for the year.
    #[must_use]
    pub fn total_due(&self) -> Money {
        Money::from_pence(self.core.total_due)
    }

    /// Paid on account: the sum of the instalments, adjustments included.
    #[must_use]
    pub fn paid_on_account(&self) -> Money {
        Money::from_pence(self.core.paid)
    }

    /// The balance due either way.
    #[must_use]
    pub fn balance(&self) -> Balance {
        Balance::from_pence(self.core.balance)
    }

    /// The incentive earned (milestones, outcomes and CQUIN).
    #[must_use]
    pub fn incentive_earned(&self) -> Money {
        Money::from_pence(self.core.incentive)
    }

    /// The twelve instalments paid on account, adjustments included.
    #[must_use]
    pub fn instalments(&self) -> [Money; 12] {
        self.instalments.map(Money::from_pence)
    }

    /// The outcome score: the weighted mean achievement of the incentive indicators, or
    /// `None` when the contract has none or they were not needed this year.
    #[must_use]
    pub fn outcome_score(&self) -> Option<Share> {
        ratio(self.core.outcome_num, self.core.outcome_den)
    }

    /// Commissioner `c`'s part of element `e` (commissioners in contract order).
    #[must_use]
    pub fn commissioner_element(&self, c: usize, e: Element) -> Option<Money> {
        self.by_comm
            .get(e.index() * self.n_comm + c)
            .filter(|_| c < self.n_comm)
            .map(|p| Money::from_pence(*p))
    }

    /// Commissioner `c`'s part of the total due (the sum of its parts of the elements).
    #[must_use]
    pub fn commissioner_due(&self, c: usize) -> Option<Money> {
        self.comm_sum(&self.by_comm, c).map(Money::from_pence)
    }

    /// Commissioner `c`'s part of what was paid on account.
    #[must_use]
    pub fn commissioner_paid(&self, c: usize) -> Option<Money> {
        self.comm_sum(&self.inst_by_comm, c).map(Money::from_pence)
    }

    /// Commissioner `c`'s part of the balance (positive: it owes the provider).
    #[must_use]
    pub fn commissioner_balance(&self, c: usize) -> Option<Money> {
        let due = self.comm_sum(&self.by_comm, c)?;
        let paid = self.comm_sum(&self.inst_by_comm, c)?;
        Some(Money::from_pence(due.checked_sub(paid)?))
    }

    /// Commissioner `c`'s part of each instalment.
    #[must_use]
    pub fn commissioner_instalments(&self, c: usize) -> Option<[Money; 12]> {
        if c >= self.n_comm {
            return None;
        }
        let mut out = [Money::ZERO; 12];
        for (m, o) in out.iter_mut().enumerate() {
            *o = Money::from_pence(*self.inst_by_comm.get(m * self.n_comm + c)?);
        }
        Some(out)
    }

    /// The gain/loss share's amount for each party (contract order), signed: positive paid
    /// to the party, negative paid by it. Empty without a risk share.
    #[must_use]
    pub fn party_shares(&self) -> Vec<Money> {
        self.gain_loss
            .as_ref()
            .map(|g| g.parties.iter().map(|p| Money::from_pence(*p)).collect())
            .unwrap_or_default()
    }

    /// The lead provider's onward payments to each subcontractor: (fixed, incentive).
    #[must_use]
    pub fn onward_payments(&self) -> Vec<(Money, Money)> {
        self.onward
            .iter()
            .map(|(f, i)| (Money::from_pence(*f), Money::from_pence(*i)))
            .collect()
    }

    fn comm_sum(&self, rows: &[i64], c: usize) -> Option<i64> {
        if c >= self.n_comm {
            return None;
        }
        let sum: i128 = rows
            .iter()
            .skip(c)
            .step_by(self.n_comm)
            .map(|p| i128::from(*p))
            .sum();
        i64::try_from(sum).ok()
    }
}

pub(crate) fn ratio(num: i128, den: i128) -> Option<Share> {
    if den <= 0 {
        return None;
    }
    let n = rust_decimal::Decimal::from_i128_with_scale(num, 0);
    let d = rust_decimal::Decimal::from_i128_with_scale(den, 0);
    n.checked_div(d).map(Share::saturating)
}

/// Sentinel for a result not given.
pub(crate) const MISSING: i128 = -1;

/// Look the contract's ids up in a sorted map by a merge join, writing scaled values (or
/// [`MISSING`]) into `out`.
pub(crate) fn index_into(
    ids: &[String],
    map: &BTreeMap<String, Share>,
    rule: route_map_core::RoundingRule,
    out: &mut [i128],
) -> Result<()> {
    let mut it = map.iter().peekable();
    for (id, slot) in ids.iter().zip(out.iter_mut()) {
        while let Some((k, _)) = it.peek() {
            if k.as_str() < id.as_str() {
                it.next();
            } else {
                break;
            }
        }
        *slot = match it.peek() {
            Some((k, v)) if *k == id => {
                let s = pence::scaled(v.as_decimal(), rule)?;
                it.next();
                s
            }
            _ => MISSING,
        };
    }
    Ok(())
}

/// Results of a year in indexed form.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Inputs<'a> {
    pub measures: &'a [i128],
    pub milestones: &'a [i128],
    pub activity: Option<i64>,
    pub actual_cost: Option<i64>,
    /// (month index 0..12, amount)
    pub adjustments: &'a [(usize, i64)],
}

fn overflow(operation: &'static str) -> PaymentError {
    PaymentError::Overflow { operation }
}

impl Contract {
    fn measure(&self, year: u32, inputs: &Inputs<'_>, col: usize) -> Result<i128> {
        match inputs.measures.get(col) {
            Some(v) if *v >= 0 => Ok(*v),
            _ => Err(PaymentError::MissingResult {
                year,
                what: "achievement",
                id: self.c.measure_ids.get(col).cloned().unwrap_or_default(),
            }),
        }
    }

    /// The allocation-free core of settlement.
    #[allow(clippy::too_many_lines)]
    pub(crate) fn core(
        &self,
        year: u32,
        plan: &YearPlan,
        inputs: &Inputs<'_>,
        cquin_out: Option<&mut Vec<i64>>,
        parties_out: Option<&mut Vec<i64>>,
    ) -> Result<Core> {
        let c = &self.c;
        let rule = c.rule;
        let mut core = Core::default();
        let mut lines = [0i64; N_LINES];
        lines[0] = plan.fixed;

        // Milestones.
        // Milestone delivery is read only when the year pays on milestones.
        if plan.milestone_pot != 0 && plan.milestone_wsum > 0 {
            let mut num = 0i128;
            for (col, w) in plan.milestone_cols.iter().zip(&plan.milestone_w) {
                let d = match inputs.milestones.get(*col) {
                    Some(v) if *v >= 0 => *v,
                    _ => {
                        return Err(PaymentError::MissingResult {
                            year,
                            what: "milestone delivery",
                            id: c.milestone_ids.get(*col).cloned().unwrap_or_default(),
                        });
                    }
                };
                num += i128::from(*w) * d;
            }
            core.milestone_num = num;
            if plan.milestone_wsum > 0 {
                let n = i128::from(plan.milestone_pot)
                    .checked_mul(num)
                    .ok_or(overflow("milestone incentive"))?;
                lines[1] = narrow(div_round(n, plan.milestone_wsum * SCALE, rule)?)?;
            }
        }

        // Outcome score and the agreed formula.
        let needs_score =
            plan.outcome_pot != 0 || (c.risk.as_ref().is_some_and(|r| r.quality != CQuality::None));
        if needs_score && c.outcome_wsum > 0 {
            let met_at = match &c.formula {
                CFormula::ProportionMet { met_at } | CFormula::Banded { met_at, .. } => *met_at,
                CFormula::Proportional => SCALE,
            };
            let mut num = 0i128;
            let mut met = 0i128;
            for (col, w) in c.outcome_cols.iter().zip(&c.outcome_w) {
                let a = self.measure(year, inputs, *col)?;
                num += i128::from(*w) * a;
                if a >= met_at {
                    met += i128::from(*w);
                }
            }
            core.outcome_num = num;
            core.outcome_den = c.outcome_wsum * SCALE;
            core.met_num = met;
            let pot = i128::from(plan.outcome_pot);
            lines[2] = narrow(match &c.formula {
                CFormula::Proportional => div_round(
                    pot.checked_mul(num).ok_or(overflow("outcome incentive"))?,
                    core.outcome_den,
                    rule,
                )?,
                CFormula::ProportionMet { .. } => div_round(pot * met, c.outcome_wsum, rule)?,
                CFormula::Banded { bands, .. } => {
                    let pays = bands
                        .iter()
                        .rev()
                        .find(|(from, _)| met * SCALE >= *from * c.outcome_wsum)
                        .map_or(0, |(_, pays)| *pays);
                    div_round(pot * pays, SCALE, rule)?
                }
            })?;
        }

        // CQUIN: paid in advance at full value, under-achievement recovered.
        let mut cquin_earned = 0i64;
        let mut cquin_vec = cquin_out;
        if let Some(v) = cquin_vec.as_deref_mut() {
            v.clear();
        }
        // CQUIN results are read only in a year with a CQUIN value.
        let cquin_cols = if plan.cquin == 0 {
            &[][..]
        } else {
            &c.cquin_cols[..]
        };
        for (col, part) in cquin_cols.iter().zip(&plan.cquin_parts) {
            let a = self.measure(year, inputs, *col)?;
            let earned = apply(*part, a, rule)?;
            cquin_earned = cquin_earned
                .checked_add(earned)
                .ok_or(overflow("CQUIN earned"))?;
            if let Some(v) = cquin_vec.as_deref_mut() {
                v.push(earned);
            }
        }
        lines[3] = plan.cquin;
        lines[4] = cquin_earned - plan.cquin;

        // Variable element.
        if let (Some(v), Some(plan_units)) = (&c.variable, plan.plan_units) {
            let units = inputs.activity.ok_or(PaymentError::MissingResult {
                year,
                what: "activity",
                id: String::new(),
            })?;
            let diff = i128::from(units) - i128::from(plan_units);
            let rate = if diff >= 0 { v.above } else { v.below };
            let n = diff
                .checked_mul(i128::from(v.price))
                .and_then(|x| x.checked_mul(rate))
                .ok_or(overflow("variable element"))?;
            lines[5] = narrow(div_round(n, SCALE, rule)?)?;
        }

        // Gain and loss share.
        if let (Some(r), Some(target)) = (&c.risk, plan.target) {
            let actual = inputs.actual_cost.ok_or(PaymentError::MissingResult {
                year,
                what: "actual cost",
                id: String::new(),
            })?;
            let variance = target
                .checked_sub(actual)
                .ok_or(overflow("risk-share variance"))?;
            core.gl_variance = variance;
            let (side, caps) = if variance >= 0 {
                (Some(&r.gain), &plan.gain_caps)
            } else {
                (r.loss.as_ref(), &plan.loss_caps)
            };
            if let (Some(side), true) = (side, variance != 0) {
                let (gate, shared) = share_variance(side, variance.unsigned_abs(), target, rule)?;
                core.gl_gate = gate;
                core.gl_before_quality = shared;
                let mut after = shared;
                if variance > 0 {
                    match r.quality {
                        CQuality::None => {}
                        CQuality::Scaled => {
                            after = narrow(div_round(
                                i128::from(shared) * core.outcome_num,
                                core.outcome_den.max(1),
                                rule,
                            )?)?;
                        }
                        CQuality::Gate(min) => {
                            if core.outcome_num * SCALE < min * core.outcome_den {
                                after = 0;
                            }
                        }
                    }
                }
                core.gl_after_quality = after;
                core.gl_cap = caps.iter().copied().min();
                let capped = core.gl_cap.map_or(after, |cap| after.min(cap.max(0)));
                core.gl_shared = if variance > 0 { capped } else { -capped };
            }
            let n = r.party_w.len().min(MAX_PARTIES);
            let mut parts = [0i64; MAX_PARTIES];
            if let Some(out) = parts.get_mut(..n) {
                allocate_into(core.gl_shared, &r.party_w, r.party_sum, out);
                if let Some(v) = parties_out {
                    v.clear();
                    v.extend_from_slice(out);
                }
            }
            lines[6] = r
                .lead
                .and_then(|i| parts.get(i))
                .copied()
                .unwrap_or_default();
        }

        // In-year adjustments.
        let adjustments = inputs
            .adjustments
            .iter()
            .try_fold(0i64, |acc, (_, a)| acc.checked_add(*a))
            .ok_or(overflow("in-year adjustments"))?;
        lines[7] = adjustments;
        core.adjustments = adjustments;

        let mut total = 0i64;
        for l in &lines {
            total = total.checked_add(*l).ok_or(overflow("total due"))?;
        }
        core.lines = lines;
        core.total_due = total;
        core.paid = plan
            .planned
            .checked_add(adjustments)
            .ok_or(overflow("paid on account"))?;
        core.balance = total.checked_sub(core.paid).ok_or(overflow("balance"))?;
        core.incentive = lines[1]
            .checked_add(lines[2])
            .and_then(|x| x.checked_add(cquin_earned))
            .ok_or(overflow("incentive earned"))?;
        Ok(core)
    }

    /// Settle contract year `year` on its results.
    ///
    /// # Errors
    ///
    /// [`PaymentError::NoSuchYear`] outside the term; [`PaymentError::MissingResult`] when
    /// an indicator, a milestone due, the activity or the actual cost the contract needs is
    /// not given; [`PaymentError::InvalidMonth`] for an adjustment outside months 1 to 12;
    /// [`PaymentError::Overflow`] for amounts beyond about £92 million billion.
    ///
    /// ```
    /// use capitation::payment::*;
    /// let contract = illustrative::coventry()?;
    /// let full = contract.uniform_outturn(1, route_map_core::Share::ONE)?;
    /// let s = contract.settle(1, &full)?;
    /// assert_eq!(s.balance(), Balance::Settled);
    /// // CQUIN is carved from the incentive pot, so full achievement earns exactly the BACV.
    /// assert_eq!(s.total_due(), contract.base_value(1)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn settle(&self, year: u32, outturn: &YearOutturn) -> Result<Settlement> {
        let plan = self.plan(year)?;
        let mut measures = vec![MISSING; self.c.measure_ids.len()];
        index_into(
            &self.c.measure_ids,
            outturn.achievement.map(),
            self.c.rule,
            &mut measures,
        )?;
        let mut milestones = vec![MISSING; self.c.milestone_ids.len()];
        index_into(
            &self.c.milestone_ids,
            outturn.milestones.map(),
            self.c.rule,
            &mut milestones,
        )?;
        let mut adjustments = Vec::with_capacity(outturn.adjustments.len());
        for a in &outturn.adjustments {
            if !(1..=12).contains(&a.month) {
                return Err(PaymentError::InvalidMonth {
                    reason: a.reason.clone(),
                    month: a.month,
                });
            }
            adjustments.push((
                usize::try_from(a.month - 1).unwrap_or(0),
                pence::pence(a.amount)?,
            ));
        }
        let actual_cost = outturn.actual_cost.map(pence::pence).transpose()?;
        let inputs = Inputs {
            measures: &measures,
            milestones: &milestones,
            activity: outturn.activity,
            actual_cost,
            adjustments: &adjustments,
        };
        let mut cquin_earned = Vec::with_capacity(self.c.cquin_cols.len());
        let mut parties = Vec::new();
        let core = self.core(
            year,
            plan,
            &inputs,
            Some(&mut cquin_earned),
            Some(&mut parties),
        )?;

        // Instalments with adjustments, and each commissioner's part of everything.
        let n = self.c.comm_w.len();
        let mut instalments = plan.instalments;
        let mut inst_by_comm = plan.instalments_by_comm.clone();
        for (m, amount) in &adjustments {
            if let Some(i) = instalments.get_mut(*m) {
                *i = i.checked_add(*amount).ok_or(overflow("instalment"))?;
            }
        }
        for (m, _) in &adjustments {
            if let (Some(i), Some(out)) = (
                instalments.get(*m),
                inst_by_comm.get_mut(m * n..(m + 1) * n),
            ) {
                allocate_into(*i, &self.c.comm_w, self.c.comm_sum, out);
            }
        }
        let mut by_comm = vec![0i64; N_LINES * n];
        for (line, out) in core.lines.iter().zip(by_comm.chunks_mut(n.max(1))) {
            allocate_into(*line, &self.c.comm_w, self.c.comm_sum, out);
        }
        let onward = plan
            .onward_fixed
            .iter()
            .zip(&self.c.pass_through)
            .map(|(fixed, pass)| Ok((*fixed, apply(core.incentive, *pass, self.c.rule)?)))
            .collect::<Result<Vec<_>>>()?;
        let gain_loss = self.c.risk.as_ref().map(|_| GainLoss {
            variance: core.gl_variance,
            gate_met: core.gl_gate,
            before_quality: core.gl_before_quality,
            after_quality: core.gl_after_quality,
            cap: core.gl_cap,
            shared: core.gl_shared,
            parties,
        });
        Ok(Settlement {
            year,
            core,
            cquin_earned,
            gain_loss,
            instalments,
            by_comm,
            inst_by_comm,
            n_comm: n,
            onward,
        })
    }
}

/// Apply the dead band, the sharing convention and the corridors to a variance of `magnitude`
/// pence against `target`: whether the gate was met, and the shared amount in pence.
fn share_variance(
    side: &CSide,
    magnitude: u64,
    target: i64,
    rule: route_map_core::RoundingRule,
) -> Result<(bool, i64)> {
    let target = i128::from(target);
    let v = i128::from(magnitude)
        .checked_mul(SCALE)
        .ok_or(overflow("variance"))?;
    let band = side
        .threshold
        .checked_mul(target)
        .ok_or(overflow("dead band"))?;
    // The gate is met when the variance equals or exceeds the threshold (42 CFR 425.604).
    if v < band {
        return Ok((false, 0));
    }
    let start = if side.excess_only { band } else { 0 };
    let mut shared = 0i128;
    let mut corridors = side.corridors.iter().peekable();
    while let Some((from, rate)) = corridors.next() {
        let lo = (from * target).max(start);
        let hi = match corridors.peek() {
            Some((next, _)) => (next * target).min(v),
            None => v,
        };
        if hi > lo {
            let slice = (hi - lo).checked_mul(*rate).ok_or(overflow("corridor"))?;
            shared = shared.checked_add(slice).ok_or(overflow("corridor"))?;
        }
    }
    Ok((true, narrow(div_round(shared, SCALE * SCALE, rule)?)?))
}
