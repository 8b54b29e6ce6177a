//! The main job: walk the route map for the Coventry and Warwickshire Out of Hospital
//! programme (seed 003) and print where it stands, what is ready next, and the schedule.

mod appraisal_stage;
mod capitation_stage;
mod governance_stage;
mod outcomes_stage;
mod payment_stage;
mod procurement_stage;

use std::fmt::Write as _;

use route_map::core::WorkingDayCalendar;
use route_map::core::budget::ScopeFilter;
use route_map::core::cases::{Case, coventry_and_warwickshire_ooh};
use route_map::core::route_map::{RouteMap, ScheduleBasis, StepStatus};
use rust_decimal::Decimal;

type StageResult = Result<String, Box<dyn std::error::Error>>;

/// A stage of the report: its heading and the function that renders it.
type Stage = (&'static str, fn() -> StageResult);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let case = coventry_and_warwickshire_ooh()?;
    println!("# {}", case.programme.name());
    println!("\nSource: {}", case.source);
    print!("{}", scope_section(&case)?);
    print!("{}", standing_section(&case)?);
    print!("{}", schedule_section(&case)?);
    print!("{}", revisit_section(&case)?);

    let stages: [Stage; 6] = [
        ("outcomes", outcomes_stage::report),
        ("capitation", capitation_stage::report),
        ("appraisal", appraisal_stage::report),
        ("procurement", procurement_stage::report),
        ("governance", governance_stage::report),
        ("payment", payment_stage::report),
    ];
    for (name, stage) in stages {
        let text = stage()?;
        if !text.is_empty() {
            println!("\n## {name}\n{text}");
        }
    }
    Ok(())
}

/// The 2017/18 in-scope value by CCG area, and its allocation back to the areas by value.
fn scope_section(case: &Case) -> StageResult {
    let mut out = String::new();
    let scope = &case.scope;
    writeln!(out, "\n## Scope and value, {}", scope.year())?;
    let total = scope.total(ScopeFilter::In)?;
    for line in scope.select(ScopeFilter::In) {
        let holder = case.organisations.get(&line.holder)?;
        writeln!(
            out,
            "- {:<20} {:>16}  held by {}",
            line.id,
            line.amount.to_string(),
            holder.name()
        )?;
    }
    writeln!(out, "- {:<20} {:>16}", "total in scope", total.to_string())?;
    let weights: Vec<Decimal> = scope
        .select(ScopeFilter::In)
        .map(|l| l.amount.as_decimal())
        .collect();
    let parts = total.allocate(&weights)?;
    let exact = parts
        .iter()
        .zip(scope.select(ScopeFilter::In))
        .all(|(p, l)| *p == l.amount);
    writeln!(
        out,
        "Allocating the total by the four values by largest remainder returns them exactly: {exact}."
    )?;
    for (holder, amount) in scope.totals_by_holder(ScopeFilter::In)? {
        writeln!(
            out,
            "- {} {}",
            case.organisations.get(&holder)?.name(),
            amount
        )?;
    }
    let f = &case.footprint;
    writeln!(out, "\nFootprint: {} ({:?}); lots:", f.name(), f.kind())?;
    for lot in f.lots() {
        let value = route_map::core::Money::sum(
            scope
                .select(ScopeFilter::In)
                .filter(|l| lot.places.contains(&l.id))
                .map(|l| l.amount),
        )?;
        writeln!(
            out,
            "- {} covering {}: {}",
            lot.name,
            lot.places.join(", "),
            value
        )?;
    }
    Ok(out)
}

/// Where the programme stood on the report's date: done, in progress, ready, blocked.
fn standing_section(case: &Case) -> StageResult {
    let mut out = String::new();
    let map = RouteMap::embedded()?;
    let standing = case.programme.standing(case.as_at);
    writeln!(out, "\n## Where the programme stands on {}", standing.as_at)?;
    writeln!(out, "\nDone, with the decisions recorded:")?;
    for (date, step, decision) in case.programme.decisions() {
        if date <= case.as_at {
            writeln!(
                out,
                "- {date} {step}: {} (by {})",
                decision.what, decision.by
            )?;
        }
    }
    writeln!(out, "\nIn progress:")?;
    for s in standing.in_progress() {
        writeln!(out, "- {}: {} ({})", s.id, s.name, s.status)?;
    }
    let ready: Vec<&str> = standing.ready().map(|s| s.id.as_str()).collect();
    writeln!(
        out,
        "\nReady to start: {}",
        if ready.is_empty() {
            "nothing until the work in progress finishes".to_owned()
        } else {
            ready.join(", ")
        }
    )?;
    writeln!(out, "\nBlocked:")?;
    for s in standing.blocked() {
        writeln!(out, "- {} waits for {}", s.id, s.blocked_by.join(", "))?;
    }
    let revisit: Vec<&str> = standing.to_revisit().map(|s| s.id.as_str()).collect();
    if !revisit.is_empty() {
        writeln!(out, "\nTo revisit: {}", revisit.join(", "))?;
    }
    writeln!(out, "\nRoute map coverage of the steps still open:")?;
    for s in standing
        .steps
        .iter()
        .filter(|s| !matches!(s.status, StepStatus::Done { .. }))
    {
        let planned = case.programme.step(&s.id)?;
        let names: Vec<String> = planned
            .route_map
            .iter()
            .map(|id| map.step(id).map(|c| c.name.clone()))
            .collect::<Result<_, _>>()?;
        writeln!(out, "- {}: {}", s.id, names.join("; "))?;
    }
    Ok(out)
}

/// The remaining steps dated on the working-day calendar, with the critical path.
fn schedule_section(case: &Case) -> StageResult {
    let mut out = String::new();
    let calendar = WorkingDayCalendar::england_and_wales()?;
    let schedule = case.programme.schedule(case.as_at, calendar)?;
    writeln!(
        out,
        "\n## Schedule from {} (England and Wales working days)",
        schedule.as_at
    )?;
    writeln!(
        out,
        "\n| step | basis | start | finish | days left | slack | critical |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|")?;
    for s in schedule
        .steps
        .iter()
        .filter(|s| s.basis != ScheduleBasis::Recorded)
    {
        writeln!(
            out,
            "| {} | {:?} | {} | {} | {} | {} | {} |",
            s.id,
            s.basis,
            s.start,
            s.finish,
            s.remaining_working_days,
            s.slack_working_days,
            if s.critical { "yes" } else { "" }
        )?;
    }
    let standing = case.programme.standing(case.as_at);
    let next = standing
        .blocked()
        .filter_map(|b| schedule.step(&b.id).map(|s| (s.start, b)))
        .min_by_key(|(start, _)| *start);
    if let Some((start, b)) = next {
        writeln!(
            out,
            "\nNext to become ready: {} on {start}, once {} finishes.",
            b.id,
            b.blocked_by.join(" and ")
        )?;
    }
    writeln!(
        out,
        "\nCritical path: {}; the programme finishes {}.",
        schedule.critical_path.join(" -> "),
        schedule.finish
    )?;
    if let Some(go) = schedule.step("commencement") {
        let planned = case.programme.step("commencement")?;
        if let Some(nb) = planned.not_before {
            writeln!(
                out,
                "Commencement is fixed no earlier than {nb}; its first working day is {}. \
                 The contract chain has {} working days of float before it.",
                go.start,
                schedule
                    .step("signature")
                    .map_or(0, |s| s.slack_working_days)
            )?;
        }
    }
    Ok(out)
}

/// The route map is iterative: what the programme would look like if contract discussions
/// had sent the contract mechanism back. Illustrative; the report records no such event.
fn revisit_section(case: &Case) -> StageResult {
    let mut out = String::new();
    let mut what_if = case.programme.clone();
    let date = chrono::NaiveDate::from_ymd_opt(2017, 10, 16).ok_or("bad date")?;
    what_if.send_back(
        "negotiation",
        date,
        &["mechanism"],
        "discussions find the lead provider mechanism cannot carry the outcomes payment",
    )?;
    let standing = what_if.standing(date);
    writeln!(
        out,
        "\n## If contract discussions sent the contract mechanism back on {date} (illustrative)"
    )?;
    for s in standing.to_revisit() {
        writeln!(out, "- {} to revisit: {}", s.id, s.status)?;
    }
    let ready: Vec<&str> = standing.ready().map(|s| s.id.as_str()).collect();
    writeln!(out, "Ready again: {}", ready.join(", "))?;
    let schedule = what_if.schedule(date, WorkingDayCalendar::england_and_wales()?)?;
    writeln!(
        out,
        "Signature would move to {}; critical path {}; finish {}.",
        schedule.step("signature").map_or(date, |s| s.finish),
        schedule.critical_path.join(" -> "),
        schedule.finish
    )?;
    Ok(out)
}
