//! Frameworks of domains, outcomes and indicators, and the aggregation of indicator
//! achievement into outcome, domain and framework achievement for a contract year.
//!
//! Aggregation is a weighted mean at each level, `Σ wᵢ·aᵢ / Σ wᵢ`, over the indicators that
//! count in the year (by the [`PhasingSchedule`]); levels with nothing counting drop out and
//! their siblings' weights renormalise. Each basis (milestones, outcomes, CQUIN) is aggregated
//! on its own and the results blended by the year's phasing shares. A must-meet gateway that
//! counts in the year and is not met in full sets the framework's achievement to nothing.

use std::collections::{BTreeMap, BTreeSet};

use route_map_core::{Share, SourceRef};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::curve::{ACHIEVEMENT_ROUNDING, Performance, Scored, to_achievement};
use crate::error::{Error, Result};
use crate::id::IndicatorId;
use crate::indicator::{IncentiveBasis, Indicator};
use crate::phasing::PhasingSchedule;
use crate::weights;

/// An outcome and the indicators that measure it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// Identifier, unique in the framework.
    pub id: IndicatorId,
    /// What people should experience.
    pub name: String,
    /// Relative weight within its domain.
    pub weight: Decimal,
    /// Its indicators.
    pub indicators: Vec<Indicator>,
}

/// A domain of outcomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    /// Identifier, unique in the framework.
    pub id: IndicatorId,
    /// Name.
    pub name: String,
    /// Relative weight within the framework.
    pub weight: Decimal,
    /// Its outcomes.
    pub outcomes: Vec<Outcome>,
}

/// A framework as written, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFramework {
    /// Identifier.
    pub id: IndicatorId,
    /// Name.
    pub name: String,
    /// Where its shape comes from.
    pub source: SourceRef,
    /// True when domains or indicators are an illustrative set rather than the agreed one.
    #[serde(default)]
    pub illustrative: bool,
    /// Its domains.
    pub domains: Vec<Domain>,
    /// What counts in which contract year; without one every indicator counts every year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phasing: Option<PhasingSchedule>,
}

/// A validated framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawFramework", into = "RawFramework")]
pub struct Framework {
    raw: RawFramework,
}

impl schemars::JsonSchema for Framework {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Framework".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        RawFramework::json_schema(generator)
    }
}

impl TryFrom<RawFramework> for Framework {
    type Error = Error;
    fn try_from(raw: RawFramework) -> Result<Self> {
        Framework::new(raw)
    }
}

impl From<Framework> for RawFramework {
    fn from(f: Framework) -> Self {
        f.raw
    }
}

/// One indicator's result in a scored year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IndicatorScore {
    /// The indicator.
    pub id: IndicatorId,
    /// Its domain.
    pub domain: IndicatorId,
    /// Its outcome.
    pub outcome: IndicatorId,
    /// What it pays for.
    pub basis: IncentiveBasis,
    /// Its achievement and why.
    pub scored: Scored,
    /// Its share of the framework's achievement this year (all counting indicators' shares sum
    /// to one).
    pub effective_weight: Share,
    /// Whether it is a must-meet gateway.
    pub gateway: bool,
}

/// A domain's achievement in a scored year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DomainScore {
    /// The domain.
    pub id: IndicatorId,
    /// Its name.
    pub name: String,
    /// Achievement blended over the bases counting in the domain this year.
    pub achievement: Share,
    /// Achievement by basis.
    pub by_basis: BTreeMap<IncentiveBasis, Share>,
}

/// A framework scored for one contract year: what the payment engine consumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FrameworkScore {
    /// The framework.
    pub framework: IndicatorId,
    /// The contract year scored.
    pub contract_year: u32,
    /// The framework's achievement: the share of the incentive earned.
    pub achievement: Share,
    /// Achievement by basis before blending.
    pub by_basis: BTreeMap<IncentiveBasis, Share>,
    /// The phasing shares applied.
    pub phasing: BTreeMap<IncentiveBasis, Share>,
    /// Domains in framework order.
    pub domains: Vec<DomainScore>,
    /// Indicators counting this year, in framework order.
    pub indicators: Vec<IndicatorScore>,
    /// Gateways that count this year and were not met in full.
    pub failed_gateways: Vec<IndicatorId>,
    /// Lines explaining the result.
    pub explanation: Vec<String>,
}

impl FrameworkScore {
    /// Achievement of each indicator counting this year, by id: the interface to the payment
    /// engine.
    pub fn indicator_achievements(&self) -> impl Iterator<Item = (&IndicatorId, Share)> {
        self.indicators
            .iter()
            .map(|i| (&i.id, i.scored.achievement))
    }

    /// The same as a map.
    #[must_use]
    pub fn achievement_map(&self) -> BTreeMap<IndicatorId, Share> {
        self.indicator_achievements()
            .map(|(id, s)| (id.clone(), s))
            .collect()
    }

    /// One domain's score.
    #[must_use]
    pub fn domain(&self, id: &str) -> Option<&DomainScore> {
        self.domains.iter().find(|d| d.id.as_str() == id)
    }
}

impl Framework {
    /// Validate a framework.
    ///
    /// # Errors
    ///
    /// [`Error::Empty`] for a framework without domains, a domain without outcomes or an
    /// outcome without indicators; [`Error::Duplicate`] for an id used twice anywhere in the
    /// framework; [`Error::NegativeWeight`], [`Error::WeightOutOfRange`] or [`Error::ZeroWeights`]
    /// at any level;
    /// [`Error::Phasing`] when the phasing schedule gives a share to a basis no indicator has.
    ///
    /// # Examples
    ///
    /// ```
    /// let framework = outcomes::templates::coventry_warwickshire()?;
    /// assert_eq!(framework.domains().len(), 6);
    /// # Ok::<(), outcomes::Error>(())
    /// ```
    pub fn new(raw: RawFramework) -> Result<Framework> {
        let ctx = format!("framework {}", raw.id);
        if raw.domains.is_empty() {
            return Err(Error::Empty {
                context: ctx,
                what: "domains",
            });
        }
        let mut ids = BTreeSet::new();
        let mut dup = |id: &IndicatorId, kind: &'static str| {
            if ids.insert(id.as_str().to_owned()) {
                Ok(())
            } else {
                Err(Error::Duplicate {
                    kind,
                    id: id.to_string(),
                    context: ctx.clone(),
                })
            }
        };
        dup(&raw.id, "framework id")?;
        let mut bases = BTreeSet::new();
        weights::check(
            raw.domains.iter().map(|d| (d.id.as_str(), d.weight)),
            &format!("domains of {ctx}"),
        )?;
        for d in &raw.domains {
            dup(&d.id, "domain id")?;
            if d.outcomes.is_empty() {
                return Err(Error::Empty {
                    context: format!("domain {}", d.id),
                    what: "outcomes",
                });
            }
            weights::check(
                d.outcomes.iter().map(|o| (o.id.as_str(), o.weight)),
                &format!("outcomes of domain {}", d.id),
            )?;
            for o in &d.outcomes {
                dup(&o.id, "outcome id")?;
                if o.indicators.is_empty() {
                    return Err(Error::Empty {
                        context: format!("outcome {}", o.id),
                        what: "indicators",
                    });
                }
                weights::check(
                    o.indicators.iter().map(|i| (i.id().as_str(), i.weight())),
                    &format!("indicators of outcome {}", o.id),
                )?;
                for i in &o.indicators {
                    dup(i.id(), "indicator id")?;
                    bases.insert(i.basis());
                }
            }
        }
        if let Some(schedule) = &raw.phasing {
            for phase in schedule.phases() {
                for s in &phase.shares {
                    if s.share > Share::ZERO && !bases.contains(&s.basis) {
                        return Err(Error::Phasing {
                            reason: format!(
                                "from contract year {} {} of the incentive is paid on {} but {ctx} has no such indicators",
                                phase.from_year, s.share, s.basis
                            ),
                        });
                    }
                }
            }
        }
        Ok(Framework { raw })
    }

    /// Identifier.
    #[must_use]
    pub fn id(&self) -> &IndicatorId {
        &self.raw.id
    }
    /// Name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.raw.name
    }
    /// Source of its shape.
    #[must_use]
    pub fn source(&self) -> &SourceRef {
        &self.raw.source
    }
    /// Whether it is illustrative.
    #[must_use]
    pub fn is_illustrative(&self) -> bool {
        self.raw.illustrative
    }
    /// Domains.
    #[must_use]
    pub fn domains(&self) -> &[Domain] {
        &self.raw.domains
    }
    /// Phasing schedule.
    #[must_use]
    pub fn phasing(&self) -> Option<&PhasingSchedule> {
        self.raw.phasing.as_ref()
    }
    /// All indicators with their domain and outcome, in framework order.
    pub fn indicators(&self) -> impl Iterator<Item = (&Domain, &Outcome, &Indicator)> {
        self.raw.domains.iter().flat_map(|d| {
            d.outcomes
                .iter()
                .flat_map(move |o| o.indicators.iter().map(move |i| (d, o, i)))
        })
    }
    /// One indicator by id.
    #[must_use]
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators()
            .map(|(_, _, i)| i)
            .find(|i| i.id().as_str() == id)
    }

    /// The phasing shares by basis in a contract year (every basis present in full, blended
    /// by indicator weight, when there is no schedule).
    ///
    /// # Errors
    ///
    /// [`Error::Phasing`] for contract year 0.
    pub fn phasing_in(&self, contract_year: u32) -> Result<BTreeMap<IncentiveBasis, Share>> {
        if contract_year == 0 {
            return Err(Error::Phasing {
                reason: "contract years count from 1".into(),
            });
        }
        match &self.raw.phasing {
            Some(s) => Ok(s
                .phase(contract_year)?
                .shares
                .iter()
                .filter(|b| b.share > Share::ZERO)
                .map(|b| (b.basis, b.share))
                .collect()),
            None => Ok(BTreeMap::new()),
        }
    }

    /// Score the framework for a contract year from the results of the indicators that count
    /// in it (results for other indicators are ignored).
    ///
    /// # Errors
    ///
    /// [`Error::Unknown`] for a result keyed by an id the framework does not have;
    /// [`Error::ResultMismatch`] when a counting indicator has no result or the wrong kind;
    /// [`Error::Phasing`] for contract year 0; the errors of curve scoring.
    ///
    /// # Examples
    ///
    /// ```
    /// use outcomes::templates;
    /// let framework = templates::coventry_warwickshire()?;
    /// let results = templates::coventry_warwickshire_sample_results()?;
    /// let year1 = framework.score(&results, 1)?;
    /// let year3 = framework.score(&results, 3)?;
    /// assert!(year1.indicators.iter().all(|i| i.basis == outcomes::IncentiveBasis::Milestones));
    /// assert!(year3.indicators.iter().all(|i| i.basis != outcomes::IncentiveBasis::Milestones));
    /// # Ok::<(), outcomes::Error>(())
    /// ```
    pub fn score(
        &self,
        results: &BTreeMap<IndicatorId, Performance>,
        contract_year: u32,
    ) -> Result<FrameworkScore> {
        for id in results.keys() {
            if self.indicator(id.as_str()).is_none() {
                return Err(Error::Unknown {
                    kind: "indicator",
                    id: id.to_string(),
                    context: format!("results for framework {}", self.raw.id),
                });
            }
        }
        let phasing = self.phasing_in(contract_year)?;
        // Without a schedule every basis counts; their blend is by weight, which a single pass
        // over all indicators gives, so treat them as one pool.
        let pools: Vec<(Option<IncentiveBasis>, Share)> = if self.raw.phasing.is_some() {
            phasing.iter().map(|(b, s)| (Some(*b), *s)).collect()
        } else {
            vec![(None, Share::ONE)]
        };
        self.score_pools(results, contract_year, &pools, phasing)
    }

    /// Score only the indicators of one basis, in full, whatever the phasing (CQUIN, say,
    /// which a payment engine pays from its own pot).
    ///
    /// # Errors
    ///
    /// As [`Framework::score`]; [`Error::Phasing`] when the framework has no indicator on the
    /// basis.
    ///
    /// # Examples
    ///
    /// ```
    /// use outcomes::{templates, IncentiveBasis};
    /// let framework = templates::coventry_warwickshire()?;
    /// let results = templates::coventry_warwickshire_sample_results()?;
    /// let cquin = framework.score_basis(&results, IncentiveBasis::Cquin, 1)?;
    /// assert_eq!(cquin.achievement.to_string(), "75%"); // 75% uptake on the 60-80% scale
    /// # Ok::<(), outcomes::Error>(())
    /// ```
    pub fn score_basis(
        &self,
        results: &BTreeMap<IndicatorId, Performance>,
        basis: IncentiveBasis,
        contract_year: u32,
    ) -> Result<FrameworkScore> {
        for id in results.keys() {
            if self.indicator(id.as_str()).is_none() {
                return Err(Error::Unknown {
                    kind: "indicator",
                    id: id.to_string(),
                    context: format!("results for framework {}", self.raw.id),
                });
            }
        }
        if contract_year == 0 {
            return Err(Error::Phasing {
                reason: "contract years count from 1".into(),
            });
        }
        let phasing = BTreeMap::from([(basis, Share::ONE)]);
        self.score_pools(
            results,
            contract_year,
            &[(Some(basis), Share::ONE)],
            phasing,
        )
    }

    fn score_pools(
        &self,
        results: &BTreeMap<IndicatorId, Performance>,
        contract_year: u32,
        pools: &[(Option<IncentiveBasis>, Share)],
        phasing: BTreeMap<IncentiveBasis, Share>,
    ) -> Result<FrameworkScore> {
        let counts = |i: &Indicator| pools.iter().any(|(b, _)| b.is_none_or(|b| b == i.basis()));

        // Score every counting indicator.
        let mut scored: BTreeMap<&str, Scored> = BTreeMap::new();
        for (_, _, i) in self.indicators().filter(|(_, _, i)| counts(i)) {
            let performance = results.get(i.id()).ok_or_else(|| Error::ResultMismatch {
                indicator: i.id().to_string(),
                reason: format!(
                    "no result was given and it counts in contract year {contract_year}"
                ),
            })?;
            let s = i
                .curve()
                .score(performance, i.polarity(), &format!("indicator {}", i.id()))?;
            scored.insert(i.id().as_str(), s);
        }

        let mut explanation = Vec::new();
        let mut by_basis = BTreeMap::new();
        let mut domain_by_basis: BTreeMap<&str, BTreeMap<IncentiveBasis, Share>> = BTreeMap::new();
        let mut effective: BTreeMap<&str, Decimal> = BTreeMap::new();
        let mut total = Decimal::ZERO;
        for (pool, pool_share) in pools {
            let in_pool = |i: &Indicator| pool.is_none_or(|b| b == i.basis());
            let label = pool.map_or_else(|| "all indicators".to_owned(), |b| b.to_string());
            let agg = aggregate(&self.raw, &scored, &in_pool)?;
            let Some(agg) = agg else {
                return Err(Error::Phasing {
                    reason: format!(
                        "{label} counts in contract year {contract_year} but no indicator of framework {} is scored on it",
                        self.raw.id
                    ),
                });
            };
            for (domain, a) in &agg.domains {
                let entry = domain_by_basis.entry(domain).or_default();
                for b in pool_bases(*pool, &self.raw, domain) {
                    entry.insert(b, *a);
                }
            }
            for (id, w) in agg.indicator_weights {
                *effective.entry(id).or_default() += w * pool_share.as_decimal();
            }
            let framework_a = agg.achievement;
            match pool {
                Some(b) => {
                    by_basis.insert(*b, framework_a);
                }
                None => {
                    for b in self.indicators().map(|(_, _, i)| i.basis()) {
                        by_basis.insert(b, framework_a);
                    }
                }
            }
            explanation.push(format!(
                "{label}: achievement {framework_a}, weighted {pool_share} of the incentive in contract year {contract_year}"
            ));
            total += framework_a.as_decimal() * pool_share.as_decimal();
        }
        let mut achievement = to_achievement(total);

        let failed_gateways: Vec<IndicatorId> = self
            .indicators()
            .filter(|(_, _, i)| i.is_gateway() && counts(i))
            .filter(|(_, _, i)| {
                scored
                    .get(i.id().as_str())
                    .is_some_and(|s| s.achievement < Share::ONE)
            })
            .map(|(_, _, i)| i.id().clone())
            .collect();
        if !failed_gateways.is_empty() {
            explanation.push(format!(
                "must-meet gateway not met: {}; no incentive is earned",
                failed_gateways
                    .iter()
                    .map(IndicatorId::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            achievement = Share::ZERO;
        }
        explanation.push(format!("framework achievement {achievement}"));

        let effective_ids: Vec<&str> = effective.keys().copied().collect();
        let effective_weights: Vec<Decimal> = effective
            .values()
            .map(|w| ACHIEVEMENT_ROUNDING.round_dp(*w, 20))
            .collect();
        let normalised: BTreeMap<&str, Share> = if effective_weights.iter().any(|w| !w.is_zero()) {
            effective_ids
                .into_iter()
                .zip(weights::normalise_unchecked(&effective_weights)?)
                .collect()
        } else {
            BTreeMap::new()
        };

        let indicators = self
            .indicators()
            .filter_map(|(d, o, i)| {
                scored.get(i.id().as_str()).map(|s| IndicatorScore {
                    id: i.id().clone(),
                    domain: d.id.clone(),
                    outcome: o.id.clone(),
                    basis: i.basis(),
                    scored: s.clone(),
                    effective_weight: normalised
                        .get(i.id().as_str())
                        .copied()
                        .unwrap_or(Share::ZERO),
                    gateway: i.is_gateway(),
                })
            })
            .collect();

        let domains = self
            .raw
            .domains
            .iter()
            .filter_map(|d| {
                let bb = domain_by_basis.get(d.id.as_str())?;
                // Blend over the bases present in this domain, renormalising their phasing shares.
                let (num, den) =
                    bb.iter()
                        .fold((Decimal::ZERO, Decimal::ZERO), |(n, s), (b, a)| {
                            let share = phasing.get(b).map_or(Decimal::ONE, |s| s.as_decimal());
                            (n + a.as_decimal() * share, s + share)
                        });
                let achievement = if den.is_zero() {
                    Share::ZERO
                } else {
                    to_achievement(num / den)
                };
                Some(DomainScore {
                    id: d.id.clone(),
                    name: d.name.clone(),
                    achievement,
                    by_basis: bb.clone(),
                })
            })
            .collect();

        Ok(FrameworkScore {
            framework: self.raw.id.clone(),
            contract_year,
            achievement,
            by_basis,
            phasing,
            domains,
            indicators,
            failed_gateways,
            explanation,
        })
    }
}

fn pool_bases(
    pool: Option<IncentiveBasis>,
    raw: &RawFramework,
    domain: &str,
) -> Vec<IncentiveBasis> {
    match pool {
        Some(b) => vec![b],
        None => {
            let set: BTreeSet<IncentiveBasis> = raw
                .domains
                .iter()
                .filter(|d| d.id.as_str() == domain)
                .flat_map(|d| {
                    d.outcomes
                        .iter()
                        .flat_map(|o| o.indicators.iter().map(Indicator::basis))
                })
                .collect();
            set.into_iter().collect()
        }
    }
}

struct Aggregate<'a> {
    achievement: Share,
    domains: Vec<(&'a str, Share)>,
    /// Each indicator's exact share of this pool's achievement.
    indicator_weights: Vec<(&'a str, Decimal)>,
}

/// Weighted mean of `Σ wᵢ·aᵢ / Σ wᵢ` at each level over the indicators in the pool; `None`
/// when nothing in the framework is in the pool.
fn aggregate<'a>(
    raw: &'a RawFramework,
    scored: &BTreeMap<&str, Scored>,
    in_pool: &dyn Fn(&Indicator) -> bool,
) -> Result<Option<Aggregate<'a>>> {
    let mut domains = Vec::new();
    let mut indicator_weights = Vec::new();
    let (mut fnum, mut fden) = (Decimal::ZERO, Decimal::ZERO);
    for d in &raw.domains {
        let (mut dnum, mut dden) = (Decimal::ZERO, Decimal::ZERO);
        let mut d_weights: Vec<(&str, Decimal)> = Vec::new();
        for o in &d.outcomes {
            let members: Vec<&Indicator> = o.indicators.iter().filter(|i| in_pool(i)).collect();
            if members.is_empty() {
                continue;
            }
            let oden: Decimal = members.iter().map(|i| i.weight()).sum();
            if oden.is_zero() {
                return Err(Error::ZeroWeights {
                    context: format!("indicators of outcome {} counting this year", o.id),
                });
            }
            let mut onum = Decimal::ZERO;
            for i in &members {
                let a = scored
                    .get(i.id().as_str())
                    .map_or(Decimal::ZERO, |s| s.achievement.as_decimal());
                onum += i.weight() * a;
                d_weights.push((i.id().as_str(), o.weight * i.weight() / oden));
            }
            let oa = to_achievement(onum / oden);
            dnum += o.weight * oa.as_decimal();
            dden += o.weight;
        }
        if d_weights.is_empty() {
            continue;
        }
        if dden.is_zero() {
            return Err(Error::ZeroWeights {
                context: format!("outcomes of domain {} counting this year", d.id),
            });
        }
        let da = to_achievement(dnum / dden);
        domains.push((d.id.as_str(), da));
        fnum += d.weight * da.as_decimal();
        fden += d.weight;
        for (id, w) in d_weights {
            indicator_weights.push((id, d.weight * w / dden));
        }
    }
    if domains.is_empty() {
        return Ok(None);
    }
    if fden.is_zero() {
        return Err(Error::ZeroWeights {
            context: format!("domains of framework {} counting this year", raw.id),
        });
    }
    let achievement = to_achievement(fnum / fden);
    let indicator_weights = indicator_weights
        .into_iter()
        .map(|(id, w)| (id, w / fden))
        .collect();
    Ok(Some(Aggregate {
        achievement,
        domains,
        indicator_weights,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curve::Performance;
    use crate::indicator::tests::linear;
    use crate::templates;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn sample() -> (Framework, BTreeMap<IndicatorId, Performance>) {
        (
            templates::coventry_warwickshire().unwrap(),
            templates::coventry_warwickshire_sample_results().unwrap(),
        )
    }

    /// Hand-computed: year 1 milestones (2×1 + 2×2/3 + 1×1)/5; year 3 the mean of five
    /// domains 0.5, 0.5333333333, 0.4, 0.405, 0.65; year 2 half of each.
    #[test]
    fn coventry_sample_by_contract_year() {
        let (f, r) = sample();
        let y1 = f.score(&r, 1).unwrap();
        assert_eq!(y1.achievement.as_decimal(), dec!(0.8666666667));
        assert!(y1.failed_gateways.is_empty());
        assert_eq!(y1.domains.len(), 1);
        let y3 = f.score(&r, 3).unwrap();
        assert_eq!(y3.achievement.as_decimal(), dec!(0.4976666667));
        assert_eq!(y3.domain("D3").unwrap().achievement.as_decimal(), dec!(0.4));
        assert_eq!(
            y3.domain("D4").unwrap().achievement.as_decimal(),
            dec!(0.405)
        );
        assert!(y3.domain("D6").is_none());
        let y2 = f.score(&r, 2).unwrap();
        assert_eq!(y2.achievement.as_decimal(), dec!(0.6821666667));
        for s in [&y1, &y2, &y3] {
            let total: Decimal = s
                .indicators
                .iter()
                .map(|i| i.effective_weight.as_decimal())
                .sum();
            assert_eq!(total, Decimal::ONE);
        }
        let map = y3.achievement_map();
        assert_eq!(map.len(), 9);
        assert_eq!(map[&IndicatorId::new("OOH-08").unwrap()], Share::ONE);
        assert_eq!(y3.indicator_achievements().count(), 9);
    }

    #[test]
    fn failed_gateway_earns_nothing_in_the_years_it_counts() {
        let (f, mut r) = sample();
        r.insert(
            IndicatorId::new("OOH-M1").unwrap(),
            Performance::Milestones {
                deliveries: vec![],
                assessed_on: chrono::NaiveDate::from_ymd_opt(2019, 3, 31).unwrap(),
            },
        );
        let y1 = f.score(&r, 1).unwrap();
        assert_eq!(y1.achievement, Share::ZERO);
        assert_eq!(
            y1.failed_gateways,
            vec![IndicatorId::new("OOH-M1").unwrap()]
        );
        assert_eq!(
            f.score(&r, 3).unwrap().achievement.as_decimal(),
            dec!(0.4976666667)
        );
    }

    #[test]
    fn result_errors() {
        let (f, mut r) = sample();
        r.remove(&IndicatorId::new("OOH-04").unwrap());
        assert!(matches!(f.score(&r, 3), Err(Error::ResultMismatch { .. })));
        assert!(
            f.score(&r, 1).is_ok(),
            "outcome results are not needed in year 1"
        );
        let (f, mut r) = sample();
        r.insert(
            IndicatorId::new("NOPE").unwrap(),
            Performance::Value { value: dec!(1) },
        );
        assert!(matches!(f.score(&r, 3), Err(Error::Unknown { .. })));
        let (f, r) = sample();
        assert!(matches!(f.score(&r, 0), Err(Error::Phasing { .. })));
    }

    fn raw(domains: Vec<Domain>) -> RawFramework {
        RawFramework {
            id: IndicatorId::new("F").unwrap(),
            name: "f".into(),
            source: SourceRef::new("test"),
            illustrative: false,
            domains,
            phasing: None,
        }
    }

    fn outcome(id: &str, weight: Decimal, indicators: Vec<Indicator>) -> Outcome {
        Outcome {
            id: IndicatorId::new(id).unwrap(),
            name: id.into(),
            weight,
            indicators,
        }
    }

    fn domain(id: &str, weight: Decimal, outcomes: Vec<Outcome>) -> Domain {
        Domain {
            id: IndicatorId::new(id).unwrap(),
            name: id.into(),
            weight,
            outcomes,
        }
    }

    fn ind(id: &str, weight: Decimal) -> Indicator {
        let mut r = linear(id, dec!(0), dec!(100));
        r.weight = weight;
        Indicator::new(r).unwrap()
    }

    #[test]
    fn construction_errors() {
        assert!(matches!(
            Framework::new(raw(vec![])),
            Err(Error::Empty {
                what: "domains",
                ..
            })
        ));
        let zero = raw(vec![domain(
            "D",
            dec!(0),
            vec![outcome("O", dec!(1), vec![ind("I", dec!(1))])],
        )]);
        assert!(matches!(
            Framework::new(zero),
            Err(Error::ZeroWeights { .. })
        ));
        let zero_ind = raw(vec![domain(
            "D",
            dec!(1),
            vec![outcome(
                "O",
                dec!(1),
                vec![ind("I", dec!(0)), ind("J", dec!(0))],
            )],
        )]);
        assert!(matches!(
            Framework::new(zero_ind),
            Err(Error::ZeroWeights { .. })
        ));
        let dup = raw(vec![domain(
            "D",
            dec!(1),
            vec![outcome(
                "O",
                dec!(1),
                vec![ind("I", dec!(1)), ind("I", dec!(1))],
            )],
        )]);
        assert!(matches!(Framework::new(dup), Err(Error::Duplicate { .. })));
        let dup2 = raw(vec![domain(
            "X",
            dec!(1),
            vec![outcome("X", dec!(1), vec![ind("I", dec!(1))])],
        )]);
        assert!(matches!(Framework::new(dup2), Err(Error::Duplicate { .. })));
        let empty_o = raw(vec![domain(
            "D",
            dec!(1),
            vec![outcome("O", dec!(1), vec![])],
        )]);
        assert!(matches!(
            Framework::new(empty_o),
            Err(Error::Empty {
                what: "indicators",
                ..
            })
        ));
        let empty_d = raw(vec![domain("D", dec!(1), vec![])]);
        assert!(matches!(
            Framework::new(empty_d),
            Err(Error::Empty {
                what: "outcomes",
                ..
            })
        ));
        let neg = raw(vec![domain(
            "D",
            dec!(-1),
            vec![outcome("O", dec!(1), vec![ind("I", dec!(1))])],
        )]);
        assert!(matches!(
            Framework::new(neg),
            Err(Error::NegativeWeight { .. })
        ));
        // Phasing that pays on a basis with no indicators.
        let mut p = raw(vec![domain(
            "D",
            dec!(1),
            vec![outcome("O", dec!(1), vec![ind("I", dec!(1))])],
        )]);
        p.phasing = Some(
            crate::phasing::PhasingSchedule::new(crate::phasing::RawPhasingSchedule {
                phases: vec![crate::phasing::Phase {
                    from_year: 1,
                    shares: vec![crate::phasing::BasisShare {
                        basis: IncentiveBasis::Milestones,
                        share: Share::ONE,
                    }],
                    source: SourceRef::new("t"),
                }],
            })
            .unwrap(),
        );
        assert!(matches!(Framework::new(p), Err(Error::Phasing { .. })));
        let (f, r) = sample();
        assert!(f.score_basis(&r, IncentiveBasis::Cquin, 0).is_err());
    }

    /// Random framework shapes: up to 4 domains of up to 3 outcomes of up to 3 indicators, each
    /// level with at least one positive weight; all indicators linear on 0-100.
    fn shape() -> impl Strategy<Value = Framework> {
        let weight = || 0u32..50;
        let level = |n: usize| {
            proptest::collection::vec(weight(), 1..=n).prop_map(|mut w| {
                if w.iter().all(|x| *x == 0)
                    && let Some(first) = w.first_mut()
                {
                    *first = 1;
                }
                w
            })
        };
        proptest::collection::vec(
            (
                weight(),
                proptest::collection::vec((weight(), level(3)), 1..=3),
            ),
            1..=4,
        )
        .prop_map(move |ds| {
            let mut n = 0;
            let mut domains = Vec::new();
            let any_d = ds.iter().any(|(w, _)| *w > 0);
            for (di, (dw, os)) in ds.into_iter().enumerate() {
                let any_o = os.iter().any(|(w, _)| *w > 0);
                let mut outcomes = Vec::new();
                for (oi, (ow, is)) in os.into_iter().enumerate() {
                    let indicators = is
                        .into_iter()
                        .map(|w| {
                            n += 1;
                            ind(&format!("I{n}"), Decimal::from(w))
                        })
                        .collect();
                    let ow = if any_o || oi > 0 { ow } else { 1 };
                    outcomes.push(outcome(
                        &format!("O{di}.{oi}"),
                        Decimal::from(ow),
                        indicators,
                    ));
                }
                let dw = if any_d || di > 0 { dw } else { 1 };
                domains.push(domain(&format!("D{di}"), Decimal::from(dw), outcomes));
            }
            Framework::new(raw(domains)).unwrap()
        })
    }

    fn results(f: &Framework, values: &[u32]) -> BTreeMap<IndicatorId, Performance> {
        f.indicators()
            .enumerate()
            .map(|(k, (_, _, i))| {
                let v = values.get(k % values.len().max(1)).copied().unwrap_or(0);
                (
                    i.id().clone(),
                    Performance::Value {
                        value: Decimal::new(i64::from(v), 1),
                    },
                )
            })
            .collect()
    }

    proptest! {
        #[test]
        fn prop_equal_achievements_aggregate_to_that_achievement(f in shape(), v in 0u32..=1000) {
            let s = f.score(&results(&f, &[v]), 1).unwrap();
            let a = Decimal::new(i64::from(v), 3);
            prop_assert_eq!(s.achievement.as_decimal(), a);
            for d in &s.domains {
                prop_assert_eq!(d.achievement.as_decimal(), a);
            }
        }

        #[test]
        fn prop_effective_weights_normalise(f in shape(), vs in proptest::collection::vec(0u32..=1000, 1..10)) {
            let s = f.score(&results(&f, &vs), 1).unwrap();
            let total: Decimal = s.indicators.iter().map(|i| i.effective_weight.as_decimal()).sum();
            prop_assert_eq!(total, Decimal::ONE);
            // The framework achievement is the effective-weighted mean of indicator achievements
            // (to within the rounding of the levels).
            let mean: Decimal = s.indicators.iter().map(|i| i.effective_weight.as_decimal() * i.scored.achievement.as_decimal()).sum();
            prop_assert!((mean - s.achievement.as_decimal()).abs() < Decimal::new(1, 8));
        }

        #[test]
        fn prop_framework_never_falls_as_an_indicator_improves(
            f in shape(),
            vs in proptest::collection::vec(0u32..=1000, 1..10),
            which in 0usize..100,
            step in 0u32..500,
        ) {
            let before = results(&f, &vs);
            let mut after = before.clone();
            let n = after.len();
            if let Some((_, Performance::Value { value })) = after.iter_mut().nth(which % n) {
                *value += Decimal::new(i64::from(step), 1);
            }
            let a = f.score(&before, 1).unwrap().achievement;
            let b = f.score(&after, 1).unwrap().achievement;
            prop_assert!(b >= a);
            prop_assert!(b <= Share::ONE);
        }
    }
}
