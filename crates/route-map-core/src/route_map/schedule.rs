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
        // A milestone at the very end finishes on the last index itself; prefer it.
        let ends_here = |i: usize| !is_done(i) && ef(i) == end && slack(i) == 0;
        let last = order
            .iter()
            .rev()
            .copied()
            .find(|&i| ends_here(i) && dur.get(i) == Some(&0))
            .or_else(|| order.iter().rev().copied().find(|&i| ends_here(i)));
        let mut current = last;
        while let Some(i) = current {
            critical_path.push(graph.name(i).to_owned());
            let start = es.get(i).copied().unwrap_or(0);
            current = order.iter().copied().find(|&p| {
                graph.deps(i).contains(&p) && !is_done(p) && ef(p) == start && slack(p) == 0
            });
        }
        critical_path.reverse();

        // The working days from day0 to the end, walked once.
        let mut days = Vec::with_capacity(usize::try_from(end).unwrap_or(0) + 1);
        let mut cursor = day0;
        days.push(cursor);
        for _ in 0..end {
            cursor = calendar.add_working_days(cursor, 1)?;
            days.push(cursor);
        }
        let date = |idx: u64| -> Result<NaiveDate> {
            match usize::try_from(idx).ok().and_then(|i| days.get(i)) {
                Some(day) => Ok(*day),
                None => calendar.add_working_days(day0, u32::try_from(idx).unwrap_or(u32::MAX)),
            }
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

#[cfg(test)]
mod tests {
    use super::super::programme::tests::{d, raw, step};
    use super::super::programme::{Decision, Programme};
    use super::*;

    fn cal() -> &'static WorkingDayCalendar {
        WorkingDayCalendar::england_and_wales().unwrap()
    }

    fn decision() -> Decision {
        Decision {
            what: "done".into(),
            by: "Board".into(),
            evidence: vec![],
        }
    }

    #[test]
    fn forward_and_backward_passes_give_dates_slack_and_the_critical_path() {
        // a(5) -> b(10) -> d(0); a -> c(3) -> d. Over Christmas 2017.
        let p = Programme::new(raw(vec![
            step("a", &[], 5),
            step("b", &["a"], 10),
            step("c", &["a"], 3),
            step("d", &["b", "c"], 0),
        ]))
        .unwrap();
        let s = p.schedule(d(2017, 12, 18), cal()).unwrap();
        let a = s.step("a").unwrap();
        assert_eq!((a.start, a.finish), (d(2017, 12, 18), d(2017, 12, 22)));
        let b = s.step("b").unwrap();
        // 27 Dec to 10 Jan skips Christmas, Boxing Day, New Year's Day and weekends.
        assert_eq!((b.start, b.finish), (d(2017, 12, 27), d(2018, 1, 10)));
        let c = s.step("c").unwrap();
        assert_eq!(c.slack_working_days, 7);
        assert!(!c.critical);
        let m = s.step("d").unwrap();
        assert_eq!((m.start, m.finish), (d(2018, 1, 11), d(2018, 1, 11)));
        assert_eq!(s.critical_path, ["a", "b", "d"]);
        assert_eq!(s.finish, d(2018, 1, 11));
    }

    #[test]
    fn done_in_progress_and_fixed_dates() {
        let mut fixed = step("go_live", &["sign"], 0);
        fixed.not_before = Some(d(2018, 4, 1));
        let mut p = Programme::new(raw(vec![
            step("options", &[], 20),
            step("negotiate", &["options"], 20),
            step("sign", &["negotiate"], 0),
            fixed,
        ]))
        .unwrap();
        p.complete("options", d(2017, 7, 19), decision()).unwrap();
        p.start("negotiate", d(2017, 7, 24)).unwrap();
        let s = p.schedule(d(2017, 8, 7), cal()).unwrap();
        let o = s.step("options").unwrap();
        assert_eq!(o.basis, ScheduleBasis::Recorded);
        assert_eq!(o.finish, d(2017, 7, 19));
        let n = s.step("negotiate").unwrap();
        assert_eq!(n.basis, ScheduleBasis::InProgress);
        assert_eq!(n.start, d(2017, 7, 24));
        // 10 working days spent (24 Jul to 4 Aug); 10 remain from 7 Aug.
        assert_eq!(n.remaining_working_days, 10);
        assert_eq!(n.finish, d(2017, 8, 18));
        // Easter Monday 2 April 2018: the first working day on or after 1 April is the 3rd.
        let g = s.step("go_live").unwrap();
        assert_eq!(g.start, d(2018, 4, 3));
        assert_eq!(s.critical_path, ["go_live"]);
        assert!(s.step("sign").unwrap().slack_working_days > 100);
        // Long after the planned end, the step in progress is overrunning.
        let late = p.schedule(d(2017, 12, 1), cal()).unwrap();
        let n = late.step("negotiate").unwrap();
        assert!(n.overrunning);
        assert_eq!(n.remaining_working_days, 1);
    }

    #[test]
    fn dates_outside_the_calendar_are_errors() {
        let p = Programme::new(raw(vec![step("a", &[], 5)])).unwrap();
        assert!(matches!(
            p.schedule(d(2031, 1, 1), cal()),
            Err(crate::Error::DateOutOfRange { .. })
        ));
    }
}
