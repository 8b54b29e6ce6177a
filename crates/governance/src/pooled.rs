//! Section 75 pooled funds with an aligned fund beside them, and the sharing of over- and
//! underspends between partners, to the penny.
//!
//! A [`PooledBudget`] names its host partner, its partners, its service lines and two funds:
//! the **pooled** fund (a section 75 pooled fund; partners share its risk under a
//! [`RiskShare`]) and an optional **aligned** fund (budgets planned together but not pooled:
//! each partner keeps the risk of its own contribution). [`share_risk`] takes a year's
//! [`Outturn`] and returns a [`RiskShareStatement`] whose allocations sum exactly to the
//! variance.
//!
//! # Legal basis
//!
//! NHS Act 2006 s.75 and the NHS Bodies and Local Authorities Partnership Arrangements
//! Regulations 2000 (SI 2000/617): an NHS body and a local authority may pool funds; a host
//! partner (reg. 7(4)–(5)) appoints a pooled fund manager; each body keeps its statutory
//! liability. The risk-share patterns are those seen in real agreements (own risk; pro rata
//! with caps at each partner's maximum contribution, as Rotherham's Better Care Fund; fixed
//! versus variable shares by spend line, as Luton; a ring-fenced risk pool; an overspend
//! waterfall; underspends retained or returned pro rata).
//!
//! # Rounding policy
//!
//! Every split uses [`Money::allocate`] (largest remainder; ties to the larger weight, then
//! the earlier partner in the budget's partner order), so parts always sum to the whole.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use route_map_core::{FinancialYear, Money, SourceRef};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::body::{self, Body};
use crate::error::{Error, Result};
use crate::law::{Law, Section75Side};

/// Which fund a service line's money sits in.
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
pub enum FundKind {
    /// The section 75 pooled fund.
    Pooled,
    /// The aligned fund beside it (not pooled; each partner keeps its own risk).
    Aligned,
}

impl fmt::Display for FundKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FundKind::Pooled => "pooled",
            FundKind::Aligned => "aligned",
        })
    }
}

/// Whether partners' contributions to a service line are fixed or vary with spend.
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
pub enum ShareKind {
    /// Contributions are fixed: the host's over- or underspend does not change the other
    /// partners' contributions.
    Fixed,
    /// Contributions vary: each contributor bears its share of the line's variance.
    Variable,
}

/// A service line of the budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ServiceLine {
    /// Identifier, e.g. `community-care`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Fixed or variable contributions (used by [`OverspendRule::FixedVariable`]).
    pub share_kind: ShareKind,
}

/// One partner's contribution to one service line of a fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Contribution {
    /// The partner's body id.
    pub partner: String,
    /// The service line id.
    pub service_line: String,
    /// The amount for the year.
    pub amount: Money,
}

/// A fund: its stated total and the contributions that make it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Fund {
    /// The total as stated in the agreement.
    pub total: Money,
    /// The contributions, which must sum to `total`.
    pub contributions: Vec<Contribution>,
}

/// An amount attributed to a partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PartnerAmount {
    /// The partner's body id.
    pub partner: String,
    /// The amount.
    pub amount: Money,
}

/// A section 75 pooled budget with an optional aligned fund, validated.
///
/// # Examples
///
/// ```
/// use governance::pooled::{PooledBudget, RawPooledBudget, Fund, Contribution, ServiceLine, ShareKind};
/// use governance::{Body, BodyKind};
/// use route_map_core::Money;
/// let raw = RawPooledBudget {
///     name: "Integrated fund".into(),
///     year: "2017/18".parse()?,
///     host: "LA".into(),
///     partners: vec![
///         Body::new("LA", "City Council", BodyKind::LocalAuthority)?,
///         Body::new("CCG", "City CCG", BodyKind::Ccg)?,
///     ],
///     service_lines: vec![ServiceLine { id: "care".into(), name: "Care".into(), share_kind: ShareKind::Variable }],
///     pooled: Fund { total: Money::from_pounds(300), contributions: vec![
///         Contribution { partner: "LA".into(), service_line: "care".into(), amount: Money::from_pounds(100) },
///         Contribution { partner: "CCG".into(), service_line: "care".into(), amount: Money::from_pounds(200) },
///     ]},
///     aligned: None,
///     risk_pool: vec![],
/// };
/// let budget = PooledBudget::new(raw)?;
/// assert_eq!(budget.partner_contribution(governance::pooled::FundKind::Pooled, "CCG")?, Money::from_pounds(200));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawPooledBudget")]
pub struct PooledBudget {
    name: String,
    year: FinancialYear,
    host: String,
    partners: Vec<Body>,
    service_lines: Vec<ServiceLine>,
    pooled: Fund,
    aligned: Option<Fund>,
    risk_pool: Vec<PartnerAmount>,
    legal_basis: Vec<SourceRef>,
}

/// The unvalidated form of a [`PooledBudget`], as written in an agreement's schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RawPooledBudget {
    /// Name of the budget.
    pub name: String,
    /// The financial year.
    pub year: FinancialYear,
    /// Body id of the host partner, which appoints the pooled fund manager.
    pub host: String,
    /// The partners.
    pub partners: Vec<Body>,
    /// Service lines.
    pub service_lines: Vec<ServiceLine>,
    /// The section 75 pooled fund.
    pub pooled: Fund,
    /// The aligned fund, if any.
    #[serde(default)]
    pub aligned: Option<Fund>,
    /// Contributions to a ring-fenced risk pool (reserve), if any.
    #[serde(default)]
    pub risk_pool: Vec<PartnerAmount>,
}

impl TryFrom<RawPooledBudget> for PooledBudget {
    type Error = Error;
    fn try_from(raw: RawPooledBudget) -> Result<PooledBudget> {
        PooledBudget::new(raw)
    }
}

fn check_fund(fund: &Fund, label: &str, partners: &[Body], lines: &[ServiceLine]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for c in &fund.contributions {
        body::find(partners, &c.partner, label)?;
        if !lines.iter().any(|l| l.id == c.service_line) {
            return Err(Error::Unknown {
                kind: "service line",
                id: c.service_line.clone(),
            });
        }
        if c.amount.is_negative() {
            return Err(Error::invalid(
                format!(
                    "contribution of {} to {} in {label}",
                    c.partner, c.service_line
                ),
                "is negative",
            ));
        }
        if !seen.insert((c.partner.as_str(), c.service_line.as_str())) {
            return Err(Error::Duplicate {
                kind: "contribution",
                id: format!("{} / {}", c.partner, c.service_line),
                context: label.to_owned(),
            });
        }
    }
    let sum = Money::sum(fund.contributions.iter().map(|c| c.amount))?;
    if sum != fund.total {
        return Err(Error::ContributionsDoNotMatch {
            fund: label.to_owned(),
            declared: fund.total,
            sum,
        });
    }
    Ok(())
}

impl PooledBudget {
    /// Validate a budget.
    ///
    /// # Errors
    ///
    /// - [`Error::ContributionsDoNotMatch`] when a fund's contributions do not sum to its total;
    /// - [`Error::UnknownBody`] for a host or contributor that is not a partner;
    /// - [`Error::Unknown`] for an unknown service line; [`Error::Duplicate`] for repeated
    ///   partners, lines or contributions;
    /// - [`Error::WrongKind`] for a partner that cannot be a section 75 partner at the start of
    ///   the year, or when there is not at least one NHS body and one local authority;
    /// - [`Error::Invalid`] for fewer than two partners or negative amounts.
    pub fn new(raw: RawPooledBudget) -> Result<PooledBudget> {
        let context = format!("pooled budget {:?}", raw.name);
        if raw.partners.len() < 2 {
            return Err(Error::invalid(&context, "needs at least two partners"));
        }
        body::check_unique(&raw.partners, &context)?;
        body::find(&raw.partners, &raw.host, &format!("host of {context}"))?;
        let mut line_ids = BTreeSet::new();
        for l in &raw.service_lines {
            if !line_ids.insert(l.id.as_str()) {
                return Err(Error::Duplicate {
                    kind: "service line",
                    id: l.id.clone(),
                    context: context.clone(),
                });
            }
        }
        let law = Law::get()?;
        let date = raw.year.start();
        let mut sides = BTreeSet::new();
        let mut legal_basis = Vec::new();
        for p in &raw.partners {
            law.check_exists(p, date)?;
            match law.section75_side(p.kind(), date) {
                Some((side, source)) => {
                    sides.insert(side);
                    if !legal_basis.contains(source) {
                        legal_basis.push(source.clone());
                    }
                }
                None => {
                    return Err(Error::WrongKind {
                        body: p.name().to_owned(),
                        kind: p.kind().label().to_owned(),
                        role: format!("a section 75 partner on {date}"),
                    });
                }
            }
        }
        if !(sides.contains(&Section75Side::Nhs) && sides.contains(&Section75Side::LocalAuthority))
        {
            return Err(Error::WrongKind {
                body: context.clone(),
                kind: "partnership".into(),
                role: "a section 75 arrangement without both an NHS body and a local authority"
                    .into(),
            });
        }
        check_fund(
            &raw.pooled,
            "pooled fund",
            &raw.partners,
            &raw.service_lines,
        )?;
        if let Some(aligned) = &raw.aligned {
            check_fund(aligned, "aligned fund", &raw.partners, &raw.service_lines)?;
        }
        let mut rp = BTreeSet::new();
        for r in &raw.risk_pool {
            body::find(&raw.partners, &r.partner, "risk pool")?;
            if r.amount.is_negative() {
                return Err(Error::invalid(
                    format!("risk pool contribution of {}", r.partner),
                    "is negative",
                ));
            }
            if !rp.insert(r.partner.as_str()) {
                return Err(Error::Duplicate {
                    kind: "risk pool contribution",
                    id: r.partner.clone(),
                    context: context.clone(),
                });
            }
        }
        Ok(PooledBudget {
            name: raw.name,
            year: raw.year,
            host: raw.host,
            partners: raw.partners,
            service_lines: raw.service_lines,
            pooled: raw.pooled,
            aligned: raw.aligned,
            risk_pool: raw.risk_pool,
            legal_basis,
        })
    }

    /// The name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The financial year.
    #[must_use]
    pub fn year(&self) -> FinancialYear {
        self.year
    }

    /// The host partner.
    #[must_use]
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The partners, in the order given (the tie-break order of every split).
    #[must_use]
    pub fn partners(&self) -> &[Body] {
        &self.partners
    }

    /// The service lines.
    #[must_use]
    pub fn service_lines(&self) -> &[ServiceLine] {
        &self.service_lines
    }

    /// A fund, if present.
    #[must_use]
    pub fn fund(&self, kind: FundKind) -> Option<&Fund> {
        match kind {
            FundKind::Pooled => Some(&self.pooled),
            FundKind::Aligned => self.aligned.as_ref(),
        }
    }

    /// The risk pool contributions.
    #[must_use]
    pub fn risk_pool(&self) -> &[PartnerAmount] {
        &self.risk_pool
    }

    /// The sources for the partners' eligibility under section 75 at the start of the year.
    #[must_use]
    pub fn legal_basis(&self) -> &[SourceRef] {
        &self.legal_basis
    }

    /// A partner's total contribution to a fund (zero if none).
    ///
    /// # Errors
    ///
    /// [`Error::Core`] on overflow.
    pub fn partner_contribution(&self, fund: FundKind, partner: &str) -> Result<Money> {
        match self.fund(fund) {
            None => Ok(Money::ZERO),
            Some(f) => Ok(Money::sum(
                f.contributions
                    .iter()
                    .filter(|c| c.partner == partner)
                    .map(|c| c.amount),
            )?),
        }
    }

    /// The budget of one line in one fund (sum of contributions).
    fn line_budget(&self, fund: FundKind, line: &str) -> Result<Money> {
        match self.fund(fund) {
            None => Ok(Money::ZERO),
            Some(f) => Ok(Money::sum(
                f.contributions
                    .iter()
                    .filter(|c| c.service_line == line)
                    .map(|c| c.amount),
            )?),
        }
    }

    /// Each partner's contribution to a line in a fund, in partner order.
    fn line_weights(&self, fund: FundKind, line: &str) -> Vec<Decimal> {
        self.partners
            .iter()
            .map(|p| {
                self.fund(fund)
                    .and_then(|f| {
                        f.contributions
                            .iter()
                            .find(|c| c.partner == p.id() && c.service_line == line)
                    })
                    .map_or(Decimal::ZERO, |c| c.amount.as_decimal())
            })
            .collect()
    }

    fn lines_in(&self, fund: FundKind) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        if let Some(f) = self.fund(fund) {
            for c in &f.contributions {
                if !out.contains(&c.service_line.as_str()) {
                    out.push(c.service_line.as_str());
                }
            }
        }
        out
    }
}

/// Actual spend for the year, by fund and service line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Outturn {
    /// Spend per line; every line with a budget in a fund must appear once for that fund.
    pub spend: Vec<LineSpend>,
}

/// Spend on one line of one fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LineSpend {
    /// The fund.
    pub fund: FundKind,
    /// The service line id.
    pub service_line: String,
    /// Actual spend.
    pub amount: Money,
}

/// How shares of the pool are set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ShareBasis {
    /// Pro rata to each partner's total contribution to the pooled fund.
    Contributions,
    /// Agreed shares, which must sum to exactly one.
    Agreed(Vec<PartnerShare>),
}

/// An agreed share of one partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PartnerShare {
    /// The partner's body id.
    pub partner: String,
    /// Its share (0 to 1).
    pub share: route_map_core::Share,
}

/// A limit on what each partner pays towards an overspend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CapRule {
    /// No cap.
    None,
    /// Each partner pays at most its own contribution to the pooled fund (its "maximum
    /// contribution"); what is left is for the partners' finance directors to agree.
    MaxContribution,
    /// Stated caps per partner; partners not named are uncapped.
    Amounts(Vec<PartnerAmount>),
}

/// One step of an overspend waterfall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WaterfallStep {
    /// Offset overspends against underspends on other lines of the pool first.
    OffsetUnderspends,
    /// Draw on the ring-fenced risk pool, each partner's reserve pro rata to what it put in.
    RiskPool,
    /// Cut uncommitted schemes, up to the amounts each partner has uncommitted.
    UncommittedSchemes(Vec<PartnerAmount>),
}

/// How a pooled fund's overspend is shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "pattern")]
#[non_exhaustive]
pub enum OverspendRule {
    /// Each partner manages its own risks: a line's variance falls on that line's contributors
    /// pro rata to their contributions to it.
    OwnRisk,
    /// The net variance of the pool is shared on a basis, with caps.
    ProRata {
        /// How shares are set.
        basis: ShareBasis,
        /// Caps on each partner's payment towards an overspend.
        cap: CapRule,
    },
    /// Fixed lines: the host bears the whole variance; variable lines: the contributors bear it
    /// pro rata to their contributions to the line.
    FixedVariable,
    /// An overspend waterfall: the steps in order, then resources outside the pool shared on a
    /// basis with caps.
    Waterfall {
        /// The steps before going outside the pool.
        steps: Vec<WaterfallStep>,
        /// How what is left is shared from resources outside the pool.
        basis: ShareBasis,
        /// Caps on that last step.
        cap: CapRule,
    },
}

/// What happens to an underspend of the pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnderspendRule {
    /// Retained in the pool (carried forward).
    RetainInPool,
    /// Returned to partners on a basis.
    Return(ShareBasis),
}

/// The risk-share agreement of a pooled budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RiskShare {
    /// Overspends.
    pub overspend: OverspendRule,
    /// Underspends (used by [`OverspendRule::ProRata`] and [`OverspendRule::Waterfall`]; the
    /// line-by-line patterns settle underspends the same way as overspends).
    pub underspend: UnderspendRule,
}

/// Who bears (positive) or receives (negative) part of a variance.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case", tag = "bearer", content = "partner")]
#[non_exhaustive]
pub enum Bearer {
    /// A partner, from its own resources outside the pool.
    Partner(String),
    /// A partner's money already set aside in the risk pool.
    RiskPool(String),
    /// A partner's uncommitted schemes, cut.
    UncommittedSchemes(String),
    /// Retained in the pool.
    RetainedInPool,
    /// Left for the partners' finance directors to agree (beyond every cap).
    ToBeAgreed,
}

impl fmt::Display for Bearer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bearer::Partner(p) => write!(f, "{p}"),
            Bearer::RiskPool(p) => write!(f, "{p} (risk pool)"),
            Bearer::UncommittedSchemes(p) => write!(f, "{p} (uncommitted schemes cut)"),
            Bearer::RetainedInPool => f.write_str("retained in the pool"),
            Bearer::ToBeAgreed => f.write_str("for finance directors to agree"),
        }
    }
}

/// One line of the statement: who bears what, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Allocation {
    /// The fund whose variance this is.
    pub fund: FundKind,
    /// Who bears it.
    pub bearer: Bearer,
    /// Positive: pays towards an overspend; negative: receives or keeps an underspend.
    pub amount: Money,
    /// The rule that put it there.
    pub basis: String,
}

/// Budget, spend and variance of one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LineVariance {
    /// The fund.
    pub fund: FundKind,
    /// The service line.
    pub service_line: String,
    /// Budget (sum of contributions).
    pub budget: Money,
    /// Actual spend.
    pub spend: Money,
    /// Spend minus budget (positive is an overspend).
    pub variance: Money,
}

/// The result of sharing a year's variance: line variances, the steps taken and each
/// allocation with its basis. Allocations of each fund sum exactly to its variance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RiskShareStatement {
    /// The budget's name.
    pub budget: String,
    /// The year.
    pub year: FinancialYear,
    /// The pattern applied, in words.
    pub pattern: String,
    /// Line variances.
    pub lines: Vec<LineVariance>,
    /// Net variance of the pooled fund.
    pub pooled_variance: Money,
    /// Net variance of the aligned fund.
    pub aligned_variance: Money,
    /// The steps taken, in order, in words.
    pub steps: Vec<String>,
    /// Allocations.
    pub allocations: Vec<Allocation>,
}

impl RiskShareStatement {
    /// Sum of allocations for a fund.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] on overflow.
    pub fn allocated(&self, fund: FundKind) -> Result<Money> {
        Ok(Money::sum(
            self.allocations
                .iter()
                .filter(|a| a.fund == fund)
                .map(|a| a.amount),
        )?)
    }

    /// Net amount per bearer across both funds, ordered by bearer.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] on overflow.
    pub fn by_bearer(&self) -> Result<BTreeMap<Bearer, Money>> {
        let mut out: BTreeMap<Bearer, Money> = BTreeMap::new();
        for a in &self.allocations {
            let e = out.entry(a.bearer.clone()).or_insert(Money::ZERO);
            *e = e.checked_add(a.amount)?;
        }
        Ok(out)
    }

    /// What a partner pays from its own resources outside the pool (Bearer::Partner) in a fund.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] on overflow.
    pub fn partner_pays(&self, fund: FundKind, partner: &str) -> Result<Money> {
        Ok(Money::sum(
            self.allocations
                .iter()
                .filter(|a| a.fund == fund && a.bearer == Bearer::Partner(partner.to_owned()))
                .map(|a| a.amount),
        )?)
    }
}

impl fmt::Display for RiskShareStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}: {}", self.budget, self.year, self.pattern)?;
        writeln!(
            f,
            "  {:<8} {:<28} {:>16} {:>16} {:>14}",
            "fund", "service line", "budget", "spend", "variance"
        )?;
        for l in &self.lines {
            writeln!(
                f,
                "  {:<8} {:<28} {:>16} {:>16} {:>14}",
                l.fund.to_string(),
                l.service_line,
                l.budget.to_string(),
                l.spend.to_string(),
                l.variance.to_string()
            )?;
        }
        writeln!(
            f,
            "  net variance: pooled {}, aligned {}",
            self.pooled_variance, self.aligned_variance
        )?;
        for s in &self.steps {
            writeln!(f, "  - {s}")?;
        }
        for a in &self.allocations {
            writeln!(
                f,
                "  {:<8} {:<44} {:>14}  {}",
                a.fund.to_string(),
                a.bearer.to_string(),
                a.amount.to_string(),
                a.basis
            )?;
        }
        Ok(())
    }
}

struct Ctx<'a> {
    budget: &'a PooledBudget,
    allocations: Vec<Allocation>,
    steps: Vec<String>,
}

impl Ctx<'_> {
    fn push(&mut self, fund: FundKind, bearer: Bearer, amount: Money, basis: &str) {
        if !amount.is_zero() {
            self.allocations.push(Allocation {
                fund,
                bearer,
                amount,
                basis: basis.to_owned(),
            });
        }
    }

    /// Split `amount` of a line's variance among the line's contributors.
    fn split_line(&mut self, fund: FundKind, line: &str, amount: Money, basis: &str) -> Result<()> {
        if amount.is_zero() {
            return Ok(());
        }
        let weights = self.budget.line_weights(fund, line);
        let parts = if weights.iter().all(|w| w.is_zero()) {
            // A line with no budget: the host bears it.
            self.budget
                .partners
                .iter()
                .map(|p| {
                    if p.id() == self.budget.host {
                        amount
                    } else {
                        Money::ZERO
                    }
                })
                .collect()
        } else {
            amount.allocate(&weights)?
        };
        let ids: Vec<String> = self
            .budget
            .partners
            .iter()
            .map(|p| p.id().to_owned())
            .collect();
        for (id, part) in ids.into_iter().zip(parts) {
            self.push(fund, Bearer::Partner(id), part, basis);
        }
        Ok(())
    }

    fn weights(&self, basis: &ShareBasis) -> Result<Vec<Decimal>> {
        match basis {
            ShareBasis::Contributions => self
                .budget
                .partners
                .iter()
                .map(|p| {
                    self.budget
                        .partner_contribution(FundKind::Pooled, p.id())
                        .map(Money::as_decimal)
                })
                .collect(),
            ShareBasis::Agreed(shares) => {
                validate_shares(shares, &self.budget.partners)?;
                Ok(self
                    .budget
                    .partners
                    .iter()
                    .map(|p| {
                        shares
                            .iter()
                            .find(|s| s.partner == p.id())
                            .map_or(Decimal::ZERO, |s| s.share.as_decimal())
                    })
                    .collect())
            }
        }
    }

    fn caps(&self, cap: &CapRule) -> Result<Vec<Option<Money>>> {
        match cap {
            CapRule::None => Ok(vec![None; self.budget.partners.len()]),
            CapRule::MaxContribution => self
                .budget
                .partners
                .iter()
                .map(|p| {
                    self.budget
                        .partner_contribution(FundKind::Pooled, p.id())
                        .map(Some)
                })
                .collect(),
            CapRule::Amounts(caps) => {
                for c in caps {
                    body::find(&self.budget.partners, &c.partner, "caps")?;
                    if c.amount.is_negative() {
                        return Err(Error::invalid(
                            format!("cap of {}", c.partner),
                            "is negative",
                        ));
                    }
                }
                Ok(self
                    .budget
                    .partners
                    .iter()
                    .map(|p| caps.iter().find(|c| c.partner == p.id()).map(|c| c.amount))
                    .collect())
            }
        }
    }

    /// Share a positive `amount` on `basis` with caps; what no one can take goes to
    /// [`Bearer::ToBeAgreed`].
    fn share_capped(
        &mut self,
        amount: Money,
        basis: &ShareBasis,
        cap: &CapRule,
        label: &str,
    ) -> Result<()> {
        let weights = self.weights(basis)?;
        let caps = self.caps(cap)?;
        let n = self.budget.partners.len();
        let mut assigned = vec![Money::ZERO; n];
        let mut active: Vec<bool> = weights.iter().map(|w| !w.is_zero()).collect();
        let mut remaining = amount;
        while !remaining.is_zero() && active.iter().any(|a| *a) {
            let w: Vec<Decimal> = weights
                .iter()
                .zip(&active)
                .map(|(w, a)| if *a { *w } else { Decimal::ZERO })
                .collect();
            let parts = remaining.allocate(&w)?;
            let mut capped_any = false;
            for i in 0..n {
                let (Some(part), Some(cap), Some(done)) =
                    (parts.get(i), caps.get(i), assigned.get(i).copied())
                else {
                    continue;
                };
                if let Some(cap) = cap
                    && done.checked_add(*part)? > *cap
                {
                    remaining = remaining.checked_sub(cap.checked_sub(done)?)?;
                    if let Some(slot) = assigned.get_mut(i) {
                        *slot = *cap;
                    }
                    if let Some(a) = active.get_mut(i) {
                        *a = false;
                    }
                    capped_any = true;
                }
            }
            if !capped_any {
                for (slot, part) in assigned.iter_mut().zip(parts) {
                    *slot = slot.checked_add(part)?;
                }
                remaining = Money::ZERO;
            }
        }
        let ids: Vec<(String, bool)> = self
            .budget
            .partners
            .iter()
            .zip(&caps)
            .map(|(p, c)| (p.id().to_owned(), c.is_some()))
            .collect();
        for ((id, capped), a) in ids.into_iter().zip(&assigned) {
            let basis_text = if capped {
                format!("{label}, capped")
            } else {
                label.to_owned()
            };
            self.push(FundKind::Pooled, Bearer::Partner(id), *a, &basis_text);
        }
        if !remaining.is_zero() {
            self.steps.push(format!(
                "{remaining} exceeds every partner's cap and is left for the finance directors to agree"
            ));
            self.push(
                FundKind::Pooled,
                Bearer::ToBeAgreed,
                remaining,
                "beyond caps: finance directors to agree",
            );
        }
        Ok(())
    }

    /// Draw up to `amount` from `sources` (partner, available), pro rata to what is available.
    fn draw(
        &mut self,
        amount: Money,
        sources: &[PartnerAmount],
        bearer: fn(String) -> Bearer,
        label: &str,
    ) -> Result<Money> {
        let available = Money::sum(sources.iter().map(|s| s.amount))?;
        let drawn = amount.min(available);
        if drawn.is_zero() {
            return Ok(Money::ZERO);
        }
        let weights: Vec<Decimal> = sources.iter().map(|s| s.amount.as_decimal()).collect();
        let parts = drawn.allocate(&weights)?;
        for (s, part) in sources.iter().zip(parts) {
            self.push(FundKind::Pooled, bearer(s.partner.clone()), part, label);
        }
        Ok(drawn)
    }

    fn underspend(&mut self, amount: Money, rule: &UnderspendRule) -> Result<()> {
        if amount.is_zero() {
            return Ok(());
        }
        match rule {
            UnderspendRule::RetainInPool => {
                self.steps
                    .push(format!("underspend of {} retained in the pool", -amount));
                self.push(
                    FundKind::Pooled,
                    Bearer::RetainedInPool,
                    amount,
                    "underspend retained in the pool",
                );
            }
            UnderspendRule::Return(basis) => {
                self.steps.push(format!(
                    "underspend of {} returned to partners pro rata",
                    -amount
                ));
                let weights = self.weights(basis)?;
                let parts = amount.allocate(&weights)?;
                let ids: Vec<String> = self
                    .budget
                    .partners
                    .iter()
                    .map(|p| p.id().to_owned())
                    .collect();
                for (id, part) in ids.into_iter().zip(parts) {
                    self.push(
                        FundKind::Pooled,
                        Bearer::Partner(id),
                        part,
                        "underspend returned pro rata",
                    );
                }
            }
        }
        Ok(())
    }
}

/// Check agreed shares: known partners, no repeats, sum exactly one.
///
/// # Errors
///
/// [`Error::SharesExceedWhole`], [`Error::SharesBelowWhole`], [`Error::UnknownBody`],
/// [`Error::Duplicate`].
pub fn validate_shares(shares: &[PartnerShare], partners: &[Body]) -> Result<()> {
    let mut seen = BTreeSet::new();
    let mut total = Decimal::ZERO;
    for s in shares {
        body::find(partners, &s.partner, "agreed shares")?;
        if !seen.insert(s.partner.as_str()) {
            return Err(Error::Duplicate {
                kind: "share",
                id: s.partner.clone(),
                context: "agreed shares".into(),
            });
        }
        total = total
            .checked_add(s.share.as_decimal())
            .ok_or(route_map_core::Error::Overflow {
                operation: "share sum",
            })?;
    }
    if total > Decimal::ONE {
        return Err(Error::SharesExceedWhole {
            context: "agreed shares".into(),
            total,
        });
    }
    if total < Decimal::ONE {
        return Err(Error::SharesBelowWhole {
            context: "agreed shares".into(),
            total,
        });
    }
    Ok(())
}

fn step_name(step: &WaterfallStep) -> &'static str {
    match step {
        WaterfallStep::OffsetUnderspends => "offset underspends",
        WaterfallStep::RiskPool => "risk pool",
        WaterfallStep::UncommittedSchemes(_) => "uncommitted schemes",
    }
}

/// Each step at most once, and offsetting (which nets the pool's lines before anything is
/// drawn) only first.
fn check_waterfall(steps: &[WaterfallStep]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for (i, step) in steps.iter().enumerate() {
        let name = step_name(step);
        if !seen.insert(name) {
            return Err(Error::Duplicate {
                kind: "waterfall step",
                id: name.to_owned(),
                context: "overspend waterfall".into(),
            });
        }
        if i > 0 && *step == WaterfallStep::OffsetUnderspends {
            return Err(Error::invalid(
                "overspend waterfall",
                "offsetting underspends in the pool must be the first step",
            ));
        }
    }
    Ok(())
}

fn describe(rule: &RiskShare) -> String {
    let over = match &rule.overspend {
        OverspendRule::OwnRisk => "each partner manages its own risks".to_owned(),
        OverspendRule::ProRata { basis, cap } => {
            format!("net variance shared {}{}", basis_text(basis), cap_text(cap))
        }
        OverspendRule::FixedVariable => {
            "fixed lines borne by the host; variable lines shared by their contributors".to_owned()
        }
        OverspendRule::Waterfall { steps, basis, cap } => {
            let mut parts: Vec<String> = steps
                .iter()
                .map(|s| match s {
                    WaterfallStep::OffsetUnderspends => "offset underspends in the pool".to_owned(),
                    WaterfallStep::RiskPool => "risk pool".to_owned(),
                    WaterfallStep::UncommittedSchemes(_) => "cut uncommitted schemes".to_owned(),
                })
                .collect();
            parts.push(format!(
                "resources outside the pool {}{}",
                basis_text(basis),
                cap_text(cap)
            ));
            format!("overspend waterfall: {}", parts.join(" -> "))
        }
    };
    let under = match &rule.underspend {
        UnderspendRule::RetainInPool => "underspends retained in the pool",
        UnderspendRule::Return(_) => "underspends returned pro rata",
    };
    format!("{over}; {under}")
}

fn basis_text(b: &ShareBasis) -> &'static str {
    match b {
        ShareBasis::Contributions => "pro rata to contributions",
        ShareBasis::Agreed(_) => "in agreed shares",
    }
}

fn cap_text(c: &CapRule) -> &'static str {
    match c {
        CapRule::None => "",
        CapRule::MaxContribution => ", capped at each partner's contribution",
        CapRule::Amounts(_) => ", capped at agreed amounts",
    }
}

/// Share a year's variance under a risk-share agreement.
///
/// The aligned fund is always own risk: each line's variance falls on that line's
/// contributors pro rata. The pooled fund follows `rule`.
///
/// # Errors
///
/// - [`Error::Invalid`] when a line with a budget has no spend or a spend is negative;
///   [`Error::Unknown`] for spend on an unknown line; [`Error::Duplicate`] for a line given twice;
/// - [`Error::SharesExceedWhole`] / [`Error::SharesBelowWhole`] for agreed shares not summing
///   to one; [`Error::UnknownBody`] for shares, caps or schemes naming a non-partner;
/// - [`Error::Duplicate`] for a waterfall step given twice (a risk pool drawn twice would be
///   spent twice); [`Error::Invalid`] for offsetting underspends after another step;
/// - [`Error::Core`] on arithmetic overflow.
///
/// # Examples
///
/// See the crate-level example.
pub fn share_risk(
    budget: &PooledBudget,
    outturn: &Outturn,
    rule: &RiskShare,
) -> Result<RiskShareStatement> {
    // Spend lookup and validation.
    let mut spend: BTreeMap<(FundKind, &str), Money> = BTreeMap::new();
    for s in &outturn.spend {
        if !budget.service_lines.iter().any(|l| l.id == s.service_line) {
            return Err(Error::Unknown {
                kind: "service line",
                id: s.service_line.clone(),
            });
        }
        if budget.fund(s.fund).is_none() {
            return Err(Error::invalid(
                format!("spend on {}", s.service_line),
                "is given for the aligned fund but the budget has none",
            ));
        }
        if s.amount.is_negative() {
            return Err(Error::invalid(
                format!("spend on {}", s.service_line),
                "is negative",
            ));
        }
        if spend
            .insert((s.fund, s.service_line.as_str()), s.amount)
            .is_some()
        {
            return Err(Error::Duplicate {
                kind: "spend line",
                id: format!("{} / {}", s.fund, s.service_line),
                context: "outturn".into(),
            });
        }
    }
    let mut lines = Vec::new();
    let mut fund_lines: Vec<(FundKind, String)> = Vec::new();
    for fund in [FundKind::Pooled, FundKind::Aligned] {
        let mut ids: Vec<String> = budget
            .lines_in(fund)
            .into_iter()
            .map(str::to_owned)
            .collect();
        for (f, l) in spend.keys() {
            if *f == fund && !ids.iter().any(|i| i == l) {
                ids.push((*l).to_owned());
            }
        }
        for id in ids {
            fund_lines.push((fund, id));
        }
    }
    for (fund, id) in &fund_lines {
        let b = budget.line_budget(*fund, id)?;
        let s = *spend.get(&(*fund, id.as_str())).ok_or_else(|| {
            Error::invalid(
                format!("outturn for {fund} line {id}"),
                "is missing: every budgeted line needs its spend",
            )
        })?;
        lines.push(LineVariance {
            fund: *fund,
            service_line: id.clone(),
            budget: b,
            spend: s,
            variance: s.checked_sub(b)?,
        });
    }
    let pooled_variance = Money::sum(
        lines
            .iter()
            .filter(|l| l.fund == FundKind::Pooled)
            .map(|l| l.variance),
    )?;
    let aligned_variance = Money::sum(
        lines
            .iter()
            .filter(|l| l.fund == FundKind::Aligned)
            .map(|l| l.variance),
    )?;
    let mut ctx = Ctx {
        budget,
        allocations: Vec::new(),
        steps: Vec::new(),
    };
    // Aligned fund: own risk.
    for l in lines.iter().filter(|l| l.fund == FundKind::Aligned) {
        ctx.split_line(
            FundKind::Aligned,
            &l.service_line,
            l.variance,
            "aligned fund: contributor's own risk",
        )?;
    }
    if !aligned_variance.is_zero() {
        ctx.steps.push(format!(
            "aligned fund variance {aligned_variance} stays with each line's contributors (not pooled)"
        ));
    }
    let pooled_lines: Vec<&LineVariance> = lines
        .iter()
        .filter(|l| l.fund == FundKind::Pooled)
        .collect();
    match &rule.overspend {
        OverspendRule::OwnRisk => {
            ctx.steps
                .push("each line's variance falls on its contributors pro rata".into());
            for l in &pooled_lines {
                ctx.split_line(FundKind::Pooled, &l.service_line, l.variance, "own risk")?;
            }
        }
        OverspendRule::FixedVariable => {
            for l in &pooled_lines {
                let kind = budget
                    .service_lines
                    .iter()
                    .find(|s| s.id == l.service_line)
                    .map_or(ShareKind::Variable, |s| s.share_kind);
                match kind {
                    ShareKind::Fixed => {
                        let host = budget.host.clone();
                        ctx.push(
                            FundKind::Pooled,
                            Bearer::Partner(host),
                            l.variance,
                            &format!("fixed share: host bears {}", l.service_line),
                        );
                    }
                    ShareKind::Variable => ctx.split_line(
                        FundKind::Pooled,
                        &l.service_line,
                        l.variance,
                        &format!("variable share of {}", l.service_line),
                    )?,
                }
            }
            ctx.steps.push(
                "fixed-share lines: the host's over- or underspend leaves other contributions unchanged; variable lines shared by contributors"
                    .into(),
            );
        }
        OverspendRule::ProRata { basis, cap } => {
            if pooled_variance.is_negative() {
                ctx.underspend(pooled_variance, &rule.underspend)?;
            } else if !pooled_variance.is_zero() {
                ctx.steps.push(format!(
                    "net overspend {pooled_variance} shared {}{}",
                    basis_text(basis),
                    cap_text(cap)
                ));
                ctx.share_capped(pooled_variance, basis, cap, "overspend pro rata")?;
            }
        }
        OverspendRule::Waterfall { steps, basis, cap } => {
            check_waterfall(steps)?;
            let offset = steps.contains(&WaterfallStep::OffsetUnderspends);
            let gross_over = Money::sum(pooled_lines.iter().map(|l| l.variance.max(Money::ZERO)))?;
            let gross_under = Money::sum(pooled_lines.iter().map(|l| l.variance.min(Money::ZERO)))?;
            let (mut over, under) = if offset {
                (
                    pooled_variance.max(Money::ZERO),
                    pooled_variance.min(Money::ZERO),
                )
            } else {
                (gross_over, gross_under)
            };
            for step in steps {
                match step {
                    WaterfallStep::OffsetUnderspends => ctx.steps.push(format!(
                        "overspends {gross_over} offset by underspends {} in the pool: {} left",
                        -gross_under, over
                    )),
                    WaterfallStep::RiskPool => {
                        let drawn = ctx.draw(
                            over,
                            &budget.risk_pool,
                            Bearer::RiskPool,
                            "drawn from the risk pool",
                        )?;
                        over = over.checked_sub(drawn)?;
                        ctx.steps
                            .push(format!("risk pool: {drawn} drawn, {over} left"));
                    }
                    WaterfallStep::UncommittedSchemes(schemes) => {
                        for s in schemes {
                            body::find(&budget.partners, &s.partner, "uncommitted schemes")?;
                            if s.amount.is_negative() {
                                return Err(Error::invalid(
                                    format!("uncommitted schemes of {}", s.partner),
                                    "is negative",
                                ));
                            }
                        }
                        let drawn = ctx.draw(
                            over,
                            schemes,
                            Bearer::UncommittedSchemes,
                            "uncommitted schemes cut",
                        )?;
                        over = over.checked_sub(drawn)?;
                        ctx.steps
                            .push(format!("uncommitted schemes: {drawn} cut, {over} left"));
                    }
                }
            }
            if !over.is_zero() {
                ctx.steps.push(format!(
                    "resources outside the pool: {over} shared {}{}",
                    basis_text(basis),
                    cap_text(cap)
                ));
                ctx.share_capped(over, basis, cap, "resources outside the pool")?;
            }
            ctx.underspend(under, &rule.underspend)?;
        }
    }
    let statement = RiskShareStatement {
        budget: budget.name.clone(),
        year: budget.year,
        pattern: describe(rule),
        lines,
        pooled_variance,
        aligned_variance,
        steps: ctx.steps,
        allocations: ctx.allocations,
    };
    // Defensive: the invariant the statement promises.
    if statement.allocated(FundKind::Pooled)? != pooled_variance
        || statement.allocated(FundKind::Aligned)? != aligned_variance
    {
        return Err(Error::invalid(
            "risk-share statement",
            "allocations do not sum to the variance",
        ));
    }
    Ok(statement)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BodyKind;
    use proptest::prelude::*;

    fn lines() -> Vec<ServiceLine> {
        vec![
            ServiceLine {
                id: "care".into(),
                name: "Community care".into(),
                share_kind: ShareKind::Variable,
            },
            ServiceLine {
                id: "hosp".into(),
                name: "Hospital".into(),
                share_kind: ShareKind::Fixed,
            },
        ]
    }

    fn c(p: &str, l: &str, pence: i64) -> Contribution {
        Contribution {
            partner: p.into(),
            service_line: l.into(),
            amount: Money::from_pence(pence),
        }
    }

    fn raw(la: [i64; 2], ccg: [i64; 2]) -> RawPooledBudget {
        let total = la[0] + la[1] + ccg[0] + ccg[1];
        RawPooledBudget {
            name: "Test fund".into(),
            year: "2017/18".parse().unwrap(),
            host: "LA".into(),
            partners: vec![
                Body::new("LA", "Council", BodyKind::LocalAuthority).unwrap(),
                Body::new("CCG", "CCG", BodyKind::Ccg).unwrap(),
            ],
            service_lines: lines(),
            pooled: Fund {
                total: Money::from_pence(total),
                contributions: vec![
                    c("LA", "care", la[0]),
                    c("LA", "hosp", la[1]),
                    c("CCG", "care", ccg[0]),
                    c("CCG", "hosp", ccg[1]),
                ],
            },
            aligned: Some(Fund {
                total: Money::from_pence(1000),
                contributions: vec![c("CCG", "hosp", 1000)],
            }),
            risk_pool: vec![
                PartnerAmount {
                    partner: "LA".into(),
                    amount: Money::from_pence(300),
                },
                PartnerAmount {
                    partner: "CCG".into(),
                    amount: Money::from_pence(200),
                },
            ],
        }
    }

    fn outturn(care: i64, hosp: i64, aligned: i64) -> Outturn {
        Outturn {
            spend: vec![
                LineSpend {
                    fund: FundKind::Pooled,
                    service_line: "care".into(),
                    amount: Money::from_pence(care),
                },
                LineSpend {
                    fund: FundKind::Pooled,
                    service_line: "hosp".into(),
                    amount: Money::from_pence(hosp),
                },
                LineSpend {
                    fund: FundKind::Aligned,
                    service_line: "hosp".into(),
                    amount: Money::from_pence(aligned),
                },
            ],
        }
    }

    fn pro_rata(cap: CapRule) -> RiskShare {
        RiskShare {
            overspend: OverspendRule::ProRata {
                basis: ShareBasis::Contributions,
                cap,
            },
            underspend: UnderspendRule::Return(ShareBasis::Contributions),
        }
    }

    #[test]
    fn contributions_must_match_the_pool() {
        let mut r = raw([100, 100], [200, 200]);
        r.pooled.total = Money::from_pence(601);
        assert!(matches!(
            PooledBudget::new(r),
            Err(Error::ContributionsDoNotMatch { declared, sum, .. })
                if declared == Money::from_pence(601) && sum == Money::from_pence(600)
        ));
        let mut r = raw([100, 100], [200, 200]);
        if let Some(a) = r.aligned.as_mut() {
            a.total = Money::from_pence(999);
        }
        assert!(matches!(
            PooledBudget::new(r),
            Err(Error::ContributionsDoNotMatch { fund, .. }) if fund == "aligned fund"
        ));
    }

    #[test]
    fn bad_budgets_are_rejected() {
        let mut r = raw([1, 1], [1, 1]);
        r.host = "X".into();
        assert!(matches!(
            PooledBudget::new(r),
            Err(Error::UnknownBody { .. })
        ));
        let mut r = raw([1, 1], [1, 1]);
        r.pooled.contributions.push(c("CCG", "nope", 0));
        assert!(matches!(PooledBudget::new(r), Err(Error::Unknown { .. })));
        let mut r = raw([1, 1], [1, 1]);
        r.pooled.contributions.push(c("CCG", "care", 0));
        assert!(matches!(PooledBudget::new(r), Err(Error::Duplicate { .. })));
        // Two local authorities cannot make a section 75 arrangement on their own.
        let mut r = raw([1, 1], [1, 1]);
        r.partners[1] = Body::new("CCG", "Other council", BodyKind::LocalAuthority).unwrap();
        assert!(matches!(PooledBudget::new(r), Err(Error::WrongKind { .. })));
        // A voluntary organisation cannot be a section 75 partner.
        let mut r = raw([1, 1], [1, 1]);
        r.partners[1] = Body::new("CCG", "Charity", BodyKind::VoluntarySector).unwrap();
        assert!(matches!(PooledBudget::new(r), Err(Error::WrongKind { .. })));
        // A CCG cannot be a partner in 2023/24.
        let mut r = raw([1, 1], [1, 1]);
        r.year = "2023/24".parse().unwrap();
        assert!(matches!(
            PooledBudget::new(r),
            Err(Error::BodyNotInExistence { .. })
        ));
        let mut r = raw([1, 1], [1, 1]);
        r.partners.truncate(1);
        assert!(matches!(PooledBudget::new(r), Err(Error::Invalid { .. })));
        let mut r = raw([1, 1], [1, 1]);
        r.risk_pool[0].partner = "X".into();
        assert!(matches!(
            PooledBudget::new(r),
            Err(Error::UnknownBody { .. })
        ));
    }

    #[test]
    fn pro_rata_overspend_with_max_contribution_cap() {
        let b = PooledBudget::new(raw([1000, 0], [3000, 0])).unwrap();
        // Overspend of 1000p on care, shared 1:3.
        let s = share_risk(
            &b,
            &outturn(5000, 0, 1000),
            &pro_rata(CapRule::MaxContribution),
        )
        .unwrap();
        assert_eq!(s.pooled_variance, Money::from_pence(1000));
        assert_eq!(
            s.partner_pays(FundKind::Pooled, "LA").unwrap(),
            Money::from_pence(250)
        );
        assert_eq!(
            s.partner_pays(FundKind::Pooled, "CCG").unwrap(),
            Money::from_pence(750)
        );
        // Huge overspend: each capped at its contribution, the rest to be agreed.
        let s = share_risk(
            &b,
            &outturn(14000, 0, 1000),
            &pro_rata(CapRule::MaxContribution),
        )
        .unwrap();
        assert_eq!(
            s.partner_pays(FundKind::Pooled, "LA").unwrap(),
            Money::from_pence(1000)
        );
        assert_eq!(
            s.partner_pays(FundKind::Pooled, "CCG").unwrap(),
            Money::from_pence(3000)
        );
        assert_eq!(
            s.by_bearer().unwrap().get(&Bearer::ToBeAgreed),
            Some(&Money::from_pence(6000))
        );
    }

    #[test]
    fn cap_on_one_partner_moves_the_rest_to_the_other() {
        let b = PooledBudget::new(raw([1000, 0], [1000, 0])).unwrap();
        let cap = CapRule::Amounts(vec![PartnerAmount {
            partner: "LA".into(),
            amount: Money::from_pence(100),
        }]);
        let s = share_risk(&b, &outturn(3000, 0, 1000), &pro_rata(cap)).unwrap();
        assert_eq!(
            s.partner_pays(FundKind::Pooled, "LA").unwrap(),
            Money::from_pence(100)
        );
        assert_eq!(
            s.partner_pays(FundKind::Pooled, "CCG").unwrap(),
            Money::from_pence(900)
        );
    }

    #[test]
    fn underspend_returned_or_retained() {
        let b = PooledBudget::new(raw([1000, 0], [3000, 0])).unwrap();
        let s = share_risk(&b, &outturn(3000, 0, 1000), &pro_rata(CapRule::None)).unwrap();
        assert_eq!(
            s.partner_pays(FundKind::Pooled, "LA").unwrap(),
            Money::from_pence(-250)
        );
        let keep = RiskShare {
            overspend: OverspendRule::ProRata {
                basis: ShareBasis::Contributions,
                cap: CapRule::None,
            },
            underspend: UnderspendRule::RetainInPool,
        };
        let s = share_risk(&b, &outturn(3000, 0, 1000), &keep).unwrap();
        assert_eq!(
            s.by_bearer().unwrap().get(&Bearer::RetainedInPool),
            Some(&Money::from_pence(-1000))
        );
    }

    #[test]
    fn fixed_lines_fall_on_the_host() {
        let b = PooledBudget::new(raw([500, 500], [500, 500])).unwrap();
        let rule = RiskShare {
            overspend: OverspendRule::FixedVariable,
            underspend: UnderspendRule::RetainInPool,
        };
        // care (variable) +200 shared 1:1; hosp (fixed) +300 on the host.
        let s = share_risk(&b, &outturn(1200, 1300, 1000), &rule).unwrap();
        assert_eq!(
            s.partner_pays(FundKind::Pooled, "LA").unwrap(),
            Money::from_pence(400)
        );
        assert_eq!(
            s.partner_pays(FundKind::Pooled, "CCG").unwrap(),
            Money::from_pence(100)
        );
    }

    #[test]
    fn waterfall_in_order() {
        let b = PooledBudget::new(raw([1000, 1000], [1000, 1000])).unwrap();
        let rule = RiskShare {
            overspend: OverspendRule::Waterfall {
                steps: vec![
                    WaterfallStep::OffsetUnderspends,
                    WaterfallStep::RiskPool,
                    WaterfallStep::UncommittedSchemes(vec![PartnerAmount {
                        partner: "CCG".into(),
                        amount: Money::from_pence(100),
                    }]),
                ],
                basis: ShareBasis::Contributions,
                cap: CapRule::None,
            },
            underspend: UnderspendRule::RetainInPool,
        };
        // care +1000, hosp -200: net 800; risk pool 500; schemes 100; 200 outside, 100 each.
        let s = share_risk(&b, &outturn(3000, 1800, 1000), &rule).unwrap();
        let by = s.by_bearer().unwrap();
        assert_eq!(
            by.get(&Bearer::RiskPool("LA".into())),
            Some(&Money::from_pence(300))
        );
        assert_eq!(
            by.get(&Bearer::RiskPool("CCG".into())),
            Some(&Money::from_pence(200))
        );
        assert_eq!(
            by.get(&Bearer::UncommittedSchemes("CCG".into())),
            Some(&Money::from_pence(100))
        );
        assert_eq!(
            s.partner_pays(FundKind::Pooled, "LA").unwrap(),
            Money::from_pence(100)
        );
        assert_eq!(
            s.partner_pays(FundKind::Pooled, "CCG").unwrap(),
            Money::from_pence(100)
        );
        assert!(s.to_string().contains("risk pool"));
    }

    #[test]
    fn waterfall_steps_are_each_taken_once_in_order() {
        let b = PooledBudget::new(raw([1000, 1000], [1000, 1000])).unwrap();
        let rule = |steps| RiskShare {
            overspend: OverspendRule::Waterfall {
                steps,
                basis: ShareBasis::Contributions,
                cap: CapRule::None,
            },
            underspend: UnderspendRule::RetainInPool,
        };
        let over = outturn(3000, 1800, 1000);
        assert_eq!(
            share_risk(
                &b,
                &over,
                &rule(vec![WaterfallStep::RiskPool, WaterfallStep::RiskPool])
            )
            .unwrap_err(),
            Error::Duplicate {
                kind: "waterfall step",
                id: "risk pool".into(),
                context: "overspend waterfall".into(),
            }
        );
        assert!(matches!(
            share_risk(
                &b,
                &over,
                &rule(vec![
                    WaterfallStep::UncommittedSchemes(vec![]),
                    WaterfallStep::UncommittedSchemes(vec![]),
                ])
            ),
            Err(Error::Duplicate { .. })
        ));
        assert!(matches!(
            share_risk(
                &b,
                &over,
                &rule(vec![
                    WaterfallStep::RiskPool,
                    WaterfallStep::OffsetUnderspends
                ])
            ),
            Err(Error::Invalid { .. })
        ));
        // The risk pool alone, without offsetting: gross overspend 1000 on care, 500 drawn.
        let s = share_risk(&b, &over, &rule(vec![WaterfallStep::RiskPool])).unwrap();
        assert_eq!(
            Money::sum(
                s.allocations
                    .iter()
                    .filter(|a| matches!(a.bearer, Bearer::RiskPool(_)))
                    .map(|a| a.amount)
            )
            .unwrap(),
            Money::from_pence(500)
        );
        assert_eq!(s.allocated(FundKind::Pooled).unwrap(), s.pooled_variance);
    }

    #[test]
    fn agreed_shares_must_make_the_whole() {
        let b = PooledBudget::new(raw([1000, 0], [1000, 0])).unwrap();
        let share = |p: &str, s: &str| PartnerShare {
            partner: p.into(),
            share: s.parse().unwrap(),
        };
        let rule = |shares| RiskShare {
            overspend: OverspendRule::ProRata {
                basis: ShareBasis::Agreed(shares),
                cap: CapRule::None,
            },
            underspend: UnderspendRule::RetainInPool,
        };
        let over = outturn(2100, 0, 1000);
        assert!(matches!(
            share_risk(
                &b,
                &over,
                &rule(vec![share("LA", "0.6"), share("CCG", "0.5")])
            ),
            Err(Error::SharesExceedWhole { .. })
        ));
        assert!(matches!(
            share_risk(
                &b,
                &over,
                &rule(vec![share("LA", "0.4"), share("CCG", "0.5")])
            ),
            Err(Error::SharesBelowWhole { .. })
        ));
        assert!(matches!(
            share_risk(&b, &over, &rule(vec![share("X", "1")])),
            Err(Error::UnknownBody { .. })
        ));
        let s = share_risk(
            &b,
            &over,
            &rule(vec![share("LA", "0.7"), share("CCG", "0.3")]),
        )
        .unwrap();
        assert_eq!(
            s.partner_pays(FundKind::Pooled, "LA").unwrap(),
            Money::from_pence(70)
        );
    }

    #[test]
    fn bad_outturns_are_rejected() {
        let b = PooledBudget::new(raw([1000, 0], [1000, 0])).unwrap();
        let rule = pro_rata(CapRule::None);
        let mut o = outturn(1, 1, 1);
        o.spend.pop();
        assert!(matches!(
            share_risk(&b, &o, &rule),
            Err(Error::Invalid { .. })
        ));
        let mut o = outturn(1, 1, 1);
        o.spend.push(o.spend[0].clone());
        assert!(matches!(
            share_risk(&b, &o, &rule),
            Err(Error::Duplicate { .. })
        ));
        let mut o = outturn(1, 1, 1);
        o.spend[0].service_line = "nope".into();
        assert!(matches!(
            share_risk(&b, &o, &rule),
            Err(Error::Unknown { .. })
        ));
        let o = outturn(-1, 1, 1);
        assert!(matches!(
            share_risk(&b, &o, &rule),
            Err(Error::Invalid { .. })
        ));
    }

    fn any_rule() -> impl Strategy<Value = RiskShare> {
        let cap = prop_oneof![
            Just(CapRule::None),
            Just(CapRule::MaxContribution),
            (0i64..5_000).prop_map(|p| CapRule::Amounts(vec![PartnerAmount {
                partner: "LA".into(),
                amount: Money::from_pence(p),
            }])),
        ];
        let under = prop_oneof![
            Just(UnderspendRule::RetainInPool),
            Just(UnderspendRule::Return(ShareBasis::Contributions)),
        ];
        let over = (cap, 0usize..4).prop_map(|(cap, which)| match which {
            0 => OverspendRule::OwnRisk,
            1 => OverspendRule::FixedVariable,
            2 => OverspendRule::ProRata {
                basis: ShareBasis::Contributions,
                cap,
            },
            _ => OverspendRule::Waterfall {
                steps: vec![
                    WaterfallStep::OffsetUnderspends,
                    WaterfallStep::RiskPool,
                    WaterfallStep::UncommittedSchemes(vec![PartnerAmount {
                        partner: "CCG".into(),
                        amount: Money::from_pence(77),
                    }]),
                ],
                basis: ShareBasis::Contributions,
                cap,
            },
        });
        (over, under).prop_map(|(overspend, underspend)| RiskShare {
            overspend,
            underspend,
        })
    }

    proptest! {
        #[test]
        fn prop_statement_sums_to_variance_and_respects_caps(
            la in proptest::array::uniform2(0i64..1_000_000),
            ccg in proptest::array::uniform2(1i64..1_000_000),
            care in 0i64..3_000_000,
            hosp in 0i64..3_000_000,
            aligned in 0i64..3_000,
            rule in any_rule(),
        ) {
            let b = PooledBudget::new(raw(la, ccg)).unwrap();
            let s = share_risk(&b, &outturn(care, hosp, aligned), &rule).unwrap();
            prop_assert_eq!(s.allocated(FundKind::Pooled).unwrap(), s.pooled_variance);
            prop_assert_eq!(s.allocated(FundKind::Aligned).unwrap(), s.aligned_variance);
            let expected = Money::from_pence(care + hosp - la.iter().sum::<i64>() - ccg.iter().sum::<i64>());
            prop_assert_eq!(s.pooled_variance, expected);
            let caps: Vec<(String, Money)> = match &rule.overspend {
                OverspendRule::ProRata { cap, .. } | OverspendRule::Waterfall { cap, .. } => match cap {
                    CapRule::None => vec![],
                    CapRule::MaxContribution => vec![
                        ("LA".into(), b.partner_contribution(FundKind::Pooled, "LA").unwrap()),
                        ("CCG".into(), b.partner_contribution(FundKind::Pooled, "CCG").unwrap()),
                    ],
                    CapRule::Amounts(a) => a.iter().map(|x| (x.partner.clone(), x.amount)).collect(),
                },
                _ => vec![],
            };
            for (p, cap) in caps {
                prop_assert!(s.partner_pays(FundKind::Pooled, &p).unwrap() <= cap);
            }
            // The risk pool and the uncommitted schemes are never drawn beyond what is there.
            let by = s.by_bearer().unwrap();
            for r in b.risk_pool() {
                let drawn = by.get(&Bearer::RiskPool(r.partner.clone())).copied().unwrap_or(Money::ZERO);
                prop_assert!(!drawn.is_negative() && drawn <= r.amount);
            }
            let cut = by.get(&Bearer::UncommittedSchemes("CCG".into())).copied().unwrap_or(Money::ZERO);
            prop_assert!(!cut.is_negative() && cut <= Money::from_pence(77));
        }
    }

    fn three_partner_budget(amounts: [i64; 3]) -> PooledBudget {
        let ids = ["LA", "CCG", "FT"];
        PooledBudget::new(RawPooledBudget {
            name: "Three".into(),
            year: "2019/20".parse().unwrap(),
            host: "CCG".into(),
            partners: vec![
                Body::new("LA", "Council", BodyKind::LocalAuthority).unwrap(),
                Body::new("CCG", "CCG", BodyKind::Ccg).unwrap(),
                Body::new("FT", "Trust", BodyKind::FoundationTrust).unwrap(),
            ],
            service_lines: lines(),
            pooled: Fund {
                total: Money::from_pence(amounts.iter().sum()),
                contributions: ids
                    .iter()
                    .zip(amounts)
                    .map(|(p, a)| c(p, "care", a))
                    .collect(),
            },
            aligned: None,
            risk_pool: vec![],
        })
        .unwrap()
    }

    proptest! {
        #[test]
        fn prop_capped_shares_never_exceed_caps_and_sum_exactly(
            amounts in proptest::array::uniform3(0i64..10_000_000),
            caps in proptest::array::uniform3(proptest::option::of(0i64..5_000_000)),
            spend in 0i64..40_000_000,
            agreed in proptest::option::of(proptest::array::uniform3(1u32..100)),
        ) {
            prop_assume!(amounts.iter().sum::<i64>() > 0);
            let b = three_partner_budget(amounts);
            let ids = ["LA", "CCG", "FT"];
            let cap = CapRule::Amounts(
                ids.iter()
                    .zip(caps)
                    .filter_map(|(p, c)| c.map(|c| PartnerAmount { partner: (*p).into(), amount: Money::from_pence(c) }))
                    .collect(),
            );
            let basis = match agreed {
                None => ShareBasis::Contributions,
                Some(w) => {
                    // Agreed shares that sum to exactly one: allocate 10,000 basis points.
                    let total: u32 = w.iter().sum();
                    let weights: Vec<u128> = w.iter().map(|x| u128::from(*x)).collect();
                    let bp = route_map_core::money::allocate_units(10_000, &weights).unwrap();
                    prop_assume!(total > 0);
                    ShareBasis::Agreed(
                        ids.iter()
                            .zip(bp)
                            .map(|(p, units)| PartnerShare {
                                partner: (*p).into(),
                                share: route_map_core::Share::new(Decimal::from_i128_with_scale(i128::try_from(units).unwrap(), 4)).unwrap(),
                            })
                            .collect(),
                    )
                }
            };
            let rule = RiskShare {
                overspend: OverspendRule::ProRata { basis, cap },
                underspend: UnderspendRule::Return(ShareBasis::Contributions),
            };
            let outturn = Outturn { spend: vec![LineSpend { fund: FundKind::Pooled, service_line: "care".into(), amount: Money::from_pence(spend) }] };
            let s = share_risk(&b, &outturn, &rule).unwrap();
            prop_assert_eq!(s.allocated(FundKind::Pooled).unwrap(), s.pooled_variance);
            for (p, c) in ids.iter().zip(caps) {
                if let Some(c) = c {
                    prop_assert!(s.partner_pays(FundKind::Pooled, p).unwrap() <= Money::from_pence(c));
                }
            }
            // Something is left to agree only when every partner with a share is at its cap.
            let to_agree = s.by_bearer().unwrap().get(&Bearer::ToBeAgreed).copied().unwrap_or(Money::ZERO);
            prop_assert!(!to_agree.is_negative());
        }
    }
}
