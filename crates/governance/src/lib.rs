//! governance
#![allow(missing_docs)]
pub mod body;
pub mod error;
pub mod law;
pub mod pooled;
pub use body::{Body, BodyKind};
pub use error::{Error, Result};
