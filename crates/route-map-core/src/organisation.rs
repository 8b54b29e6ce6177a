//! Organisations that commission and provide care, their kinds, and when each can act.
//!
//! An [`Organisation`] is validated when built: its ODS code must have the shape its kind uses
//! (a CCG `05A`, a trust `RYG`, an ICB `QWU`, a practice `M85001`, a PCN `U12345`), a local
//! authority's GSS code must be of its tier (a county `E10`, a metropolitan district `E08`),
//! and its operating dates must fall within the years its kind exists in law. Those years are
//! data (`data/organisations.toml`) with their sources: CCGs from 1 April 2013 until 30 June
//! 2022, ICBs from 1 July 2022 (Health and Care Act 2022).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::data;
use crate::error::{Error, Result};
use crate::ids::{GssCode, OdsCode, OdsShape};
use crate::timeline::{SourceRef, Timeline};

const ORGANISATIONS_TOML: &str = include_str!("../data/organisations.toml");

/// The tier of a local authority, which decides which services it is responsible for.
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
pub enum LocalAuthorityTier {
    /// A county council (upper tier of a two-tier area), GSS `E10`.
    County,
    /// A non-metropolitan district council (lower tier), GSS `E07`.
    District,
    /// A unitary authority, GSS `E06` (England), `W06` (Wales) or `S12` (Scotland).
    Unitary,
    /// A metropolitan district council, GSS `E08`.
    MetropolitanDistrict,
    /// A London borough council or the City of London, GSS `E09`.
    LondonBorough,
    /// A combined authority, GSS `E47`.
    CombinedAuthority,
}

impl LocalAuthorityTier {
    /// Every tier, in declaration order.
    pub const ALL: [LocalAuthorityTier; 6] = [
        LocalAuthorityTier::County,
        LocalAuthorityTier::District,
        LocalAuthorityTier::Unitary,
        LocalAuthorityTier::MetropolitanDistrict,
        LocalAuthorityTier::LondonBorough,
        LocalAuthorityTier::CombinedAuthority,
    ];

    /// The GSS entity codes an authority of this tier has.
    #[must_use]
    pub fn gss_entities(self) -> &'static [&'static str] {
        match self {
            LocalAuthorityTier::County => &["E10"],
            LocalAuthorityTier::District => &["E07"],
            LocalAuthorityTier::Unitary => &["E06", "W06", "S12"],
            LocalAuthorityTier::MetropolitanDistrict => &["E08"],
            LocalAuthorityTier::LondonBorough => &["E09"],
            LocalAuthorityTier::CombinedAuthority => &["E47"],
        }
    }

    /// Whether the tier holds adult social care and public health: every tier but districts
    /// and combined authorities (the "local authority" of the Care Act 2014 s.1 and
    /// Health and Social Care Act 2012 s.12).
    #[must_use]
    pub fn has_social_care_and_public_health(self) -> bool {
        !matches!(
            self,
            LocalAuthorityTier::District | LocalAuthorityTier::CombinedAuthority
        )
    }

    /// A short label, e.g. `metropolitan district`.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            LocalAuthorityTier::County => "county",
            LocalAuthorityTier::District => "district",
            LocalAuthorityTier::Unitary => "unitary",
            LocalAuthorityTier::MetropolitanDistrict => "metropolitan district",
            LocalAuthorityTier::LondonBorough => "London borough",
            LocalAuthorityTier::CombinedAuthority => "combined authority",
        }
    }
}

/// What kind of body an organisation is.
///
/// In TOML a kind is a string (`kind = "ccg"`) or, for a local authority, a table naming its
/// tier (`kind = { local_authority = "county" }`).
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
pub enum OrganisationKind {
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
    /// A local authority of a tier.
    LocalAuthority(LocalAuthorityTier),
    /// A GP practice.
    GpPractice,
    /// A primary care network (from 1 July 2019).
    Pcn,
    /// A voluntary, community or social enterprise organisation.
    VoluntarySector,
    /// An independent (private) sector provider.
    IndependentProvider,
    /// A community interest company (from 1 July 2005).
    CommunityInterestCompany,
}

impl OrganisationKind {
    /// Whether organisations of this kind commission services (rather than only provide them).
    #[must_use]
    pub fn is_commissioner(self) -> bool {
        matches!(
            self,
            OrganisationKind::Ccg
                | OrganisationKind::Icb
                | OrganisationKind::NhsEngland
                | OrganisationKind::LocalAuthority(_)
        )
    }

    /// The ODS code shapes organisations of this kind have, where a rule applies (empty
    /// when none does). CCGs formed by merger from 2020 have five-character codes (`B2M3M`).
    #[must_use]
    pub fn ods_shapes(self) -> &'static [OdsShape] {
        match self {
            OrganisationKind::Ccg => &[OdsShape::Ccg, OdsShape::MergedCcg],
            OrganisationKind::Icb => &[OdsShape::QCode],
            OrganisationKind::NhsTrust | OrganisationKind::FoundationTrust => &[OdsShape::NhsTrust],
            OrganisationKind::GpPractice => &[OdsShape::GpPractice],
            OrganisationKind::Pcn => &[OdsShape::Pcn],
            _ => &[],
        }
    }

    /// When this kind of body exists in law, where a statutory start or end applies.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] only if the embedded data is defective.
    pub fn existence(self) -> Result<Option<&'static Timeline<bool>>> {
        Ok(kinds_data()?
            .kind
            .iter()
            .find(|k| k.kind == self)
            .map(|k| &k.existence))
    }

    /// A short label, e.g. `foundation trust`.
    #[must_use]
    pub fn label(self) -> String {
        match self {
            OrganisationKind::Ccg => "CCG".into(),
            OrganisationKind::Icb => "ICB".into(),
            OrganisationKind::NhsEngland => "NHS England".into(),
            OrganisationKind::NhsTrust => "NHS trust".into(),
            OrganisationKind::FoundationTrust => "foundation trust".into(),
            OrganisationKind::LocalAuthority(t) => format!("{} local authority", t.label()),
            OrganisationKind::GpPractice => "GP practice".into(),
            OrganisationKind::Pcn => "primary care network".into(),
            OrganisationKind::VoluntarySector => "voluntary sector organisation".into(),
            OrganisationKind::IndependentProvider => "independent provider".into(),
            OrganisationKind::CommunityInterestCompany => "community interest company".into(),
        }
    }
}

impl fmt::Display for OrganisationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// The kind of a planning footprint.
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
pub enum FootprintKind {
    /// A sustainability and transformation partnership (December 2015 to 30 June 2022).
    Stp,
    /// An integrated care system (statutory from 1 July 2022).
    Ics,
}

impl FootprintKind {
    /// When footprints of this kind exist.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] only if the embedded data is defective;
    /// [`Error::Unknown`] if the data has no entry for the kind.
    pub fn existence(self) -> Result<&'static Timeline<bool>> {
        kinds_data()?
            .footprint
            .iter()
            .find(|k| k.kind == self)
            .map(|k| &k.existence)
            .ok_or_else(|| Error::Unknown {
                kind: "footprint kind",
                id: format!("{self:?}"),
            })
    }
}

#[derive(Deserialize)]
struct KindsFile {
    kind: Vec<KindExistence>,
    footprint: Vec<FootprintExistence>,
}

#[derive(Deserialize)]
struct KindExistence {
    kind: OrganisationKind,
    existence: Timeline<bool>,
}

#[derive(Deserialize)]
struct FootprintExistence {
    kind: FootprintKind,
    existence: Timeline<bool>,
}

fn kinds_data() -> Result<&'static KindsFile> {
    static CELL: OnceLock<std::result::Result<KindsFile, String>> = OnceLock::new();
    data::load(&CELL, "organisations.toml", ORGANISATIONS_TOML)
}

/// First and last dates a kind exists, from its timeline: `(start, end)` where `end` is the
/// first day it no longer exists.
fn kind_window(t: &Timeline<bool>) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let start = t
        .entries()
        .iter()
        .find(|e| e.value == Some(true))
        .map(|e| e.from);
    (start, t.end_date())
}

/// The organisation as written in input files, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RawOrganisation {
    /// A unique identifier within its registry: the ODS code where there is one.
    pub id: String,
    /// The organisation's name.
    pub name: String,
    /// What kind of body it is.
    pub kind: OrganisationKind,
    /// Its ODS code, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ods: Option<OdsCode>,
    /// Its GSS area code (local authorities, CCGs `E38`, ICBs `E54`), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gss: Option<GssCode>,
    /// The first day it operates, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operating_from: Option<NaiveDate>,
    /// The first day it no longer operates (half-open), if it has closed or will close.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operating_until: Option<NaiveDate>,
    /// The organisation that took over its functions when it closed (by `id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
}

/// A validated organisation.
///
/// # Examples
///
/// ```
/// use route_map_core::organisation::{Organisation, OrganisationKind, RawOrganisation};
/// use chrono::NaiveDate;
/// let ccg = Organisation::new(RawOrganisation {
///     id: "05A".into(),
///     name: "NHS Coventry and Rugby CCG".into(),
///     kind: OrganisationKind::Ccg,
///     ods: Some("05A".parse()?),
///     gss: None,
///     operating_from: None,
///     operating_until: None,
///     successor: None,
/// })?;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert!(ccg.operates_on(d(2017, 7, 1)).is_ok());
/// // CCGs were abolished on 1 July 2022.
/// assert!(ccg.operates_on(d(2022, 7, 1)).is_err());
/// // A trust-shaped ODS code does not suit a CCG.
/// let mut raw = ccg.to_raw();
/// raw.ods = Some("RYG".parse()?);
/// assert!(Organisation::new(raw).is_err());
/// # Ok::<(), route_map_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawOrganisation", into = "RawOrganisation")]
pub struct Organisation {
    raw: RawOrganisation,
}

impl Organisation {
    /// Validate an organisation.
    ///
    /// # Errors
    ///
    /// - [`Error::Invalid`] for an empty id or name;
    /// - [`Error::IdentifierMismatch`] when the ODS code's shape does not suit the kind, or a
    ///   local authority's GSS code is not of its tier;
    /// - [`Error::InvertedRange`] when it closes before it opens;
    /// - [`Error::NotValidOnDate`] when its operating dates fall outside the years its kind
    ///   exists in law (a CCG operating after 30 June 2022, an ICB before 1 July 2022).
    pub fn new(raw: RawOrganisation) -> Result<Organisation> {
        if raw.id.trim().is_empty() {
            return Err(Error::Invalid {
                field: "organisation id".into(),
                reason: "must not be empty".into(),
            });
        }
        if raw.name.trim().is_empty() {
            return Err(Error::Invalid {
                field: format!("name of organisation {}", raw.id),
                reason: "must not be empty".into(),
            });
        }
        if let Some(ods) = &raw.ods {
            let shapes = raw.kind.ods_shapes();
            if let Some(first) = shapes.first()
                && !shapes.contains(&ods.shape())
            {
                return Err(Error::IdentifierMismatch {
                    identifier: "ODS code",
                    code: ods.to_string(),
                    kind: raw.kind.label(),
                    expected: shape_text(*first),
                });
            }
        }
        if let (Some(gss), OrganisationKind::LocalAuthority(tier)) = (&raw.gss, raw.kind)
            && !tier.gss_entities().contains(&gss.entity())
        {
            return Err(Error::IdentifierMismatch {
                identifier: "GSS code",
                code: gss.to_string(),
                kind: raw.kind.label(),
                expected: tier_gss_text(tier),
            });
        }
        if let (Some(from), Some(until)) = (raw.operating_from, raw.operating_until)
            && until <= from
        {
            return Err(Error::InvertedRange {
                start: from,
                end: until,
            });
        }
        if let Some(existence) = raw.kind.existence()? {
            let (start, end) = kind_window(existence);
            let not_valid = |date: NaiveDate, reason: String| Error::NotValidOnDate {
                organisation: raw.name.clone(),
                role: raw.kind.label(),
                date,
                reason,
            };
            if let (Some(from), Some(start)) = (raw.operating_from, start)
                && from < start
            {
                return Err(not_valid(
                    from,
                    format!("{}s exist only from {start}", raw.kind.label()),
                ));
            }
            if let (Some(until), Some(end)) = (raw.operating_until, end)
                && until > end
            {
                let last = end.pred_opt().unwrap_or(end);
                return Err(not_valid(
                    until,
                    format!("{}s exist only until {last}", raw.kind.label()),
                ));
            }
        }
        Ok(Organisation { raw })
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

    /// Its kind.
    #[must_use]
    pub fn kind(&self) -> OrganisationKind {
        self.raw.kind
    }

    /// Its ODS code, if any.
    #[must_use]
    pub fn ods(&self) -> Option<&OdsCode> {
        self.raw.ods.as_ref()
    }

    /// Its GSS code, if any.
    #[must_use]
    pub fn gss(&self) -> Option<&GssCode> {
        self.raw.gss.as_ref()
    }

    /// The organisation that took over its functions, if any.
    #[must_use]
    pub fn successor(&self) -> Option<&str> {
        self.raw.successor.as_deref()
    }

    /// The validated input, for editing and re-validating.
    #[must_use]
    pub fn to_raw(&self) -> RawOrganisation {
        self.raw.clone()
    }

    /// Check that the organisation exists and can act on `date`: within its own operating
    /// dates and within the years its kind exists in law.
    ///
    /// # Errors
    ///
    /// [`Error::NotValidOnDate`] saying why not, citing the statutory source where the
    /// kind's existence decides it.
    pub fn operates_on(&self, date: NaiveDate) -> Result<()> {
        let not_valid = |reason: String| Error::NotValidOnDate {
            organisation: self.raw.name.clone(),
            role: self.raw.kind.label(),
            date,
            reason,
        };
        if let Some(from) = self.raw.operating_from
            && date < from
        {
            return Err(not_valid(format!("it operates only from {from}")));
        }
        if let Some(until) = self.raw.operating_until
            && date >= until
        {
            return Err(not_valid(format!("it closed on {until}")));
        }
        if let Some(existence) = self.raw.kind.existence()? {
            let in_force = existence.at_with_source(date);
            match in_force {
                Ok((true, _)) => {}
                _ => {
                    let source = existence
                        .entries()
                        .iter()
                        .rev()
                        .find(|e| e.from <= date)
                        .or_else(|| existence.entries().first())
                        .map(|e| e.source.to_string())
                        .unwrap_or_default();
                    return Err(not_valid(format!(
                        "no {} exists on that date ({source})",
                        self.raw.kind.label()
                    )));
                }
            }
        }
        Ok(())
    }
}

fn shape_text(shape: OdsShape) -> &'static str {
    match shape {
        OdsShape::NhsTrust => "R or T and two letters or digits, e.g. RYG",
        OdsShape::Ccg => "two digits and a letter, e.g. 05A (or B2M3M after a merger)",
        OdsShape::MergedCcg => "letter, digit, letter, digit, letter, e.g. B2M3M",
        OdsShape::QCode => "Q and two letters or digits, e.g. QWU",
        OdsShape::GpPractice => "a letter and five digits, e.g. M85001",
        OdsShape::Pcn => "U and five digits, e.g. U12345",
        OdsShape::Site => "five characters",
        _ => "a valid ODS code",
    }
}

fn tier_gss_text(tier: LocalAuthorityTier) -> &'static str {
    match tier {
        LocalAuthorityTier::County => "an E10 code",
        LocalAuthorityTier::District => "an E07 code",
        LocalAuthorityTier::Unitary => "an E06, W06 or S12 code",
        LocalAuthorityTier::MetropolitanDistrict => "an E08 code",
        LocalAuthorityTier::LondonBorough => "an E09 code",
        LocalAuthorityTier::CombinedAuthority => "an E47 code",
    }
}

impl TryFrom<RawOrganisation> for Organisation {
    type Error = Error;
    fn try_from(raw: RawOrganisation) -> Result<Organisation> {
        Organisation::new(raw)
    }
}

impl From<Organisation> for RawOrganisation {
    fn from(o: Organisation) -> RawOrganisation {
        o.raw
    }
}

impl fmt::Display for Organisation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.raw.name, self.raw.id)
    }
}

/// A set of organisations with unique ids, whose successors all exist.
///
/// # Examples
///
/// ```
/// use route_map_core::organisation::*;
/// use chrono::NaiveDate;
/// let org = |id: &str, kind, until: Option<NaiveDate>, successor: Option<&str>| {
///     Organisation::new(RawOrganisation {
///         id: id.into(), name: id.into(), kind, ods: None, gss: None,
///         operating_from: None, operating_until: until,
///         successor: successor.map(Into::into),
///     })
/// };
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let registry = Registry::new(vec![
///     org("05A", OrganisationKind::Ccg, Some(d(2022, 7, 1)), Some("QWU"))?,
///     org("QWU", OrganisationKind::Icb, None, None)?,
/// ])?;
/// assert_eq!(registry.acting_for("05A", d(2023, 1, 1))?.id(), "QWU");
/// assert_eq!(registry.acting_for("05A", d(2017, 1, 1))?.id(), "05A");
/// # Ok::<(), route_map_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "Vec<Organisation>", into = "Vec<Organisation>")]
pub struct Registry {
    by_id: BTreeMap<String, Organisation>,
}

impl Registry {
    /// A registry of these organisations.
    ///
    /// # Errors
    ///
    /// [`Error::Duplicate`] for an id given twice; [`Error::Unknown`] for a successor that is
    /// not in the registry; [`Error::DependencyCycle`] when successors lead back round.
    pub fn new(organisations: Vec<Organisation>) -> Result<Registry> {
        let mut by_id = BTreeMap::new();
        for o in organisations {
            let id = o.id().to_owned();
            if by_id.insert(id.clone(), o).is_some() {
                return Err(Error::Duplicate {
                    kind: "organisation",
                    id,
                });
            }
        }
        let registry = Registry { by_id };
        for o in registry.by_id.values() {
            if let Some(s) = o.successor() {
                registry.get(s)?;
            }
            registry.successor_chain(o.id())?;
        }
        Ok(registry)
    }

    /// The organisation with this id.
    ///
    /// # Errors
    ///
    /// [`Error::Unknown`] when there is none.
    pub fn get(&self, id: &str) -> Result<&Organisation> {
        self.by_id.get(id).ok_or_else(|| Error::Unknown {
            kind: "organisation",
            id: id.to_owned(),
        })
    }

    /// Every organisation, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Organisation> {
        self.by_id.values()
    }

    /// The number of organisations.
    #[must_use]
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether the registry is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    fn successor_chain(&self, id: &str) -> Result<Vec<&Organisation>> {
        let mut chain = vec![self.get(id)?];
        let mut current = self.get(id)?;
        while let Some(next) = current.successor() {
            let next = self.get(next)?;
            if chain.iter().any(|o| o.id() == next.id()) {
                let mut cycle: Vec<String> = chain.iter().map(|o| o.id().to_owned()).collect();
                cycle.push(next.id().to_owned());
                return Err(Error::DependencyCycle { cycle });
            }
            chain.push(next);
            current = next;
        }
        Ok(chain)
    }

    /// The organisation acting for `id` on `date`: itself if it operates then, otherwise the
    /// first successor that does (a CCG's functions pass to its ICB on 1 July 2022).
    ///
    /// # Errors
    ///
    /// [`Error::Unknown`] for an unknown id; [`Error::NotValidOnDate`] when neither it nor
    /// any successor operates on that date.
    pub fn acting_for(&self, id: &str, date: NaiveDate) -> Result<&Organisation> {
        let chain = self.successor_chain(id)?;
        let mut first_error = None;
        for o in chain {
            match o.operates_on(date) {
                Ok(()) => return Ok(o),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| Error::Unknown {
            kind: "organisation",
            id: id.to_owned(),
        }))
    }
}

impl TryFrom<Vec<Organisation>> for Registry {
    type Error = Error;
    fn try_from(v: Vec<Organisation>) -> Result<Registry> {
        Registry::new(v)
    }
}

impl From<Registry> for Vec<Organisation> {
    fn from(r: Registry) -> Vec<Organisation> {
        r.by_id.into_values().collect()
    }
}

/// The source that says when a kind exists, for reports.
///
/// # Errors
///
/// [`Error::EmbeddedData`] only if the embedded data is defective.
pub fn kind_sources(kind: OrganisationKind) -> Result<Vec<&'static SourceRef>> {
    Ok(kind
        .existence()?
        .map(|t| t.entries().iter().map(|e| &e.source).collect())
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn raw(id: &str, kind: OrganisationKind) -> RawOrganisation {
        RawOrganisation {
            id: id.into(),
            name: format!("Org {id}"),
            kind,
            ods: None,
            gss: None,
            operating_from: None,
            operating_until: None,
            successor: None,
        }
    }

    #[test]
    fn embedded_kind_data_loads_and_cites_sources() {
        let ccg = OrganisationKind::Ccg.existence().unwrap().unwrap();
        assert_eq!(ccg.end_date(), Some(d(2022, 7, 1)));
        assert!(*ccg.at(d(2022, 6, 30)).unwrap());
        let icb = OrganisationKind::Icb.existence().unwrap().unwrap();
        assert!(icb.at(d(2022, 6, 30)).is_err());
        assert!(*icb.at(d(2022, 7, 1)).unwrap());
        assert!(
            OrganisationKind::LocalAuthority(LocalAuthorityTier::County)
                .existence()
                .unwrap()
                .is_none()
        );
        assert!(
            FootprintKind::Stp
                .existence()
                .unwrap()
                .at(d(2017, 1, 1))
                .is_ok()
        );
        assert!(
            FootprintKind::Ics
                .existence()
                .unwrap()
                .at(d(2023, 1, 1))
                .is_ok()
        );
        assert!(
            kind_sources(OrganisationKind::Icb).unwrap()[0]
                .title
                .contains("Health and Care Act 2022")
        );
    }

    #[test]
    fn ods_shape_must_suit_kind() {
        let mut r = raw("RYG", OrganisationKind::NhsTrust);
        r.ods = Some("RYG".parse().unwrap());
        assert!(Organisation::new(r.clone()).is_ok());
        r.kind = OrganisationKind::Ccg;
        let err = Organisation::new(r.clone()).unwrap_err();
        assert!(
            matches!(&err, Error::IdentifierMismatch { identifier: "ODS code", code, .. } if code == "RYG"),
            "{err}"
        );
        assert!(err.to_string().contains("two digits and a letter"), "{err}");
        r.kind = OrganisationKind::Icb;
        assert!(Organisation::new(r.clone()).is_err());
        r.ods = Some("QWU".parse().unwrap());
        assert!(Organisation::new(r.clone()).is_ok());
        r.kind = OrganisationKind::GpPractice;
        assert!(Organisation::new(r.clone()).is_err());
        r.kind = OrganisationKind::Ccg;
        r.ods = Some("B2M3M".parse().unwrap());
        assert!(Organisation::new(r.clone()).is_ok(), "merged CCG code");
        r.ods = Some("RYG01".parse().unwrap());
        assert!(Organisation::new(r.clone()).is_err());
        r.kind = OrganisationKind::IndependentProvider;
        assert!(Organisation::new(r).is_ok(), "no rule for independents");
    }

    #[test]
    fn gss_code_must_suit_tier() {
        let mut r = raw(
            "coventry",
            OrganisationKind::LocalAuthority(LocalAuthorityTier::MetropolitanDistrict),
        );
        r.gss = Some("E08000026".parse().unwrap());
        assert!(Organisation::new(r.clone()).is_ok());
        r.kind = OrganisationKind::LocalAuthority(LocalAuthorityTier::County);
        let err = Organisation::new(r).unwrap_err();
        assert!(matches!(
            err,
            Error::IdentifierMismatch {
                identifier: "GSS code",
                ..
            }
        ));
        assert!(err.to_string().contains("E10"), "{err}");
    }

    #[test]
    fn operating_dates_must_fit_the_kind() {
        let mut r = raw("05A", OrganisationKind::Ccg);
        r.operating_until = Some(d(2022, 7, 2));
        let err = Organisation::new(r.clone()).unwrap_err();
        assert!(matches!(err, Error::NotValidOnDate { .. }), "{err}");
        assert!(err.to_string().contains("2022-06-30"), "{err}");
        r.operating_until = Some(d(2021, 4, 1));
        assert!(Organisation::new(r.clone()).is_ok());
        let mut icb = raw("QWU", OrganisationKind::Icb);
        icb.operating_from = Some(d(2022, 4, 1));
        assert!(matches!(
            Organisation::new(icb),
            Err(Error::NotValidOnDate { .. })
        ));
        r.operating_from = Some(d(2021, 4, 1));
        assert!(matches!(
            Organisation::new(r),
            Err(Error::InvertedRange { .. })
        ));
        assert!(matches!(
            Organisation::new(raw(" ", OrganisationKind::Ccg)),
            Err(Error::Invalid { .. })
        ));
        let mut no_name = raw("X", OrganisationKind::Ccg);
        no_name.name = String::new();
        assert!(Organisation::new(no_name).is_err());
    }

    #[test]
    fn operates_on_checks_own_and_statutory_dates() {
        let ccg = Organisation::new(raw("05A", OrganisationKind::Ccg)).unwrap();
        assert!(ccg.operates_on(d(2013, 4, 1)).is_ok());
        assert!(ccg.operates_on(d(2013, 3, 31)).is_err());
        let err = ccg.operates_on(d(2022, 7, 1)).unwrap_err();
        assert!(
            err.to_string().contains("Health and Care Act 2022"),
            "{err}"
        );
        let mut r = raw("P", OrganisationKind::VoluntarySector);
        r.operating_from = Some(d(2010, 1, 1));
        r.operating_until = Some(d(2020, 1, 1));
        let v = Organisation::new(r).unwrap();
        assert!(v.operates_on(d(2009, 12, 31)).is_err());
        assert!(v.operates_on(d(2019, 12, 31)).is_ok());
        assert!(v.operates_on(d(2020, 1, 1)).is_err());
    }

    #[test]
    fn registry_rejects_duplicates_unknown_successors_and_cycles() {
        let a = Organisation::new(raw("A", OrganisationKind::VoluntarySector)).unwrap();
        assert!(matches!(
            Registry::new(vec![a.clone(), a.clone()]),
            Err(Error::Duplicate { .. })
        ));
        let mut r = raw("B", OrganisationKind::VoluntarySector);
        r.successor = Some("Z".into());
        let b = Organisation::new(r.clone()).unwrap();
        assert!(matches!(
            Registry::new(vec![a.clone(), b]),
            Err(Error::Unknown { .. })
        ));
        r.successor = Some("C".into());
        let mut c = raw("C", OrganisationKind::VoluntarySector);
        c.successor = Some("B".into());
        let err = Registry::new(vec![
            Organisation::new(r).unwrap(),
            Organisation::new(c).unwrap(),
        ])
        .unwrap_err();
        assert!(matches!(err, Error::DependencyCycle { .. }), "{err}");
        let reg = Registry::new(vec![a]).unwrap();
        assert_eq!(reg.len(), 1);
        assert!(!reg.is_empty());
        assert!(reg.get("nope").is_err());
    }

    #[test]
    fn serde_validates() {
        let json = r#"{"id":"RYG","name":"CWPT","kind":"ccg","ods":"RYG"}"#;
        assert!(serde_json::from_str::<Organisation>(json).is_err());
        let json = r#"{"id":"E10000031","name":"Warwickshire County Council",
            "kind":{"local_authority":"county"},"gss":"E10000031"}"#;
        let o: Organisation = serde_json::from_str(json).unwrap();
        assert_eq!(
            o.kind(),
            OrganisationKind::LocalAuthority(LocalAuthorityTier::County)
        );
        let back: Organisation = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
        assert_eq!(back, o);
        assert!(LocalAuthorityTier::County.has_social_care_and_public_health());
        assert!(!LocalAuthorityTier::District.has_social_care_and_public_health());
    }
}
