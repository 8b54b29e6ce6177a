//! Committee vehicles: what each is for (from seed 001), which are lawful for which bodies on
//! a date, and a recommendation from stated circumstances.
//!
//! # Legal basis
//!
//! Dated facts from [`crate::law`]: CCGs existed until 30 June 2022; CCG joint committees
//! (with each other and with NHS England) from 1 October 2014; joint committees of NHS
//! England, ICBs, NHS trusts, foundation trusts and local or combined authorities under
//! NHS Act 2006 s.65Z5 from 1 July 2022; local authority joint committees under the Local
//! Government Act 1972. A committee in common is each body's own committee meeting with the
//! others, each deciding for its own body only (House of Commons Regulatory Reform Committee,
//! HC 1224, 2014, describing CCGs' use of committees in common before joint committees were
//! allowed). A foundation trust's board may delegate to a committee of directors or an
//! executive director (NHS Act 2006 Sch 7 para 15(3)).
//!
//! ```
//! use governance::vehicles::{lawfulness, Vehicle, Verdict};
//! use governance::{Body, BodyKind};
//! use chrono::NaiveDate;
//! let members = [
//!     Body::new("ICB", "An ICB", BodyKind::Icb)?,
//!     Body::new("FT", "A foundation trust", BodyKind::FoundationTrust)?,
//! ];
//! let after = NaiveDate::from_ymd_opt(2022, 7, 1).unwrap();
//! assert!(matches!(lawfulness(Vehicle::JointCommittee, &members, after)?.verdict, Verdict::Lawful));
//! # Ok::<(), governance::Error>(())
//! ```

use std::fmt;
use std::sync::OnceLock;

use chrono::NaiveDate;
use route_map_core::SourceRef;
use serde::{Deserialize, Serialize};

use crate::body::{self, Body, BodyKind};
use crate::error::{Error, Result};
use crate::law::{Existence, Law};

/// The committee vehicles compared in seed 001.
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
pub enum Vehicle {
    /// A committee of one commissioning body (a CCG until 30 June 2022; an ICB's own committee
    /// afterwards).
    CcgSpecificCommittee,
    /// One committee with delegated powers from its constituent bodies.
    JointCommittee,
    /// A discussion forum without delegated powers.
    JointWorkingGroup,
    /// Each body delegates the decision to an individual.
    IndividualDelegation,
    /// Each body's own committee, meeting at the same time and place with a shared agenda.
    CommitteesInCommon,
}

impl Vehicle {
    /// Every vehicle, in the seed's order.
    pub const ALL: [Vehicle; 5] = [
        Vehicle::CcgSpecificCommittee,
        Vehicle::JointCommittee,
        Vehicle::JointWorkingGroup,
        Vehicle::IndividualDelegation,
        Vehicle::CommitteesInCommon,
    ];

    /// The seed's profile of the vehicle.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded catalogue is broken.
    pub fn profile(self) -> Result<&'static VehicleProfile> {
        catalogue()?
            .vehicle
            .iter()
            .find(|v| v.vehicle == self)
            .ok_or_else(|| Error::EmbeddedData {
                name: "vehicles.toml",
                reason: format!("no profile for {self:?}"),
            })
    }
}

impl fmt::Display for Vehicle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Vehicle::CcgSpecificCommittee => "CCG-specific committee",
            Vehicle::JointCommittee => "joint committee",
            Vehicle::JointWorkingGroup => "joint working group",
            Vehicle::IndividualDelegation => "individual delegation",
            Vehicle::CommitteesInCommon => "committees in common",
        })
    }
}

/// What seed 001 says of a vehicle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VehicleProfile {
    /// The vehicle.
    pub vehicle: Vehicle,
    /// Its name in the seed.
    pub name: String,
    /// Circumstances for use.
    pub circumstances: Vec<String>,
    /// Advantages.
    pub advantages: Vec<String>,
    /// Disadvantages.
    pub disadvantages: Vec<String>,
    /// Considerations.
    pub considerations: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Catalogue {
    source: SourceRef,
    vehicle: Vec<VehicleProfile>,
}

static CATALOGUE: OnceLock<std::result::Result<Catalogue, String>> = OnceLock::new();

fn catalogue() -> Result<&'static Catalogue> {
    crate::data::load(
        &CATALOGUE,
        "vehicles.toml",
        include_str!("../data/vehicles.toml"),
    )
}

/// The source of the vehicle profiles.
///
/// # Errors
///
/// [`Error::EmbeddedData`] if the embedded catalogue is broken.
pub fn profiles_source() -> Result<&'static SourceRef> {
    Ok(&catalogue()?.source)
}

/// Whether a vehicle is lawful.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "verdict", content = "conditions")]
#[non_exhaustive]
pub enum Verdict {
    /// Lawful.
    Lawful,
    /// Lawful if the stated conditions hold.
    LawfulIf(Vec<String>),
    /// Not lawful.
    NotLawful,
}

/// A reason for a verdict, with its source when it rests on law.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reason {
    /// The reason.
    pub text: String,
    /// The source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
}

/// The verdict on a vehicle for some bodies on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Lawfulness {
    /// The vehicle.
    pub vehicle: Vehicle,
    /// The date.
    pub date: NaiveDate,
    /// The verdict.
    pub verdict: Verdict,
    /// Why.
    pub reasons: Vec<Reason>,
}

impl Lawfulness {
    /// True unless the verdict is [`Verdict::NotLawful`].
    #[must_use]
    pub fn is_possible(&self) -> bool {
        !matches!(self.verdict, Verdict::NotLawful)
    }
}

fn reason(text: impl Into<String>, source: Option<&SourceRef>) -> Reason {
    Reason {
        text: text.into(),
        source: source.cloned(),
    }
}

/// Whether `vehicle` is lawful for `members` on `date`.
///
/// Members that do not exist on the date (a CCG from 1 July 2022, an ICB before) make the
/// vehicle not lawful, with the reason and source.
///
/// # Errors
///
/// [`Error::Invalid`] for no members, [`Error::Duplicate`] for a repeated member,
/// [`Error::EmbeddedData`] if the embedded law is broken.
pub fn lawfulness(vehicle: Vehicle, members: &[Body], date: NaiveDate) -> Result<Lawfulness> {
    if members.is_empty() {
        return Err(Error::invalid(
            format!("members of the {vehicle}"),
            "are none",
        ));
    }
    body::check_unique(members, &vehicle.to_string())?;
    let law = Law::get()?;
    let mut reasons = Vec::new();
    let mut exists = true;
    for m in members {
        match law.existence(m.kind(), date) {
            Existence::DoesNotExist(src) => {
                exists = false;
                reasons.push(reason(
                    format!("{m} cannot act: no {} existed on {date}", m.kind()),
                    src.as_ref(),
                ));
            }
            Existence::Exists(_) | Existence::Undated => {}
        }
    }
    if !exists {
        return Ok(Lawfulness {
            vehicle,
            date,
            verdict: Verdict::NotLawful,
            reasons,
        });
    }
    let non_statutory: Vec<&Body> = members
        .iter()
        .filter(|m| !m.kind().is_statutory())
        .collect();
    let kinds: Vec<BodyKind> = members.iter().map(Body::kind).collect();
    let verdict = match vehicle {
        Vehicle::CcgSpecificCommittee => {
            let single = members.len() == 1
                && kinds
                    .iter()
                    .all(|k| matches!(k, BodyKind::Ccg | BodyKind::Icb));
            if single {
                reasons.push(reason(
                    "a committee of one commissioning body, established under its constitution",
                    None,
                ));
                Verdict::Lawful
            } else {
                reasons.push(reason(
                    "a CCG-specific committee belongs to exactly one CCG (or, from 1 July 2022, one ICB)",
                    None,
                ));
                Verdict::NotLawful
            }
        }
        Vehicle::JointCommittee => {
            if members.len() < 2 {
                reasons.push(reason("a joint committee needs at least two bodies", None));
                Verdict::NotLawful
            } else {
                let bases = law.joint_committee_bases_for(&kinds, date);
                if bases.is_empty() {
                    let mut text = format!(
                        "no statutory basis on {date} for a joint committee of {}",
                        kinds
                            .iter()
                            .map(|k| k.label())
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    if kinds.contains(&BodyKind::FoundationTrust) && kinds.len() > 1 {
                        text.push_str(
                            "; foundation trusts may join joint committees only from 1 July 2022 (s.65Z5)",
                        );
                    }
                    reasons.push(reason(text, None));
                    for b in law.joint_committee_bases() {
                        if let Some(first) = b.in_force().first_date() {
                            let src = b.in_force().entries().first().map(|e| &e.source);
                            reasons
                                .push(reason(format!("{} available from {first}", b.name()), src));
                        }
                    }
                    Verdict::NotLawful
                } else {
                    for b in &bases {
                        reasons.push(reason(
                            format!("lawful as a {}", b.name()),
                            b.source_on(date),
                        ));
                    }
                    Verdict::Lawful
                }
            }
        }
        Vehicle::JointWorkingGroup => {
            reasons.push(reason(
                "a discussion forum holds no delegated powers: each body decides through its own governance",
                None,
            ));
            Verdict::LawfulIf(vec![
                "the group only advises: decisions are ratified by each body".into(),
            ])
        }
        Vehicle::IndividualDelegation => {
            if !non_statutory.is_empty() {
                reasons.push(reason(
                    "only statutory bodies can delegate statutory functions to an individual",
                    None,
                ));
                Verdict::NotLawful
            } else {
                reasons.push(reason(
                    "each body may delegate to its own members or employees under its constitution (for a foundation trust, to an executive director: NHS Act 2006 Sch 7 para 15(3))",
                    None,
                ));
                Verdict::LawfulIf(vec![
                    "the individual holds a post in every delegating body (for example a joint appointment)".into(),
                    "each body's scheme of delegation names the decision".into(),
                ])
            }
        }
        Vehicle::CommitteesInCommon => {
            if members.len() < 2 {
                reasons.push(reason(
                    "committees in common need at least two bodies",
                    None,
                ));
                Verdict::NotLawful
            } else if !non_statutory.is_empty() {
                reasons.push(reason(
                    format!(
                        "{} has no statutory committee to meet in common",
                        non_statutory
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    None,
                ));
                Verdict::NotLawful
            } else {
                reasons.push(reason(
                    "each body's own committee meets in common and decides for its own body only",
                    Some(
                        &SourceRef::new(
                            "House of Commons Regulatory Reform Committee, Draft Legislative Reform (Clinical Commissioning Groups) Order 2014, HC 1224",
                        )
                        .with_clause("paras 6-7")
                        .with_url("https://publications.parliament.uk/pa/cm201314/cmselect/cmdelreg/1224/122404.htm"),
                    ),
                ));
                Verdict::LawfulIf(vec![
                    "each committee has delegated authority from its own body".into(),
                ])
            }
        }
    };
    Ok(Lawfulness {
        vehicle,
        date,
        verdict,
        reasons,
    })
}

/// How far the bodies' views are likely to differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ViewAlignment {
    /// Potential for variation in views.
    Varied,
    /// Little variation in views.
    LittleVariation,
    /// Very close alignment of business.
    VeryClose,
}

/// What the vehicle is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Purpose {
    /// A single body's governing body, audit or remuneration committee.
    SingleBodyStatutoryCommittee,
    /// Commissioning decisions across a wider footprint.
    CommissioningDecisions,
    /// Discussion only.
    Discussion,
    /// Audit, remuneration, finance or quality committees across several bodies.
    AssuranceCommittees,
}

/// The circumstances a recommendation is made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Circumstances {
    /// The bodies.
    pub members: Vec<Body>,
    /// The date the vehicle would start.
    pub date: NaiveDate,
    /// What it is for.
    pub purpose: Purpose,
    /// How far views differ.
    pub alignment: ViewAlignment,
}

/// A recommended vehicle with the reasoning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Recommendation {
    /// The recommended vehicle, or `None` when no vehicle fits lawfully.
    pub vehicle: Option<Vehicle>,
    /// Why, step by step.
    pub explanation: Vec<String>,
    /// The verdict on each vehicle considered, in preference order.
    pub considered: Vec<Lawfulness>,
}

/// Recommend a vehicle from stated circumstances: the seed's circumstances for use give a
/// preference order; the first vehicle lawful for the members on the date wins.
///
/// # Errors
///
/// As [`lawfulness`].
///
/// # Examples
///
/// ```
/// use governance::vehicles::*;
/// use governance::{Body, BodyKind};
/// use chrono::NaiveDate;
/// let c = Circumstances {
///     members: vec![
///         Body::new("A", "A CCG", BodyKind::Ccg)?,
///         Body::new("B", "B CCG", BodyKind::Ccg)?,
///     ],
///     date: NaiveDate::from_ymd_opt(2017, 10, 4).unwrap(),
///     purpose: Purpose::CommissioningDecisions,
///     alignment: ViewAlignment::Varied,
/// };
/// assert_eq!(recommend(&c)?.vehicle, Some(Vehicle::JointCommittee));
/// # Ok::<(), governance::Error>(())
/// ```
pub fn recommend(c: &Circumstances) -> Result<Recommendation> {
    let (order, why): (Vec<Vehicle>, &str) = match (c.purpose, c.alignment) {
        (Purpose::SingleBodyStatutoryCommittee, _) => (
            vec![Vehicle::CcgSpecificCommittee],
            "a single body's governing body, audit or remuneration committee",
        ),
        (Purpose::Discussion, _) => (
            vec![Vehicle::JointWorkingGroup],
            "a joint discussion forum lets all parties hear all view points",
        ),
        (Purpose::AssuranceCommittees, ViewAlignment::VeryClose) => (
            vec![Vehicle::CommitteesInCommon, Vehicle::JointWorkingGroup],
            "audit, remuneration and non-statutory committees with very close alignment of business suit committees in common",
        ),
        (Purpose::AssuranceCommittees, _) => (
            vec![Vehicle::JointWorkingGroup, Vehicle::CommitteesInCommon],
            "without close alignment, committees in common become very complex; a working group keeps each body's control",
        ),
        (Purpose::CommissioningDecisions, ViewAlignment::Varied) => (
            vec![
                Vehicle::JointCommittee,
                Vehicle::CommitteesInCommon,
                Vehicle::JointWorkingGroup,
            ],
            "commissioning decisions across a wider footprint call for true joint working through a joint committee",
        ),
        (Purpose::CommissioningDecisions, _) => (
            vec![
                Vehicle::IndividualDelegation,
                Vehicle::JointCommittee,
                Vehicle::CommitteesInCommon,
            ],
            "joint decisions with little variation in views can be delegated to an individual for quick decisions",
        ),
    };
    let mut explanation = vec![format!("circumstances: {why}")];
    let mut considered = Vec::new();
    let mut chosen = None;
    for v in order {
        let l = lawfulness(v, &c.members, c.date)?;
        let possible = l.is_possible();
        explanation.push(format!(
            "{v}: {}",
            match &l.verdict {
                Verdict::Lawful => "lawful".to_owned(),
                Verdict::LawfulIf(conds) => format!("lawful if {}", conds.join("; ")),
                Verdict::NotLawful => format!(
                    "not lawful ({})",
                    l.reasons.first().map_or(String::new(), |r| r.text.clone())
                ),
            }
        ));
        considered.push(l);
        if possible {
            chosen = Some(v);
            break;
        }
    }
    if let Some(v) = chosen {
        let p = v.profile()?;
        explanation.push(format!(
            "recommended: {v}; advantages: {}; disadvantages: {}",
            p.advantages.join(", "),
            p.disadvantages.join(", ")
        ));
        if !p.considerations.is_empty() {
            explanation.push(format!("consider: {}", p.considerations.join("; ")));
        }
    } else {
        explanation.push("no vehicle in the preference order is lawful for these bodies".into());
    }
    Ok(Recommendation {
        vehicle: chosen,
        explanation,
        considered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn b(id: &str, kind: BodyKind) -> Body {
        Body::new(id, format!("{id} body"), kind).unwrap()
    }

    #[test]
    fn profiles_are_complete() {
        for v in Vehicle::ALL {
            let p = v.profile().unwrap();
            assert!(!p.circumstances.is_empty() && !p.advantages.is_empty());
        }
        assert!(profiles_source().unwrap().url.is_some());
    }

    #[test]
    fn joint_committee_with_foundation_trust_only_from_july_2022() {
        let before = [b("CCG", BodyKind::Ccg), b("FT", BodyKind::FoundationTrust)];
        let l = lawfulness(Vehicle::JointCommittee, &before, d(2022, 6, 30)).unwrap();
        assert_eq!(l.verdict, Verdict::NotLawful);
        assert!(l.reasons[0].text.contains("1 July 2022"));
        let after = [b("ICB", BodyKind::Icb), b("FT", BodyKind::FoundationTrust)];
        assert_eq!(
            lawfulness(Vehicle::JointCommittee, &after, d(2022, 7, 1))
                .unwrap()
                .verdict,
            Verdict::Lawful
        );
        // The same FT with the CCG on 1 July 2022: the CCG no longer exists.
        let l = lawfulness(Vehicle::JointCommittee, &before, d(2022, 7, 1)).unwrap();
        assert_eq!(l.verdict, Verdict::NotLawful);
        assert!(l.reasons[0].text.contains("no CCG existed"));
    }

    #[test]
    fn ccg_joint_committees_from_october_2014() {
        let ccgs = [b("A", BodyKind::Ccg), b("B", BodyKind::Ccg)];
        assert_eq!(
            lawfulness(Vehicle::JointCommittee, &ccgs, d(2014, 9, 30))
                .unwrap()
                .verdict,
            Verdict::NotLawful
        );
        let l = lawfulness(Vehicle::JointCommittee, &ccgs, d(2014, 10, 1)).unwrap();
        assert_eq!(l.verdict, Verdict::Lawful);
        assert!(l.reasons[0].source.is_some());
        // CCGs and councils: no joint committee before 2022.
        let mixed = [b("A", BodyKind::Ccg), b("L", BodyKind::LocalAuthority)];
        assert!(
            !lawfulness(Vehicle::JointCommittee, &mixed, d(2017, 10, 4))
                .unwrap()
                .is_possible()
        );
    }

    #[test]
    fn other_vehicles() {
        let one = [b("A", BodyKind::Ccg)];
        assert_eq!(
            lawfulness(Vehicle::CcgSpecificCommittee, &one, d(2017, 1, 1))
                .unwrap()
                .verdict,
            Verdict::Lawful
        );
        assert!(
            !lawfulness(Vehicle::CcgSpecificCommittee, &one, d(2023, 1, 1))
                .unwrap()
                .is_possible()
        );
        let two = [b("A", BodyKind::Ccg), b("L", BodyKind::LocalAuthority)];
        assert!(
            !lawfulness(Vehicle::CcgSpecificCommittee, &two, d(2017, 1, 1))
                .unwrap()
                .is_possible()
        );
        assert!(matches!(
            lawfulness(Vehicle::CommitteesInCommon, &two, d(2017, 1, 1))
                .unwrap()
                .verdict,
            Verdict::LawfulIf(_)
        ));
        assert!(
            !lawfulness(Vehicle::CommitteesInCommon, &one, d(2017, 1, 1))
                .unwrap()
                .is_possible()
        );
        let vol = [b("A", BodyKind::Ccg), b("V", BodyKind::VoluntarySector)];
        assert!(
            !lawfulness(Vehicle::CommitteesInCommon, &vol, d(2017, 1, 1))
                .unwrap()
                .is_possible()
        );
        assert!(
            !lawfulness(Vehicle::IndividualDelegation, &vol, d(2017, 1, 1))
                .unwrap()
                .is_possible()
        );
        assert!(
            lawfulness(Vehicle::JointWorkingGroup, &vol, d(2017, 1, 1))
                .unwrap()
                .is_possible()
        );
        assert!(matches!(
            lawfulness(Vehicle::JointWorkingGroup, &[], d(2017, 1, 1)),
            Err(Error::Invalid { .. })
        ));
        let dup = [b("A", BodyKind::Ccg), b("A", BodyKind::Ccg)];
        assert!(matches!(
            lawfulness(Vehicle::JointWorkingGroup, &dup, d(2017, 1, 1)),
            Err(Error::Duplicate { .. })
        ));
    }

    #[test]
    fn recommendation_falls_back_to_lawful_vehicle() {
        // Three CCGs and two councils in 2017: no joint committee, so committees in common.
        let c = Circumstances {
            members: vec![
                b("A", BodyKind::Ccg),
                b("B", BodyKind::Ccg),
                b("C", BodyKind::Ccg),
                b("L1", BodyKind::LocalAuthority),
                b("L2", BodyKind::LocalAuthority),
            ],
            date: d(2017, 10, 4),
            purpose: Purpose::CommissioningDecisions,
            alignment: ViewAlignment::Varied,
        };
        let r = recommend(&c).unwrap();
        assert_eq!(r.vehicle, Some(Vehicle::CommitteesInCommon));
        assert_eq!(r.considered.len(), 2);
        assert!(
            r.explanation
                .iter()
                .any(|e| e.starts_with("joint committee: not lawful"))
        );
        let single = Circumstances {
            members: vec![b("A", BodyKind::Ccg)],
            purpose: Purpose::SingleBodyStatutoryCommittee,
            ..c.clone()
        };
        assert_eq!(
            recommend(&single).unwrap().vehicle,
            Some(Vehicle::CcgSpecificCommittee)
        );
        let gone = Circumstances {
            date: d(2023, 1, 1),
            ..single
        };
        assert_eq!(recommend(&gone).unwrap().vehicle, None);
        let quick = Circumstances {
            alignment: ViewAlignment::LittleVariation,
            ..c.clone()
        };
        assert_eq!(
            recommend(&quick).unwrap().vehicle,
            Some(Vehicle::IndividualDelegation)
        );
        let talk = Circumstances {
            purpose: Purpose::Discussion,
            ..c.clone()
        };
        assert_eq!(
            recommend(&talk).unwrap().vehicle,
            Some(Vehicle::JointWorkingGroup)
        );
        let audit = Circumstances {
            purpose: Purpose::AssuranceCommittees,
            alignment: ViewAlignment::VeryClose,
            ..c
        };
        assert_eq!(
            recommend(&audit).unwrap().vehicle,
            Some(Vehicle::CommitteesInCommon)
        );
    }
}
