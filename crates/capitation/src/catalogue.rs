//! Condition catalogues: named conditions (need groups) and the clinical codes that map to them.
//!
//! A person's conditions are a [`ConditionSet`], a bitset over the catalogue's conditions (at
//! most [`MAX_CONDITIONS`]), so that a segmentation rule tests them with one mask operation.
//! SNOMED CT codes match exactly; ICD-10 codes match by their longest listed prefix (dots
//! ignored), so `"F2"` covers F20 to F29. Codes that the catalogue does not know are counted in
//! [`UnknownCodes`] and reported, never silently dropped.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::OnceLock;

use route_map_core::SourceRef;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The most conditions a catalogue may hold (the width of [`ConditionSet`]).
pub const MAX_CONDITIONS: usize = 64;

/// A coding system for clinical codes.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CodeSystem {
    /// SNOMED CT concept ids, matched exactly.
    SnomedCt,
    /// ICD-10 codes, matched by longest listed prefix, dots ignored.
    Icd10,
}

impl fmt::Display for CodeSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CodeSystem::SnomedCt => "SNOMED CT",
            CodeSystem::Icd10 => "ICD-10",
        })
    }
}

/// The index of a condition in its catalogue (0 to 63).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConditionId(u8);

impl ConditionId {
    /// The position of the condition in its catalogue.
    #[must_use]
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// The single-bit mask of this condition.
    #[must_use]
    pub fn mask(self) -> u64 {
        1u64 << self.0
    }
}

/// A set of conditions from one catalogue, as a 64-bit mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct ConditionSet(u64);

impl ConditionSet {
    /// The empty set.
    pub const EMPTY: ConditionSet = ConditionSet(0);

    /// The set with exactly these bits (bit `i` is the catalogue's condition `i`).
    #[must_use]
    pub fn from_bits(bits: u64) -> ConditionSet {
        ConditionSet(bits)
    }

    /// The bit mask.
    #[must_use]
    pub fn bits(self) -> u64 {
        self.0
    }

    /// Add a condition.
    pub fn insert(&mut self, id: ConditionId) {
        self.0 |= id.mask();
    }

    /// True when the condition is in the set.
    #[must_use]
    pub fn contains(self, id: ConditionId) -> bool {
        self.0 & id.mask() != 0
    }

    /// The number of conditions in the set.
    #[must_use]
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// True when no condition is in the set.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// One condition (need group) as written in a catalogue file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionDef {
    /// Short identifier used by segmentation rules, e.g. `dementia`.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// SNOMED CT concept ids that place a person in this condition.
    #[serde(default)]
    pub snomed: Vec<String>,
    /// ICD-10 code prefixes (without dots) that place a person in this condition.
    #[serde(default)]
    pub icd10: Vec<String>,
}

/// A catalogue as written in TOML or JSON, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawConditionCatalogue {
    /// The catalogue's name; schemes name the catalogue they are written against.
    pub name: String,
    /// Version label.
    #[serde(default)]
    pub version: Option<String>,
    /// Where the code lists come from.
    pub source: SourceRef,
    /// The conditions, at most 64.
    pub condition: Vec<ConditionDef>,
}

/// A validated condition catalogue with code look-up tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawConditionCatalogue", into = "RawConditionCatalogue")]
pub struct ConditionCatalogue {
    raw: RawConditionCatalogue,
    #[serde(skip)]
    by_id: HashMap<String, ConditionId>,
    #[serde(skip)]
    snomed: HashMap<String, ConditionId>,
    #[serde(skip)]
    icd10: HashMap<String, ConditionId>,
    #[serde(skip)]
    icd10_longest: usize,
}

impl From<ConditionCatalogue> for RawConditionCatalogue {
    fn from(c: ConditionCatalogue) -> Self {
        c.raw
    }
}

impl TryFrom<RawConditionCatalogue> for ConditionCatalogue {
    type Error = Error;

    fn try_from(raw: RawConditionCatalogue) -> Result<Self> {
        ConditionCatalogue::new(raw)
    }
}

fn normalise_icd10(code: &str) -> String {
    code.chars()
        .filter(|c| *c != '.' && !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl ConditionCatalogue {
    /// Validate a catalogue: at most 64 conditions, unique ids, and no code listed twice.
    ///
    /// # Errors
    ///
    /// [`Error::TooManyConditions`], [`Error::DuplicateId`] for a repeated condition id, and
    /// [`Error::DuplicateCode`] for a code mapped to two conditions.
    pub fn new(raw: RawConditionCatalogue) -> Result<ConditionCatalogue> {
        if raw.condition.len() > MAX_CONDITIONS {
            return Err(Error::TooManyConditions {
                catalogue: raw.name.clone(),
                count: raw.condition.len(),
            });
        }
        let mut by_id = HashMap::new();
        let mut snomed = HashMap::new();
        let mut icd10 = HashMap::new();
        let mut icd10_longest = 0;
        for (i, def) in raw.condition.iter().enumerate() {
            let id = ConditionId(u8::try_from(i).map_err(|_| Error::TooManyConditions {
                catalogue: raw.name.clone(),
                count: raw.condition.len(),
            })?);
            if by_id.insert(def.id.clone(), id).is_some() {
                return Err(Error::DuplicateId {
                    kind: "condition",
                    id: def.id.clone(),
                    within: raw.name.clone(),
                });
            }
            for code in &def.snomed {
                if snomed.insert(code.trim().to_owned(), id).is_some() {
                    return Err(Error::DuplicateCode {
                        system: CodeSystem::SnomedCt,
                        code: code.clone(),
                        catalogue: raw.name.clone(),
                    });
                }
            }
            for code in &def.icd10 {
                let key = normalise_icd10(code);
                icd10_longest = icd10_longest.max(key.len());
                if icd10.insert(key, id).is_some() {
                    return Err(Error::DuplicateCode {
                        system: CodeSystem::Icd10,
                        code: code.clone(),
                        catalogue: raw.name.clone(),
                    });
                }
            }
        }
        Ok(ConditionCatalogue {
            raw,
            by_id,
            snomed,
            icd10,
            icd10_longest,
        })
    }

    /// Parse and validate a catalogue from TOML.
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] for malformed TOML, then as [`ConditionCatalogue::new`].
    pub fn from_toml(text: &str) -> Result<ConditionCatalogue> {
        let raw: RawConditionCatalogue = toml::from_str(text).map_err(|e| Error::Parse {
            what: "condition catalogue (TOML)",
            reason: e.to_string(),
        })?;
        ConditionCatalogue::new(raw)
    }

    /// Parse and validate a catalogue from JSON.
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] for malformed JSON, then as [`ConditionCatalogue::new`].
    pub fn from_json(text: &str) -> Result<ConditionCatalogue> {
        let raw: RawConditionCatalogue = serde_json::from_str(text).map_err(|e| Error::Parse {
            what: "condition catalogue (JSON)",
            reason: e.to_string(),
        })?;
        ConditionCatalogue::new(raw)
    }

    /// The built-in catalogue of need groups (`data/conditions.toml`) used by the Devon and
    /// Bridges to Health schemes.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded file is malformed (a build defect).
    pub fn builtin() -> Result<&'static ConditionCatalogue> {
        static CELL: OnceLock<std::result::Result<ConditionCatalogue, String>> = OnceLock::new();
        CELL.get_or_init(|| {
            ConditionCatalogue::from_toml(include_str!("../data/conditions.toml"))
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|reason| Error::EmbeddedData {
            name: "conditions.toml",
            reason: reason.clone(),
        })
    }

    /// The catalogue's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.raw.name
    }

    /// Where the code lists come from.
    #[must_use]
    pub fn source(&self) -> &SourceRef {
        &self.raw.source
    }

    /// The conditions in catalogue order (their [`ConditionId`] is their position).
    #[must_use]
    pub fn conditions(&self) -> &[ConditionDef] {
        &self.raw.condition
    }

    /// The number of conditions.
    #[must_use]
    pub fn len(&self) -> usize {
        self.raw.condition.len()
    }

    /// True when the catalogue has no conditions.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.raw.condition.is_empty()
    }

    /// The condition with this id.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownCondition`] when the catalogue has no such condition.
    pub fn id(&self, condition: &str) -> Result<ConditionId> {
        self.by_id
            .get(condition)
            .copied()
            .ok_or_else(|| Error::UnknownCondition {
                condition: condition.to_owned(),
                catalogue: self.raw.name.clone(),
            })
    }

    /// The id of a condition by index, if in range.
    #[must_use]
    pub fn id_at(&self, index: usize) -> Option<ConditionId> {
        (index < self.len())
            .then(|| u8::try_from(index).ok().map(ConditionId))
            .flatten()
    }

    /// The definition of a condition.
    #[must_use]
    pub fn def(&self, id: ConditionId) -> Option<&ConditionDef> {
        self.raw.condition.get(id.index())
    }

    /// The condition a clinical code maps to, or `None` when the catalogue does not know it.
    #[must_use]
    pub fn lookup(&self, system: CodeSystem, code: &str) -> Option<ConditionId> {
        match system {
            CodeSystem::SnomedCt => self.snomed.get(code.trim()).copied(),
            CodeSystem::Icd10 => {
                let key = normalise_icd10(code);
                let mut end = key.len().min(self.icd10_longest);
                while end > 0 {
                    if let Some(id) = key.get(..end).and_then(|p| self.icd10.get(p)) {
                        return Some(*id);
                    }
                    end -= 1;
                }
                None
            }
        }
    }

    /// Map a code into `set`, counting it in `unknown` when the catalogue does not know it.
    pub fn add_code(
        &self,
        set: &mut ConditionSet,
        system: CodeSystem,
        code: &str,
        unknown: &mut UnknownCodes,
    ) {
        match self.lookup(system, code) {
            Some(id) => set.insert(id),
            None => unknown.record(system, code),
        }
    }

    /// The ids of the conditions in a set, in catalogue order.
    pub fn names(&self, set: ConditionSet) -> impl Iterator<Item = &str> + '_ {
        self.raw
            .condition
            .iter()
            .enumerate()
            .filter(move |(i, _)| *i < 64 && set.bits() & (1u64 << i) != 0)
            .map(|(_, d)| d.id.as_str())
    }
}

/// Codes met while reading that a catalogue does not know, with how often each was seen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UnknownCodes {
    counts: BTreeMap<(CodeSystem, String), u64>,
}

impl UnknownCodes {
    /// Count one occurrence of an unknown code.
    pub fn record(&mut self, system: CodeSystem, code: &str) {
        *self
            .counts
            .entry((system, code.trim().to_owned()))
            .or_insert(0) += 1;
    }

    /// The number of occurrences of unknown codes.
    #[must_use]
    pub fn occurrences(&self) -> u64 {
        self.counts.values().sum()
    }

    /// The number of distinct unknown codes.
    #[must_use]
    pub fn distinct(&self) -> usize {
        self.counts.len()
    }

    /// True when no unknown code was met.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// How often a code was seen.
    #[must_use]
    pub fn count(&self, system: CodeSystem, code: &str) -> u64 {
        self.counts
            .get(&(system, code.to_owned()))
            .copied()
            .unwrap_or(0)
    }

    /// Each unknown code with its count, most frequent first (then by code).
    #[must_use]
    pub fn most_frequent(&self) -> Vec<(CodeSystem, &str, u64)> {
        let mut v: Vec<_> = self
            .counts
            .iter()
            .map(|((s, c), n)| (*s, c.as_str(), *n))
            .collect();
        v.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(b.1)));
        v
    }

    /// Add another tally into this one.
    pub fn merge(&mut self, other: &UnknownCodes) {
        for (k, n) in &other.counts {
            *self.counts.entry(k.clone()).or_insert(0) += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_loads_and_maps_codes() {
        let c = ConditionCatalogue::builtin().unwrap();
        let dementia = c.id("dementia").unwrap();
        assert_eq!(c.lookup(CodeSystem::SnomedCt, "26929004"), Some(dementia));
        assert_eq!(c.lookup(CodeSystem::Icd10, "G30.1"), Some(dementia));
        assert_eq!(c.lookup(CodeSystem::Icd10, "f03"), Some(dementia));
        let semi = c.id("semi").unwrap();
        assert_eq!(c.lookup(CodeSystem::Icd10, "F20.0"), Some(semi));
        assert_eq!(
            c.lookup(CodeSystem::Icd10, "C50.9"),
            Some(c.id("cancer").unwrap())
        );
        // Longest prefix wins: N18.5 is organ failure, N18.3 a chronic condition.
        assert_eq!(
            c.lookup(CodeSystem::Icd10, "N18.5"),
            Some(c.id("organ_failure").unwrap())
        );
        assert_eq!(
            c.lookup(CodeSystem::Icd10, "N18.3"),
            Some(c.id("chronic").unwrap())
        );
        assert_eq!(c.lookup(CodeSystem::Icd10, "R69"), None);
        assert_eq!(c.lookup(CodeSystem::SnomedCt, "314529007"), None);
        assert!(c.source().to_verify.is_some());
    }

    #[test]
    fn unknown_codes_are_counted_not_dropped() {
        let c = ConditionCatalogue::builtin().unwrap();
        let mut set = ConditionSet::EMPTY;
        let mut unknown = UnknownCodes::default();
        c.add_code(&mut set, CodeSystem::SnomedCt, "314529007", &mut unknown);
        c.add_code(&mut set, CodeSystem::SnomedCt, "314529007", &mut unknown);
        c.add_code(&mut set, CodeSystem::Icd10, "R69", &mut unknown);
        c.add_code(&mut set, CodeSystem::SnomedCt, "59621000", &mut unknown);
        assert_eq!(unknown.occurrences(), 3);
        assert_eq!(unknown.distinct(), 2);
        assert_eq!(unknown.count(CodeSystem::SnomedCt, "314529007"), 2);
        assert_eq!(unknown.most_frequent().first().map(|x| x.2), Some(2));
        assert_eq!(c.names(set).collect::<Vec<_>>(), vec!["chronic"]);
    }

    #[test]
    fn duplicate_codes_and_ids_are_rejected() {
        let dup_code = r#"
name = "x"
source = { title = "t" }
[[condition]]
id = "a"
name = "A"
snomed = ["1"]
[[condition]]
id = "b"
name = "B"
snomed = ["1"]
"#;
        assert!(matches!(
            ConditionCatalogue::from_toml(dup_code),
            Err(Error::DuplicateCode { .. })
        ));
        let dup_id = dup_code.replace("id = \"b\"", "id = \"a\"");
        assert!(matches!(
            ConditionCatalogue::from_toml(&dup_id),
            Err(Error::DuplicateId { .. })
        ));
        assert!(matches!(
            ConditionCatalogue::from_toml("name = 1"),
            Err(Error::Parse { .. })
        ));
        let mut many = String::from("name = \"x\"\nsource = { title = \"t\" }\n");
        for i in 0..65 {
            many.push_str(&format!("[[condition]]\nid = \"c{i}\"\nname = \"C\"\n"));
        }
        assert!(matches!(
            ConditionCatalogue::from_toml(&many),
            Err(Error::TooManyConditions { count: 65, .. })
        ));
        assert!(matches!(
            ConditionCatalogue::builtin().unwrap().id("gout"),
            Err(Error::UnknownCondition { .. })
        ));
    }

    #[test]
    fn json_round_trip() {
        let c = ConditionCatalogue::builtin().unwrap();
        let text = serde_json::to_string(c).unwrap();
        let back = ConditionCatalogue::from_json(&text).unwrap();
        assert_eq!(back.len(), c.len());
        assert_eq!(
            back.lookup(CodeSystem::SnomedCt, "26929004"),
            c.lookup(CodeSystem::SnomedCt, "26929004")
        );
    }
}
