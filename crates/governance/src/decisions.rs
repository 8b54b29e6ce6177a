//! Co-commissioners' decision rules applied to recorded votes, with the outcome explained.
//!
//! A [`DecisionGroup`] (a board or committee) has members, each optionally weighted by its
//! contribution. A [`DecisionRule`] sets the quorum, the ordinary rule (unanimity, majority,
//! supermajority, weighted by contribution) and reserved matters that need a stricter rule.
//! [`decide`] applies the rule to the [`Vote`]s on a [`Motion`] and returns a [`Decision`]
//! whose explanation lists each test applied. The outcome never depends on the order in
//! which votes are recorded.
//!
//! # Source
//!
//! Seed 000 ("agreeing the process for making decisions as co-commissioners") and seed 003
//! (the Coventry and Warwickshire Collaborative Commissioning Board of three CCGs and two
//! councils). The rules themselves are local choices recorded in the group's terms of
//! reference; the crate applies them.
//!
//! ```
//! use governance::decisions::*;
//! use governance::{Body, BodyKind};
//! use route_map_core::Money;
//! let group = DecisionGroup::new("Board", vec![
//!     Member { body: Body::new("A", "A CCG", BodyKind::Ccg)?, contribution: Money::from_pounds(3) },
//!     Member { body: Body::new("B", "B Council", BodyKind::LocalAuthority)?, contribution: Money::from_pounds(1) },
//! ])?;
//! let rule = DecisionRule { ordinary: VotingRule::Unanimity, quorum: Quorum::default(), reserved: vec![] };
//! let motion = Motion { title: "Adopt plan".into(), reserved_matter: None };
//! let votes = vec![Vote { body: "A".into(), choice: Choice::For }, Vote { body: "B".into(), choice: Choice::For }];
//! assert_eq!(decide(&group, &rule, &motion, &votes)?.outcome, Outcome::Carried);
//! # Ok::<(), governance::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use route_map_core::{Money, Share};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::body::{self, Body, BodyKind};
use crate::error::{Error, Result};

/// A member of a deciding group, with its contribution (used by weighted voting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Member {
    /// The member body.
    pub body: Body,
    /// Its contribution to the shared budget (zero if not weighted).
    pub contribution: Money,
}

/// A board or committee whose members vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawDecisionGroup")]
pub struct DecisionGroup {
    name: String,
    members: Vec<Member>,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct RawDecisionGroup {
    name: String,
    members: Vec<Member>,
}

impl TryFrom<RawDecisionGroup> for DecisionGroup {
    type Error = Error;
    fn try_from(raw: RawDecisionGroup) -> Result<DecisionGroup> {
        DecisionGroup::new(raw.name, raw.members)
    }
}

impl DecisionGroup {
    /// A group with at least one member, no member twice, no negative contribution.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for no members or a negative contribution, [`Error::Duplicate`] for
    /// a repeated member.
    pub fn new(name: impl Into<String>, members: Vec<Member>) -> Result<DecisionGroup> {
        let name = name.into();
        if members.is_empty() {
            return Err(Error::invalid(format!("group {name:?}"), "has no members"));
        }
        let bodies: Vec<Body> = members.iter().map(|m| m.body.clone()).collect();
        body::check_unique(&bodies, &name)?;
        if let Some(m) = members.iter().find(|m| m.contribution.is_negative()) {
            return Err(Error::invalid(
                format!("contribution of {} in {name}", m.body.id()),
                "is negative",
            ));
        }
        Ok(DecisionGroup { name, members })
    }

    /// The name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The members.
    #[must_use]
    pub fn members(&self) -> &[Member] {
        &self.members
    }
}

/// How a motion is carried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum VotingRule {
    /// Every member present votes for (an abstention or vote against defeats the motion).
    Unanimity,
    /// More votes for than against among members voting.
    Majority,
    /// Votes for are at least this share of members voting for or against.
    Supermajority(Share),
    /// Contributions of members voting for are more than this share of the contributions of
    /// members voting for or against.
    WeightedByContribution(Share),
}

impl fmt::Display for VotingRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VotingRule::Unanimity => f.write_str("unanimity of members present"),
            VotingRule::Majority => f.write_str("simple majority of votes cast"),
            VotingRule::Supermajority(s) => {
                write!(
                    f,
                    "at least {}% of votes cast",
                    s.to_percentage().as_decimal().normalize()
                )
            }
            VotingRule::WeightedByContribution(s) => write!(
                f,
                "more than {}% of the contributions of members voting",
                s.to_percentage().as_decimal().normalize()
            ),
        }
    }
}

/// The quorum: how many members must be present, and kinds that must be represented.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Quorum {
    /// Minimum number of members present (voting for, against or abstaining).
    pub min_present: usize,
    /// At least one member of each of these kinds must be present.
    #[serde(default)]
    pub kinds_present: Vec<BodyKind>,
    /// These members must be present.
    #[serde(default)]
    pub members_present: Vec<String>,
}

/// A reserved matter and the stricter rule it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReservedMatter {
    /// Identifier, e.g. `budget-change`.
    pub id: String,
    /// Description.
    pub description: String,
    /// The rule for this matter.
    pub rule: VotingRule,
}

/// A group's decision rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DecisionRule {
    /// The ordinary rule.
    pub ordinary: VotingRule,
    /// The quorum.
    pub quorum: Quorum,
    /// Reserved matters.
    #[serde(default)]
    pub reserved: Vec<ReservedMatter>,
}

/// A motion put to the group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Motion {
    /// What is proposed.
    pub title: String,
    /// The reserved matter it falls under, if any.
    #[serde(default)]
    pub reserved_matter: Option<String>,
}

/// A member's vote.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// For.
    For,
    /// Against.
    Against,
    /// Present, abstaining.
    Abstain,
}

/// A recorded vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Vote {
    /// The member's body id.
    pub body: String,
    /// The vote.
    pub choice: Choice,
}

/// The outcome of a motion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Carried.
    Carried,
    /// Defeated.
    Defeated,
    /// Not decided: the meeting was not quorate.
    Inquorate,
}

/// The decision with its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Decision {
    /// The motion.
    pub motion: String,
    /// The outcome.
    pub outcome: Outcome,
    /// The rule applied.
    pub rule: String,
    /// Members voting for, against and abstaining, by id (sorted).
    pub tally: BTreeMap<Choice, Vec<String>>,
    /// Each test applied, in order.
    pub explanation: Vec<String>,
}

/// Apply a group's decision rule to the votes on a motion.
///
/// # Errors
///
/// - [`Error::NotAMember`] for a vote by a body that is not a member;
/// - [`Error::DuplicateVote`] for a member voting twice;
/// - [`Error::Unknown`] for a reserved matter the rule does not define;
/// - [`Error::UnknownBody`] for a quorum naming a non-member;
/// - [`Error::Duplicate`] for a reserved matter defined twice;
/// - [`Error::Invalid`] for a quorum that needs more members present than the group has.
pub fn decide(
    group: &DecisionGroup,
    rule: &DecisionRule,
    motion: &Motion,
    votes: &[Vote],
) -> Result<Decision> {
    check_rule(group, rule)?;
    let mut choices: BTreeMap<&str, Choice> = BTreeMap::new();
    for v in votes {
        if !group.members.iter().any(|m| m.body.id() == v.body) {
            return Err(Error::NotAMember {
                body: v.body.clone(),
                group: group.name.clone(),
                motion: motion.title.clone(),
            });
        }
        if choices.insert(v.body.as_str(), v.choice).is_some() {
            return Err(Error::DuplicateVote {
                body: v.body.clone(),
                motion: motion.title.clone(),
            });
        }
    }
    let voting_rule = match &motion.reserved_matter {
        None => &rule.ordinary,
        Some(id) => {
            &rule
                .reserved
                .iter()
                .find(|r| &r.id == id)
                .ok_or_else(|| Error::Unknown {
                    kind: "reserved matter",
                    id: id.clone(),
                })?
                .rule
        }
    };
    let mut tally: BTreeMap<Choice, Vec<String>> = BTreeMap::new();
    for (id, c) in &choices {
        tally.entry(*c).or_default().push((*id).to_owned());
    }
    let mut explanation = Vec::new();
    if let Some(id) = &motion.reserved_matter {
        explanation.push(format!("reserved matter {id}: decided by {voting_rule}"));
    }
    let present = choices.len();
    // Quorum.
    let mut quorate = present >= rule.quorum.min_present;
    explanation.push(format!(
        "quorum: {present} of {} members present, {} required",
        group.members.len(),
        rule.quorum.min_present
    ));
    let kinds_present: BTreeSet<BodyKind> = group
        .members
        .iter()
        .filter(|m| choices.contains_key(m.body.id()))
        .map(|m| m.body.kind())
        .collect();
    for k in &rule.quorum.kinds_present {
        if !kinds_present.contains(k) {
            quorate = false;
            explanation.push(format!("quorum: no {k} present"));
        }
    }
    let member_bodies: Vec<Body> = group.members.iter().map(|m| m.body.clone()).collect();
    for id in &rule.quorum.members_present {
        body::find(&member_bodies, id, "quorum")?;
        if !choices.contains_key(id.as_str()) {
            quorate = false;
            explanation.push(format!("quorum: {id} must be present and is not"));
        }
    }
    let count = |c: Choice| tally.get(&c).map_or(0, Vec::len);
    let (for_n, against_n, abstain_n) = (
        count(Choice::For),
        count(Choice::Against),
        count(Choice::Abstain),
    );
    let outcome = if !quorate {
        explanation.push("not quorate: no decision".into());
        Outcome::Inquorate
    } else {
        explanation.push(format!(
            "votes: {for_n} for, {against_n} against, {abstain_n} abstaining"
        ));
        let carried = match voting_rule {
            VotingRule::Unanimity => {
                let ok = present > 0 && for_n == present;
                explanation.push(if ok {
                    "unanimity: every member present voted for".into()
                } else {
                    "unanimity: not every member present voted for".into()
                });
                ok
            }
            VotingRule::Majority => {
                let ok = for_n > against_n;
                explanation.push(format!(
                    "majority: {for_n} for {} {against_n} against",
                    if ok { "exceeds" } else { "does not exceed" }
                ));
                ok
            }
            VotingRule::Supermajority(share) => {
                let cast = for_n + against_n;
                let ok = cast > 0
                    && Decimal::from(for_n as u64)
                        >= share.as_decimal() * Decimal::from(cast as u64);
                explanation.push(format!(
                    "supermajority: {for_n} of {cast} votes cast for, {} needed",
                    share.as_decimal() * Decimal::from(cast as u64)
                ));
                ok
            }
            VotingRule::WeightedByContribution(share) => {
                let weight = |c: Choice| -> Result<Money> {
                    Ok(Money::sum(
                        group
                            .members
                            .iter()
                            .filter(|m| choices.get(m.body.id()) == Some(&c))
                            .map(|m| m.contribution),
                    )?)
                };
                let w_for = weight(Choice::For)?;
                let w_against = weight(Choice::Against)?;
                let cast = w_for.checked_add(w_against)?;
                let ok =
                    !cast.is_zero() && w_for.as_decimal() > share.as_decimal() * cast.as_decimal();
                explanation.push(format!(
                    "weighted by contribution: {w_for} for of {cast} cast; more than {}% needed",
                    share.to_percentage().as_decimal().normalize()
                ));
                ok
            }
        };
        if carried {
            Outcome::Carried
        } else {
            Outcome::Defeated
        }
    };
    Ok(Decision {
        motion: motion.title.clone(),
        outcome,
        rule: voting_rule.to_string(),
        tally,
        explanation,
    })
}

/// A rule that no meeting could satisfy, or that is ambiguous, is bad input rather than a
/// motion that is always inquorate or decided by whichever definition comes first.
fn check_rule(group: &DecisionGroup, rule: &DecisionRule) -> Result<()> {
    let mut ids = BTreeSet::new();
    for r in &rule.reserved {
        if !ids.insert(r.id.as_str()) {
            return Err(Error::Duplicate {
                kind: "reserved matter",
                id: r.id.clone(),
                context: format!("decision rule of {}", group.name),
            });
        }
    }
    if rule.quorum.min_present > group.members.len() {
        return Err(Error::invalid(
            format!("quorum of {}", group.name),
            format!(
                "needs {} members present but the group has {}",
                rule.quorum.min_present,
                group.members.len()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn group() -> DecisionGroup {
        let m = |id: &str, kind, pounds| Member {
            body: Body::new(id, format!("{id} body"), kind).unwrap(),
            contribution: Money::from_pounds(pounds),
        };
        DecisionGroup::new(
            "CWCC Board",
            vec![
                m("CRCCG", BodyKind::Ccg, 27),
                m("SWCCG", BodyKind::Ccg, 22),
                m("WNCCG", BodyKind::Ccg, 9),
                m("CCC", BodyKind::LocalAuthority, 5),
                m("WCC", BodyKind::LocalAuthority, 5),
            ],
        )
        .unwrap()
    }

    fn rule(ordinary: VotingRule) -> DecisionRule {
        DecisionRule {
            ordinary,
            quorum: Quorum {
                min_present: 3,
                kinds_present: vec![BodyKind::Ccg, BodyKind::LocalAuthority],
                members_present: vec![],
            },
            reserved: vec![ReservedMatter {
                id: "budget".into(),
                description: "changes to contributions".into(),
                rule: VotingRule::Unanimity,
            }],
        }
    }

    fn v(id: &str, choice: Choice) -> Vote {
        Vote {
            body: id.into(),
            choice,
        }
    }

    fn motion(reserved: Option<&str>) -> Motion {
        Motion {
            title: "m".into(),
            reserved_matter: reserved.map(str::to_owned),
        }
    }

    #[test]
    fn rules_give_different_outcomes() {
        let g = group();
        let votes = vec![
            v("CRCCG", Choice::For),
            v("SWCCG", Choice::For),
            v("WNCCG", Choice::Against),
            v("CCC", Choice::Against),
            v("WCC", Choice::Against),
        ];
        let d = |r| decide(&g, &rule(r), &motion(None), &votes).unwrap().outcome;
        assert_eq!(d(VotingRule::Majority), Outcome::Defeated);
        assert_eq!(d(VotingRule::Unanimity), Outcome::Defeated);
        // 49 of 68 contributions for: 72% > 50%.
        assert_eq!(
            d(VotingRule::WeightedByContribution("0.5".parse().unwrap())),
            Outcome::Carried
        );
        assert_eq!(
            d(VotingRule::WeightedByContribution("0.75".parse().unwrap())),
            Outcome::Defeated
        );
        assert_eq!(
            d(VotingRule::Supermajority("0.4".parse().unwrap())),
            Outcome::Carried
        );
    }

    #[test]
    fn reserved_matter_needs_its_rule() {
        let g = group();
        let votes = vec![
            v("CRCCG", Choice::For),
            v("SWCCG", Choice::For),
            v("CCC", Choice::For),
            v("WCC", Choice::Abstain),
        ];
        let r = rule(VotingRule::Majority);
        assert_eq!(
            decide(&g, &r, &motion(None), &votes).unwrap().outcome,
            Outcome::Carried
        );
        let d = decide(&g, &r, &motion(Some("budget")), &votes).unwrap();
        assert_eq!(d.outcome, Outcome::Defeated);
        assert!(d.explanation[0].contains("reserved matter budget"));
        assert!(matches!(
            decide(&g, &r, &motion(Some("nope")), &votes),
            Err(Error::Unknown { .. })
        ));
    }

    #[test]
    fn quorum_needs_each_kind() {
        let g = group();
        let votes = vec![
            v("CRCCG", Choice::For),
            v("SWCCG", Choice::For),
            v("WNCCG", Choice::For),
        ];
        let d = decide(&g, &rule(VotingRule::Majority), &motion(None), &votes).unwrap();
        assert_eq!(d.outcome, Outcome::Inquorate);
        assert!(
            d.explanation
                .iter()
                .any(|e| e.contains("no local authority"))
        );
        let mut r = rule(VotingRule::Majority);
        r.quorum.kinds_present.clear();
        r.quorum.members_present = vec!["WCC".into()];
        assert_eq!(
            decide(&g, &r, &motion(None), &votes).unwrap().outcome,
            Outcome::Inquorate
        );
        r.quorum.members_present = vec!["XX".into()];
        assert!(matches!(
            decide(&g, &r, &motion(None), &votes),
            Err(Error::UnknownBody { .. })
        ));
    }

    #[test]
    fn non_member_and_double_votes_are_errors() {
        let g = group();
        let r = rule(VotingRule::Majority);
        assert!(matches!(
            decide(&g, &r, &motion(None), &[v("NHSE", Choice::For)]),
            Err(Error::NotAMember { body, .. }) if body == "NHSE"
        ));
        assert!(matches!(
            decide(
                &g,
                &r,
                &motion(None),
                &[v("CCC", Choice::For), v("CCC", Choice::Against)]
            ),
            Err(Error::DuplicateVote { .. })
        ));
    }

    #[test]
    fn rules_no_meeting_could_apply_are_rejected() {
        let g = group();
        let votes = [v("CRCCG", Choice::For)];
        let mut r = rule(VotingRule::Majority);
        r.reserved.push(r.reserved[0].clone());
        assert!(matches!(
            decide(&g, &r, &motion(None), &votes),
            Err(Error::Duplicate {
                kind: "reserved matter",
                ..
            })
        ));
        let mut r = rule(VotingRule::Majority);
        r.quorum.min_present = 6;
        let e = decide(&g, &r, &motion(None), &votes).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid quorum of CWCC Board: needs 6 members present but the group has 5"
        );
        r.quorum.min_present = 5;
        assert_eq!(
            decide(&g, &r, &motion(None), &votes).unwrap().outcome,
            Outcome::Inquorate
        );
    }

    #[test]
    fn bad_groups_are_rejected() {
        assert!(DecisionGroup::new("x", vec![]).is_err());
        let m = Member {
            body: Body::new("A", "A", BodyKind::Ccg).unwrap(),
            contribution: Money::from_pence(-1),
        };
        assert!(matches!(
            DecisionGroup::new("x", vec![m.clone()]),
            Err(Error::Invalid { .. })
        ));
        let ok = Member {
            contribution: Money::ZERO,
            ..m
        };
        assert!(matches!(
            DecisionGroup::new("x", vec![ok.clone(), ok]),
            Err(Error::Duplicate { .. })
        ));
    }

    fn choice() -> impl Strategy<Value = Option<Choice>> {
        prop_oneof![
            Just(None),
            Just(Some(Choice::For)),
            Just(Some(Choice::Against)),
            Just(Some(Choice::Abstain)),
        ]
    }

    fn any_rule() -> impl Strategy<Value = VotingRule> {
        prop_oneof![
            Just(VotingRule::Unanimity),
            Just(VotingRule::Majority),
            route_map_core::strategies::share().prop_map(VotingRule::Supermajority),
            route_map_core::strategies::share().prop_map(VotingRule::WeightedByContribution),
        ]
    }

    proptest! {
        #[test]
        fn prop_decision_does_not_depend_on_vote_order(
            choices in proptest::collection::vec(choice(), 5),
            r in any_rule(),
            reserved in any::<bool>(),
            seed in any::<u64>(),
        ) {
            let g = group();
            let ids = ["CRCCG", "SWCCG", "WNCCG", "CCC", "WCC"];
            let votes: Vec<Vote> = ids.iter().zip(&choices)
                .filter_map(|(id, c)| c.map(|c| v(id, c)))
                .collect();
            let mut shuffled = votes.clone();
            // Deterministic Fisher-Yates from the seed.
            let mut s = seed;
            for i in (1..shuffled.len()).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let j = usize::try_from(s >> 33).unwrap() % (i + 1);
                shuffled.swap(i, j);
            }
            let rule = rule(r);
            let m = motion(reserved.then_some("budget"));
            let a = decide(&g, &rule, &m, &votes).unwrap();
            let b = decide(&g, &rule, &m, &shuffled).unwrap();
            prop_assert_eq!(a, b);
        }
    }
}
