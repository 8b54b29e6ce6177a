//! Scheduling the steps a programme has left, in working days, with the critical path.
//!
//! The forward pass gives each remaining step its earliest start: the first working day on or
//! after the date asked about, after every step it depends on has finished, and not before
//! its `not_before` date. The backward pass from the programme's finish gives the latest start
//! that does not delay it; the difference is the step's slack, and the steps with none form
//! the critical path. Days are counted on core's [`WorkingDayCalendar`] (England and Wales).

use chrono::NaiveDate;
use serde::Serialize;

use super::programme::{Programme, StepStatus};
use crate::calendar::WorkingDayCalendar;
use crate::error::Result;

/// How a scheduled step's dates were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ScheduleBasis {
    /// Done: the recorded dates.
    Recorded,
    /// In progress: started on the recorded date, the rest of its duration scheduled.
    InProgress,
    /// Not started (or to revisit): scheduled.
    Planned,
}

/// One step of a schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ScheduledStep {
    /// The step's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// How the dates were obtained.
    pub basis: ScheduleBasis,
    /// First working day (the recorded start for steps done or in progress).
    pub start: NaiveDate,
    /// Last working day (the start for a milestone; the recorded date for steps done).
    pub finish: NaiveDate,
    /// Working days still to run.
    pub remaining_working_days: u32,
    /// Working days it can slip without delaying the programme's finish.
    pub slack_working_days: u32,
    /// On the critical path (no slack).
    pub critical: bool,
    /// In progress for longer than its planned duration.
    pub overrunning: bool,
}

/// The programme's schedule from a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Schedule {
    /// The date scheduled from.
    pub as_at: NaiveDate,
    /// Every step in dependency order.
    pub steps: Vec<ScheduledStep>,
    /// The last finish of any step.
    pub finish: NaiveDate,
    /// One chain of critical steps from the first to the last, by id.
    pub critical_path: Vec<String>,
}

impl Schedule {
    /// The scheduled step with this id.
    #[must_use]
    pub fn step(&self, id: &str) -> Option<&ScheduledStep> {
        self.steps.iter().find(|s| s.id == id)
    }
}

impl Programme {
    /// Schedule the steps not yet done, from `as_at`, on `calendar`.
    ///
    /// # Errors
    ///
    /// [`crate::Error::DateOutOfRange`] when a date falls outside the years the calendar
    /// covers (2013 to 2030 for the embedded one); [`crate::Error::Overflow`] for a schedule
    /// longer than the index type can count.
    pub fn schedule(&self, as_at: NaiveDate, calendar: &WorkingDayCalendar) -> Result<Schedule> {
        let graph = self.graph();
        let order = self.order();
        let n = graph.len();
        let state = self.statuses_at(as_at);
        let day0 = calendar.next_working_day_on_or_after(as_at)?;
        let index_of = |date: NaiveDate| -> Result<u64> {
            let d = calendar.next_working_day_on_or_after(date)?;
            if d <= day0 {
                Ok(0)
            } else {
                Ok(u64::try_from(calendar.working_days_between(day0, d)?).unwrap_or(0))
            }
        };
        let mut es = vec![0u64; n];
        let mut dur = vec![0u64; n];
        let mut overrun = vec![false; n];
        let mut done = vec![false; n];
        for &i in order {
            let planned = self.steps().get(i);
            let days = u64::from(planned.map_or(0, |p| p.working_days));
            match state.get(i) {
                Some(StepStatus::Done { .. }) => {
                    if let Some(d) = done.get_mut(i) {
                        *d = true;
                    }
                }
                Some(StepStatus::InProgress { since }) => {
                    let began = calendar.next_working_day_on_or_after(*since)?;
                    let elapsed = if began < day0 {
                        u64::try_from(calendar.working_days_between(began, day0)?).unwrap_or(0)
                    } else {
                        0
                    };
                    let mut remaining = days.saturating_sub(elapsed);
                    if days > 0 && remaining == 0 {
                        remaining = 1;
                        if let Some(o) = overrun.get_mut(i) {
                            *o = true;
                        }
                    }
                    if let Some(d) = dur.get_mut(i) {
                        *d = remaining;
                    }
                }
                _ => {
                    let mut start = 0u64;
                    for &d in graph.deps(i) {
                        if !done.get(d).copied().unwrap_or(false) {
                            let finish =
                                es.get(d).copied().unwrap_or(0) + dur.get(d).copied().unwrap_or(0);
                            start = start.max(finish);
                        }
                    }
                    if let Some(nb) = planned.and_then(|p| p.not_before) {
                        start = start.max(index_of(nb)?);
                    }
                    if let Some(e) = es.get_mut(i) {
                        *e = start;
                    }
                    if let Some(d) = dur.get_mut(i) {
                        *d = days;
                    }
                }
            }
        }
        let ef = |i: usize| es.get(i).copied().unwrap_or(0) + dur.get(i).copied().unwrap_or(0);
        let is_done = |i: usize| done.get(i).copied().unwrap_or(false);
        let end = (0..n).filter(|i| !is_done(*i)).map(ef).max().unwrap_or(0);
        // Backward pass: latest finish without delaying the end.
        let mut lf = vec![end; n];
        for &i in order.iter().rev() {
            if is_done(i) {
                continue;
            }
            let mut latest = end;
            for &s in graph.succs(i) {
                if !is_done(s) {
                    let ls = lf.get(s).copied().unwrap_or(end) - dur.get(s).copied().unwrap_or(0);
                    latest = latest.min(ls);
                }
            }
            if let Some(l) = lf.get_mut(i) {
                *l = latest;
            }
        }
        let slack = |i: usize| lf.get(i).copied().unwrap_or(end).saturating_sub(ef(i));
        // One critical chain: from the step finishing last, back through critical
        // predecessors that finish exactly when it starts.
        let mut critical_path = Vec::new();
        let last = order
            .iter()
            .rev()
            .copied()
            .find(|&i| !is_done(i) && ef(i) == end && slack(i) == 0);
        let mut current = last;
        while let Some(i) = current {
            critical_path.push(graph.name(i).to_owned());
            let start = es.get(i).copied().unwrap_or(0);
            current = order.iter().copied().find(|&p| {
                graph.deps(i).contains(&p) && !is_done(p) && ef(p) == start && slack(p) == 0
            });
        }
        critical_path.reverse();

        let date = |idx: u64| -> Result<NaiveDate> {
            calendar.add_working_days(day0, u32::try_from(idx).unwrap_or(u32::MAX))
        };
        let mut steps = Vec::with_capacity(n);
        let mut finish_all = as_at;
        for &i in order {
            let Some(planned) = self.steps().get(i) else {
                continue;
            };
            let scheduled = match state.get(i) {
                Some(StepStatus::Done { started, on }) => ScheduledStep {
                    id: planned.id.clone(),
                    name: planned.name.clone(),
                    basis: ScheduleBasis::Recorded,
                    start: *started,
                    finish: *on,
                    remaining_working_days: 0,
                    slack_working_days: 0,
                    critical: false,
                    overrunning: false,
                },
                other => {
                    let start_idx = es.get(i).copied().unwrap_or(0);
                    let d = dur.get(i).copied().unwrap_or(0);
                    let finish = date(start_idx + d.saturating_sub(1))?;
                    let (basis, start) = match other {
                        Some(StepStatus::InProgress { since }) => {
                            (ScheduleBasis::InProgress, *since)
                        }
                        _ => (ScheduleBasis::Planned, date(start_idx)?),
                    };
                    ScheduledStep {
                        id: planned.id.clone(),
                        name: planned.name.clone(),
                        basis,
                        start,
                        finish,
                        remaining_working_days: u32::try_from(d).unwrap_or(u32::MAX),
                        slack_working_days: u32::try_from(slack(i)).unwrap_or(u32::MAX),
                        critical: slack(i) == 0,
                        overrunning: overrun.get(i).copied().unwrap_or(false),
                    }
                }
            };
            finish_all = finish_all.max(scheduled.finish);
            steps.push(scheduled);
        }
        Ok(Schedule {
            as_at,
            steps,
            finish: finish_all,
            critical_path,
        })
    }
}
