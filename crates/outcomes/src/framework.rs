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
    /// framework; [`Error::NegativeWeight`] or [`Error::ZeroWeights`] at any level;
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
        for (pool, pool_share) in &pools {
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
