//! Places, lots and footprints: the geography a programme commissions for.
//!
//! A [`Footprint`] is an STP or ICS area with its member organisations, the [`Place`]s people
//! identify with (Coventry; Warwickshire North; Rugby; South Warwickshire) and the [`Lot`]s
//! contracts are let by. Seed 001's "Geography and lots" workstream decides them; seed 003's
//! contracts are "based on geographies that people identify with as 'places'".

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::budget::ServiceCategory;
use crate::error::{Error, Result};
use crate::ids::GssCode;
use crate::organisation::{FootprintKind, Registry};

/// A place: a population people identify with, defined by areas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Place {
    /// A unique identifier within its footprint.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The GSS areas that make it up (local authority districts, CCGs).
    #[serde(default)]
    pub areas: Vec<GssCode>,
}

/// A lot: the places and services one contract covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Lot {
    /// A unique identifier within its footprint.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The places it covers (ids).
    pub places: Vec<String>,
    /// The service categories it covers.
    pub services: Vec<ServiceCategory>,
}

/// The input form of a [`Footprint`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RawFootprint {
    /// An identifier.
    pub id: String,
    /// Its name.
    pub name: String,
    /// STP or ICS.
    pub kind: FootprintKind,
    /// Member organisations (registry ids).
    #[serde(default)]
    pub members: Vec<String>,
    /// Its places.
    #[serde(default)]
    pub places: Vec<Place>,
    /// Its lots.
    #[serde(default)]
    pub lots: Vec<Lot>,
}

/// A validated footprint.
///
/// # Examples
///
/// ```
/// use route_map_core::geography::*;
/// use route_map_core::budget::ServiceCategory;
/// use route_map_core::organisation::FootprintKind;
/// let place = |id: &str| Place { id: id.into(), name: id.into(), areas: vec![] };
/// let footprint = Footprint::new(RawFootprint {
///     id: "cw".into(),
///     name: "Coventry and Warwickshire".into(),
///     kind: FootprintKind::Stp,
///     members: vec![],
///     places: vec![place("coventry"), place("warwickshire")],
///     lots: vec![Lot {
///         id: "coventry".into(), name: "Coventry".into(),
///         places: vec!["coventry".into()], services: vec![ServiceCategory::Community],
///     }],
/// })?;
/// assert_eq!(footprint.places_without_lot(ServiceCategory::Community), vec!["warwickshire"]);
/// # Ok::<(), route_map_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawFootprint", into = "RawFootprint")]
pub struct Footprint {
    raw: RawFootprint,
}

impl Footprint {
    /// Validate a footprint.
    ///
    /// # Errors
    ///
    /// - [`Error::Duplicate`] for a place or lot id used twice, or a place given to two lots
    ///   for the same service (a service in a place is let by one contract);
    /// - [`Error::Unknown`] for a lot naming a place that is not listed;
    /// - [`Error::Invalid`] for an empty id or name, or a lot with no places or services.
    pub fn new(raw: RawFootprint) -> Result<Footprint> {
        let invalid = |field: String, reason: &str| Error::Invalid {
            field,
            reason: reason.into(),
        };
        if raw.id.trim().is_empty() || raw.name.trim().is_empty() {
            return Err(invalid("footprint id and name".into(), "must not be empty"));
        }
        let mut places = BTreeSet::new();
        for p in &raw.places {
            if p.id.trim().is_empty() {
                return Err(invalid(
                    format!("place in footprint {}", raw.id),
                    "id must not be empty",
                ));
            }
            if !places.insert(p.id.as_str()) {
                return Err(Error::Duplicate {
                    kind: "place",
                    id: p.id.clone(),
                });
            }
        }
        let mut lots = BTreeSet::new();
        let mut covered = BTreeSet::new();
        for lot in &raw.lots {
            if !lots.insert(lot.id.as_str()) {
                return Err(Error::Duplicate {
                    kind: "lot",
                    id: lot.id.clone(),
                });
            }
            if lot.places.is_empty() || lot.services.is_empty() {
                return Err(invalid(
                    format!("lot {:?}", lot.id),
                    "must cover at least one place and one service",
                ));
            }
            for p in &lot.places {
                if !places.contains(p.as_str()) {
                    return Err(Error::Unknown {
                        kind: "place",
                        id: p.clone(),
                    });
                }
                for s in &lot.services {
                    if !covered.insert((p.as_str(), *s)) {
                        return Err(Error::Duplicate {
                            kind: "lot for place and service",
                            id: format!("{p} / {s}"),
                        });
                    }
                }
            }
        }
        Ok(Footprint { raw })
    }

    /// Its identifier.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.raw.id
    }

    /// Its name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.raw.name
    }

    /// STP or ICS.
    #[must_use]
    pub fn kind(&self) -> FootprintKind {
        self.raw.kind
    }

    /// Its places.
    #[must_use]
    pub fn places(&self) -> &[Place] {
        &self.raw.places
    }

    /// Its lots.
    #[must_use]
    pub fn lots(&self) -> &[Lot] {
        &self.raw.lots
    }

    /// Member organisation ids.
    #[must_use]
    pub fn members(&self) -> &[String] {
        &self.raw.members
    }

    /// The lot that lets `service` in `place`, if any.
    #[must_use]
    pub fn lot_for(&self, place: &str, service: ServiceCategory) -> Option<&Lot> {
        self.raw
            .lots
            .iter()
            .find(|l| l.places.iter().any(|p| p == place) && l.services.contains(&service))
    }

    /// Places where no lot lets `service`: gaps to close before procurement.
    #[must_use]
    pub fn places_without_lot(&self, service: ServiceCategory) -> Vec<&str> {
        self.raw
            .places
            .iter()
            .filter(|p| self.lot_for(&p.id, service).is_none())
            .map(|p| p.id.as_str())
            .collect()
    }

    /// Check the footprint on a date: its kind must exist then and every member must be in
    /// the registry and operate then.
    ///
    /// # Errors
    ///
    /// [`Error::NotValidOnDate`] when the footprint kind or a member does not exist on the
    /// date; [`Error::Unknown`] for a member not in the registry.
    pub fn check_on(&self, registry: &Registry, date: NaiveDate) -> Result<()> {
        let existence = self.raw.kind.existence()?;
        if !matches!(existence.at(date), Ok(true)) {
            return Err(Error::NotValidOnDate {
                organisation: self.raw.name.clone(),
                role: format!("{:?} footprint", self.raw.kind),
                date,
                reason: format!("no such footprint exists then ({})", existence.parameter()),
            });
        }
        for m in &self.raw.members {
            registry.get(m)?.operates_on(date)?;
        }
        Ok(())
    }
}

impl TryFrom<RawFootprint> for Footprint {
    type Error = Error;
    fn try_from(raw: RawFootprint) -> Result<Footprint> {
        Footprint::new(raw)
    }
}

impl From<Footprint> for RawFootprint {
    fn from(f: Footprint) -> RawFootprint {
        f.raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(id: &str) -> Place {
        Place {
            id: id.into(),
            name: id.into(),
            areas: vec![],
        }
    }

    fn lot(id: &str, places: &[&str], services: &[ServiceCategory]) -> Lot {
        Lot {
            id: id.into(),
            name: id.into(),
            places: places.iter().map(|p| (*p).to_owned()).collect(),
            services: services.to_vec(),
        }
    }

    fn raw() -> RawFootprint {
        RawFootprint {
            id: "cw".into(),
            name: "Coventry and Warwickshire".into(),
            kind: FootprintKind::Stp,
            members: vec![],
            places: vec![place("cov"), place("war")],
            lots: vec![lot("l1", &["cov"], &[ServiceCategory::Community])],
        }
    }

    #[test]
    fn lots_must_name_known_places_once_per_service() {
        assert!(Footprint::new(raw()).is_ok());
        let mut r = raw();
        r.lots
            .push(lot("l2", &["nowhere"], &[ServiceCategory::Community]));
        assert!(matches!(Footprint::new(r), Err(Error::Unknown { .. })));
        let mut r = raw();
        r.lots
            .push(lot("l2", &["cov"], &[ServiceCategory::Community]));
        assert!(matches!(Footprint::new(r), Err(Error::Duplicate { .. })));
        let mut r = raw();
        r.lots.push(lot("l2", &["cov"], &[ServiceCategory::Acute]));
        assert!(
            Footprint::new(r).is_ok(),
            "another service may be another lot"
        );
        let mut r = raw();
        r.lots
            .push(lot("l1", &["war"], &[ServiceCategory::Community]));
        assert!(matches!(Footprint::new(r), Err(Error::Duplicate { .. })));
        let mut r = raw();
        r.lots.push(lot("l3", &[], &[ServiceCategory::Community]));
        assert!(matches!(Footprint::new(r), Err(Error::Invalid { .. })));
        let mut r = raw();
        r.places.push(place("cov"));
        assert!(matches!(Footprint::new(r), Err(Error::Duplicate { .. })));
        let mut r = raw();
        r.name = String::new();
        assert!(Footprint::new(r).is_err());
    }

    #[test]
    fn gaps_and_dates() {
        let f = Footprint::new(raw()).unwrap();
        assert_eq!(
            f.places_without_lot(ServiceCategory::Community),
            vec!["war"]
        );
        assert_eq!(
            f.lot_for("cov", ServiceCategory::Community).unwrap().id,
            "l1"
        );
        let registry = Registry::default();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert!(f.check_on(&registry, d(2017, 10, 4)).is_ok());
        assert!(matches!(
            f.check_on(&registry, d(2023, 1, 1)),
            Err(Error::NotValidOnDate { .. })
        ));
        let mut r = raw();
        r.members.push("05A".into());
        let f = Footprint::new(r).unwrap();
        assert!(matches!(
            f.check_on(&registry, d(2017, 10, 4)),
            Err(Error::Unknown { .. })
        ));
    }
}
