//! Reports of an appraisal: Markdown for people, JSON for programs, and an SVG heat map
//! of options by criteria.

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::appraise::AppraisalResult;
use crate::error::{Error, Result};
use crate::sensitivity::{MonteCarloResult, ReversalThreshold, Robustness};

/// An appraisal with its sensitivity analysis, as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// The appraisal result.
    pub result: AppraisalResult,
    /// Monte Carlo weight sampling, if run.
    pub monte_carlo: Option<MonteCarloResult>,
    /// Reversal thresholds, if computed.
    pub thresholds: Vec<ReversalThreshold>,
    /// The robustness verdict, if computed.
    pub robustness: Option<Robustness>,
}

fn fmt_err(_: std::fmt::Error) -> Error {
    Error::invalid("report", "formatting failed")
}

impl Report {
    /// The report as pretty JSON (deterministic: same input, same bytes).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] if serialisation fails.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| Error::invalid("report JSON", e.to_string()))
    }

    /// The report as Markdown: ranking, scores (median and IQR), consensus, panels,
    /// sensitivity and notes.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] if formatting fails.
    pub fn to_markdown(&self) -> Result<String> {
        self.markdown().map_err(fmt_err)
    }

    fn markdown(&self) -> std::result::Result<String, std::fmt::Error> {
        let r = &self.result;
        let mut out = String::new();
        writeln!(out, "# {}\n", r.title)?;
        writeln!(
            out,
            "Method: {}; centre: {:?}; quartiles: {}.\n",
            r.settings.method, r.settings.centre, r.settings.quantile
        )?;
        writeln!(
            out,
            "## Ranking\n\n| rank | option | score | consensus | Borda rank |\n|---:|---|---:|---:|---:|"
        )?;
        for x in &r.ranking.order {
            let cns = r
                .option_consensus
                .iter()
                .find(|c| c.0 == x.option)
                .map_or(0.0, |c| c.1);
            let borda = r
                .borda
                .rank_of(&x.option)
                .map_or("-".to_owned(), |b| b.to_string());
            writeln!(
                out,
                "| {} | {} | {:.3} | {:.2} | {} |",
                x.rank, x.option, x.score, cns, borda
            )?;
        }
        for f in &r.gate_failures {
            writeln!(
                out,
                "| excluded | {} | {} {:.2} < gate {:.2} | | |",
                f.option, f.criterion, f.score, f.gate
            )?;
        }
        writeln!(out, "\n## Scores (median [IQR], consensus)\n")?;
        let criteria: Vec<&str> = r.matrix.criteria().iter().map(|c| c.id.as_str()).collect();
        writeln!(out, "| criterion | {} |", r.matrix.options().join(" | "))?;
        writeln!(out, "|---|{}", "---|".repeat(r.matrix.options().len()))?;
        for c in &criteria {
            write!(out, "| {c} |")?;
            for o in r.matrix.options() {
                match r.item(o, c) {
                    Some(s) => write!(out, " {:.1} [{:.1}] {:.2} |", s.median, s.iqr, s.consensus)?,
                    None => write!(out, " - |")?,
                }
            }
            writeln!(out)?;
        }
        if !r.factors.is_empty() {
            writeln!(out, "\n## Critical success factors\n")?;
            for f in &r.factors {
                writeln!(out, "- {} / {}: {:.2}", f.factor, f.option, f.score)?;
            }
        }
        if let Some(p) = &r.panels {
            writeln!(out, "\n## Panels\n")?;
            for v in &p.panels {
                let w = v
                    .ranking
                    .as_ref()
                    .map_or("(incomplete answers)".to_owned(), |r| {
                        r.winners().join(", ")
                    });
                writeln!(out, "- {} ({} assessors) prefers {w}", v.panel, v.assessors)?;
            }
            writeln!(
                out,
                "- panels {} on the preferred option",
                if p.same_preferred {
                    "agree"
                } else {
                    "disagree"
                }
            )?;
            for (x, y, tau) in &p.rank_agreement {
                writeln!(
                    out,
                    "- rank agreement of {x} and {y}: Kendall tau-b {tau:.2}"
                )?;
            }
            for d in p.disagreements.iter().take(10) {
                let m: Vec<String> = d
                    .medians
                    .iter()
                    .map(|(p, v)| format!("{p} {v:.1}"))
                    .collect();
                writeln!(
                    out,
                    "- {} on {}: {} (spread {:.1})",
                    d.option,
                    d.criterion,
                    m.join(", "),
                    d.spread
                )?;
            }
        }
        if self.monte_carlo.is_some() || !self.thresholds.is_empty() {
            writeln!(out, "\n## Sensitivity\n")?;
        }
        if let Some(mc) = &self.monte_carlo {
            writeln!(
                out,
                "Share of {} weight samples ranking each option first:\n",
                mc.samples
            )?;
            for (o, s) in mc.options.iter().zip(&mc.first_share) {
                writeln!(out, "- {o}: {:.1}%", s * 100.0)?;
            }
        }
        if !self.thresholds.is_empty() {
            writeln!(
                out,
                "\nSmallest change of weight share that lets another option draw level:\n"
            )?;
            for t in &self.thresholds {
                match (t.change, &t.challenger) {
                    (Some(d), Some(c)) => writeln!(
                        out,
                        "- {}: {:.1}% -> {:.1}% ({c})",
                        t.criterion,
                        t.current_share * 100.0,
                        (t.current_share + d) * 100.0
                    )?,
                    _ => writeln!(
                        out,
                        "- {}: no share from 0 to 100% changes the top rank",
                        t.criterion
                    )?,
                }
            }
        }
        if let Some(rb) = &self.robustness {
            writeln!(out, "\n**{}**", rb.verdict)?;
        }
        if !r.notes.is_empty() {
            writeln!(out, "\n## Notes\n")?;
            for n in &r.notes {
                writeln!(out, "- {n}")?;
            }
        }
        Ok(out)
    }

    /// An SVG heat map of central scores, options as columns and criteria as rows, shaded
    /// from the scale's lowest (light) to highest (dark) point.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] if formatting fails.
    pub fn heat_map_svg(&self, scale_points: u8) -> Result<String> {
        self.svg(scale_points).map_err(fmt_err)
    }

    fn svg(&self, points: u8) -> std::result::Result<String, std::fmt::Error> {
        let m = &self.result.matrix;
        let (cell_w, cell_h, left, top) = (90usize, 22usize, 220usize, 40usize);
        let width = left + cell_w * m.options().len() + 10;
        let height = top + cell_h * m.criteria().len() + 10;
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        };
        let mut out = String::new();
        writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">"#
        )?;
        for (i, o) in m.options().iter().enumerate() {
            writeln!(
                out,
                r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
                left + i * cell_w + cell_w / 2,
                top - 8,
                esc(o)
            )?;
        }
        let span = f64::from(points.max(2)) - 1.0;
        for (j, c) in m.criteria().iter().enumerate() {
            let y = top + j * cell_h;
            writeln!(
                out,
                r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
                left - 6,
                y + 15,
                esc(&c.id)
            )?;
            for (i, row) in m.values().iter().enumerate() {
                let v = row.get(j).copied().unwrap_or_default();
                let t = ((v - 1.0) / span).clamp(0.0, 1.0);
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let shade = (235.0 - 180.0 * t).round() as u8;
                let ink = if t > 0.6 { "#fff" } else { "#000" };
                let x = left + i * cell_w;
                writeln!(
                    out,
                    r##"<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" fill="rgb({shade},{shade},255)" stroke="#fff"/>"##
                )?;
                writeln!(
                    out,
                    r#"<text x="{}" y="{}" text-anchor="middle" fill="{ink}">{v:.1}</text>"#,
                    x + cell_w / 2,
                    y + 15
                )?;
            }
        }
        out.push_str("</svg>\n");
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appraise::{Settings, appraise};
    use crate::model::{Appraisal, Assessor, ScoreEntry};
    use crate::sensitivity::{
        MonteCarlo, WeightSampling, monte_carlo, reversal_thresholds, robustness,
    };
    use crate::templates::Template;

    fn report() -> Report {
        let t = Template::get("contract_mechanism").unwrap();
        let assessors: Vec<Assessor> = ["a", "b", "c", "d"]
            .iter()
            .enumerate()
            .map(|(i, id)| Assessor {
                id: (*id).into(),
                panel: Some(if i < 2 { "north" } else { "south" }.into()),
            })
            .collect();
        let mut scores = Vec::new();
        for (k, a) in assessors.iter().enumerate() {
            for (o, option) in t.options.iter().enumerate() {
                for (c, criterion) in t.criteria.iter().enumerate() {
                    let s = 1 + ((o * 2 + c + k) % 5) as i64;
                    scores.push(ScoreEntry {
                        assessor: a.id.clone(),
                        option: option.id.clone(),
                        criterion: criterion.id.clone(),
                        score: Some(s),
                    });
                }
            }
        }
        let result = appraise(
            &Appraisal::new(t.appraisal(assessors, scores)).unwrap(),
            &Settings::default(),
        )
        .unwrap();
        let mc = monte_carlo(
            &result.matrix,
            &result.settings.method,
            &MonteCarlo {
                samples: 200,
                sampling: WeightSampling::UniformSimplex,
                seed: 1,
            },
        )
        .unwrap();
        let thresholds =
            reversal_thresholds(&result.matrix, crate::matrix::Normalisation::None).unwrap();
        let preferred = result.preferred()[0].to_owned();
        let robustness = Some(robustness(&preferred, &mc, &thresholds, 0.9).unwrap());
        Report {
            result,
            monte_carlo: Some(mc),
            thresholds,
            robustness,
        }
    }

    #[test]
    fn markdown_has_every_section() {
        let r = report();
        let md = r.to_markdown().unwrap();
        for heading in [
            "# Contract mechanism",
            "## Ranking",
            "## Scores",
            "## Critical success factors",
            "## Panels",
            "## Sensitivity",
        ] {
            assert!(md.contains(heading), "{heading}\n{md}");
        }
        assert!(md.contains("rank agreement of north and south"));
        assert_eq!(r.result.panels.as_ref().unwrap().rank_agreement.len(), 1);
        let verdict = &r.robustness.as_ref().unwrap().verdict;
        assert!(md.contains(verdict.as_str()));
        for o in r.result.matrix.options() {
            assert!(md.contains(o.as_str()));
        }
    }

    #[test]
    fn json_is_deterministic_and_round_trips() {
        let a = report().to_json().unwrap();
        let b = report().to_json().unwrap();
        assert_eq!(a, b);
        let back: Report = serde_json::from_str(&a).unwrap();
        assert_eq!(back.result.ranking, report().result.ranking);
    }

    #[test]
    fn heat_map_has_a_cell_per_score() {
        let r = report();
        let svg = r.heat_map_svg(5).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        let cells = r.result.matrix.options().len() * r.result.matrix.criteria().len();
        assert_eq!(svg.matches("<rect").count(), cells);
    }
}
