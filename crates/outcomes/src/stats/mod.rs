//! Statistics for "did it improve?": confidence intervals (Wilson and exact Clopper-Pearson
//! for proportions; Byar's approximation and exact Poisson limits for counts and rates;
//! Dobson's method for directly standardised rates), comparison with a benchmark or target,
//! funnel-plot limits (normal approximation and exact binomial) and statistical process
//! control.
//!
//! These work in `f64` (achievement fractions for payment stay exact decimals elsewhere).
//! No function returns NaN: degenerate input is an [`crate::Error::Statistics`] or a clearly
//! defined result (a zero count has a lower limit of zero).
//!
//! Methods follow those Fingertips uses, as implemented in `ukhsa-collaboration/PHEindicatormethods`
//! (`R/Wilson.R`, `R/Byars.R`, `R/Funnels.R`) and NHS England's "Making Data Count" (as in
//! `nhs-r-community/NHSRplotthedots`).

pub mod compare;
pub mod confidence;
pub mod dsr;
pub mod funnel;
pub mod spc;
mod special;

pub use compare::{Significance, compare};
pub use confidence::{
    ConfidenceLevel, EXACT_BINOMIAL_MAX, Interval, byar, byar_rate, clopper_pearson,
    count_interval, poisson_exact, rate_interval, wilson,
};
pub use dsr::{CountLimits, Dsr, DsrStratum, dsr};
