//! Seeded synthetic populations for benchmarks, examples and tests.
//!
//! The same seed always gives the same people (ChaCha8). The age mix is roughly England's
//! (about 19 % under 16, 14 % aged 70 and over) and conditions of the built-in catalogue occur
//! with illustrative age-dependent prevalences; spend rises with need. The figures are made up
//! for load and shape only: they are not estimates of anything.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::catalogue::{ConditionCatalogue, ConditionId};
use crate::error::Result;
use crate::person::{Deprivation, MAX_SERVICES, Person, PlaceId, ServiceSpend, Sex};

/// Per mille prevalence by age band (under 16, 16 to 69, 70 and over) of each condition used.
const PREVALENCE: [(&str, [u32; 3]); 8] = [
    ("chronic", [80, 250, 600]),
    ("semi", [1, 10, 10]),
    ("dementia", [0, 2, 70]),
    ("cancer", [3, 20, 60]),
    ("physical_disability", [10, 30, 60]),
    ("learning_disability", [5, 5, 3]),
    ("vulnerable", [40, 20, 10]),
    ("organ_failure", [0, 5, 40]),
];

/// A generator of synthetic people over the built-in catalogue.
#[derive(Debug, Clone)]
pub struct Generator {
    rng: ChaCha8Rng,
    conditions: Vec<(ConditionId, [u32; 3])>,
    period_days: u16,
    services: usize,
    places: u32,
}

impl Generator {
    /// A generator with a seed, the days of the period, the number of service categories
    /// (spend columns, at most 8) and the number of distinct places.
    ///
    /// # Errors
    ///
    /// [`crate::Error::EmbeddedData`] if the built-in catalogue fails to load.
    pub fn new(seed: u64, period_days: u16, services: usize, places: u32) -> Result<Generator> {
        let catalogue = ConditionCatalogue::builtin()?;
        let conditions = PREVALENCE
            .iter()
            .map(|(name, p)| Ok((catalogue.id(name)?, *p)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            conditions,
            period_days,
            services: services.min(MAX_SERVICES),
            places: places.max(1),
        })
    }

    /// The next person.
    pub fn person(&mut self) -> Person {
        let r: u32 = self.rng.random_range(0..1000);
        let (age, band) = if r < 190 {
            (self.rng.random_range(0..16u8), 0)
        } else if r < 860 {
            (self.rng.random_range(16..70u8), 1)
        } else {
            (self.rng.random_range(70..101u8), 2)
        };
        let sex = match self.rng.random_range(0..100u8) {
            0..49 => Sex::Female,
            49..98 => Sex::Male,
            _ => Sex::Unknown,
        };
        let mut p = Person::new(age, sex, self.period_days);
        let mut weight: i64 = 1;
        for (id, prevalence) in &self.conditions {
            let per_mille = prevalence.get(band).copied().unwrap_or(0);
            if self.rng.random_range(0..1000u32) < per_mille {
                p.conditions.insert(*id);
                weight += 3;
            }
        }
        if self.rng.random_range(0..10u8) == 0 {
            p.member_days = self.rng.random_range(1..=self.period_days);
        }
        p.place = PlaceId(self.rng.random_range(0..self.places));
        p.deprivation = Deprivation::decile(self.rng.random_range(1..=10u8)).unwrap_or_default();
        let mut pence = [0i64; MAX_SERVICES];
        for slot in pence.iter_mut().take(self.services) {
            *slot = self.rng.random_range(0..50_000i64) * weight;
        }
        p.spend = ServiceSpend::from_pence(&pence).unwrap_or_default();
        p
    }
}

impl Iterator for Generator {
    type Item = Person;

    fn next(&mut self) -> Option<Person> {
        Some(self.person())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_and_plausible() {
        let a: Vec<Person> = Generator::new(7, 365, 3, 10)
            .unwrap()
            .take(10_000)
            .collect();
        let b: Vec<Person> = Generator::new(7, 365, 3, 10)
            .unwrap()
            .take(10_000)
            .collect();
        assert_eq!(a, b);
        let children = a.iter().filter(|p| p.age < 16).count();
        assert!((1_700..2_100).contains(&children), "{children}");
        assert!(a.iter().all(|p| p.member_days >= 1 && p.member_days <= 365));
        assert!(a.iter().all(|p| p.spend.get(3) == 0 && p.spend.get(2) >= 0));
        assert!(a.iter().any(|p| !p.conditions.is_empty()));
    }
}
