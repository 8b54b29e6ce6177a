//! Integration tests: procurement.
