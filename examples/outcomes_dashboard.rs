//! Outcomes dashboard: score the Coventry and Warwickshire framework shape and print
//! achievement by domain with statistical verdicts.
//!
//! With `ROUTE_MAP_DATA_DIR` set, the indicators measured in OHID Fingertips are read from the
//! real North West extract (`fingertips-north-west/healthdata.csv`) for one area (Manchester,
//! `E08000003`, or the area named by `ROUTE_MAP_AREA`), since the extract does not cover
//! Coventry: each is scored on its curve, compared with England (95% confidence interval) and
//! charted with XmR limits over the years, with an assurance verdict against its year 3
//! target. Without it, an embedded illustrative sample is used. Indicators from provider
//! returns and the milestones use the framework's illustrative sample results.
//!
//! Directly standardised rates (falls admissions aged 65 and over, Fingertips 22401) get
//! Dobson limits at 95% and 99.8% computed here rather than copied: from the age bands and
//! the 2013 European Standard Population in the embedded sample, and in the real extract
//! (which gives the rate, the total count and the 95% limits but not the age bands) from the
//! variance that the published lower limit implies.
//!
//! Run: `cargo run --example outcomes_dashboard` (or with
//! `ROUTE_MAP_DATA_DIR=/work/shared/data`).

use std::collections::BTreeMap;
use std::error::Error;

use route_map::outcomes::curve::Performance;
use route_map::outcomes::fingertips;
use route_map::outcomes::observation::{Limits, Observation, Period, series};
use route_map::outcomes::stats::dsr::european_standard_population;
use route_map::outcomes::stats::funnel::dsr_funnel;
use route_map::outcomes::stats::spc::{XmrChart, XmrOptions};
use route_map::outcomes::stats::{
    ConfidenceLevel, Dsr, DsrStratum, Interval, compare, dsr, rate_interval, wilson,
};
use route_map::outcomes::{AreaCode, IndicatorId, Unit, templates};
use rust_decimal::Decimal;

const ENGLAND: &str = "E92000001";

/// Fingertips indicators published as directly standardised rates per 100,000 (ESP 2013).
fn is_dsr(source_id: &str) -> bool {
    source_id == "22401"
}

/// Illustrative falls admissions for the area by age band (65-69 to 90+) and year: events
/// and population. Not published figures.
fn falls_strata(year: usize) -> Vec<(f64, f64)> {
    let base = [
        (130.0, 16_000.0),
        (160.0, 14_000.0),
        (225.0, 10_500.0),
        (300.0, 7_800.0),
        (320.0, 4_700.0),
        (280.0, 2_400.0),
    ];
    // Admissions fall about 2.5% a year against a slowly growing population.
    #[allow(clippy::cast_precision_loss)]
    let y = year as f64;
    base.iter()
        .map(|&(e, n)| {
            (
                (e * (1.0 - 0.025 * y)).round(),
                (n * (1.0 + 0.01 * y)).round(),
            )
        })
        .collect()
}

/// The embedded falls series from its age bands: the DSR per 100,000 with Dobson's 95%
/// limits, and the total events.
fn falls_from_strata(year: usize) -> Result<(Dsr, Interval), Box<dyn Error>> {
    let esp = european_standard_population()?;
    let strata: Vec<DsrStratum> = esp
        .from_age(65)
        .iter()
        .zip(falls_strata(year))
        .map(|(band, (events, population))| DsrStratum {
            events,
            population,
            standard: band.population,
        })
        .collect();
    let rate = dsr(&strata, 100_000.0)?;
    let ci = rate.interval(ConfidenceLevel::P95)?;
    Ok((rate, ci))
}

/// Dobson limits for a published DSR row, from the variance its 95% lower limit implies.
fn dobson(o: &Observation) -> Result<Option<Dsr>, Box<dyn Error>> {
    match (o.value, o.numerator, o.ci95) {
        (Some(v), Some(n), Some(l)) if n > Decimal::ZERO && l.lower < v => {
            Ok(Some(Dsr::from_published_lower(
                to_f64(v)?,
                to_f64(n)?,
                to_f64(l.lower)?,
                ConfidenceLevel::P95,
                100_000.0,
            )?))
        }
        _ => Ok(None),
    }
}

/// The Fingertips series each indicator reads: (sex, age).
fn breakdown(source_id: &str) -> (&'static str, &'static str) {
    match source_id {
        "22401" => ("Persons", "65+ yrs"),
        "41203" => ("Persons", "12+ yrs"),
        "91894" => ("Persons", "65+ yrs"),
        _ => ("Persons", "All ages"),
    }
}

/// One indicator's sample: id, six years of (value, lower, upper) for the area, six England
/// values.
type SampleSeries = (&'static str, [(f64, f64, f64); 6], [f64; 6]);

/// An illustrative embedded sample: six years for one area and England, per indicator
/// (value, lower, upper). Not published figures.
fn embedded(area: &AreaCode) -> Result<Vec<Observation>, Box<dyn Error>> {
    let series: [SampleSeries; 5] = [
        (
            "22401",
            [
                (2310.0, 2190.0, 2430.0),
                (2280.0, 2160.0, 2400.0),
                (2150.0, 2040.0, 2270.0),
                (2120.0, 2005.0, 2240.0),
                (2060.0, 1950.0, 2175.0),
                (2040.0, 1930.0, 2150.0),
            ],
            [2228.0, 2222.0, 2023.0, 2118.0, 1933.0, 1984.0],
        ),
        (
            "41203",
            [
                (3.4, 2.1, 5.2),
                (3.1, 1.9, 4.8),
                (2.6, 1.5, 4.2),
                (2.9, 1.8, 4.5),
                (2.7, 1.6, 4.3),
                (2.5, 1.5, 4.0),
            ],
            [3.09, 2.93, 1.93, 2.76, 2.7, 2.6],
        ),
        (
            "41101",
            [
                (15.2, 14.8, 15.6),
                (15.0, 14.6, 15.4),
                (14.7, 14.3, 15.1),
                (14.6, 14.2, 15.0),
                (14.4, 14.0, 14.8),
                (14.2, 13.8, 14.6),
            ],
            [14.2, 14.4, 14.6, 14.5, 14.4, 14.3],
        ),
        (
            "93474",
            [
                (48.1, 46.4, 49.8),
                (47.0, 45.3, 48.7),
                (45.9, 44.2, 47.6),
                (45.0, 43.3, 46.7),
                (44.6, 42.9, 46.3),
                (44.1, 42.4, 45.8),
            ],
            [45.3, 44.9, 42.0, 43.5, 43.2, 43.0],
        ),
        (
            "91894",
            [
                (31.5, 28.2, 35.0),
                (30.2, 27.0, 33.6),
                (27.9, 24.9, 31.1),
                (28.8, 25.7, 32.1),
                (27.6, 24.6, 30.8),
                (26.9, 23.9, 30.1),
            ],
            [29.8, 28.7, 25.4, 27.4, 26.8, 26.5],
        ),
    ];
    let england = AreaCode::new(ENGLAND)?;
    let dec = |v: f64| -> Result<Decimal, Box<dyn Error>> { Ok(Decimal::try_from(v)?) };
    let mut out = Vec::new();
    for (id, local, national) in series {
        let (sex, age) = breakdown(id);
        for (k, ((value, lower, upper), eng)) in local.iter().zip(national).enumerate() {
            let period = Period::year(2018 + u16::try_from(k)?);
            let (value, lower, upper, events) = if is_dsr(id) {
                let (rate, ci) = falls_from_strata(k)?;
                (rate.rate, ci.lower, ci.upper, Some(rate.events))
            } else {
                (*value, *lower, *upper, None)
            };
            // Five decimal places, as Fingertips publishes.
            let mut o =
                Observation::value(id, area.clone(), period.clone(), dec(value)?.round_dp(5));
            o.ci95 = Some(Limits {
                lower: dec(lower)?.round_dp(5),
                upper: dec(upper)?.round_dp(5),
            });
            o.numerator = events.map(dec).transpose()?;
            o.sex = Some(sex.into());
            o.age = Some(age.into());
            let mut e = Observation::value(id, england.clone(), period, dec(eng)?);
            e.sex = Some(sex.into());
            e.age = Some(age.into());
            out.extend([o, e]);
        }
    }
    Ok(out)
}

fn to_f64(d: Decimal) -> Result<f64, Box<dyn Error>> {
    Ok(d.to_string().parse::<f64>()?)
}

fn interval(o: &Observation, unit: &Unit) -> Result<Option<Interval>, Box<dyn Error>> {
    if is_dsr(&o.source_indicator_id)
        && let Some(d) = dobson(o)?
    {
        return Ok(Some(d.interval(ConfidenceLevel::P95)?));
    }
    if let Some(l) = o.ci95 {
        return Ok(Some(Interval {
            lower: to_f64(l.lower)?,
            upper: to_f64(l.upper)?,
            level: ConfidenceLevel::P95,
        }));
    }
    match (unit, o.numerator, o.denominator) {
        (Unit::Percentage, Some(a), Some(b)) if a <= b && b > Decimal::ZERO => Ok(Some(
            wilson(to_f64(a)?, to_f64(b)?, ConfidenceLevel::P95)?.scaled(100.0),
        )),
        (Unit::RatePer { per }, Some(a), Some(b)) if b > Decimal::ZERO => Ok(Some(rate_interval(
            to_f64(a)?,
            to_f64(b)?,
            f64::from(*per),
            ConfidenceLevel::P95,
        )?)),
        _ => Ok(None),
    }
}

/// The area's label on a funnel of the latest year's DSRs for the areas of its tier (same
/// GSS code prefix), as Fingertips labels DSR funnels.
fn dsr_funnel_line(
    observations: &[Observation],
    source_id: &str,
    area: &AreaCode,
    sex: &str,
    age: &str,
) -> Result<(), Box<dyn Error>> {
    let tier = area.as_str().get(..3).unwrap_or_default();
    let rows: Vec<&Observation> = observations
        .iter()
        .filter(|o| {
            o.source_indicator_id == source_id
                && o.area.as_str().starts_with(tier)
                && o.is_whole_population()
                && o.sex.as_deref() == Some(sex)
                && o.age.as_deref() == Some(age)
                && o.value.is_some()
                && o.numerator.is_some()
        })
        .collect();
    let Some(latest) = rows.iter().map(|o| &o.period).max_by_key(|p| p.sortable) else {
        return Ok(());
    };
    let year: Vec<&&Observation> = rows.iter().filter(|o| o.period == *latest).collect();
    if year.len() < 3 {
        println!("- funnel: fewer than 3 areas of the same tier, not drawn");
        return Ok(());
    }
    let units = year
        .iter()
        .map(|o| {
            Ok((
                to_f64(o.numerator.unwrap_or_default())?,
                to_f64(o.value.unwrap_or_default())?,
            ))
        })
        .collect::<Result<Vec<_>, Box<dyn Error>>>()?;
    let funnel = dsr_funnel(&units, 100_000.0)?;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut own = "not in the funnel".to_string();
    for (o, p) in year.iter().zip(&funnel.points) {
        let label = p
            .flag
            .map_or_else(|| "not assessed (< 10 events)".into(), |f| format!("{f:?}"));
        if o.area == *area {
            own.clone_from(&label);
        }
        *counts.entry(label).or_default() += 1;
    }
    println!(
        "- funnel {} ({} areas with codes {tier}..., centre {:.1} per 100,000): {area} {own}; all: {counts:?}",
        latest.label,
        year.len(),
        funnel.centre,
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let framework = templates::coventry_warwickshire()?;
    let mut results = templates::coventry_warwickshire_sample_results()?;
    let area_text = std::env::var("ROUTE_MAP_AREA").unwrap_or_else(|_| "E08000003".into());
    let area = AreaCode::new(&area_text)?;
    let real = std::env::var_os("ROUTE_MAP_DATA_DIR").is_some();
    let (observations, label) = match std::env::var_os("ROUTE_MAP_DATA_DIR") {
        Some(dir) => {
            let path = std::path::Path::new(&dir)
                .join("fingertips-north-west")
                .join("healthdata.csv");
            let import = fingertips::read_path(&path)?;
            let label = format!(
                "OHID Fingertips extract {} ({} rows), area {area}",
                path.display(),
                import.observations.len()
            );
            (import.observations, label)
        }
        None => (
            embedded(&area)?,
            format!(
                "embedded illustrative sample, area {area} (set ROUTE_MAP_DATA_DIR for real data)"
            ),
        ),
    };
    println!("# {}", framework.name());
    println!("Data: {label}\n");
    println!(
        "| indicator | latest | value | vs England (95% CI) | achievement | SPC latest | assurance vs year 3 target |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (_, _, indicator) in framework.indicators() {
        let Some(source_id) = indicator.source_indicator_id() else {
            continue;
        };
        let (sex, age) = breakdown(source_id);
        let local = series(
            &observations,
            source_id,
            area.as_str(),
            Some(sex),
            Some(age),
        );
        let national = series(&observations, source_id, ENGLAND, Some(sex), Some(age));
        let with_values: Vec<&Observation> = local
            .iter()
            .copied()
            .filter(|o| o.value.is_some())
            .collect();
        let Some(latest) = with_values.last() else {
            println!(
                "| {} | - | no data for {area} | - | - | - | - |",
                indicator.id()
            );
            continue;
        };
        let value = latest.value.unwrap_or_default();
        results.insert(indicator.id().clone(), Performance::Value { value });
        let scored =
            indicator
                .curve()
                .score_value(value, indicator.polarity(), indicator.id().as_str())?;
        let england = national
            .iter()
            .find(|o| o.period == latest.period)
            .and_then(|o| o.value);
        let verdict = match (interval(latest, indicator.unit())?, england) {
            (Some(ci), Some(e)) => format!(
                "{} (England {e})",
                compare(ci, to_f64(e)?, Some(indicator.polarity()))?
            ),
            _ => "not compared".into(),
        };
        let values: Vec<f64> = with_values
            .iter()
            .filter_map(|o| o.value)
            .map(to_f64)
            .collect::<Result<_, _>>()?;
        let (spc, assurance) = if values.len() >= 2 {
            let chart = XmrChart::new(
                &values,
                XmrOptions {
                    improvement: Some(indicator.polarity()),
                    ..XmrOptions::default()
                },
            )?;
            let assurance = match indicator.target(3) {
                Some(t) => format!("{:?}", chart.assurance(to_f64(t)?, indicator.polarity())?),
                None => "no target".into(),
            };
            (
                format!(
                    "{:?}",
                    chart
                        .latest()
                        .unwrap_or(route_map::outcomes::stats::spc::Variation::CommonCause)
                ),
                assurance,
            )
        } else {
            ("too few points".into(), "-".into())
        };
        println!(
            "| {} {} | {} | {value} | {verdict} | {} | {spc} | {assurance} |",
            indicator.id(),
            indicator.name(),
            latest.period.label,
            scored.achievement,
        );
    }

    println!("\n## Directly standardised rates: Dobson limits (Byar's limits for the count)");
    for (_, _, indicator) in framework.indicators() {
        let Some(source_id) = indicator.source_indicator_id().filter(|id| is_dsr(id)) else {
            continue;
        };
        let (sex, age) = breakdown(source_id);
        for o in series(
            &observations,
            source_id,
            area.as_str(),
            Some(sex),
            Some(age),
        ) {
            let Some(d) = dobson(o)? else { continue };
            let (a, b) = (
                d.interval(ConfidenceLevel::P95)?,
                d.interval(ConfidenceLevel::P998)?,
            );
            let england = series(&observations, source_id, ENGLAND, Some(sex), Some(age))
                .into_iter()
                .find(|e| e.period == o.period)
                .and_then(|e| e.value);
            let verdict = match england {
                Some(e) => format!(
                    "{} at 99.8% (England {e})",
                    compare(b, to_f64(e)?, Some(indicator.polarity()))?
                ),
                None => "not compared".into(),
            };
            let given = if real {
                "published"
            } else {
                "from the age bands"
            };
            let published = o
                .ci95
                .map(|l| format!("{given} {}-{}", l.lower, l.upper))
                .unwrap_or_default();
            println!(
                "- {} {}: {:.1} per 100,000 from {} events{}; 95% {:.1}-{:.1} ({published}); 99.8% {:.1}-{:.1}; {verdict}",
                indicator.id(),
                o.period.label,
                d.rate,
                d.events,
                if d.is_publishable() {
                    ""
                } else {
                    " (too few to publish)"
                },
                a.lower,
                a.upper,
                b.lower,
                b.upper,
            );
        }
        dsr_funnel_line(&observations, source_id, &area, sex, age)?;
    }

    println!("\n## Achievement by domain, contract year 3 (outcomes)");
    let score = framework.score(&results, 3)?;
    for d in &score.domains {
        println!("- {} {}: {}", d.id, d.name, d.achievement);
    }
    println!("Framework achievement: {}", score.achievement);
    let map: BTreeMap<&IndicatorId, _> = score.indicator_achievements().collect();
    println!(
        "Indicator achievements for the payment engine: {}",
        map.len()
    );
    for line in &score.explanation {
        println!("  {line}");
    }
    Ok(())
}
