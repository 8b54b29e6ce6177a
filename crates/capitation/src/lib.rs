//! capitation (under construction).

pub mod budget;
pub mod envelope;
pub mod error;
pub mod payment;
pub mod population;
pub mod projection;

pub use error::{Error, Result};
