//! The financial envelope of the Coventry and Warwickshire Out of Hospital programme (seed
//! 003): 2017/18 spend on the in-scope services by commissioner (£57,428,020 in all), each
//! commissioner's contribution, and the envelope projected over a contract from April 2018
//! with ONS population change by age.
//!
//! Population change comes from the ONS mid-year estimates for mid-2019 and mid-2020 by single
//! year of age: Coventry (E08000026) for the Coventry line and Warwickshire county
//! (E10000031) for the three Warwickshire places. Each area's change is weighted by cost per
//! head in three age bands, taken from the Devon case-for-change table (seed 001), so growth
//! among the over-70s counts about four times growth among adults. The figures for the two
//! areas are embedded (typed from the ONS file); with `ROUTE_MAP_DATA_DIR` set, the example
//! reads the full ONS files instead.
//!
//! The uplift, efficiency requirement and contract length are ILLUSTRATIVE assumptions, not
//! the commissioners'. Run with `cargo run --example coventry_envelope`.

use route_map::capitation::budget::per_head_rates;
use route_map::capitation::budget_check::{PrintedSegmentRow, band_baselines};
use route_map::capitation::envelope::{LineFactor, coventry_and_warwickshire_out_of_hospital};
use route_map::capitation::population::{AgeBand, MidYearEstimates};
use route_map::capitation::projection::{
    AgeWeightedChange, CostWeightedBand, ProjectionAssumptions, age_weighted_change,
};
use route_map::core::{Rate, RoundingRule, SourceRef};
use rust_decimal::Decimal;
use serde::Deserialize;

/// Displayed figures round half away from zero, as the published tables do.
const HALF_UP: rust_decimal::RoundingStrategy =
    rust_decimal::RoundingStrategy::MidpointAwayFromZero;

const ONS_EXTRACT: &str =
    include_str!("../crates/capitation/data/ons_mye_coventry_warwickshire_2019_2020.toml");
const DEVON: &str = include_str!("../tests/cases/capitation/devon_table.toml");

/// Illustrative: a five-year contract from April 2018.
const CONTRACT_YEARS: u32 = 5;
const COVENTRY: &str = "E08000026";
const WARWICKSHIRE: &str = "E10000031";

type AnyResult<T> = Result<T, Box<dyn std::error::Error>>;

#[derive(Deserialize)]
struct Extract {
    source: SourceRef,
    estimates: Vec<ExtractYear>,
}

#[derive(Deserialize)]
struct ExtractYear {
    mid_year: i32,
    csv: String,
}

#[derive(Deserialize)]
struct Devon {
    row: Vec<PrintedSegmentRow>,
}

/// Mid-2019 and mid-2020 estimates, from the real files when `ROUTE_MAP_DATA_DIR` is set.
fn estimates() -> AnyResult<(MidYearEstimates, MidYearEstimates, String)> {
    if let Ok(dir) = std::env::var("ROUTE_MAP_DATA_DIR") {
        let dir = std::path::Path::new(&dir).join("ons-mye-syoa-2019-2020");
        let a = MidYearEstimates::from_path(dir.join("ONS2019_PopnByAgeYearEstimate.csv"), 2019)?;
        let b = MidYearEstimates::from_path(dir.join("ONS2020_PopnByAgeYearEstimate.csv"), 2020)?;
        return Ok((a, b, format!("ONS files in {}", dir.display())));
    }
    let extract: Extract = toml::from_str(ONS_EXTRACT)?;
    let read = |year: i32| -> AnyResult<MidYearEstimates> {
        let y = extract
            .estimates
            .iter()
            .find(|e| e.mid_year == year)
            .ok_or("year missing from the embedded extract")?;
        Ok(MidYearEstimates::from_bytes(
            y.csv.trim_start().as_bytes(),
            &format!("embedded ONS extract mid-{year}"),
            year,
        )?)
    };
    Ok((
        read(2019)?,
        read(2020)?,
        format!("embedded extract: {}", extract.source),
    ))
}

/// Cost per head by age band from the Devon table: total spend over population per band.
fn devon_cost_weights() -> AnyResult<Vec<CostWeightedBand>> {
    let devon: Devon = toml::from_str(DEVON)?;
    let bands = [
        ("Children 0-16", AgeBand::new("0-15", 0, Some(15))?),
        ("Adults 16-69", AgeBand::new("16-69", 16, Some(69))?),
        ("Elderly 70+", AgeBand::new("70+", 70, None)?),
    ];
    let baselines = band_baselines(&devon.row, &bands)?;
    let rates = per_head_rates(&baselines, RoundingRule::HalfAwayFromZero)?;
    Ok(bands
        .into_iter()
        .zip(rates)
        .map(|((_, band), rate)| CostWeightedBand {
            band,
            weight: rate.exact,
        })
        .collect())
}

fn pct(d: Decimal) -> String {
    format!(
        "{}%",
        (d * Decimal::ONE_HUNDRED).round_dp_with_strategy(2, HALF_UP)
    )
}

fn print_change(name: &str, change: &AgeWeightedChange) {
    println!("\n{name}:\n");
    println!("| Age band | Cost per head (£) | Mid-2019 | Mid-2020 | Change |");
    println!("|---|---:|---:|---:|---:|");
    for (g, w) in change.bands.iter().zip(&change.weights) {
        println!(
            "| {} | {} | {} | {} | {} |",
            g.band.label(),
            w.round_dp_with_strategy(2, HALF_UP),
            g.earlier,
            g.later,
            pct(g.factor - Decimal::ONE)
        );
    }
    println!(
        "| cost-weighted | | | | {} |",
        pct(change.factor - Decimal::ONE)
    );
}

fn main() -> AnyResult<()> {
    let envelope = coventry_and_warwickshire_out_of_hospital()?;
    println!("# {}\n", envelope.name());
    for s in envelope.sources() {
        match &s.to_verify {
            Some(note) => println!("Source: {s} (unverified: {note})"),
            None => println!("Source: {s}"),
        }
    }

    println!("\n## Current value, {}\n", envelope.base_year());
    println!("| In-scope services | Organisation | Value | Share |");
    println!("|---|---|---:|---:|");
    for (line, c) in envelope.lines().iter().zip(envelope.contributions()?) {
        println!(
            "| {} | {} | {} | {} |",
            line.commissioner,
            line.organisation.as_deref().unwrap_or("-"),
            line.value,
            pct(c.share.as_decimal())
        );
    }
    println!("| **Total in scope** | | **{}** | 100% |", envelope.total());
    println!("\nContributions by commissioner:\n");
    for c in envelope.contributions_by_organisation()? {
        println!(
            "- {}: {} ({})",
            c.contributor,
            c.value,
            pct(c.share.as_decimal())
        );
    }

    let (y2019, y2020, origin) = estimates()?;
    let weights = devon_cost_weights()?;
    let coventry = age_weighted_change(y2019.area(COVENTRY)?, y2020.area(COVENTRY)?, &weights)?;
    let warwickshire = age_weighted_change(
        y2019.area(WARWICKSHIRE)?,
        y2020.area(WARWICKSHIRE)?,
        &weights,
    )?;
    println!("\n## Population change by age, mid-2019 to mid-2020\n");
    println!("Estimates: {origin}.");
    println!(
        "Cost per head by band: Devon case-for-change table (seed 001), spend over population."
    );
    print_change("Coventry (E08000026)", &coventry);
    print_change("Warwickshire (E10000031)", &warwickshire);

    let assumptions = ProjectionAssumptions {
        uplift: Rate::from_percent_decimal(Decimal::new(21, 1))?,
        efficiency: Rate::from_percent(2)?,
        rounding: RoundingRule::HalfAwayFromZero,
    };
    let factors: Vec<LineFactor> = envelope
        .lines()
        .iter()
        .map(|l| LineFactor {
            commissioner: l.commissioner.clone(),
            population_factor: if l.commissioner == "Coventry" {
                coventry.factor
            } else {
                warwickshire.factor
            },
        })
        .collect();
    let projection = envelope.project_by_line(&factors, &assumptions, CONTRACT_YEARS)?;
    println!(
        "\n## Projected value over a {CONTRACT_YEARS}-year contract from April 2018 (illustrative)\n"
    );
    println!(
        "Each year: population change (the line's area, cost-weighted, mid-2019 to mid-2020 trend held constant), then uplift {}, then efficiency {}; each step rounded half away from zero to the penny.\n",
        assumptions.uplift, assumptions.efficiency
    );
    print!("| Year |");
    for l in envelope.lines() {
        print!(" {} |", l.commissioner);
    }
    println!(" Total |");
    println!("|---|{}---:|", "---:|".repeat(envelope.lines().len()));
    print!("| {} (current) |", envelope.base_year());
    for l in envelope.lines() {
        print!(" {} |", l.value);
    }
    println!(" {} |", envelope.total());
    for (i, (year, total)) in projection.years.iter().enumerate() {
        print!("| {year} |");
        for line in &projection.lines {
            let value = line.years.get(i).map(|y| y.value).unwrap_or_default();
            print!(" {value} |");
        }
        println!(" {total} |");
    }
    println!(
        "\nValue over the contract: {} ({} years).",
        projection.contract_total, CONTRACT_YEARS
    );
    if let Some(first) = projection
        .lines
        .iter()
        .find(|l| l.label == "Coventry")
        .and_then(|l| l.years.first())
    {
        println!("\nSteps for Coventry in {}:\n", first.year);
        for s in &first.steps {
            println!(
                "- {}: {} x {} = {}",
                s.name,
                s.before,
                s.factor.round_dp_with_strategy(6, HALF_UP),
                s.after
            );
        }
    }
    Ok(())
}
