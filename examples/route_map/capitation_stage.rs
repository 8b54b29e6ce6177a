//! The capitation stage of the route map report: the financial envelope of the in-scope
//! services (seed 003), each commissioner's contribution, the envelope projected over an
//! illustrative five-year contract with ONS population change by age, and a segment budget
//! for Coventry from per-head costs by age band (the Devon case-for-change table, seed 001).

use std::fmt::Write as _;

use route_map::capitation::budget::{SegmentPopulation, capitated_budget, per_head_rates};
use route_map::capitation::budget_check::{PrintedSegmentRow, band_baselines};
use route_map::capitation::envelope::{LineFactor, coventry_and_warwickshire_out_of_hospital};
use route_map::capitation::population::{AgeBand, MidYearEstimates};
use route_map::capitation::projection::{
    CostWeightedBand, ProjectionAssumptions, age_weighted_change,
};
use route_map::core::{Rate, RoundingRule};
use rust_decimal::Decimal;
use serde::Deserialize;

/// Displayed figures round half away from zero, as the published tables do.
const HALF_UP: rust_decimal::RoundingStrategy =
    rust_decimal::RoundingStrategy::MidpointAwayFromZero;

const ONS_EXTRACT: &str =
    include_str!("../../crates/capitation/data/ons_mye_coventry_warwickshire_2019_2020.toml");
const DEVON: &str = include_str!("../../tests/cases/capitation/devon_table.toml");

#[derive(Deserialize)]
struct Extract {
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

fn pct(d: Decimal) -> String {
    format!(
        "{}%",
        (d * Decimal::ONE_HUNDRED).round_dp_with_strategy(2, HALF_UP)
    )
}

/// The stage's section of the report.
pub fn report() -> crate::StageResult {
    let mut out = String::new();
    let envelope = coventry_and_warwickshire_out_of_hospital()?;
    writeln!(
        out,
        "Financial envelope, {} (in-scope services, {}):",
        envelope.base_year(),
        envelope.sources().first().map_or("", |s| s.title.as_str())
    )?;
    for (line, c) in envelope.lines().iter().zip(envelope.contributions()?) {
        writeln!(
            out,
            "- {}: {} ({})",
            line.commissioner,
            line.value,
            pct(c.share.as_decimal())
        )?;
    }
    writeln!(out, "- total in scope: {}", envelope.total())?;
    writeln!(out, "\nContributions by commissioner:")?;
    for c in envelope.contributions_by_organisation()? {
        writeln!(
            out,
            "- {}: {} ({})",
            c.contributor,
            c.value,
            pct(c.share.as_decimal())
        )?;
    }

    // Per-head cost by age band from the Devon table (seed 001).
    let devon: Devon = toml::from_str(DEVON)?;
    let bands = [
        ("Children 0-16", AgeBand::new("0-15", 0, Some(15))?),
        ("Adults 16-69", AgeBand::new("16-69", 16, Some(69))?),
        ("Elderly 70+", AgeBand::new("70+", 70, None)?),
    ];
    let baselines = band_baselines(&devon.row, &bands)?;
    let rates = per_head_rates(&baselines, RoundingRule::HalfAwayFromZero)?;

    // ONS population change, mid-2019 to mid-2020, weighted by those costs.
    let extract: Extract = toml::from_str(ONS_EXTRACT)?;
    let read = |year: i32| -> Result<MidYearEstimates, Box<dyn std::error::Error>> {
        let y = extract
            .estimates
            .iter()
            .find(|e| e.mid_year == year)
            .ok_or("year missing from the ONS extract")?;
        Ok(MidYearEstimates::from_bytes(
            y.csv.trim_start().as_bytes(),
            "ONS extract",
            year,
        )?)
    };
    let (y2019, y2020) = (read(2019)?, read(2020)?);
    let weights: Vec<CostWeightedBand> = bands
        .iter()
        .zip(&rates)
        .map(|((_, band), rate)| CostWeightedBand {
            band: band.clone(),
            weight: rate.exact,
        })
        .collect();
    let change = |code: &str| -> Result<Decimal, Box<dyn std::error::Error>> {
        Ok(age_weighted_change(y2019.area(code)?, y2020.area(code)?, &weights)?.factor)
    };
    let coventry = change("E08000026")?;
    let warwickshire = change("E10000031")?;
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
                coventry
            } else {
                warwickshire
            },
        })
        .collect();
    let projection = envelope.project_by_line(&factors, &assumptions, 5)?;
    writeln!(
        out,
        "\nProjected envelope (illustrative five-year contract from April 2018): cost-weighted population change {} a year in Coventry and {} in Warwickshire (ONS mid-2019 to mid-2020), uplift {}, efficiency {}:",
        pct(coventry - Decimal::ONE),
        pct(warwickshire - Decimal::ONE),
        assumptions.uplift,
        assumptions.efficiency
    )?;
    for (year, value) in &projection.years {
        writeln!(out, "- {year}: {value}")?;
    }
    writeln!(out, "- over the contract: {}", projection.contract_total)?;

    // A segment budget for Coventry: Devon per-head costs by age band x Coventry's mid-2020
    // population.
    let area = y2020.area("E08000026")?;
    let populations = bands
        .iter()
        .map(|(_, band)| {
            Ok(SegmentPopulation {
                segment: band.label().to_owned(),
                population: Decimal::from(area.persons_in(band)?),
            })
        })
        .collect::<Result<Vec<_>, route_map::capitation::Error>>()?;
    let budget = capitated_budget(&rates, &populations, RoundingRule::HalfAwayFromZero)?;
    writeln!(
        out,
        "\nSegment budget at Devon per-head costs for Coventry's mid-2020 population (illustrative; whole-system spend, not the in-scope services):"
    )?;
    for (line, rate) in budget.lines.iter().zip(&rates) {
        writeln!(
            out,
            "- {}: {} people x {} = {}",
            line.segment, line.population, rate.rate, line.amount
        )?;
    }
    writeln!(out, "- total: {}", budget.total)?;
    segmentation(&mut out, &y2020)?;
    Ok(out)
}

/// Illustrative prevalence by Devon age band (children, adults, elderly) of each need the
/// scheme tests, in people per thousand. Not published figures: the ONS estimates give ages
/// only, so conditions are drawn to show the engine at a city's scale.
const PREVALENCE_PER_THOUSAND: [(&str, [u32; 3]); 7] = [
    ("vulnerable", [30, 0, 0]),
    ("learning_disability", [5, 5, 4]),
    ("semi", [2, 12, 10]),
    ("dementia", [0, 1, 70]),
    ("cancer", [2, 20, 50]),
    ("physical_disability", [10, 30, 60]),
    ("chronic", [100, 300, 600]),
];

/// The Devon scheme applied to Coventry's mid-2020 population by single year of age, person
/// by person, through the streaming engine on both cores.
fn segmentation(
    out: &mut String,
    estimates: &MidYearEstimates,
) -> Result<(), Box<dyn std::error::Error>> {
    use rand::{Rng, SeedableRng};
    use route_map::capitation::{
        ConditionCatalogue, Person, Places, SegmentationScheme, Segmenter, Services, Sex,
    };

    let catalogue = ConditionCatalogue::builtin()?;
    let scheme = SegmentationScheme::devon()?.compile(catalogue, &mut Places::default())?;
    let services = Services::new(["all services"])?;
    let coventry = estimates.area("E08000026")?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2017);
    let mut people = Vec::new();
    for age in 0..=90u8 {
        let band = match age {
            0..=15 => 0,
            16..=69 => 1,
            _ => 2,
        };
        for i in 0..coventry.age(age).unwrap_or(0) {
            let sex = if i % 2 == 0 { Sex::Female } else { Sex::Male };
            let mut person = Person::new(age, sex, 365);
            for (condition, per_thousand) in PREVALENCE_PER_THOUSAND {
                let rate = per_thousand.get(band).copied().unwrap_or(0);
                if rng.random_range(0..1000) < rate {
                    person.conditions.insert(catalogue.id(condition)?);
                }
            }
            people.push(person);
        }
    }
    let totals = Segmenter::new(&scheme, &services, 365)?.aggregate_slice(&people)?;
    writeln!(
        out,
        "\nDevon segmentation of Coventry's {} residents (ONS mid-2020 ages; illustrative condition prevalence, seeded), first matching need wins:",
        totals.people()
    )?;
    let rows = totals.rows(&scheme, &services, RoundingRule::HalfAwayFromZero)?;
    for row in rows.iter().filter(|r| r.people > 0) {
        writeln!(
            out,
            "- {} / {}: {} people",
            row.band_name, row.need_name, row.people
        )?;
    }
    Ok(())
}
