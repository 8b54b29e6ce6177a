//! governance
#![allow(missing_docs)]
pub mod body;
pub mod error;
mod data;
pub mod decisions;
pub mod devolution;
pub mod ipc;
pub mod law;
pub mod mergers;
pub mod pooled;
pub mod principles;
pub mod provision;
pub mod vehicles;
pub use body::{Body, BodyKind};
pub use error::{Error, Result};
