//! The Devon case-for-change segmentation table of seed 001 (section 3.4), reproduced from its
//! printed figures: three age bands by need, each box with its population (thousands), spend
//! per head (£) and total spend (£m).
//!
//! The example checks every box: population x spend per head must give the printed total
//! within the table's own rounding (population to 0.1 thousand, spend per head to £1, total to
//! £0.1m). Boxes that no rounding reconciles are reported, with the population the printed
//! total and rate would imply. It then rebuilds per-head rates from the printed totals and the
//! budget those rates give back.
//!
//! The figures are typed from the seed into `tests/cases/capitation/devon_table.toml`,
//! embedded at compile time. Run with `cargo run --example devon_segmentation`.

use std::collections::BTreeMap;

use route_map::capitation::budget::{SegmentPopulation, capitated_budget, per_head_rates};
use route_map::capitation::budget_check::{
    PrintedNumber, PrintedSegmentRow, RowVerdict, baselines, check_table,
};
use route_map::core::{RoundingRule, SourceRef};
use rust_decimal::Decimal;
use serde::Deserialize;

/// Displayed figures round half away from zero, as the published tables do.
const HALF_UP: rust_decimal::RoundingStrategy =
    rust_decimal::RoundingStrategy::MidpointAwayFromZero;

const TABLE: &str = include_str!("../tests/cases/capitation/devon_table.toml");

#[derive(Deserialize)]
struct DevonTable {
    source: SourceRef,
    row: Vec<PrintedSegmentRow>,
}

fn cell(n: Option<PrintedNumber>) -> String {
    n.map_or_else(|| "-".to_owned(), |n| n.to_string())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let table: DevonTable = toml::from_str(TABLE)?;
    println!("# Devon case for change: segmentation by age and need\n");
    println!("Source: {}", table.source);
    if let Some(note) = &table.source.to_verify {
        println!("(unverified: {note})");
    }

    // The table as printed, one line per box.
    println!(
        "\n| Age band | Need | Segment | Population (k) | Spend per head (£) | Total spend (£m) |"
    );
    println!("|---|---|---|---:|---:|---:|");
    for r in &table.row {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            r.age_band,
            r.need,
            r.segment,
            cell(r.population_thousands),
            cell(r.spend_per_head),
            cell(r.total_spend_millions)
        );
    }

    // Population x spend per head against the printed total.
    let checks = check_table(&table.row);
    println!("\n## Check: population x spend per head = total spend, within printed rounding\n");
    println!("| Segment | Implied (£m) | Allowed range (£m) | Printed (£m) | Verdict |");
    println!("|---|---:|---:|---:|---|");
    for (r, c) in table.row.iter().zip(&checks) {
        let implied = c.implied_millions.map_or_else(
            || "-".to_owned(),
            |d| d.round_dp_with_strategy(2, HALF_UP).to_string(),
        );
        let range = c.implied_range.map_or_else(
            || "-".to_owned(),
            |(lo, hi)| {
                format!(
                    "{} to {}",
                    lo.round_dp_with_strategy(2, HALF_UP),
                    hi.round_dp_with_strategy(2, HALF_UP)
                )
            },
        );
        let verdict = match c.verdict {
            RowVerdict::Consistent => "consistent",
            RowVerdict::Inconsistent => "INCONSISTENT",
            RowVerdict::NotPrinted => "not printed",
            _ => "?",
        };
        println!(
            "| {} | {implied} | {range} | {} | {verdict} |",
            c.segment,
            cell(r.total_spend_millions)
        );
    }
    let inconsistent: Vec<_> = checks
        .iter()
        .filter(|c| c.verdict == RowVerdict::Inconsistent)
        .collect();
    println!(
        "\n{} of {} printed boxes reconcile; {} do not:",
        checks
            .iter()
            .filter(|c| c.verdict == RowVerdict::Consistent)
            .count(),
        checks
            .iter()
            .filter(|c| c.verdict != RowVerdict::NotPrinted)
            .count(),
        inconsistent.len()
    );
    for c in &inconsistent {
        let d = c
            .difference_millions
            .unwrap_or_default()
            .round_dp_with_strategy(1, HALF_UP);
        let direction = if d.is_sign_negative() {
            "below"
        } else {
            "above"
        };
        println!(
            "- {}: the printed total is £{}m {direction} population x rate; the printed total and rate imply {} thousand people",
            c.segment,
            d.abs(),
            c.population_implied_thousands
                .unwrap_or_default()
                .round_dp_with_strategy(2, HALF_UP)
        );
    }

    // Totals by age band and the spend per head they give.
    println!("\n## Totals by age band (sums of printed boxes)\n");
    println!("| Age band | Population (k) | Spend (£m) | Spend per head (£) |");
    println!("|---|---:|---:|---:|");
    let mut bands: BTreeMap<&str, (Decimal, Decimal)> = BTreeMap::new();
    for r in &table.row {
        let entry = bands.entry(r.age_band.as_str()).or_default();
        entry.0 += r
            .population_thousands
            .map_or(Decimal::ZERO, PrintedNumber::value);
        entry.1 += r
            .total_spend_millions
            .map_or(Decimal::ZERO, PrintedNumber::value);
    }
    let (mut all_pop, mut all_spend) = (Decimal::ZERO, Decimal::ZERO);
    for (band, (pop, spend)) in &bands {
        all_pop += pop;
        all_spend += spend;
        println!(
            "| {band} | {pop} | {spend} | {} |",
            (spend * Decimal::from(1_000) / pop).round_dp_with_strategy(0, HALF_UP)
        );
    }
    println!(
        "| All | {all_pop} | {all_spend} | {} |",
        (all_spend * Decimal::from(1_000) / all_pop).round_dp_with_strategy(0, HALF_UP)
    );

    // Per-head rates from the printed totals, and the budget they give back.
    let base = baselines(&table.row)?;
    let rates = per_head_rates(&base, RoundingRule::HalfAwayFromZero)?;
    let populations: Vec<SegmentPopulation> = base
        .iter()
        .map(|b| SegmentPopulation {
            segment: b.segment.clone(),
            population: b.population,
        })
        .collect();
    let budget = capitated_budget(&rates, &populations, RoundingRule::HalfAwayFromZero)?;
    println!("\n## Per-head rates rebuilt from printed totals\n");
    println!("| Segment | Printed rate (£) | Rate from total / population | Difference (£) |");
    println!("|---|---:|---:|---:|");
    for (r, rate) in table
        .row
        .iter()
        .filter(|r| r.population_thousands.is_some())
        .zip(&rates)
    {
        let printed = r.spend_per_head.map_or(Decimal::ZERO, PrintedNumber::value);
        println!(
            "| {} | {printed} | {} | {} |",
            rate.segment,
            rate.rate,
            (rate.rate.as_decimal() - printed).round_dp_with_strategy(2, HALF_UP)
        );
    }
    println!(
        "\nBudget at these rates for the base-year populations: {} (printed boxes sum to £{all_spend}m).",
        budget.total
    );
    Ok(())
}
