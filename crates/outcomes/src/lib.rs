//! Outcomes frameworks, achievement scoring and statistical verdicts.

pub mod curve;
mod data;
pub mod error;
pub mod fingertips;
pub mod framework;
pub mod id;
pub mod indicator;
pub mod observation;
pub mod phasing;
pub mod stats;
pub mod templates;
pub mod weights;

pub use error::{Error, Result};
pub use framework::{Framework, FrameworkScore};
pub use id::{AreaCode, IndicatorId};
pub use indicator::{IncentiveBasis, Indicator, Polarity, Unit};
