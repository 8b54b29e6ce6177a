//! Rate cards: a price per outcome achieved, times the count, as social impact bonds and
//! outcomes funds pay (a menu of outcomes, each with the most the payer will pay per outcome;
//! GO Lab, "Outcomes rate cards"). Totals may be capped; a binding cap is shared across the
//! lines by largest remainder so the lines still sum to the total to the penny.

use std::collections::{BTreeMap, BTreeSet};

use route_map_core::{Money, SourceRef};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::IndicatorId;

/// One priced outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateCardEntry {
    /// The outcome.
    pub outcome: IndicatorId,
    /// What it is ("settled accommodation sustained for 6 months").
    pub name: String,
    /// Price per outcome achieved.
    pub price: Money,
    /// The most outcomes paid for, if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_count: Option<u64>,
}

/// A rate card as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRateCard {
    /// The priced outcomes.
    pub entries: Vec<RateCardEntry>,
    /// A cap on the total paid, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<Money>,
    /// Where it comes from.
    pub source: SourceRef,
}

/// A validated rate card: unique outcomes, prices and cap not negative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRateCard", into = "RawRateCard")]
pub struct RateCard {
    raw: RawRateCard,
}

impl schemars::JsonSchema for RateCard {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RateCard".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        RawRateCard::json_schema(generator)
    }
}

impl TryFrom<RawRateCard> for RateCard {
    type Error = Error;
    fn try_from(raw: RawRateCard) -> Result<Self> {
        RateCard::new(raw)
    }
}

impl From<RateCard> for RawRateCard {
    fn from(r: RateCard) -> Self {
        r.raw
    }
}

/// One line of a rate-card payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RateCardLine {
    /// The outcome.
    pub outcome: IndicatorId,
    /// Outcomes achieved.
    pub count: u64,
    /// Outcomes paid for (after the entry's maximum).
    pub paid_count: u64,
    /// Price times paid count.
    pub amount: Money,
    /// The amount after the total cap's share.
    pub paid: Money,
}

/// A rate-card payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RateCardPayment {
    /// Lines in card order.
    pub lines: Vec<RateCardLine>,
    /// Sum before the cap.
    pub uncapped: Money,
    /// The total paid.
    pub total: Money,
    /// Whether the cap bound.
    pub capped: bool,
}

impl RateCard {
    /// Validate a rate card.
    ///
    /// # Errors
    ///
    /// [`Error::Empty`] for no entries; [`Error::Duplicate`] for an outcome priced twice;
    /// [`Error::InvalidCounts`] for a negative price or cap.
    pub fn new(raw: RawRateCard) -> Result<RateCard> {
        if raw.entries.is_empty() {
            return Err(Error::Empty {
                context: "rate card".into(),
                what: "entries",
            });
        }
        let mut seen = BTreeSet::new();
        for e in &raw.entries {
            if !seen.insert(e.outcome.as_str()) {
                return Err(Error::Duplicate {
                    kind: "outcome",
                    id: e.outcome.to_string(),
                    context: "rate card".into(),
                });
            }
            if e.price.is_negative() {
                return Err(Error::InvalidCounts {
                    context: format!("rate card outcome {}", e.outcome),
                    reason: format!("price {} is negative", e.price),
                });
            }
        }
        if raw.cap.is_some_and(Money::is_negative) {
            return Err(Error::InvalidCounts {
                context: "rate card".into(),
                reason: "cap is negative".into(),
            });
        }
        Ok(RateCard { raw })
    }

    /// The entries.
    #[must_use]
    pub fn entries(&self) -> &[RateCardEntry] {
        &self.raw.entries
    }

    /// Pay for counts of outcomes achieved (outcomes without a count are paid nothing).
    ///
    /// # Errors
    ///
    /// [`Error::Unknown`] for a count of an outcome not on the card; an overflow.
    ///
    /// # Examples
    ///
    /// ```
    /// use outcomes::ratecard::*;
    /// use outcomes::IndicatorId;
    /// use route_map_core::{Money, SourceRef};
    /// let card = RateCard::new(RawRateCard {
    ///     entries: vec![RateCardEntry { outcome: "ACC-6M".parse()?, name: "accommodation sustained 6 months".into(),
    ///         price: Money::from_pounds(1_500), max_count: None }],
    ///     cap: None,
    ///     source: SourceRef::new("illustrative"),
    /// })?;
    /// let counts = [("ACC-6M".parse::<IndicatorId>()?, 12u64)].into_iter().collect();
    /// assert_eq!(card.pay(&counts)?.total, Money::from_pounds(18_000));
    /// # Ok::<(), outcomes::Error>(())
    /// ```
    pub fn pay(&self, counts: &BTreeMap<IndicatorId, u64>) -> Result<RateCardPayment> {
        for id in counts.keys() {
            if !self.raw.entries.iter().any(|e| &e.outcome == id) {
                return Err(Error::Unknown {
                    kind: "outcome",
                    id: id.to_string(),
                    context: "rate card".into(),
                });
            }
        }
        let mut lines = Vec::with_capacity(self.raw.entries.len());
        for e in &self.raw.entries {
            let count = counts.get(&e.outcome).copied().unwrap_or(0);
            let paid_count = e.max_count.map_or(count, |m| count.min(m));
            let n = i64::try_from(paid_count).map_err(|_| {
                Error::Core(route_map_core::Error::Overflow {
                    operation: "rate card count",
                })
            })?;
            let amount = e.price.checked_mul_int(n)?;
            lines.push(RateCardLine {
                outcome: e.outcome.clone(),
                count,
                paid_count,
                amount,
                paid: amount,
            });
        }
        let uncapped = Money::sum(lines.iter().map(|l| l.amount))?;
        let (total, capped) = match self.raw.cap {
            Some(cap) if uncapped > cap => (cap, true),
            _ => (uncapped, false),
        };
        if capped {
            let weights: Vec<Decimal> = lines.iter().map(|l| l.amount.as_decimal()).collect();
            for (line, share) in lines.iter_mut().zip(total.allocate(&weights)?) {
                line.paid = share;
            }
        }
        Ok(RateCardPayment {
            lines,
            uncapped,
            total,
            capped,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, pounds: i64, max: Option<u64>) -> RateCardEntry {
        RateCardEntry {
            outcome: IndicatorId::new(id).unwrap(),
            name: id.into(),
            price: Money::from_pounds(pounds),
            max_count: max,
        }
    }

    fn card(cap: Option<Money>) -> RateCard {
        RateCard::new(RawRateCard {
            entries: vec![
                entry("ACC-3M", 1000, None),
                entry("ACC-6M", 1500, Some(10)),
                entry("WORK-26W", 3000, None),
            ],
            cap,
            source: SourceRef::new("illustrative, after the Fair Chance Fund rate card outcomes"),
        })
        .unwrap()
    }

    fn counts(v: &[(&str, u64)]) -> BTreeMap<IndicatorId, u64> {
        v.iter()
            .map(|(k, n)| (IndicatorId::new(k).unwrap(), *n))
            .collect()
    }

    #[test]
    fn price_times_count_with_limits_and_cap() {
        let p = card(None)
            .pay(&counts(&[("ACC-3M", 20), ("ACC-6M", 12), ("WORK-26W", 3)]))
            .unwrap();
        assert_eq!(p.lines[1].paid_count, 10);
        assert_eq!(p.total, Money::from_pounds(20_000 + 15_000 + 9_000));
        assert!(!p.capped);
        let capped = card(Some(Money::from_pence(3_333_333)))
            .pay(&counts(&[("ACC-3M", 20), ("ACC-6M", 12), ("WORK-26W", 3)]))
            .unwrap();
        assert!(capped.capped);
        assert_eq!(capped.total, Money::from_pence(3_333_333));
        assert_eq!(
            Money::sum(capped.lines.iter().map(|l| l.paid)).unwrap(),
            capped.total
        );
    }

    #[test]
    fn errors() {
        assert!(matches!(
            card(None).pay(&counts(&[("NOPE", 1)])),
            Err(Error::Unknown { .. })
        ));
        let dup = RateCard::new(RawRateCard {
            entries: vec![entry("A", 1, None), entry("A", 2, None)],
            cap: None,
            source: SourceRef::new("t"),
        });
        assert!(matches!(dup, Err(Error::Duplicate { .. })));
        let neg = RateCard::new(RawRateCard {
            entries: vec![entry("A", -1, None)],
            cap: None,
            source: SourceRef::new("t"),
        });
        assert!(matches!(neg, Err(Error::InvalidCounts { .. })));
        let cap = RateCard::new(RawRateCard {
            entries: vec![entry("A", 1, None)],
            cap: Some(Money::from_pounds(-1)),
            source: SourceRef::new("t"),
        });
        assert!(cap.is_err());
        let empty = RateCard::new(RawRateCard {
            entries: vec![],
            cap: None,
            source: SourceRef::new("t"),
        });
        assert!(matches!(empty, Err(Error::Empty { .. })));
    }
}
