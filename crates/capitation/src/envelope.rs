//! The financial envelope: the current value of the services in a contract's scope, by
//! commissioner, each commissioner's contribution, and the value projected over the
//! contract's length.
//!
//! The seed case is the Coventry and Warwickshire Out of Hospital programme (2017/18,
//! £57,428,020 over four commissioning places), embedded with its source:
//!
//! ```
//! use capitation::envelope::coventry_and_warwickshire_out_of_hospital;
//! let envelope = coventry_and_warwickshire_out_of_hospital()?;
//! assert_eq!(envelope.total(), "57428020".parse()?);
//! let ccgs = envelope.contributions_by_organisation()?;
//! assert_eq!(ccgs.len(), 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::OnceLock;

use route_map_core::{FinancialYear, Money, OdsCode, Share, SourceRef};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::projection::{Projection, ProjectionAssumptions, project};

/// One commissioner's (or place's) current spend on the in-scope services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EnvelopeLine {
    /// The commissioner or place, unique within the envelope.
    pub commissioner: String,
    /// The organisation that pays, when the line is a place within it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// The paying organisation's ODS code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ods: Option<OdsCode>,
    /// The base-year value.
    pub value: Money,
}

/// A financial envelope as written: validated into a [`FinancialEnvelope`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RawFinancialEnvelope {
    /// What the envelope covers.
    pub name: String,
    /// The year the values are for.
    pub base_year: FinancialYear,
    /// The lines, one per commissioner or place.
    pub lines: Vec<EnvelopeLine>,
    /// The total as published, checked against the lines when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stated_total: Option<Money>,
    /// Where the figures come from.
    #[serde(default)]
    pub sources: Vec<SourceRef>,
}

/// A validated financial envelope: unique commissioners, no negative values, lines that add
/// up to the stated total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawFinancialEnvelope", into = "RawFinancialEnvelope")]
pub struct FinancialEnvelope {
    raw: RawFinancialEnvelope,
    total: Money,
}

impl TryFrom<RawFinancialEnvelope> for FinancialEnvelope {
    type Error = Error;
    fn try_from(raw: RawFinancialEnvelope) -> Result<Self> {
        FinancialEnvelope::new(raw)
    }
}

impl From<FinancialEnvelope> for RawFinancialEnvelope {
    fn from(envelope: FinancialEnvelope) -> Self {
        envelope.raw
    }
}

/// A commissioner's contribution to the envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contribution {
    /// The commissioner, place or organisation.
    pub contributor: String,
    /// What it contributes.
    pub value: Money,
    /// Its exact share of the total.
    pub share: Share,
}

/// An envelope projected over a contract's length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvelopeProjection {
    /// The envelope's name.
    pub name: String,
    /// The current (base-year) value.
    pub current: Money,
    /// Each line's projection, in the envelope's order.
    pub lines: Vec<Projection>,
    /// Each contract year's total (the sum of the lines' values that year).
    pub years: Vec<(FinancialYear, Money)>,
    /// The value over the whole contract: the sum of the years.
    pub contract_total: Money,
}

/// A line's own annual population factor, for [`FinancialEnvelope::project_by_line`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LineFactor {
    /// The commissioner or place, as in the envelope.
    pub commissioner: String,
    /// Annual population change factor for its population.
    pub population_factor: Decimal,
}

impl FinancialEnvelope {
    /// Validate an envelope.
    ///
    /// # Errors
    ///
    /// [`Error::DuplicateBudgetName`] for a commissioner listed twice,
    /// [`Error::NegativeBudgetInput`] for a negative value, [`Error::EnvelopeTotalMismatch`]
    /// when the lines do not sum to the stated total, [`Error::UnknownBudgetName`] for an
    /// envelope with no lines.
    pub fn new(raw: RawFinancialEnvelope) -> Result<FinancialEnvelope> {
        if raw.lines.is_empty() {
            return Err(Error::UnknownBudgetName {
                context: format!("envelope {:?}", raw.name),
                name: "any line".into(),
            });
        }
        let mut seen = std::collections::BTreeSet::new();
        for line in &raw.lines {
            if !seen.insert(line.commissioner.as_str()) {
                return Err(Error::DuplicateBudgetName {
                    context: format!("envelope {:?}", raw.name),
                    name: line.commissioner.clone(),
                });
            }
            if line.value.is_negative() {
                return Err(Error::NegativeBudgetInput {
                    context: format!("envelope {:?} line {:?}", raw.name, line.commissioner),
                    value: line.value.to_string(),
                });
            }
        }
        let total = Money::sum(raw.lines.iter().map(|l| l.value))?;
        if let Some(stated) = raw.stated_total
            && stated != total
        {
            return Err(Error::EnvelopeTotalMismatch {
                envelope: raw.name.clone(),
                stated,
                sum: total,
            });
        }
        Ok(FinancialEnvelope { raw, total })
    }

    /// The envelope's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.raw.name
    }

    /// The base year.
    #[must_use]
    pub fn base_year(&self) -> FinancialYear {
        self.raw.base_year
    }

    /// The lines.
    #[must_use]
    pub fn lines(&self) -> &[EnvelopeLine] {
        &self.raw.lines
    }

    /// The sources of the figures.
    #[must_use]
    pub fn sources(&self) -> &[SourceRef] {
        &self.raw.sources
    }

    /// The current value: the sum of the lines.
    #[must_use]
    pub fn total(&self) -> Money {
        self.total
    }

    /// Each line's contribution and exact share, in the envelope's order.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] when the total is zero, so no share can be taken.
    pub fn contributions(&self) -> Result<Vec<Contribution>> {
        self.raw
            .lines
            .iter()
            .map(|l| self.contribution(&l.commissioner, l.value))
            .collect()
    }

    /// Contributions summed by paying organisation (a line without one stands for itself),
    /// in order of first appearance.
    ///
    /// # Errors
    ///
    /// As [`FinancialEnvelope::contributions`].
    pub fn contributions_by_organisation(&self) -> Result<Vec<Contribution>> {
        let mut totals: Vec<(String, Money)> = Vec::new();
        for line in &self.raw.lines {
            let who = line
                .organisation
                .clone()
                .unwrap_or_else(|| line.commissioner.clone());
            match totals.iter_mut().find(|(name, _)| *name == who) {
                Some((_, value)) => *value = value.checked_add(line.value)?,
                None => totals.push((who, line.value)),
            }
        }
        totals
            .into_iter()
            .map(|(who, value)| self.contribution(&who, value))
            .collect()
    }

    fn contribution(&self, who: &str, value: Money) -> Result<Contribution> {
        Ok(Contribution {
            contributor: who.to_owned(),
            value,
            share: Share::ratio(value.as_decimal(), self.total.as_decimal())?,
        })
    }

    /// Project every line by the same annual population factor over `years` contract years.
    ///
    /// # Errors
    ///
    /// As [`crate::projection::project`].
    pub fn project(
        &self,
        population_factor: Decimal,
        assumptions: &ProjectionAssumptions,
        years: u32,
    ) -> Result<EnvelopeProjection> {
        let factors: Vec<LineFactor> = self
            .raw
            .lines
            .iter()
            .map(|l| LineFactor {
                commissioner: l.commissioner.clone(),
                population_factor,
            })
            .collect();
        self.project_by_line(&factors, assumptions, years)
    }

    /// Project each line by its own population's annual factor (Coventry by Coventry's
    /// change, the Warwickshire places by Warwickshire's) over `years` contract years.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownBudgetName`] when a line has no factor or a factor names no line;
    /// [`Error::DuplicateBudgetName`]; then as [`crate::projection::project`].
    pub fn project_by_line(
        &self,
        factors: &[LineFactor],
        assumptions: &ProjectionAssumptions,
        years: u32,
    ) -> Result<EnvelopeProjection> {
        let mut seen = std::collections::BTreeSet::new();
        for f in factors {
            if !seen.insert(f.commissioner.as_str()) {
                return Err(Error::DuplicateBudgetName {
                    context: "population factors".into(),
                    name: f.commissioner.clone(),
                });
            }
            if !self
                .raw
                .lines
                .iter()
                .any(|l| l.commissioner == f.commissioner)
            {
                return Err(Error::UnknownBudgetName {
                    context: format!("envelope {:?}", self.raw.name),
                    name: f.commissioner.clone(),
                });
            }
        }
        let lines = self
            .raw
            .lines
            .iter()
            .map(|line| {
                let factor = factors
                    .iter()
                    .find(|f| f.commissioner == line.commissioner)
                    .ok_or_else(|| Error::UnknownBudgetName {
                        context: "population factors".into(),
                        name: line.commissioner.clone(),
                    })?;
                project(
                    &line.commissioner,
                    line.value,
                    factor.population_factor,
                    assumptions,
                    self.raw.base_year,
                    years,
                )
            })
            .collect::<Result<Vec<_>>>()?;
        let mut totals = Vec::new();
        let mut year = self.raw.base_year;
        for i in 0..years as usize {
            year = year.next()?;
            let value = Money::sum(lines.iter().filter_map(|p| p.years.get(i).map(|y| y.value)))?;
            totals.push((year, value));
        }
        let contract_total = Money::sum(totals.iter().map(|(_, v)| *v))?;
        Ok(EnvelopeProjection {
            name: self.raw.name.clone(),
            current: self.total,
            lines,
            years: totals,
            contract_total,
        })
    }
}

static COVENTRY_WARWICKSHIRE: OnceLock<std::result::Result<FinancialEnvelope, String>> =
    OnceLock::new();

/// The Coventry and Warwickshire Out of Hospital envelope, 2017/18: South Warwickshire
/// £21,715,000, Coventry £21,700,479, Rugby £5,313,621, Warwickshire North £8,698,920; total
/// £57,428,020 (Coventry Health and Wellbeing Board report, 4 October 2017, Table 1).
///
/// # Errors
///
/// [`Error::EmbeddedData`] if the embedded data failed to load (a build defect).
pub fn coventry_and_warwickshire_out_of_hospital() -> Result<FinancialEnvelope> {
    COVENTRY_WARWICKSHIRE
        .get_or_init(|| {
            toml::from_str::<FinancialEnvelope>(include_str!(
                "../data/coventry_warwickshire_ooh_envelope.toml"
            ))
            .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|reason| Error::EmbeddedData {
            name: "coventry_warwickshire_ooh_envelope.toml",
            reason,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use route_map_core::{Rate, RoundingRule};
    use rust_decimal_macros::dec;

    fn raw() -> RawFinancialEnvelope {
        RawFinancialEnvelope {
            name: "test".into(),
            base_year: "2017/18".parse().unwrap(),
            lines: vec![
                EnvelopeLine {
                    commissioner: "A".into(),
                    organisation: Some("CCG".into()),
                    ods: None,
                    value: Money::from_pounds(300),
                },
                EnvelopeLine {
                    commissioner: "B".into(),
                    organisation: Some("CCG".into()),
                    ods: None,
                    value: Money::from_pounds(100),
                },
                EnvelopeLine {
                    commissioner: "C".into(),
                    organisation: None,
                    ods: None,
                    value: Money::from_pounds(600),
                },
            ],
            stated_total: Some(Money::from_pounds(1_000)),
            sources: vec![],
        }
    }

    #[test]
    fn seed_envelope_adds_up() {
        let e = coventry_and_warwickshire_out_of_hospital().unwrap();
        assert_eq!(e.total(), Money::from_pounds(57_428_020));
        assert_eq!(e.lines().len(), 4);
        assert_eq!(e.base_year().to_string(), "2017/18");
        assert!(e.sources().iter().any(|s| !s.is_verified()));
        assert!(e.sources().iter().any(|s| s.is_verified()));
        let by_org = e.contributions_by_organisation().unwrap();
        assert_eq!(by_org[1].contributor, "NHS Coventry and Rugby CCG");
        assert_eq!(by_org[1].value, Money::from_pounds(27_014_100));
        let shares: Decimal = e
            .contributions()
            .unwrap()
            .iter()
            .map(|c| c.share.as_decimal())
            .sum();
        assert!((shares - Decimal::ONE).abs() < dec!(0.0000000000000000001));
    }

    #[test]
    fn validation() {
        assert!(FinancialEnvelope::new(raw()).is_ok());
        let mut r = raw();
        r.stated_total = Some(Money::from_pounds(999));
        assert!(matches!(
            FinancialEnvelope::new(r),
            Err(Error::EnvelopeTotalMismatch { .. })
        ));
        let mut r = raw();
        r.lines[1].commissioner = "A".into();
        assert!(matches!(
            FinancialEnvelope::new(r),
            Err(Error::DuplicateBudgetName { .. })
        ));
        let mut r = raw();
        r.lines[0].value = Money::from_pounds(-1);
        assert!(matches!(
            FinancialEnvelope::new(r),
            Err(Error::NegativeBudgetInput { .. })
        ));
        let mut r = raw();
        r.lines.clear();
        r.stated_total = None;
        assert!(FinancialEnvelope::new(r).is_err());
        let json = serde_json::to_string(&FinancialEnvelope::new(raw()).unwrap()).unwrap();
        let back: FinancialEnvelope = serde_json::from_str(&json).unwrap();
        assert_eq!(back.total(), Money::from_pounds(1_000));
        let bad = json.replace("\"1000.00\"", "\"1.00\"");
        assert!(
            serde_json::from_str::<FinancialEnvelope>(&bad).is_err(),
            "{bad}"
        );
    }

    #[test]
    fn contributions_and_projection() {
        let e = FinancialEnvelope::new(raw()).unwrap();
        let c = e.contributions_by_organisation().unwrap();
        assert_eq!(c[0].value, Money::from_pounds(400));
        assert_eq!(c[0].share.as_decimal(), dec!(0.4));
        let a = ProjectionAssumptions {
            uplift: Rate::ZERO,
            efficiency: Rate::ZERO,
            rounding: RoundingRule::DEFAULT,
        };
        let p = e.project(dec!(1.1), &a, 2).unwrap();
        assert_eq!(p.years[0].1, Money::from_pounds(1_100));
        assert_eq!(p.years[1].1, Money::from_pounds(1_210));
        assert_eq!(p.contract_total, Money::from_pounds(2_310));
        assert_eq!(p.years[1].0.to_string(), "2019/20");
        let f = |c: &str, x: Decimal| LineFactor {
            commissioner: c.into(),
            population_factor: x,
        };
        let p = e
            .project_by_line(&[f("A", dec!(1)), f("B", dec!(2)), f("C", dec!(1))], &a, 1)
            .unwrap();
        assert_eq!(p.years[0].1, Money::from_pounds(1_100));
        assert!(matches!(
            e.project_by_line(&[f("A", dec!(1)), f("B", dec!(2))], &a, 1),
            Err(Error::UnknownBudgetName { .. })
        ));
        assert!(matches!(
            e.project_by_line(&[f("A", dec!(1)), f("A", dec!(2))], &a, 1),
            Err(Error::DuplicateBudgetName { .. })
        ));
        assert!(matches!(
            e.project_by_line(&[f("Z", dec!(1))], &a, 1),
            Err(Error::UnknownBudgetName { .. })
        ));
    }
}
