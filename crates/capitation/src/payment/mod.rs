//! The payment engine (under construction).

pub mod error;

pub use error::PaymentError;
