//! Validated identifiers: NHS ODS organisation codes and ONS GSS area codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The shape of an ODS code, which says what kind of organisation it usually names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OdsShape {
    /// `R` or `T` plus two characters: an NHS trust or foundation trust (`RYG`, `TAJ`).
    NhsTrust,
    /// Two digits and a letter: a clinical commissioning group (`05A`).
    Ccg,
    /// Letter, digit, letter, digit, letter: a CCG formed by merger from 2020 (`B2M3M`).
    MergedCcg,
    /// `Q` plus two characters: an ICB, NHS England region or former area team (`QWU`).
    QCode,
    /// A letter and five digits: a GP practice (`M85001`).
    GpPractice,
    /// `U` plus five digits: a primary care network (`U12345`).
    Pcn,
    /// Five characters: a site of an organisation (`RYG01`).
    Site,
    /// Any other valid ODS code (independent providers, local authorities, ...).
    Other,
}

/// An NHS Organisation Data Service code: 3 to 8 upper-case letters and digits.
///
/// Lower-case input is accepted and upper-cased, since ODS codes are case-insensitive.
///
/// # Examples
///
/// ```
/// use route_map_core::{OdsCode, ids::OdsShape};
/// let code: OdsCode = "05a".parse()?;
/// assert_eq!(code.as_str(), "05A");
/// assert_eq!(code.shape(), OdsShape::Ccg);
/// assert!("R-1".parse::<OdsCode>().is_err());
/// # Ok::<(), route_map_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OdsCode(String);

impl OdsCode {
    /// Validate an ODS code.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidIdentifier`] unless the code is 3 to 8 ASCII letters and digits.
    pub fn new(code: &str) -> Result<OdsCode> {
        let invalid = |reason| Error::InvalidIdentifier {
            kind: "ODS code",
            input: code.to_owned(),
            reason,
        };
        let t = code.trim();
        if !(3..=8).contains(&t.len()) {
            return Err(invalid("must be 3 to 8 characters"));
        }
        if !t.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid("must be letters and digits only"));
        }
        Ok(OdsCode(t.to_ascii_uppercase()))
    }

    /// The code as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the code's shape suggests it names.
    #[must_use]
    pub fn shape(&self) -> OdsShape {
        let b = self.0.as_bytes();
        let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
        match b {
            [b'R' | b'T', _, _] => OdsShape::NhsTrust,
            [b'Q', _, _] => OdsShape::QCode,
            [d1, d2, l]
                if d1.is_ascii_digit() && d2.is_ascii_digit() && l.is_ascii_alphabetic() =>
            {
                OdsShape::Ccg
            }
            [b'U', rest @ ..] if rest.len() == 5 && digits(rest) => OdsShape::Pcn,
            [l, rest @ ..] if l.is_ascii_alphabetic() && rest.len() == 5 && digits(rest) => {
                OdsShape::GpPractice
            }
            [l1, d1, l2, d2, l3]
                if l1.is_ascii_alphabetic()
                    && d1.is_ascii_digit()
                    && l2.is_ascii_alphabetic()
                    && d2.is_ascii_digit()
                    && l3.is_ascii_alphabetic() =>
            {
                OdsShape::MergedCcg
            }
            _ if b.len() == 5 => OdsShape::Site,
            _ => OdsShape::Other,
        }
    }

    /// Validate that the code has the shape expected for `shape`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidIdentifier`] when the shape differs.
    pub fn expect_shape(&self, shape: OdsShape) -> Result<()> {
        if self.shape() == shape {
            Ok(())
        } else {
            Err(Error::InvalidIdentifier {
                kind: "ODS code",
                input: self.0.clone(),
                reason: "does not have the shape expected for this kind of organisation",
            })
        }
    }
}

impl fmt::Display for OdsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for OdsCode {
    type Err = Error;
    fn from_str(s: &str) -> Result<OdsCode> {
        OdsCode::new(s)
    }
}

impl TryFrom<String> for OdsCode {
    type Error = Error;
    fn try_from(s: String) -> Result<OdsCode> {
        OdsCode::new(&s)
    }
}

impl From<OdsCode> for String {
    fn from(c: OdsCode) -> String {
        c.0
    }
}

impl schemars::JsonSchema for OdsCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "OdsCode".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An NHS ODS organisation code: 3 to 8 letters and digits.",
            "type": "string",
            "pattern": "^[A-Za-z0-9]{3,8}$"
        })
    }
}

/// The nation a GSS code belongs to, from its first letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Nation {
    /// `E`.
    England,
    /// `W`.
    Wales,
    /// `S`.
    Scotland,
    /// `N`.
    NorthernIreland,
    /// `K`: areas spanning nations (UK, Great Britain, England and Wales).
    Multiple,
}

/// An ONS Government Statistical Service area code: a nation letter and eight digits
/// (`E08000026` is Coventry; `E38` codes are CCGs and sub-ICB locations, `E54` ICBs).
///
/// # Examples
///
/// ```
/// use route_map_core::{GssCode, ids::Nation};
/// let coventry: GssCode = "E08000026".parse()?;
/// assert_eq!(coventry.entity(), "E08");
/// assert_eq!(coventry.nation(), Nation::England);
/// assert!("E0800002".parse::<GssCode>().is_err());
/// # Ok::<(), route_map_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GssCode(String);

impl GssCode {
    /// Validate a GSS code.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidIdentifier`] unless the code is one of `E W S N K` then eight digits.
    pub fn new(code: &str) -> Result<GssCode> {
        let invalid = |reason| Error::InvalidIdentifier {
            kind: "GSS code",
            input: code.to_owned(),
            reason,
        };
        let t = code.trim().to_ascii_uppercase();
        let b = t.as_bytes();
        if b.len() != 9 {
            return Err(invalid("must be 9 characters"));
        }
        match b.first() {
            Some(b'E' | b'W' | b'S' | b'N' | b'K') => {}
            _ => return Err(invalid("must start with E, W, S, N or K")),
        }
        if !b.iter().skip(1).all(u8::is_ascii_digit) {
            return Err(invalid("must end with eight digits"));
        }
        Ok(GssCode(t))
    }

    /// The code as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The three-character entity code (`E06`, `E08`, `E38`, ...).
    #[must_use]
    pub fn entity(&self) -> &str {
        self.0.get(..3).unwrap_or(&self.0)
    }

    /// The nation.
    #[must_use]
    pub fn nation(&self) -> Nation {
        match self.0.as_bytes().first() {
            Some(b'E') => Nation::England,
            Some(b'W') => Nation::Wales,
            Some(b'S') => Nation::Scotland,
            Some(b'N') => Nation::NorthernIreland,
            _ => Nation::Multiple,
        }
    }
}

impl fmt::Display for GssCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for GssCode {
    type Err = Error;
    fn from_str(s: &str) -> Result<GssCode> {
        GssCode::new(s)
    }
}

impl TryFrom<String> for GssCode {
    type Error = Error;
    fn try_from(s: String) -> Result<GssCode> {
        GssCode::new(&s)
    }
}

impl From<GssCode> for String {
    fn from(c: GssCode) -> String {
        c.0
    }
}

impl schemars::JsonSchema for GssCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "GssCode".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An ONS GSS area code: E, W, S, N or K and eight digits.",
            "type": "string",
            "pattern": "^[EWSNKewsnk][0-9]{8}$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ods_shapes() {
        let shape = |s: &str| OdsCode::new(s).unwrap().shape();
        assert_eq!(shape("RYG"), OdsShape::NhsTrust);
        assert_eq!(shape("TAJ"), OdsShape::NhsTrust);
        assert_eq!(shape("05A"), OdsShape::Ccg);
        assert_eq!(shape("QWU"), OdsShape::QCode);
        assert_eq!(shape("M85001"), OdsShape::GpPractice);
        assert_eq!(shape("U12345"), OdsShape::Pcn);
        assert_eq!(shape("RYG01"), OdsShape::Site);
        assert_eq!(shape("05A01"), OdsShape::Site);
        assert_eq!(shape("B2M3M"), OdsShape::MergedCcg);
        assert_eq!(shape("NQT1234"), OdsShape::Other);
        assert!(
            OdsCode::new("05A")
                .unwrap()
                .expect_shape(OdsShape::NhsTrust)
                .is_err()
        );
    }

    #[test]
    fn ods_rejects_bad_shapes() {
        for bad in ["", "AB", "ABCDEFGHI", "R Y", "05-A", "££££"] {
            let err = OdsCode::new(bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidIdentifier {
                        kind: "ODS code",
                        ..
                    }
                ),
                "{bad}"
            );
        }
        assert!(serde_json::from_str::<OdsCode>("\"x\"").is_err());
    }

    #[test]
    fn gss_rejects_bad_shapes() {
        for bad in ["", "X08000026", "E0800002A", "E080000261", "08000026E"] {
            assert!(GssCode::new(bad).is_err(), "{bad}");
        }
        assert_eq!(GssCode::new("w06000015").unwrap().nation(), Nation::Wales);
    }

    proptest! {
        #[test]
        fn prop_identifier_parsing_never_panics(s in "\\PC{0,12}") {
            let _ = OdsCode::new(&s).map(|c| c.shape());
            let _ = GssCode::new(&s).map(|c| c.entity().to_owned());
        }
    }
}
