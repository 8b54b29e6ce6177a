//! The CCG merger tests of seed 001 as an assessment: five tests required under the NHS Act
//! 2006 and six further factors NHS England takes into account, plus any local factors.
//!
//! ```
//! use governance::mergers::*;
//! use governance::principles::Status;
//! use governance::{Body, BodyKind};
//! use chrono::NaiveDate;
//! let application = MergerApplication {
//!     ccgs: vec![
//!         Body::new("A", "A CCG", BodyKind::Ccg)?,
//!         Body::new("B", "B CCG", BodyKind::Ccg)?,
//!     ],
//!     date: NaiveDate::from_ymd_opt(2018, 9, 1).unwrap(),
//!     application: ApplicationKind::Joint,
//!     results: MergerTest::catalogue()?.iter().map(|t| TestResult {
//!         test: t.id.clone(), status: Status::Met, evidence: None,
//!     }).collect(),
//!     local_factors: vec![],
//! };
//! assert_eq!(assess_merger(&application)?.verdict, MergerVerdict::ReadyToApply);
//! # Ok::<(), governance::Error>(())
//! ```

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::NaiveDate;
use route_map_core::SourceRef;
use serde::{Deserialize, Serialize};

use crate::body::{self, Body, BodyKind};
use crate::error::{Error, Result};
use crate::law::Law;
use crate::principles::Status;

/// Whether a merger test is required by statute or a further factor.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TestKind {
    /// Required under the NHS Act 2006 (as amended).
    Statutory,
    /// A further factor NHS England takes into account.
    Further,
    /// A factor added locally.
    Local,
}

/// One merger test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MergerTest {
    /// Identifier.
    pub id: String,
    /// Statutory, further or local.
    pub kind: TestKind,
    /// The test.
    pub text: String,
}

#[derive(Debug, Deserialize)]
struct Catalogue {
    source: SourceRef,
    test: Vec<MergerTest>,
}

static CATALOGUE: OnceLock<std::result::Result<Catalogue, String>> = OnceLock::new();

fn catalogue() -> Result<&'static Catalogue> {
    crate::data::load(
        &CATALOGUE,
        "mergers.toml",
        include_str!("../data/mergers.toml"),
    )
}

impl MergerTest {
    /// The eleven tests of seed 001: five statutory, six further.
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded catalogue is broken.
    pub fn catalogue() -> Result<&'static [MergerTest]> {
        Ok(&catalogue()?.test)
    }

    /// The source of the tests (marked unverified).
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] if the embedded catalogue is broken.
    pub fn source() -> Result<&'static SourceRef> {
        Ok(&catalogue()?.source)
    }
}

/// Whether the CCGs apply jointly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationKind {
    /// A joint application from all the merging CCGs (required).
    Joint,
    /// Not every CCG is a party to the application.
    NotJoint,
}

/// The result of one test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TestResult {
    /// The test id (from the catalogue).
    pub test: String,
    /// The status.
    pub status: Status,
    /// Evidence.
    #[serde(default)]
    pub evidence: Option<String>,
}

/// A local factor added to the tests, with its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LocalFactor {
    /// Identifier.
    pub id: String,
    /// The factor.
    pub text: String,
    /// The status.
    pub status: Status,
}

/// A proposed merger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MergerApplication {
    /// The merging CCGs.
    pub ccgs: Vec<Body>,
    /// The date of the application.
    pub date: NaiveDate,
    /// Joint or not.
    pub application: ApplicationKind,
    /// Results of the catalogue's tests; tests not given are not assessed.
    pub results: Vec<TestResult>,
    /// Local factors.
    #[serde(default)]
    pub local_factors: Vec<LocalFactor>,
}

/// One row of the assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MergerRow {
    /// The test.
    pub test: MergerTest,
    /// Its status.
    pub status: Status,
    /// Evidence.
    pub evidence: Option<String>,
}

/// The verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MergerVerdict {
    /// Statutory tests all met, every factor assessed, none failed.
    ReadyToApply,
    /// Statutory tests met; some further or local factor partly met or not met.
    ReadyWithRisks,
    /// A statutory test is not met or only partly met.
    StatutoryTestsNotMet,
    /// Some test is not assessed.
    Incomplete,
    /// The application is not joint.
    NotAJointApplication,
}

/// The assessment of a proposed merger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MergerAssessment {
    /// Rows: statutory, further, then local.
    pub rows: Vec<MergerRow>,
    /// The verdict.
    pub verdict: MergerVerdict,
    /// Why.
    pub explanation: Vec<String>,
    /// The source of the tests.
    pub source: SourceRef,
}

/// Assess a proposed CCG merger against the tests.
///
/// # Errors
///
/// - [`Error::Invalid`] for fewer than two CCGs;
/// - [`Error::WrongKind`] for a body that is not a CCG;
/// - [`Error::BodyNotInExistence`] when CCGs did not exist on the date (from 1 July 2022);
/// - [`Error::Unknown`] for a result naming no catalogue test; [`Error::Duplicate`] for a
///   test or body given twice.
pub fn assess_merger(a: &MergerApplication) -> Result<MergerAssessment> {
    if a.ccgs.len() < 2 {
        return Err(Error::invalid(
            "merger application",
            "needs at least two CCGs",
        ));
    }
    body::check_unique(&a.ccgs, "merger application")?;
    let law = Law::get()?;
    for c in &a.ccgs {
        if c.kind() != BodyKind::Ccg {
            return Err(Error::WrongKind {
                body: c.name().to_owned(),
                kind: c.kind().label().to_owned(),
                role: "a party to a CCG merger".into(),
            });
        }
        law.check_exists(c, a.date)?;
    }
    let cat = catalogue()?;
    let mut seen = BTreeSet::new();
    for r in &a.results {
        if !cat.test.iter().any(|t| t.id == r.test) {
            return Err(Error::Unknown {
                kind: "merger test",
                id: r.test.clone(),
            });
        }
        if !seen.insert(r.test.as_str()) {
            return Err(Error::Duplicate {
                kind: "merger test result",
                id: r.test.clone(),
                context: "merger application".into(),
            });
        }
    }
    let mut rows: Vec<MergerRow> = cat
        .test
        .iter()
        .map(|t| {
            let r = a.results.iter().find(|r| r.test == t.id);
            MergerRow {
                test: t.clone(),
                status: r.map_or(Status::NotAssessed, |r| r.status),
                evidence: r.and_then(|r| r.evidence.clone()),
            }
        })
        .collect();
    for f in &a.local_factors {
        if !seen.insert(f.id.as_str()) {
            return Err(Error::Duplicate {
                kind: "merger test",
                id: f.id.clone(),
                context: "local factors".into(),
            });
        }
        rows.push(MergerRow {
            test: MergerTest {
                id: f.id.clone(),
                kind: TestKind::Local,
                text: f.text.clone(),
            },
            status: f.status,
            evidence: None,
        });
    }
    let mut explanation = Vec::new();
    let statutory_failed: Vec<&str> = rows
        .iter()
        .filter(|r| {
            r.test.kind == TestKind::Statutory
                && matches!(r.status, Status::NotMet | Status::PartlyMet)
        })
        .map(|r| r.test.text.as_str())
        .collect();
    let not_assessed: Vec<&str> = rows
        .iter()
        .filter(|r| r.status == Status::NotAssessed)
        .map(|r| r.test.text.as_str())
        .collect();
    let other_risks: Vec<&str> = rows
        .iter()
        .filter(|r| {
            r.test.kind != TestKind::Statutory
                && matches!(r.status, Status::NotMet | Status::PartlyMet)
        })
        .map(|r| r.test.text.as_str())
        .collect();
    let verdict = if a.application == ApplicationKind::NotJoint {
        explanation.push("a joint application from all the merging CCGs is required".into());
        MergerVerdict::NotAJointApplication
    } else if !statutory_failed.is_empty() {
        explanation.push(format!(
            "statutory tests not fully met: {}",
            statutory_failed.join("; ")
        ));
        MergerVerdict::StatutoryTestsNotMet
    } else if !not_assessed.is_empty() {
        explanation.push(format!("not assessed: {}", not_assessed.join("; ")));
        MergerVerdict::Incomplete
    } else if !other_risks.is_empty() {
        explanation.push(format!(
            "statutory tests met; further factors at risk: {}",
            other_risks.join("; ")
        ));
        MergerVerdict::ReadyWithRisks
    } else {
        explanation.push("all statutory tests and further factors met".into());
        MergerVerdict::ReadyToApply
    };
    Ok(MergerAssessment {
        rows,
        verdict,
        explanation,
        source: cat.source.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(status: Status) -> MergerApplication {
        MergerApplication {
            ccgs: vec![
                Body::new("A", "A CCG", BodyKind::Ccg).unwrap(),
                Body::new("B", "B CCG", BodyKind::Ccg).unwrap(),
            ],
            date: NaiveDate::from_ymd_opt(2020, 8, 3).unwrap(),
            application: ApplicationKind::Joint,
            results: MergerTest::catalogue()
                .unwrap()
                .iter()
                .map(|t| TestResult {
                    test: t.id.clone(),
                    status,
                    evidence: None,
                })
                .collect(),
            local_factors: vec![],
        }
    }

    #[test]
    fn five_statutory_six_further() {
        let cat = MergerTest::catalogue().unwrap();
        assert_eq!(
            cat.iter().filter(|t| t.kind == TestKind::Statutory).count(),
            5
        );
        assert_eq!(
            cat.iter().filter(|t| t.kind == TestKind::Further).count(),
            6
        );
        assert!(!MergerTest::source().unwrap().is_verified());
    }

    #[test]
    fn verdicts() {
        assert_eq!(
            assess_merger(&app(Status::Met)).unwrap().verdict,
            MergerVerdict::ReadyToApply
        );
        let mut a = app(Status::Met);
        a.results[7].status = Status::NotMet;
        assert_eq!(
            assess_merger(&a).unwrap().verdict,
            MergerVerdict::ReadyWithRisks
        );
        a.results[0].status = Status::PartlyMet;
        assert_eq!(
            assess_merger(&a).unwrap().verdict,
            MergerVerdict::StatutoryTestsNotMet
        );
        let mut a = app(Status::Met);
        a.results.pop();
        assert_eq!(
            assess_merger(&a).unwrap().verdict,
            MergerVerdict::Incomplete
        );
        let mut a = app(Status::Met);
        a.application = ApplicationKind::NotJoint;
        assert_eq!(
            assess_merger(&a).unwrap().verdict,
            MergerVerdict::NotAJointApplication
        );
        let mut a = app(Status::Met);
        a.local_factors.push(LocalFactor {
            id: "coterminous-with-place".into(),
            text: "Coterminous with place".into(),
            status: Status::PartlyMet,
        });
        let r = assess_merger(&a).unwrap();
        assert_eq!(r.rows.len(), 12);
        assert_eq!(r.verdict, MergerVerdict::ReadyWithRisks);
    }

    #[test]
    fn bad_applications() {
        let mut a = app(Status::Met);
        a.date = NaiveDate::from_ymd_opt(2022, 7, 1).unwrap();
        assert!(matches!(
            assess_merger(&a),
            Err(Error::BodyNotInExistence { .. })
        ));
        let mut a = app(Status::Met);
        a.ccgs[1] = Body::new("B", "B Council", BodyKind::LocalAuthority).unwrap();
        assert!(matches!(assess_merger(&a), Err(Error::WrongKind { .. })));
        let mut a = app(Status::Met);
        a.ccgs.pop();
        assert!(matches!(assess_merger(&a), Err(Error::Invalid { .. })));
        let mut a = app(Status::Met);
        a.results[0].test = "nope".into();
        assert!(matches!(assess_merger(&a), Err(Error::Unknown { .. })));
        let mut a = app(Status::Met);
        a.results.push(a.results[0].clone());
        assert!(matches!(assess_merger(&a), Err(Error::Duplicate { .. })));
    }
}
