//! The Rust side of the segmentation peer comparison (`benches/peers/segment_vs_polars.py`).
//!
//! - `segment_peer generate PATH ROWS`: write ROWS seeded synthetic people as a person CSV.
//! - `segment_peer memory PATH`: read PATH into columns, then time segmenting them in memory.
//! - `segment_peer csv PATH`: time reading PATH straight into segment totals, end to end.
//! - no arguments: generate one million people in memory and time that (a quick demo).
//!
//! Each timing mode prints one JSON line: rows, seconds, rows per second, the process's peak
//! resident memory, and the totals per segment (so the script can check that polars, running
//! the same rules, agrees to the penny).

use std::error::Error;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use chrono::NaiveDate;
use route_map::capitation::person::synthetic::Generator;
use route_map::capitation::readers::person_csv::{self, PersonCsv, PersonCsvOptions};
use route_map::capitation::{
    CompiledScheme, ConditionCatalogue, PeopleColumns, Places, SegmentTotals, SegmentationScheme,
    Segmenter, Services,
};

const SERVICES: [&str; 3] = ["primary", "acute", "community"];
const FLAGS: [&str; 8] = [
    "dementia",
    "semi",
    "learning_disability",
    "physical_disability",
    "cancer",
    "vulnerable",
    "chronic",
    "organ_failure",
];
const PERIOD_DAYS: u16 = 365;

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU seconds (user + system, all threads) used by this process so far.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let after = s.rsplit_once(')')?.1;
            let fields: Vec<&str> = after.split_whitespace().collect();
            let utime: f64 = fields.get(11)?.parse().ok()?;
            let stime: f64 = fields.get(12)?.parse().ok()?;
            Some((utime + stime) / 100.0)
        })
        .unwrap_or(0.0)
}

fn generate(path: &Path, rows: usize) -> Result<(), Box<dyn Error>> {
    let catalogue = ConditionCatalogue::builtin()?;
    let ids = FLAGS
        .iter()
        .map(|f| catalogue.id(f))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    write!(out, "age,sex")?;
    for f in FLAGS {
        write!(out, ",has:{f}")?;
    }
    write!(out, ",member_days")?;
    for s in SERVICES {
        write!(out, ",pence:{s}")?;
    }
    writeln!(out)?;
    for p in Generator::new(2026, PERIOD_DAYS, SERVICES.len(), 7_000)?.take(rows) {
        let sex = match p.sex {
            route_map::capitation::Sex::Female => "F",
            route_map::capitation::Sex::Male => "M",
            route_map::capitation::Sex::Unknown => "U",
        };
        write!(out, "{},{sex}", p.age)?;
        for id in &ids {
            write!(out, ",{}", u8::from(p.conditions.contains(*id)))?;
        }
        write!(out, ",{}", p.member_days)?;
        for k in 0..SERVICES.len() {
            write!(out, ",{}", p.spend.get(k))?;
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(())
}

fn report(
    mode: &str,
    rows: u64,
    seconds: f64,
    cpu: f64,
    totals: &SegmentTotals,
    scheme: &CompiledScheme,
) -> String {
    let segments: Vec<String> = totals
        .segments()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.people > 0)
        .map(|(i, s)| {
            let (band, need) = scheme.segment_ids(i).unwrap_or(("?", "?"));
            format!(
                "\"{band}/{need}\": [{}, {}, {}]",
                s.people,
                s.member_days,
                s.total_spend()
            )
        })
        .collect();
    format!(
        "{{\"tool\": \"route-map\", \"mode\": \"{mode}\", \"rows\": {rows}, \"seconds\": {seconds:.4}, \"rows_per_second\": {:.0}, \"cpu_seconds\": {cpu:.3}, \"peak_rss_mib\": {:.1}, \"threads\": {}, \"segments\": {{{}}}}}",
        rows as f64 / seconds,
        peak_rss_mib(),
        rayon::current_num_threads(),
        segments.join(", ")
    )
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let catalogue = ConditionCatalogue::builtin()?;
    let mut places = Places::default();
    let scheme = SegmentationScheme::devon()?.compile(catalogue, &mut places)?;
    let services = Services::new(SERVICES)?;
    let seg = Segmenter::new(&scheme, &services, PERIOD_DAYS)?;
    let opts = PersonCsvOptions {
        catalogue,
        services: &services,
        reference_date: NaiveDate::from_ymd_opt(2024, 3, 31).ok_or("date")?,
        period_days: PERIOD_DAYS,
    };
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["generate", path, rows] => generate(Path::new(path), rows.parse()?)?,
        ["csv", path] => {
            let (start, cpu0) = (Instant::now(), cpu_seconds());
            let summary = person_csv::aggregate_file(Path::new(path), &seg, &opts, &places)?;
            let seconds = start.elapsed().as_secs_f64();
            let cpu = cpu_seconds() - cpu0;
            let line = report("csv", summary.rows, seconds, cpu, &summary.totals, &scheme);
            println!("{line}");
        }
        ["memory", path] => {
            let file = std::fs::File::open(path)?;
            let mut reader = PersonCsv::new(
                std::io::BufReader::with_capacity(1 << 20, file),
                path,
                opts,
                &mut places,
            )?;
            let mut cols = PeopleColumns::new(SERVICES.len());
            for p in reader.by_ref() {
                cols.push(&p?);
            }
            let mut best = f64::INFINITY;
            let mut totals = seg.empty();
            let runs = 15;
            let cpu0 = cpu_seconds();
            for _ in 0..runs {
                let start = Instant::now();
                totals = seg.aggregate_columns(std::hint::black_box(&cols))?;
                best = best.min(start.elapsed().as_secs_f64());
            }
            let cpu = (cpu_seconds() - cpu0) / f64::from(runs);
            let line = report("memory", cols.len() as u64, best, cpu, &totals, &scheme);
            println!("{line}");
        }
        [] => {
            let n = 1_000_000;
            let mut cols = PeopleColumns::with_capacity(SERVICES.len(), n);
            for p in Generator::new(2026, PERIOD_DAYS, SERVICES.len(), 7_000)?.take(n) {
                cols.push(&p);
            }
            let mut seconds = f64::INFINITY;
            let mut totals = seg.empty();
            let cpu0 = cpu_seconds();
            for _ in 0..20 {
                let start = Instant::now();
                totals = seg.aggregate_columns(std::hint::black_box(&cols))?;
                seconds = seconds.min(start.elapsed().as_secs_f64());
            }
            assert_eq!(totals.people(), n as u64);
            let cpu = (cpu_seconds() - cpu0) / 20.0;
            let line = report("memory-demo", n as u64, seconds, cpu, &totals, &scheme);
            println!("{line}");
        }
        _ => {
            return Err("usage: segment_peer [generate PATH ROWS | memory PATH | csv PATH]".into());
        }
    }
    Ok(())
}
