//! Errors of the payment engine, wrapped by the crate's [`crate::Error`].

/// Everything that can go wrong in the payment engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaymentError {
    /// An error from `route-map-core` (money, dates).
    #[error(transparent)]
    Core(#[from] route_map_core::Error),
}
