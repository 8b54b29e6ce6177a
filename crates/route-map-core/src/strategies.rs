//! Shared proptest strategies for the workspace's property tests (feature `proptest`).

use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::money::Money;
use crate::period::FinancialYear;
use crate::rate::{Rate, Share};

/// Money between -£100 million and £100 million, in whole pence.
pub fn money() -> impl Strategy<Value = Money> {
    (-10_000_000_000i64..=10_000_000_000).prop_map(Money::from_pence)
}

/// Non-negative money up to `max_pence` pence.
pub fn money_up_to(max_pence: i64) -> impl Strategy<Value = Money> {
    (0..=max_pence.max(0)).prop_map(Money::from_pence)
}

/// A share from 0 to 1 with four decimal places.
pub fn share() -> impl Strategy<Value = Share> {
    (0i64..=10_000).prop_map(|n| Share::saturating(Decimal::new(n, 4)))
}

/// A rate from -50% to +50% with four decimal places.
pub fn rate() -> impl Strategy<Value = Rate> {
    (-5_000i64..=5_000).prop_map(|n| Rate::new(Decimal::new(n, 4)).unwrap_or(Rate::ZERO))
}

/// Allocation weights: 1 to 50 non-negative integers, at least one positive.
pub fn weights() -> impl Strategy<Value = Vec<Decimal>> {
    proptest::collection::vec(0u32..1_000_000, 1..50)
        .prop_filter("at least one positive weight", |w| w.iter().any(|x| *x > 0))
        .prop_map(|w| w.into_iter().map(Decimal::from).collect())
}

/// A date from 2013-01-01 to 2030-12-31, the span the bank holiday calendar covers.
pub fn date_2013_2030() -> impl Strategy<Value = NaiveDate> {
    (0i64..6_574).prop_map(|d| {
        NaiveDate::from_ymd_opt(2013, 1, 1).unwrap_or(NaiveDate::MIN) + chrono::Duration::days(d)
    })
}

/// A financial year from 2013/14 to 2029/30.
pub fn financial_year() -> impl Strategy<Value = FinancialYear> {
    (2013i32..=2029).prop_filter_map("valid financial year", |y| FinancialYear::starting(y).ok())
}

/// An acyclic programme plan of 1 to `max_steps` steps (ids `s0`, `s1`, ...), each depending
/// only on earlier steps, with durations of 0 to 29 working days, starting 1 January 2014.
pub fn acyclic_plan(max_steps: usize) -> impl Strategy<Value = crate::route_map::RawProgramme> {
    let max = max_steps.max(1);
    (1..=max)
        .prop_flat_map(move |n| {
            (
                Just(n),
                proptest::collection::vec((0..n, 0..n), 0..(2 * n)),
                proptest::collection::vec(0u32..30, n),
            )
        })
        .prop_map(|(n, edges, days)| {
            let mut deps: Vec<Vec<String>> = vec![Vec::new(); n];
            for (a, b) in edges {
                if a > b
                    && let Some(row) = deps.get_mut(a)
                {
                    row.push(format!("s{b}"));
                }
            }
            let steps = deps
                .into_iter()
                .zip(days)
                .enumerate()
                .map(
                    |(i, (depends_on, working_days))| crate::route_map::PlannedStep {
                        id: format!("s{i}"),
                        name: format!("step {i}"),
                        route_map: Vec::new(),
                        depends_on,
                        working_days,
                        not_before: None,
                        may_send_back: Vec::new(),
                        note: None,
                    },
                )
                .collect();
            crate::route_map::RawProgramme {
                name: "generated plan".into(),
                start: NaiveDate::from_ymd_opt(2014, 1, 1).unwrap_or(NaiveDate::MIN),
                steps,
                records: Vec::new(),
            }
        })
}

/// A valid organisation input: a kind with an ODS code of the shape it uses (or, for local
/// authorities, a GSS code of its tier), and operating dates inside the kind's existence.
pub fn organisation() -> impl Strategy<Value = crate::organisation::RawOrganisation> {
    use crate::organisation::{LocalAuthorityTier, OrganisationKind, RawOrganisation};
    let letter = || proptest::char::range('A', 'Z');
    let digit = || proptest::char::range('0', '9');
    let ccg = (digit(), digit(), letter())
        .prop_map(|(a, b, c)| (OrganisationKind::Ccg, format!("{a}{b}{c}")));
    let trust = (letter(), letter(), proptest::bool::ANY).prop_map(|(a, b, ft)| {
        let kind = if ft {
            OrganisationKind::FoundationTrust
        } else {
            OrganisationKind::NhsTrust
        };
        (kind, format!("R{a}{b}"))
    });
    let icb = (letter(), letter()).prop_map(|(a, b)| (OrganisationKind::Icb, format!("Q{a}{b}")));
    // `U` and five digits is a PCN, so practices take any other letter.
    let practice = (
        letter().prop_filter("U is a PCN", |l| *l != 'U'),
        0u32..100_000,
    )
        .prop_map(|(l, n)| (OrganisationKind::GpPractice, format!("{l}{n:05}")));
    let tiers = proptest::sample::select(LocalAuthorityTier::ALL.to_vec());
    let council = (tiers, 0u32..1_000_000).prop_map(|(tier, n)| {
        let entity = tier.gss_entities().first().copied().unwrap_or("E06");
        (
            OrganisationKind::LocalAuthority(tier),
            format!("{entity}{n:06}"),
        )
    });
    prop_oneof![ccg, trust, icb, practice, council].prop_map(|(kind, code)| {
        let is_council = matches!(kind, OrganisationKind::LocalAuthority(_));
        RawOrganisation {
            id: code.clone(),
            name: format!("Organisation {code}"),
            kind,
            ods: if is_council { None } else { code.parse().ok() },
            gss: if is_council { code.parse().ok() } else { None },
            operating_from: None,
            operating_until: None,
            successor: None,
        }
    })
}
