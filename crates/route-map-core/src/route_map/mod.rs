//! The route map to accountable care as a program.
//!
//! [`RouteMap`] holds the route map as data (`data/route_map.toml`): the stages of the
//! organisational design route map (sections 3 to 7: strategic commissioning, case for change,
//! commissioning function, procurement approach, provision landscape) and their building
//! blocks; the twelve programme workstreams; the commissioners' five key steps; and the
//! commissioning cycle (analyse, plan, do, review) with its activities. Each step cites its
//! source; dependencies link steps of a group, and feedback loops say which later step may
//! send an earlier one back (a provision assessment can send procurement design back).
//!
//! A [`Programme`] is a local plan of steps, each carrying out route map steps, with
//! durations in working days. It records decisions (what, when, by whom, with what evidence)
//! and reports where it stands on a date ([`Standing`]: done, in progress, ready, blocked and
//! by what, to revisit), and [`Programme::schedule`] dates the remaining steps on the England
//! and Wales working-day calendar with the critical path. A dependency cycle is
//! [`crate::Error::DependencyCycle`], naming the loop.
//!
//! ```
//! use route_map_core::route_map::*;
//! use route_map_core::WorkingDayCalendar;
//! use chrono::NaiveDate;
//!
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! let map = RouteMap::embedded()?;
//! // The commissioners' five key steps, ten working days each.
//! let plan = map.plan(StepGroup::KeyStep, "Key steps", d(2017, 4, 3), |_| 10);
//! let mut programme = Programme::new(plan)?;
//! programme.complete("key_step.services_in_scope", d(2017, 4, 28), Decision {
//!     what: "Community services in scope".into(),
//!     by: "Programme Board".into(),
//!     evidence: vec!["scope schedule".into()],
//! })?;
//! let standing = programme.standing(d(2017, 5, 1));
//! let ready: Vec<&str> = standing.ready().map(|s| s.id.as_str()).collect();
//! assert_eq!(ready, ["key_step.service_change", "key_step.map_contracts"]);
//!
//! let schedule = programme.schedule(d(2017, 5, 1), WorkingDayCalendar::england_and_wales()?)?;
//! assert_eq!(schedule.critical_path.last().map(String::as_str), Some("key_step.procurement_strategy"));
//! # Ok::<(), route_map_core::Error>(())
//! ```

mod catalogue;
mod graph;
mod programme;
mod schedule;

pub use catalogue::{CatalogueStep, Feedback, RouteMap, StepGroup};
pub use programme::{
    Decision, Event, PlannedStep, Programme, RawProgramme, Record, Standing, StepStanding,
    StepStatus,
};
pub use schedule::{Schedule, ScheduleBasis, ScheduledStep};
