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
