//! The shared vocabulary of the route-map workspace: exact money, dated rules with their
//! sources, working days, identifiers, organisations, budgets and the route map itself.
//!
//! ```
//! use route_map_core::{Money, FinancialYear};
//! use rust_decimal::Decimal;
//!
//! // The Coventry and Warwickshire Out of Hospital in-scope total, 2017/18 (seed 003).
//! let year: FinancialYear = "2017/18".parse()?;
//! let total: Money = "£57,428,020".parse()?;
//! let ccgs = [21_715_000, 21_700_479, 5_313_621, 8_698_920].map(Decimal::from);
//! let parts = total.allocate(&ccgs)?;
//! assert_eq!(parts[1], "21,700,479".parse()?);
//! assert_eq!(Money::sum(parts)?, total);
//! assert_eq!(year.to_string(), "2017/18");
//! # Ok::<(), route_map_core::Error>(())
//! ```
//!
//! # Overview
//!
//! - [`money`]: [`Money`] in whole pence with named [`RoundingRule`]s and largest-remainder
//!   [`Money::allocate`].
//! - [`rate`]: validated [`Rate`], [`Share`] and [`Percentage`].
//! - [`period`]: [`FinancialYear`], [`ContractTerm`], [`MonthPeriod`], [`DateRange`].
//! - [`timeline`]: [`Timeline`] of values on effective dates, each with a [`SourceRef`].
//! - [`calendar`]: the England and Wales [`WorkingDayCalendar`].
//! - [`ids`]: [`OdsCode`] and [`GssCode`].
//! - [`organisation`]: [`Organisation`] and [`OrganisationKind`] (local authorities by tier),
//!   validated codes and the dates each kind exists in law; a [`organisation::Registry`] that
//!   finds who acts for a body on a date (a CCG's ICB from 1 July 2022).
//! - [`geography`]: places, lots and STP/ICS footprints.
//! - [`budget`]: service categories of the route map's potential budgets in scope, budget
//!   lines, and a [`BudgetScope`] deciding each line in or out with a reason, with exact
//!   totals by holder, category and heading.
//! - [`cases`]: the Coventry and Warwickshire Out of Hospital programme (4 October 2017).
//! - [`route_map`]: the route map as data (stages, building blocks, workstreams, key steps,
//!   commissioning cycle, feedback loops) and a [`Programme`] that records decisions, reports
//!   where it stands, flags steps to revisit and schedules the rest with a critical path.
//!
//! # Embedded data and its sources
//!
//! - `data/bank_holidays.toml`: GOV.UK bank holidays 2013 to 2030; years not yet proclaimed
//!   are marked `projected`.
//! - `data/organisations.toml`: when each kind of body and footprint exists in law (Health
//!   and Social Care Act 2012, Health and Care Act 2022, ...). Dates not checked against the
//!   commencement orders (NHS England 1 October 2012, first NHS trusts and foundation trusts,
//!   STP and non-statutory ICS starts) carry a `to_verify` note shown with their source.
//! - `data/service_categories.toml`: the route map's potential budgets in scope (section 3.3).
//! - `data/route_map.toml`: the route map's steps, dependencies and feedback loops, each with
//!   its document and clause; the workstream, key-step and commissioning-cycle documents are
//!   marked `to_verify` for publisher and date.
//! - `data/coventry_warwickshire_ooh.toml`: the worked case of [`cases`].
//!
//! # Crate features
//!
//! - `proptest`: shared proptest strategies in `strategies`.
//!
//! # Rounding policy
//!
//! Money is always whole pence. Nothing rounds implicitly: every operation that could create
//! fractions of a penny takes a [`RoundingRule`]; [`RoundingRule::DEFAULT`] is half away from
//! zero, as spreadsheets round.

pub mod budget;
pub mod calendar;
pub mod cases;
mod data;
pub mod error;
pub mod geography;
pub mod ids;
pub mod money;
pub mod organisation;
pub mod period;
pub mod rate;
pub mod route_map;
#[cfg(feature = "proptest")]
pub mod strategies;
pub mod timeline;

pub use calendar::{BankHoliday, Counting, HolidayStatus, WorkingDayCalendar};
pub use error::{Error, Result};
pub use ids::{GssCode, OdsCode};
pub use money::{Money, RoundingRule};
pub use period::{ContractTerm, DateRange, DateRounding, FinancialYear, MonthPeriod};
pub use rate::{Percentage, Rate, Share};
pub use timeline::{SourceRef, Timeline, TimelineEntry};

pub use budget::{BudgetLine, BudgetScope, ServiceCategory};
pub use organisation::{LocalAuthorityTier, Organisation, OrganisationKind};
pub use route_map::{Programme, RouteMap};

/// The crate's input models by file stem, with their JSON Schemas.
#[must_use]
pub fn input_schemas() -> Vec<(&'static str, schemars::Schema)> {
    vec![
        ("money", schemars::schema_for!(Money)),
        ("financial_year", schemars::schema_for!(FinancialYear)),
        ("date_range", schemars::schema_for!(DateRange)),
        ("contract_term", schemars::schema_for!(ContractTerm)),
        ("rate", schemars::schema_for!(Rate)),
        ("share", schemars::schema_for!(Share)),
        ("percentage", schemars::schema_for!(Percentage)),
        ("source_ref", schemars::schema_for!(SourceRef)),
        ("ods_code", schemars::schema_for!(OdsCode)),
        ("gss_code", schemars::schema_for!(GssCode)),
        ("organisation", schemars::schema_for!(Organisation)),
        (
            "organisation_registry",
            schemars::schema_for!(organisation::Registry),
        ),
        ("footprint", schemars::schema_for!(geography::Footprint)),
        ("budget_line", schemars::schema_for!(BudgetLine)),
        ("budget_scope", schemars::schema_for!(BudgetScope)),
        ("programme", schemars::schema_for!(Programme)),
        ("programme_record", schemars::schema_for!(route_map::Record)),
        ("decision", schemars::schema_for!(route_map::Decision)),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn schemas_are_listed_once_each_and_show_raw_inputs() {
        let schemas = super::input_schemas();
        let names: std::collections::BTreeSet<_> = schemas.iter().map(|(n, _)| *n).collect();
        assert_eq!(names.len(), schemas.len());
        for (name, schema) in &schemas {
            assert!(serde_json::to_string(schema).unwrap().len() > 10, "{name}");
        }
        let programme = serde_json::to_string(&schemars::schema_for!(super::Programme)).unwrap();
        assert!(programme.contains("may_send_back"), "{programme}");
        assert!(!programme.contains("\"graph\""), "internal field leaked");
        let scope = serde_json::to_string(&schemars::schema_for!(super::BudgetScope)).unwrap();
        assert!(scope.contains("decisions") && !scope.contains("\"decided\""));
    }
}
