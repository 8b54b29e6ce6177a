//! Readers that turn files into people.
