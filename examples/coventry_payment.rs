//! Three contract years of a contract shaped like seed 003's Coventry lead-provider contract
//! for out of hospital services (2017/18 value 21,700,479): the performance incentive pays on
//! transformation milestones in year 1, half on milestones and half on outcomes in year 2, and
//! on outcomes in year 3, in proportion to the indicators met, with CQUIN carved from it. Each
//! year's statement is printed, then a Monte Carlo of year 3.
//!
//! Run with `cargo run --example coventry_payment`.

use route_map::capitation::payment::{
    Adjustment, Draw, Simulation, YearOutturn, illustrative, simulate,
};
use route_map::core::{Money, Share};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let contract = illustrative::coventry()?;
    let s = |v: &str| v.parse::<Share>();

    // Year 1 (2018/19): milestones. The Directory of Services is half delivered.
    let mut y1 = contract.uniform_outturn(1, Share::ONE)?;
    y1.milestones.insert("M3", s("0.5")?);
    y1.achievement.insert("CQUIN-2", s("0.8")?);
    y1.achievement.insert("CQUIN-3", s("0.5")?);

    // Year 2 (2019/20): half milestones, half outcomes; the wider scope is not yet agreed;
    // a variation adds a service from month 7.
    let mut y2 = contract.uniform_outturn(2, Share::ONE)?;
    y2.milestones.insert("M5", Share::ZERO);
    y2.achievement.insert("OOH-03", s("0.92")?);
    y2.achievement.insert("OOH-05", s("0.6")?);
    y2.adjustments.push(Adjustment {
        month: 7,
        reason: "falls response service added by variation (illustrative)".into(),
        amount: "85,000".parse::<Money>()?,
    });

    // Year 3 (2020/21): outcomes. Four of six indicators met.
    let mut y3 = contract.uniform_outturn(3, Share::ONE)?;
    y3.achievement.insert("OOH-02", s("0.75")?);
    y3.achievement.insert("OOH-06", s("0.4")?);
    y3.achievement.insert("CQUIN-1", s("0.9")?);

    for (year, outturn) in [(1, &y1), (2, &y2), (3, &y3)] {
        let statement = contract.statement(year, outturn)?;
        println!("{statement}");
    }

    // Year 3 under uncertainty: each indicator met with probability 0.8.
    let indicators = contract
        .indicator_ids()
        .iter()
        .map(|id| Ok((id.clone(), Draw::Bernoulli { p: s("0.8")? })))
        .collect::<Result<_, route_map::core::Error>>()?;
    let sim = Simulation {
        year: 3,
        scenarios: 100_000,
        seed: 2017,
        indicators,
        milestones: Default::default(),
        activity: None,
        actual_cost: None,
        base: YearOutturn::clone(&y3),
        percentiles: ["0.05", "0.5", "0.95"]
            .iter()
            .map(|p| p.parse())
            .collect::<Result<_, _>>()?,
    };
    let r = simulate(&contract, &sim)?;
    println!(
        "Year 3, {} scenarios (each indicator met with probability 0.8, seed {}):",
        r.scenarios, sim.seed
    );
    for p in &r.incentive_earned.percentiles {
        println!("  incentive earned, {} percentile: {}", p.p, p.amount);
    }
    println!(
        "  mean {} (standard deviation £{:.0}); range {} to {}",
        r.incentive_earned.mean,
        r.incentive_earned.std_dev_pounds,
        r.incentive_earned.min,
        r.incentive_earned.max
    );
    Ok(())
}
