//! Generated JSON Schemas under schemas/ must match the input models.
