//! Which regimes govern a proposed contract, decided on its procurement commencement date and
//! explained step by step.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use route_map_core::{Money, SourceRef};

use crate::cpv::{CpvCode, ScheduleId, listing};
use crate::error::{Error, Result};
use crate::law::{
    AuthorityClass, AuthorityKind, ThresholdId, ThresholdValue, VatBasis, authority, key_date,
    threshold,
};

/// A procurement regime (or the part of an instrument) that can govern an award.
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
pub enum Regime {
    /// Public Contracts Regulations 2006, Part B (residual) services above threshold.
    #[serde(rename = "pcr2006_part_b")]
    Pcr2006PartB,
    /// PCR 2015, full regime (Part 2 procedures).
    #[serde(rename = "pcr2015_full")]
    Pcr2015Full,
    /// PCR 2015 light touch regime (regs. 74-77).
    #[serde(rename = "pcr2015_light_touch")]
    Pcr2015LightTouch,
    /// PCR 2015 Part 4 below-threshold rules.
    #[serde(rename = "pcr2015_below_threshold")]
    Pcr2015BelowThreshold,
    /// NHS (Procurement, Patient Choice and Competition) (No. 2) Regulations 2013.
    #[serde(rename = "nhs2013")]
    Nhs2013,
    /// Health Care Services (Provider Selection Regime) Regulations 2023.
    Psr,
    /// Procurement Act 2023, public contract above threshold.
    #[serde(rename = "pa2023_public")]
    Pa2023Public,
    /// Procurement Act 2023, light touch contract.
    #[serde(rename = "pa2023_light_touch")]
    Pa2023LightTouch,
    /// Procurement Act 2023, regulated below-threshold contract.
    #[serde(rename = "pa2023_below_threshold")]
    Pa2023BelowThreshold,
}

impl Regime {
    /// Every regime.
    pub const ALL: [Regime; 9] = [
        Regime::Pcr2006PartB,
        Regime::Pcr2015Full,
        Regime::Pcr2015LightTouch,
        Regime::Pcr2015BelowThreshold,
        Regime::Nhs2013,
        Regime::Psr,
        Regime::Pa2023Public,
        Regime::Pa2023LightTouch,
        Regime::Pa2023BelowThreshold,
    ];

    /// Its name as written in reports.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Regime::Pcr2006PartB => "PCR 2006 Part B",
            Regime::Pcr2015Full => "PCR 2015 full regime",
            Regime::Pcr2015LightTouch => "PCR 2015 light touch regime",
            Regime::Pcr2015BelowThreshold => "PCR 2015 Part 4 (below threshold)",
            Regime::Nhs2013 => {
                "NHS (Procurement, Patient Choice and Competition) (No. 2) Regulations 2013"
            }
            Regime::Psr => "Provider Selection Regime",
            Regime::Pa2023Public => "Procurement Act 2023 (public contract)",
            Regime::Pa2023LightTouch => "Procurement Act 2023 (light touch contract)",
            Regime::Pa2023BelowThreshold => {
                "Procurement Act 2023 (regulated below-threshold contract)"
            }
        }
    }
}

impl fmt::Display for Regime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A contract's estimated value over its whole term: net of VAT and the VAT payable (zero for
/// exempt services). Which one meets the threshold depends on the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EstimatedValue {
    /// Value excluding VAT.
    pub net: Money,
    /// VAT payable on it.
    #[serde(default)]
    pub vat: Money,
}

impl EstimatedValue {
    /// The value on `basis`.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] on overflow.
    pub fn on(self, basis: VatBasis) -> Result<Money> {
        Ok(match basis {
            VatBasis::Net => self.net,
            VatBasis::Gross => self.net.checked_add(self.vat)?,
        })
    }
}

/// A proposed contract as given (see [`Proposal`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProposal {
    /// Short title.
    pub title: String,
    /// The contracting authority's kind.
    pub authority: AuthorityKind,
    /// CPV codes of the services; the first is the main subject matter.
    pub services: Vec<CpvCode>,
    /// Estimated lifetime value.
    pub value: EstimatedValue,
    /// The date the procurement commences (selects regime and threshold).
    pub commencement: NaiveDate,
    /// Whether the services are procured for the purposes of the NHS in England (PSR and the
    /// 2013 Regulations apply only then).
    #[serde(default = "yes")]
    pub for_the_health_service: bool,
    /// The contract term in months, when known (the estimated value covers the whole term).
    #[serde(default)]
    pub term_months: Option<u32>,
}

fn yes() -> bool {
    true
}

/// A validated proposed contract: at least one service code and a non-negative value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawProposal", into = "RawProposal")]
pub struct Proposal(RawProposal);

impl TryFrom<RawProposal> for Proposal {
    type Error = Error;
    fn try_from(raw: RawProposal) -> Result<Proposal> {
        Proposal::new(raw)
    }
}

impl From<Proposal> for RawProposal {
    fn from(p: Proposal) -> RawProposal {
        p.0
    }
}

impl Proposal {
    /// Validate a proposal.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for an empty title or no services; [`Error::NegativeValue`] for a
    /// negative net value or VAT.
    pub fn new(raw: RawProposal) -> Result<Proposal> {
        if raw.title.trim().is_empty() {
            return Err(Error::invalid("proposal title", "is empty"));
        }
        if raw.services.is_empty() {
            return Err(Error::invalid(
                format!("services of {:?}", raw.title),
                "at least one CPV code is needed (the first is the main subject matter)",
            ));
        }
        if raw.value.net.is_negative() {
            return Err(Error::NegativeValue {
                field: "estimated net value",
                value: raw.value.net,
            });
        }
        if raw.term_months == Some(0) {
            return Err(Error::invalid(
                format!("term of {:?}", raw.title),
                "a contract term of zero months",
            ));
        }
        if raw.value.vat.is_negative() {
            return Err(Error::NegativeValue {
                field: "VAT on the estimated value",
                value: raw.value.vat,
            });
        }
        Ok(Proposal(raw))
    }

    /// The validated fields.
    #[must_use]
    pub fn raw(&self) -> &RawProposal {
        &self.0
    }

    /// The main CPV code.
    #[must_use]
    pub fn main_service(&self) -> Option<&CpvCode> {
        self.0.services.first()
    }
}

/// One step of the explanation of a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// What was decided at this step.
    pub text: String,
    /// The rule applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
}

/// A threshold comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThresholdCheck {
    /// Which threshold.
    pub threshold: ThresholdId,
    /// Its value on the commencement date.
    pub value: ThresholdValue,
    /// The contract value on the threshold's basis.
    pub compared: Money,
    /// True when the value is at or above the threshold.
    pub met: bool,
    /// The threshold's source.
    pub source: SourceRef,
}

/// The regimes that govern a proposal and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegimeDecision {
    /// The commencement date evaluated.
    pub commencement: NaiveDate,
    /// The authority's kind.
    pub authority: AuthorityKind,
    /// The regimes that apply, in order of precedence (award procedure first).
    pub regimes: Vec<Regime>,
    /// The threshold comparisons made.
    pub thresholds: Vec<ThresholdCheck>,
    /// The steps of the decision.
    pub reasons: Vec<Reason>,
}

impl RegimeDecision {
    /// True when `regime` applies.
    #[must_use]
    pub fn applies(&self, regime: Regime) -> bool {
        self.regimes.contains(&regime)
    }

    /// The regime that governs the award procedure (the first listed), if any.
    #[must_use]
    pub fn award_regime(&self) -> Option<Regime> {
        self.regimes.first().copied()
    }
}

struct Ctx {
    reasons: Vec<Reason>,
    thresholds: Vec<ThresholdCheck>,
}

impl Ctx {
    fn say(&mut self, text: impl Into<String>, source: Option<SourceRef>) {
        self.reasons.push(Reason {
            text: text.into(),
            source,
        });
    }

    fn compare(&mut self, id: ThresholdId, date: NaiveDate, value: EstimatedValue) -> Result<bool> {
        let (tv, source) = threshold(id, date)?;
        let compared = value.on(tv.basis)?;
        let met = compared >= tv.amount;
        let basis = match tv.basis {
            VatBasis::Net => "net of VAT",
            VatBasis::Gross => "including VAT",
        };
        self.say(
            format!(
                "value {compared} {basis} is {} the threshold {} ({id:?})",
                if met { "at or above" } else { "below" },
                tv.amount
            ),
            Some(source.clone()),
        );
        self.thresholds.push(ThresholdCheck {
            threshold: id,
            value: tv,
            compared,
            met,
            source,
        });
        Ok(met)
    }
}

/// Decide which regimes govern `proposal`.
///
/// # Errors
///
/// [`Error::OutOfScope`] for a commencement before 1 April 2013, or for a non-Part B service
/// before PCR 2015 (the PCR 2006 full regime is not modelled); [`Error::AuthorityNotInExistence`]
/// for a CCG from 1 July 2022 or an ICB before it; [`Error::EmbeddedData`] for defective data.
///
/// ```
/// use procurement_rules::regime::{select_regimes, Proposal, RawProposal, EstimatedValue, Regime};
/// use procurement_rules::law::AuthorityKind;
/// use chrono::NaiveDate;
/// let p = Proposal::new(RawProposal {
///     title: "Out of Hospital (Coventry)".into(),
///     authority: AuthorityKind::Ccg,
///     services: vec!["85323000-9".parse()?],
///     value: EstimatedValue { net: "217004790".parse()?, vat: "0".parse()? },
///     commencement: NaiveDate::from_ymd_opt(2017, 7, 19).unwrap(),
///     for_the_health_service: true,
///     term_months: None,
/// })?;
/// let d = select_regimes(&p)?;
/// assert_eq!(d.regimes, vec![Regime::Pcr2015LightTouch, Regime::Nhs2013]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn select_regimes(proposal: &Proposal) -> Result<RegimeDecision> {
    let p = proposal.raw();
    let date = p.commencement;
    let scope = key_date("scope_start")?;
    if date < scope.date {
        return Err(Error::OutOfScope {
            date,
            reason: format!(
                "the crate answers for procurements commencing from {} ({})",
                scope.date, scope.meaning
            ),
        });
    }
    let profile = authority(p.authority)?;
    if !profile.exists_on(date) {
        return Err(Error::AuthorityNotInExistence {
            kind: profile.name.clone(),
            date,
        });
    }
    let main = proposal
        .main_service()
        .ok_or_else(|| Error::invalid("services", "no main CPV code"))?;
    let mut cx = Ctx {
        reasons: Vec::new(),
        thresholds: Vec::new(),
    };
    let mut regimes = Vec::new();

    let psr_listing = listing(ScheduleId::PsrSch1, main)?;
    let sch3 = listing(ScheduleId::Pcr2015Sch3, main)?;
    let health_care = psr_listing.is_some() && p.for_the_health_service;
    match (&psr_listing, p.for_the_health_service) {
        (Some(l), true) => cx.say(
            format!("main service {main} is a health care service ({}; classified by the PSR Schedule 1 codes)", l.label),
            Some(l.source.clone()),
        ),
        (Some(_), false) => cx.say(
            format!("main service {main} is a health care service but not procured for the health service in England"),
            None,
        ),
        (None, _) => cx.say(
            format!("main service {main} is not a listed health care service"),
            None,
        ),
    }

    let pcr2015 = key_date("pcr2015_start")?;
    let ltr_nhs = key_date("ltr_nhs_start")?;
    let psr = key_date("psr_start")?;
    let pa = key_date("pa2023_start")?;
    let nhs2013_body = profile.nhs2013_relevant_on(date);
    let nhs2013_applies =
        date < psr.date && health_care && nhs2013_body.as_ref().is_some_and(|(v, _)| *v);

    let pcr2006_period = date < pcr2015.date || (date < ltr_nhs.date && nhs2013_applies);
    if pcr2006_period {
        let why = if date < pcr2015.date {
            pcr2015
        } else {
            ltr_nhs
        };
        cx.say(
            format!(
                "commencement {date} is before {}: {}",
                why.date, why.meaning
            ),
            Some(why.source.clone()),
        );
        let Some(l) = &sch3 else {
            return Err(Error::OutOfScope {
                date,
                reason: format!(
                    "{main} is not a Part B health or social service and the PCR 2006 full regime is not modelled"
                ),
            });
        };
        cx.say(
            format!("{main} is a Part B (residual) service: {}", l.label),
            Some(l.source.clone()),
        );
        if cx.compare(ThresholdId::Pcr2006PartB, date, p.value)? {
            regimes.push(Regime::Pcr2006PartB);
        } else {
            cx.say("below the PCR 2006 threshold: no PCR duties; Treaty principles where there is cross-border interest", None);
        }
    } else if date >= psr.date
        && health_care
        && profile.psr_relevant_on(date).is_some_and(|(v, _)| v)
    {
        let (_, src) = profile
            .psr_relevant_on(date)
            .unwrap_or((true, psr.source.clone()));
        cx.say(
            format!("{} is a PSR relevant authority", profile.name),
            Some(src),
        );
        cx.say(
            format!(
                "commencement {date} is on or after {}: {}; no value threshold",
                psr.date, psr.meaning
            ),
            Some(psr.source.clone()),
        );
        for other in p.services.iter().skip(1) {
            if listing(ScheduleId::PsrSch1, other)?.is_none() {
                cx.say(
                    format!("{other} is not a health care service: a mixed procurement stays under the PSR only where health care is the main subject matter"),
                    Some(SourceRef::new("NHS Act 2006 s.12ZB(1)(b); PSR reg. 3").with_url("https://www.legislation.gov.uk/ukpga/2022/31/section/79/data.html").unverified("reg. 3 not read: conditions as summarised by Bevan Brittan (2025): health care is the main subject-matter and the other goods or services could not reasonably be supplied under a separate contract")),
                );
            }
        }
        regimes.push(Regime::Psr);
    } else if date < pa.date {
        cx.say(
            format!(
                "commencement {date} is on or after {} and before {}: PCR 2015 governs",
                pcr2015.date, pa.date
            ),
            Some(pcr2015.source.clone()),
        );
        if let Some(l) = &sch3 {
            cx.say(
                format!("{main} is a Schedule 3 service: {}", l.label),
                Some(l.source.clone()),
            );
            if cx.compare(ThresholdId::PcrLightTouch, date, p.value)? {
                regimes.push(Regime::Pcr2015LightTouch);
            } else {
                regimes.push(Regime::Pcr2015BelowThreshold);
            }
        } else {
            let (class, src) = profile.pcr_class.at_with_source(date)?;
            cx.say(
                format!(
                    "{} is a {} authority under PCR",
                    profile.name,
                    class_name(*class)
                ),
                Some(src.clone()),
            );
            let id = match class {
                AuthorityClass::Central => ThresholdId::PcrServicesCentral,
                AuthorityClass::SubCentral => ThresholdId::PcrServicesSubCentral,
            };
            if cx.compare(id, date, p.value)? {
                regimes.push(Regime::Pcr2015Full);
            } else {
                regimes.push(Regime::Pcr2015BelowThreshold);
            }
        }
        if regimes.contains(&Regime::Pcr2015BelowThreshold) {
            let (class, src) = profile.pcr_part4_class.at_with_source(date)?;
            cx.say(
                format!("Part 4 publication class: {}", class_name(*class)),
                Some(src.clone()),
            );
            let id = match class {
                AuthorityClass::Central => ThresholdId::PcrBelowCentral,
                AuthorityClass::SubCentral => ThresholdId::PcrBelowSubCentral,
            };
            if nhs2013_applies {
                cx.say("NHS health care services within the 2013 Regulations are excluded from Part 4 Chapter 8", Some(SourceRef::new("Public Contracts Regulations 2015").with_clause("reg. 109(2)").with_url("https://www.wardhadaway.com/insights/updates/procurement-nutshell-threshold-procurements-2/").unverified("paragraph number of the exclusion")));
            } else {
                let _ = cx.compare(id, date, p.value)?;
            }
        }
    } else {
        cx.say(
            format!(
                "commencement {date} is on or after {}: {}",
                pa.date, pa.meaning
            ),
            Some(pa.source.clone()),
        );
        if health_care && date >= psr.date {
            cx.say(
                format!(
                    "{} is not a PSR relevant authority, so the Act governs",
                    profile.name
                ),
                None,
            );
        }
        let lt = listing(ScheduleId::Pr2024Sch1, main)?;
        let class = profile
            .pa_class
            .as_ref()
            .map(|t| t.at_with_source(date))
            .transpose()?;
        let Some((class, class_src)) = class else {
            return Err(Error::EmbeddedData {
                name: "authorities.toml",
                reason: format!("no Procurement Act class for {}", profile.name),
            });
        };
        cx.say(
            format!(
                "{} is a {} authority under the Act",
                profile.name,
                class_name(*class)
            ),
            Some(class_src.clone()),
        );
        let (above_id, below_id) = match class {
            AuthorityClass::Central => {
                (ThresholdId::PaServicesCentral, ThresholdId::PaBelowCentral)
            }
            AuthorityClass::SubCentral => (
                ThresholdId::PaServicesSubCentral,
                ThresholdId::PaBelowSubCentral,
            ),
        };
        if let Some(l) = &lt {
            cx.say(
                format!("{main} is a light touch service: {}", l.label),
                Some(l.source.clone()),
            );
            if cx.compare(ThresholdId::PaLightTouch, date, p.value)? {
                regimes.push(Regime::Pa2023LightTouch);
            }
        } else if cx.compare(above_id, date, p.value)? {
            regimes.push(Regime::Pa2023Public);
        }
        if regimes.is_empty() {
            let notifiable = cx.compare(below_id, date, p.value)?;
            cx.say(
                if notifiable {
                    "a notifiable below-threshold contract"
                } else {
                    "below the notifiable value: no notices required"
                },
                None,
            );
            regimes.push(Regime::Pa2023BelowThreshold);
        }
    }

    if nhs2013_applies {
        let src = nhs2013_body.map(|(_, s)| s);
        cx.say(
            format!("{} is a relevant body and the services are NHS health care: the 2013 Regulations also apply (no value threshold)", profile.name),
            src,
        );
        regimes.push(Regime::Nhs2013);
    }
    Ok(RegimeDecision {
        commencement: date,
        authority: p.authority,
        regimes,
        thresholds: cx.thresholds,
        reasons: cx.reasons,
    })
}

/// Which regime governs a modification, on `date`, of a contract awarded under `original`.
///
/// Contracts awarded under PCR 2015 stay under PCR for their modification after the
/// Procurement Act commenced; modifications of health care contracts by PSR relevant
/// authorities are governed by the PSR from 1 January 2024 even when the contract predates it.
/// `health_care_by_relevant_authority` says whether the contract is for relevant health care
/// services and the authority is a PSR relevant authority.
///
/// # Errors
///
/// [`Error::OutOfScope`] for a modification before 1 April 2013 or an original regime with no
/// modification rules modelled (PCR 2006 Part B, the 2013 Regulations alone).
///
/// ```
/// use procurement_rules::regime::{regime_for_modification, Regime};
/// use chrono::NaiveDate;
/// let d = NaiveDate::from_ymd_opt(2025, 6, 2).unwrap();
/// let (r, _) = regime_for_modification(Regime::Pcr2015LightTouch, d, true)?;
/// assert_eq!(r, Regime::Psr);
/// let (r, _) = regime_for_modification(Regime::Pcr2015Full, d, false)?;
/// assert_eq!(r, Regime::Pcr2015Full);
/// # Ok::<(), procurement_rules::Error>(())
/// ```
pub fn regime_for_modification(
    original: Regime,
    date: NaiveDate,
    health_care_by_relevant_authority: bool,
) -> Result<(Regime, Reason)> {
    let scope = key_date("scope_start")?;
    if date < scope.date {
        return Err(Error::OutOfScope {
            date,
            reason: format!("modifications before {} are not modelled", scope.date),
        });
    }
    let psr = key_date("psr_start")?;
    if health_care_by_relevant_authority && date >= psr.date {
        return Ok((
            Regime::Psr,
            Reason {
                text: format!(
                    "a health care contract modified on or after {}: PSR reg. 13 governs its modification whenever it was awarded",
                    psr.date
                ),
                source: Some(
                    SourceRef::new("Browne Jacobson, modification of health contracts")
                        .with_clause("PSR reg. 13 applies to modifications of pre-2024 health care contracts")
                        .with_url("https://brownejacobson.com/insights/modification-of-public-health-contracts-and-routes-to-challenge"),
                ),
            },
        ));
    }
    match original {
        Regime::Pcr2015Full | Regime::Pcr2015LightTouch | Regime::Pcr2015BelowThreshold => {
            let pa = key_date("pa2023_start")?;
            Ok((
                original,
                Reason {
                    text: format!(
                        "awarded under PCR 2015: its modification stays under PCR 2015 (regs. 72-73) after {}",
                        pa.date
                    ),
                    source: Some(pa.source.clone()),
                },
            ))
        }
        Regime::Psr
        | Regime::Pa2023Public
        | Regime::Pa2023LightTouch
        | Regime::Pa2023BelowThreshold => Ok((
            original,
            Reason {
                text: format!("awarded under {original}: modified under the same regime"),
                source: None,
            },
        )),
        Regime::Pcr2006PartB | Regime::Nhs2013 => Err(Error::OutOfScope {
            date,
            reason: format!("modification rules of {original} are not modelled"),
        }),
    }
}

fn class_name(c: AuthorityClass) -> &'static str {
    match c {
        AuthorityClass::Central => "central government",
        AuthorityClass::SubCentral => "sub-central",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn raw() -> RawProposal {
        RawProposal {
            title: "t".into(),
            authority: AuthorityKind::Icb,
            services: vec!["85323000-9".parse().unwrap()],
            value: EstimatedValue {
                net: Money::from_pounds(1),
                vat: Money::ZERO,
            },
            commencement: d(2025, 1, 6),
            for_the_health_service: true,
            term_months: Some(60),
        }
    }

    #[test]
    fn proposals_are_validated() {
        assert!(Proposal::new(raw()).is_ok());
        let mut r = raw();
        r.services.clear();
        assert!(matches!(Proposal::new(r), Err(Error::Invalid { .. })));
        let mut r = raw();
        r.title = " ".into();
        assert!(Proposal::new(r).is_err());
        let mut r = raw();
        r.term_months = Some(0);
        assert!(Proposal::new(r).is_err());
        let mut r = raw();
        r.value.vat = Money::from_pounds(-1);
        assert!(matches!(Proposal::new(r), Err(Error::NegativeValue { .. })));
        let json = serde_json::to_string(&Proposal::new(raw()).unwrap()).unwrap();
        assert!(json.contains("85323000-9"));
        let bad = json.replace("\"60\"", "0").replace(":60", ":0");
        assert!(serde_json::from_str::<Proposal>(&bad).is_err());
    }

    #[test]
    fn modification_regimes() {
        let (r, _) =
            regime_for_modification(Regime::Pcr2015LightTouch, d(2023, 12, 31), true).unwrap();
        assert_eq!(r, Regime::Pcr2015LightTouch);
        let (r, _) =
            regime_for_modification(Regime::Pcr2015LightTouch, d(2024, 1, 1), true).unwrap();
        assert_eq!(r, Regime::Psr);
        let (r, _) = regime_for_modification(Regime::Pcr2015Full, d(2026, 1, 1), false).unwrap();
        assert_eq!(r, Regime::Pcr2015Full);
        assert!(regime_for_modification(Regime::Nhs2013, d(2020, 1, 1), false).is_err());
        assert!(regime_for_modification(Regime::Psr, d(2012, 1, 1), true).is_err());
    }
}
