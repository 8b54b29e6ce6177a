//! The compact person record that segmentation reads.
//!
//! A [`Person`] is about 90 bytes: age in whole years, sex, a [`ConditionSet`] over a named
//! catalogue, an interned place or practice, an optional deprivation decile, the days of the
//! period the person was a member (part-year membership gives part person-years), and spend by
//! service category in integer pence. Readers turn files into people; [`PersonRecord`] is the
//! serde form for JSON or TOML input.

pub mod synthetic;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::{Datelike, NaiveDate};
use route_map_core::Money;
use serde::{Deserialize, Serialize};

use crate::catalogue::{CodeSystem, ConditionCatalogue, ConditionSet, UnknownCodes};
use crate::error::{Error, Result};

/// The most service categories a person's spend is split into.
pub const MAX_SERVICES: usize = 8;

/// The longest period, in days, that membership is counted over (a leap year).
pub const MAX_PERIOD_DAYS: u16 = 366;

/// Recorded sex.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Sex {
    /// Female.
    Female = 0,
    /// Male.
    Male = 1,
    /// Not known, not stated or indeterminate.
    #[default]
    Unknown = 2,
}

impl Sex {
    /// Parse the usual one-letter and word codes (`F`, `M`, `female`, `male`, `U`, empty).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for anything else.
    pub fn parse(text: &str) -> Result<Sex> {
        match text.trim() {
            "F" | "f" | "female" | "Female" | "FEMALE" | "2" => Ok(Sex::Female),
            "M" | "m" | "male" | "Male" | "MALE" | "1" => Ok(Sex::Male),
            "" | "U" | "u" | "unknown" | "Unknown" | "0" | "9" | "I" | "X" => Ok(Sex::Unknown),
            other => Err(Error::InvalidValue {
                field: "sex",
                value: other.to_owned(),
                expected: "F, M, U (or female, male, unknown)",
            }),
        }
    }

    /// The code as a small integer (0 female, 1 male, 2 unknown).
    #[must_use]
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// An index of multiple deprivation decile, 1 (most deprived) to 10, or unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Deprivation(u8);

impl Deprivation {
    /// No decile recorded.
    pub const UNKNOWN: Deprivation = Deprivation(0);

    /// A decile from 1 to 10.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] outside 1 to 10.
    pub fn decile(decile: u8) -> Result<Deprivation> {
        if (1..=10).contains(&decile) {
            Ok(Deprivation(decile))
        } else {
            Err(Error::InvalidValue {
                field: "deprivation_decile",
                value: decile.to_string(),
                expected: "a decile from 1 (most deprived) to 10",
            })
        }
    }

    /// The decile, if known.
    #[must_use]
    pub fn get(self) -> Option<u8> {
        (self.0 != 0).then_some(self.0)
    }

    /// The raw code (0 for unknown).
    #[must_use]
    pub fn code(self) -> u8 {
        self.0
    }
}

/// An interned place or practice code (see [`Places`]); `PlaceId::NONE` when not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct PlaceId(pub u32);

impl PlaceId {
    /// No place recorded.
    pub const NONE: PlaceId = PlaceId(u32::MAX);
}

/// Interns place or practice codes to small ids, so a person record stays fixed-size.
#[derive(Debug, Clone, Default)]
pub struct Places {
    ids: HashMap<String, PlaceId>,
    codes: Vec<String>,
}

impl Places {
    /// The id of a code, adding it when new.
    ///
    /// # Errors
    ///
    /// [`Error::TooManyPlaces`] past four billion distinct codes.
    pub fn intern(&mut self, code: &str) -> Result<PlaceId> {
        if let Some(id) = self.ids.get(code) {
            return Ok(*id);
        }
        let id = u32::try_from(self.codes.len())
            .ok()
            .filter(|n| *n != u32::MAX)
            .map(PlaceId)
            .ok_or(Error::TooManyPlaces)?;
        self.ids.insert(code.to_owned(), id);
        self.codes.push(code.to_owned());
        Ok(id)
    }

    /// The id of a known code.
    #[must_use]
    pub fn get(&self, code: &str) -> Option<PlaceId> {
        self.ids.get(code).copied()
    }

    /// The code of an id.
    #[must_use]
    pub fn code(&self, id: PlaceId) -> Option<&str> {
        self.codes.get(id.0 as usize).map(String::as_str)
    }

    /// The number of distinct places.
    #[must_use]
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True when no place has been interned.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

/// The service categories that spend is split into (at most [`MAX_SERVICES`]), in order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct Services(Vec<String>);

impl TryFrom<Vec<String>> for Services {
    type Error = Error;
    fn try_from(v: Vec<String>) -> Result<Self> {
        Services::new(v)
    }
}

impl From<Services> for Vec<String> {
    fn from(s: Services) -> Self {
        s.0
    }
}

impl Services {
    /// Name the categories.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for no category or more than [`MAX_SERVICES`];
    /// [`Error::DuplicateId`] for a repeated name.
    pub fn new<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Result<Services> {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        if names.is_empty() || names.len() > MAX_SERVICES {
            return Err(Error::InvalidValue {
                field: "services",
                value: names.len().to_string(),
                expected: "between 1 and 8 service categories",
            });
        }
        for (i, n) in names.iter().enumerate() {
            if names.iter().skip(i + 1).any(|m| m == n) {
                return Err(Error::DuplicateId {
                    kind: "service category",
                    id: n.clone(),
                    within: "services".into(),
                });
            }
        }
        Ok(Services(names))
    }

    /// The category names in order.
    #[must_use]
    pub fn names(&self) -> &[String] {
        &self.0
    }

    /// The number of categories.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: there is at least one category.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The position of a category.
    #[must_use]
    pub fn index(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|n| n == name)
    }
}

/// Spend by service category in whole pence, never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ServiceSpend([i64; MAX_SERVICES]);

impl ServiceSpend {
    /// No spend.
    pub const ZERO: ServiceSpend = ServiceSpend([0; MAX_SERVICES]);

    /// Spend from pence per category (missing trailing categories are zero).
    ///
    /// # Errors
    ///
    /// [`Error::NegativeSpend`] for a negative amount; [`Error::InvalidValue`] for more than
    /// [`MAX_SERVICES`] amounts.
    pub fn from_pence(pence: &[i64]) -> Result<ServiceSpend> {
        let mut s = ServiceSpend::ZERO;
        if pence.len() > MAX_SERVICES {
            return Err(Error::InvalidValue {
                field: "spend",
                value: pence.len().to_string(),
                expected: "at most 8 service categories",
            });
        }
        for (i, p) in pence.iter().enumerate() {
            s.set(i, *p)?;
        }
        Ok(s)
    }

    /// Set one category's spend in pence.
    ///
    /// # Errors
    ///
    /// [`Error::NegativeSpend`] for a negative amount; [`Error::InvalidValue`] for a category
    /// index past [`MAX_SERVICES`].
    pub fn set(&mut self, service: usize, pence: i64) -> Result<()> {
        if pence < 0 {
            return Err(Error::NegativeSpend {
                service: service.to_string(),
                pence,
            });
        }
        let slot = self.0.get_mut(service).ok_or_else(|| Error::InvalidValue {
            field: "spend",
            value: service.to_string(),
            expected: "a service category index below 8",
        })?;
        *slot = pence;
        Ok(())
    }

    /// Add pence to one category.
    ///
    /// # Errors
    ///
    /// As [`ServiceSpend::set`], and [`Error::SpendOverflow`] past `i64::MAX` pence.
    pub fn add(&mut self, service: usize, pence: i64) -> Result<()> {
        let current = self.get(service);
        let sum = current.checked_add(pence).ok_or(Error::SpendOverflow)?;
        self.set(service, sum)
    }

    /// One category's spend in pence (zero past the end).
    #[must_use]
    pub fn get(&self, service: usize) -> i64 {
        self.0.get(service).copied().unwrap_or(0)
    }

    /// All categories' spend in pence.
    #[must_use]
    pub fn as_pence(&self) -> &[i64; MAX_SERVICES] {
        &self.0
    }

    /// The total over all categories, in pence (as i128, which cannot overflow).
    #[must_use]
    pub fn total(&self) -> i128 {
        self.0.iter().map(|p| i128::from(*p)).sum()
    }
}

/// One person, ready for segmentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Person {
    /// Age in whole years at the reference date.
    pub age: u8,
    /// Recorded sex.
    pub sex: Sex,
    /// Conditions over the scheme's catalogue.
    pub conditions: ConditionSet,
    /// Place or practice.
    pub place: PlaceId,
    /// Deprivation decile.
    pub deprivation: Deprivation,
    /// Days of the period the person was a member (registered, alive, resident).
    pub member_days: u16,
    /// Spend by service category.
    pub spend: ServiceSpend,
}

impl Person {
    /// A full-year member with no conditions, place, deprivation or spend.
    #[must_use]
    pub fn new(age: u8, sex: Sex, period_days: u16) -> Person {
        Person {
            age,
            sex,
            conditions: ConditionSet::EMPTY,
            place: PlaceId::NONE,
            deprivation: Deprivation::UNKNOWN,
            member_days: period_days,
            spend: ServiceSpend::ZERO,
        }
    }
}

/// Age in completed years on `on` for someone born on `birth`.
///
/// # Errors
///
/// [`Error::InvalidValue`] when `birth` is after `on` or the age exceeds 255.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> Result<u8> {
    let bad = || Error::InvalidValue {
        field: "birth_date",
        value: birth.to_string(),
        expected: "a date of birth on or before the reference date, at most 255 years before",
    };
    if birth > on {
        return Err(bad());
    }
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u8::try_from(years).map_err(|_| bad())
}

/// A person as written in JSON or TOML: the input model behind [`Person`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonRecord {
    /// Age in whole years at the reference date (give this or `birth_date`).
    #[serde(default)]
    pub age: Option<u8>,
    /// Date of birth (give this or `age`).
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    /// Recorded sex.
    #[serde(default)]
    pub sex: Sex,
    /// Condition ids from the catalogue.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// Clinical codes, mapped through the catalogue; unknown codes are counted.
    #[serde(default)]
    pub codes: Vec<ClinicalCode>,
    /// Place or practice code.
    #[serde(default)]
    pub place: Option<String>,
    /// Deprivation decile, 1 (most deprived) to 10.
    #[serde(default)]
    pub deprivation_decile: Option<u8>,
    /// Days of the period the person was a member; the whole period when absent.
    #[serde(default)]
    pub member_days: Option<u16>,
    /// Spend by service category name.
    #[serde(default)]
    pub spend: BTreeMap<String, Money>,
}

/// A clinical code with its system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClinicalCode {
    /// The coding system.
    pub system: CodeSystem,
    /// The code.
    pub code: String,
}

/// What turning records into people needs: the catalogue, services, period and place table.
#[derive(Debug)]
pub struct PersonContext<'a> {
    /// The condition catalogue.
    pub catalogue: &'a ConditionCatalogue,
    /// The service categories.
    pub services: &'a Services,
    /// The reference date for ages computed from birth dates.
    pub reference_date: NaiveDate,
    /// The number of days in the period.
    pub period_days: u16,
    /// Place codes interned so far.
    pub places: &'a mut Places,
    /// Unknown clinical codes met so far.
    pub unknown: &'a mut UnknownCodes,
}

impl PersonRecord {
    /// Validate and convert into a [`Person`].
    ///
    /// # Errors
    ///
    /// [`Error::MissingAge`] with neither age nor birth date; [`Error::UnknownCondition`];
    /// [`Error::UnknownService`]; [`Error::NegativeSpend`]; [`Error::MembershipExceedsPeriod`];
    /// [`Error::InvalidValue`] for a bad decile or birth date.
    pub fn to_person(&self, ctx: &mut PersonContext<'_>) -> Result<Person> {
        let age = match (self.age, self.birth_date) {
            (Some(a), _) => a,
            (None, Some(b)) => age_on(b, ctx.reference_date)?,
            (None, None) => {
                return Err(Error::MissingAge {
                    at: "person record".into(),
                });
            }
        };
        let mut p = Person::new(age, self.sex, ctx.period_days);
        for c in &self.conditions {
            p.conditions.insert(ctx.catalogue.id(c)?);
        }
        for c in &self.codes {
            ctx.catalogue
                .add_code(&mut p.conditions, c.system, &c.code, ctx.unknown);
        }
        if let Some(place) = &self.place {
            p.place = ctx.places.intern(place)?;
        }
        if let Some(d) = self.deprivation_decile {
            p.deprivation = Deprivation::decile(d)?;
        }
        if let Some(days) = self.member_days {
            if days > ctx.period_days {
                return Err(Error::MembershipExceedsPeriod {
                    days,
                    period_days: ctx.period_days,
                });
            }
            p.member_days = days;
        }
        for (service, amount) in &self.spend {
            let i = ctx
                .services
                .index(service)
                .ok_or_else(|| Error::UnknownService {
                    service: service.clone(),
                })?;
            let pence = amount.to_pence()?;
            if pence < 0 {
                return Err(Error::NegativeSpend {
                    service: service.clone(),
                    pence,
                });
            }
            p.spend.set(i, pence)?;
        }
        Ok(p)
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Unknown => "unknown",
        })
    }
}

/// The code system named by a prefix such as `SCT` or `ICD10`, as used in the person CSV layout.
pub(crate) fn code_system_prefix(prefix: &str) -> Option<CodeSystem> {
    match prefix {
        "SCT" | "sct" | "SNOMED" | "snomed" => Some(CodeSystem::SnomedCt),
        "ICD10" | "icd10" | "ICD-10" => Some(CodeSystem::Icd10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx_parts() -> (Services, Places, UnknownCodes) {
        (
            Services::new(["primary", "acute"]).unwrap(),
            Places::default(),
            UnknownCodes::default(),
        )
    }

    #[test]
    fn record_to_person() {
        let catalogue = ConditionCatalogue::builtin().unwrap();
        let (services, mut places, mut unknown) = ctx_parts();
        let mut ctx = PersonContext {
            catalogue,
            services: &services,
            reference_date: NaiveDate::from_ymd_opt(2024, 3, 31).unwrap(),
            period_days: 366,
            places: &mut places,
            unknown: &mut unknown,
        };
        let rec: PersonRecord = serde_json::from_str(
            r#"{"birth_date":"1950-04-01","sex":"female","conditions":["dementia"],
                "codes":[{"system":"icd10","code":"F20.1"},{"system":"snomed_ct","code":"999"}],
                "place":"L81001","deprivation_decile":3,"member_days":200,
                "spend":{"acute":"120.55"}}"#,
        )
        .unwrap();
        let p = rec.to_person(&mut ctx).unwrap();
        assert_eq!(p.age, 73);
        assert_eq!(p.sex, Sex::Female);
        assert_eq!(
            catalogue.names(p.conditions).collect::<Vec<_>>(),
            ["semi", "dementia"]
        );
        assert_eq!(p.spend.get(1), 12055);
        assert_eq!(p.member_days, 200);
        assert_eq!(p.deprivation.get(), Some(3));
        assert_eq!(ctx.places.code(p.place), Some("L81001"));
        assert_eq!(ctx.unknown.occurrences(), 1);
    }

    #[test]
    fn record_errors() {
        let catalogue = ConditionCatalogue::builtin().unwrap();
        let (services, mut places, mut unknown) = ctx_parts();
        let mut ctx = PersonContext {
            catalogue,
            services: &services,
            reference_date: NaiveDate::from_ymd_opt(2024, 3, 31).unwrap(),
            period_days: 365,
            places: &mut places,
            unknown: &mut unknown,
        };
        let parse = |s: &str| serde_json::from_str::<PersonRecord>(s).unwrap();
        assert!(matches!(
            parse("{}").to_person(&mut ctx),
            Err(Error::MissingAge { .. })
        ));
        assert!(matches!(
            parse(r#"{"age":3,"spend":{"acute":"-1.00"}}"#).to_person(&mut ctx),
            Err(Error::NegativeSpend { .. })
        ));
        assert!(matches!(
            parse(r#"{"age":3,"spend":{"dental":"1.00"}}"#).to_person(&mut ctx),
            Err(Error::UnknownService { .. })
        ));
        assert!(matches!(
            parse(r#"{"age":3,"conditions":["gout"]}"#).to_person(&mut ctx),
            Err(Error::UnknownCondition { .. })
        ));
        assert!(matches!(
            parse(r#"{"age":3,"member_days":366}"#).to_person(&mut ctx),
            Err(Error::MembershipExceedsPeriod { .. })
        ));
        assert!(matches!(
            parse(r#"{"age":3,"deprivation_decile":11}"#).to_person(&mut ctx),
            Err(Error::InvalidValue { .. })
        ));
        assert!(matches!(
            parse(r#"{"birth_date":"2025-01-01"}"#).to_person(&mut ctx),
            Err(Error::InvalidValue { .. })
        ));
    }

    #[test]
    fn small_types() {
        assert_eq!(Sex::parse("F").unwrap(), Sex::Female);
        assert_eq!(Sex::parse("").unwrap(), Sex::Unknown);
        assert!(Sex::parse("Q").is_err());
        assert!(Services::new(Vec::<String>::new()).is_err());
        assert!(Services::new(["a", "a"]).is_err());
        assert!(Services::new((0..9).map(|i| i.to_string())).is_err());
        assert!(ServiceSpend::from_pence(&[1, -2]).is_err());
        assert!(ServiceSpend::from_pence(&[0; 9]).is_err());
        let mut s = ServiceSpend::from_pence(&[i64::MAX]).unwrap();
        assert!(matches!(s.add(0, 1), Err(Error::SpendOverflow)));
        assert_eq!(s.total(), i128::from(i64::MAX));
        let d = NaiveDate::from_ymd_opt;
        assert_eq!(
            age_on(d(2000, 2, 29).unwrap(), d(2001, 2, 28).unwrap()).unwrap(),
            0
        );
        assert_eq!(
            age_on(d(2000, 2, 29).unwrap(), d(2001, 3, 1).unwrap()).unwrap(),
            1
        );
        let mut places = Places::default();
        let a = places.intern("A").unwrap();
        assert_eq!(places.intern("A").unwrap(), a);
        assert_eq!(places.get("B"), None);
        assert_eq!(places.len(), 1);
    }
}
