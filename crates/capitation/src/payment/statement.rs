//! The year-end statement: a waterfall of every element with the rule and parameter behind
//! each line, the balance due either way, each commissioner's part of every line and
//! instalment to the penny, the gain/loss parties and the onward payments to subcontractors.

use std::fmt;

use route_map_core::{FinancialYear, Money, MonthPeriod};
use rust_decimal::Decimal;
use serde::Serialize;

use super::achievement::YearOutturn;
use super::contract::Contract;
use super::engine::{Balance, Element, Settlement};
use super::error::Result;
use super::pence::SCALE;
use super::terms::{
    CapBase, CquinFunding, Formula, IncentivePaid, PartyRole, QualityRule, Sharing,
};

/// One line of the waterfall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementLine {
    /// The element.
    pub element: Element,
    /// What the line is.
    pub label: String,
    /// The rule that produced it.
    pub rule: String,
    /// The parameters the rule used.
    pub parameter: String,
    /// The amount: positive due to the provider.
    pub amount: Money,
    /// Each commissioner's part, in contract order; they sum to `amount`.
    pub by_commissioner: Vec<Money>,
}

/// A memorandum line: an input to or a step inside an element, not added to the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Memo {
    /// What the line is.
    pub label: String,
    /// The rule.
    pub rule: String,
    /// The amount.
    pub amount: Money,
}

/// One monthly instalment paid on account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstalmentLine {
    /// The month.
    pub month: MonthPeriod,
    /// The instalment, adjustments included.
    pub amount: Money,
    /// Each commissioner's part.
    pub by_commissioner: Vec<Money>,
}

/// A commissioner's totals for the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommissionerLine {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Its share of every payment.
    pub share: Decimal,
    /// Its part of the total due (the sum of its parts of the lines).
    pub due: Money,
    /// Its part of the instalments.
    pub paid: Money,
    /// Due less paid: positive it owes the provider, negative the provider owes it.
    pub balance: Money,
}

/// A party's part of the gain/loss share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyLine {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: PartyRole,
    /// Signed amount: positive paid to the party, negative paid by it.
    pub amount: Money,
}

/// The lead provider's onward payment to a subcontractor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OnwardLine {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// The fixed onward payment.
    pub fixed: Money,
    /// The incentive passed through.
    pub incentive: Money,
    /// Their sum.
    pub total: Money,
}

/// The year-end reconciliation statement of a contract year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// Contract name.
    pub contract: String,
    /// Lead provider.
    pub provider: String,
    /// Contract year.
    pub year: u32,
    /// Its financial year.
    pub financial_year: FinancialYear,
    /// How the base annual contract value was set.
    pub contract_value: Vec<Memo>,
    /// The waterfall.
    pub lines: Vec<StatementLine>,
    /// Steps inside the elements (CQUIN per indicator, milestone and gain/loss steps).
    pub details: Vec<Memo>,
    /// Everything due.
    pub total_due: Money,
    /// Paid on account.
    pub paid_on_account: Money,
    /// The balance either way.
    pub balance: Balance,
    /// The instalments.
    pub instalments: Vec<InstalmentLine>,
    /// Each commissioner's totals.
    pub commissioners: Vec<CommissionerLine>,
    /// The gain/loss parties.
    pub parties: Vec<PartyLine>,
    /// Onward payments to subcontractors.
    pub onward: Vec<OnwardLine>,
}

fn pct(scaled: i128) -> String {
    let d = Decimal::from_i128_with_scale(scaled, 12) * Decimal::ONE_HUNDRED;
    format!("{}%", d.normalize())
}

fn pct_dec(d: Decimal) -> String {
    format!("{}%", (d * Decimal::ONE_HUNDRED).normalize())
}

fn share_of(num: i128, den: i128) -> String {
    super::engine::ratio(num, den)
        .map_or_else(|| "n/a".to_owned(), |s| pct_dec(s.as_decimal().round_dp(4)))
}

impl Contract {
    /// Settle contract year `year` and render its statement.
    ///
    /// # Errors
    ///
    /// As [`Contract::settle`].
    ///
    /// ```
    /// use capitation::payment::*;
    /// let contract = illustrative::coventry()?;
    /// let outturn = contract.uniform_outturn(1, "0.5".parse()?)?;
    /// let st = contract.statement(1, &outturn)?;
    /// assert!(matches!(st.balance, Balance::DueToCommissioners(_)));
    /// let sum = route_map_core::Money::sum(st.lines.iter().map(|l| l.amount))?;
    /// assert_eq!(sum, st.total_due);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn statement(&self, year: u32, outturn: &YearOutturn) -> Result<Statement> {
        let s = self.settle(year, outturn)?;
        self.render(&s, outturn)
    }

    /// Render the statement of a settlement made by [`Contract::settle`] on `outturn`.
    ///
    /// # Errors
    ///
    /// [`super::PaymentError::NoSuchYear`] when the settlement is not of this contract's term.
    #[allow(clippy::too_many_lines)]
    pub fn render(&self, s: &Settlement, outturn: &YearOutturn) -> Result<Statement> {
        let year = s.year;
        let plan = self.plan(year)?;
        let raw = self.terms();
        let fy = self.financial_year(year)?;
        let m = Money::from_pence;
        let rule_name = format!("{:?}", self.c.rule);

        let mut contract_value = Vec::new();
        if year == 1 {
            contract_value.push(Memo {
                label: "Base annual contract value".into(),
                rule: "contract year 1: the agreed base value".into(),
                amount: m(plan.bacv),
            });
        } else {
            let r = raw.roll_forward.iter().find(|r| r.year == year);
            contract_value.push(Memo {
                label: "Previous year's base annual contract value".into(),
                rule: "roll-forward: set at the level of the previous year's BACV (seed 003)"
                    .into(),
                amount: m(plan.previous),
            });
            contract_value.push(Memo {
                label: "Agreed growth".into(),
                rule: format!(
                    "previous value × {} ({rule_name})",
                    pct_dec(r.map_or(Decimal::ZERO, |r| r.growth))
                ),
                amount: m(plan.growth),
            });
            contract_value.push(Memo {
                label: "Efficiency".into(),
                rule: format!(
                    "grown value × {} ({rule_name})",
                    pct_dec(r.map_or(Decimal::ZERO, |r| r.efficiency))
                ),
                amount: m(-plan.efficiency),
            });
            for (name, amount) in &plan.variations {
                contract_value.push(Memo {
                    label: format!("Scope variation: {name}"),
                    rule: "agreed by contract variation".into(),
                    amount: m(*amount),
                });
            }
            contract_value.push(Memo {
                label: "Base annual contract value".into(),
                rule: "sum of the above".into(),
                amount: m(plan.bacv),
            });
        }

        let n = self.c.comm_w.len();
        let mut lines = Vec::new();
        let mut details = Vec::new();
        let mut push = |element: Element, label: String, rule: String, parameter: String| {
            let by_commissioner = (0..n)
                .map(|c| s.commissioner_element(c, element).unwrap_or(Money::ZERO))
                .collect();
            lines.push(StatementLine {
                element,
                label,
                rule,
                parameter,
                amount: s.element(element),
                by_commissioner,
            });
        };

        let cquin_carved = raw
            .cquin
            .as_ref()
            .is_some_and(|c| c.funding == CquinFunding::WithinIncentive);
        push(
            Element::Fixed,
            "Fixed element".into(),
            "base annual contract value less the performance incentive payment at risk".into(),
            format!(
                "BACV {}; at risk {} = {} ({rule_name})",
                m(plan.bacv),
                pct(plan.at_risk),
                m(plan.pot)
            ),
        );
        let pot_after = plan.milestone_pot + plan.outcome_pot;
        let pot_note = if cquin_carved {
            format!(
                "pot {} less CQUIN {} = {}",
                m(plan.pot),
                m(plan.cquin),
                m(pot_after)
            )
        } else {
            format!("pot {}", m(pot_after))
        };
        push(
            Element::Milestones,
            "Performance incentive: transformation milestones".into(),
            "milestone pot × weighted delivery of the milestones due this year".into(),
            format!(
                "{pot_note}; {} on milestones = {}; delivered {}",
                pct(plan.on_milestones),
                m(plan.milestone_pot),
                if plan.milestone_pot == 0 {
                    "n/a".to_owned()
                } else {
                    share_of(s.core.milestone_num, plan.milestone_wsum * SCALE)
                }
            ),
        );
        let scored = s.core.outcome_den > 0;
        let met_share = if scored {
            share_of(s.core.met_num, self.c.outcome_wsum)
        } else {
            "n/a".to_owned()
        };
        let formula = match &raw.incentive.formula {
            Formula::Proportional => format!(
                "proportional: outcome pot × weighted mean achievement ({})",
                share_of(s.core.outcome_num, s.core.outcome_den)
            ),
            Formula::ProportionMet { met_at } => format!(
                "in proportion to the indicators met (achievement ≥ {}): {met_share} by weight",
                pct_dec(*met_at),
            ),
            Formula::Banded { met_at, bands } => format!(
                "banded on the indicators met (achievement ≥ {}): {met_share} by weight; bands {}",
                pct_dec(*met_at),
                bands
                    .iter()
                    .map(|b| format!("from {} pays {}", pct_dec(b.from), pct_dec(b.pays)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        push(
            Element::Outcomes,
            "Performance incentive: outcomes".into(),
            formula,
            format!(
                "outcome pot {} ({} of the incentive); {} indicators",
                m(plan.outcome_pot),
                pct(SCALE - plan.on_milestones),
                self.c.outcome_cols.len()
            ),
        );
        if let Some(cq) = &raw.cquin {
            let funding = match cq.funding {
                CquinFunding::AddedToFixed => "added to the fixed element",
                CquinFunding::WithinIncentive => "carved from the incentive pot",
            };
            push(
                Element::CquinAdvance,
                "CQUIN paid monthly in advance".into(),
                format!("CQUIN value = rate × fixed element, {funding}"),
                format!(
                    "{} of {} = {}; {} indicators equally weighted",
                    pct(plan.cquin_rate),
                    m(plan.fixed),
                    m(plan.cquin),
                    cq.indicators.len()
                ),
            );
            push(
                Element::CquinRecovery,
                "CQUIN recovered for under-achievement".into(),
                "each indicator's equal part × (1 − achievement), recovered at year end".into(),
                format!(
                    "earned {} of {}",
                    m(s.cquin_earned
                        .iter()
                        .fold(0i64, |a, e| a.saturating_add(*e))),
                    m(plan.cquin)
                ),
            );
            for ((id, part), earned) in cq
                .indicators
                .iter()
                .zip(&plan.cquin_parts)
                .zip(&s.cquin_earned)
            {
                details.push(Memo {
                    label: format!("CQUIN {id}: earned of {}", m(*part)),
                    rule: format!(
                        "part × achievement {}",
                        outturn
                            .achievement
                            .get(id)
                            .map_or_else(|| "n/a".into(), |a| a.to_string())
                    ),
                    amount: m(*earned),
                });
            }
        }
        if let (Some(v), Some(units)) = (&raw.variable, plan.plan_units) {
            let actual = outturn.activity.unwrap_or(units);
            push(
                Element::Variable,
                format!("Variable element: {}", v.activity),
                "(actual − plan) × unit price × marginal rate (above or below plan)".into(),
                format!(
                    "actual {actual}, plan {units}; price {}; above {}, below {}",
                    v.unit_price,
                    pct_dec(v.above_plan),
                    pct_dec(v.below_plan)
                ),
            );
        }
        if let (Some(r), Some(gl)) = (&raw.risk_share, &s.gain_loss) {
            let target = plan.target.unwrap_or(0);
            let side = if gl.variance >= 0 {
                Some(&r.gain)
            } else {
                r.loss.as_ref()
            };
            let terms = side.map_or_else(
                || "no loss share (upside only)".to_owned(),
                |sd| {
                    format!(
                        "threshold {} of target, {}, corridors {}",
                        pct_dec(sd.threshold),
                        match sd.sharing {
                            Sharing::FirstPound => "first-pound sharing",
                            Sharing::ExcessOnly => "excess-only sharing",
                        },
                        sd.corridors
                            .iter()
                            .map(|c| format!("from {} at {}", pct_dec(c.from), pct_dec(c.rate)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            );
            push(
                Element::GainLossShare,
                format!("Gain/loss share: {}", r.basket),
                "lead provider's part of the shared variance against the target cost".into(),
                format!(
                    "target {}, variance {} ({} of target); {terms}",
                    m(target),
                    m(gl.variance),
                    share_of(i128::from(gl.variance.abs()), i128::from(target))
                ),
            );
            details.push(Memo {
                label: "Gain/loss: variance (target − actual)".into(),
                rule: if gl.gate_met {
                    "dead band met (equals or exceeds the threshold)".into()
                } else {
                    "inside the dead band: nothing shared".into()
                },
                amount: m(gl.variance),
            });
            details.push(Memo {
                label: "Gain/loss: shared before quality".into(),
                rule: format!("slices of the variance × corridor rates ({rule_name})"),
                amount: m(gl.before_quality),
            });
            if gl.variance > 0 && r.quality != QualityRule::None {
                details.push(Memo {
                    label: "Gain/loss: after quality".into(),
                    rule: format!(
                        "{:?} on outcome score {}",
                        r.quality,
                        share_of(s.core.outcome_num, s.core.outcome_den)
                    ),
                    amount: m(gl.after_quality),
                });
            }
            if let Some(cap) = gl.cap {
                let side = if gl.variance >= 0 {
                    Some(&r.gain)
                } else {
                    r.loss.as_ref()
                };
                let bases = side
                    .map(|sd| {
                        sd.caps
                            .iter()
                            .map(|c| {
                                format!(
                                    "{} of {}",
                                    pct_dec(c.share),
                                    match &c.of {
                                        CapBase::TargetCost => "target cost".to_owned(),
                                        CapBase::ContractValue => "contract value".to_owned(),
                                        CapBase::Revenue { amount } => format!("revenue {amount}"),
                                    }
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                details.push(Memo {
                    label: if gl.after_quality > cap {
                        "Gain/loss: cap binds".into()
                    } else {
                        "Gain/loss: cap (not binding)".into()
                    },
                    rule: format!("lowest of {bases}, rounded down"),
                    amount: m(cap),
                });
            }
            details.push(Memo {
                label: "Gain/loss: shared amount".into(),
                rule: "split between the parties by largest remainder".into(),
                amount: m(gl.shared),
            });
        }
        let reasons = outturn
            .adjustments
            .iter()
            .map(|a| format!("month {}: {} {}", a.month, a.reason, a.amount))
            .collect::<Vec<_>>()
            .join("; ");
        push(
            Element::Adjustments,
            "In-year adjustments".into(),
            "agreed in year, paid with the month's instalment".into(),
            if reasons.is_empty() {
                "none".into()
            } else {
                reasons
            },
        );
        if raw.incentive.paid != IncentivePaid::InArrears {
            details.push(Memo {
                label: "Incentive paid on account".into(),
                rule: "assumed achievement × incentive pot, in the instalments".into(),
                amount: m(plan.advance),
            });
        }

        let months = fy.months();
        let instalments = months
            .iter()
            .zip(s.instalments)
            .enumerate()
            .map(|(i, (month, amount))| InstalmentLine {
                month: *month,
                amount: m(amount),
                by_commissioner: (0..n)
                    .map(|c| m(s.inst_by_comm.get(i * n + c).copied().unwrap_or(0)))
                    .collect(),
            })
            .collect();
        let commissioners = raw
            .commissioners
            .iter()
            .enumerate()
            .map(|(i, c)| CommissionerLine {
                id: c.id.clone(),
                name: c.name.clone(),
                share: c.share,
                due: s.commissioner_due(i).unwrap_or(Money::ZERO),
                paid: s.commissioner_paid(i).unwrap_or(Money::ZERO),
                balance: s.commissioner_balance(i).unwrap_or(Money::ZERO),
            })
            .collect();
        let parties = raw
            .risk_share
            .iter()
            .flat_map(|r| r.parties.iter())
            .zip(s.party_shares())
            .map(|(p, amount)| PartyLine {
                id: p.id.clone(),
                name: p.name.clone(),
                role: p.role,
                amount,
            })
            .collect();
        let onward = raw
            .subcontracts
            .iter()
            .zip(&s.onward)
            .map(|(sc, (f, i))| OnwardLine {
                id: sc.id.clone(),
                name: sc.name.clone(),
                fixed: m(*f),
                incentive: m(*i),
                total: m(f.saturating_add(*i)),
            })
            .collect();
        Ok(Statement {
            contract: raw.name.clone(),
            provider: raw.provider.clone(),
            year,
            financial_year: fy,
            contract_value,
            lines,
            details,
            total_due: s.total_due(),
            paid_on_account: s.paid_on_account(),
            balance: s.balance(),
            instalments,
            commissioners,
            parties,
            onward,
        })
    }
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} ({}): contract year {} ({})",
            self.contract, self.provider, self.year, self.financial_year
        )?;
        for memo in &self.contract_value {
            writeln!(
                f,
                "  {:<52} {:>18}   [{}]",
                memo.label, memo.amount, memo.rule
            )?;
        }
        writeln!(f, "  Waterfall")?;
        for l in &self.lines {
            writeln!(f, "  {:<52} {:>18}", l.label, l.amount)?;
            writeln!(f, "      rule: {}", l.rule)?;
            writeln!(f, "      parameters: {}", l.parameter)?;
        }
        for d in &self.details {
            writeln!(f, "    · {:<48} {:>18}   [{}]", d.label, d.amount, d.rule)?;
        }
        writeln!(f, "  {:<52} {:>18}", "Total due", self.total_due)?;
        writeln!(
            f,
            "  {:<52} {:>18}",
            "Paid on account", self.paid_on_account
        )?;
        let balance = match self.balance {
            Balance::Settled => "Balance: settled".to_owned(),
            Balance::DueToProvider(a) => format!("Balance due to {}: {a}", self.provider),
            Balance::DueToCommissioners(a) => format!("Balance due to the commissioners: {a}"),
        };
        writeln!(f, "  {balance}")?;
        for c in &self.commissioners {
            writeln!(
                f,
                "  {} ({}, {}): due {}, paid {}, balance {}",
                c.name,
                c.id,
                pct_dec(c.share),
                c.due,
                c.paid,
                c.balance
            )?;
        }
        if let (Some(first), Some(last)) = (self.instalments.first(), self.instalments.last()) {
            writeln!(
                f,
                "  Instalments: {} {} … {} {}",
                first.month, first.amount, last.month, last.amount
            )?;
        }
        for p in &self.parties {
            writeln!(
                f,
                "  Gain/loss party {} ({:?}): {}",
                p.name, p.role, p.amount
            )?;
        }
        for o in &self.onward {
            writeln!(
                f,
                "  Onward payment to {}: fixed {} + incentive {} = {}",
                o.name, o.fixed, o.incentive, o.total
            )?;
        }
        Ok(())
    }
}
