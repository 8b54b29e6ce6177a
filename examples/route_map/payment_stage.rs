//! The payment stage of the route map report: the Coventry lead-provider contract (seed 003,
//! 2017/18 value 21,700,479) over three contract years, milestones then outcomes, with each
//! year's elements and balance, and the spread of year 3's incentive over 20,000 scenarios.

use std::fmt::Write as _;

use route_map::capitation::payment::{Draw, Element, Simulation, illustrative, simulate};
use route_map::core::Share;

/// The stage's section of the report.
pub fn report() -> crate::StageResult {
    let mut out = String::new();
    let contract = illustrative::coventry()?;
    let s = |v: &str| v.parse::<Share>();
    writeln!(out, "{}", contract.name())?;
    // Illustrative results: one milestone half delivered in year 1, one missed in year 2,
    // two indicators short of target in year 3.
    let mut years = Vec::new();
    let mut y1 = contract.uniform_outturn(1, Share::ONE)?;
    y1.milestones.insert("M3", s("0.5")?);
    years.push((1, y1));
    let mut y2 = contract.uniform_outturn(2, Share::ONE)?;
    y2.milestones.insert("M5", Share::ZERO);
    years.push((2, y2));
    let mut y3 = contract.uniform_outturn(3, Share::ONE)?;
    y3.achievement.insert("OOH-02", s("0.75")?);
    y3.achievement.insert("OOH-06", s("0.4")?);
    years.push((3, y3.clone()));
    for (year, outturn) in &years {
        let st = contract.statement(*year, outturn)?;
        let get = |e: Element| {
            st.lines
                .iter()
                .find(|l| l.element == e)
                .map(|l| l.amount.to_string())
                .unwrap_or_default()
        };
        writeln!(
            out,
            "- year {year} ({}): BACV {}; fixed {}; milestones {}; outcomes {}; CQUIN recovered {}; balance {}",
            st.financial_year,
            contract.base_value(*year)?,
            get(Element::Fixed),
            get(Element::Milestones),
            get(Element::Outcomes),
            get(Element::CquinRecovery),
            st.balance
        )?;
    }
    let indicators = contract
        .indicator_ids()
        .iter()
        .map(|id| Ok((id.clone(), Draw::Bernoulli { p: s("0.8")? })))
        .collect::<Result<_, route_map::core::Error>>()?;
    let sim = Simulation {
        year: 3,
        scenarios: 20_000,
        seed: 2017,
        indicators,
        milestones: Default::default(),
        activity: None,
        actual_cost: None,
        base: y3,
        percentiles: vec![s("0.05")?, s("0.5")?, s("0.95")?],
    };
    let r = simulate(&contract, &sim)?;
    let p = |q: &str| -> Result<String, route_map::core::Error> {
        Ok(r.incentive_earned
            .percentile(q.parse()?)
            .map(|m| m.to_string())
            .unwrap_or_default())
    };
    write!(
        out,
        "- year 3 incentive earned if each indicator is met with probability 0.8 ({} scenarios): 5th percentile {}, median {}, 95th percentile {}",
        r.scenarios,
        p("0.05")?,
        p("0.5")?,
        p("0.95")?
    )?;
    Ok(out)
}
