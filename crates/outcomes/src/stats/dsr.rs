//! Directly standardised rates (DSRs) and their confidence limits by the method of Dobson,
//! Kuulasmaa, Eberle and Scherer (1991), as the PHE/OHID technical guide "Confidence
//! intervals" (appendix 4) and Fingertips apply it.
//!
//! For strata `i` (age bands) with events `Oᵢ`, population `nᵢ` and standard population
//! `wᵢ`, and a multiplier `m` (per 100,000):
//!
//! ```text
//! DSR      = m · Σ wᵢ Oᵢ / nᵢ / Σ wᵢ
//! var(DSR) = m² · Σ wᵢ² Oᵢ / nᵢ² / (Σ wᵢ)²
//! O        = Σ Oᵢ
//! limits   = DSR + √(var(DSR) / O) · (O_lower − O),  DSR + √(var(DSR) / O) · (O_upper − O)
//! ```
//!
//! where `O_lower` and `O_upper` are the confidence limits of the total count `O` treated as
//! a Poisson variable: Byar's approximation in Fingertips (PHEindicatormethods
//! `calculate_dsr`), exact Poisson limits in Dobson et al.'s own statement. Fingertips does
//! not publish a DSR from fewer than [`DSR_MIN_EVENTS`] events (Morris et al. 2018, "Evaluation
//! of stability of directly standardized rates for sparse data using simulation methods",
//! Population Health Metrics 16:19).

use std::sync::OnceLock;

use route_map_core::SourceRef;
use serde::{Deserialize, Serialize};

use crate::data::load;
use crate::error::{Error, Result};
use crate::stats::confidence::{ConfidenceLevel, Interval, byar, poisson_exact};

/// Fingertips suppresses a DSR from fewer events than this.
pub const DSR_MIN_EVENTS: f64 = 10.0;

const S: &str = "directly standardised rate";

fn bad(reason: String) -> Error {
    Error::Statistics {
        statistic: S,
        reason,
    }
}

/// One stratum (age band) of a directly standardised rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DsrStratum {
    /// Events observed in the stratum `Oᵢ`.
    pub events: f64,
    /// The stratum's population (or person-time) `nᵢ`.
    pub population: f64,
    /// The standard population's weight for the stratum `wᵢ` (ESP 2013: see
    /// [`european_standard_population`]).
    pub standard: f64,
}

/// How the total count's Poisson limits are found inside Dobson's method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CountLimits {
    /// Byar's approximation, as Fingertips and PHEindicatormethods compute it.
    Byar,
    /// Exact (Garwood) Poisson limits, as Dobson et al. (1991) state the method; the total
    /// count must then be whole.
    Exact,
}

/// A directly standardised rate with what its confidence limits need.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Dsr {
    /// The rate per `per`.
    pub rate: f64,
    /// The total events `O`.
    pub events: f64,
    /// `var(DSR)` in the rate's units squared.
    pub variance: f64,
    /// The multiplier (100,000 for a rate per 100,000).
    pub per: f64,
}

fn positive(what: &str, v: f64) -> Result<()> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(bad(format!("{what} {v} must be positive and finite")))
    }
}

/// The directly standardised rate of `strata` per `per`.
///
/// # Errors
///
/// [`Error::Statistics`] for no strata, a negative or non-finite count, a population or
/// standard weight that is not positive, a multiplier that is not positive, or no events in
/// any stratum (the limits would be undefined).
///
/// # Examples
///
/// ```
/// use outcomes::stats::dsr::{dsr, DsrStratum};
/// use outcomes::stats::ConfidenceLevel;
/// // Falls admissions aged 65 and over in three bands, ESP 2013 weights, per 100,000.
/// let strata = [
///     DsrStratum { events: 120.0, population: 16_000.0, standard: 5_500.0 },
///     DsrStratum { events: 210.0, population: 10_500.0, standard: 4_000.0 },
///     DsrStratum { events: 300.0, population: 4_700.0, standard: 1_500.0 },
/// ];
/// let rate = dsr(&strata, 100_000.0)?;
/// let ci = rate.interval(ConfidenceLevel::P95)?;
/// assert!(ci.lower < rate.rate && rate.rate < ci.upper);
/// # Ok::<(), outcomes::Error>(())
/// ```
pub fn dsr(strata: &[DsrStratum], per: f64) -> Result<Dsr> {
    positive("multiplier", per)?;
    if strata.is_empty() {
        return Err(bad("no strata".into()));
    }
    let (mut weights, mut weighted, mut weighted_var, mut events) = (0.0, 0.0, 0.0, 0.0);
    for (i, s) in strata.iter().enumerate() {
        if !s.events.is_finite() || s.events < 0.0 {
            return Err(bad(format!(
                "stratum {i}: events {} must be a finite number, not negative",
                s.events
            )));
        }
        positive(&format!("stratum {i}: population"), s.population)?;
        positive(&format!("stratum {i}: standard population"), s.standard)?;
        weights += s.standard;
        weighted += s.standard * s.events / s.population;
        weighted_var += s.standard * s.standard * s.events / (s.population * s.population);
        events += s.events;
    }
    if events <= 0.0 {
        return Err(bad(
            "no events in any stratum: the rate's limits are undefined".into(),
        ));
    }
    Ok(Dsr {
        rate: per * weighted / weights,
        events,
        variance: per * per * weighted_var / (weights * weights),
        per,
    })
}

impl Dsr {
    /// Rebuild a DSR from a published row (rate, total events and its lower limit at
    /// `level`) by solving Dobson's lower-limit equation for `var(DSR)`. This lets a
    /// published 95% row give its 99.8% limits, or check a publisher's upper limit.
    ///
    /// # Errors
    ///
    /// [`Error::Statistics`] for a rate, multiplier or count that is not positive and finite,
    /// or a lower limit not below the rate (or negative).
    pub fn from_published_lower(
        rate: f64,
        events: f64,
        lower: f64,
        level: ConfidenceLevel,
        per: f64,
    ) -> Result<Dsr> {
        positive("rate", rate)?;
        positive("events", events)?;
        positive("multiplier", per)?;
        if !lower.is_finite() || lower < 0.0 || lower >= rate {
            return Err(bad(format!(
                "published lower limit {lower} must be from zero to below the rate {rate}"
            )));
        }
        let count = byar(events, level)?;
        let drop = events - count.lower;
        if drop <= 0.0 {
            return Err(bad(format!("no lower Poisson margin at {events} events")));
        }
        let k = (rate - lower) / drop;
        Ok(Dsr {
            rate,
            events,
            variance: k * k * events,
            per,
        })
    }

    /// Whether Fingertips would publish it: at least [`DSR_MIN_EVENTS`] events.
    #[must_use]
    pub fn is_publishable(&self) -> bool {
        self.events >= DSR_MIN_EVENTS
    }

    /// Dobson limits with Byar's approximation for the total count, as Fingertips.
    ///
    /// # Errors
    ///
    /// As [`Dsr::interval_with`].
    pub fn interval(&self, level: ConfidenceLevel) -> Result<Interval> {
        self.interval_with(level, CountLimits::Byar)
    }

    /// Dobson limits with the total count's Poisson limits found by `method`. The lower limit
    /// is never below zero.
    ///
    /// # Errors
    ///
    /// [`Error::Statistics`] when the fields are not finite, the events or multiplier not
    /// positive, the variance negative, or (for [`CountLimits::Exact`]) the total count is
    /// not whole or above the exact method's range.
    pub fn interval_with(&self, level: ConfidenceLevel, method: CountLimits) -> Result<Interval> {
        positive("events", self.events)?;
        positive("multiplier", self.per)?;
        if !self.rate.is_finite() || self.rate < 0.0 {
            return Err(bad(format!(
                "rate {} must be finite, not negative",
                self.rate
            )));
        }
        if !self.variance.is_finite() || self.variance < 0.0 {
            return Err(bad(format!(
                "variance {} must be finite, not negative",
                self.variance
            )));
        }
        let count = match method {
            CountLimits::Byar => byar(self.events, level)?,
            CountLimits::Exact => {
                if self.events.fract() != 0.0 {
                    return Err(bad(format!(
                        "total count {} must be whole for exact limits",
                        self.events
                    )));
                }
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let whole = self.events as u64;
                poisson_exact(whole, level)?
            }
        };
        let k = (self.variance / self.events).sqrt();
        Ok(Interval {
            lower: (self.rate + k * (count.lower - self.events)).max(0.0),
            upper: self.rate + k * (count.upper - self.events),
            level,
        })
    }
}

/// One age band of a standard population.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StandardBand {
    /// First age in the band.
    pub from_age: u8,
    /// Last age in the band; `None` for the open top band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_age: Option<u8>,
    /// The band's standard population.
    pub population: f64,
}

/// A standard population with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StandardPopulation {
    /// The bands from youngest to oldest.
    pub bands: Vec<StandardBand>,
    /// Where the weights come from.
    pub source: SourceRef,
}

impl StandardPopulation {
    /// The weights for the bands from age `from_age` up (65 for a "65+" indicator).
    #[must_use]
    pub fn from_age(&self, from_age: u8) -> Vec<&StandardBand> {
        self.bands
            .iter()
            .filter(|b| b.from_age >= from_age)
            .collect()
    }
}

const ESP2013_TOML: &str = include_str!("../../data/esp2013.toml");
static ESP2013: OnceLock<std::result::Result<StandardPopulation, String>> = OnceLock::new();

/// The 2013 European Standard Population (19 bands, 0-4 to 90+, total 100,000).
///
/// # Errors
///
/// [`Error::EmbeddedData`] if the embedded table does not parse (a build defect).
pub fn european_standard_population() -> Result<&'static StandardPopulation> {
    load(&ESP2013, "esp2013.toml", ESP2013_TOML)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    /// Six bands aged 65 and over with ESP 2013 weights (an illustrative falls example).
    fn falls() -> Vec<DsrStratum> {
        [
            (120.0, 16_000.0, 5_500.0),
            (150.0, 14_000.0, 5_000.0),
            (210.0, 10_500.0, 4_000.0),
            (280.0, 7_800.0, 2_500.0),
            (300.0, 4_700.0, 1_500.0),
            (260.0, 2_400.0, 1_000.0),
        ]
        .map(|(events, population, standard)| DsrStratum {
            events,
            population,
            standard,
        })
        .to_vec()
    }

    fn sparse() -> Vec<DsrStratum> {
        [
            (1.0, 16_000.0, 5_500.0),
            (0.0, 14_000.0, 5_000.0),
            (2.0, 10_500.0, 4_000.0),
            (3.0, 7_800.0, 2_500.0),
            (2.0, 4_700.0, 1_500.0),
            (4.0, 2_400.0, 1_000.0),
        ]
        .map(|(events, population, standard)| DsrStratum {
            events,
            population,
            standard,
        })
        .to_vec()
    }

    /// Reference values computed independently in Python from the formulas of Dobson et al.
    /// (1991), "Confidence intervals for weighted sums of Poisson parameters", Stat Med
    /// 10:457-462, as set out in appendix 4 of the PHE technical guide "Confidence
    /// intervals" (2018): the count limits from Byar's formula (`scipy.stats.norm.ppf` for
    /// z) and from `scipy.stats.chi2.ppf` for the exact variant.
    #[test]
    fn dobson_limits_match_independent_values() {
        let cases = [
            (
                falls(),
                ConfidenceLevel::P95,
                CountLimits::Byar,
                2_274.666_138_294_680_4,
                2_537.277_203_092_545_3,
            ),
            (
                falls(),
                ConfidenceLevel::P95,
                CountLimits::Exact,
                2_274.666_958_919_091_5,
                2_537.276_485_697_889_3,
            ),
            (
                falls(),
                ConfidenceLevel::P998,
                CountLimits::Byar,
                2_202.937_592_631_918,
                2_616.000_727_412_018_5,
            ),
            (
                falls(),
                ConfidenceLevel::P998,
                CountLimits::Exact,
                2_202.946_912_809_212_3,
                2_615.991_178_016_177_4,
            ),
            (
                sparse(),
                ConfidenceLevel::P95,
                CountLimits::Byar,
                11.498_324_295_373_374,
                39.281_985_363_604_846,
            ),
            (
                sparse(),
                ConfidenceLevel::P998,
                CountLimits::Exact,
                7.451_796_808_759_452,
                50.687_753_306_375_76,
            ),
        ];
        for (strata, level, method, lo, hi) in cases {
            let d = dsr(&strata, 100_000.0).unwrap();
            let ci = d.interval_with(level, method).unwrap();
            // Relative 5e-11: the exact count limits come from summed Poisson terms.
            close(ci.lower, lo, 1e-7);
            close(ci.upper, hi, 1e-7);
        }
        let d = dsr(&falls(), 100_000.0).unwrap();
        close(d.rate, 2_403.297_602_561_105, 1e-9);
        close(d.variance, 4_424.673_347_417_247, 1e-8);
        assert_eq!(d.events, 1_320.0);
        assert!(d.is_publishable());
        assert!(dsr(&sparse(), 100_000.0).unwrap().is_publishable());
        assert_eq!(d.interval(ConfidenceLevel::P95).unwrap(), {
            d.interval_with(ConfidenceLevel::P95, CountLimits::Byar)
                .unwrap()
        });
    }

    /// Dobson et al. note their method is exact when the standard population is proportional
    /// to the study population: the DSR is then the crude rate and its limits are the count's
    /// Poisson limits scaled by the rate per event.
    #[test]
    fn proportional_standard_gives_the_crude_rate_interval() {
        let strata: Vec<DsrStratum> = [(12.0, 2_000.0), (30.0, 5_000.0), (6.0, 1_000.0)]
            .map(|(events, population)| DsrStratum {
                events,
                population,
                standard: population / 10.0,
            })
            .to_vec();
        let d = dsr(&strata, 1_000.0).unwrap();
        close(d.rate, 6.0, 1e-12);
        for level in [ConfidenceLevel::P95, ConfidenceLevel::P998] {
            let ci = d.interval_with(level, CountLimits::Exact).unwrap();
            let crude = poisson_exact(48, level).unwrap().scaled(1_000.0 / 8_000.0);
            close(ci.lower, crude.lower, 1e-10);
            close(ci.upper, crude.upper, 1e-10);
        }
    }

    #[test]
    fn a_published_lower_limit_rebuilds_the_variance() {
        let d = dsr(&falls(), 100_000.0).unwrap();
        let ci = d.interval(ConfidenceLevel::P95).unwrap();
        let rebuilt =
            Dsr::from_published_lower(d.rate, d.events, ci.lower, ConfidenceLevel::P95, 100_000.0)
                .unwrap();
        close(rebuilt.variance, d.variance, 1e-6);
        let wide = rebuilt.interval(ConfidenceLevel::P998).unwrap();
        let direct = d.interval(ConfidenceLevel::P998).unwrap();
        close(wide.lower, direct.lower, 1e-8);
        close(wide.upper, direct.upper, 1e-8);
    }

    #[test]
    fn bad_input_is_an_error() {
        let p = 100_000.0;
        assert!(dsr(&[], p).is_err());
        assert!(dsr(&falls(), 0.0).is_err());
        let zero: Vec<DsrStratum> = falls()
            .into_iter()
            .map(|s| DsrStratum { events: 0.0, ..s })
            .collect();
        assert!(dsr(&zero, p).is_err());
        for bad_stratum in [
            DsrStratum {
                events: -1.0,
                population: 10.0,
                standard: 1.0,
            },
            DsrStratum {
                events: f64::NAN,
                population: 10.0,
                standard: 1.0,
            },
            DsrStratum {
                events: 1.0,
                population: 0.0,
                standard: 1.0,
            },
            DsrStratum {
                events: 1.0,
                population: 10.0,
                standard: -5.0,
            },
        ] {
            assert!(matches!(
                dsr(&[bad_stratum], p),
                Err(Error::Statistics { .. })
            ));
        }
        let d = dsr(&falls(), p).unwrap();
        let fractional = Dsr { events: 10.5, ..d };
        assert!(
            fractional
                .interval_with(ConfidenceLevel::P95, CountLimits::Exact)
                .is_err()
        );
        assert!(
            Dsr {
                variance: -1.0,
                ..d
            }
            .interval(ConfidenceLevel::P95)
            .is_err()
        );
        assert!(Dsr::from_published_lower(100.0, 50.0, 120.0, ConfidenceLevel::P95, p).is_err());
        assert!(Dsr::from_published_lower(100.0, 0.0, 90.0, ConfidenceLevel::P95, p).is_err());
        let few = Dsr { events: 9.0, ..d };
        assert!(!few.is_publishable());
    }

    #[test]
    fn the_european_standard_population_totals_100000() {
        let esp = european_standard_population().unwrap();
        assert_eq!(esp.bands.len(), 19);
        let total: f64 = esp.bands.iter().map(|b| b.population).sum();
        close(total, 100_000.0, 0.0);
        let older: Vec<f64> = esp.from_age(65).iter().map(|b| b.population).collect();
        assert_eq!(
            older,
            [5_500.0, 5_000.0, 4_000.0, 2_500.0, 1_500.0, 1_000.0]
        );
        assert!(esp.source.to_verify.is_none());
    }

    proptest! {
        #[test]
        fn prop_dobson_limits_bracket_the_rate(
            bands in prop::collection::vec((0u32..100, 1u32..200_000, 1u32..10_000), 1..12),
        ) {
            let strata: Vec<DsrStratum> = bands
                .iter()
                .map(|&(o, n, w)| DsrStratum {
                    events: f64::from(o),
                    population: f64::from(n),
                    standard: f64::from(w),
                })
                .collect();
            let total: u32 = bands.iter().map(|b| b.0).sum();
            match dsr(&strata, 100_000.0) {
                Err(_) => prop_assert_eq!(total, 0),
                Ok(d) => {
                    for method in [CountLimits::Byar, CountLimits::Exact] {
                        let narrow = d.interval_with(ConfidenceLevel::P95, method).unwrap();
                        let wide = d.interval_with(ConfidenceLevel::P998, method).unwrap();
                        for ci in [narrow, wide] {
                            prop_assert!(ci.lower >= 0.0 && ci.upper.is_finite());
                            prop_assert!(ci.lower <= d.rate + 1e-9 * d.rate.max(1.0));
                            prop_assert!(d.rate <= ci.upper);
                        }
                        prop_assert!(wide.lower <= narrow.lower + 1e-9);
                        prop_assert!(wide.upper >= narrow.upper);
                    }
                }
            }
        }
    }
}
