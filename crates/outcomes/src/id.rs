//! Validated identifiers: [`IndicatorId`] (also used for domains and outcomes) and
//! [`AreaCode`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

fn check_id(kind: &'static str, input: &str, max: usize) -> Result<()> {
    let invalid = |reason| Error::InvalidId {
        kind,
        input: input.to_owned(),
        reason,
    };
    if input.is_empty() {
        return Err(invalid("must not be empty"));
    }
    if input.len() > max {
        return Err(invalid("is too long"));
    }
    if !input
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '(' | ')'))
    {
        return Err(invalid(
            "may hold only ASCII letters, digits and . _ - / ( ) (no spaces)",
        ));
    }
    Ok(())
}

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident, $kind:literal, $max:literal, $pattern:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Validate and wrap an identifier.
            ///
            /// # Errors
            ///
            /// [`Error::InvalidId`] when it is empty, too long or holds characters other than
            /// ASCII letters, digits and `. _ - / ( )`.
            pub fn new(id: &str) -> Result<Self> {
                check_id($kind, id, $max)?;
                Ok(Self(id.to_owned()))
            }

            /// The identifier as text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(s: String) -> Result<Self> {
                check_id($kind, &s, $max)?;
                Ok(Self(s))
            }
        }

        impl TryFrom<&str> for $name {
            type Error = Error;
            fn try_from(s: &str) -> Result<Self> {
                Self::new(s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": concat!("A ", $kind, ": ASCII letters, digits and . _ - / ( ), no spaces."),
                    "type": "string",
                    "minLength": 1,
                    "maxLength": $max,
                    "pattern": $pattern
                })
            }
        }
    };
}

string_id!(
    /// The identifier of an indicator (also of a domain or an outcome) within a framework:
    /// the key under which achievement is reported to the payment engine.
    ///
    /// # Examples
    ///
    /// ```
    /// use outcomes::IndicatorId;
    /// let id: IndicatorId = "OOH-D2-01".parse()?;
    /// assert_eq!(id.as_str(), "OOH-D2-01");
    /// assert!("has space".parse::<IndicatorId>().is_err());
    /// # Ok::<(), outcomes::Error>(())
    /// ```
    IndicatorId,
    "indicator id",
    64,
    r"^[A-Za-z0-9._/()-]+$"
);

string_id!(
    /// The code of an area an observation describes: an ONS GSS code (`E92000001` for
    /// England), an ODS code (`A82003` for a GP practice) or another code a source uses (the
    /// Fingertips extract has `U`-prefixed network codes), so only its shape is checked.
    ///
    /// # Examples
    ///
    /// ```
    /// use outcomes::AreaCode;
    /// assert_eq!("E92000001".parse::<AreaCode>()?.to_string(), "E92000001");
    /// assert!("".parse::<AreaCode>().is_err());
    /// # Ok::<(), outcomes::Error>(())
    /// ```
    AreaCode,
    "area code",
    32,
    r"^[A-Za-z0-9._/()-]+$"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_validate() {
        assert!(IndicatorId::new("A01a").is_ok());
        assert!(IndicatorId::new("2B(1)").is_ok());
        assert!(matches!(
            IndicatorId::new(""),
            Err(Error::InvalidId {
                reason: "must not be empty",
                ..
            })
        ));
        assert!(IndicatorId::new(&"x".repeat(65)).is_err());
        assert!(IndicatorId::new("a b").is_err());
        assert!(AreaCode::new("E08000012").is_ok());
        let e: std::result::Result<IndicatorId, _> = serde_json::from_str("\"x y\"");
        assert!(e.is_err());
        let ok: IndicatorId = serde_json::from_str("\"CQUIN01\"").unwrap();
        assert_eq!(ok.as_str(), "CQUIN01");
    }
}
