//! The route map itself as data: its steps, their dependencies and its feedback loops.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::graph::Graph;
use super::programme::{PlannedStep, RawProgramme};
use crate::error::{Error, Result};
use crate::timeline::SourceRef;

const ROUTE_MAP_TOML: &str = include_str!("../../data/route_map.toml");

/// Which part of the route map a step belongs to.
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
pub enum StepGroup {
    /// A stage: sections 3 to 7 of the organisational design route map.
    Stage,
    /// A design building block within a stage (section 2 overview).
    BuildingBlock,
    /// One of the twelve programme workstreams.
    Workstream,
    /// One of the commissioners' five key steps.
    KeyStep,
    /// A phase of the commissioning cycle: analyse, plan, do, review.
    CyclePhase,
}

impl StepGroup {
    /// Every group, in declaration order.
    pub const ALL: [StepGroup; 5] = [
        StepGroup::Stage,
        StepGroup::BuildingBlock,
        StepGroup::Workstream,
        StepGroup::KeyStep,
        StepGroup::CyclePhase,
    ];
}

/// One step of the route map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CatalogueStep {
    /// Identifier, e.g. `block.procurement_approach`.
    pub id: String,
    /// Its group.
    pub group: StepGroup,
    /// Its name.
    pub name: String,
    /// The section or step number in its source, if any.
    pub section: Option<String>,
    /// Its purpose, where the source states one.
    pub purpose: Option<String>,
    /// The stage a building block belongs to.
    pub parent: Option<String>,
    /// Steps of the same group that must be done first.
    pub depends_on: Vec<String>,
    /// Steps of other groups covering the same ground.
    pub related: Vec<String>,
    /// The activities of a commissioning cycle phase.
    pub activities: Vec<String>,
    /// Where it comes from.
    pub source: SourceRef,
    /// The words a dependency read from a purpose statement rests on.
    pub basis: Option<String>,
}

/// A feedback loop: finishing or reviewing `from` may send `to` back for revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Feedback {
    /// The later step.
    pub from: String,
    /// The earlier step it may send back.
    pub to: String,
    /// Why.
    pub reason: String,
    /// Where the route map says so.
    pub source: SourceRef,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileStep {
    id: String,
    group: StepGroup,
    name: String,
    #[serde(default)]
    section: Option<String>,
    #[serde(default)]
    purpose: Option<String>,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    depends_on: Vec<String>,
    #[serde(default)]
    related: Vec<String>,
    #[serde(default)]
    activities: Vec<String>,
    source: String,
    clause: Option<String>,
    #[serde(default)]
    basis: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFeedback {
    from: String,
    to: String,
    reason: String,
    source: String,
    clause: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteMapFile {
    sources: BTreeMap<String, SourceRef>,
    step: Vec<FileStep>,
    #[serde(default)]
    feedback: Vec<FileFeedback>,
}

/// The route map: stages, building blocks, workstreams, key steps and the commissioning
/// cycle, with dependencies within each group and feedback loops.
///
/// # Examples
///
/// ```
/// use route_map_core::route_map::{RouteMap, StepGroup};
/// let map = RouteMap::embedded()?;
/// assert_eq!(map.group(StepGroup::Workstream).count(), 12);
/// assert_eq!(map.group(StepGroup::KeyStep).count(), 5);
/// let market = map.step("block.market")?;
/// assert_eq!(map.feedback_from(&market.id).next().unwrap().to, "block.procurement_approach");
/// # Ok::<(), route_map_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMap {
    steps: Vec<CatalogueStep>,
    feedback: Vec<Feedback>,
    index: BTreeMap<String, usize>,
}

impl RouteMap {
    /// The embedded route map (`data/route_map.toml`), parsed and checked once.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] only if the embedded data is defective.
    pub fn embedded() -> Result<&'static RouteMap> {
        static CELL: OnceLock<std::result::Result<RouteMap, Error>> = OnceLock::new();
        CELL.get_or_init(|| {
            RouteMap::from_toml(ROUTE_MAP_TOML).map_err(|e| Error::EmbeddedData {
                name: "route_map.toml",
                reason: e.to_string(),
            })
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    /// Read a route map from TOML in the embedded file's layout (a local variant of it).
    ///
    /// # Errors
    ///
    /// - [`Error::Invalid`] for TOML that does not parse (the message gives line and column),
    ///   an unknown source key, a building block whose parent is not a stage, or a dependency
    ///   on a step of another group;
    /// - [`Error::Duplicate`] / [`Error::Unknown`] for repeated ids or references to steps
    ///   that do not exist;
    /// - [`Error::DependencyCycle`] when dependencies loop;
    /// - [`Error::Invalid`] for feedback that does not point back to an earlier step.
    pub fn from_toml(text: &str) -> Result<RouteMap> {
        let file: RouteMapFile = toml::from_str(text).map_err(|e| Error::Invalid {
            field: "route map TOML".into(),
            reason: e.to_string(),
        })?;
        let source = |key: &str, clause: &Option<String>| -> Result<SourceRef> {
            let mut s = file
                .sources
                .get(key)
                .cloned()
                .ok_or_else(|| Error::Invalid {
                    field: "route map source".into(),
                    reason: format!("unknown source key {key:?}"),
                })?;
            if let Some(c) = clause {
                s.clause = Some(c.clone());
            }
            Ok(s)
        };
        let mut steps = Vec::with_capacity(file.step.len());
        for s in &file.step {
            steps.push(CatalogueStep {
                id: s.id.clone(),
                group: s.group,
                name: s.name.clone(),
                section: s.section.clone(),
                purpose: s.purpose.clone(),
                parent: s.parent.clone(),
                depends_on: s.depends_on.clone(),
                related: s.related.clone(),
                activities: s.activities.clone(),
                source: source(&s.source, &s.clause)?,
                basis: s.basis.clone(),
            });
        }
        let mut feedback = Vec::with_capacity(file.feedback.len());
        for f in &file.feedback {
            feedback.push(Feedback {
                from: f.from.clone(),
                to: f.to.clone(),
                reason: f.reason.clone(),
                source: source(&f.source, &f.clause)?,
            });
        }
        RouteMap::new(steps, feedback)
    }

    /// A route map from steps and feedback loops, checked as [`RouteMap::from_toml`] does.
    ///
    /// # Errors
    ///
    /// As [`RouteMap::from_toml`], except for TOML and source errors.
    pub fn new(steps: Vec<CatalogueStep>, feedback: Vec<Feedback>) -> Result<RouteMap> {
        let graph = Graph::new(
            "route map step",
            steps
                .iter()
                .map(|s| (s.id.as_str(), s.depends_on.as_slice())),
        )?;
        let group_of = |id: &str| {
            graph
                .index(id)
                .and_then(|i| steps.get(i))
                .map(|s| s.group)
                .ok_or_else(|| Error::Unknown {
                    kind: "route map step",
                    id: id.to_owned(),
                })
        };
        for s in &steps {
            for d in &s.depends_on {
                if group_of(d)? != s.group {
                    return Err(Error::Invalid {
                        field: format!("dependencies of {}", s.id),
                        reason: format!("{d} is in another group; use `related` instead"),
                    });
                }
            }
            for r in &s.related {
                group_of(r)?;
            }
            if let Some(p) = &s.parent
                && group_of(p)? != StepGroup::Stage
            {
                return Err(Error::Invalid {
                    field: format!("parent of {}", s.id),
                    reason: format!("{p} is not a stage"),
                });
            }
        }
        for f in &feedback {
            let (Some(from), Some(to)) = (graph.index(&f.from), graph.index(&f.to)) else {
                return Err(Error::Unknown {
                    kind: "route map step",
                    id: format!("{} -> {}", f.from, f.to),
                });
            };
            if !graph.ancestors(from).contains(&to) {
                return Err(Error::Invalid {
                    field: format!("feedback {} -> {}", f.from, f.to),
                    reason: "a step can only send back a step it depends on".into(),
                });
            }
        }
        let order = graph.order()?;
        let mut ordered: Vec<CatalogueStep> = Vec::with_capacity(steps.len());
        for i in order {
            if let Some(s) = steps.get(i) {
                ordered.push(s.clone());
            }
        }
        // Keep groups together, each in dependency order.
        ordered.sort_by_key(|s| s.group);
        let index = ordered
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        Ok(RouteMap {
            steps: ordered,
            feedback,
            index,
        })
    }

    /// The step with this id.
    ///
    /// # Errors
    ///
    /// [`Error::Unknown`] when there is none.
    pub fn step(&self, id: &str) -> Result<&CatalogueStep> {
        self.index
            .get(id)
            .and_then(|i| self.steps.get(*i))
            .ok_or_else(|| Error::Unknown {
                kind: "route map step",
                id: id.to_owned(),
            })
    }

    /// Every step, grouped, each group in dependency order.
    pub fn steps(&self) -> impl Iterator<Item = &CatalogueStep> {
        self.steps.iter()
    }

    /// The steps of one group, in dependency order.
    pub fn group(&self, group: StepGroup) -> impl Iterator<Item = &CatalogueStep> {
        self.steps.iter().filter(move |s| s.group == group)
    }

    /// Every feedback loop.
    #[must_use]
    pub fn feedback(&self) -> &[Feedback] {
        &self.feedback
    }

    /// The feedback loops leaving a step.
    pub fn feedback_from<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Feedback> {
        self.feedback.iter().filter(move |f| f.from == id)
    }

    /// A programme plan that walks one group of the route map, with durations chosen per
    /// step and the group's feedback loops as the steps each may send back.
    #[must_use]
    pub fn plan(
        &self,
        group: StepGroup,
        name: &str,
        start: NaiveDate,
        working_days: impl Fn(&CatalogueStep) -> u32,
    ) -> RawProgramme {
        let steps = self
            .group(group)
            .map(|s| PlannedStep {
                id: s.id.clone(),
                name: s.name.clone(),
                route_map: vec![s.id.clone()],
                depends_on: s.depends_on.clone(),
                working_days: working_days(s),
                not_before: None,
                may_send_back: self.feedback_from(&s.id).map(|f| f.to.clone()).collect(),
                note: None,
            })
            .collect();
        RawProgramme {
            name: name.to_owned(),
            start,
            steps,
            records: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_route_map_has_every_part_with_sources() {
        let map = RouteMap::embedded().unwrap();
        let count = |g| map.group(g).count();
        assert_eq!(count(StepGroup::Stage), 5);
        assert_eq!(count(StepGroup::BuildingBlock), 12);
        assert_eq!(count(StepGroup::Workstream), 12);
        assert_eq!(count(StepGroup::KeyStep), 5);
        assert_eq!(count(StepGroup::CyclePhase), 4);
        for s in map.steps() {
            assert!(!s.source.title.is_empty(), "{}", s.id);
            assert!(s.source.clause.is_some(), "{}", s.id);
        }
        for phase in map.group(StepGroup::CyclePhase) {
            assert!(phase.activities.len() >= 4, "{}", phase.id);
        }
        let stages: Vec<&str> = map
            .group(StepGroup::Stage)
            .map(|s| s.section.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(stages, ["3", "4", "5", "6", "7"]);
        assert!(
            map.step("block.procurement_response")
                .unwrap()
                .parent
                .as_deref()
                == Some("stage.provision_landscape")
        );
        assert!(map.step("nope").is_err());
        assert!(map.feedback().iter().any(|f| f.to == "cycle.analyse"));
    }

    const MINI: &str = r#"
[sources.s]
title = "t"
[[step]]
id = "a"
group = "workstream"
name = "A"
depends_on = ["b"]
source = "s"
[[step]]
id = "b"
group = "workstream"
name = "B"
depends_on = ["a"]
source = "s"
"#;

    #[test]
    fn bad_route_maps_are_typed_errors() {
        let err = RouteMap::from_toml(MINI).unwrap_err();
        assert!(matches!(err, Error::DependencyCycle { .. }), "{err}");
        let unknown = MINI
            .replace(r#"depends_on = ["a"]"#, "depends_on = []")
            .replace(r#"depends_on = ["b"]"#, r#"depends_on = ["zz"]"#);
        assert!(matches!(
            RouteMap::from_toml(&unknown),
            Err(Error::Unknown { .. })
        ));
        let bad_source = MINI.replace(r#"source = "s""#, r#"source = "x""#);
        assert!(matches!(
            RouteMap::from_toml(&bad_source),
            Err(Error::Invalid { .. })
        ));
        let err = RouteMap::from_toml("[[step]]\nid = 3").unwrap_err();
        assert!(err.to_string().contains("line"), "{err}");
        let ok = MINI.replace(r#"depends_on = ["b"]"#, "depends_on = []");
        let map = RouteMap::from_toml(&ok).unwrap();
        let order: Vec<&str> = map.steps().map(|s| s.id.as_str()).collect();
        assert_eq!(order, ["a", "b"]);
        let forward = format!(
            "{ok}\n[[feedback]]\nfrom = \"a\"\nto = \"b\"\nreason = \"r\"\nsource = \"s\"\n"
        );
        assert!(matches!(
            RouteMap::from_toml(&forward),
            Err(Error::Invalid { .. })
        ));
        let cross = ok.replacen(r#"group = "workstream""#, r#"group = "key_step""#, 1);
        assert!(matches!(
            RouteMap::from_toml(&cross),
            Err(Error::Invalid { .. })
        ));
    }
}
