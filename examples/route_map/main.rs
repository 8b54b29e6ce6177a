//! The main job: walk the route map for the Coventry and Warwickshire Out of Hospital
//! programme (seed 003) and print where it stands, what is ready next, and the schedule.

mod appraisal_stage;
mod capitation_stage;
mod governance_stage;
mod outcomes_stage;
mod payment_stage;
mod procurement_stage;

type StageResult = Result<String, Box<dyn std::error::Error>>;

/// A stage of the report: its heading and the function that renders it.
type Stage = (&'static str, fn() -> StageResult);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stages: [Stage; 6] = [
        ("outcomes", outcomes_stage::report),
        ("capitation", capitation_stage::report),
        ("appraisal", appraisal_stage::report),
        ("procurement", procurement_stage::report),
        ("governance", governance_stage::report),
        ("payment", payment_stage::report),
    ];
    println!("Coventry and Warwickshire Out of Hospital programme");
    for (name, stage) in stages {
        let text = stage()?;
        if !text.is_empty() {
            println!("\n## {name}\n{text}");
        }
    }
    Ok(())
}
