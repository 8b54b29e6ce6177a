//! NHS England allocation weighted populations per GP practice, in the layout of the
//! ICB place-based allocation tool's data files (`Practice_Code, …, pop 2022/23, G&A WP, …,
//! Final PMC WP`), and need indices for any grouping of practices.
//!
//! Columns are found by their header names, so extra or reordered columns do no harm. The
//! need index of a group is the sum of its weighted population over the sum of its raw
//! population ([`crate::budget::need_index`]).

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{at, csv_error, decode, read_file};
use crate::budget::{NeedWeightedUnit, need_index};
use crate::error::Result;

/// A component of the allocation formula, each with its own weighted population.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WeightedComponent {
    /// General and acute (`G&A WP`).
    GeneralAndAcute,
    /// Community services (`CS WP`).
    CommunityServices,
    /// Mental health (`MH WP`).
    MentalHealth,
    /// Maternity (`Mat WP`).
    Maternity,
    /// Health inequalities and unmet need (`Health Ineq WP`).
    HealthInequalities,
    /// Prescribing (`Prescr WP`).
    Prescribing,
    /// The overall core-services weighted population (`Final WP`).
    CoreServices,
    /// Primary medical care before adjustment (`Primary Medical Care WP`).
    PrimaryMedicalCare,
    /// Primary medical care after adjustment (`Final PMC WP`).
    PrimaryMedicalCareFinal,
}

impl WeightedComponent {
    /// Every component, in column order.
    pub const ALL: [WeightedComponent; 9] = [
        WeightedComponent::GeneralAndAcute,
        WeightedComponent::CommunityServices,
        WeightedComponent::MentalHealth,
        WeightedComponent::Maternity,
        WeightedComponent::HealthInequalities,
        WeightedComponent::Prescribing,
        WeightedComponent::CoreServices,
        WeightedComponent::PrimaryMedicalCare,
        WeightedComponent::PrimaryMedicalCareFinal,
    ];

    /// The column header in NHS England's files.
    #[must_use]
    pub fn column(self) -> &'static str {
        match self {
            WeightedComponent::GeneralAndAcute => "G&A WP",
            WeightedComponent::CommunityServices => "CS WP",
            WeightedComponent::MentalHealth => "MH WP",
            WeightedComponent::Maternity => "Mat WP",
            WeightedComponent::HealthInequalities => "Health Ineq WP",
            WeightedComponent::Prescribing => "Prescr WP",
            WeightedComponent::CoreServices => "Final WP",
            WeightedComponent::PrimaryMedicalCare => "Primary Medical Care WP",
            WeightedComponent::PrimaryMedicalCareFinal => "Final PMC WP",
        }
    }

    fn index(self) -> usize {
        WeightedComponent::ALL
            .iter()
            .position(|c| *c == self)
            .unwrap_or(0)
    }
}

/// How practices are grouped for a need index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Grouping {
    /// By ICB (`ICS22`, `ICS22name`).
    Icb,
    /// By 2021 CCG (`CCG21`, `Former CCG`).
    Ccg,
    /// By lower-tier local authority district (`LAD21`, `LTLA21`): the usual "place".
    District,
    /// By the `LA21`/`UTLA21` columns as published. They are not consistently upper-tier: in
    /// the 2023/24 file some Warwickshire districts carry the county code, others their own.
    PublishedLa,
    /// By NHS England region (`R22`, `Region22`).
    Region,
    /// Each practice on its own.
    Practice,
}

/// One GP practice's raw and weighted populations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PracticeWeightedPopulation {
    /// The practice's ODS code.
    pub practice: String,
    /// The practice's name.
    pub name: String,
    /// 2021 CCG code and name.
    pub ccg: (String, String),
    /// ICB code and name.
    pub icb: (String, String),
    /// NHS England region code and name.
    pub region: (String, String),
    /// Lower-tier local authority code and name.
    pub district: (String, String),
    /// The `LA21`/`UTLA21` code and name as published.
    pub published_la: (String, String),
    /// The projected registered (unweighted) population.
    pub population: Decimal,
    /// Weighted populations in [`WeightedComponent::ALL`] order.
    weighted: [Decimal; 9],
}

impl PracticeWeightedPopulation {
    /// The weighted population for one component.
    #[must_use]
    pub fn weighted(&self, component: WeightedComponent) -> Decimal {
        self.weighted
            .get(component.index())
            .copied()
            .unwrap_or_default()
    }

    fn key(&self, grouping: Grouping) -> (&str, &str) {
        let pair = match grouping {
            Grouping::Icb => &self.icb,
            Grouping::Ccg => &self.ccg,
            Grouping::District => &self.district,
            Grouping::PublishedLa => &self.published_la,
            Grouping::Region => &self.region,
            Grouping::Practice => return (&self.practice, &self.name),
        };
        (&pair.0, &pair.1)
    }
}

/// A group's need index with the sums it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeedIndex {
    /// The group's code.
    pub code: String,
    /// The group's name.
    pub name: String,
    /// Practices in the group.
    pub practices: usize,
    /// Sum of raw populations.
    pub population: Decimal,
    /// Sum of weighted populations.
    pub weighted: Decimal,
    /// `weighted / population`.
    pub index: Decimal,
}

/// The weighted populations of every practice in one file.
#[derive(Debug, Clone)]
pub struct WeightedPopulations {
    source_name: String,
    practices: Vec<PracticeWeightedPopulation>,
}

const PRACTICE: &str = "Practice_Code";
const NAME: &str = "GP_Practice_Name";
const POPULATION: &str = "pop 2022/23";
const TEXT_COLUMNS: [&str; 10] = [
    "CCG21",
    "Former CCG",
    "ICS22",
    "ICS22name",
    "R22",
    "Region22",
    "LAD21",
    "LTLA21",
    "LA21",
    "UTLA21",
];

impl WeightedPopulations {
    /// Read a weighted-population file.
    ///
    /// # Errors
    ///
    /// [`Error::PopulationFileIo`](crate::Error::PopulationFileIo) when the file cannot be read, then as
    /// [`WeightedPopulations::from_bytes`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<WeightedPopulations> {
        let path = path.as_ref();
        let bytes = read_file(path)?;
        WeightedPopulations::from_bytes(&bytes, &path.display().to_string())
    }

    /// Read weighted populations from the bytes of a CSV file; `file` names it in messages.
    ///
    /// The raw population is the `pop 2022/23` column (NHS England keeps that header in later
    /// years' files; the values are the year's own). Blank rows are skipped.
    ///
    /// # Errors
    ///
    /// [`Error::PopulationFile`](crate::Error::PopulationFile) with line and column for a missing column, a missing practice
    /// code, a repeated practice, or a population that is not a non-negative decimal.
    ///
    /// # Examples
    ///
    /// ```
    /// use capitation::population::{Grouping, WeightedComponent, WeightedPopulations};
    /// let csv = "Practice_Code,GP_Practice_Name,CCG21,Former CCG,ICS22,ICS22name,R22,Region22,LAD21,LTLA21,LA21,UTLA21,pop 2022/23,G&A WP,CS WP,MH WP,Mat WP,Health Ineq WP,Prescr WP,Final WP,Primary Medical Care WP,Final PMC WP\n\
    ///     A1,One,C,CCG,Q1,ICB,R,Reg,E08000026,Coventry,E08000026,Coventry,100,1,1,1,1,1,1,90,1,1\n\
    ///     A2,Two,C,CCG,Q1,ICB,R,Reg,E07000220,Rugby,E07000220,Rugby,100,1,1,1,1,1,1,110,1,1\n";
    /// let wp = WeightedPopulations::from_bytes(csv.as_bytes(), "wp.csv")?;
    /// let places = wp.need_indices(Grouping::District, WeightedComponent::CoreServices)?;
    /// assert_eq!(places[1].name, "Coventry");
    /// assert_eq!(places[1].index, rust_decimal::Decimal::new(9, 1));
    /// # Ok::<(), capitation::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8], file: &str) -> Result<WeightedPopulations> {
        let text = decode(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let header = match records.next() {
            Some(record) => record.map_err(|e| csv_error(file, &e))?,
            None => return Err(at(file, 1, 0, "the file is empty")),
        };
        let find = |name: &str| {
            header
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| at(file, 1, 0, format!("missing column {name:?}")))
        };
        let practice_col = find(PRACTICE)?;
        let name_col = find(NAME)?;
        let population_col = find(POPULATION)?;
        let text_cols = TEXT_COLUMNS
            .iter()
            .map(|c| find(c))
            .collect::<Result<Vec<_>>>()?;
        let weighted_cols = WeightedComponent::ALL
            .iter()
            .map(|c| find(c.column()))
            .collect::<Result<Vec<_>>>()?;
        let mut practices = Vec::new();
        let mut seen = BTreeMap::new();
        for record in records {
            let record = record.map_err(|e| csv_error(file, &e))?;
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let line = record.position().map_or(0, csv::Position::line);
            let text = |col: usize| record.get(col).unwrap_or("").trim().to_owned();
            let number = |col: usize| parse_population(file, line, col, record.get(col));
            let practice = text(practice_col);
            if practice.is_empty() {
                return Err(at(
                    file,
                    line,
                    practice_col + 1,
                    "the practice code is empty",
                ));
            }
            if let Some(first) = seen.insert(practice.clone(), line) {
                return Err(at(
                    file,
                    line,
                    practice_col + 1,
                    format!("practice {practice} appears again (first on line {first})"),
                ));
            }
            let t: Vec<String> = text_cols.iter().map(|c| text(*c)).collect();
            let pair = |i: usize| {
                (
                    t.get(i).cloned().unwrap_or_default(),
                    t.get(i + 1).cloned().unwrap_or_default(),
                )
            };
            let mut weighted = [Decimal::ZERO; 9];
            for (slot, col) in weighted.iter_mut().zip(&weighted_cols) {
                *slot = number(*col)?;
            }
            practices.push(PracticeWeightedPopulation {
                practice,
                name: text(name_col),
                ccg: pair(0),
                icb: pair(2),
                region: pair(4),
                district: pair(6),
                published_la: pair(8),
                population: number(population_col)?,
                weighted,
            });
        }
        Ok(WeightedPopulations {
            source_name: file.to_owned(),
            practices,
        })
    }

    /// The name of the file read.
    #[must_use]
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// The practices, in file order.
    #[must_use]
    pub fn practices(&self) -> &[PracticeWeightedPopulation] {
        &self.practices
    }

    /// National (whole-file) sums of the raw and one component's weighted population.
    #[must_use]
    pub fn totals(&self, component: WeightedComponent) -> (Decimal, Decimal) {
        self.practices
            .iter()
            .fold((Decimal::ZERO, Decimal::ZERO), |(p, w), x| {
                (
                    p.saturating_add(x.population),
                    w.saturating_add(x.weighted(component)),
                )
            })
    }

    /// Need indices by group, ordered by group code.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroPopulation`](crate::Error::ZeroPopulation) for a group whose raw population sums to zero.
    pub fn need_indices(
        &self,
        grouping: Grouping,
        component: WeightedComponent,
    ) -> Result<Vec<NeedIndex>> {
        let mut groups: BTreeMap<&str, (&str, Vec<&PracticeWeightedPopulation>)> = BTreeMap::new();
        for p in &self.practices {
            let (code, name) = p.key(grouping);
            groups
                .entry(code)
                .or_insert_with(|| (name, Vec::new()))
                .1
                .push(p);
        }
        groups
            .into_iter()
            .map(|(code, (name, members))| {
                let index = need_index(
                    &format!("group {code}"),
                    members
                        .iter()
                        .map(|p| (p.population, p.weighted(component))),
                )?;
                Ok(NeedIndex {
                    code: code.to_owned(),
                    name: name.to_owned(),
                    practices: members.len(),
                    population: members.iter().map(|p| p.population).sum(),
                    weighted: members.iter().map(|p| p.weighted(component)).sum(),
                    index,
                })
            })
            .collect()
    }

    /// Groups as units for [`crate::budget::need_weighted_budget`], keeping only the groups
    /// `keep` accepts (for example the places of one ICB).
    ///
    /// # Errors
    ///
    /// As [`WeightedPopulations::need_indices`].
    pub fn units(
        &self,
        grouping: Grouping,
        component: WeightedComponent,
        keep: impl Fn(&PracticeWeightedPopulation) -> bool,
    ) -> Result<Vec<NeedWeightedUnit>> {
        let kept = WeightedPopulations {
            source_name: self.source_name.clone(),
            practices: self.practices.iter().filter(|p| keep(p)).cloned().collect(),
        };
        Ok(kept
            .need_indices(grouping, component)?
            .into_iter()
            .map(|g| NeedWeightedUnit {
                id: g.name,
                population: g.population,
                weighted: g.weighted,
            })
            .collect())
    }
}

fn parse_population(file: &str, line: u64, col: usize, field: Option<&str>) -> Result<Decimal> {
    let t = field.unwrap_or("").trim();
    let value = Decimal::from_str(t)
        .or_else(|_| Decimal::from_scientific(t))
        .map_err(|_| at(file, line, col + 1, format!("{t:?} is not a population")))?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(at(
            file,
            line,
            col + 1,
            format!("population {t} is negative"),
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use rust_decimal_macros::dec;

    const HEADER: &str = "Practice_Code,GP_Practice_Name,CCG21,Former CCG,ICS22,ICS22name,R22,Region22,LAD21,LTLA21,LA21,UTLA21,pop 2022/23,G&A WP,CS WP,MH WP,Mat WP,Health Ineq WP,Prescr WP,Final WP,Primary Medical Care WP,Final PMC WP";

    fn row(code: &str, icb: &str, la: &str, pop: &str, final_wp: &str) -> String {
        format!(
            "{code},Name {code},C,CCG,{icb},ICB {icb},R,Reg,{la},LA {la},{la},LA {la},{pop},1,2,3,4,5,6,{final_wp},8,9"
        )
    }

    fn read(text: &str) -> Result<WeightedPopulations> {
        WeightedPopulations::from_bytes(text.as_bytes(), "wp.csv")
    }

    #[test]
    fn reads_and_groups() {
        let text = format!(
            "{HEADER}\n{}\n{}\n{}\n,,,\n",
            row("A1", "Q1", "E1", "100.5", "110.5"),
            row("A2", "Q1", "E2", "99.5", "89.5"),
            row("A3", "Q2", "E2", "1e2", "50"),
        );
        let wp = read(&text).unwrap();
        assert_eq!(wp.practices().len(), 3);
        assert_eq!(
            wp.practices()[0].weighted(WeightedComponent::MentalHealth),
            dec!(3)
        );
        let icbs = wp
            .need_indices(Grouping::Icb, WeightedComponent::CoreServices)
            .unwrap();
        assert_eq!(icbs[0].code, "Q1");
        assert_eq!(icbs[0].index, dec!(1));
        assert_eq!(icbs[1].index, dec!(0.5));
        let practices = wp
            .need_indices(Grouping::Practice, WeightedComponent::CoreServices)
            .unwrap();
        assert_eq!(practices.len(), 3);
        let (p, w) = wp.totals(WeightedComponent::CoreServices);
        assert_eq!((p, w), (dec!(300), dec!(250)));
        let units = wp
            .units(Grouping::District, WeightedComponent::CoreServices, |p| {
                p.icb.0 == "Q1"
            })
            .unwrap();
        assert_eq!(units.len(), 2);
        assert_eq!(units[1].id, "LA E2");
        assert_eq!(wp.source_name(), "wp.csv");
    }

    #[test]
    fn errors_are_located() {
        let missing = read("Practice_Code,GP_Practice_Name\nA1,x\n").unwrap_err();
        assert!(matches!(
            missing,
            Error::PopulationFile {
                line: 1,
                column: 0,
                ..
            }
        ));
        assert!(
            missing.to_string().contains("pop 2022/23") || missing.to_string().contains("CCG21")
        );
        let bad = read(&format!("{HEADER}\n{}", row("A1", "Q1", "E1", "lots", "1"))).unwrap_err();
        assert!(
            matches!(
                bad,
                Error::PopulationFile {
                    line: 2,
                    column: 13,
                    ..
                }
            ),
            "{bad}"
        );
        let neg = read(&format!("{HEADER}\n{}", row("A1", "Q1", "E1", "1", "-1"))).unwrap_err();
        assert!(
            matches!(neg, Error::PopulationFile { column: 20, .. }),
            "{neg}"
        );
        let dup = read(&format!(
            "{HEADER}\n{}\n{}",
            row("A1", "Q1", "E1", "1", "1"),
            row("A1", "Q1", "E1", "1", "1")
        ))
        .unwrap_err();
        assert!(dup.to_string().contains("first on line 2"), "{dup}");
        let empty = read(&format!("{HEADER}\n{}", row("", "Q1", "E1", "1", "1"))).unwrap_err();
        assert!(matches!(empty, Error::PopulationFile { column: 1, .. }));
        assert!(read("").is_err());
        let zero = read(&format!("{HEADER}\n{}", row("A1", "Q1", "E1", "0", "0"))).unwrap();
        assert!(matches!(
            zero.need_indices(Grouping::Icb, WeightedComponent::CoreServices),
            Err(Error::ZeroPopulation { .. })
        ));
    }
}
