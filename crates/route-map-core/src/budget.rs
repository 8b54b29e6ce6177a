//! Service categories, budget lines and the scope of an integrated budget.
//!
//! The categories and the budget headings they sit under follow the route map's list of
//! potential budgets in scope (seed 001, section 3.3): the full CCG allocation (acute,
//! community, mental health, learning disability), local authority public health, local
//! authority "people" budgets (social care, leisure, housing), NHS England primary care
//! (general practice, dentistry, pharmacy, optometry), NHS England specialised commissioning,
//! local authority transport, and the "place" and education budgets usually left out. The
//! catalogue with the usual stance on each is data (`data/service_categories.toml`).
//!
//! A [`BudgetScope`] holds the budget lines of one financial year and a decision per line, in
//! or out, each with its reason; its totals by holder and by category are exact sums.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::data;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::organisation::Registry;
use crate::period::FinancialYear;
use crate::timeline::SourceRef;

const SERVICE_CATEGORIES_TOML: &str = include_str!("../data/service_categories.toml");

/// A category of service whose budget may be brought into integrated commissioning.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ServiceCategory {
    /// Acute hospital services (CCG allocation).
    Acute,
    /// Community services (CCG allocation).
    Community,
    /// Mental health (CCG allocation).
    MentalHealth,
    /// Learning disability (CCG allocation).
    LearningDisability,
    /// Local authority public health.
    PublicHealth,
    /// Local authority social care.
    SocialCare,
    /// Local authority leisure services.
    Leisure,
    /// Local authority housing.
    Housing,
    /// NHS England primary care: general practice.
    GeneralPractice,
    /// NHS England primary care: dentistry.
    Dentistry,
    /// NHS England primary care: pharmacy.
    Pharmacy,
    /// NHS England primary care: optometry.
    Optometry,
    /// NHS England specialised commissioning.
    SpecialisedCommissioning,
    /// Local authority transport.
    Transport,
    /// Local authority place budget: waste.
    Waste,
    /// Local authority place budget: roads.
    Roads,
    /// Local authority place budget: environment.
    Environment,
    /// Local authority place budget: planning.
    Planning,
    /// Education (largely passed through to academies).
    Education,
    /// Anything else a local system adds ("plus other?").
    Other,
}

impl ServiceCategory {
    /// Every category, in declaration order.
    pub const ALL: [ServiceCategory; 20] = [
        ServiceCategory::Acute,
        ServiceCategory::Community,
        ServiceCategory::MentalHealth,
        ServiceCategory::LearningDisability,
        ServiceCategory::PublicHealth,
        ServiceCategory::SocialCare,
        ServiceCategory::Leisure,
        ServiceCategory::Housing,
        ServiceCategory::GeneralPractice,
        ServiceCategory::Dentistry,
        ServiceCategory::Pharmacy,
        ServiceCategory::Optometry,
        ServiceCategory::SpecialisedCommissioning,
        ServiceCategory::Transport,
        ServiceCategory::Waste,
        ServiceCategory::Roads,
        ServiceCategory::Environment,
        ServiceCategory::Planning,
        ServiceCategory::Education,
        ServiceCategory::Other,
    ];

    /// The catalogue entry: name, heading and usual stance.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded catalogue is defective or lacks the category.
    pub fn info(self) -> Result<&'static CategoryInfo> {
        catalogue()?
            .category
            .iter()
            .find(|c| c.id == self)
            .ok_or(Error::EmbeddedData {
                name: "service_categories.toml",
                reason: format!("no entry for {self:?}"),
            })
    }
}

impl fmt::Display for ServiceCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.info() {
            Ok(info) => f.write_str(&info.name),
            Err(_) => write!(f, "{self:?}"),
        }
    }
}

/// The budget a category belongs to, as the route map groups them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BudgetHeading {
    /// The full CCG (now ICB) allocation.
    CcgAllocation,
    /// Local authority public health grant.
    LocalAuthorityPublicHealth,
    /// Local authority "people" budgets.
    LocalAuthorityPeople,
    /// NHS England primary care.
    NhsEnglandPrimaryCare,
    /// NHS England specialised commissioning.
    NhsEnglandSpecialised,
    /// Local authority transport.
    LocalAuthorityTransport,
    /// Local authority infrastructure ("place") budgets.
    LocalAuthorityPlace,
    /// Education.
    Education,
    /// Other budgets.
    Other,
}

/// Whether systems usually bring a category into integrated commissioning.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TypicalScope {
    /// Usually included as core.
    Core,
    /// The real scope question: decided locally against the route map's criteria.
    Wider,
    /// Usually left to separate commissioning.
    UsuallyExcluded,
}

/// A category's catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CategoryInfo {
    /// The category.
    pub id: ServiceCategory,
    /// Its name.
    pub name: String,
    /// The budget heading it falls under.
    pub heading: BudgetHeading,
    /// The usual stance.
    pub typical_scope: TypicalScope,
}

#[derive(Deserialize)]
struct CatalogueFile {
    source: SourceRef,
    category: Vec<CategoryInfo>,
}

fn catalogue() -> Result<&'static CatalogueFile> {
    static CELL: OnceLock<std::result::Result<CatalogueFile, String>> = OnceLock::new();
    data::load(&CELL, "service_categories.toml", SERVICE_CATEGORIES_TOML)
}

/// The source of the category catalogue.
///
/// # Errors
///
/// [`Error::EmbeddedData`] only if the embedded catalogue is defective.
pub fn catalogue_source() -> Result<&'static SourceRef> {
    Ok(&catalogue()?.source)
}

/// One budget line: what a holder spends on a category in a financial year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BudgetLine {
    /// A unique identifier within the scope.
    pub id: String,
    /// The organisation that holds the budget (its registry id).
    pub holder: String,
    /// The service category.
    pub category: ServiceCategory,
    /// The financial year.
    pub year: FinancialYear,
    /// The amount, never negative.
    pub amount: Money,
    /// What the line covers, in the holder's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The decision on one line: in or out of the integrated budget, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScopeDecision {
    /// The budget line's id.
    pub line: String,
    /// In scope (true) or out (false).
    pub in_scope: bool,
    /// Why, in words a governing body would minute.
    pub reason: String,
}

/// The input form of a [`BudgetScope`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RawBudgetScope {
    /// The financial year every line belongs to.
    pub year: FinancialYear,
    /// The budget lines considered.
    pub lines: Vec<BudgetLine>,
    /// At most one decision per line; lines without one are still undecided.
    #[serde(default)]
    pub decisions: Vec<ScopeDecision>,
}

/// Which lines a total covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ScopeFilter {
    /// Lines decided in scope.
    In,
    /// Lines decided out of scope.
    Out,
    /// Lines with no decision yet.
    Undecided,
    /// Every line.
    All,
}

/// The lines of one year's potential integrated budget, each decided in or out with a reason.
///
/// # Examples
///
/// ```
/// use route_map_core::budget::*;
/// use route_map_core::Money;
/// let line = |id: &str, holder: &str, category, pounds| BudgetLine {
///     id: id.into(), holder: holder.into(), category, year: "2017/18".parse().unwrap(),
///     amount: Money::from_pounds(pounds), description: None,
/// };
/// let scope = BudgetScope::new(RawBudgetScope {
///     year: "2017/18".parse()?,
///     lines: vec![
///         line("cr-community", "05A", ServiceCategory::Community, 21_700_479),
///         line("cr-acute", "05A", ServiceCategory::Acute, 100_000_000),
///     ],
///     decisions: vec![
///         ScopeDecision { line: "cr-community".into(), in_scope: true, reason: "out of hospital model".into() },
///         ScopeDecision { line: "cr-acute".into(), in_scope: false, reason: "phase 2".into() },
///     ],
/// })?;
/// assert_eq!(scope.total(ScopeFilter::In)?, Money::from_pounds(21_700_479));
/// assert_eq!(scope.totals_by_holder(ScopeFilter::All)?["05A"], Money::from_pounds(121_700_479));
/// # Ok::<(), route_map_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawBudgetScope", into = "RawBudgetScope")]
pub struct BudgetScope {
    raw: RawBudgetScope,
    decided: BTreeMap<String, usize>,
}

impl BudgetScope {
    /// Validate a scope.
    ///
    /// # Errors
    ///
    /// - [`Error::Duplicate`] for a line id used twice or a line decided twice;
    /// - [`Error::Unknown`] for a decision on a line that is not listed;
    /// - [`Error::Invalid`] for an empty id, holder or reason, a negative amount, or a line
    ///   of another financial year.
    pub fn new(raw: RawBudgetScope) -> Result<BudgetScope> {
        let mut ids = BTreeSet::new();
        for line in &raw.lines {
            let invalid = |reason: String| Error::Invalid {
                field: format!("budget line {:?}", line.id),
                reason,
            };
            if line.id.trim().is_empty() {
                return Err(invalid("id must not be empty".into()));
            }
            if line.holder.trim().is_empty() {
                return Err(invalid("holder must not be empty".into()));
            }
            if line.amount.is_negative() {
                return Err(invalid(format!("amount {} is negative", line.amount)));
            }
            if line.year != raw.year {
                return Err(invalid(format!(
                    "is for {} but the scope is for {}",
                    line.year, raw.year
                )));
            }
            if !ids.insert(line.id.as_str()) {
                return Err(Error::Duplicate {
                    kind: "budget line",
                    id: line.id.clone(),
                });
            }
        }
        let mut decided = BTreeMap::new();
        for (i, d) in raw.decisions.iter().enumerate() {
            if !ids.contains(d.line.as_str()) {
                return Err(Error::Unknown {
                    kind: "budget line",
                    id: d.line.clone(),
                });
            }
            if d.reason.trim().is_empty() {
                return Err(Error::Invalid {
                    field: format!("scope decision on {:?}", d.line),
                    reason: "a reason is required".into(),
                });
            }
            if decided.insert(d.line.clone(), i).is_some() {
                return Err(Error::Duplicate {
                    kind: "scope decision on budget line",
                    id: d.line.clone(),
                });
            }
        }
        Ok(BudgetScope { raw, decided })
    }

    /// The financial year.
    #[must_use]
    pub fn year(&self) -> FinancialYear {
        self.raw.year
    }

    /// Every line, in input order.
    #[must_use]
    pub fn lines(&self) -> &[BudgetLine] {
        &self.raw.lines
    }

    /// The decision on a line, if one has been made.
    #[must_use]
    pub fn decision(&self, line: &str) -> Option<&ScopeDecision> {
        self.decided
            .get(line)
            .and_then(|i| self.raw.decisions.get(*i))
    }

    /// The lines a filter selects, in input order.
    pub fn select(&self, filter: ScopeFilter) -> impl Iterator<Item = &BudgetLine> {
        self.raw.lines.iter().filter(move |l| {
            let d = self.decision(&l.id).map(|d| d.in_scope);
            match filter {
                ScopeFilter::In => d == Some(true),
                ScopeFilter::Out => d == Some(false),
                ScopeFilter::Undecided => d.is_none(),
                ScopeFilter::All => true,
            }
        })
    }

    /// The exact total of the selected lines.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if the sum overflows.
    pub fn total(&self, filter: ScopeFilter) -> Result<Money> {
        Money::sum(self.select(filter).map(|l| l.amount))
    }

    fn totals_by<K: Ord>(
        &self,
        filter: ScopeFilter,
        key: impl Fn(&BudgetLine) -> K,
    ) -> Result<BTreeMap<K, Money>> {
        let mut out: BTreeMap<K, Money> = BTreeMap::new();
        for line in self.select(filter) {
            let slot = out.entry(key(line)).or_insert(Money::ZERO);
            *slot = slot.checked_add(line.amount)?;
        }
        Ok(out)
    }

    /// Exact totals of the selected lines by holder.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if a sum overflows.
    pub fn totals_by_holder(&self, filter: ScopeFilter) -> Result<BTreeMap<String, Money>> {
        self.totals_by(filter, |l| l.holder.clone())
    }

    /// Exact totals of the selected lines by service category.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if a sum overflows.
    pub fn totals_by_category(
        &self,
        filter: ScopeFilter,
    ) -> Result<BTreeMap<ServiceCategory, Money>> {
        self.totals_by(filter, |l| l.category)
    }

    /// Exact totals of the selected lines by budget heading.
    ///
    /// # Errors
    ///
    /// [`Error::Overflow`] if a sum overflows; [`Error::EmbeddedData`] if the catalogue is
    /// defective.
    pub fn totals_by_heading(&self, filter: ScopeFilter) -> Result<BTreeMap<BudgetHeading, Money>> {
        let mut out: BTreeMap<BudgetHeading, Money> = BTreeMap::new();
        for line in self.select(filter) {
            let slot = out
                .entry(line.category.info()?.heading)
                .or_insert(Money::ZERO);
            *slot = slot.checked_add(line.amount)?;
        }
        Ok(out)
    }

    /// Lines whose decision departs from the usual stance (a core budget left out, a usually
    /// excluded one brought in): the decisions a governing body should see argued.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the catalogue is defective.
    pub fn departures_from_usual(&self) -> Result<Vec<&BudgetLine>> {
        let mut out = Vec::new();
        for line in &self.raw.lines {
            let usual = line.category.info()?.typical_scope;
            match (self.decision(&line.id).map(|d| d.in_scope), usual) {
                (Some(false), TypicalScope::Core) | (Some(true), TypicalScope::UsuallyExcluded) => {
                    out.push(line);
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// Check every holder against a registry: it must exist and operate on the first day of
    /// the year.
    ///
    /// # Errors
    ///
    /// [`Error::Unknown`] for a holder not in the registry; [`Error::NotValidOnDate`] for a
    /// holder that does not operate then (a CCG holding a 2023/24 budget).
    pub fn check_holders(&self, registry: &Registry) -> Result<()> {
        for line in &self.raw.lines {
            registry
                .get(&line.holder)?
                .operates_on(self.raw.year.start())?;
        }
        Ok(())
    }
}

impl TryFrom<RawBudgetScope> for BudgetScope {
    type Error = Error;
    fn try_from(raw: RawBudgetScope) -> Result<BudgetScope> {
        BudgetScope::new(raw)
    }
}

impl From<BudgetScope> for RawBudgetScope {
    fn from(s: BudgetScope) -> RawBudgetScope {
        s.raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::organisation::{Organisation, OrganisationKind, RawOrganisation};

    fn fy() -> FinancialYear {
        "2017/18".parse().unwrap()
    }

    fn line(id: &str, holder: &str, category: ServiceCategory, pounds: i64) -> BudgetLine {
        BudgetLine {
            id: id.into(),
            holder: holder.into(),
            category,
            year: fy(),
            amount: Money::from_pounds(pounds),
            description: None,
        }
    }

    fn decide(line: &str, in_scope: bool) -> ScopeDecision {
        ScopeDecision {
            line: line.into(),
            in_scope,
            reason: "because".into(),
        }
    }

    #[test]
    fn catalogue_covers_every_category_with_the_seed_headings() {
        for c in ServiceCategory::ALL {
            let info = c.info().unwrap();
            assert_eq!(info.id, c);
            assert!(!c.to_string().is_empty());
        }
        assert_eq!(
            ServiceCategory::Dentistry.info().unwrap().heading,
            BudgetHeading::NhsEnglandPrimaryCare
        );
        assert_eq!(
            ServiceCategory::Housing.info().unwrap().heading,
            BudgetHeading::LocalAuthorityPeople
        );
        assert_eq!(
            ServiceCategory::Roads.info().unwrap().typical_scope,
            TypicalScope::UsuallyExcluded
        );
        assert!(catalogue_source().unwrap().clause.is_some());
    }

    #[test]
    fn totals_are_exact_by_holder_category_and_heading() {
        let scope = BudgetScope::new(RawBudgetScope {
            year: fy(),
            lines: vec![
                line("a", "05R", ServiceCategory::Community, 21_715_000),
                line("b", "05A", ServiceCategory::Community, 21_700_479),
                line("c", "05A", ServiceCategory::MentalHealth, 5_313_621),
                line("d", "05H", ServiceCategory::Community, 8_698_920),
                line("e", "LA", ServiceCategory::Roads, 1_000),
                line("f", "LA", ServiceCategory::SocialCare, 7),
            ],
            decisions: vec![
                decide("a", true),
                decide("b", true),
                decide("c", true),
                decide("d", true),
                decide("e", true),
            ],
        })
        .unwrap();
        assert_eq!(
            scope.total(ScopeFilter::In).unwrap(),
            Money::from_pounds(57_429_020)
        );
        assert_eq!(
            scope.total(ScopeFilter::Undecided).unwrap(),
            Money::from_pounds(7)
        );
        assert_eq!(scope.total(ScopeFilter::Out).unwrap(), Money::ZERO);
        let by_holder = scope.totals_by_holder(ScopeFilter::In).unwrap();
        assert_eq!(by_holder["05A"], Money::from_pounds(27_014_100));
        let by_cat = scope.totals_by_category(ScopeFilter::All).unwrap();
        assert_eq!(
            by_cat[&ServiceCategory::Community],
            Money::from_pounds(52_114_399)
        );
        let by_heading = scope.totals_by_heading(ScopeFilter::In).unwrap();
        assert_eq!(
            by_heading[&BudgetHeading::CcgAllocation],
            Money::from_pounds(57_428_020)
        );
        let departures = scope.departures_from_usual().unwrap();
        assert_eq!(departures.len(), 1);
        assert_eq!(departures[0].id, "e");
        assert_eq!(scope.decision("a").unwrap().reason, "because");
        assert!(scope.decision("f").is_none());
    }

    #[test]
    fn bad_scopes_are_typed_errors() {
        let base = RawBudgetScope {
            year: fy(),
            lines: vec![line("a", "05A", ServiceCategory::Acute, 1)],
            decisions: vec![],
        };
        let mut dup = base.clone();
        dup.lines.push(line("a", "05A", ServiceCategory::Acute, 1));
        assert!(matches!(
            BudgetScope::new(dup),
            Err(Error::Duplicate { .. })
        ));
        let mut unknown = base.clone();
        unknown.decisions.push(decide("zz", true));
        assert!(matches!(
            BudgetScope::new(unknown),
            Err(Error::Unknown { .. })
        ));
        let mut twice = base.clone();
        twice.decisions = vec![decide("a", true), decide("a", false)];
        assert!(matches!(
            BudgetScope::new(twice),
            Err(Error::Duplicate { .. })
        ));
        let mut no_reason = base.clone();
        no_reason.decisions = vec![ScopeDecision {
            line: "a".into(),
            in_scope: true,
            reason: " ".into(),
        }];
        assert!(matches!(
            BudgetScope::new(no_reason),
            Err(Error::Invalid { .. })
        ));
        let mut negative = base.clone();
        negative.lines[0].amount = Money::from_pence(-1);
        assert!(matches!(
            BudgetScope::new(negative),
            Err(Error::Invalid { .. })
        ));
        let mut other_year = base.clone();
        other_year.lines[0].year = "2018/19".parse().unwrap();
        let err = BudgetScope::new(other_year).unwrap_err();
        assert!(err.to_string().contains("2018/19"), "{err}");
        let mut no_holder = base;
        no_holder.lines[0].holder = String::new();
        assert!(BudgetScope::new(no_holder).is_err());
    }

    #[test]
    fn holders_are_checked_against_the_registry_by_date() {
        let ccg = Organisation::new(RawOrganisation {
            id: "05A".into(),
            name: "NHS Coventry and Rugby CCG".into(),
            kind: OrganisationKind::Ccg,
            ods: None,
            gss: None,
            operating_from: None,
            operating_until: None,
            successor: None,
        })
        .unwrap();
        let registry = Registry::new(vec![ccg]).unwrap();
        let mk = |year: &str| {
            let mut l = line("a", "05A", ServiceCategory::Community, 1);
            l.year = year.parse().unwrap();
            BudgetScope::new(RawBudgetScope {
                year: l.year,
                lines: vec![l],
                decisions: vec![],
            })
            .unwrap()
        };
        assert!(mk("2017/18").check_holders(&registry).is_ok());
        assert!(matches!(
            mk("2023/24").check_holders(&registry),
            Err(Error::NotValidOnDate { .. })
        ));
        let mut unknown = mk("2017/18").raw;
        unknown.lines[0].holder = "X".into();
        assert!(matches!(
            BudgetScope::new(unknown).unwrap().check_holders(&registry),
            Err(Error::Unknown { .. })
        ));
    }

    proptest::proptest! {
        #[test]
        fn prop_totals_by_holder_category_and_heading_each_sum_to_the_total(
            lines in proptest::collection::vec((0usize..5, 0usize..20, 0i64..1_000_000_000_000, proptest::option::of(proptest::bool::ANY)), 0..40),
        ) {
            let mut raw = RawBudgetScope { year: fy(), lines: vec![], decisions: vec![] };
            for (i, (holder, cat, pence, decision)) in lines.into_iter().enumerate() {
                let id = format!("l{i}");
                raw.lines.push(BudgetLine {
                    id: id.clone(),
                    holder: format!("h{holder}"),
                    category: ServiceCategory::ALL[cat],
                    year: fy(),
                    amount: Money::from_pence(pence),
                    description: None,
                });
                if let Some(in_scope) = decision {
                    raw.decisions.push(ScopeDecision { line: id, in_scope, reason: "r".into() });
                }
            }
            let scope = BudgetScope::new(raw).unwrap();
            let all = scope.total(ScopeFilter::All).unwrap();
            let parts = [ScopeFilter::In, ScopeFilter::Out, ScopeFilter::Undecided]
                .map(|f| scope.total(f).unwrap());
            proptest::prop_assert_eq!(Money::sum(parts).unwrap(), all);
            for filter in [ScopeFilter::In, ScopeFilter::All] {
                let total = scope.total(filter).unwrap();
                proptest::prop_assert_eq!(Money::sum(scope.totals_by_holder(filter).unwrap().into_values()).unwrap(), total);
                proptest::prop_assert_eq!(Money::sum(scope.totals_by_category(filter).unwrap().into_values()).unwrap(), total);
                proptest::prop_assert_eq!(Money::sum(scope.totals_by_heading(filter).unwrap().into_values()).unwrap(), total);
            }
        }
    }

    #[test]
    fn serde_round_trip_validates() {
        let json = r#"{"year":"2017/18","lines":[{"id":"a","holder":"05A","category":"community","year":"2017/18","amount":"£21,700,479"}],"decisions":[{"line":"a","in_scope":true,"reason":"OoH"}]}"#;
        let scope: BudgetScope = serde_json::from_str(json).unwrap();
        let back: BudgetScope =
            serde_json::from_str(&serde_json::to_string(&scope).unwrap()).unwrap();
        assert_eq!(back, scope);
        let bad = json.replace(r#""line":"a""#, r#""line":"b""#);
        assert!(serde_json::from_str::<BudgetScope>(&bad).is_err());
    }
}
