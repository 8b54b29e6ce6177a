//! The appraisal stage of the route map report: the Coventry and Warwickshire commissioners'
//! options assessment of April to June 2017 (seed 003). Two assessment panels (South
//! Warwickshire; Warwickshire North with Coventry and Rugby) appraised the procurement
//! routes and the contract mechanisms against the potential impacts the seed lists, and
//! reached a direct award to lead providers. The seed records the outcome, not the panels'
//! scores: the scores below are illustrative, three assessors per panel, chosen so that the
//! panels differ in places as real panels do.

use std::fmt::Write as _;

use route_map::appraisal::appraise::{Settings, appraise};
use route_map::appraisal::matrix::Normalisation;
use route_map::appraisal::model::{Appraisal, Assessor, ScoreEntry};
use route_map::appraisal::sensitivity::{
    MonteCarlo, WeightSampling, monte_carlo, reversal_thresholds, robustness,
};
use route_map::appraisal::templates::Template;

/// Illustrative panel answers: for each option, the score each panel's assessors tend to
/// give on each criterion (in template order); assessor `k` adds `k − 1` on alternate items.
fn panel_scores(
    template: &Template,
    profiles: &[(&str, [&[i64]; 2])],
) -> (Vec<Assessor>, Vec<ScoreEntry>) {
    let panels = [
        "South Warwickshire",
        "Warwickshire North and Coventry and Rugby",
    ];
    let mut assessors = Vec::new();
    let mut scores = Vec::new();
    for (p, panel) in panels.iter().enumerate() {
        for k in 0..3i64 {
            let id = format!("{}-{}", if p == 0 { "SW" } else { "WNCR" }, k + 1);
            assessors.push(Assessor {
                id: id.clone(),
                panel: Some((*panel).to_owned()),
            });
            for (option, by_panel) in profiles {
                for (c, criterion) in template.criteria.iter().enumerate() {
                    let base = by_panel[p].get(c).copied().unwrap_or(3);
                    let wobble = if c % 2 == 0 { k - 1 } else { 0 };
                    scores.push(ScoreEntry {
                        assessor: id.clone(),
                        option: (*option).to_owned(),
                        criterion: criterion.id.clone(),
                        score: Some((base + wobble).clamp(1, 5)),
                    });
                }
            }
        }
    }
    (assessors, scores)
}

fn appraise_template(
    out: &mut String,
    id: &str,
    profiles: &[(&str, [&[i64]; 2])],
) -> Result<(), Box<dyn std::error::Error>> {
    let template = Template::get(id)?;
    let (assessors, scores) = panel_scores(template, profiles);
    let appraisal = Appraisal::new(template.appraisal(assessors, scores))?;
    let settings = Settings::default();
    let result = appraise(&appraisal, &settings)?;
    writeln!(out, "{} ({}):", template.title, template.source)?;
    for r in &result.ranking.order {
        writeln!(out, "  {}. {} {:.2}", r.rank, r.option, r.score)?;
    }
    for f in &result.gate_failures {
        writeln!(
            out,
            "  excluded: {} ({} median {:.1} below the gate {:.1})",
            f.option, f.criterion, f.score, f.gate
        )?;
    }
    if let Some(p) = &result.panels {
        writeln!(
            out,
            "  panels {} on the preferred option; {} items differ by a point or more",
            if p.same_preferred {
                "agree"
            } else {
                "disagree"
            },
            p.disagreements.len()
        )?;
    }
    let preferred = result
        .preferred()
        .first()
        .map(|s| (*s).to_owned())
        .ok_or("no option ranked")?;
    let mc = monte_carlo(
        &result.matrix,
        &settings.method,
        &MonteCarlo {
            samples: 1_000,
            sampling: WeightSampling::UniformSimplex,
            seed: 3,
        },
    )?;
    let thresholds = reversal_thresholds(&result.matrix, Normalisation::None)?;
    writeln!(
        out,
        "  {}",
        robustness(&preferred, &mc, &thresholds, 0.9)?.verdict
    )?;
    Ok(())
}

/// The stage's section of the report.
pub fn report() -> crate::StageResult {
    let mut out = String::new();
    // Criteria order: destabilisation, service gaps, patient impact of change, incentives,
    // unwarranted variation, quality and sustainability, patient and economy benefit,
    // transparency (a must-pass gate at 3).
    appraise_template(
        &mut out,
        "procurement_route",
        &[
            (
                "do_nothing",
                [&[5, 3, 5, 1, 2, 2, 2, 3], &[4, 3, 5, 2, 1, 2, 2, 3]],
            ),
            (
                "procurement",
                [&[2, 3, 2, 4, 4, 4, 3, 5], &[2, 2, 2, 4, 3, 4, 3, 5]],
            ),
            (
                "competitive_dialogue",
                [&[2, 3, 2, 4, 4, 4, 4, 5], &[1, 3, 2, 4, 4, 3, 4, 5]],
            ),
            (
                "direct_award",
                [&[4, 4, 4, 4, 4, 4, 4, 3], &[4, 4, 5, 4, 3, 4, 4, 3]],
            ),
        ],
    )?;
    // Criteria order: destabilisation, service gaps, incentives, unwarranted variation,
    // quality and sustainability, single accountability, transformation pace.
    appraise_template(
        &mut out,
        "contract_mechanism",
        &[
            (
                "collaboration_agreement",
                [&[4, 2, 1, 2, 2, 1, 2], &[4, 3, 2, 2, 2, 1, 2]],
            ),
            ("alliance", [&[3, 3, 3, 3, 4, 2, 3], &[3, 3, 3, 4, 3, 2, 3]]),
            (
                "lead_provider",
                [&[4, 4, 4, 4, 4, 5, 4], &[3, 4, 4, 4, 4, 5, 4]],
            ),
        ],
    )?;
    writeln!(
        out,
        "Decision recorded in seed 003 (July 2017): direct award to lead providers CWPT (Coventry) and SWFT (Warwickshire)."
    )?;
    Ok(out.trim_end().to_owned())
}
