//! # route-map
//!
//! Typed models and pure functions for the people who commission health and care services
//! for a population, following the route map to accountable care: define outcomes, scope and
//! segment budgets, choose the form of commissioning, make the case for change, design a
//! lawful procurement, and pay providers a capitated budget whose incentive part depends on
//! the outcomes achieved.
//!
//! This facade re-exports the workspace's six crates:
//!
//! | module | crate | what it holds |
//! |---|---|---|
//! | [`core`] | `route-map-core` | money, dates, dated rules with sources, organisations, budgets, the route map |
//! | [`outcomes`] | `outcomes` | outcomes frameworks, achievement scoring, statistics, Fingertips import |
//! | [`capitation`] | `capitation` | segmentation, capitated budgets, the financial envelope, the payment engine |
//! | [`appraisal`] | `appraisal` | option appraisal by stakeholder panels |
//! | [`procurement`] | `procurement-rules` | procurement regimes, routes, notices, standstill, ISAP, OCDS |
//! | [`governance`] | `governance` | integration levels, devolution, vehicles, pooled budgets, decisions |
//!
//! ```
//! use route_map::core::Money;
//! let total: Money = "£57,428,020".parse()?;
//! assert_eq!(total.split(4)?.len(), 4);
//! # Ok::<(), route_map::core::Error>(())
//! ```

pub use appraisal;
pub use capitation;
pub use governance;
pub use outcomes;
pub use procurement_rules as procurement;
pub use route_map_core as core;
