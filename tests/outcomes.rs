//! Integration tests: outcomes.
