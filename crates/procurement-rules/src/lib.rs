//! procurement-rules (under construction).

pub mod cpv;
mod data;
pub mod error;
pub mod existing;
pub mod isap;
pub mod law;
pub mod plan;
pub mod regime;
pub mod routes;
pub mod standstill;

pub use cpv::CpvCode;
pub use error::{Error, Result};
