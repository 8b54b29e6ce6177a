//! Procurement Act 2023 notices after award: contract change (UK10), contract termination
//! (UK11), procurement termination (UK12) and payments compliance (UK17).
//!
//! Each duty is read from the Act's text (ss.55, 69, 75 and 80) and its parameters live in
//! `regimes.toml`. The UK notice codes come from Find a Tender: UK11 is confirmed by a
//! published termination notice; UK10, UK12 and UK17 by secondary sources (marked unverified).

use chrono::{Datelike, Duration, NaiveDate};
use route_map_core::{Money, SourceRef};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::law::{key_date, parameter};
use crate::regime::Regime;
use crate::routes::NoticeKind;

/// What a modified contract is for; s.75(2)(a) sets a different limb for works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContractSubject {
    /// Goods or services (10 % limb).
    GoodsOrServices,
    /// Works (15 % limb).
    Works,
}

/// A proposed modification of a contract awarded under the Procurement Act 2023.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaModification {
    /// The regime the contract was awarded under.
    pub regime: Regime,
    /// Goods or services, or works.
    pub subject: ContractSubject,
    /// Estimated value of the contract before the modification.
    pub value_before: Money,
    /// Estimated value after the modification.
    pub value_after: Money,
    /// Maximum term provided for on award, in months.
    pub max_term_months: u32,
    /// Change in the term made by the modification, in months (negative to shorten).
    #[serde(default)]
    pub term_change_months: i32,
    /// Novation or assignment on corporate restructuring (Sch. 8 para. 9): always noticed.
    #[serde(default)]
    pub corporate_restructuring: bool,
    /// The modification could reasonably have been made with an earlier one and the two
    /// together would have needed a notice (s.75(4)-(5)).
    #[serde(default)]
    pub combinable_with_earlier_noticed: bool,
}

/// Whether a contract change notice (UK10) is required before a modification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeNoticeDecision {
    /// True when the UK10 notice must be published before the modification.
    pub required: bool,
    /// The notice (UK10).
    pub notice: NoticeKind,
    /// Value change as a percentage of the value before (4 decimal places), if not zero.
    pub value_change_percent: Option<Decimal>,
    /// Term change as a percentage of the maximum term (4 decimal places).
    pub term_change_percent: Decimal,
    /// Why.
    pub explanation: String,
    /// Sources.
    pub sources: Vec<SourceRef>,
}

fn uk10_source() -> SourceRef {
    SourceRef::new("Procurement Act 2023")
        .with_clause("s.75 (contract change notices); UK10 code on Find a Tender")
        .with_url("https://legislation.gov.uk/ukpga/2023/54/section/75/data.xht")
        .unverified(
            "UK10 notice code from secondary sources (proquro 2026), not read on Find a Tender",
        )
}

/// Within `limit` percent of `base`, compared exactly: `|change| * 100 <= base * limit`.
fn within(change: Decimal, base: Decimal, limit: Decimal) -> Option<bool> {
    let lhs = change.abs().checked_mul(Decimal::ONE_HUNDRED)?;
    let rhs = base.checked_mul(limit)?;
    Some(lhs <= rhs)
}

fn percent_of(change: Decimal, base: Decimal) -> Option<Decimal> {
    if base.is_zero() {
        return None;
    }
    change
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|x| x.checked_div(base))
        .map(|x| x.round_dp(4))
}

/// Whether a contract change notice must be published before modifying a Procurement Act
/// contract (s.75): not for light touch contracts (s.75(6)(b)); otherwise required unless the
/// value moves by 10 % or less (15 % for works) or the term by 10 % or less of the maximum
/// term, except that a corporate-restructuring novation is always noticed and a modification
/// that should have been combined with an earlier noticed one is noticed too.
///
/// # Errors
///
/// [`Error::NegativeValue`] for a negative value; [`Error::Invalid`] for a regime that is not
/// a Procurement Act award regime, a zero maximum term, or a term change that would leave a
/// negative term.
///
/// # Example
///
/// ```
/// use procurement_rules::lifecycle::{contract_change_notice, ContractSubject, PaModification};
/// use procurement_rules::regime::Regime;
/// let d = contract_change_notice(&PaModification {
///     regime: Regime::Pa2023Public,
///     subject: ContractSubject::GoodsOrServices,
///     value_before: "1000000".parse()?,
///     value_after: "1150000".parse()?,
///     max_term_months: 36,
///     term_change_months: 6,
///     corporate_restructuring: false,
///     combinable_with_earlier_noticed: false,
/// })?;
/// assert!(d.required); // +15 % value and +16.7 % term
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn contract_change_notice(m: &PaModification) -> Result<ChangeNoticeDecision> {
    for (field, v) in [
        ("value before", m.value_before),
        ("value after", m.value_after),
    ] {
        if v.is_negative() {
            return Err(Error::NegativeValue { field, value: v });
        }
    }
    if m.max_term_months == 0 {
        return Err(Error::invalid("maximum term", "must be at least one month"));
    }
    if i64::from(m.max_term_months) + i64::from(m.term_change_months) < 0 {
        return Err(Error::invalid("term change", "would leave a negative term"));
    }
    let value_limit = match m.subject {
        ContractSubject::GoodsOrServices => parameter("pa_change_notice_goods_services_percent")?,
        ContractSubject::Works => parameter("pa_change_notice_works_percent")?,
    };
    let term_limit = parameter("pa_change_notice_term_percent")?;
    let mut sources = vec![
        uk10_source(),
        value_limit.source.clone(),
        term_limit.source.clone(),
    ];
    let value_change = m.value_after.checked_sub(m.value_before)?.as_decimal();
    let base = m.value_before.as_decimal();
    let term_change = Decimal::from(m.term_change_months);
    let max_term = Decimal::from(m.max_term_months);
    let value_change_percent = percent_of(value_change, base);
    let term_change_percent = percent_of(term_change, max_term).unwrap_or_default();
    let overflow = || Error::invalid("modification", "value too large to compare");
    let value_small = if base.is_zero() {
        value_change.is_zero()
    } else {
        within(value_change, base, value_limit.value).ok_or_else(overflow)?
    };
    let term_small = within(term_change, max_term, term_limit.value).ok_or_else(overflow)?;
    let (required, explanation) = match m.regime {
        Regime::Pa2023LightTouch => (
            false,
            "light touch contracts need no contract change notice (s.75(6)(b))".to_owned(),
        ),
        Regime::Pa2023Public => {
            if m.corporate_restructuring {
                (
                    true,
                    "novation or assignment on corporate restructuring is always noticed (s.75(2))"
                        .to_owned(),
                )
            } else if m.combinable_with_earlier_noticed {
                (
                    true,
                    "could reasonably have been made with an earlier modification that together needed a notice (s.75(4)-(5))"
                        .to_owned(),
                )
            } else if value_small {
                (
                    false,
                    format!(
                        "value changes by {} % (at most {} %, s.75(2)(a))",
                        value_change_percent.unwrap_or_default(),
                        value_limit.value
                    ),
                )
            } else if term_small {
                (
                    false,
                    format!(
                        "term changes by {term_change_percent} % of the maximum term (at most {} %, s.75(2)(b))",
                        term_limit.value
                    ),
                )
            } else {
                (
                    true,
                    format!(
                        "value changes by {} % and term by {term_change_percent} %: publish UK10 before modifying (s.75(1))",
                        value_change_percent.unwrap_or_default()
                    ),
                )
            }
        }
        other => {
            return Err(Error::invalid(
                "regime",
                format!(
                    "{other:?}: contract change notices apply to Procurement Act public contracts"
                ),
            ));
        }
    };
    if !matches!(m.regime, Regime::Pa2023Public) {
        sources.truncate(1);
    }
    Ok(ChangeNoticeDecision {
        required,
        notice: NoticeKind::Uk10ContractChange,
        value_change_percent,
        term_change_percent,
        explanation,
        sources,
    })
}

/// A dated notice duty after award.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeDeadline {
    /// The notice.
    pub notice: NoticeKind,
    /// The first day of the counting period (included).
    pub counted_from: NaiveDate,
    /// The last day on which the notice may be published.
    pub last_day: NaiveDate,
    /// Sources.
    pub sources: Vec<SourceRef>,
}

/// Last day of a period of `days` days beginning with `first` (the first day counts).
fn beginning_with(first: NaiveDate, days: Decimal) -> Result<NaiveDate> {
    let n = i64::try_from(days)
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| Error::EmbeddedData {
            name: "regimes.toml",
            reason: format!("period of {days} days is not a positive whole number"),
        })?;
    first
        .checked_add_signed(Duration::days(n - 1))
        .ok_or_else(|| Error::invalid("date", "out of range"))
}

/// The contract termination notice (UK11) due after a Procurement Act public contract ends
/// (expiry, discharge, termination by a party, rescission or set aside): before the end of
/// the 30 days beginning with the day it terminates (s.80(1)). Returns `None` for a user
/// choice direct award (s.80(4)(b)).
///
/// # Errors
///
/// [`Error::Invalid`] for a regime other than the Act's public or light touch contracts (a
/// below-threshold contract is not a public contract), or a termination before the Act.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use procurement_rules::lifecycle::contract_termination_notice;
/// use procurement_rules::regime::Regime;
/// let ended = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
/// let d = contract_termination_notice(Regime::Pa2023LightTouch, ended, false)?.unwrap();
/// assert_eq!(d.last_day, NaiveDate::from_ymd_opt(2027, 4, 29).unwrap());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn contract_termination_notice(
    regime: Regime,
    terminated_on: NaiveDate,
    user_choice_direct_award: bool,
) -> Result<Option<NoticeDeadline>> {
    if !matches!(regime, Regime::Pa2023Public | Regime::Pa2023LightTouch) {
        return Err(Error::invalid(
            "regime",
            format!(
                "{regime:?}: contract termination notices apply to Procurement Act public contracts"
            ),
        ));
    }
    let start = key_date("pa2023_start")?;
    if terminated_on < start.date {
        return Err(Error::invalid(
            "termination date",
            format!("{terminated_on} is before the Procurement Act came into force"),
        ));
    }
    if user_choice_direct_award {
        return Ok(None);
    }
    let days = parameter("pa_contract_termination_days")?;
    Ok(Some(NoticeDeadline {
        notice: NoticeKind::Uk11ContractTermination,
        counted_from: terminated_on,
        last_day: beginning_with(terminated_on, days.value)?,
        sources: vec![
            days.source.clone(),
            SourceRef::new("Find a Tender")
                .with_clause("UK11 - Contract Termination Notice (published notice 004566-2026)")
                .with_url("https://d3tenders.com/contract/?ocid=ocds-h6vhtk-060416"),
        ],
    }))
}

/// A six-month payments reporting period and its notice deadline (s.69).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentsReportingPeriod {
    /// First day (the commencement day for the first period).
    pub start: NaiveDate,
    /// Last day (31 March or 30 September).
    pub end: NaiveDate,
    /// The payments compliance notice (UK17) and its last day.
    pub deadline: NoticeDeadline,
}

/// The payments reporting period containing `date` and the last day for its payments
/// compliance notice (UK17): periods end on 31 March and 30 September, the first running from
/// commencement; the notice is due before the end of the 30 days beginning with the period's
/// last day, when a payment was made or fell due in it (s.69(1), (3)).
///
/// # Errors
///
/// [`Error::OutOfScope`] for a date before s.69 came into force.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use procurement_rules::lifecycle::payments_reporting_period;
/// let p = payments_reporting_period(NaiveDate::from_ymd_opt(2026, 11, 3).unwrap())?;
/// assert_eq!(p.end, NaiveDate::from_ymd_opt(2027, 3, 31).unwrap());
/// assert_eq!(p.deadline.last_day, NaiveDate::from_ymd_opt(2027, 4, 29).unwrap());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn payments_reporting_period(date: NaiveDate) -> Result<PaymentsReportingPeriod> {
    let start_key = key_date("pa_payments_compliance_start")?;
    if date < start_key.date {
        return Err(Error::OutOfScope {
            date,
            reason: format!(
                "payments compliance notices start on {} (s.69)",
                start_key.date
            ),
        });
    }
    let ymd = |y, m, d| {
        NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| Error::invalid("date", "out of range"))
    };
    let y = date.year();
    let (start, end) = if date.month() <= 3 {
        (ymd(y - 1, 10, 1)?, ymd(y, 3, 31)?)
    } else if date.month() <= 9 {
        (ymd(y, 4, 1)?, ymd(y, 9, 30)?)
    } else {
        (ymd(y, 10, 1)?, ymd(y + 1, 3, 31)?)
    };
    let start = start.max(start_key.date);
    let days = parameter("pa_payments_compliance_days")?;
    Ok(PaymentsReportingPeriod {
        start,
        end,
        deadline: NoticeDeadline {
            notice: NoticeKind::Uk17PaymentsCompliance,
            counted_from: end,
            last_day: beginning_with(end, days.value)?,
            sources: vec![
                days.source.clone(),
                start_key.source.clone(),
                SourceRef::new("Find a Tender")
                    .with_clause("UK17 payments compliance notice")
                    .with_url("https://proquro.co.uk/?p=1008")
                    .unverified("UK17 code from a secondary source, not read on Find a Tender"),
            ],
        },
    })
}

/// The procurement termination notice (UK12) owed when, after a tender or transparency notice,
/// the authority decides not to award (s.55). The Act's wording on timing was not read, so
/// the decision date is returned as the earliest publication day with an unverified source.
///
/// # Errors
///
/// [`Error::Invalid`] for a regime other than the Act's public or light touch contracts, or a
/// decision before the Act.
pub fn procurement_termination_notice(regime: Regime, decided_on: NaiveDate) -> Result<NoticeKind> {
    if !matches!(regime, Regime::Pa2023Public | Regime::Pa2023LightTouch) {
        return Err(Error::invalid(
            "regime",
            format!(
                "{regime:?}: procurement termination notices apply to Procurement Act procurements"
            ),
        ));
    }
    if decided_on < key_date("pa2023_start")?.date {
        return Err(Error::invalid(
            "decision date",
            format!("{decided_on} is before the Procurement Act came into force"),
        ));
    }
    Ok(NoticeKind::Uk12ProcurementTermination)
}

/// Source of the UK12 duty (s.55), kept unverified.
#[must_use]
pub fn procurement_termination_source() -> SourceRef {
    SourceRef::new("Procurement Act 2023")
        .with_clause("s.55 and Procurement Regulations 2024 reg. 37 (procurement termination notices)")
        .with_url("https://www.procurementpathway.civilservice.gov.uk/documents/guidance/procurement-termination-notices/evaluation-stage")
        .unverified("s.55 text and the UK12 code not read; Welsh guidance describes the notice as compulsory after a tender or transparency notice")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn m(before: &str, after: &str, term: i32) -> PaModification {
        PaModification {
            regime: Regime::Pa2023Public,
            subject: ContractSubject::GoodsOrServices,
            value_before: before.parse().unwrap(),
            value_after: after.parse().unwrap(),
            max_term_months: 60,
            term_change_months: term,
            corporate_restructuring: false,
            combinable_with_earlier_noticed: false,
        }
    }

    #[test]
    fn ten_percent_exactly_needs_no_notice() {
        let r = contract_change_notice(&m("1000000", "1100000", 12)).unwrap();
        assert!(!r.required, "{}", r.explanation);
        let r = contract_change_notice(&m("1000000", "1100001", 12)).unwrap();
        assert!(r.required);
    }

    #[test]
    fn works_use_fifteen_percent() {
        let mut x = m("1000000", "1150000", 12);
        x.subject = ContractSubject::Works;
        assert!(!contract_change_notice(&x).unwrap().required);
        x.value_after = "1150001".parse().unwrap();
        assert!(contract_change_notice(&x).unwrap().required);
    }

    #[test]
    fn short_term_change_exempts_and_decreases_count() {
        assert!(
            !contract_change_notice(&m("1000000", "2000000", 6))
                .unwrap()
                .required
        );
        assert!(
            contract_change_notice(&m("1000000", "800000", -7))
                .unwrap()
                .required
        );
    }

    #[test]
    fn restructuring_and_light_touch() {
        let mut x = m("1000000", "1000000", 0);
        x.corporate_restructuring = true;
        assert!(contract_change_notice(&x).unwrap().required);
        x.regime = Regime::Pa2023LightTouch;
        assert!(!contract_change_notice(&x).unwrap().required);
        x.regime = Regime::Psr;
        assert!(matches!(
            contract_change_notice(&x),
            Err(Error::Invalid { .. })
        ));
    }

    #[test]
    fn bad_modifications_are_errors() {
        let mut x = m("-1", "10", 0);
        assert!(matches!(
            contract_change_notice(&x),
            Err(Error::NegativeValue { .. })
        ));
        x = m("10", "10", -61);
        assert!(matches!(
            contract_change_notice(&x),
            Err(Error::Invalid { .. })
        ));
        x = m("10", "10", 0);
        x.max_term_months = 0;
        assert!(matches!(
            contract_change_notice(&x),
            Err(Error::Invalid { .. })
        ));
    }

    #[test]
    fn termination_counts_the_day_it_ends() {
        let r = contract_termination_notice(Regime::Pa2023Public, d(2026, 12, 24), false)
            .unwrap()
            .unwrap();
        assert_eq!(r.last_day, d(2027, 1, 22));
        assert!(
            contract_termination_notice(Regime::Pa2023Public, d(2026, 12, 24), true)
                .unwrap()
                .is_none()
        );
        assert!(
            contract_termination_notice(Regime::Pa2023BelowThreshold, d(2026, 1, 1), false)
                .is_err()
        );
        assert!(contract_termination_notice(Regime::Pa2023Public, d(2025, 2, 23), false).is_err());
    }

    #[test]
    fn payments_periods() {
        let p = payments_reporting_period(d(2026, 2, 1)).unwrap();
        assert_eq!((p.start, p.end), (d(2026, 1, 1), d(2026, 3, 31)));
        assert_eq!(p.deadline.last_day, d(2026, 4, 29));
        let p = payments_reporting_period(d(2026, 9, 30)).unwrap();
        assert_eq!(
            (p.start, p.end, p.deadline.last_day),
            (d(2026, 4, 1), d(2026, 9, 30), d(2026, 10, 29))
        );
        assert!(matches!(
            payments_reporting_period(d(2025, 12, 31)),
            Err(Error::OutOfScope { .. })
        ));
    }

    #[test]
    fn procurement_termination() {
        assert_eq!(
            procurement_termination_notice(Regime::Pa2023Public, d(2026, 5, 1)).unwrap(),
            NoticeKind::Uk12ProcurementTermination
        );
        assert!(procurement_termination_notice(Regime::Psr, d(2026, 5, 1)).is_err());
        assert!(!procurement_termination_source().is_verified());
    }
}
