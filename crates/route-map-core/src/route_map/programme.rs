//! A commissioning programme: its steps, the decisions recorded against them, where it
//! stands on a date, and what must be revisited.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::catalogue::RouteMap;
use super::graph::Graph;
use crate::error::{Error, Result};

/// One step of a programme's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlannedStep {
    /// A unique identifier within the programme.
    pub id: String,
    /// What the step is.
    pub name: String,
    /// The route map steps it carries out (catalogue ids such as `key_step.contract_form`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_map: Vec<String>,
    /// Steps that must be done before this one starts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// Its length in working days (0 for a milestone).
    pub working_days: u32,
    /// The earliest date it may start (a fixed commencement date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<NaiveDate>,
    /// Earlier steps this one may send back for revision (each must be one it depends on).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub may_send_back: Vec<String>,
    /// Where the step, its timing or its duration come from, or that they are assumed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A decision that completes a step: what was decided, by whom, on what evidence. The record
/// carrying it says when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Decision {
    /// What was decided.
    pub what: String,
    /// Who decided (a governing body, a board, an officer under delegation).
    pub by: String,
    /// The papers or facts it rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

/// What happened to a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// Work on the step began.
    Started,
    /// The step was completed by a decision.
    Completed {
        /// The decision.
        decision: Decision,
    },
    /// The step found that earlier steps must be revisited.
    SentBack {
        /// The earlier steps sent back (each in the step's `may_send_back`).
        to: Vec<String>,
        /// Why.
        reason: String,
    },
}

/// A dated record against a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Record {
    /// When.
    pub date: NaiveDate,
    /// Which step.
    pub step: String,
    /// What happened.
    #[serde(flatten)]
    pub event: Event,
}

/// The input form of a [`Programme`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RawProgramme {
    /// The programme's name.
    pub name: String,
    /// When it began: no record may be dated earlier.
    pub start: NaiveDate,
    /// Its steps.
    pub steps: Vec<PlannedStep>,
    /// Its records, in date order.
    #[serde(default)]
    pub records: Vec<Record>,
}

/// Where a step stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum StepStatus {
    /// Not started.
    NotStarted,
    /// Started and not yet completed.
    InProgress {
        /// Since when.
        since: NaiveDate,
    },
    /// Completed.
    Done {
        /// When work started (the completion date if no start was recorded).
        started: NaiveDate,
        /// When it was completed.
        on: NaiveDate,
    },
    /// Sent back for revision by a later step (or because a step it depends on was).
    Revisit {
        /// Since when.
        since: NaiveDate,
        /// The step whose record sent it back.
        sent_back_by: String,
        /// Why.
        reason: String,
    },
}

impl StepStatus {
    fn is_done(&self) -> bool {
        matches!(self, StepStatus::Done { .. })
    }
}

impl fmt::Display for StepStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepStatus::NotStarted => f.write_str("not started"),
            StepStatus::InProgress { since } => write!(f, "in progress since {since}"),
            StepStatus::Done { on, .. } => write!(f, "done {on}"),
            StepStatus::Revisit {
                since,
                sent_back_by,
                ..
            } => write!(f, "to revisit since {since} (sent back by {sent_back_by})"),
        }
    }
}

/// A step's standing on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StepStanding {
    /// The step's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its status.
    pub status: StepStatus,
    /// The steps it directly waits for that are not done (empty when it can proceed).
    pub blocked_by: Vec<String>,
}

impl StepStanding {
    /// Not done nor in progress, and nothing it waits for is unfinished.
    #[must_use]
    pub fn is_ready(&self) -> bool {
        matches!(
            self.status,
            StepStatus::NotStarted | StepStatus::Revisit { .. }
        ) && self.blocked_by.is_empty()
    }
}

/// Where a programme stands on a date: every step, dependencies first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Standing {
    /// The date.
    pub as_at: NaiveDate,
    /// Every step in dependency order.
    pub steps: Vec<StepStanding>,
}

impl Standing {
    /// Steps done.
    pub fn done(&self) -> impl Iterator<Item = &StepStanding> {
        self.steps.iter().filter(|s| s.status.is_done())
    }

    /// Steps in progress.
    pub fn in_progress(&self) -> impl Iterator<Item = &StepStanding> {
        self.steps
            .iter()
            .filter(|s| matches!(s.status, StepStatus::InProgress { .. }))
    }

    /// Steps that can start now.
    pub fn ready(&self) -> impl Iterator<Item = &StepStanding> {
        self.steps.iter().filter(|s| s.is_ready())
    }

    /// Steps not started that wait for unfinished steps (see `blocked_by`).
    pub fn blocked(&self) -> impl Iterator<Item = &StepStanding> {
        self.steps.iter().filter(|s| {
            matches!(
                s.status,
                StepStatus::NotStarted | StepStatus::Revisit { .. }
            ) && !s.blocked_by.is_empty()
        })
    }

    /// Steps sent back for revision.
    pub fn to_revisit(&self) -> impl Iterator<Item = &StepStanding> {
        self.steps
            .iter()
            .filter(|s| matches!(s.status, StepStatus::Revisit { .. }))
    }

    /// The standing of one step.
    #[must_use]
    pub fn step(&self, id: &str) -> Option<&StepStanding> {
        self.steps.iter().find(|s| s.id == id)
    }
}

/// A validated programme: a plan of steps without dependency cycles, and a log of records
/// that respects the dependencies.
///
/// # Examples
///
/// ```
/// use route_map_core::route_map::*;
/// use chrono::NaiveDate;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let step = |id: &str, deps: &[&str], days| PlannedStep {
///     id: id.into(), name: id.into(), route_map: vec![],
///     depends_on: deps.iter().map(|s| s.to_string()).collect(),
///     working_days: days, not_before: None, may_send_back: vec![], note: None,
/// };
/// let mut programme = Programme::new(RawProgramme {
///     name: "Out of Hospital".into(),
///     start: d(2017, 4, 3),
///     steps: vec![step("scope", &[], 20), step("mechanism", &["scope"], 20), step("award", &["mechanism"], 0)],
///     records: vec![],
/// })?;
/// programme.complete("scope", d(2017, 5, 31), Decision {
///     what: "services in scope agreed".into(), by: "Programme Board".into(), evidence: vec![],
/// })?;
/// let standing = programme.standing(d(2017, 6, 1));
/// assert_eq!(standing.ready().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["mechanism"]);
/// assert_eq!(standing.blocked().next().unwrap().blocked_by, ["mechanism"]);
/// // Starting a blocked step is an error.
/// assert!(programme.start("award", d(2017, 6, 2)).is_err());
/// # Ok::<(), route_map_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawProgramme", into = "RawProgramme")]
pub struct Programme {
    raw: RawProgramme,
    #[serde(skip)]
    #[schemars(skip)]
    graph: Graph,
    #[serde(skip)]
    #[schemars(skip)]
    order: Vec<usize>,
    #[serde(skip)]
    #[schemars(skip)]
    state: Vec<StepStatus>,
}

impl Programme {
    /// Validate a programme against the embedded route map.
    ///
    /// # Errors
    ///
    /// - [`Error::Duplicate`] / [`Error::Unknown`] for repeated step ids or references to
    ///   steps (or route map steps) that do not exist;
    /// - [`Error::DependencyCycle`] when the dependencies loop, naming the loop;
    /// - [`Error::Invalid`] for an empty id or name, or a `may_send_back` entry that is not a
    ///   step it depends on;
    /// - any error of [`Programme::record`] for the records, replayed in order.
    pub fn new(raw: RawProgramme) -> Result<Programme> {
        Programme::with_route_map(raw, RouteMap::embedded()?)
    }

    /// Validate a programme against a given route map.
    ///
    /// # Errors
    ///
    /// As [`Programme::new`].
    pub fn with_route_map(raw: RawProgramme, route_map: &RouteMap) -> Result<Programme> {
        let graph = Graph::new(
            "programme step",
            raw.steps
                .iter()
                .map(|s| (s.id.as_str(), s.depends_on.as_slice())),
        )?;
        for (i, s) in raw.steps.iter().enumerate() {
            if s.id.trim().is_empty() || s.name.trim().is_empty() {
                return Err(Error::Invalid {
                    field: format!("programme step {:?}", s.id),
                    reason: "id and name must not be empty".into(),
                });
            }
            for r in &s.route_map {
                route_map.step(r)?;
            }
            if s.may_send_back.is_empty() {
                continue;
            }
            let ancestors = graph.ancestors(i);
            for back in &s.may_send_back {
                let ok = graph.index(back).is_some_and(|j| ancestors.contains(&j));
                if !ok {
                    return Err(Error::Invalid {
                        field: format!("may_send_back of step {}", s.id),
                        reason: format!("{back} is not a step it depends on"),
                    });
                }
            }
        }
        let order = graph.order()?;
        let records = raw.records.clone();
        let state = vec![StepStatus::NotStarted; graph.len()];
        let mut programme = Programme {
            raw: RawProgramme {
                records: Vec::new(),
                ..raw
            },
            graph,
            order,
            state,
        };
        for r in records {
            programme.record(r)?;
        }
        Ok(programme)
    }

    /// The programme's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.raw.name
    }

    /// Its steps, in input order.
    #[must_use]
    pub fn steps(&self) -> &[PlannedStep] {
        &self.raw.steps
    }

    /// Its records, in date order.
    #[must_use]
    pub fn records(&self) -> &[Record] {
        &self.raw.records
    }

    /// The step with this id.
    ///
    /// # Errors
    ///
    /// [`Error::Unknown`] when there is none.
    pub fn step(&self, id: &str) -> Result<&PlannedStep> {
        self.index(id).and_then(|i| {
            self.raw.steps.get(i).ok_or_else(|| Error::Unknown {
                kind: "programme step",
                id: id.to_owned(),
            })
        })
    }

    fn index(&self, id: &str) -> Result<usize> {
        self.graph.index(id).ok_or_else(|| Error::Unknown {
            kind: "programme step",
            id: id.to_owned(),
        })
    }

    pub(crate) fn graph(&self) -> &Graph {
        &self.graph
    }

    pub(crate) fn order(&self) -> &[usize] {
        &self.order
    }

    /// Every decision, in date order, with its date and step.
    pub fn decisions(&self) -> impl Iterator<Item = (NaiveDate, &str, &Decision)> {
        self.raw.records.iter().filter_map(|r| match &r.event {
            Event::Completed { decision } => Some((r.date, r.step.as_str(), decision)),
            _ => None,
        })
    }

    /// Add a record, checking it against the programme as it stands.
    ///
    /// # Errors
    ///
    /// - [`Error::Unknown`] for an unknown step;
    /// - [`Error::RecordOutOfOrder`] for a record dated before the last one, and
    ///   [`Error::Invalid`] for one dated before the programme's start;
    /// - [`Error::StepBlocked`] to start or complete a step whose dependencies are not done;
    /// - [`Error::Invalid`] to start a step in progress or done, complete a step already done,
    ///   complete with an empty decision, or send back a step not in `may_send_back` (or
    ///   from a step not yet started).
    pub fn record(&mut self, record: Record) -> Result<()> {
        let i = self.index(&record.step)?;
        if let Some(last) = self.raw.records.last()
            && record.date < last.date
        {
            return Err(Error::RecordOutOfOrder {
                step: record.step,
                date: record.date,
                last: last.date,
            });
        }
        if record.date < self.raw.start {
            return Err(Error::Invalid {
                field: format!("record for step {}", record.step),
                reason: format!(
                    "dated {} before the programme starts on {}",
                    record.date, self.raw.start
                ),
            });
        }
        let mut state = self.state.clone();
        apply(&self.graph, &self.raw.steps, &mut state, i, &record)?;
        self.state = state;
        self.raw.records.push(record);
        Ok(())
    }

    /// Record that work on a step began.
    ///
    /// # Errors
    ///
    /// As [`Programme::record`].
    pub fn start(&mut self, step: &str, date: NaiveDate) -> Result<()> {
        self.record(Record {
            date,
            step: step.to_owned(),
            event: Event::Started,
        })
    }

    /// Record the decision that completes a step.
    ///
    /// # Errors
    ///
    /// As [`Programme::record`].
    pub fn complete(&mut self, step: &str, date: NaiveDate, decision: Decision) -> Result<()> {
        self.record(Record {
            date,
            step: step.to_owned(),
            event: Event::Completed { decision },
        })
    }

    /// Record that a step sends earlier steps back for revision; they and every step that
    /// depends on them and had started are flagged to revisit.
    ///
    /// # Errors
    ///
    /// As [`Programme::record`].
    pub fn send_back(
        &mut self,
        step: &str,
        date: NaiveDate,
        to: &[&str],
        reason: &str,
    ) -> Result<()> {
        self.record(Record {
            date,
            step: step.to_owned(),
            event: Event::SentBack {
                to: to.iter().map(|s| (*s).to_owned()).collect(),
                reason: reason.to_owned(),
            },
        })
    }

    /// The statuses after replaying the records dated on or before `as_at`.
    pub(crate) fn statuses_at(&self, as_at: NaiveDate) -> Vec<StepStatus> {
        let mut state = vec![StepStatus::NotStarted; self.graph.len()];
        for r in self.raw.records.iter().take_while(|r| r.date <= as_at) {
            if let Some(i) = self.graph.index(&r.step) {
                // Records were checked when added, so replaying them cannot fail.
                let _ = apply(&self.graph, &self.raw.steps, &mut state, i, r);
            }
        }
        state
    }

    /// Where the programme stood on `as_at`, counting records dated on or before it.
    #[must_use]
    pub fn standing(&self, as_at: NaiveDate) -> Standing {
        let state = self.statuses_at(as_at);
        let steps = self
            .order
            .iter()
            .filter_map(|&i| {
                let planned = self.raw.steps.get(i)?;
                let status = state.get(i)?.clone();
                let blocked_by = self
                    .graph
                    .deps(i)
                    .iter()
                    .filter(|&&d| !state.get(d).is_some_and(StepStatus::is_done))
                    .map(|&d| self.graph.name(d).to_owned())
                    .collect();
                Some(StepStanding {
                    id: planned.id.clone(),
                    name: planned.name.clone(),
                    status,
                    blocked_by,
                })
            })
            .collect();
        Standing { as_at, steps }
    }
}

fn unfinished_deps(graph: &Graph, state: &[StepStatus], i: usize) -> Vec<String> {
    graph
        .deps(i)
        .iter()
        .filter(|&&d| !state.get(d).is_some_and(StepStatus::is_done))
        .map(|&d| graph.name(d).to_owned())
        .collect()
}

fn apply(
    graph: &Graph,
    steps: &[PlannedStep],
    state: &mut [StepStatus],
    i: usize,
    record: &Record,
) -> Result<()> {
    let invalid = |reason: String| Error::Invalid {
        field: format!("record for step {} on {}", record.step, record.date),
        reason,
    };
    let current = state.get(i).cloned().unwrap_or(StepStatus::NotStarted);
    match &record.event {
        Event::Started => {
            if matches!(
                current,
                StepStatus::InProgress { .. } | StepStatus::Done { .. }
            ) {
                return Err(invalid(format!("cannot start a step that is {current}")));
            }
            let blocked_by = unfinished_deps(graph, state, i);
            if !blocked_by.is_empty() {
                return Err(Error::StepBlocked {
                    step: record.step.clone(),
                    blocked_by,
                });
            }
            if let Some(s) = state.get_mut(i) {
                *s = StepStatus::InProgress { since: record.date };
            }
        }
        Event::Completed { decision } => {
            if current.is_done() {
                return Err(invalid("the step is already done".into()));
            }
            if decision.what.trim().is_empty() || decision.by.trim().is_empty() {
                return Err(invalid(
                    "a decision must say what was decided and by whom".into(),
                ));
            }
            let blocked_by = unfinished_deps(graph, state, i);
            if !blocked_by.is_empty() {
                return Err(Error::StepBlocked {
                    step: record.step.clone(),
                    blocked_by,
                });
            }
            let started = match current {
                StepStatus::InProgress { since } => since,
                _ => record.date,
            };
            if let Some(s) = state.get_mut(i) {
                *s = StepStatus::Done {
                    started,
                    on: record.date,
                };
            }
        }
        Event::SentBack { to, reason } => {
            if matches!(current, StepStatus::NotStarted | StepStatus::Revisit { .. }) {
                return Err(invalid(
                    "only a step in progress or done can send others back".into(),
                ));
            }
            if to.is_empty() || reason.trim().is_empty() {
                return Err(invalid("say which steps are sent back and why".into()));
            }
            let allowed = steps.get(i).map(|s| &s.may_send_back);
            let mut flagged = BTreeSet::new();
            for t in to {
                if !allowed.is_some_and(|a| a.contains(t)) {
                    return Err(invalid(format!(
                        "{t} is not among the steps it may send back"
                    )));
                }
                if let Some(j) = graph.index(t) {
                    flagged.insert(j);
                    flagged.extend(graph.descendants(j));
                }
            }
            for j in flagged {
                if let Some(s) = state.get_mut(j) {
                    let touched = !matches!(s, StepStatus::NotStarted);
                    if touched || to.iter().any(|t| graph.index(t) == Some(j)) {
                        *s = StepStatus::Revisit {
                            since: record.date,
                            sent_back_by: record.step.clone(),
                            reason: reason.clone(),
                        };
                    }
                }
            }
        }
    }
    Ok(())
}

impl TryFrom<RawProgramme> for Programme {
    type Error = Error;
    fn try_from(raw: RawProgramme) -> Result<Programme> {
        Programme::new(raw)
    }
}

impl From<Programme> for RawProgramme {
    fn from(p: Programme) -> RawProgramme {
        p.raw
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    pub(crate) fn step(id: &str, deps: &[&str], days: u32) -> PlannedStep {
        PlannedStep {
            id: id.into(),
            name: format!("Step {id}"),
            route_map: vec![],
            depends_on: deps.iter().map(|s| (*s).to_owned()).collect(),
            working_days: days,
            not_before: None,
            may_send_back: vec![],
            note: None,
        }
    }

    pub(crate) fn raw(steps: Vec<PlannedStep>) -> RawProgramme {
        RawProgramme {
            name: "p".into(),
            start: d(2017, 4, 3),
            steps,
            records: vec![],
        }
    }

    fn decision() -> Decision {
        Decision {
            what: "agreed".into(),
            by: "Board".into(),
            evidence: vec!["paper".into()],
        }
    }

    fn chain() -> Programme {
        let mut c = step("c", &["b"], 5);
        c.may_send_back = vec!["a".into()];
        Programme::new(raw(vec![step("a", &[], 5), step("b", &["a"], 5), c])).unwrap()
    }

    #[test]
    fn a_cycle_in_step_dependencies_is_a_typed_error_naming_the_loop() {
        let err = Programme::new(raw(vec![
            step("scope", &["procure"], 1),
            step("design", &["scope"], 1),
            step("procure", &["design"], 1),
        ]))
        .unwrap_err();
        assert_eq!(
            err,
            Error::DependencyCycle {
                cycle: vec![
                    "scope".into(),
                    "procure".into(),
                    "design".into(),
                    "scope".into()
                ]
            }
        );
        assert_eq!(
            err.to_string(),
            "dependency cycle among steps: scope -> procure -> design -> scope"
        );
    }

    #[test]
    fn bad_plans_are_typed_errors() {
        assert!(matches!(
            Programme::new(raw(vec![step("a", &["zz"], 1)])),
            Err(Error::Unknown { .. })
        ));
        assert!(matches!(
            Programme::new(raw(vec![step("a", &[], 1), step("a", &[], 1)])),
            Err(Error::Duplicate { .. })
        ));
        let mut s = step("a", &[], 1);
        s.route_map = vec!["workstream.nope".into()];
        assert!(matches!(
            Programme::new(raw(vec![s])),
            Err(Error::Unknown { .. })
        ));
        let mut s = step("b", &[], 1);
        s.may_send_back = vec!["a".into()];
        assert!(matches!(
            Programme::new(raw(vec![step("a", &[], 1), s])),
            Err(Error::Invalid { .. })
        ));
        assert!(matches!(
            Programme::new(raw(vec![step(" ", &[], 1)])),
            Err(Error::Invalid { .. })
        ));
    }

    #[test]
    fn records_respect_order_dependencies_and_state() {
        let mut p = chain();
        assert!(matches!(
            p.start("b", d(2017, 4, 3)),
            Err(Error::StepBlocked { ref blocked_by, .. }) if blocked_by == &["a".to_owned()]
        ));
        assert!(matches!(
            p.complete("b", d(2017, 4, 3), decision()),
            Err(Error::StepBlocked { .. })
        ));
        assert!(matches!(
            p.start("a", d(2017, 4, 2)),
            Err(Error::Invalid { .. })
        ));
        p.start("a", d(2017, 4, 3)).unwrap();
        assert!(matches!(
            p.start("a", d(2017, 4, 4)),
            Err(Error::Invalid { .. })
        ));
        let empty = Decision {
            what: String::new(),
            by: "Board".into(),
            evidence: vec![],
        };
        assert!(matches!(
            p.complete("a", d(2017, 4, 10), empty),
            Err(Error::Invalid { .. })
        ));
        p.complete("a", d(2017, 4, 10), decision()).unwrap();
        assert!(matches!(
            p.complete("a", d(2017, 4, 11), decision()),
            Err(Error::Invalid { .. })
        ));
        let err = p.start("b", d(2017, 4, 9)).unwrap_err();
        assert!(matches!(err, Error::RecordOutOfOrder { .. }), "{err}");
        assert!(err.to_string().contains("2017-04-09"), "{err}");
        assert!(matches!(
            p.start("zz", d(2017, 4, 11)),
            Err(Error::Unknown { .. })
        ));
        assert!(matches!(
            p.send_back("c", d(2017, 4, 11), &["a"], "r"),
            Err(Error::Invalid { .. })
        ));
        assert_eq!(p.decisions().count(), 1);
        assert_eq!(p.records().len(), 2);
    }

    #[test]
    fn sending_back_flags_the_step_and_everything_after_it_that_had_started() {
        let mut p = chain();
        p.complete("a", d(2017, 4, 10), decision()).unwrap();
        p.complete("b", d(2017, 4, 20), decision()).unwrap();
        p.start("c", d(2017, 4, 21)).unwrap();
        assert!(matches!(
            p.send_back("c", d(2017, 4, 25), &["b"], "not allowed"),
            Err(Error::Invalid { .. })
        ));
        assert!(p.send_back("c", d(2017, 4, 25), &["a"], " ").is_err());
        p.send_back("c", d(2017, 4, 25), &["a"], "market cannot respond")
            .unwrap();
        let s = p.standing(d(2017, 4, 25));
        let revisit: Vec<&str> = s.to_revisit().map(|s| s.id.as_str()).collect();
        assert_eq!(revisit, ["a", "b", "c"]);
        let ready: Vec<&str> = s.ready().map(|s| s.id.as_str()).collect();
        assert_eq!(ready, ["a"]);
        assert_eq!(s.step("c").unwrap().blocked_by, ["b"]);
        assert!(
            s.step("a")
                .unwrap()
                .status
                .to_string()
                .contains("sent back by c")
        );
        // Before the send-back, everything was fine.
        let before = p.standing(d(2017, 4, 24));
        assert_eq!(before.done().count(), 2);
        assert_eq!(before.in_progress().count(), 1);
        assert_eq!(before.to_revisit().count(), 0);
        // The revisited step can be redone, then its dependants.
        p.complete("a", d(2017, 5, 2), decision()).unwrap();
        p.complete("b", d(2017, 5, 9), decision()).unwrap();
        p.complete("c", d(2017, 5, 16), decision()).unwrap();
        assert_eq!(p.standing(d(2017, 5, 16)).done().count(), 3);
    }

    #[test]
    fn serde_replays_and_validates_records() {
        let mut p = chain();
        p.complete("a", d(2017, 4, 10), decision()).unwrap();
        p.start("b", d(2017, 4, 11)).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains(r#""event":"completed""#), "{json}");
        let back: Programme = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
        let swapped = json.replace("2017-04-10", "2017-04-12");
        assert!(serde_json::from_str::<Programme>(&swapped).is_err());
    }
}
