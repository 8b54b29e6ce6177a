//! Integration tests: the payment engine. Worked cases are data under tests/cases/payment/,
//! each with its source; the Coventry contract is seed 003's.

use route_map::capitation::payment::{
    Balance, Contract, Cquin, CquinFunding, Element, RawContract, RiskShare, YearOutturn,
    illustrative, sliding_scale,
};
use route_map::core::{Money, Share, SourceRef};
use rust_decimal::Decimal;
use serde::Deserialize;

fn cases_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/payment")
}

/// A one-year contract with nothing at risk, into which a case puts its CQUIN or risk share.
fn template(base_value: Money) -> RawContract {
    let mut raw = illustrative::coventry().unwrap().terms().clone();
    raw.years = 1;
    raw.base_value = base_value;
    raw.roll_forward.clear();
    raw.incentive.phasing.truncate(1);
    raw.incentive.phasing[0].at_risk = Decimal::ZERO;
    raw.incentive.milestones.clear();
    raw.incentive.indicators.clear();
    raw.cquin = None;
    raw.subcontracts.clear();
    raw
}

#[derive(Deserialize)]
struct CquinCase {
    name: String,
    fixed_element: Money,
    rate: Decimal,
    expected_value: Money,
    expected_earned: Money,
    expected_recovered: Money,
    source: SourceRef,
    indicator: Vec<CquinIndicator>,
}

#[derive(Deserialize)]
struct CquinIndicator {
    id: String,
    nothing_at: Decimal,
    full_at: Decimal,
    measured: Decimal,
    expected_achievement: Share,
    expected_earned: Money,
}

#[test]
fn cquin_sliding_scale_case() {
    let text = std::fs::read_to_string(cases_dir().join("cquin_sliding_scale.toml")).unwrap();
    let case: CquinCase = toml::from_str(&text).unwrap();
    assert!(!case.source.title.is_empty());
    let mut raw = template(case.fixed_element);
    raw.cquin = Some(Cquin {
        rate: case.rate,
        rate_by_year: vec![],
        indicators: case.indicator.iter().map(|i| i.id.clone()).collect(),
        funding: CquinFunding::AddedToFixed,
    });
    let contract = Contract::new(raw).unwrap();
    let mut outturn = YearOutturn::default();
    for i in &case.indicator {
        let a = sliding_scale(i.measured, i.nothing_at, i.full_at).unwrap();
        assert_eq!(a, i.expected_achievement, "{}: {}", case.name, i.id);
        outturn.achievement.insert(i.id.clone(), a);
    }
    let st = contract.statement(1, &outturn).unwrap();
    let line = |e: Element| st.lines.iter().find(|l| l.element == e).unwrap().amount;
    assert_eq!(line(Element::Fixed), case.fixed_element);
    assert_eq!(line(Element::CquinAdvance), case.expected_value);
    assert_eq!(line(Element::CquinRecovery), case.expected_recovered);
    for i in &case.indicator {
        let memo = st
            .details
            .iter()
            .find(|d| d.label.starts_with(&format!("CQUIN {}:", i.id)))
            .unwrap();
        assert_eq!(memo.amount, i.expected_earned, "{}", i.id);
    }
    assert_eq!(
        case.expected_value
            .checked_add(case.expected_recovered)
            .unwrap(),
        case.expected_earned
    );
    // Paid in advance at full value; the under-achievement is due back.
    assert_eq!(
        st.balance,
        Balance::DueToCommissioners(case.expected_recovered.abs())
    );
    let monthly = st.instalments[0].amount;
    assert_eq!(
        monthly,
        "8437500.00".parse::<Money>().unwrap(),
        "(100,000,000 + 1,250,000) / 12"
    );
}

#[derive(Deserialize)]
struct RiskCases {
    case: Vec<RiskCase>,
}

#[derive(Deserialize)]
struct RiskCase {
    name: String,
    source: SourceRef,
    risk_share: RiskShare,
    expect: Vec<RiskExpect>,
}

#[derive(Deserialize)]
struct RiskExpect {
    actual_cost: Money,
    lead_share: Money,
    gate_met: bool,
    cap_binds: Option<bool>,
    #[serde(default)]
    parties: Vec<Money>,
}

#[test]
fn risk_share_cases() {
    let text = std::fs::read_to_string(cases_dir().join("risk_share.toml")).unwrap();
    let cases: RiskCases = toml::from_str(&text).unwrap();
    assert!(cases.case.len() >= 5);
    for case in &cases.case {
        assert!(!case.source.title.is_empty(), "{}", case.name);
        let mut raw = template(Money::from_pounds(1_000_000));
        raw.risk_share = Some(case.risk_share.clone());
        let contract = Contract::new(raw).unwrap();
        for e in &case.expect {
            let outturn = YearOutturn {
                actual_cost: Some(e.actual_cost),
                ..YearOutturn::default()
            };
            let st = contract.statement(1, &outturn).unwrap();
            let line = st
                .lines
                .iter()
                .find(|l| l.element == Element::GainLossShare)
                .unwrap();
            assert_eq!(
                line.amount, e.lead_share,
                "{}: {}",
                case.name, e.actual_cost
            );
            let gate = st
                .details
                .iter()
                .any(|d| d.rule.starts_with("dead band met"));
            assert_eq!(gate, e.gate_met, "{}: {}", case.name, e.actual_cost);
            if let Some(binds) = e.cap_binds {
                let memo = st.details.iter().any(|d| d.label == "Gain/loss: cap binds");
                assert_eq!(memo, binds, "{}: {}", case.name, e.actual_cost);
            }
            if !e.parties.is_empty() {
                let got: Vec<Money> = st.parties.iter().map(|p| p.amount).collect();
                assert_eq!(got, e.parties, "{}", case.name);
            }
            // The lead's share is due either way through the balance.
            assert_eq!(st.balance.signed(), e.lead_share, "{}", case.name);
        }
    }
}

#[test]
fn coventry_three_years_milestones_then_outcomes() {
    let contract = illustrative::coventry().unwrap();
    // Seed 003: the 2017/18 value of the Coventry scope, and the BACV set at the level of the
    // previous year's.
    assert_eq!(
        contract.base_value(1).unwrap(),
        "21,700,479".parse::<Money>().unwrap()
    );
    assert_eq!(
        contract.base_value(2).unwrap(),
        contract.base_value(1).unwrap()
    );
    assert_eq!(contract.financial_year(1).unwrap().to_string(), "2018/19");
    // CQUIN at the national rate of each contract year, from the engine's dated parameters.
    let national = route_map::capitation::payment::national_parameters()
        .unwrap()
        .cquin_rates(contract.financial_year(1).unwrap(), 3)
        .unwrap();
    let rates: Vec<_> = national.into_iter().map(|(r, _)| r).collect();
    assert_eq!(contract.terms().cquin.as_ref().unwrap().rate_by_year, rates);
    for year in 1..=3 {
        let full = contract.uniform_outturn(year, Share::ONE).unwrap();
        let st = contract.statement(year, &full).unwrap();
        // CQUIN is carved from the incentive, so full achievement earns exactly the BACV.
        assert_eq!(
            st.total_due,
            contract.base_value(year).unwrap(),
            "year {year}"
        );
        assert_eq!(st.balance, Balance::Settled);
        let none = contract.uniform_outturn(year, Share::ZERO).unwrap();
        let s = contract.settle(year, &none).unwrap();
        assert_eq!(s.total_due(), contract.fixed_element(year).unwrap());
    }
    // Year 1 pays on milestones only, year 3 on outcomes only.
    let s1 = contract
        .settle(1, &contract.uniform_outturn(1, Share::ONE).unwrap())
        .unwrap();
    assert!(s1.element(Element::Milestones) > Money::ZERO);
    assert_eq!(s1.element(Element::Outcomes), Money::ZERO);
    let s3 = contract
        .settle(3, &contract.uniform_outturn(3, Share::ONE).unwrap())
        .unwrap();
    assert_eq!(s3.element(Element::Milestones), Money::ZERO);
    assert!(s3.element(Element::Outcomes) > Money::ZERO);
    // The PIP is paid in proportion when only some indicators are met.
    let mut some = contract.uniform_outturn(3, Share::ONE).unwrap();
    some.achievement.insert("OOH-01", Share::ZERO); // weight 2 of 7
    let part = contract.settle(3, &some).unwrap();
    let pot = s3.element(Element::Outcomes);
    let expected = pot
        .mul_decimal(
            Decimal::new(5, 0) / Decimal::new(7, 0),
            route_map::core::RoundingRule::HalfAwayFromZero,
        )
        .unwrap();
    assert_eq!(part.element(Element::Outcomes), expected);
}

#[test]
fn schemas_of_the_payment_inputs() {
    let schemas = route_map::capitation::payment::input_schemas();
    assert_eq!(schemas.len(), 3);
    for (name, schema) in schemas {
        let json = serde_json::to_string(&schema).unwrap();
        assert!(json.contains("properties"), "{name}");
    }
}

#[test]
fn joint_contract_each_commissioner_to_the_penny() {
    // The whole out of hospital scope (seed 003, Table 1) commissioned jointly by the CCGs in
    // proportion to their 2017/18 values, on the Coventry contract's terms.
    let values = [
        ("05R", "NHS South Warwickshire CCG", 21_715_000),
        ("05A", "NHS Coventry and Rugby CCG (Coventry)", 21_700_479),
        ("05A-R", "NHS Coventry and Rugby CCG (Rugby)", 5_313_621),
        ("05H", "NHS Warwickshire North CCG", 8_698_920),
    ];
    let contributions: Vec<(&str, &str, Money)> = values
        .iter()
        .map(|(id, name, v)| (*id, *name, Money::from_pounds(*v)))
        .collect();
    let mut raw = illustrative::coventry().unwrap().terms().clone();
    raw.base_value = "57,428,020".parse().unwrap();
    raw.commissioners =
        route_map::capitation::payment::Commissioner::by_contribution(&contributions).unwrap();
    let contract = Contract::new(raw).unwrap();
    let mut outturn = contract.uniform_outturn(1, Share::ONE).unwrap();
    outturn.milestones.insert("M2", "0.5".parse().unwrap());
    let st = contract.statement(1, &outturn).unwrap();
    for line in &st.lines {
        assert_eq!(
            Money::sum(line.by_commissioner.iter().copied()).unwrap(),
            line.amount,
            "{}",
            line.label
        );
    }
    assert_eq!(
        Money::sum(st.commissioners.iter().map(|c| c.balance)).unwrap(),
        st.balance.signed()
    );
    // Paid on account in proportion to the 2017/18 values: within a penny a month.
    for (c, (_, _, value)) in st.commissioners.iter().zip(&values) {
        let diff = c
            .paid
            .checked_sub(Money::from_pounds(*value))
            .unwrap()
            .abs();
        assert!(diff <= Money::from_pence(12), "{}: {}", c.name, diff);
    }
    let json = serde_json::to_string(&st).unwrap();
    assert!(json.contains("by_commissioner") && !json.contains("DueToCommissioners"));
    assert!(json.contains("due_to_commissioners"));
}

/// The outcomes crate scores the Coventry and Warwickshire framework; its indicator
/// achievements settle the Coventry contract's year 3 (outcomes) without any glue but
/// `YearAchievement::from`.
#[test]
fn outcomes_framework_scores_settle_the_coventry_contract() {
    use route_map::capitation::payment::YearAchievement;
    let framework = route_map::outcomes::templates::coventry_warwickshire().unwrap();
    let results = route_map::outcomes::templates::coventry_warwickshire_sample_results().unwrap();
    let contract = illustrative::coventry().unwrap();
    let score = framework.score(&results, 3).unwrap();

    let scored = YearAchievement::from(&score);
    let mut outturn = contract.uniform_outturn(3, Share::ONE).unwrap();
    for (id, share) in scored.iter() {
        outturn.achievement.insert(id, share);
    }
    let settlement = contract.settle(3, &outturn).unwrap();

    // The outcome score is the weighted mean achievement of the contract's indicators:
    // OOH-01 weighs 2 and the other five 1 each
    // (crates/capitation/data/payment/coventry_out_of_hospital.toml).
    let weight = |id: &str| if id == "OOH-01" { 2 } else { 1 };
    let ids = ["OOH-01", "OOH-02", "OOH-03", "OOH-04", "OOH-05", "OOH-06"];
    let mut weighted = Decimal::ZERO;
    for id in ids {
        let achieved = scored.get(id).expect("framework lacks a paid indicator");
        weighted += achieved.as_decimal() * Decimal::from(weight(id));
    }
    let expected = Share::ratio(weighted, Decimal::from(7)).unwrap();
    let got = settlement.outcome_score().unwrap();
    assert!((got.as_decimal() - expected.as_decimal()).abs() < Decimal::new(1, 20));
    assert!(
        got > Share::ZERO && got < Share::ONE,
        "sample results are partly met"
    );

    // Full achievement on every framework indicator never pays less than the sample.
    let mut full = outturn.clone();
    for id in ids {
        full.achievement.insert(id, Share::ONE);
    }
    let best = contract.settle(3, &full).unwrap();
    assert!(best.incentive_earned() >= settlement.incentive_earned());
    assert_eq!(best.outcome_score(), Some(Share::ONE));
}
