//! Integration tests: appraisal.
