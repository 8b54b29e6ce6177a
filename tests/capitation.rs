//! Integration tests: capitation.
