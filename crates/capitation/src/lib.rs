//! capitation (under construction).

pub mod error;
pub mod payment;

pub use error::{Error, Result};
