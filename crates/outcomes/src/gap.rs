//! Gap analysis: current outcomes against desired outcomes, per indicator and per domain
//! (seed 001, strategic commissioning: "identification of gap between existing outcomes and
//! desired outcomes").

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::framework::Framework;
use crate::id::IndicatorId;

/// Where an indicator stands against its desired value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GapStatus {
    /// At or beyond the desired value.
    Met,
    /// Short of it.
    Shortfall,
    /// The trajectory sets no target for the year.
    NoTarget,
    /// No current value was given.
    NoData,
}

/// One indicator's gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IndicatorGap {
    /// The indicator.
    pub id: IndicatorId,
    /// Its domain.
    pub domain: IndicatorId,
    /// The current value.
    pub current: Option<Decimal>,
    /// The desired value: the target for the contract year, or the latest earlier one.
    pub desired: Option<Decimal>,
    /// The shortfall in the direction of improvement (positive: short; zero or negative: met).
    pub gap: Option<Decimal>,
    /// The shortfall as a fraction of the desired value, when that is not zero.
    pub relative_gap: Option<Decimal>,
    /// Status.
    pub status: GapStatus,
}

/// One domain's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DomainGap {
    /// The domain.
    pub id: IndicatorId,
    /// Its name.
    pub name: String,
    /// Indicators met.
    pub met: usize,
    /// Indicators short of their target.
    pub shortfall: usize,
    /// Indicators without a target or without data.
    pub unassessed: usize,
    /// The largest relative shortfall among its indicators, if any.
    pub worst: Option<(IndicatorId, Decimal)>,
}

/// A gap analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GapAnalysis {
    /// The contract year whose targets were used.
    pub contract_year: u32,
    /// Per indicator, in framework order.
    pub indicators: Vec<IndicatorGap>,
    /// Per domain, in framework order.
    pub domains: Vec<DomainGap>,
}

/// Compare current values with the targets for `contract_year` (the latest target at or
/// before it). Milestone indicators have no value and are left out.
///
/// # Errors
///
/// [`Error::Unknown`] for a current value keyed by an id the framework does not have;
/// [`Error::Phasing`] for contract year 0.
///
/// # Examples
///
/// ```
/// use outcomes::gap::{gap_analysis, GapStatus};
/// use outcomes::templates;
/// use rust_decimal::Decimal;
/// let f = templates::coventry_warwickshire()?;
/// let current = [("OOH-04".parse()?, Decimal::new(141, 1))].into_iter().collect();
/// let gaps = gap_analysis(&f, &current, 3)?;
/// let readmissions = gaps.indicators.iter().find(|g| g.id.as_str() == "OOH-04").unwrap();
/// assert_eq!(readmissions.status, GapStatus::Shortfall);
/// assert_eq!(readmissions.gap, Some(Decimal::new(6, 1))); // 14.1% against 13.5%
/// # Ok::<(), outcomes::Error>(())
/// ```
pub fn gap_analysis(
    framework: &Framework,
    current: &BTreeMap<IndicatorId, Decimal>,
    contract_year: u32,
) -> Result<GapAnalysis> {
    if contract_year == 0 {
        return Err(Error::Phasing {
            reason: "contract years count from 1".into(),
        });
    }
    for id in current.keys() {
        if framework.indicator(id.as_str()).is_none() {
            return Err(Error::Unknown {
                kind: "indicator",
                id: id.to_string(),
                context: "gap analysis".into(),
            });
        }
    }
    let mut indicators = Vec::new();
    for (d, _, i) in framework
        .indicators()
        .filter(|(_, _, i)| !i.curve().is_milestones())
    {
        let desired = i
            .trajectory()
            .iter()
            .filter(|p| p.contract_year <= contract_year)
            .max_by_key(|p| p.contract_year)
            .map(|p| p.target);
        let now = current.get(i.id()).copied();
        let (gap, relative_gap, status) = match (now, desired) {
            (None, _) => (None, None, GapStatus::NoData),
            (Some(_), None) => (None, None, GapStatus::NoTarget),
            (Some(c), Some(t)) => {
                let overflow = || {
                    Error::Core(route_map_core::Error::Overflow {
                        operation: "gap analysis",
                    })
                };
                let gap = t.checked_sub(c).ok_or_else(overflow)? * i.polarity().sign();
                let rel = if t.is_zero() {
                    None
                } else {
                    Some(gap.checked_div(t.abs()).ok_or_else(overflow)?)
                };
                let status = if gap > Decimal::ZERO {
                    GapStatus::Shortfall
                } else {
                    GapStatus::Met
                };
                (Some(gap), rel, status)
            }
        };
        indicators.push(IndicatorGap {
            id: i.id().clone(),
            domain: d.id.clone(),
            current: now,
            desired,
            gap,
            relative_gap,
            status,
        });
    }
    let domains = framework
        .domains()
        .iter()
        .filter_map(|d| {
            let mine: Vec<&IndicatorGap> = indicators.iter().filter(|g| g.domain == d.id).collect();
            if mine.is_empty() {
                return None;
            }
            let count = |s: GapStatus| mine.iter().filter(|g| g.status == s).count();
            let worst = mine
                .iter()
                .filter(|g| g.status == GapStatus::Shortfall)
                .filter_map(|g| g.relative_gap.map(|r| (g.id.clone(), r)))
                .max_by(|a, b| a.1.cmp(&b.1));
            Some(DomainGap {
                id: d.id.clone(),
                name: d.name.clone(),
                met: count(GapStatus::Met),
                shortfall: count(GapStatus::Shortfall),
                unassessed: count(GapStatus::NoTarget) + count(GapStatus::NoData),
                worst,
            })
        })
        .collect();
    Ok(GapAnalysis {
        contract_year,
        indicators,
        domains,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates;
    use rust_decimal_macros::dec;

    #[test]
    fn gaps_by_indicator_and_domain() {
        let f = templates::coventry_warwickshire().unwrap();
        let id = |s: &str| IndicatorId::new(s).unwrap();
        let current = BTreeMap::from([
            (id("OOH-01"), dec!(2050)),
            (id("OOH-02"), dec!(2.7)),
            (id("OOH-03"), dec!(68)),
        ]);
        let g = gap_analysis(&f, &current, 3).unwrap();
        let find = |s: &str| g.indicators.iter().find(|x| x.id.as_str() == s).unwrap();
        assert_eq!(find("OOH-01").gap, Some(dec!(50)));
        assert_eq!(find("OOH-01").relative_gap, Some(dec!(0.025)));
        assert_eq!(find("OOH-02").status, GapStatus::Met);
        assert_eq!(find("OOH-03").desired, Some(dec!(75)));
        assert_eq!(find("OOH-03").status, GapStatus::Shortfall);
        assert_eq!(find("OOH-07").status, GapStatus::NoData);
        // Year 2 uses OOH-03's year 2 target; OOH-01 has none yet.
        let g2 = gap_analysis(&f, &current, 2).unwrap();
        assert_eq!(
            g2.indicators
                .iter()
                .find(|x| x.id.as_str() == "OOH-03")
                .unwrap()
                .desired,
            Some(dec!(60))
        );
        assert_eq!(
            g2.indicators
                .iter()
                .find(|x| x.id.as_str() == "OOH-01")
                .unwrap()
                .status,
            GapStatus::NoTarget
        );
        let d2 = g.domains.iter().find(|d| d.id.as_str() == "D2").unwrap();
        assert_eq!((d2.met, d2.shortfall), (1, 1));
        assert_eq!(d2.worst.as_ref().unwrap().0.as_str(), "OOH-03");
        assert!(
            g.indicators
                .iter()
                .all(|x| !x.id.as_str().starts_with("OOH-M"))
        );
        assert!(gap_analysis(&f, &BTreeMap::from([(id("X"), dec!(1))]), 3).is_err());
        assert!(gap_analysis(&f, &current, 0).is_err());
    }
}
