//! Validation of a contract's terms and their compilation into per-year plans in pence.

use std::collections::{BTreeMap, BTreeSet};

use route_map_core::{Money, Rate, RoundingRule};
use rust_decimal::Decimal;

use super::contract::{
    CFormula, CQuality, CRisk, CSide, CVariable, Compiled, MAX_PARTIES, YearPlan,
};
use super::error::{PaymentError, Result};
use super::pence::{self, SCALE, allocate_into, apply};
use super::terms::{
    CapBase, CquinFunding, Formula, IncentivePaid, InstalmentProfile, OnwardBasis, PartyRole,
    QualityRule, RawContract, Sharing, Side,
};

fn share_field(field: impl Into<String>, value: Decimal, rule: RoundingRule) -> Result<i128> {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(PaymentError::NegativeRate {
            field: field.into(),
            value,
        });
    }
    if value > Decimal::ONE {
        return Err(PaymentError::RateOutOfRange {
            field: field.into(),
            value,
            range: "between 0 and 1",
        });
    }
    pence::scaled(value, rule)
}

/// Weights as integers on a common scale, with their sum.
fn weight_units(field: &str, weights: &[Decimal]) -> Result<(Vec<u64>, u128)> {
    let mut max_scale = 0;
    for (i, w) in weights.iter().enumerate() {
        if w.is_sign_negative() && !w.is_zero() {
            return Err(PaymentError::NegativeRate {
                field: format!("{field}[{i}].weight"),
                value: *w,
            });
        }
        max_scale = max_scale.max(w.normalize().scale());
    }
    let too_fine = || PaymentError::WeightsTooFine {
        field: field.to_owned(),
    };
    let mut units = Vec::with_capacity(weights.len());
    let mut sum = 0u128;
    for w in weights {
        let n = w.normalize();
        let factor = 10u128
            .checked_pow(max_scale - n.scale())
            .ok_or_else(too_fine)?;
        let u = n
            .mantissa()
            .unsigned_abs()
            .checked_mul(factor)
            .ok_or_else(too_fine)?;
        sum = sum.checked_add(u).ok_or_else(too_fine)?;
        units.push(u64::try_from(u).map_err(|_| too_fine())?);
    }
    if sum > 1_000_000_000_000 {
        return Err(too_fine());
    }
    Ok((units, sum))
}

fn year_in_term(field: String, year: u32, years: u32) -> Result<()> {
    if year == 0 || year > years {
        return Err(PaymentError::YearOutsideTerm { field, year, years });
    }
    Ok(())
}

/// Values given per contract year: each year at most once, within the term.
fn per_year<T: Copy>(
    field: &str,
    items: impl Iterator<Item = (u32, T)>,
    years: u32,
) -> Result<BTreeMap<u32, T>> {
    let mut map = BTreeMap::new();
    for (i, (year, value)) in items.enumerate() {
        year_in_term(format!("{field}[{i}].year"), year, years)?;
        if map.insert(year, value).is_some() {
            return Err(PaymentError::Duplicate {
                kind: "contract year in",
                id: format!("{field}: year {year}"),
            });
        }
    }
    Ok(map)
}

fn unique<'a>(kind: &'static str, ids: impl Iterator<Item = &'a str>) -> Result<()> {
    let mut seen = BTreeSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(PaymentError::Duplicate {
                kind,
                id: id.to_owned(),
            });
        }
    }
    Ok(())
}

fn compile_side(field: &str, side: &Side, rule: RoundingRule) -> Result<CSide> {
    let threshold = share_field(format!("{field}.threshold"), side.threshold, rule)?;
    if side.corridors.is_empty() {
        return Err(PaymentError::Empty {
            what: format!("{field}.corridors"),
        });
    }
    let mut corridors = Vec::with_capacity(side.corridors.len());
    let mut previous: Option<Decimal> = None;
    for (i, c) in side.corridors.iter().enumerate() {
        let f = format!("{field}.corridors[{i}]");
        let from = share_field(format!("{f}.from"), c.from, rule)?;
        let rate = share_field(format!("{f}.rate"), c.rate, rule)?;
        match previous {
            None if !c.from.is_zero() => {
                return Err(PaymentError::CorridorsDoNotStartAtZero {
                    field: f,
                    from: c.from,
                });
            }
            Some(p) if c.from <= p => {
                return Err(PaymentError::OverlappingCorridors {
                    field: f,
                    from: c.from,
                    previous: p,
                });
            }
            _ => {}
        }
        previous = Some(c.from);
        corridors.push((from, rate));
    }
    for (i, cap) in side.caps.iter().enumerate() {
        let f = format!("{field}.caps[{i}].share");
        if cap.share.is_sign_negative() && !cap.share.is_zero() {
            return Err(PaymentError::NegativeCap {
                field: f,
                value: cap.share,
            });
        }
        share_field(f, cap.share, rule)?;
        if let CapBase::Revenue { amount } = &cap.of
            && amount.is_negative()
        {
            return Err(PaymentError::NegativeCap {
                field: format!("{field}.caps[{i}].of.amount"),
                value: amount.as_decimal(),
            });
        }
    }
    Ok(CSide {
        threshold,
        excess_only: matches!(side.sharing, Sharing::ExcessOnly),
        corridors,
    })
}

/// Caps of one side for one year, in pence, rounded down so a capped amount never exceeds the
/// exact cap.
fn year_caps(side: &Side, target: i64, bacv: i64, rule: RoundingRule) -> Result<Vec<i64>> {
    side.caps
        .iter()
        .map(|cap| {
            let base = match &cap.of {
                CapBase::TargetCost => target,
                CapBase::ContractValue => bacv,
                CapBase::Revenue { amount } => pence::pence(*amount)?,
            };
            apply(base, pence::scaled(cap.share, rule)?, RoundingRule::Floor)
        })
        .collect()
}

fn compile_formula(formula: &Formula, rule: RoundingRule) -> Result<CFormula> {
    Ok(match formula {
        Formula::Proportional => CFormula::Proportional,
        Formula::ProportionMet { met_at } => CFormula::ProportionMet {
            met_at: share_field("incentive.formula.met_at", *met_at, rule)?,
        },
        Formula::Banded { met_at, bands } => {
            let met_at = share_field("incentive.formula.met_at", *met_at, rule)?;
            let field = "incentive.formula.bands";
            if bands.is_empty() {
                return Err(PaymentError::Empty { what: field.into() });
            }
            let mut out: Vec<(i128, i128)> = Vec::with_capacity(bands.len());
            for (i, b) in bands.iter().enumerate() {
                let from = share_field(format!("{field}[{i}].from"), b.from, rule)?;
                let pays = share_field(format!("{field}[{i}].pays"), b.pays, rule)?;
                match out.last() {
                    None if from != 0 => {
                        return Err(PaymentError::InvalidBands {
                            field: field.into(),
                            reason: "the first band must start at 0".into(),
                        });
                    }
                    Some(&(pf, pp)) if from <= pf || pays < pp => {
                        return Err(PaymentError::InvalidBands {
                            field: field.into(),
                            reason: format!(
                                "band {i} must start above the previous band and pay no less"
                            ),
                        });
                    }
                    _ => {}
                }
                out.push((from, pays));
            }
            CFormula::Banded { met_at, bands: out }
        }
    })
}

#[allow(clippy::too_many_lines)]
pub(crate) fn compile(raw: &RawContract) -> Result<Compiled> {
    let rule = raw.rounding;
    let years = raw.years;
    if years == 0 {
        return Err(PaymentError::Empty {
            what: "contract years".into(),
        });
    }
    // Commissioners.
    if raw.commissioners.is_empty() {
        return Err(PaymentError::Empty {
            what: "commissioners".into(),
        });
    }
    unique(
        "commissioner",
        raw.commissioners.iter().map(|c| c.id.as_str()),
    )?;
    let mut comm_w = Vec::with_capacity(raw.commissioners.len());
    let mut total = Decimal::ZERO;
    for (i, c) in raw.commissioners.iter().enumerate() {
        let s = share_field(format!("commissioners[{i}].share"), c.share, rule)?;
        comm_w.push(u64::try_from(s).map_err(|_| PaymentError::Overflow {
            operation: "commissioner share",
        })?);
        total += c.share;
    }
    if total != Decimal::ONE {
        return Err(PaymentError::SharesDoNotSumToOne {
            what: "commissioners' shares".into(),
            sum: total,
        });
    }
    let comm_sum = pence::reduce_weights(&mut comm_w);
    let n_comm = comm_w.len();

    // Indicators and milestones.
    let inc = &raw.incentive;
    unique("indicator", inc.indicators.iter().map(|i| i.id.as_str()))?;
    let cquin_ids: Vec<&str> = raw
        .cquin
        .iter()
        .flat_map(|c| c.indicators.iter().map(String::as_str))
        .collect();
    unique("CQUIN indicator", cquin_ids.iter().copied())?;
    let measure_set: BTreeSet<&str> = inc
        .indicators
        .iter()
        .map(|i| i.id.as_str())
        .chain(cquin_ids.iter().copied())
        .collect();
    let measure_ids: Vec<String> = measure_set.iter().map(|s| (*s).to_owned()).collect();
    let col = |id: &str| measure_ids.binary_search_by(|m| m.as_str().cmp(id)).ok();
    let outcome_cols: Vec<usize> = inc.indicators.iter().filter_map(|i| col(&i.id)).collect();
    let weights: Vec<Decimal> = inc.indicators.iter().map(|i| i.weight).collect();
    let (outcome_w, outcome_sum) = weight_units("incentive.indicators", &weights)?;
    if !inc.indicators.is_empty() && outcome_sum == 0 {
        return Err(PaymentError::Empty {
            what: "incentive.indicators with a positive weight".into(),
        });
    }
    let cquin_cols: Vec<usize> = cquin_ids.iter().filter_map(|id| col(id)).collect();
    let formula = compile_formula(&inc.formula, rule)?;

    unique("milestone", inc.milestones.iter().map(|m| m.id.as_str()))?;
    let milestone_ids: Vec<String> = inc
        .milestones
        .iter()
        .map(|m| m.id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for (i, m) in inc.milestones.iter().enumerate() {
        year_in_term(format!("incentive.milestones[{i}].year"), m.year, years)?;
    }
    let m_weights: Vec<Decimal> = inc.milestones.iter().map(|m| m.weight).collect();
    let (m_units, _) = weight_units("incentive.milestones", &m_weights)?;

    // Phasing: every year in exactly one phase.
    let mut phase_of: BTreeMap<u32, usize> = BTreeMap::new();
    for (i, p) in inc.phasing.iter().enumerate() {
        year_in_term(
            format!("incentive.phasing[{i}].from_year"),
            p.from_year,
            years,
        )?;
        year_in_term(format!("incentive.phasing[{i}].to_year"), p.to_year, years)?;
        for y in p.from_year..=p.to_year {
            if let Some(first) = phase_of.insert(y, i) {
                return Err(PaymentError::OverlappingPhases {
                    year: y,
                    first,
                    second: i,
                });
            }
        }
        if p.to_year < p.from_year {
            return Err(PaymentError::YearOutsideTerm {
                field: format!("incentive.phasing[{i}].to_year (before from_year)"),
                year: p.to_year,
                years,
            });
        }
    }
    if let Some(year) = (1..=years).find(|y| !phase_of.contains_key(y)) {
        return Err(PaymentError::PhasingGap { year });
    }
    let assumed = match &inc.paid {
        IncentivePaid::InAdvance { assumed } => {
            Some(share_field("incentive.paid.assumed", *assumed, rule)?)
        }
        IncentivePaid::InArrears => None,
    };

    // CQUIN.
    let cquin_rate = match &raw.cquin {
        Some(c) => {
            if c.indicators.is_empty() {
                return Err(PaymentError::Empty {
                    what: "cquin.indicators".into(),
                });
            }
            let by_year = per_year(
                "cquin.rate_by_year",
                c.rate_by_year.iter().map(|r| (r.year, r.rate)),
                years,
            )?;
            let mut rates = BTreeMap::new();
            for (year, rate) in by_year {
                rates.insert(
                    year,
                    share_field(format!("cquin.rate_by_year (year {year})"), rate, rule)?,
                );
            }
            Some((share_field("cquin.rate", c.rate, rule)?, c.funding, rates))
        }
        None => None,
    };

    // Roll-forward.
    let roll = per_year(
        "roll_forward",
        raw.roll_forward
            .iter()
            .enumerate()
            .map(|(i, r)| (r.year, i)),
        years,
    )?;
    if roll.contains_key(&1) {
        return Err(PaymentError::YearOutsideTerm {
            field: "roll_forward (year 1 is set by base_value)".into(),
            year: 1,
            years,
        });
    }

    // Variable element.
    let (variable, plan_units) = match &raw.variable {
        Some(v) => {
            let above = share_field("variable.above_plan", v.above_plan, rule)?;
            let below = share_field("variable.below_plan", v.below_plan, rule)?;
            if v.unit_price.is_negative() {
                return Err(PaymentError::NegativeRate {
                    field: "variable.unit_price".into(),
                    value: v.unit_price.as_decimal(),
                });
            }
            let plan = per_year(
                "variable.plan",
                v.plan.iter().map(|p| (p.year, p.units)),
                years,
            )?;
            (
                Some(CVariable {
                    price: pence::pence(v.unit_price)?,
                    above,
                    below,
                }),
                Some(plan),
            )
        }
        None => (None, None),
    };

    // Risk share.
    let (risk, targets) = match &raw.risk_share {
        Some(r) => {
            let gain = compile_side("risk_share.gain", &r.gain, rule)?;
            let loss = r
                .loss
                .as_ref()
                .map(|l| compile_side("risk_share.loss", l, rule))
                .transpose()?;
            let quality = match &r.quality {
                QualityRule::None => CQuality::None,
                QualityRule::Scaled => CQuality::Scaled,
                QualityRule::Gate { min } => {
                    CQuality::Gate(share_field("risk_share.quality.min", *min, rule)?)
                }
            };
            if !matches!(quality, CQuality::None) && inc.indicators.is_empty() {
                return Err(PaymentError::Empty {
                    what: "incentive.indicators (quality-moderated sharing reads them)".into(),
                });
            }
            if r.parties.is_empty() {
                return Err(PaymentError::Empty {
                    what: "risk_share.parties".into(),
                });
            }
            if r.parties.len() > MAX_PARTIES {
                return Err(PaymentError::TooMany {
                    what: "risk_share.parties",
                    max: MAX_PARTIES,
                });
            }
            unique("risk-share party", r.parties.iter().map(|p| p.id.as_str()))?;
            let mut party_w = Vec::with_capacity(r.parties.len());
            let mut sum = Decimal::ZERO;
            let mut lead = None;
            for (i, p) in r.parties.iter().enumerate() {
                let s = share_field(format!("risk_share.parties[{i}].share"), p.share, rule)?;
                party_w.push(u64::try_from(s).map_err(|_| PaymentError::Overflow {
                    operation: "party share",
                })?);
                sum += p.share;
                if p.role == PartyRole::LeadProvider && lead.replace(i).is_some() {
                    return Err(PaymentError::Duplicate {
                        kind: "lead provider party",
                        id: p.id.clone(),
                    });
                }
            }
            if sum != Decimal::ONE {
                return Err(PaymentError::SharesDoNotSumToOne {
                    what: "risk_share.parties' shares".into(),
                    sum,
                });
            }
            let party_sum = pence::reduce_weights(&mut party_w);
            let targets = per_year(
                "risk_share.targets",
                r.targets.iter().map(|t| (t.year, t.amount)),
                years,
            )?;
            (
                Some(CRisk {
                    gain,
                    loss,
                    quality,
                    party_w,
                    party_sum,
                    lead,
                }),
                Some(targets),
            )
        }
        None => (None, None),
    };

    // Subcontracts.
    unique(
        "subcontract",
        raw.subcontracts.iter().map(|s| s.id.as_str()),
    )?;
    let mut pass_through = Vec::with_capacity(raw.subcontracts.len());
    let mut share_total = Decimal::ZERO;
    for (i, s) in raw.subcontracts.iter().enumerate() {
        pass_through.push(share_field(
            format!("subcontracts[{i}].incentive_pass_through"),
            s.incentive_pass_through,
            rule,
        )?);
        match &s.fixed {
            OnwardBasis::Amount { amount } if amount.is_negative() => {
                return Err(PaymentError::NegativeRate {
                    field: format!("subcontracts[{i}].fixed.amount"),
                    value: amount.as_decimal(),
                });
            }
            OnwardBasis::ShareOfFixed { share } => {
                share_field(format!("subcontracts[{i}].fixed.share"), *share, rule)?;
                share_total += *share;
            }
            OnwardBasis::Amount { .. } => {}
        }
    }
    if share_total > Decimal::ONE {
        return Err(PaymentError::RateOutOfRange {
            field: "subcontracts[*].fixed.share (total)".into(),
            value: share_total,
            range: "at most 1 in total",
        });
    }
    let pass_total: i128 = pass_through.iter().sum();
    if pass_total > SCALE {
        return Err(PaymentError::RateOutOfRange {
            field: "subcontracts[*].incentive_pass_through (total)".into(),
            value: raw
                .subcontracts
                .iter()
                .map(|s| s.incentive_pass_through)
                .sum(),
            range: "at most 1 in total",
        });
    }

    // Instalment profile.
    let (inst_w, inst_sum) = match &raw.instalments {
        InstalmentProfile::Equal => (vec![1u64; 12], 12u128),
        InstalmentProfile::Weights { weights } => {
            if weights.len() != 12 {
                return Err(PaymentError::InvalidMonth {
                    reason: format!("instalments.weights has {} entries, not 12", weights.len()),
                    month: u32::try_from(weights.len()).unwrap_or(u32::MAX),
                });
            }
            let (mut w, _) = weight_units("instalments.weights", weights)?;
            let s = pence::reduce_weights(&mut w);
            if s == 0 {
                return Err(PaymentError::Empty {
                    what: "instalments.weights with a positive weight".into(),
                });
            }
            (w, s)
        }
    };

    // Per-year plans.
    let mut plans = Vec::with_capacity(usize::try_from(years).unwrap_or(0));
    let mut previous = pence::pence(raw.base_value)?;
    if previous < 0 {
        return Err(PaymentError::NegativeAmount {
            what: "base annual contract value".into(),
            year: 1,
            amount: raw.base_value,
        });
    }
    for year in 1..=years {
        let mut plan = YearPlan {
            fy: Some(
                raw.first_year
                    .offset(i32::try_from(year - 1).unwrap_or(i32::MAX))?,
            ),
            ..YearPlan::default()
        };
        if year == 1 {
            plan.bacv = previous;
        } else {
            plan.previous = previous;
            let mut value = previous;
            if let Some(i) = roll.get(&year) {
                let r = raw
                    .roll_forward
                    .get(*i)
                    .ok_or(PaymentError::Overflow { operation: "index" })?;
                let growth = Rate::new(r.growth)?;
                plan.growth = apply(value, pence::scaled(growth.as_decimal(), rule)?, rule)?;
                value = value
                    .checked_add(plan.growth)
                    .ok_or(PaymentError::Overflow {
                        operation: "growth",
                    })?;
                let eff = share_field(format!("roll_forward[{i}].efficiency"), r.efficiency, rule)?;
                plan.efficiency = apply(value, eff, rule)?;
                value -= plan.efficiency;
                for v in &r.variations {
                    let p = pence::pence(v.amount)?;
                    plan.variations.push((v.name.clone(), p));
                    value = value.checked_add(p).ok_or(PaymentError::Overflow {
                        operation: "variation",
                    })?;
                }
            }
            if value < 0 {
                return Err(PaymentError::NegativeAmount {
                    what: "base annual contract value".into(),
                    year,
                    amount: Money::from_pence(value),
                });
            }
            plan.bacv = value;
        }
        previous = plan.bacv;

        let phase = phase_of
            .get(&year)
            .and_then(|i| inc.phasing.get(*i))
            .ok_or(PaymentError::PhasingGap { year })?;
        let pi = phase_of.get(&year).copied().unwrap_or(0);
        plan.at_risk = share_field(
            format!("incentive.phasing[{pi}].at_risk"),
            phase.at_risk,
            rule,
        )?;
        plan.on_milestones = share_field(
            format!("incentive.phasing[{pi}].on_milestones"),
            phase.on_milestones,
            rule,
        )?;
        plan.pot = apply(plan.bacv, plan.at_risk, rule)?;
        plan.fixed = plan.bacv - plan.pot;
        let mut remaining = plan.pot;
        if let Some((rate, funding, by_year)) = &cquin_rate {
            plan.cquin_rate = by_year.get(&year).copied().unwrap_or(*rate);
            plan.cquin = apply(plan.fixed, plan.cquin_rate, rule)?;
            if *funding == CquinFunding::WithinIncentive {
                remaining -= plan.cquin;
                if remaining < 0 {
                    return Err(PaymentError::NegativeAmount {
                        what: "incentive pot left after CQUIN".into(),
                        year,
                        amount: Money::from_pence(remaining),
                    });
                }
            }
            let n = cquin_cols.len();
            let mut parts = vec![0i64; n];
            let ones = vec![1u64; n];
            allocate_into(plan.cquin, &ones, n as u128, &mut parts);
            plan.cquin_parts = parts;
        }
        plan.milestone_pot = apply(remaining, plan.on_milestones, rule)?;
        plan.outcome_pot = remaining - plan.milestone_pot;

        for (m, w) in inc.milestones.iter().zip(&m_units) {
            if m.year == year
                && let Ok(c) = milestone_ids.binary_search(&m.id)
            {
                plan.milestone_cols.push(c);
                plan.milestone_w.push(*w);
                plan.milestone_wsum += i128::from(*w);
            }
        }
        if plan.at_risk > 0 && plan.on_milestones > 0 && plan.milestone_wsum == 0 {
            return Err(PaymentError::NothingToPayOn {
                year,
                basis: "milestones",
            });
        }
        if plan.at_risk > 0 && plan.on_milestones < SCALE && outcome_cols.is_empty() {
            return Err(PaymentError::NothingToPayOn {
                year,
                basis: "outcome indicators",
            });
        }
        plan.advance = match assumed {
            Some(a) => apply(remaining, a, rule)?,
            None => 0,
        };
        plan.planned = plan
            .fixed
            .checked_add(plan.cquin)
            .and_then(|x| x.checked_add(plan.advance))
            .ok_or(PaymentError::Overflow {
                operation: "amount paid on account",
            })?;
        allocate_into(plan.planned, &inst_w, inst_sum, &mut plan.instalments);
        plan.instalments_by_comm = vec![0; 12 * n_comm];
        for (inst, out) in plan
            .instalments
            .iter()
            .zip(plan.instalments_by_comm.chunks_mut(n_comm.max(1)))
        {
            allocate_into(*inst, &comm_w, comm_sum, out);
        }

        if let Some(units) = &plan_units {
            plan.plan_units = Some(*units.get(&year).ok_or(PaymentError::MissingYearValue {
                field: "variable.plan".into(),
                year,
            })?);
        }
        if let (Some(t), Some(r)) = (&targets, &raw.risk_share) {
            let target = *t.get(&year).ok_or(PaymentError::MissingYearValue {
                field: "risk_share.targets".into(),
                year,
            })?;
            let tp = pence::pence(target)?;
            if tp <= 0 {
                return Err(PaymentError::NonPositiveTarget {
                    year,
                    amount: target,
                });
            }
            plan.target = Some(tp);
            plan.gain_caps = year_caps(&r.gain, tp, plan.bacv, rule)?;
            if let Some(l) = &r.loss {
                plan.loss_caps = year_caps(l, tp, plan.bacv, rule)?;
            }
        }
        for s in &raw.subcontracts {
            plan.onward_fixed.push(match &s.fixed {
                OnwardBasis::Amount { amount } => pence::pence(*amount)?,
                OnwardBasis::ShareOfFixed { share } => {
                    apply(plan.fixed, pence::scaled(*share, rule)?, rule)?
                }
            });
        }
        plans.push(plan);
    }
    Ok(Compiled {
        rule,
        plans,
        comm_w,
        comm_sum,
        measure_ids,
        outcome_cols,
        outcome_w,
        outcome_wsum: i128::try_from(outcome_sum).unwrap_or(i128::MAX),
        formula,
        cquin_cols,
        milestone_ids,
        variable,
        risk,
        pass_through,
        incentive_in_advance: assumed.is_some(),
    })
}
