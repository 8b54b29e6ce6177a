//! Segmentation schemes as data: age bands, and ordered need rules where the first match wins.
//!
//! A scheme puts every person in exactly one segment: the person's age band (bands are
//! half-open `[from, to)`, contiguous from age 0, the last open-ended, never overlapping) and
//! the first need rule whose predicate holds. The last need has no predicate: it is the
//! residual segment, so nobody is left out. A segment is the pair (band, need); the need is the
//! rule that matched, recorded for audit in [`Assignment`].
//!
//! [`SegmentationScheme::compile`] checks the scheme against a [`ConditionCatalogue`] and
//! builds a [`CompiledScheme`]: predicates become bit masks and, when the rules only look at
//! age, sex and conditions, a lookup table from (age class, sex, relevant conditions) to the
//! segment, so assigning a person costs a few table reads.

use std::sync::OnceLock;

use route_map_core::SourceRef;
use serde::{Deserialize, Serialize};

use crate::catalogue::{ConditionCatalogue, ConditionSet};
use crate::error::{Error, Result};
use crate::person::{Deprivation, Person, PlaceId, Places, Sex};

/// An age band, half-open: ages `from` up to but not including `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgeBand {
    /// Short identifier, e.g. `children`.
    pub id: String,
    /// Name as published, e.g. `Children 0-16`.
    pub name: String,
    /// First age in the band (whole years).
    pub from: u8,
    /// First age after the band; absent for the last, open-ended band.
    #[serde(default)]
    pub to: Option<u8>,
}

/// How many of a list of conditions a person must have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MinConditions {
    /// The least number of the listed conditions.
    pub count: u8,
    /// The conditions counted.
    pub of: Vec<String>,
}

/// A predicate on a person: every field given must hold (an `and`); `any_of` holds when one of
/// its predicates holds (an `or`). An empty predicate holds for everyone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Predicate {
    /// The person's age band is one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub age_bands: Vec<String>,
    /// Age at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_at_least: Option<u8>,
    /// Age below this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_below: Option<u8>,
    /// Recorded sex is this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Has at least one of these conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any_condition: Vec<String>,
    /// Has all of these conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all_conditions: Vec<String>,
    /// Has none of these conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub no_condition: Vec<String>,
    /// Has at least `count` of the conditions `of`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_conditions: Option<MinConditions>,
    /// Place or practice is one of these codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<String>,
    /// Deprivation decile known and at most this (1 is the most deprived).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprivation_decile_at_most: Option<u8>,
    /// At least one of these holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any_of: Vec<Predicate>,
}

/// A need rule: a segment of need and when a person falls in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedRule {
    /// Short identifier, e.g. `dementia`.
    pub id: String,
    /// Name as published.
    pub name: String,
    /// When the rule matches; absent for the residual (last) need.
    #[serde(default)]
    pub when: Option<Predicate>,
}

/// A segmentation scheme as written in TOML or JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentationScheme {
    /// Short identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// The name of the condition catalogue the rules are written against.
    pub catalogue: String,
    /// Where the scheme comes from.
    pub source: SourceRef,
    /// Age bands, contiguous from 0, the last open-ended.
    pub age_band: Vec<AgeBand>,
    /// Need rules in priority order; the last, without `when`, is the residual.
    pub need: Vec<NeedRule>,
}

impl SegmentationScheme {
    /// Parse a scheme from TOML and validate its shape (see [`SegmentationScheme::validate`]).
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] for malformed TOML, then as [`SegmentationScheme::validate`].
    pub fn from_toml(text: &str) -> Result<SegmentationScheme> {
        let s: SegmentationScheme = toml::from_str(text).map_err(|e| Error::Parse {
            what: "segmentation scheme (TOML)",
            reason: e.to_string(),
        })?;
        s.validate()?;
        Ok(s)
    }

    /// Parse a scheme from JSON and validate its shape.
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] for malformed JSON, then as [`SegmentationScheme::validate`].
    pub fn from_json(text: &str) -> Result<SegmentationScheme> {
        let s: SegmentationScheme = serde_json::from_str(text).map_err(|e| Error::Parse {
            what: "segmentation scheme (JSON)",
            reason: e.to_string(),
        })?;
        s.validate()?;
        Ok(s)
    }

    /// The built-in Devon scheme (seed 001 section 3.4): children, adults and elderly, each by
    /// eight needs.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded file is malformed (a build defect).
    pub fn devon() -> Result<&'static SegmentationScheme> {
        static CELL: OnceLock<std::result::Result<SegmentationScheme, String>> = OnceLock::new();
        builtin(
            &CELL,
            "schemes/devon.toml",
            include_str!("../data/schemes/devon.toml"),
        )
    }

    /// The built-in Bridges to Health scheme: eight segments over all ages.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded file is malformed (a build defect).
    pub fn bridges_to_health() -> Result<&'static SegmentationScheme> {
        static CELL: OnceLock<std::result::Result<SegmentationScheme, String>> = OnceLock::new();
        builtin(
            &CELL,
            "schemes/bridges_to_health.toml",
            include_str!("../data/schemes/bridges_to_health.toml"),
        )
    }

    /// Check the shape: unique ids; age bands start at 0, do not overlap, leave no gap and the
    /// last is open-ended; exactly one residual need, and it is last.
    ///
    /// # Errors
    ///
    /// [`Error::OverlappingAgeBands`], [`Error::AgeBandGap`], [`Error::NoResidualSegment`],
    /// [`Error::ResidualNotLast`], [`Error::DuplicateId`], [`Error::InvalidValue`] (no bands,
    /// an empty band, more than 255 segments).
    pub fn validate(&self) -> Result<()> {
        if self.age_band.is_empty() {
            return Err(Error::InvalidValue {
                field: "age_band",
                value: "none".into(),
                expected: "at least one age band",
            });
        }
        if self.age_band.len() > 64 {
            return Err(Error::InvalidValue {
                field: "age_band",
                value: self.age_band.len().to_string(),
                expected: "at most 64 age bands",
            });
        }
        unique(
            self.age_band.iter().map(|b| b.id.as_str()),
            "age band",
            &self.id,
        )?;
        unique(self.need.iter().map(|n| n.id.as_str()), "need", &self.id)?;
        let mut bands: Vec<&AgeBand> = self.age_band.iter().collect();
        bands.sort_by_key(|b| b.from);
        let mut expected_from: Option<u8> = Some(0);
        let mut previous: Option<&AgeBand> = None;
        for band in bands {
            if band.to.is_some_and(|to| to <= band.from) {
                return Err(Error::InvalidValue {
                    field: "age_band",
                    value: band.id.clone(),
                    expected: "a band whose `to` is after its `from`",
                });
            }
            match (expected_from, previous) {
                (None, Some(p)) => {
                    return Err(Error::OverlappingAgeBands {
                        scheme: self.id.clone(),
                        first: p.id.clone(),
                        second: band.id.clone(),
                    });
                }
                (Some(want), Some(p)) if band.from < want => {
                    return Err(Error::OverlappingAgeBands {
                        scheme: self.id.clone(),
                        first: p.id.clone(),
                        second: band.id.clone(),
                    });
                }
                (Some(want), _) if band.from > want => {
                    return Err(Error::AgeBandGap {
                        scheme: self.id.clone(),
                        from: want,
                        to: band.from,
                    });
                }
                _ => {}
            }
            expected_from = band.to;
            previous = Some(band);
        }
        if let Some(to) = expected_from {
            return Err(Error::AgeBandGap {
                scheme: self.id.clone(),
                from: to,
                to: u8::MAX,
            });
        }
        let residuals: Vec<usize> = self
            .need
            .iter()
            .enumerate()
            .filter(|(_, n)| n.when.is_none())
            .map(|(i, _)| i)
            .collect();
        match residuals.as_slice() {
            [] => {
                return Err(Error::NoResidualSegment {
                    scheme: self.id.clone(),
                });
            }
            [i] if *i + 1 == self.need.len() => {}
            _ => {
                return Err(Error::ResidualNotLast {
                    scheme: self.id.clone(),
                });
            }
        }
        if self.age_band.len() * self.need.len() > usize::from(u8::MAX) {
            return Err(Error::InvalidValue {
                field: "segments",
                value: (self.age_band.len() * self.need.len()).to_string(),
                expected: "at most 255 segments (age bands times needs)",
            });
        }
        Ok(())
    }

    /// Check the scheme against a catalogue and compile it for fast assignment. Place codes
    /// named by rules are interned in `places`, which readers then share.
    ///
    /// # Errors
    ///
    /// As [`SegmentationScheme::validate`]; [`Error::CatalogueMismatch`] when the scheme names
    /// another catalogue; [`Error::UnknownCondition`] and [`Error::UnknownAgeBand`] for names
    /// the rules use but nobody defines; [`Error::InvalidValue`] for a bad deprivation decile.
    pub fn compile(
        &self,
        catalogue: &ConditionCatalogue,
        places: &mut Places,
    ) -> Result<CompiledScheme> {
        self.validate()?;
        if self.catalogue != catalogue.name() {
            return Err(Error::CatalogueMismatch {
                scheme: self.id.clone(),
                expected: self.catalogue.clone(),
                found: catalogue.name().to_owned(),
            });
        }
        let mut band_of_age = [0u8; 256];
        for (i, band) in self.age_band.iter().enumerate() {
            let end = band.to.map_or(256, usize::from);
            for slot in band_of_age
                .iter_mut()
                .take(end)
                .skip(usize::from(band.from))
            {
                *slot = u8::try_from(i).unwrap_or(u8::MAX);
            }
        }
        let mut rules = Vec::with_capacity(self.need.len());
        for need in &self.need {
            rules.push(match &need.when {
                Some(p) => compile_predicate(p, self, catalogue, places)?,
                None => Compiled::always(),
            });
        }
        let mut compiled = CompiledScheme {
            bands: self.age_band.iter().map(|b| b.id.clone()).collect(),
            band_names: self.age_band.iter().map(|b| b.name.clone()).collect(),
            needs: self.need.iter().map(|n| n.id.clone()).collect(),
            need_names: self.need.iter().map(|n| n.name.clone()).collect(),
            id: self.id.clone(),
            band_of_age,
            rules,
            table: None,
        };
        compiled.table = FastTable::build(&compiled);
        Ok(compiled)
    }
}

fn builtin(
    cell: &'static OnceLock<std::result::Result<SegmentationScheme, String>>,
    name: &'static str,
    text: &str,
) -> Result<&'static SegmentationScheme> {
    cell.get_or_init(|| SegmentationScheme::from_toml(text).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|reason| Error::EmbeddedData {
            name,
            reason: reason.clone(),
        })
}

fn unique<'a>(ids: impl Iterator<Item = &'a str>, kind: &'static str, scheme: &str) -> Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(Error::DuplicateId {
                kind,
                id: id.to_owned(),
                within: scheme.to_owned(),
            });
        }
    }
    Ok(())
}

/// A predicate compiled to masks and ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Compiled {
    bands: u64,
    age_lo: u8,
    age_hi: u16,
    sex: Option<Sex>,
    any: u64,
    all: u64,
    none: u64,
    min: Option<(u64, u32)>,
    places: Vec<PlaceId>,
    dep_max: Option<u8>,
    any_of: Vec<Compiled>,
}

impl Compiled {
    /// The predicate that holds for everyone (the residual need).
    fn always() -> Compiled {
        Compiled {
            bands: 0,
            age_lo: 0,
            age_hi: 256,
            sex: None,
            any: 0,
            all: 0,
            none: 0,
            min: None,
            places: Vec::new(),
            dep_max: None,
            any_of: Vec::new(),
        }
    }

    fn holds(&self, band: u8, p: &Person) -> bool {
        let c = p.conditions.bits();
        (self.bands == 0 || self.bands & (1u64 << (band & 63)) != 0)
            && p.age >= self.age_lo
            && u16::from(p.age) < self.age_hi
            && self.sex.is_none_or(|s| s == p.sex)
            && (self.any == 0 || c & self.any != 0)
            && c & self.all == self.all
            && c & self.none == 0
            && self.min.is_none_or(|(m, n)| (c & m).count_ones() >= n)
            && (self.places.is_empty() || self.places.binary_search(&p.place).is_ok())
            && self
                .dep_max
                .is_none_or(|d| p.deprivation.get().is_some_and(|x| x <= d))
            && (self.any_of.is_empty() || self.any_of.iter().any(|s| s.holds(band, p)))
    }

    /// Condition bits this predicate looks at.
    fn condition_mask(&self) -> u64 {
        self.any
            | self.all
            | self.none
            | self.min.map_or(0, |(m, _)| m)
            | self.any_of.iter().fold(0, |a, s| a | s.condition_mask())
    }

    /// Ages at which this predicate may change its answer.
    fn age_cuts(&self, cuts: &mut Vec<u16>) {
        cuts.push(u16::from(self.age_lo));
        cuts.push(self.age_hi);
        for s in &self.any_of {
            s.age_cuts(cuts);
        }
    }

    fn uses_place_or_deprivation(&self) -> bool {
        !self.places.is_empty()
            || self.dep_max.is_some()
            || self.any_of.iter().any(Compiled::uses_place_or_deprivation)
    }

    fn uses_sex(&self) -> bool {
        self.sex.is_some() || self.any_of.iter().any(Compiled::uses_sex)
    }
}

fn mask_of(names: &[String], catalogue: &ConditionCatalogue) -> Result<u64> {
    names
        .iter()
        .try_fold(0u64, |m, n| Ok(m | catalogue.id(n)?.mask()))
}

fn compile_predicate(
    p: &Predicate,
    scheme: &SegmentationScheme,
    catalogue: &ConditionCatalogue,
    places: &mut Places,
) -> Result<Compiled> {
    let mut bands = 0u64;
    for b in &p.age_bands {
        let i = scheme
            .age_band
            .iter()
            .position(|x| &x.id == b)
            .ok_or_else(|| Error::UnknownAgeBand {
                band: b.clone(),
                scheme: scheme.id.clone(),
            })?;
        bands |= 1u64 << (i & 63);
    }
    let min = match &p.min_conditions {
        Some(m) => Some((mask_of(&m.of, catalogue)?, u32::from(m.count))),
        None => None,
    };
    let mut place_ids = Vec::with_capacity(p.places.len());
    for code in &p.places {
        place_ids.push(places.intern(code)?);
    }
    place_ids.sort_unstable();
    place_ids.dedup();
    if let Some(d) = p.deprivation_decile_at_most {
        Deprivation::decile(d)?;
    }
    let mut any_of = Vec::with_capacity(p.any_of.len());
    for s in &p.any_of {
        any_of.push(compile_predicate(s, scheme, catalogue, places)?);
    }
    Ok(Compiled {
        bands,
        age_lo: p.age_at_least.unwrap_or(0),
        age_hi: p.age_below.map_or(256, u16::from),
        sex: p.sex,
        any: mask_of(&p.any_condition, catalogue)?,
        all: mask_of(&p.all_conditions, catalogue)?,
        none: mask_of(&p.no_condition, catalogue)?,
        min,
        places: place_ids,
        dep_max: p.deprivation_decile_at_most,
        any_of,
    })
}

/// The segment a person was placed in, and the rule that placed them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Assignment {
    /// The age band's position in the scheme.
    pub band: u8,
    /// The matched need rule's position in the scheme (the residual when no rule matched).
    pub need: u8,
}

/// A segment index: `band * needs + need`.
pub type SegmentIndex = usize;

/// A scheme checked against a catalogue, ready to assign people.
#[derive(Debug, Clone)]
pub struct CompiledScheme {
    id: String,
    bands: Vec<String>,
    band_names: Vec<String>,
    needs: Vec<String>,
    need_names: Vec<String>,
    band_of_age: [u8; 256],
    rules: Vec<Compiled>,
    table: Option<FastTable>,
}

impl CompiledScheme {
    /// The scheme's id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The number of segments (bands times needs).
    #[must_use]
    pub fn segment_count(&self) -> usize {
        self.bands.len() * self.needs.len()
    }

    /// Age band ids in order.
    #[must_use]
    pub fn bands(&self) -> &[String] {
        &self.bands
    }

    /// Need ids in priority order.
    #[must_use]
    pub fn needs(&self) -> &[String] {
        &self.needs
    }

    /// The (band name, need name) of a segment.
    #[must_use]
    pub fn segment_names(&self, segment: SegmentIndex) -> Option<(&str, &str)> {
        let n = self.needs.len().max(1);
        Some((
            self.band_names.get(segment / n)?.as_str(),
            self.need_names.get(segment % n)?.as_str(),
        ))
    }

    /// The (band id, need id) of a segment.
    #[must_use]
    pub fn segment_ids(&self, segment: SegmentIndex) -> Option<(&str, &str)> {
        let n = self.needs.len().max(1);
        Some((
            self.bands.get(segment / n)?.as_str(),
            self.needs.get(segment % n)?.as_str(),
        ))
    }

    /// The segment of an assignment.
    #[must_use]
    pub fn segment_of(&self, a: Assignment) -> SegmentIndex {
        usize::from(a.band) * self.needs.len() + usize::from(a.need)
    }

    /// True when assignment uses the lookup table (rules on age, sex and conditions only).
    #[must_use]
    pub fn has_fast_path(&self) -> bool {
        self.table.is_some()
    }

    /// The age band of an age.
    #[must_use]
    pub fn band_of_age(&self, age: u8) -> u8 {
        self.band_of_age.get(usize::from(age)).copied().unwrap_or(0)
    }

    /// Place a person in their segment, by evaluating the rules in order (first match wins).
    #[must_use]
    pub fn assign(&self, p: &Person) -> Assignment {
        let band = self.band_of_age(p.age);
        let last = self.rules.len().saturating_sub(1);
        let need = self
            .rules
            .iter()
            .position(|r| r.holds(band, p))
            .unwrap_or(last);
        Assignment {
            band,
            need: u8::try_from(need).unwrap_or(u8::MAX),
        }
    }

    /// The segment of a person: the lookup table when there is one, the rules otherwise.
    /// Always equal to `segment_of(assign(p))`.
    #[inline]
    #[must_use]
    pub fn segment(&self, p: &Person) -> SegmentIndex {
        match &self.table {
            Some(t) => t.segment(p.age, p.sex, p.conditions.bits()),
            None => self.segment_of(self.assign(p)),
        }
    }

    /// The segment from the columns of one person, as the batch API reads them.
    #[inline]
    #[must_use]
    pub(crate) fn segment_parts(
        &self,
        age: u8,
        sex: Sex,
        conditions: u64,
        place: PlaceId,
        deprivation: Deprivation,
    ) -> SegmentIndex {
        match &self.table {
            Some(t) => t.segment(age, sex, conditions),
            None => {
                let mut p = Person::new(age, sex, 0);
                p.conditions = ConditionSet::from_bits(conditions);
                p.place = place;
                p.deprivation = deprivation;
                self.segment_of(self.assign(&p))
            }
        }
    }

    /// Whether need rule `rule` holds for a person in age band `band` (for tests of the
    /// first-match order).
    #[cfg(test)]
    pub(crate) fn rule_holds(&self, rule: usize, band: u8, p: &Person) -> bool {
        self.rules.get(rule).is_some_and(|r| r.holds(band, p))
    }

    pub(crate) fn table(&self) -> Option<&FastTable> {
        self.table.as_ref()
    }
}

/// How the relevant condition bits are packed into a table index.
#[derive(Debug, Clone)]
enum Pack {
    /// The relevant bits are the lowest `k` bits: mask them.
    Low(u64),
    /// Gather bytes: for each byte position with relevant bits, a table of packed values.
    Gather(Vec<(u32, Box<[u16; 256]>)>),
}

/// A lookup table from (age class, sex, packed conditions) to segment.
#[derive(Debug, Clone)]
pub(crate) struct FastTable {
    age_class: [u8; 256],
    uses_sex: bool,
    bits: u32,
    pack: Pack,
    segments: Vec<u8>,
}

/// Most relevant condition bits for the lookup table.
const MAX_TABLE_BITS: u32 = 16;
/// Most entries in the lookup table.
const MAX_TABLE_ENTRIES: usize = 1 << 20;

impl FastTable {
    fn build(scheme: &CompiledScheme) -> Option<FastTable> {
        if scheme.rules.iter().any(Compiled::uses_place_or_deprivation) {
            return None;
        }
        let relevant = scheme
            .rules
            .iter()
            .fold(0u64, |m, r| m | r.condition_mask());
        let bits = relevant.count_ones();
        if bits > MAX_TABLE_BITS {
            return None;
        }
        let uses_sex = scheme.rules.iter().any(Compiled::uses_sex);
        // Age classes: ages between consecutive cut points behave alike.
        let mut cuts: Vec<u16> = Vec::new();
        for r in &scheme.rules {
            r.age_cuts(&mut cuts);
        }
        for age in 1..256u16 {
            let a = scheme.band_of_age.get(usize::from(age));
            let b = scheme.band_of_age.get(usize::from(age - 1));
            if a != b {
                cuts.push(age);
            }
        }
        cuts.retain(|c| *c > 0 && *c < 256);
        cuts.sort_unstable();
        cuts.dedup();
        let mut age_class = [0u8; 256];
        let mut representative = vec![0u8];
        let mut class = 0u8;
        for age in 0..256usize {
            if cuts.binary_search(&(age as u16)).is_ok() {
                class = class.checked_add(1)?;
                representative.push(u8::try_from(age).ok()?);
            }
            *age_class.get_mut(age)? = class;
        }
        let sexes = if uses_sex { 3 } else { 1 };
        let sex_stride = 1usize << bits;
        let entries = representative.len() * sexes * sex_stride;
        if entries > MAX_TABLE_ENTRIES {
            return None;
        }
        let positions: Vec<u32> = (0..64).filter(|b| relevant & (1u64 << b) != 0).collect();
        let pack = if relevant == (1u64 << bits).wrapping_sub(1) || (bits == 64) {
            Pack::Low(relevant)
        } else {
            let mut tables: Vec<(u32, Box<[u16; 256]>)> = Vec::new();
            for byte in 0..8u32 {
                let byte_mask = (relevant >> (byte * 8)) & 0xff;
                if byte_mask == 0 {
                    continue;
                }
                let mut t = Box::new([0u16; 256]);
                for (v, slot) in t.iter_mut().enumerate() {
                    let full = ((v as u64) & byte_mask) << (byte * 8);
                    let mut packed = 0u16;
                    for (k, pos) in positions.iter().enumerate() {
                        if full & (1u64 << pos) != 0 {
                            packed |= 1 << k;
                        }
                    }
                    *slot = packed;
                }
                tables.push((byte * 8, t));
            }
            Pack::Gather(tables)
        };
        let mut segments = vec![0u8; entries];
        for (ci, age) in representative.iter().enumerate() {
            for s in 0..sexes {
                let sex = match s {
                    0 if uses_sex => Sex::Female,
                    1 => Sex::Male,
                    _ => Sex::Unknown,
                };
                for packed in 0..sex_stride {
                    let mut conditions = 0u64;
                    for (k, pos) in positions.iter().enumerate() {
                        if packed & (1 << k) != 0 {
                            conditions |= 1u64 << pos;
                        }
                    }
                    let mut p = Person::new(*age, sex, 0);
                    p.conditions = ConditionSet::from_bits(conditions);
                    let seg = scheme.segment_of(scheme.assign(&p));
                    let idx = (ci * sexes + s) * sex_stride + packed;
                    *segments.get_mut(idx)? = u8::try_from(seg).ok()?;
                }
            }
        }
        Some(FastTable {
            age_class,
            uses_sex,
            bits,
            pack,
            segments,
        })
    }

    #[inline]
    fn packed(&self, conditions: u64) -> usize {
        match &self.pack {
            Pack::Low(m) => (conditions & m) as usize,
            Pack::Gather(tables) => tables.iter().fold(0usize, |acc, (shift, t)| {
                acc | usize::from(
                    t.get(((conditions >> shift) & 0xff) as usize)
                        .copied()
                        .unwrap_or(0),
                )
            }),
        }
    }

    /// Fill `out` with the segments of rows given by columns: one pass, with the shape of the
    /// table decided once rather than per row.
    pub(crate) fn segments_into<C: Copy + Into<u64>>(
        &self,
        ages: &[u8],
        sexes: &[Sex],
        conditions: &[C],
        out: &mut Vec<u8>,
    ) {
        let bits = self.bits;
        match (&self.pack, self.uses_sex) {
            (Pack::Low(mask), false) => out.extend(ages.iter().zip(conditions).map(|(a, c)| {
                let class = usize::from(self.age_class.get(usize::from(*a)).copied().unwrap_or(0));
                let c: u64 = (*c).into();
                let idx = (class << bits) | (c & mask) as usize;
                self.segments.get(idx).copied().unwrap_or(0)
            })),
            _ => {
                out.extend(ages.iter().zip(sexes).zip(conditions).map(|((a, s), c)| {
                    u8::try_from(self.segment(*a, *s, (*c).into())).unwrap_or(0)
                }))
            }
        }
    }

    #[inline]
    pub(crate) fn segment(&self, age: u8, sex: Sex, conditions: u64) -> SegmentIndex {
        let class = usize::from(self.age_class.get(usize::from(age)).copied().unwrap_or(0));
        let row = if self.uses_sex {
            class * 3 + usize::from(sex.code())
        } else {
            class
        };
        let idx = (row << self.bits) | self.packed(conditions);
        usize::from(self.segments.get(idx).copied().unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(s: &SegmentationScheme) -> CompiledScheme {
        s.compile(
            ConditionCatalogue::builtin().unwrap(),
            &mut Places::default(),
        )
        .unwrap()
    }

    fn person(age: u8, conditions: &[&str]) -> Person {
        let c = ConditionCatalogue::builtin().unwrap();
        let mut p = Person::new(age, Sex::Female, 365);
        for n in conditions {
            p.conditions.insert(c.id(n).unwrap());
        }
        p
    }

    #[test]
    fn devon_scheme_assigns_first_match() {
        let s = compiled(SegmentationScheme::devon().unwrap());
        assert_eq!(s.segment_count(), 24);
        assert!(s.has_fast_path());
        let name = |p: &Person| s.segment_ids(s.segment(p)).unwrap();
        assert_eq!(name(&person(15, &[])), ("children", "mostly_healthy"));
        assert_eq!(name(&person(16, &["chronic"])), ("adults", "chronic"));
        assert_eq!(
            name(&person(69, &["chronic", "cancer"])),
            ("adults", "cancer")
        );
        assert_eq!(
            name(&person(70, &["dementia", "semi"])),
            ("elderly", "dementia")
        );
        assert_eq!(
            name(&person(8, &["vulnerable"])),
            ("children", "vulnerable_children")
        );
        // Vulnerability places only children in the vulnerable children segment.
        assert_eq!(
            name(&person(30, &["vulnerable"])),
            ("adults", "mostly_healthy")
        );
        let a = s.assign(&person(40, &["learning_disability", "cancer"]));
        assert_eq!(
            s.needs().get(usize::from(a.need)).unwrap(),
            "learning_disability"
        );
    }

    #[test]
    fn bridges_scheme_uses_any_of_and_min_conditions() {
        let s = compiled(SegmentationScheme::bridges_to_health().unwrap());
        assert_eq!(s.segment_count(), 8);
        let name = |p: &Person| s.segment_ids(s.segment(p)).unwrap().1;
        assert_eq!(name(&person(0, &[])), "maternal_infant");
        assert_eq!(name(&person(1, &[])), "good_health");
        assert_eq!(name(&person(86, &["chronic", "cancer"])), "frailty");
        assert_eq!(name(&person(84, &["chronic", "cancer"])), "chronic");
        assert_eq!(
            name(&person(50, &["end_of_life", "organ_failure"])),
            "near_death"
        );
    }

    #[test]
    fn slow_path_matches_table() {
        let base = SegmentationScheme::devon().unwrap();
        let fast = compiled(base);
        let mut slow_scheme = base.clone();
        // A rule on deprivation that never fires for these people disables the table.
        slow_scheme.need.insert(
            0,
            NeedRule {
                id: "deprived".into(),
                name: "Deprived".into(),
                when: Some(Predicate {
                    deprivation_decile_at_most: Some(1),
                    places: vec!["NOWHERE".into()],
                    ..Predicate::default()
                }),
            },
        );
        let slow = compiled(&slow_scheme);
        assert!(!slow.has_fast_path());
        for age in [0u8, 15, 16, 69, 70, 101] {
            for bits in 0..(1u64 << 12) {
                let mut p = Person::new(age, Sex::Male, 365);
                p.conditions = ConditionSet::from_bits(bits);
                let a = fast.segment_ids(fast.segment(&p)).unwrap();
                let b = slow.segment_ids(slow.segment(&p)).unwrap();
                assert_eq!(a, b, "age {age} bits {bits:b}");
            }
        }
    }

    #[test]
    fn place_and_deprivation_rules() {
        let mut s = SegmentationScheme::bridges_to_health().unwrap().clone();
        s.need.insert(
            0,
            NeedRule {
                id: "deprived_here".into(),
                name: "Deprived, in place X".into(),
                when: Some(Predicate {
                    deprivation_decile_at_most: Some(2),
                    places: vec!["X".into()],
                    sex: Some(Sex::Female),
                    ..Predicate::default()
                }),
            },
        );
        let mut places = Places::default();
        let c = s
            .compile(ConditionCatalogue::builtin().unwrap(), &mut places)
            .unwrap();
        let mut p = Person::new(40, Sex::Female, 365);
        p.place = places.get("X").unwrap();
        p.deprivation = Deprivation::decile(2).unwrap();
        assert_eq!(c.segment_ids(c.segment(&p)).unwrap().1, "deprived_here");
        p.deprivation = Deprivation::decile(3).unwrap();
        assert_eq!(c.segment_ids(c.segment(&p)).unwrap().1, "good_health");
        p.deprivation = Deprivation::UNKNOWN;
        assert_eq!(c.segment_ids(c.segment(&p)).unwrap().1, "good_health");
    }

    #[test]
    fn gather_packing_for_scattered_conditions() {
        // Rules on conditions 1, 3 and 11 only: packed by byte tables.
        let text = r#"
id = "t"
name = "t"
catalogue = "route-map need groups"
source = { title = "test" }
[[age_band]]
id = "all"
name = "all"
from = 0
[[need]]
id = "a"
name = "a"
when = { all_conditions = ["semi", "physical_disability"] }
[[need]]
id = "b"
name = "b"
when = { any_condition = ["end_of_life"] }
[[need]]
id = "rest"
name = "rest"
"#;
        let s = compiled(&SegmentationScheme::from_toml(text).unwrap());
        assert!(s.has_fast_path());
        for bits in 0..(1u64 << 12) {
            let mut p = Person::new(50, Sex::Unknown, 365);
            p.conditions = ConditionSet::from_bits(bits);
            assert_eq!(s.segment(&p), s.segment_of(s.assign(&p)));
        }
    }

    fn scheme_with(bands: &str, needs: &str) -> String {
        format!(
            "id = \"t\"\nname = \"t\"\ncatalogue = \"route-map need groups\"\nsource = {{ title = \"t\" }}\n{bands}\n{needs}"
        )
    }

    const BANDS: &str = "[[age_band]]\nid = \"a\"\nname = \"a\"\nfrom = 0\nto = 16\n[[age_band]]\nid = \"b\"\nname = \"b\"\nfrom = 16\n";
    const NEEDS: &str = "[[need]]\nid = \"c\"\nname = \"c\"\nwhen = { any_condition = [\"cancer\"] }\n[[need]]\nid = \"r\"\nname = \"r\"\n";

    #[test]
    fn invalid_schemes_are_rejected() {
        assert!(SegmentationScheme::from_toml(&scheme_with(BANDS, NEEDS)).is_ok());
        let overlapping = BANDS.replace("from = 16", "from = 15");
        assert!(matches!(
            SegmentationScheme::from_toml(&scheme_with(&overlapping, NEEDS)),
            Err(Error::OverlappingAgeBands { .. })
        ));
        let two_open = BANDS.replace("to = 16\n", "");
        assert!(matches!(
            SegmentationScheme::from_toml(&scheme_with(&two_open, NEEDS)),
            Err(Error::OverlappingAgeBands { .. })
        ));
        let gap = BANDS.replace("from = 16", "from = 18");
        assert!(matches!(
            SegmentationScheme::from_toml(&scheme_with(&gap, NEEDS)),
            Err(Error::AgeBandGap {
                from: 16,
                to: 18,
                ..
            })
        ));
        let closed = format!("{BANDS}to = 120\n");
        assert!(matches!(
            SegmentationScheme::from_toml(&scheme_with(&closed, NEEDS)),
            Err(Error::AgeBandGap { from: 120, .. })
        ));
        let no_residual =
            "[[need]]\nid = \"c\"\nname = \"c\"\nwhen = { any_condition = [\"cancer\"] }\n";
        assert!(matches!(
            SegmentationScheme::from_toml(&scheme_with(BANDS, no_residual)),
            Err(Error::NoResidualSegment { .. })
        ));
        let residual_first = "[[need]]\nid = \"r\"\nname = \"r\"\n[[need]]\nid = \"c\"\nname = \"c\"\nwhen = { any_condition = [\"cancer\"] }\n";
        assert!(matches!(
            SegmentationScheme::from_toml(&scheme_with(BANDS, residual_first)),
            Err(Error::ResidualNotLast { .. })
        ));
        let dup = NEEDS.replace("id = \"r\"", "id = \"c\"");
        assert!(matches!(
            SegmentationScheme::from_toml(&scheme_with(BANDS, &dup)),
            Err(Error::DuplicateId { .. })
        ));
        let empty_band = BANDS.replace("to = 16", "to = 0");
        assert!(matches!(
            SegmentationScheme::from_toml(&scheme_with(&empty_band, NEEDS)),
            Err(Error::InvalidValue { .. })
        ));
        let mut many = String::new();
        for i in 0..65u32 {
            many.push_str(&format!(
                "[[age_band]]\nid = \"b{i}\"\nname = \"b\"\nfrom = {i}\nto = {}\n",
                i + 1
            ));
        }
        assert!(matches!(
            SegmentationScheme::from_toml(&scheme_with(&many, NEEDS)),
            Err(Error::InvalidValue {
                field: "age_band",
                ..
            })
        ));
        assert!(matches!(
            SegmentationScheme::from_toml("id = 3"),
            Err(Error::Parse { .. })
        ));
        assert!(matches!(
            SegmentationScheme::from_json("{}"),
            Err(Error::Parse { .. })
        ));
        let c = ConditionCatalogue::builtin().unwrap();
        let unknown_condition = NEEDS.replace("cancer", "gout");
        let s = SegmentationScheme::from_toml(&scheme_with(BANDS, &unknown_condition)).unwrap();
        assert!(matches!(
            s.compile(c, &mut Places::default()),
            Err(Error::UnknownCondition { .. })
        ));
        let unknown_band = NEEDS.replace("any_condition = [\"cancer\"]", "age_bands = [\"z\"]");
        let s = SegmentationScheme::from_toml(&scheme_with(BANDS, &unknown_band)).unwrap();
        assert!(matches!(
            s.compile(c, &mut Places::default()),
            Err(Error::UnknownAgeBand { .. })
        ));
        let bad_decile = NEEDS.replace(
            "any_condition = [\"cancer\"]",
            "deprivation_decile_at_most = 0",
        );
        let s = SegmentationScheme::from_toml(&scheme_with(BANDS, &bad_decile)).unwrap();
        assert!(matches!(
            s.compile(c, &mut Places::default()),
            Err(Error::InvalidValue { .. })
        ));
        let mut other = SegmentationScheme::from_toml(&scheme_with(BANDS, NEEDS)).unwrap();
        other.catalogue = "another".into();
        assert!(matches!(
            other.compile(c, &mut Places::default()),
            Err(Error::CatalogueMismatch { .. })
        ));
    }

    #[test]
    fn json_round_trip_of_builtin_schemes() {
        for s in [
            SegmentationScheme::devon().unwrap(),
            SegmentationScheme::bridges_to_health().unwrap(),
        ] {
            let text = serde_json::to_string(s).unwrap();
            assert_eq!(&SegmentationScheme::from_json(&text).unwrap(), s);
        }
    }
}
