//! Which procurement law governs a health or care contract on a date, which award routes are
//! lawful, which notices and standstill apply, and whether a dated plan complies.
//!
//! ```
//! use procurement_rules::regime::{select_regimes, EstimatedValue, Proposal, RawProposal, Regime};
//! use procurement_rules::routes::{route_options, Availability, AwardFacts, Route};
//! use procurement_rules::standstill::{standstill, StandstillOptions};
//! use procurement_rules::law::AuthorityKind;
//! use chrono::NaiveDate;
//!
//! let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
//! // An ICB buying community health services in November 2026: the Provider Selection Regime.
//! let proposal = Proposal::new(RawProposal {
//!     title: "Community services".into(),
//!     authority: AuthorityKind::Icb,
//!     services: vec!["85323000-9".parse()?],
//!     value: EstimatedValue { net: "21,700,479".parse()?, vat: "0".parse()? },
//!     commencement: d(2026, 11, 2),
//!     for_the_health_service: true,
//!     term_months: None,
//! })?;
//! let decision = select_regimes(&proposal)?;
//! assert_eq!(decision.regimes, vec![Regime::Psr]);
//! // With nothing else applying, the competitive process is mandatory.
//! let options = route_options(Regime::Psr, &AwardFacts::default())?;
//! assert!(options.iter().any(|o| o.route == Route::PsrCompetitive && o.availability == Availability::Mandatory));
//! // Standstill: 8 working days after publication, across Christmas 2026.
//! let s = standstill(Regime::Psr, Route::PsrCompetitive, d(2026, 12, 17), StandstillOptions::default())?;
//! assert_eq!(s.standstill.unwrap().last_day, d(2026, 12, 31));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - [`law`]: thresholds by effective date and VAT basis, classes of authority over time, key
//!   commencement dates and the numeric parameters of duties, with sources.
//! - [`cpv`]: validated [`CpvCode`]s and the schedules that classify services (PCR 2015
//!   Schedule 3, PSR Schedule 1, Procurement Regulations 2024 Schedule 1).
//! - [`regime`]: [`regime::select_regimes`], an explained decision of which regimes govern a
//!   proposal on its procurement commencement date.
//! - [`routes`]: award routes, notices (including Procurement Act UK1 to UK7) and duties per
//!   regime; the PSR process decision (Direct Award A, B, C, Most Suitable Provider,
//!   Competitive); the considerable change test and PSR modification limbs.
//! - [`standstill`]: the three counting rules (PCR calendar days, PSR working days after,
//!   Procurement Act working days beginning with) and PSR representations.
//! - [`isap`]: NHS England's assurance process for novel and complex contracts.
//! - [`plan`]: [`plan::check_plan`], findings naming rule, source and step.
//! - [`time_limits`]: minimum request and tender periods of the PCR restricted, competitive
//!   with negotiation, competitive dialogue and innovation partnership procedures (regs.
//!   28-31) with their PIN, urgency, sub-central and electronic reductions.
//! - [`existing`]: existing contracts, earliest lawful exit and constricting terms.
//! - [`ocds`]: OCDS 1.1 release export with the UK extension fields, including tender
//!   cancellation and contract termination releases.
//! - [`lifecycle`]: Procurement Act notices after award: contract change (UK10, s.75),
//!   contract termination (UK11, s.80), procurement termination (UK12, s.55) and payments
//!   compliance (UK17, s.69).
//! - [`annual`]: the PSR annual summary of contracting activity (reg. 25).
//!
//! # Legal basis and what stays unverified
//!
//! NHS (Procurement, Patient Choice and Competition) (No. 2) Regulations 2013; Public
//! Contracts Regulations 2006 (Part B) and 2015 (light touch regime regs. 74-77, standstill
//! regs. 86-87, Part 4); Health Care Services (Provider Selection Regime) Regulations 2023;
//! Procurement Act 2023. The selection procedure evaluates the procurement's commencement date.
//! Values not checked against the primary source carry a `to_verify` note in their
//! [`route_map_core::SourceRef`] and are listed by [`law::unverified`]: among them the full
//! CPV schedules (only the health and care lines are encoded; PSR Schedule 1 is read verbatim
//! up to 85131000-6 and encoded as ranges after it), the reg. 6 wording of the considerable
//! change threshold (its £500,000 and 25 % limbs are read in reg. 13(2)(b)), the 30-day PSR
//! confirmation and modification notices, the PCR standstill roll-over to a working day, the
//! Procurement Act classes of ICBs and NHS England, the UK10, UK12 and UK17 notice codes, and
//! the PCR regs. 28-31 time limits (regulation text not read; figures from commentary).
//!
//! # Money
//!
//! Values are [`route_map_core::Money`]; a contract's estimated value is given net with its
//! VAT, and the threshold's basis (net before 2022, gross from 1 January 2022) picks which is
//! compared. Percentages of the considerable change test are compared exactly
//! (`increase * 100 >= original * 25`), never through floats.

pub mod annual;
pub mod cpv;
mod data;
pub mod error;
pub mod existing;
pub mod isap;
pub mod law;
pub mod lifecycle;
pub mod ocds;
pub mod plan;
pub mod regime;
pub mod routes;
pub mod standstill;
pub mod time_limits;

pub use cpv::CpvCode;
pub use error::{Error, Result};

/// The crate's input models by file stem, with their JSON Schemas.
#[must_use]
pub fn input_schemas() -> Vec<(&'static str, schemars::Schema)> {
    vec![
        (
            "procurement_proposal",
            schemars::schema_for!(regime::Proposal),
        ),
        ("award_facts", schemars::schema_for!(routes::AwardFacts)),
        ("value_change", schemars::schema_for!(routes::ValueChange)),
        (
            "standstill_options",
            schemars::schema_for!(standstill::StandstillOptions),
        ),
        ("novelty", schemars::schema_for!(isap::Novelty)),
        (
            "procurement_plan",
            schemars::schema_for!(plan::ProcurementPlan),
        ),
        (
            "existing_contract",
            schemars::schema_for!(existing::ExistingContract),
        ),
        ("ocds_publisher", schemars::schema_for!(ocds::Publisher)),
        ("psr_activity", schemars::schema_for!(annual::PsrActivity)),
        (
            "pa_modification",
            schemars::schema_for!(lifecycle::PaModification),
        ),
        (
            "pcr_time_limit_facts",
            schemars::schema_for!(time_limits::TimeLimitFacts),
        ),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn validated_models_publish_their_raw_input_schema() {
        let s = schemars::schema_for!(crate::plan::ProcurementPlan);
        let text = serde_json::to_string(&s).unwrap();
        assert!(text.contains("steps"));
        assert!(text.contains("commencement"));
    }
}
