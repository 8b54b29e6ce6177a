//! Loading of the crate's embedded TOML data, once, without panicking.

use std::sync::OnceLock;

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Parse `text` once into the cell; report a parse failure as [`Error::EmbeddedData`].
pub(crate) fn load<T: DeserializeOwned>(
    cell: &'static OnceLock<std::result::Result<T, String>>,
    name: &'static str,
    text: &str,
) -> Result<&'static T> {
    cell.get_or_init(|| toml::from_str::<T>(text).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|reason| Error::EmbeddedData {
            name,
            reason: reason.clone(),
        })
}
