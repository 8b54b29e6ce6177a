//! Existing contracts (seed 000's existing contract analysis, seed 002 step 3): the earliest
//! lawful exit from each contract and the terms that constrict a target commencement date.
//!
//! The terms are the contract's own (expiry, notice, break dates, consent, novation), given as
//! input; nothing here is law data.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use route_map_core::period::{DateRounding, add_months};

use crate::error::{Error, Result};

/// Who must agree to a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    /// The commissioner may act alone.
    NotNeeded,
    /// The provider must consent.
    ProviderConsent,
    /// Not possible under the contract.
    NotPermitted,
}

/// An existing contract as given (see [`ExistingContract`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExistingContract {
    /// Identifier.
    pub id: String,
    /// The provider.
    pub provider: String,
    /// The services, in words.
    #[serde(default)]
    pub services: String,
    /// First day of the contract.
    pub start: NaiveDate,
    /// Last day of the contract's term (before any extension).
    pub expiry: NaiveDate,
    /// The commissioner may terminate without cause on this many months' notice.
    #[serde(default)]
    pub termination_notice_months: Option<u32>,
    /// Notice may not be served before this date (a lock-in period).
    #[serde(default)]
    pub notice_not_before: Option<NaiveDate>,
    /// Dates on which the commissioner may break the contract on the same notice.
    #[serde(default)]
    pub break_dates: Vec<NaiveDate>,
    /// Whether early termination needs the provider's consent.
    pub early_termination: Consent,
    /// Whether the contract can be novated to a new (lead) provider.
    pub novation: Consent,
    /// Months of extension the provider may insist on (an extension at the provider's option).
    #[serde(default)]
    pub provider_extension_months: Option<u32>,
}

/// A validated existing contract: start before expiry, break dates within the term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawExistingContract", into = "RawExistingContract")]
pub struct ExistingContract(RawExistingContract);

impl TryFrom<RawExistingContract> for ExistingContract {
    type Error = Error;
    fn try_from(raw: RawExistingContract) -> Result<ExistingContract> {
        ExistingContract::new(raw)
    }
}

impl From<ExistingContract> for RawExistingContract {
    fn from(c: ExistingContract) -> RawExistingContract {
        c.0
    }
}

impl ExistingContract {
    /// Validate a contract.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when the expiry precedes the start, a break date lies outside the
    /// term, or the notice period is zero months.
    pub fn new(raw: RawExistingContract) -> Result<ExistingContract> {
        if raw.expiry < raw.start {
            return Err(Error::invalid(
                format!("contract {}", raw.id),
                format!("expiry {} precedes start {}", raw.expiry, raw.start),
            ));
        }
        if let Some(b) = raw
            .break_dates
            .iter()
            .find(|b| **b < raw.start || **b > raw.expiry)
        {
            return Err(Error::invalid(
                format!("contract {}", raw.id),
                format!("break date {b} is outside the term"),
            ));
        }
        if raw.termination_notice_months == Some(0) {
            return Err(Error::invalid(
                format!("contract {}", raw.id),
                "a notice period of zero months",
            ));
        }
        if !raw.break_dates.is_empty() && raw.termination_notice_months.is_none() {
            return Err(Error::invalid(
                format!("contract {}", raw.id),
                "break dates need a notice period",
            ));
        }
        Ok(ExistingContract(raw))
    }

    /// The validated fields.
    #[must_use]
    pub fn raw(&self) -> &RawExistingContract {
        &self.0
    }
}

/// How a contract can be exited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExitBasis {
    /// It runs to expiry (extended by any provider option).
    Expiry,
    /// Termination without cause on notice.
    TerminationOnNotice,
    /// A break date.
    BreakClause,
}

/// The earliest lawful exit from a contract without the provider's agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exit {
    /// The contract.
    pub contract: String,
    /// First day the commissioner is free of the contract.
    pub free_from: NaiveDate,
    /// How.
    pub basis: ExitBasis,
    /// The day notice must be served by, when notice is needed.
    pub serve_notice_by: Option<NaiveDate>,
    /// Explanation.
    pub explanation: String,
}

fn day_after(d: NaiveDate) -> Result<NaiveDate> {
    d.checked_add_days(Days::new(1))
        .ok_or(Error::Core(route_map_core::Error::Overflow {
            operation: "date arithmetic",
        }))
}

fn months(d: NaiveDate, n: u32) -> Result<NaiveDate> {
    let n = i32::try_from(n).map_err(|_| Error::invalid("notice period", "too many months"))?;
    Ok(add_months(d, n, DateRounding::Up)?)
}

/// The earliest exit from `contract` open to the commissioner alone, if notice is served no
/// earlier than `today`.
///
/// # Errors
///
/// [`Error::Core`] on date overflow.
pub fn earliest_exit(contract: &ExistingContract, today: NaiveDate) -> Result<Exit> {
    let c = contract.raw();
    let mut expiry = c.expiry;
    let mut expl = format!("runs to expiry on {}", c.expiry);
    if let Some(ext) = c.provider_extension_months {
        expiry = months(c.expiry, ext)?;
        expl = format!(
            "runs to {expiry}: expiry {} plus the provider's {ext}-month extension option",
            c.expiry
        );
    }
    let mut best = Exit {
        contract: c.id.clone(),
        free_from: day_after(expiry)?,
        basis: ExitBasis::Expiry,
        serve_notice_by: None,
        explanation: expl,
    };
    if c.early_termination == Consent::NotNeeded
        && let Some(n) = c.termination_notice_months
    {
        let serve = today.max(c.notice_not_before.unwrap_or(today));
        if c.break_dates.is_empty() {
            let effective = months(serve, n)?;
            if effective < best.free_from {
                best = Exit {
                    contract: c.id.clone(),
                    free_from: effective,
                    basis: ExitBasis::TerminationOnNotice,
                    serve_notice_by: Some(serve),
                    explanation: format!(
                        "{n} months' notice served on {serve} takes effect on {effective}"
                    ),
                };
            }
        } else {
            for b in &c.break_dates {
                let latest_serve =
                    b.checked_sub_months(chrono::Months::new(n))
                        .ok_or(Error::Core(route_map_core::Error::Overflow {
                            operation: "date arithmetic",
                        }))?;
                if latest_serve >= serve {
                    let free = day_after(*b)?;
                    if free < best.free_from {
                        best = Exit {
                            contract: c.id.clone(),
                            free_from: free,
                            basis: ExitBasis::BreakClause,
                            serve_notice_by: Some(latest_serve),
                            explanation: format!(
                                "break on {b} with {n} months' notice served by {latest_serve}"
                            ),
                        };
                    }
                    break;
                }
            }
        }
    }
    Ok(best)
}

/// What kind of term constricts the new contract.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TermKind {
    /// The contract runs past the target and cannot be ended in time by the commissioner.
    RunsPastTarget,
    /// Ending it early needs the provider's consent.
    ConsentToTerminate,
    /// Novation is not permitted.
    NovationNotPermitted,
    /// Novation needs the provider's consent.
    ConsentToNovate,
    /// Notice must be served by a date (an action, not yet a constraint).
    ServeNoticeBy,
    /// A provider extension option pushes the end date out.
    ProviderExtension,
}

/// A term that constricts (or times) the move to the new contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConstrictingTerm {
    /// The contract.
    pub contract: String,
    /// The provider.
    pub provider: String,
    /// What kind.
    pub kind: TermKind,
    /// True when it prevents the target without agreement; false for an action with a date.
    pub blocking: bool,
    /// Explanation.
    pub message: String,
}

/// The existing contracts mapped against a target commencement date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContractMap {
    /// The target.
    pub target: NaiveDate,
    /// Earliest exit per contract, in input order.
    pub exits: Vec<Exit>,
    /// Terms that constrict or time the move.
    pub terms: Vec<ConstrictingTerm>,
    /// The earliest date on which every contract can be exited without agreement.
    pub all_free_from: Option<NaiveDate>,
}

/// Map `contracts` against a target commencement date, with notice served no earlier than
/// `today`; `novate` says whether the plan moves the contracts to a new lead provider.
///
/// # Errors
///
/// [`Error::Duplicate`] for a contract identifier used twice; [`Error::Invalid`] when `today`
/// is after the target; [`Error::Core`] on date overflow.
///
/// ```
/// use procurement_rules::existing::*;
/// use chrono::NaiveDate;
/// let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
/// let c = ExistingContract::new(RawExistingContract {
///     id: "community".into(), provider: "CWPT".into(), services: "community services".into(),
///     start: d(2015, 4, 1), expiry: d(2019, 3, 31), termination_notice_months: Some(6),
///     notice_not_before: None, break_dates: vec![], early_termination: Consent::NotNeeded,
///     novation: Consent::ProviderConsent, provider_extension_months: None,
/// })?;
/// let map = map_contracts(&[c], d(2018, 4, 1), d(2017, 7, 19), true)?;
/// assert_eq!(map.exits[0].free_from, d(2018, 1, 19));
/// assert!(map.terms.iter().any(|t| t.kind == TermKind::ConsentToNovate));
/// # Ok::<(), procurement_rules::Error>(())
/// ```
pub fn map_contracts(
    contracts: &[ExistingContract],
    target: NaiveDate,
    today: NaiveDate,
    novate: bool,
) -> Result<ContractMap> {
    if today > target {
        return Err(Error::invalid(
            "contract map",
            format!("today {today} is after the target {target}"),
        ));
    }
    let mut ids = BTreeSet::new();
    let mut exits = Vec::new();
    let mut terms = Vec::new();
    for contract in contracts {
        let c = contract.raw();
        if !ids.insert(c.id.as_str()) {
            return Err(Error::Duplicate {
                kind: "existing contract",
                id: c.id.clone(),
            });
        }
        let exit = earliest_exit(contract, today)?;
        let term = |kind, blocking, message: String| ConstrictingTerm {
            contract: c.id.clone(),
            provider: c.provider.clone(),
            kind,
            blocking,
            message,
        };
        if exit.free_from > target {
            terms.push(term(
                TermKind::RunsPastTarget,
                true,
                format!(
                    "earliest exit without agreement is {} ({}), after the target {target}",
                    exit.free_from, exit.explanation
                ),
            ));
            if c.early_termination == Consent::ProviderConsent {
                terms.push(term(
                    TermKind::ConsentToTerminate,
                    true,
                    "ending the contract early needs the provider's consent".into(),
                ));
            }
            if let Some(ext) = c.provider_extension_months {
                terms.push(term(
                    TermKind::ProviderExtension,
                    true,
                    format!("the provider may extend by {ext} months"),
                ));
            }
        } else if let Some(by) = exit.serve_notice_by {
            // Latest date notice can be served and still be free by the target.
            let latest = match exit.basis {
                ExitBasis::TerminationOnNotice => {
                    let n = c.termination_notice_months.unwrap_or(0);
                    target
                        .checked_sub_months(chrono::Months::new(n))
                        .unwrap_or(by)
                }
                _ => by,
            };
            terms.push(term(
                TermKind::ServeNoticeBy,
                false,
                format!("serve notice between {by} and {latest} to be free by {target}"),
            ));
        }
        if novate {
            match c.novation {
                Consent::NotPermitted => terms.push(term(
                    TermKind::NovationNotPermitted,
                    true,
                    "the contract cannot be novated to the new provider".into(),
                )),
                Consent::ProviderConsent => terms.push(term(
                    TermKind::ConsentToNovate,
                    false,
                    "novation needs the provider's consent: agree new novation terms".into(),
                )),
                Consent::NotNeeded => {}
            }
        }
        exits.push(exit);
    }
    let all_free_from = exits.iter().map(|e| e.free_from).max();
    terms.sort_by(|a, b| {
        b.blocking
            .cmp(&a.blocking)
            .then(a.kind.cmp(&b.kind))
            .then(a.contract.cmp(&b.contract))
    });
    Ok(ContractMap {
        target,
        exits,
        terms,
        all_free_from,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn raw(id: &str) -> RawExistingContract {
        RawExistingContract {
            id: id.into(),
            provider: "P".into(),
            services: String::new(),
            start: d(2016, 4, 1),
            expiry: d(2021, 3, 31),
            termination_notice_months: None,
            notice_not_before: None,
            break_dates: vec![],
            early_termination: Consent::ProviderConsent,
            novation: Consent::NotNeeded,
            provider_extension_months: None,
        }
    }

    #[test]
    fn expiry_only_contract_runs_past_target() {
        let c = ExistingContract::new(raw("a")).unwrap();
        let m = map_contracts(&[c], d(2018, 4, 1), d(2017, 7, 1), false).unwrap();
        assert_eq!(m.exits[0].free_from, d(2021, 4, 1));
        assert!(
            m.terms
                .iter()
                .any(|t| t.kind == TermKind::RunsPastTarget && t.blocking)
        );
        assert!(
            m.terms
                .iter()
                .any(|t| t.kind == TermKind::ConsentToTerminate)
        );
    }

    #[test]
    fn break_dates_and_lock_in() {
        let mut r = raw("b");
        r.early_termination = Consent::NotNeeded;
        r.termination_notice_months = Some(6);
        r.break_dates = vec![d(2018, 3, 31), d(2019, 3, 31)];
        let c = ExistingContract::new(r.clone()).unwrap();
        // Notice for the 2018 break had to be served by 30 Sep 2017.
        let e = earliest_exit(&c, d(2017, 7, 1)).unwrap();
        assert_eq!(
            (e.free_from, e.basis),
            (d(2018, 4, 1), ExitBasis::BreakClause)
        );
        let late = earliest_exit(&c, d(2017, 11, 1)).unwrap();
        assert_eq!(late.free_from, d(2019, 4, 1));
        r.break_dates.clear();
        r.notice_not_before = Some(d(2018, 1, 1));
        let locked = earliest_exit(&ExistingContract::new(r).unwrap(), d(2017, 7, 1)).unwrap();
        assert_eq!(locked.free_from, d(2018, 7, 1));
    }

    #[test]
    fn provider_extension_and_novation() {
        let mut r = raw("c");
        r.provider_extension_months = Some(12);
        r.novation = Consent::NotPermitted;
        let m = map_contracts(
            &[ExistingContract::new(r).unwrap()],
            d(2021, 4, 1),
            d(2020, 1, 1),
            true,
        )
        .unwrap();
        assert_eq!(m.exits[0].free_from, d(2022, 4, 1));
        assert!(
            m.terms
                .iter()
                .any(|t| t.kind == TermKind::NovationNotPermitted)
        );
        assert!(
            m.terms
                .iter()
                .any(|t| t.kind == TermKind::ProviderExtension)
        );
    }

    #[test]
    fn invalid_contracts() {
        let mut r = raw("x");
        r.expiry = d(2015, 1, 1);
        assert!(ExistingContract::new(r).is_err());
        let mut r = raw("x");
        r.break_dates = vec![d(2018, 1, 1)];
        assert!(ExistingContract::new(r.clone()).is_err());
        r.termination_notice_months = Some(0);
        assert!(ExistingContract::new(r).is_err());
        let c = ExistingContract::new(raw("dup")).unwrap();
        assert!(matches!(
            map_contracts(&[c.clone(), c.clone()], d(2018, 1, 1), d(2017, 1, 1), false),
            Err(Error::Duplicate { .. })
        ));
        assert!(map_contracts(&[c], d(2017, 1, 1), d(2018, 1, 1), false).is_err());
    }
}
