//! The outcomes stage of the route map report: the Coventry and Warwickshire Out of Hospital
//! outcomes framework shape (six domains, illustrative where seed 003 does not name them),
//! what its performance element pays on in each contract year (milestones in year 1, outcomes
//! by year 3), and illustrative sample achievements scored year by year.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use route_map::outcomes::curve::Performance;
use route_map::outcomes::gap::{GapStatus, gap_analysis};
use route_map::outcomes::{IncentiveBasis, IndicatorId, templates};
use rust_decimal::Decimal;

/// The stage's section of the report.
pub fn report() -> crate::StageResult {
    let mut out = String::new();
    let framework = templates::coventry_warwickshire()?;
    let results = templates::coventry_warwickshire_sample_results()?;
    writeln!(out, "{}", framework.name())?;
    writeln!(out, "Source: {}", framework.source())?;
    for d in framework.domains() {
        let indicators: Vec<&str> = d
            .outcomes
            .iter()
            .flat_map(|o| o.indicators.iter().map(|i| i.id().as_str()))
            .collect();
        writeln!(out, "- {} {} [{}]", d.id, d.name, indicators.join(", "))?;
    }

    writeln!(
        out,
        "\nPerformance element by contract year (sample achievements, illustrative):"
    )?;
    writeln!(out, "| year | pays on | achievement | by domain |")?;
    writeln!(out, "|---|---|---|---|")?;
    for year in 1..=5 {
        let score = framework.score(&results, year)?;
        let pays_on: Vec<String> = score
            .phasing
            .iter()
            .map(|(basis, share)| format!("{basis} {share}"))
            .collect();
        let domains: Vec<String> = score
            .domains
            .iter()
            .map(|d| format!("{} {}", d.id, d.achievement))
            .collect();
        writeln!(
            out,
            "| {year} | {} | {} | {} |",
            pays_on.join(", "),
            score.achievement,
            domains.join("; ")
        )?;
    }
    let year1 = framework.score(&results, 1)?;
    for i in &year1.indicators {
        writeln!(out, "  year 1 {}: {}", i.id, i.scored)?;
    }

    // A missed must-meet gateway (the ISPA) would forfeit the year 1 milestone payment.
    let mut missed = results.clone();
    if let Some(Performance::Milestones { deliveries, .. }) =
        missed.get_mut(&IndicatorId::new("OOH-M1")?)
    {
        deliveries.clear();
    }
    let gated = framework.score(&missed, 1)?;
    writeln!(
        out,
        "If the ISPA (a must-meet gateway) is missed, year 1 achievement is {}.",
        gated.achievement
    )?;

    let cquin = framework.score_basis(&results, IncentiveBasis::Cquin, 1)?;
    writeln!(
        out,
        "CQUIN (scored separately for its own pot): {}",
        cquin.achievement
    )?;

    // Gap analysis against the year 3 trajectory, from the sample values.
    let current: BTreeMap<IndicatorId, Decimal> = results
        .iter()
        .filter_map(|(id, p)| match p {
            Performance::Value { value } => Some((id.clone(), *value)),
            Performance::Milestones { .. } => None,
        })
        .collect();
    let gaps = gap_analysis(&framework, &current, 3)?;
    let short: Vec<String> = gaps
        .indicators
        .iter()
        .filter(|g| g.status == GapStatus::Shortfall)
        .map(|g| format!("{} short by {}", g.id, g.gap.unwrap_or_default()))
        .collect();
    writeln!(out, "Gap to year 3 targets: {}", short.join("; "))?;
    Ok(out)
}
