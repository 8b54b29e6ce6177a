//! Import of Likert answers from survey-tool CSV exports: SurveyMonkey (two header rows),
//! Microsoft Forms and Google Forms (grid rows as `Question [Row]` columns).
//!
//! Headers and labels are matched after normalisation (trimmed, case folded, common Latin
//! accents removed, runs of spaces collapsed). Errors name the row and column of the file.
//! A respondent who answered more than once is reported; the last response is kept.
//!
//! ```
//! use appraisal::survey::*;
//! let csv = "Timestamp,Email Address,Alliance [Quality],Lead provider [Quality]\n\
//!            2017-05-02 10:00,a@nhs.net,Agree,Strongly agree\n\
//!            2017-05-02 11:00,b@nhs.net,Neither agree nor disagree,N/A\n";
//! let mapping = SurveyMapping::new(SurveyLayout::GoogleForms, vec![
//!     SurveyItem::grid("Alliance", "Quality", "alliance", "quality"),
//!     SurveyItem::grid("Lead provider", "Quality", "lead_provider", "quality"),
//! ]);
//! let import = import(csv, &mapping)?;
//! assert_eq!(import.assessors.len(), 2);
//! assert_eq!(import.scores[1].score, Some(5));
//! assert_eq!(import.scores[3].score, None);
//! # Ok::<(), appraisal::Error>(())
//! ```

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Assessor, LikertScale, ScoreEntry};

/// The tool that produced the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SurveyLayout {
    /// SurveyMonkey "all responses" CSV: fixed leading columns (`Respondent ID`,
    /// `Collector ID`, ...), a question row (matrix questions name only their first
    /// column) and a sub-question row (`Response` for single questions).
    SurveyMonkey,
    /// Microsoft Forms: `ID, Start time, Completion time, Email, Name, ...`, one column per
    /// Likert statement.
    MicrosoftForms,
    /// Google Forms: `Timestamp`, `Email Address` if collected, grid rows as
    /// `Question [Row]` columns.
    GoogleForms,
}

/// One label and the score it stands for (`None` for "not applicable").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LabelScore {
    /// The label as the survey shows it.
    pub label: String,
    /// Its point on the scale, or `None` for not applicable.
    pub score: Option<u8>,
}

/// A survey question (and grid row) that holds one option's answer on one criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SurveyItem {
    /// The question text (SurveyMonkey first header row, the Forms column header, or the
    /// Google grid title).
    pub question: String,
    /// The matrix or grid row label (SurveyMonkey second header row, Google `[Row]`).
    #[serde(default)]
    pub row: Option<String>,
    /// The option answered about.
    pub option: String,
    /// The criterion answered on.
    pub criterion: String,
}

impl SurveyItem {
    /// An item in a single column headed `question`.
    #[must_use]
    pub fn column(question: &str, option: &str, criterion: &str) -> SurveyItem {
        SurveyItem {
            question: question.into(),
            row: None,
            option: option.into(),
            criterion: criterion.into(),
        }
    }

    /// An item in a matrix or grid: `question` with row `row`.
    #[must_use]
    pub fn grid(question: &str, row: &str, option: &str, criterion: &str) -> SurveyItem {
        SurveyItem {
            question: question.into(),
            row: Some(row.into()),
            option: option.into(),
            criterion: criterion.into(),
        }
    }
}

/// How to read an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SurveyMapping {
    /// The tool's layout.
    pub layout: SurveyLayout,
    /// The items to read.
    pub items: Vec<SurveyItem>,
    /// Label to score map.
    pub labels: Vec<LabelScore>,
    /// The column identifying a respondent; by default `Respondent ID` (SurveyMonkey),
    /// `Email` (Microsoft Forms) or `Email Address` (Google Forms), falling back to the row.
    #[serde(default)]
    pub respondent_column: Option<String>,
    /// A column naming the respondent's panel, if any.
    #[serde(default)]
    pub panel_column: Option<String>,
    /// Accept cells holding the score as a number (the tools' "numeric values" export).
    #[serde(default)]
    pub accept_numbers: bool,
}

impl SurveyMapping {
    /// A mapping with the default five-point labels (and N/A labels) of
    /// [`LikertScale::default`].
    #[must_use]
    pub fn new(layout: SurveyLayout, items: Vec<SurveyItem>) -> SurveyMapping {
        SurveyMapping {
            layout,
            items,
            labels: label_map(&LikertScale::default()),
            respondent_column: None,
            panel_column: None,
            accept_numbers: false,
        }
    }
}

/// The label map of a scale: each label to its point, each not-applicable label to `None`.
#[must_use]
pub fn label_map(scale: &LikertScale) -> Vec<LabelScore> {
    scale
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| LabelScore {
            label: l.clone(),
            score: u8::try_from(i + 1).ok(),
        })
        .chain(scale.not_applicable.iter().map(|l| LabelScore {
            label: l.clone(),
            score: None,
        }))
        .collect()
}

/// A respondent who answered more than once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DuplicateRespondent {
    /// The respondent key.
    pub respondent: String,
    /// File rows (1-based) of every response.
    pub rows: Vec<usize>,
    /// The row kept (the last).
    pub kept: usize,
}

/// What an import produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SurveyImport {
    /// One assessor per distinct respondent.
    pub assessors: Vec<Assessor>,
    /// One entry per assessor and item (`score: None` for blank or not applicable).
    pub scores: Vec<ScoreEntry>,
    /// Respondents who answered more than once.
    pub duplicates: Vec<DuplicateRespondent>,
    /// Response rows read.
    pub responses: usize,
}

/// Normalise a header or label: trim, fold case, strip common accents, collapse spaces.
#[must_use]
pub fn normalise(text: &str) -> String {
    let folded: String = text
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            '’' | '‘' => '\'',
            c => c,
        })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

type Key = (String, Option<String>);

fn column_keys(layout: SurveyLayout, headers: &[Vec<String>]) -> Vec<Key> {
    let first = headers.first().cloned().unwrap_or_default();
    match layout {
        SurveyLayout::SurveyMonkey => {
            let second = headers.get(1).cloned().unwrap_or_default();
            let mut last = String::new();
            first
                .iter()
                .enumerate()
                .map(|(j, q)| {
                    if !q.trim().is_empty() {
                        last = normalise(q);
                    }
                    let sub = normalise(second.get(j).map_or("", String::as_str));
                    let row =
                        (!sub.is_empty() && sub != "response" && sub != "open-ended response")
                            .then_some(sub);
                    (last.clone(), row)
                })
                .collect()
        }
        SurveyLayout::MicrosoftForms => first.iter().map(|h| (normalise(h), None)).collect(),
        SurveyLayout::GoogleForms => first
            .iter()
            .map(|h| {
                let h = h.trim();
                match (h.rfind('['), h.ends_with(']')) {
                    (Some(open), true) => {
                        let q = h.get(..open).unwrap_or_default();
                        let r = h.get(open + 1..h.len() - 1).unwrap_or_default();
                        (normalise(q), Some(normalise(r)))
                    }
                    _ => (normalise(h), None),
                }
            })
            .collect(),
    }
}

/// Read `csv_text` under `mapping`.
///
/// # Errors
///
/// [`Error::Csv`] for unreadable CSV or missing header rows; [`Error::MissingColumn`] for
/// an item or named column the export lacks; [`Error::UnknownLabel`] for a cell whose
/// label is not in the map (with its row and column); [`Error::Invalid`] for an empty
/// label map.
pub fn import(csv_text: &str, mapping: &SurveyMapping) -> Result<SurveyImport> {
    if mapping.labels.is_empty() {
        return Err(Error::invalid("survey label map", "is empty"));
    }
    let labels: BTreeMap<String, Option<u8>> = mapping
        .labels
        .iter()
        .map(|l| (normalise(&l.label), l.score))
        .collect();
    let max = mapping
        .labels
        .iter()
        .filter_map(|l| l.score)
        .max()
        .unwrap_or(0);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| Error::Csv {
            row: e
                .position()
                .map_or(i + 1, |p| usize::try_from(p.line()).unwrap_or(0)),
            reason: e.to_string(),
        })?;
        let line = rec
            .position()
            .map_or(i + 1, |p| usize::try_from(p.line()).unwrap_or(i + 1));
        rows.push((line, rec.iter().map(str::to_owned).collect()));
    }
    let header_rows = if mapping.layout == SurveyLayout::SurveyMonkey {
        2
    } else {
        1
    };
    if rows.len() < header_rows {
        return Err(Error::Csv {
            row: rows.len() + 1,
            reason: format!("expected {header_rows} header row(s)"),
        });
    }
    let headers: Vec<Vec<String>> = rows.iter().take(header_rows).map(|r| r.1.clone()).collect();
    let header_text = headers.first().cloned().unwrap_or_default();
    let keys = column_keys(mapping.layout, &headers);
    let find_plain = |name: &str| keys.iter().position(|k| k.0 == normalise(name));
    let mut item_cols = Vec::new();
    for item in &mapping.items {
        let key = (
            normalise(&item.question),
            item.row.as_deref().map(normalise),
        );
        let j = keys
            .iter()
            .position(|k| *k == key)
            .ok_or_else(|| Error::MissingColumn {
                question: item.question.clone(),
                row: item.row.clone(),
            })?;
        item_cols.push(j);
    }
    let respondent_col = match &mapping.respondent_column {
        Some(c) => Some(find_plain(c).ok_or_else(|| Error::MissingColumn {
            question: c.clone(),
            row: None,
        })?),
        None => match mapping.layout {
            SurveyLayout::SurveyMonkey => find_plain("Respondent ID"),
            SurveyLayout::MicrosoftForms => {
                find_plain("Email").or_else(|| find_plain("Correo electrónico"))
            }
            SurveyLayout::GoogleForms => find_plain("Email Address"),
        },
    };
    let panel_col = match &mapping.panel_column {
        Some(c) => Some(find_plain(c).ok_or_else(|| Error::MissingColumn {
            question: c.clone(),
            row: None,
        })?),
        None => None,
    };

    // Respondent key -> (rows, index of the kept response).
    let mut order: Vec<String> = Vec::new();
    let mut latest: BTreeMap<String, (Vec<usize>, usize)> = BTreeMap::new();
    let responses: Vec<&(usize, Vec<String>)> = rows
        .iter()
        .skip(header_rows)
        .filter(|r| r.1.iter().any(|c| !c.trim().is_empty()))
        .collect();
    for (k, (line, cells)) in responses.iter().enumerate() {
        let key = respondent_col
            .and_then(|j| cells.get(j))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("row {line}"));
        let norm = normalise(&key);
        let entry = latest.entry(norm).or_insert_with(|| {
            order.push(key.clone());
            (Vec::new(), k)
        });
        entry.0.push(*line);
        entry.1 = k;
    }
    let mut assessors = Vec::new();
    let mut scores = Vec::new();
    let mut duplicates = Vec::new();
    for key in &order {
        let Some((lines, kept)) = latest.get(&normalise(key)) else {
            continue;
        };
        let Some((line, cells)) = responses.get(*kept).copied() else {
            continue;
        };
        if lines.len() > 1 {
            duplicates.push(DuplicateRespondent {
                respondent: key.clone(),
                rows: lines.clone(),
                kept: *line,
            });
        }
        let panel = panel_col
            .and_then(|j| cells.get(j))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        assessors.push(Assessor {
            id: key.clone(),
            panel,
        });
        for (item, &j) in mapping.items.iter().zip(&item_cols) {
            let cell = cells.get(j).map_or("", String::as_str);
            let n = normalise(cell);
            let score = if n.is_empty() {
                None
            } else if let Some(s) = labels.get(&n) {
                *s
            } else if let Some(v) = n
                .parse::<u8>()
                .ok()
                .filter(|v| mapping.accept_numbers && *v >= 1 && *v <= max)
            {
                Some(v)
            } else {
                return Err(Error::UnknownLabel {
                    label: cell.to_owned(),
                    row: *line,
                    column: j + 1,
                    header: header_text.get(j).cloned().unwrap_or_default(),
                });
            };
            scores.push(ScoreEntry {
                assessor: key.clone(),
                option: item.option.clone(),
                criterion: item.criterion.clone(),
                score: score.map(i64::from),
            });
        }
    }
    Ok(SurveyImport {
        assessors,
        scores,
        duplicates,
        responses: responses.len(),
    })
}

/// Read a Microsoft Forms ranking answer (`"Alliance;Lead provider;Integrator;"`, best
/// first) as a ballot over `options`, where `labels` maps each answer text to an option
/// identifier. Options not listed are unranked.
///
/// # Errors
///
/// [`Error::UnknownLabel`] for an answer text not in `labels` (with the given `row` and
/// `column`); [`Error::Unknown`] for a label mapped to an option not in `options`;
/// [`Error::Duplicate`] for an option listed twice.
pub fn ranking_cell(
    cell: &str,
    options: &[String],
    labels: &[(String, String)],
    row: usize,
    column: usize,
) -> Result<crate::rankagg::Ballot> {
    let mut order: Vec<&str> = Vec::new();
    for part in cell.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let id = labels
            .iter()
            .find(|(label, _)| normalise(label) == normalise(part))
            .map(|(_, id)| id.as_str())
            .ok_or_else(|| Error::UnknownLabel {
                label: part.to_owned(),
                row,
                column,
                header: String::new(),
            })?;
        order.push(id);
    }
    crate::rankagg::ballot_from_order(options, &order)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MONKEY: &str = "\
Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,Panel,Please rate how strongly you agree or disagree that each option will help deliver the STP: value for money,\n\
,,,,,,,,,Response,Alliance,Lead provider\n\
1001,42,05/02/2017,05/02/2017,,,,,,South,Agree,Strongly Agree\n\
1002,42,05/02/2017,05/02/2017,,,,,,North,  disagree ,N/A\n\
1001,42,05/03/2017,05/03/2017,,,,,,South,Neither agree nor disagree,Agree\n";

    fn monkey_mapping() -> SurveyMapping {
        let q = "Please rate how strongly you agree or disagree that each option will help deliver the STP: value for money";
        let mut m = SurveyMapping::new(
            SurveyLayout::SurveyMonkey,
            vec![
                SurveyItem::grid(q, "Alliance", "alliance", "vfm"),
                SurveyItem::grid(q, "Lead provider", "lead_provider", "vfm"),
            ],
        );
        m.panel_column = Some("Panel".into());
        m
    }

    #[test]
    fn surveymonkey_two_header_rows_and_duplicates() {
        let r = import(MONKEY, &monkey_mapping()).unwrap();
        assert_eq!(r.responses, 3);
        assert_eq!(r.assessors.len(), 2);
        assert_eq!(r.assessors[0].panel.as_deref(), Some("South"));
        assert_eq!(
            r.duplicates,
            vec![DuplicateRespondent {
                respondent: "1001".into(),
                rows: vec![3, 5],
                kept: 5
            }]
        );
        let s: Vec<Option<i64>> = r.scores.iter().map(|s| s.score).collect();
        assert_eq!(s, vec![Some(3), Some(4), Some(2), None]);
    }

    #[test]
    fn unknown_label_names_row_and_column() {
        let bad = MONKEY.replace("  disagree ", "Maybe");
        let e = import(&bad, &monkey_mapping()).unwrap_err();
        assert_eq!(
            e,
            Error::UnknownLabel { label: "Maybe".into(), row: 4, column: 11, header: "Please rate how strongly you agree or disagree that each option will help deliver the STP: value for money".into() }
        );
        assert!(e.to_string().contains("row 4, column 11"));
    }

    #[test]
    fn microsoft_forms_with_accents_and_numbers() {
        let csv = "ID,Start time,Completion time,Email,Name,Last modified time,Qualité du service\n\
                   1,,,x@nhs.net,X,,4\n\
                   2,,,y@nhs.net,Y,,D'accord\n";
        let mut m = SurveyMapping::new(
            SurveyLayout::MicrosoftForms,
            vec![SurveyItem::column(
                "Qualite du service",
                "alliance",
                "quality",
            )],
        );
        m.labels.push(LabelScore {
            label: "D’accord".into(),
            score: Some(4),
        });
        assert!(matches!(
            import(csv, &m),
            Err(Error::UnknownLabel {
                row: 2,
                column: 7,
                ..
            })
        ));
        m.accept_numbers = true;
        let r = import(csv, &m).unwrap();
        assert_eq!(
            r.scores.iter().map(|s| s.score).collect::<Vec<_>>(),
            vec![Some(4), Some(4)]
        );
        assert_eq!(r.assessors[0].id, "x@nhs.net");
    }

    #[test]
    fn microsoft_forms_ranking_answers() {
        let options: Vec<String> = ["alliance", "lead_provider", "integrator"]
            .map(String::from)
            .to_vec();
        let labels: Vec<(String, String)> = [
            ("Alliance", "alliance"),
            ("Lead provider", "lead_provider"),
            ("Integrator", "integrator"),
        ]
        .map(|(l, o)| (l.to_owned(), o.to_owned()))
        .to_vec();
        let b = ranking_cell("Lead provider;Alliance;", &options, &labels, 2, 7).unwrap();
        assert_eq!(b, vec![Some(1.0), Some(2.0), None]);
        assert!(matches!(
            ranking_cell("Merger;", &options, &labels, 2, 7),
            Err(Error::UnknownLabel {
                row: 2,
                column: 7,
                ..
            })
        ));
        assert!(matches!(
            ranking_cell("Alliance;alliance;", &options, &labels, 2, 7),
            Err(Error::Duplicate { .. })
        ));
    }

    #[test]
    fn missing_columns_and_bad_csv() {
        let m = SurveyMapping::new(
            SurveyLayout::GoogleForms,
            vec![SurveyItem::grid("Alliance", "Cost", "alliance", "cost")],
        );
        assert!(matches!(
            import("Timestamp,Alliance [Quality]\n", &m),
            Err(Error::MissingColumn { .. })
        ));
        assert!(matches!(import("", &m), Err(Error::Csv { .. })));
        let mut m2 = m.clone();
        m2.respondent_column = Some("Who".into());
        assert!(matches!(
            import("Timestamp,Alliance [Cost]\n", &m2),
            Err(Error::MissingColumn { .. })
        ));
        let mut m3 = m;
        m3.labels.clear();
        assert!(matches!(
            import("Timestamp\n", &m3),
            Err(Error::Invalid { .. })
        ));
        let ok = import(
            "Timestamp,Alliance [Cost]\nt1,Agree\n",
            &SurveyMapping::new(
                SurveyLayout::GoogleForms,
                vec![SurveyItem::grid("alliance", "cost", "a", "c")],
            ),
        )
        .unwrap();
        assert_eq!(ok.assessors[0].id, "row 2");
    }
}
