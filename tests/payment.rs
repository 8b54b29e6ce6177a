//! Integration tests: payment.
