//! Twenty stakeholders score the seven organisational forms of seed 001 (section 7.2) on
//! its fourteen evaluation criteria, on the five-point Likert scale the seed proposes. The
//! answers are generated from a seeded generator (the seed publishes no scores): each
//! stakeholder group leans towards some forms, and each answer carries noise. The report
//! shows the ranking, the consensus on each item, where the panels disagree and whether the
//! preferred form is robust to the weights.
//!
//! Run with `cargo run --example organisational_form_appraisal`.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use route_map::appraisal::appraise::{Settings, appraise};
use route_map::appraisal::matrix::Normalisation;
use route_map::appraisal::methods::Method;
use route_map::appraisal::model::{Appraisal, Assessor, ScoreEntry};
use route_map::appraisal::report::Report;
use route_map::appraisal::sensitivity::{
    MonteCarlo, WeightSampling, monte_carlo, reversal_thresholds, robustness,
};
use route_map::appraisal::templates::Template;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let template = Template::get("organisational_form")?;
    let mut rng = ChaCha8Rng::seed_from_u64(2017);
    // Four panels of five: how much each panel leans to each form (loose federation
    // first ... single provider last), added to a shared middle view of 3.
    let panels: [(&str, [f64; 7]); 4] = [
        ("commissioners", [-1.2, -0.5, 0.3, 0.2, 0.4, 0.9, 0.1]),
        ("acute providers", [-0.8, -0.2, 0.5, 0.3, -0.4, 0.6, 0.8]),
        (
            "community and primary care",
            [-0.5, 0.2, 0.9, 0.1, -0.3, 0.4, -0.6],
        ),
        (
            "public and clinicians",
            [-0.6, 0.0, 0.6, -0.4, -0.6, 0.5, -0.2],
        ),
    ];
    let mut assessors = Vec::new();
    let mut scores = Vec::new();
    for (p, (panel, lean)) in panels.iter().enumerate() {
        for k in 0..5 {
            let id = format!("S{:02}", p * 5 + k + 1);
            assessors.push(Assessor {
                id: id.clone(),
                panel: Some((*panel).to_owned()),
            });
            for (o, option) in template.options.iter().enumerate() {
                for criterion in &template.criteria {
                    let noise: f64 = rng.random_range(-1.2..1.2);
                    let not_applicable = rng.random_range(0..40) == 0;
                    let score = (3.0 + lean[o] + noise).round().clamp(1.0, 5.0) as i64;
                    scores.push(ScoreEntry {
                        assessor: id.clone(),
                        option: option.id.clone(),
                        criterion: criterion.id.clone(),
                        score: (!not_applicable).then_some(score),
                    });
                }
            }
        }
    }
    let appraisal = Appraisal::new(template.appraisal(assessors, scores))?;
    let settings = Settings {
        method: Method::WeightedSum {
            normalisation: Normalisation::None,
        },
        ..Settings::default()
    };
    let result = appraise(&appraisal, &settings)?;
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
            seed: 7,
        },
    )?;
    let thresholds = reversal_thresholds(&result.matrix, Normalisation::None)?;
    let verdict = robustness(&preferred, &mc, &thresholds, 0.9)?;
    let report = Report {
        result,
        monte_carlo: Some(mc),
        thresholds,
        robustness: Some(verdict),
    };
    println!("{}", report.to_markdown()?);
    Ok(())
}
