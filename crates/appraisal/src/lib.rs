//! appraisal (under construction).

pub mod ahp;
pub mod appraise;
mod data;
pub mod error;
pub mod matrix;
pub mod methods;
pub mod model;
pub mod rankagg;
pub mod sensitivity;
pub mod ranking;
pub mod stats;
pub mod survey;
pub mod templates;

pub use error::{Error, Result};
