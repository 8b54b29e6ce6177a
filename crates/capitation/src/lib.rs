//! capitation (under construction).

pub mod budget;
pub mod error;
pub mod payment;
pub mod population;

pub use error::{Error, Result};
