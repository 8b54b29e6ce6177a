//! The bodies that commission, provide and govern: a small model of their own.
//!
//! `route-map-core` is gaining a fuller organisation model; this crate keeps its own minimal
//! [`Body`] (an identifier, a name and a [`BodyKind`]) so that it depends on nothing that may
//! still change. Converting from the core type is a one-line `Body::new`.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The statutory kind of a body, as far as governance law cares.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BodyKind {
    /// A clinical commissioning group (1 April 2013 to 30 June 2022).
    Ccg,
    /// An integrated care board (from 1 July 2022).
    Icb,
    /// NHS England (the NHS Commissioning Board).
    NhsEngland,
    /// An NHS trust.
    NhsTrust,
    /// An NHS foundation trust.
    FoundationTrust,
    /// A local authority (county, district, unitary, metropolitan or London borough council).
    LocalAuthority,
    /// A combined authority.
    CombinedAuthority,
    /// A general practice or primary care network.
    PrimaryCare,
    /// A voluntary, community or social enterprise organisation.
    VoluntarySector,
    /// Any other provider (independent sector, community interest company).
    OtherProvider,
}

impl BodyKind {
    /// Every kind, in declaration order.
    pub const ALL: [BodyKind; 10] = [
        BodyKind::Ccg,
        BodyKind::Icb,
        BodyKind::NhsEngland,
        BodyKind::NhsTrust,
        BodyKind::FoundationTrust,
        BodyKind::LocalAuthority,
        BodyKind::CombinedAuthority,
        BodyKind::PrimaryCare,
        BodyKind::VoluntarySector,
        BodyKind::OtherProvider,
    ];

    /// A short label, e.g. `foundation trust`.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            BodyKind::Ccg => "CCG",
            BodyKind::Icb => "ICB",
            BodyKind::NhsEngland => "NHS England",
            BodyKind::NhsTrust => "NHS trust",
            BodyKind::FoundationTrust => "foundation trust",
            BodyKind::LocalAuthority => "local authority",
            BodyKind::CombinedAuthority => "combined authority",
            BodyKind::PrimaryCare => "primary care provider",
            BodyKind::VoluntarySector => "voluntary sector organisation",
            BodyKind::OtherProvider => "other provider",
        }
    }

    /// Whether bodies of this kind are statutory bodies able to form committees and take
    /// statutory commissioning or provision decisions.
    #[must_use]
    pub fn is_statutory(self) -> bool {
        matches!(
            self,
            BodyKind::Ccg
                | BodyKind::Icb
                | BodyKind::NhsEngland
                | BodyKind::NhsTrust
                | BodyKind::FoundationTrust
                | BodyKind::LocalAuthority
                | BodyKind::CombinedAuthority
        )
    }

    /// Whether the kind commissions (CCG, ICB, NHS England, local or combined authority).
    #[must_use]
    pub fn is_commissioner(self) -> bool {
        matches!(
            self,
            BodyKind::Ccg
                | BodyKind::Icb
                | BodyKind::NhsEngland
                | BodyKind::LocalAuthority
                | BodyKind::CombinedAuthority
        )
    }
}

impl fmt::Display for BodyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A body taking part in governance: identifier, name and kind.
///
/// # Examples
///
/// ```
/// use governance::{Body, BodyKind};
/// let council = Body::new("PCC", "Plymouth City Council", BodyKind::LocalAuthority)?;
/// assert_eq!(council.to_string(), "Plymouth City Council (local authority)");
/// # Ok::<(), governance::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawBody")]
pub struct Body {
    id: String,
    name: String,
    kind: BodyKind,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct RawBody {
    id: String,
    name: String,
    kind: BodyKind,
}

impl TryFrom<RawBody> for Body {
    type Error = Error;
    fn try_from(raw: RawBody) -> Result<Body> {
        Body::new(raw.id, raw.name, raw.kind)
    }
}

impl Body {
    /// A body with a non-empty identifier (an ODS code or any local key) and name.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when the identifier or name is blank.
    pub fn new(id: impl Into<String>, name: impl Into<String>, kind: BodyKind) -> Result<Body> {
        let id = id.into();
        let name = name.into();
        if id.trim().is_empty() {
            return Err(Error::invalid("body id", "is blank"));
        }
        if name.trim().is_empty() {
            return Err(Error::invalid(format!("name of body {id:?}"), "is blank"));
        }
        Ok(Body { id, name, kind })
    }

    /// The identifier.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The kind.
    #[must_use]
    pub fn kind(&self) -> BodyKind {
        self.kind
    }
}

impl fmt::Display for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.kind)
    }
}

/// Check that body identifiers are unique.
pub(crate) fn check_unique(bodies: &[Body], context: &str) -> Result<()> {
    let mut seen = BTreeSet::new();
    for b in bodies {
        if !seen.insert(b.id()) {
            return Err(Error::Duplicate {
                kind: "body",
                id: b.id().to_owned(),
                context: context.to_owned(),
            });
        }
    }
    Ok(())
}

/// Find a body by identifier.
pub(crate) fn find<'a>(bodies: &'a [Body], id: &str, context: &str) -> Result<&'a Body> {
    bodies
        .iter()
        .find(|b| b.id() == id)
        .ok_or_else(|| Error::UnknownBody {
            id: id.to_owned(),
            context: context.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_id_or_name_is_rejected() {
        assert!(matches!(
            Body::new(" ", "x", BodyKind::Ccg),
            Err(Error::Invalid { .. })
        ));
        assert!(matches!(
            Body::new("X", "", BodyKind::Ccg),
            Err(Error::Invalid { .. })
        ));
    }

    #[test]
    fn deserialising_validates() {
        let ok: Body = serde_json::from_str(r#"{"id":"A","name":"A CCG","kind":"ccg"}"#).unwrap();
        assert_eq!(ok.kind(), BodyKind::Ccg);
        assert!(serde_json::from_str::<Body>(r#"{"id":"","name":"A","kind":"ccg"}"#).is_err());
    }

    #[test]
    fn duplicates_and_unknowns_are_errors() {
        let a = Body::new("A", "A", BodyKind::Ccg).unwrap();
        let bodies = vec![a.clone(), a];
        assert!(matches!(
            check_unique(&bodies, "test"),
            Err(Error::Duplicate { .. })
        ));
        assert!(matches!(
            find(&bodies, "B", "test"),
            Err(Error::UnknownBody { .. })
        ));
    }
}
