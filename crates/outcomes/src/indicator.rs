//! Indicators: what is measured, in which direction is better, where the data come from, the
//! baseline, the trajectory of targets by contract year, the weight and the achievement curve.
//!
//! References into national frameworks (NHS OF `1a.i`, PHOF `A01a`, ASCOF `1A`, CQUIN
//! `CQUIN01`, QOF `DM003`) are kept apart from the identifier of the data source (the
//! Fingertips indicator id `90362`), because the two systems differ (PHOF `A01a` is carried
//! inside the Fingertips indicator *name*; the key is the id).

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::curve::Curve;
use crate::error::{Error, Result};
use crate::id::IndicatorId;

/// The direction of improvement.
///
/// Parsed from `higher_is_better` / `lower_is_better` and the Fingertips wording
/// (`RAG - High is good`, `Low is good`); anything else is [`Error::UnknownPolarity`].
///
/// # Examples
///
/// ```
/// use outcomes::Polarity;
/// assert_eq!("RAG - Low is good".parse::<Polarity>()?, Polarity::LowerIsBetter);
/// assert!("sideways".parse::<Polarity>().is_err());
/// # Ok::<(), outcomes::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Polarity {
    /// Higher values are better (vaccination uptake).
    HigherIsBetter,
    /// Lower values are better (emergency admissions).
    LowerIsBetter,
}

impl Polarity {
    /// The canonical name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::HigherIsBetter => "higher_is_better",
            Polarity::LowerIsBetter => "lower_is_better",
        }
    }

    /// `+1` for higher is better, `-1` for lower is better: multiply a difference by it to
    /// read it as an improvement.
    #[must_use]
    pub fn sign(self) -> Decimal {
        match self {
            Polarity::HigherIsBetter => Decimal::ONE,
            Polarity::LowerIsBetter => Decimal::NEGATIVE_ONE,
        }
    }
}

impl fmt::Display for Polarity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Polarity::HigherIsBetter => "higher is better",
            Polarity::LowerIsBetter => "lower is better",
        })
    }
}

impl FromStr for Polarity {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let norm: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
            .collect();
        let words: Vec<&str> = norm.split_whitespace().collect();
        let key = words.join(" ");
        let key = key.strip_prefix("rag ").unwrap_or(&key);
        match key {
            "higher is better" | "high is good" | "higher" | "high" => Ok(Polarity::HigherIsBetter),
            "lower is better" | "low is good" | "lower" | "low" => Ok(Polarity::LowerIsBetter),
            _ => Err(Error::UnknownPolarity {
                input: s.to_owned(),
            }),
        }
    }
}

impl TryFrom<String> for Polarity {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

impl From<Polarity> for &'static str {
    fn from(p: Polarity) -> &'static str {
        p.as_str()
    }
}

impl schemars::JsonSchema for Polarity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Polarity".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "The direction of improvement (Fingertips wording such as \"RAG - High is good\" is also accepted).",
            "type": "string",
            "examples": ["higher_is_better", "lower_is_better"]
        })
    }
}

/// A duration's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    /// Minutes.
    Minutes,
    /// Hours.
    Hours,
    /// Days.
    Days,
    /// Weeks.
    Weeks,
}

/// The unit an indicator's values are in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Unit {
    /// Per cent (0 to 100).
    Percentage,
    /// A rate per `per` of the denominator population (per 100,000, say).
    RatePer {
        /// The multiplier (1,000, 100,000).
        per: u32,
    },
    /// A count of events or people.
    Count,
    /// A score on a scale (ASCOT, Recovery Star, a ratio).
    Score,
    /// A duration (waiting time, response time).
    Duration {
        /// Its unit.
        unit: DurationUnit,
    },
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unit::Percentage => f.write_str("%"),
            Unit::RatePer { per } => write!(f, "per {per}"),
            Unit::Count => f.write_str("count"),
            Unit::Score => f.write_str("score"),
            Unit::Duration { unit } => write!(f, "{unit:?}"),
        }
    }
}

/// A national outcomes or incentive framework.
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
pub enum NationalFramework {
    /// NHS Outcomes Framework.
    NhsOf,
    /// Public Health Outcomes Framework.
    Phof,
    /// Adult Social Care Outcomes Framework.
    Ascof,
    /// Commissioning for Quality and Innovation.
    Cquin,
    /// Quality and Outcomes Framework.
    Qof,
    /// PCN Investment and Impact Fund.
    Iif,
}

/// A reference to an indicator of a national framework by its code there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NationalReference {
    /// The framework.
    pub framework: NationalFramework,
    /// The code within it (`1a.i`, `A01a`, `2B(1)`, `CQUIN01`, `DM003`).
    pub code: String,
}

/// How often the data are published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Frequency {
    /// Monthly.
    Monthly,
    /// Quarterly.
    Quarterly,
    /// Once a year.
    Annual,
    /// Pooled over several years (three-year rolling rates).
    MultiYear,
    /// Collected for the contract when needed (audits, surveys, milestones).
    AdHoc,
}

/// Where an indicator's data come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataSource {
    /// The publisher or collection (`OHID Fingertips`, `provider return`).
    pub name: String,
    /// The indicator's id in that source (a Fingertips `IndicatorID` such as `22401`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_indicator_id: Option<String>,
    /// How often it is published.
    pub frequency: Frequency,
}

/// The starting value an indicator is measured from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// The value.
    pub value: Decimal,
    /// The period it describes (`2016/17`, `2015 - 17`).
    pub period: String,
}

/// The target for one contract year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrajectoryPoint {
    /// Contract year, from 1.
    pub contract_year: u32,
    /// The value to reach in that year.
    pub target: Decimal,
}

/// What an indicator's achievement pays for, which decides in which contract years it counts
/// (see [`crate::phasing`]).
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
pub enum IncentiveBasis {
    /// Transformation milestones (seed 003: the basis in contract year 1).
    Milestones,
    /// Improved outcomes (seed 003: the basis by contract year 3).
    Outcomes,
    /// Nationally prescribed CQUIN indicators, which the incentive must also cover.
    Cquin,
}

impl fmt::Display for IncentiveBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IncentiveBasis::Milestones => "milestones",
            IncentiveBasis::Outcomes => "outcomes",
            IncentiveBasis::Cquin => "CQUIN",
        })
    }
}

/// An indicator as written in a file, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    /// Identifier within the framework; the key of achievement results.
    pub id: IndicatorId,
    /// Name.
    pub name: String,
    /// The commissioners' local code, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_code: Option<String>,
    /// Codes of the same or a similar indicator in national frameworks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub national: Vec<NationalReference>,
    /// Where the data come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_source: Option<DataSource>,
    /// The cohort it concerns (seed 003 names seven), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cohort: Option<String>,
    /// Direction of improvement.
    pub polarity: Polarity,
    /// Unit of its values.
    pub unit: Unit,
    /// Starting value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
    /// Targets by contract year.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trajectory: Vec<TrajectoryPoint>,
    /// Relative weight within its outcome (non-negative).
    pub weight: Decimal,
    /// What it pays for.
    pub basis: IncentiveBasis,
    /// A must-meet gateway: if it is not met in full, the incentive it gates is not paid.
    #[serde(default)]
    pub gateway: bool,
    /// How achievement is scored.
    pub curve: Curve,
}

/// A validated indicator: the curve fits the polarity, the weight is not negative, the
/// trajectory names each contract year once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawIndicator", into = "RawIndicator")]
pub struct Indicator {
    raw: RawIndicator,
}

impl schemars::JsonSchema for Indicator {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Indicator".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        RawIndicator::json_schema(generator)
    }
}

impl TryFrom<RawIndicator> for Indicator {
    type Error = Error;
    fn try_from(raw: RawIndicator) -> Result<Self> {
        Indicator::new(raw)
    }
}

impl From<Indicator> for RawIndicator {
    fn from(i: Indicator) -> Self {
        i.raw
    }
}

impl Indicator {
    /// Validate an indicator.
    ///
    /// # Errors
    ///
    /// [`Error::NegativeWeight`] or [`Error::WeightOutOfRange`]; the errors of [`Curve::validate`]; [`Error::Duplicate`] for a
    /// contract year given twice in the trajectory; [`Error::Phasing`] for contract year 0;
    /// [`Error::ResultMismatch`] when a milestone curve is not on the milestones basis or the
    /// milestones basis uses a value curve.
    pub fn new(raw: RawIndicator) -> Result<Indicator> {
        let context = format!("indicator {}", raw.id);
        crate::weights::check_one(raw.id.as_str(), raw.weight, &context)?;
        raw.curve.validate(raw.polarity, &context)?;
        if raw.curve.is_milestones() != (raw.basis == IncentiveBasis::Milestones) {
            return Err(Error::ResultMismatch {
                indicator: raw.id.to_string(),
                reason: "milestone curves belong on the milestones basis, and only there".into(),
            });
        }
        let mut years = BTreeSet::new();
        for p in &raw.trajectory {
            if p.contract_year == 0 {
                return Err(Error::Phasing {
                    reason: format!("{context}: contract years count from 1"),
                });
            }
            if !years.insert(p.contract_year) {
                return Err(Error::Duplicate {
                    kind: "contract year",
                    id: p.contract_year.to_string(),
                    context,
                });
            }
        }
        Ok(Indicator { raw })
    }

    /// Identifier.
    #[must_use]
    pub fn id(&self) -> &IndicatorId {
        &self.raw.id
    }
    /// Name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.raw.name
    }
    /// Local code.
    #[must_use]
    pub fn local_code(&self) -> Option<&str> {
        self.raw.local_code.as_deref()
    }
    /// National framework references.
    #[must_use]
    pub fn national(&self) -> &[NationalReference] {
        &self.raw.national
    }
    /// Data source.
    #[must_use]
    pub fn data_source(&self) -> Option<&DataSource> {
        self.raw.data_source.as_ref()
    }
    /// The source's indicator id, if any (a Fingertips `IndicatorID`).
    #[must_use]
    pub fn source_indicator_id(&self) -> Option<&str> {
        self.raw
            .data_source
            .as_ref()
            .and_then(|d| d.source_indicator_id.as_deref())
    }
    /// Cohort.
    #[must_use]
    pub fn cohort(&self) -> Option<&str> {
        self.raw.cohort.as_deref()
    }
    /// Polarity.
    #[must_use]
    pub fn polarity(&self) -> Polarity {
        self.raw.polarity
    }
    /// Unit.
    #[must_use]
    pub fn unit(&self) -> &Unit {
        &self.raw.unit
    }
    /// Baseline.
    #[must_use]
    pub fn baseline(&self) -> Option<&Baseline> {
        self.raw.baseline.as_ref()
    }
    /// Trajectory.
    #[must_use]
    pub fn trajectory(&self) -> &[TrajectoryPoint] {
        &self.raw.trajectory
    }
    /// The target for a contract year, if the trajectory sets one.
    #[must_use]
    pub fn target(&self, contract_year: u32) -> Option<Decimal> {
        self.raw
            .trajectory
            .iter()
            .find(|p| p.contract_year == contract_year)
            .map(|p| p.target)
    }
    /// Weight within its outcome.
    #[must_use]
    pub fn weight(&self) -> Decimal {
        self.raw.weight
    }
    /// What it pays for.
    #[must_use]
    pub fn basis(&self) -> IncentiveBasis {
        self.raw.basis
    }
    /// Whether it is a must-meet gateway.
    #[must_use]
    pub fn is_gateway(&self) -> bool {
        self.raw.gateway
    }
    /// The achievement curve.
    #[must_use]
    pub fn curve(&self) -> &Curve {
        &self.raw.curve
    }
    /// The raw, serialisable form.
    #[must_use]
    pub fn raw(&self) -> &RawIndicator {
        &self.raw
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    pub(crate) fn linear(id: &str, lower: Decimal, upper: Decimal) -> RawIndicator {
        RawIndicator {
            id: IndicatorId::new(id).unwrap(),
            name: id.into(),
            local_code: None,
            national: vec![],
            data_source: None,
            cohort: None,
            polarity: Polarity::HigherIsBetter,
            unit: Unit::Percentage,
            baseline: None,
            trajectory: vec![],
            weight: dec!(1),
            basis: IncentiveBasis::Outcomes,
            gateway: false,
            curve: Curve::Linear { lower, upper },
        }
    }

    #[test]
    fn polarity_parses_and_rejects() {
        for s in [
            "higher_is_better",
            "Higher is better",
            "RAG - High is good",
            "high",
        ] {
            assert_eq!(
                s.parse::<Polarity>().unwrap(),
                Polarity::HigherIsBetter,
                "{s}"
            );
        }
        assert_eq!(
            "Low is good".parse::<Polarity>().unwrap(),
            Polarity::LowerIsBetter
        );
        assert!(matches!(
            "BOB - Blue orange blue".parse::<Polarity>(),
            Err(Error::UnknownPolarity { .. })
        ));
        let e = serde_json::from_str::<Polarity>("\"upwards\"").unwrap_err();
        assert!(e.to_string().contains("unknown polarity"));
        assert_eq!(
            serde_json::to_string(&Polarity::LowerIsBetter).unwrap(),
            "\"lower_is_better\""
        );
    }

    #[test]
    fn indicator_validation() {
        assert!(Indicator::new(linear("A", dec!(1), dec!(2))).is_ok());
        assert!(matches!(
            Indicator::new(linear("A", dec!(2), dec!(1))),
            Err(Error::ThresholdsOutOfOrder { .. })
        ));
        let mut neg = linear("A", dec!(1), dec!(2));
        neg.weight = dec!(-1);
        assert!(matches!(
            Indicator::new(neg),
            Err(Error::NegativeWeight { .. })
        ));
        let mut dup = linear("A", dec!(1), dec!(2));
        dup.trajectory = vec![
            TrajectoryPoint {
                contract_year: 1,
                target: dec!(1),
            },
            TrajectoryPoint {
                contract_year: 1,
                target: dec!(2),
            },
        ];
        assert!(matches!(Indicator::new(dup), Err(Error::Duplicate { .. })));
        let mut zero = linear("A", dec!(1), dec!(2));
        zero.trajectory = vec![TrajectoryPoint {
            contract_year: 0,
            target: dec!(1),
        }];
        assert!(matches!(Indicator::new(zero), Err(Error::Phasing { .. })));
        let mut wrong_basis = linear("A", dec!(1), dec!(2));
        wrong_basis.basis = IncentiveBasis::Milestones;
        assert!(matches!(
            Indicator::new(wrong_basis),
            Err(Error::ResultMismatch { .. })
        ));
    }

    #[test]
    fn indicator_serde_validates() {
        let i = Indicator::new(linear("A", dec!(1), dec!(2))).unwrap();
        let json = serde_json::to_string(&i).unwrap();
        assert_eq!(serde_json::from_str::<Indicator>(&json).unwrap(), i);
        let bad = json.replace("\"lower\":\"1\"", "\"lower\":\"3\"");
        assert!(serde_json::from_str::<Indicator>(&bad).is_err());
    }
}
