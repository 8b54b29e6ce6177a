//! Integration tests: governance.
