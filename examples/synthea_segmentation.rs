//! Segment a Synthea CSV export with the Devon and Bridges to Health schemes for the financial
//! year 2022/23: people, person-years, spend and spend per head by segment, and the clinical
//! codes the condition catalogue does not know.
//!
//! With `ROUTE_MAP_DATA_DIR` set, reads `$ROUTE_MAP_DATA_DIR/synthea-unmc-111` (111 synthetic
//! Nebraska patients); otherwise a five-patient export embedded below, in the same layout.
//! Synthea's costs are US dollars, carried exactly in cents: they are not NHS prices.
//!
//! `cargo run --example synthea_segmentation`

use std::error::Error;
use std::path::PathBuf;

use route_map::capitation::readers::synthea::{
    self, SyntheaFiles, SyntheaOptions, SyntheaPlace, SyntheaPopulation,
};
use route_map::capitation::{ConditionCatalogue, SegmentationScheme, Segmenter};
use route_map::core::{FinancialYear, RoundingRule};

const PATIENTS: &str = "Id,BIRTHDATE,DEATHDATE,GENDER,COUNTY\n\
p1,1941-03-02,,F,Douglas County\n\
p2,1975-07-19,,M,Lancaster County\n\
p3,2012-01-30,,F,Douglas County\n\
p4,1950-11-11,2022-12-01,M,Sarpy County\n\
p5,2022-09-15,,M,Douglas County\n";
const CONDITIONS: &str = "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION\n\
2015-04-01,,p1,e1,26929004,Alzheimer's disease (disorder)\n\
2010-01-01,,p2,e2,59621000,Essential hypertension (disorder)\n\
2022-06-01,,p2,e2,314529007,Medication review due (situation)\n\
2020-02-01,,p4,e4,254837009,Malignant neoplasm of breast (disorder)\n";
const ENCOUNTERS: &str = "Id,START,STOP,PATIENT,ENCOUNTERCLASS,BASE_ENCOUNTER_COST\n\
e1,2022-05-03T09:00:00Z,,p1,inpatient,4200.00\n\
e2,2022-06-01T09:00:00Z,,p2,ambulatory,85.50\n\
e3,2022-08-10T09:00:00Z,,p3,wellness,136.80\n\
e4,2022-10-20T09:00:00Z,,p4,outpatient,910.25\n\
e5,2022-09-15T09:00:00Z,,p5,wellness,136.80\n";
const PROCEDURES: &str = "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION,BASE_COST\n\
2022-10-20T09:00:00Z,,p4,e4,367336001,Chemotherapy (procedure),2800.00\n";
const MEDICATIONS: &str = "START,STOP,PATIENT,PAYER,ENCOUNTER,CODE,DESCRIPTION,BASE_COST,PAYER_COVERAGE,DISPENSES,TOTALCOST\n\
2022-06-01T09:00:00Z,,p2,x,e2,314076,lisinopril 10 MG Oral Tablet,1.20,0,12,14.40\n";

fn read(opts: &SyntheaOptions<'_>) -> Result<(String, SyntheaPopulation), Box<dyn Error>> {
    if let Ok(dir) = std::env::var("ROUTE_MAP_DATA_DIR") {
        let dir = PathBuf::from(dir).join("synthea-unmc-111");
        let pop = synthea::read_dir(&dir, opts)?;
        return Ok((dir.display().to_string(), pop));
    }
    let file = |name: &str, text: &'static str| (name.to_owned(), text.as_bytes());
    let pop = synthea::read(
        SyntheaFiles {
            patients: file("patients.csv", PATIENTS),
            conditions: file("conditions.csv", CONDITIONS),
            encounters: file("encounters.csv", ENCOUNTERS),
            procedures: file("procedures.csv", PROCEDURES),
            medications: file("medications.csv", MEDICATIONS),
        },
        opts,
    )?;
    Ok(("embedded five-patient export".to_owned(), pop))
}

fn main() -> Result<(), Box<dyn Error>> {
    let catalogue = ConditionCatalogue::builtin()?;
    let year = FinancialYear::starting(2022)?;
    let opts = SyntheaOptions {
        catalogue,
        period: year.range(),
        place: SyntheaPlace::County,
    };
    let (source, pop) = read(&opts)?;
    let r = &pop.report;
    println!("# Synthea segmentation, financial year {year}\n");
    println!("Source: {source}");
    println!(
        "Patients read {}, in the year {}, outside it {}; condition rows in the year {}; cost rows in the year {}.",
        r.patients_read,
        pop.people.len(),
        r.patients_outside_period,
        r.conditions_in_period,
        r.cost_rows_in_period
    );
    println!(
        "Condition codes not in the catalogue: {} occurrences of {} codes (most frequent: {}).\n",
        r.unknown_codes.occurrences(),
        r.unknown_codes.distinct(),
        r.unknown_codes
            .most_frequent()
            .iter()
            .take(3)
            .map(|(system, code, n)| format!("{system} {code} x{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );

    for scheme in [
        SegmentationScheme::devon()?,
        SegmentationScheme::bridges_to_health()?,
    ] {
        let mut places = pop.places.clone();
        let compiled = scheme.compile(catalogue, &mut places)?;
        let totals = Segmenter::new(&compiled, &pop.services, pop.period_days)?
            .aggregate_slice(&pop.people)?;
        println!("## {}\n", scheme.name);
        println!("Source: {}\n", scheme.source);
        println!("| age band | need | people | person-years | spend ($) | per person-year ($) |");
        println!("|---|---|---:|---:|---:|---:|");
        for row in totals.rows(&compiled, &pop.services, RoundingRule::HalfAwayFromZero)? {
            if row.people == 0 {
                continue;
            }
            println!(
                "| {} | {} | {} | {} | {} | {} |",
                row.band_name,
                row.need_name,
                row.people,
                row.person_years.round_dp(2),
                row.total_spend.as_decimal(),
                row.spend_per_person_year
                    .map_or_else(|| "-".to_owned(), |m| m.as_decimal().to_string())
            );
        }
        println!(
            "\nTotal: {} people, {} member-days, spend {} cents.\n",
            totals.people(),
            totals.member_days(),
            totals.total_spend()
        );
    }
    Ok(())
}
