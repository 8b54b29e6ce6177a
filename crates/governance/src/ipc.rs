//! The IPC matrix: seven commissioning areas by four levels of integration, as an assessment
//! of where a system is, where it wants to be, and what moving each gap requires.
//!
//! # Source
//!
//! Seed 001 section 3.5 summarises the Institute of Public Care matrix (the IPC primary
//! document is not verified; every requirement carries that note in its [`SourceRef`]).
//!
//! ```
//! use governance::ipc::{IpcArea, IpcAssessment, IpcLevel, AreaRating};
//! let ratings = IpcArea::ALL
//!     .iter()
//!     .map(|&area| AreaRating { area, current: IpcLevel::Parallel, target: IpcLevel::Joint, evidence: None })
//!     .collect();
//! let assessment = IpcAssessment::new("Sample system", ratings)?;
//! let profile = assessment.profile()?;
//! assert_eq!(profile.gaps().count(), 7);
//! # Ok::<(), governance::Error>(())
//! ```

use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

use route_map_core::SourceRef;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The seven commissioning and contracting areas of the IPC matrix.
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
pub enum IpcArea {
    /// Strategic direction and leadership.
    StrategicDirectionAndLeadership,
    /// Understanding population needs.
    UnderstandingPopulationNeeds,
    /// Resource allocation and management.
    ResourceAllocationAndManagement,
    /// Market intelligence and market facilitation.
    MarketIntelligenceAndFacilitation,
    /// Procurement.
    Procurement,
    /// Stakeholder engagement.
    StakeholderEngagement,
    /// The commissioning function.
    CommissioningFunction,
}

impl IpcArea {
    /// All seven areas, in the seed's order.
    pub const ALL: [IpcArea; 7] = [
        IpcArea::StrategicDirectionAndLeadership,
        IpcArea::UnderstandingPopulationNeeds,
        IpcArea::ResourceAllocationAndManagement,
        IpcArea::MarketIntelligenceAndFacilitation,
        IpcArea::Procurement,
        IpcArea::StakeholderEngagement,
        IpcArea::CommissioningFunction,
    ];
}

impl fmt::Display for IpcArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = catalogue()
            .ok()
            .and_then(|c| c.area.iter().find(|a| a.area == *self))
            .map_or("?", |a| a.label.as_str());
        f.write_str(label)
    }
}

/// The four levels of integration, ordered from separate to integrated.
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
pub enum IpcLevel {
    /// Actions and decisions arrived at independently and without coordination.
    Separate,
    /// Arrived at with reference to other agencies.
    Parallel,
    /// Developed in partnership by separate agencies.
    Joint,
    /// Arrived at through a single organisation or network.
    Integrated,
}

impl IpcLevel {
    /// All four levels, in order.
    pub const ALL: [IpcLevel; 4] = [
        IpcLevel::Separate,
        IpcLevel::Parallel,
        IpcLevel::Joint,
        IpcLevel::Integrated,
    ];

    /// Position from 0 (separate) to 3 (integrated).
    #[must_use]
    pub fn rank(self) -> i8 {
        match self {
            IpcLevel::Separate => 0,
            IpcLevel::Parallel => 1,
            IpcLevel::Joint => 2,
            IpcLevel::Integrated => 3,
        }
    }

    fn from_rank(rank: i8) -> Option<IpcLevel> {
        IpcLevel::ALL.into_iter().find(|l| l.rank() == rank)
    }

    /// The seed's definition of the level.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded catalogue is broken.
    pub fn definition(self) -> Result<&'static str> {
        catalogue()?
            .level
            .iter()
            .find(|l| l.level == self)
            .map(|l| l.definition.as_str())
            .ok_or_else(|| Error::EmbeddedData {
                name: "ipc.toml",
                reason: format!("no definition for {self}"),
            })
    }
}

impl fmt::Display for IpcLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IpcLevel::Separate => "separate",
            IpcLevel::Parallel => "parallel",
            IpcLevel::Joint => "joint",
            IpcLevel::Integrated => "integrated",
        })
    }
}

#[derive(Debug, Deserialize)]
struct Catalogue {
    source: SourceRef,
    level: Vec<LevelData>,
    area: Vec<AreaData>,
    step: Vec<StepData>,
}

#[derive(Debug, Deserialize)]
struct LevelData {
    level: IpcLevel,
    definition: String,
}

#[derive(Debug, Deserialize)]
struct AreaData {
    area: IpcArea,
    label: String,
    joint_looks_like: String,
}

#[derive(Debug, Deserialize)]
struct StepData {
    from: IpcLevel,
    to: IpcLevel,
    governance: String,
    requires: Vec<String>,
}

static CATALOGUE: OnceLock<std::result::Result<Catalogue, String>> = OnceLock::new();

fn catalogue() -> Result<&'static Catalogue> {
    crate::data::load(&CATALOGUE, "ipc.toml", include_str!("../data/ipc.toml"))
}

/// One area's current and target level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AreaRating {
    /// The area.
    pub area: IpcArea,
    /// Where the system is now.
    pub current: IpcLevel,
    /// Where it wants to be.
    pub target: IpcLevel,
    /// Evidence for the current rating, if recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// A system's IPC assessment: every one of the seven areas rated exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawIpcAssessment")]
pub struct IpcAssessment {
    system: String,
    ratings: Vec<AreaRating>,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct RawIpcAssessment {
    system: String,
    ratings: Vec<AreaRating>,
}

impl TryFrom<RawIpcAssessment> for IpcAssessment {
    type Error = Error;
    fn try_from(raw: RawIpcAssessment) -> Result<IpcAssessment> {
        IpcAssessment::new(raw.system, raw.ratings)
    }
}

/// One move of one level, and what it requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IpcMove {
    /// The area.
    pub area: IpcArea,
    /// From.
    pub from: IpcLevel,
    /// To (one level up or down).
    pub to: IpcLevel,
    /// The governance the new level implies.
    pub governance: String,
    /// What the move requires.
    pub requires: Vec<String>,
    /// Where the requirement comes from.
    pub source: SourceRef,
}

/// One row of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AreaProfile {
    /// The area.
    pub area: IpcArea,
    /// Current level.
    pub current: IpcLevel,
    /// Target level.
    pub target: IpcLevel,
    /// Levels to move: positive towards integration, negative back towards separation.
    pub gap: i8,
    /// What joint working looks like in this area.
    pub joint_looks_like: String,
    /// The moves from current to target, one level at a time.
    pub moves: Vec<IpcMove>,
}

/// The profile of an assessment: one row per area, in the seed's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IpcProfile {
    /// The system assessed.
    pub system: String,
    /// The rows.
    pub rows: Vec<AreaProfile>,
}

impl IpcProfile {
    /// Rows with a gap between current and target.
    pub fn gaps(&self) -> impl Iterator<Item = &AreaProfile> {
        self.rows.iter().filter(|r| r.gap != 0)
    }

    /// The lowest current level across areas (the system is no more integrated than this).
    #[must_use]
    pub fn floor(&self) -> Option<IpcLevel> {
        self.rows.iter().map(|r| r.current).min()
    }

    /// Number of areas at each current level, in level order.
    #[must_use]
    pub fn current_counts(&self) -> [(IpcLevel, usize); 4] {
        IpcLevel::ALL.map(|l| (l, self.rows.iter().filter(|r| r.current == l).count()))
    }
}

impl fmt::Display for IpcProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "IPC matrix: {} (C current, T target, * both)",
            self.system
        )?;
        writeln!(
            f,
            "  {:<46} {:^9} {:^9} {:^9} {:^10}",
            "area", "separate", "parallel", "joint", "integrated"
        )?;
        for r in &self.rows {
            let cells: Vec<&str> = IpcLevel::ALL
                .iter()
                .map(|l| match (r.current == *l, r.target == *l) {
                    (true, true) => "*",
                    (true, false) => "C",
                    (false, true) => "T",
                    _ => ".",
                })
                .collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or(".");
            writeln!(
                f,
                "  {:<46} {:^9} {:^9} {:^9} {:^10}",
                r.area.to_string(),
                cell(0),
                cell(1),
                cell(2),
                cell(3)
            )?;
        }
        for r in self.gaps() {
            for m in &r.moves {
                writeln!(
                    f,
                    "  {}: {} -> {}: {}",
                    r.area,
                    m.from,
                    m.to,
                    m.requires.join("; ")
                )?;
            }
        }
        Ok(())
    }
}

impl IpcAssessment {
    /// An assessment of `system`, which must rate each of the seven areas exactly once.
    ///
    /// # Errors
    ///
    /// [`Error::Duplicate`] for an area rated twice, [`Error::Invalid`] for an area not rated
    /// or a blank system name.
    pub fn new(system: impl Into<String>, ratings: Vec<AreaRating>) -> Result<IpcAssessment> {
        let system = system.into();
        if system.trim().is_empty() {
            return Err(Error::invalid("IPC assessment system", "is blank"));
        }
        let mut seen = BTreeSet::new();
        for r in &ratings {
            if !seen.insert(r.area) {
                return Err(Error::Duplicate {
                    kind: "IPC area",
                    id: r.area.to_string(),
                    context: system.clone(),
                });
            }
        }
        if let Some(missing) = IpcArea::ALL.iter().find(|a| !seen.contains(a)) {
            return Err(Error::invalid(
                format!("IPC assessment of {system}"),
                format!("area {missing} is not rated"),
            ));
        }
        let mut ratings = ratings;
        ratings.sort_by_key(|r| r.area);
        Ok(IpcAssessment { system, ratings })
    }

    /// The system assessed.
    #[must_use]
    pub fn system(&self) -> &str {
        &self.system
    }

    /// The ratings, in the seed's area order.
    #[must_use]
    pub fn ratings(&self) -> &[AreaRating] {
        &self.ratings
    }

    fn rating(&self, area: IpcArea) -> Result<&AreaRating> {
        self.ratings
            .iter()
            .find(|r| r.area == area)
            .ok_or_else(|| Error::invalid("IPC area", format!("{area} is not rated")))
    }

    /// The profile: each area's gap and the moves, one level at a time, that close it.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded catalogue is broken.
    pub fn profile(&self) -> Result<IpcProfile> {
        let cat = catalogue()?;
        let rows = self
            .ratings
            .iter()
            .map(|r| {
                let joint_looks_like = cat
                    .area
                    .iter()
                    .find(|a| a.area == r.area)
                    .map(|a| a.joint_looks_like.clone())
                    .unwrap_or_default();
                let step: i8 = if r.target >= r.current { 1 } else { -1 };
                let mut path = vec![r.current];
                let mut level = r.current;
                while level != r.target {
                    match IpcLevel::from_rank(level.rank() + step) {
                        Some(next) => {
                            path.push(next);
                            level = next;
                        }
                        None => break,
                    }
                }
                Ok(AreaProfile {
                    area: r.area,
                    current: r.current,
                    target: r.target,
                    gap: r.target.rank() - r.current.rank(),
                    joint_looks_like,
                    moves: moves(r.area, &path)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(IpcProfile {
            system: self.system.clone(),
            rows,
        })
    }

    /// Check a stated path for one area: it must start at the current level, end at the
    /// target, and move one level at a time. Returns the moves with what each requires.
    ///
    /// # Errors
    ///
    /// [`Error::IpcLevelSkipped`] when consecutive levels are more than one apart;
    /// [`Error::IpcPathMismatch`] when the path does not start at the current level or end at
    /// the target, or is empty; [`Error::Invalid`] when a level repeats.
    ///
    /// # Examples
    ///
    /// ```
    /// use governance::ipc::{IpcArea, IpcAssessment, IpcLevel, AreaRating};
    /// use governance::Error;
    /// let ratings = IpcArea::ALL.iter().map(|&area| AreaRating {
    ///     area, current: IpcLevel::Separate, target: IpcLevel::Joint, evidence: None,
    /// }).collect();
    /// let a = IpcAssessment::new("S", ratings)?;
    /// let skip = a.check_path(IpcArea::Procurement, &[IpcLevel::Separate, IpcLevel::Joint]);
    /// assert!(matches!(skip, Err(Error::IpcLevelSkipped { .. })));
    /// # Ok::<(), governance::Error>(())
    /// ```
    pub fn check_path(&self, area: IpcArea, path: &[IpcLevel]) -> Result<Vec<IpcMove>> {
        let rating = self.rating(area)?;
        let (Some(first), Some(last)) = (path.first(), path.last()) else {
            return Err(Error::IpcPathMismatch {
                area: area.to_string(),
                reason: "is empty".into(),
            });
        };
        if *first != rating.current {
            return Err(Error::IpcPathMismatch {
                area: area.to_string(),
                reason: format!(
                    "starts at {first} but the current level is {}",
                    rating.current
                ),
            });
        }
        if *last != rating.target {
            return Err(Error::IpcPathMismatch {
                area: area.to_string(),
                reason: format!("ends at {last} but the target is {}", rating.target),
            });
        }
        moves(area, path)
    }
}

fn moves(area: IpcArea, path: &[IpcLevel]) -> Result<Vec<IpcMove>> {
    let cat = catalogue()?;
    let mut out = Vec::new();
    for pair in path.windows(2) {
        let [from, to] = pair else { continue };
        let diff = to.rank() - from.rank();
        if diff == 0 {
            return Err(Error::invalid(
                format!("path for {area}"),
                format!("repeats the level {from}"),
            ));
        }
        if diff.abs() > 1 {
            let (lo, hi) = if diff > 0 { (from, to) } else { (to, from) };
            let skipped: Vec<String> = IpcLevel::ALL
                .iter()
                .filter(|l| l > &lo && l < &hi)
                .map(ToString::to_string)
                .collect();
            return Err(Error::IpcLevelSkipped {
                area: area.to_string(),
                from: from.to_string(),
                to: to.to_string(),
                skipped: skipped.join(" and "),
            });
        }
        let (lower, upper) = if diff > 0 { (*from, *to) } else { (*to, *from) };
        let step = cat
            .step
            .iter()
            .find(|s| s.from == lower && s.to == upper)
            .ok_or_else(|| Error::EmbeddedData {
                name: "ipc.toml",
                reason: format!("no step from {lower} to {upper}"),
            })?;
        let (governance, requires) = if diff > 0 {
            (step.governance.clone(), step.requires.clone())
        } else {
            (
                format!(
                    "step back from {upper} to {lower}: unwind {}",
                    step.governance
                ),
                vec![format!(
                    "agree how the {upper} arrangements are ended and who takes back each decision"
                )],
            )
        };
        out.push(IpcMove {
            area,
            from: *from,
            to: *to,
            governance,
            requires,
            source: cat.source.clone(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(current: IpcLevel, target: IpcLevel) -> IpcAssessment {
        IpcAssessment::new(
            "S",
            IpcArea::ALL
                .iter()
                .map(|&area| AreaRating {
                    area,
                    current,
                    target,
                    evidence: None,
                })
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn catalogue_is_complete() {
        let cat = catalogue().unwrap();
        assert_eq!(cat.area.len(), 7);
        assert_eq!(cat.level.len(), 4);
        assert_eq!(cat.step.len(), 3);
        for l in IpcLevel::ALL {
            assert!(!l.definition().unwrap().is_empty());
        }
        assert_eq!(
            IpcArea::MarketIntelligenceAndFacilitation.to_string(),
            "Market intelligence and market facilitation"
        );
    }

    #[test]
    fn profile_gives_one_move_per_level() {
        let p = all(IpcLevel::Separate, IpcLevel::Integrated)
            .profile()
            .unwrap();
        assert_eq!(p.rows.len(), 7);
        assert!(p.rows.iter().all(|r| r.gap == 3 && r.moves.len() == 3));
        assert_eq!(p.floor(), Some(IpcLevel::Separate));
        assert_eq!(p.current_counts()[0], (IpcLevel::Separate, 7));
        let back = all(IpcLevel::Joint, IpcLevel::Parallel).profile().unwrap();
        assert!(back.rows.iter().all(|r| r.gap == -1 && r.moves.len() == 1));
        let none = all(IpcLevel::Joint, IpcLevel::Joint).profile().unwrap();
        assert_eq!(none.gaps().count(), 0);
        assert!(p.to_string().contains("Procurement"));
    }

    #[test]
    fn skipped_level_is_a_typed_error() {
        let a = all(IpcLevel::Separate, IpcLevel::Integrated);
        let e = a
            .check_path(
                IpcArea::Procurement,
                &[IpcLevel::Separate, IpcLevel::Parallel, IpcLevel::Integrated],
            )
            .unwrap_err();
        assert_eq!(
            e,
            Error::IpcLevelSkipped {
                area: "Procurement".into(),
                from: "parallel".into(),
                to: "integrated".into(),
                skipped: "joint".into(),
            }
        );
        let ok = a
            .check_path(
                IpcArea::Procurement,
                &[
                    IpcLevel::Separate,
                    IpcLevel::Parallel,
                    IpcLevel::Joint,
                    IpcLevel::Integrated,
                ],
            )
            .unwrap();
        assert_eq!(ok.len(), 3);
    }

    #[test]
    fn path_must_match_assessment() {
        let a = all(IpcLevel::Parallel, IpcLevel::Joint);
        assert!(matches!(
            a.check_path(IpcArea::Procurement, &[]),
            Err(Error::IpcPathMismatch { .. })
        ));
        assert!(matches!(
            a.check_path(IpcArea::Procurement, &[IpcLevel::Separate, IpcLevel::Joint]),
            Err(Error::IpcPathMismatch { .. })
        ));
        assert!(matches!(
            a.check_path(IpcArea::Procurement, &[IpcLevel::Parallel]),
            Err(Error::IpcPathMismatch { .. })
        ));
        assert!(matches!(
            a.check_path(
                IpcArea::Procurement,
                &[IpcLevel::Parallel, IpcLevel::Parallel, IpcLevel::Joint]
            ),
            Err(Error::Invalid { .. })
        ));
    }

    fn level() -> impl proptest::strategy::Strategy<Value = IpcLevel> {
        proptest::sample::select(IpcLevel::ALL.to_vec())
    }

    proptest::proptest! {
        #[test]
        fn prop_profile_moves_one_level_at_a_time(
            levels in proptest::collection::vec((level(), level()), 7),
        ) {
            let ratings = IpcArea::ALL
                .iter()
                .zip(&levels)
                .map(|(&area, &(current, target))| AreaRating { area, current, target, evidence: None })
                .collect();
            let a = IpcAssessment::new("S", ratings).unwrap();
            let p = a.profile().unwrap();
            for row in &p.rows {
                proptest::prop_assert_eq!(row.moves.len(), usize::from(row.gap.unsigned_abs()));
                let mut path = vec![row.current];
                for m in &row.moves {
                    proptest::prop_assert_eq!(Some(&m.from), path.last());
                    proptest::prop_assert_eq!((m.to.rank() - m.from.rank()).abs(), 1);
                    path.push(m.to);
                }
                proptest::prop_assert_eq!(path.last(), Some(&row.target));
                // The profile's own path passes the check; dropping an interior level skips it.
                proptest::prop_assert_eq!(a.check_path(row.area, &path).unwrap(), row.moves.clone());
                if path.len() > 2 {
                    let mut short = path.clone();
                    short.remove(1);
                    let is_skip = matches!(a.check_path(row.area, &short), Err(Error::IpcLevelSkipped { .. }));
                    proptest::prop_assert!(is_skip);
                }
            }
        }
    }

    #[test]
    fn assessment_needs_every_area_once() {
        let mut ratings: Vec<AreaRating> =
            all(IpcLevel::Separate, IpcLevel::Joint).ratings().to_vec();
        ratings.pop();
        assert!(matches!(
            IpcAssessment::new("S", ratings.clone()),
            Err(Error::Invalid { .. })
        ));
        ratings.push(ratings[0].clone());
        assert!(matches!(
            IpcAssessment::new("S", ratings),
            Err(Error::Duplicate { .. })
        ));
        assert!(IpcAssessment::new(" ", vec![]).is_err());
    }
}
