//! Financial years, contract years, months and date ranges.
//!
//! The NHS and local government financial year runs from 1 April to 31 March and is written
//! `2017/18`. Contract years are counted from a contract's commencement date, which need not
//! be 1 April. All ranges are half-open: `[start, end)`.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Earliest financial year the library accepts (1900/01).
const MIN_START_YEAR: i32 = 1900;
/// Latest financial year the library accepts (2199/00).
const MAX_START_YEAR: i32 = 2199;

/// A half-open range of dates `[start, end)`.
///
/// # Examples
///
/// ```
/// use route_map_core::DateRange;
/// use chrono::NaiveDate;
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let r = DateRange::new(d(2018, 4, 1), d(2019, 4, 1))?;
/// assert!(r.contains(d(2019, 3, 31)) && !r.contains(d(2019, 4, 1)));
/// assert_eq!(r.days(), 365);
/// # Ok::<(), route_map_core::Error>(())
/// ```
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
#[serde(try_from = "RawDateRange", into = "RawDateRange")]
pub struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
}

#[derive(Serialize, Deserialize, schemars::JsonSchema)]
struct RawDateRange {
    start: NaiveDate,
    end: NaiveDate,
}

impl TryFrom<RawDateRange> for DateRange {
    type Error = Error;
    fn try_from(raw: RawDateRange) -> Result<Self> {
        DateRange::new(raw.start, raw.end)
    }
}

impl From<DateRange> for RawDateRange {
    fn from(r: DateRange) -> Self {
        RawDateRange {
            start: r.start,
            end: r.end,
        }
    }
}

impl DateRange {
    /// The range `[start, end)`.
    ///
    /// # Errors
    ///
    /// [`Error::InvertedRange`] when `end` is before `start` (an empty range is allowed).
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<DateRange> {
        if end < start {
            return Err(Error::InvertedRange { start, end });
        }
        Ok(DateRange { start, end })
    }

    /// First day in the range.
    #[must_use]
    pub fn start(self) -> NaiveDate {
        self.start
    }

    /// First day after the range.
    #[must_use]
    pub fn end(self) -> NaiveDate {
        self.end
    }

    /// Last day in the range, or `None` when it is empty.
    #[must_use]
    pub fn last_day(self) -> Option<NaiveDate> {
        if self.is_empty() {
            None
        } else {
            self.end.pred_opt()
        }
    }

    /// True when `date` is in `[start, end)`.
    #[must_use]
    pub fn contains(self, date: NaiveDate) -> bool {
        self.start <= date && date < self.end
    }

    /// True when the range holds no day.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Number of days in the range.
    #[must_use]
    pub fn days(self) -> i64 {
        (self.end - self.start).num_days()
    }

    /// The overlap of two ranges, if any day is in both.
    #[must_use]
    pub fn intersection(self, other: DateRange) -> Option<DateRange> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start < end).then_some(DateRange { start, end })
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {})", self.start, self.end)
    }
}

/// What to do when month arithmetic lands on a day that does not exist (31 January + 1 month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DateRounding {
    /// Move back to the last day of the month (31 Jan + 1 month = 28 or 29 Feb).
    Down,
    /// Move on to the first day of the next month (31 Jan + 1 month = 1 Mar).
    Up,
    /// Refuse with [`Error::AmbiguousDate`].
    Reject,
}

/// Add `months` (which may be negative) to `date`, resolving impossible days by `rounding`.
///
/// # Errors
///
/// [`Error::AmbiguousDate`] when the day does not exist and `rounding` is
/// [`DateRounding::Reject`]; [`Error::Overflow`] beyond chrono's date range.
///
/// # Examples
///
/// ```
/// use route_map_core::period::{add_months, DateRounding};
/// use chrono::NaiveDate;
/// let jan31 = NaiveDate::from_ymd_opt(2019, 1, 31).unwrap();
/// assert_eq!(add_months(jan31, 1, DateRounding::Down)?, NaiveDate::from_ymd_opt(2019, 2, 28).unwrap());
/// assert_eq!(add_months(jan31, 1, DateRounding::Up)?, NaiveDate::from_ymd_opt(2019, 3, 1).unwrap());
/// assert!(add_months(jan31, 1, DateRounding::Reject).is_err());
/// # Ok::<(), route_map_core::Error>(())
/// ```
pub fn add_months(date: NaiveDate, months: i32, rounding: DateRounding) -> Result<NaiveDate> {
    let overflow = Error::Overflow {
        operation: "month arithmetic",
    };
    let step = Months::new(months.unsigned_abs());
    let clamped = if months >= 0 {
        date.checked_add_months(step)
    } else {
        date.checked_sub_months(step)
    }
    .ok_or(overflow.clone())?;
    if clamped.day() == date.day() {
        return Ok(clamped);
    }
    match rounding {
        DateRounding::Down => Ok(clamped),
        DateRounding::Up => clamped.succ_opt().ok_or(overflow),
        DateRounding::Reject => Err(Error::AmbiguousDate { date, months }),
    }
}

/// A financial year, 1 April to 31 March, written `2017/18`.
///
/// # Examples
///
/// ```
/// use route_map_core::FinancialYear;
/// use chrono::NaiveDate;
/// let fy: FinancialYear = "2017/18".parse()?;
/// assert_eq!(fy.start(), NaiveDate::from_ymd_opt(2017, 4, 1).unwrap());
/// assert_eq!(fy.last_day(), NaiveDate::from_ymd_opt(2018, 3, 31).unwrap());
/// assert_eq!(fy.next()?.to_string(), "2018/19");
/// assert!("2017/19".parse::<FinancialYear>().is_err());
/// # Ok::<(), route_map_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FinancialYear {
    start_year: i32,
}

impl FinancialYear {
    /// The financial year starting on 1 April of `start_year`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidFinancialYear`] outside 1900/01 to 2199/00.
    pub fn starting(start_year: i32) -> Result<FinancialYear> {
        if !(MIN_START_YEAR..=MAX_START_YEAR).contains(&start_year) {
            return Err(Error::InvalidFinancialYear {
                input: start_year.to_string(),
                reason: "outside 1900/01 to 2199/00",
            });
        }
        Ok(FinancialYear { start_year })
    }

    /// The financial year that contains `date`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidFinancialYear`] outside 1900/01 to 2199/00.
    pub fn containing(date: NaiveDate) -> Result<FinancialYear> {
        let start_year = if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        };
        FinancialYear::starting(start_year)
    }

    /// The calendar year in which it starts.
    #[must_use]
    pub fn start_year(self) -> i32 {
        self.start_year
    }

    /// 1 April.
    #[must_use]
    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start_year, 4, 1).unwrap_or(NaiveDate::MIN)
    }

    /// 1 April of the next year (the exclusive end).
    #[must_use]
    pub fn end(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start_year + 1, 4, 1).unwrap_or(NaiveDate::MAX)
    }

    /// 31 March.
    #[must_use]
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start_year + 1, 3, 31).unwrap_or(NaiveDate::MAX)
    }

    /// The year as a date range.
    #[must_use]
    pub fn range(self) -> DateRange {
        DateRange {
            start: self.start(),
            end: self.end(),
        }
    }

    /// True when `date` falls in this year.
    #[must_use]
    pub fn contains(self, date: NaiveDate) -> bool {
        self.range().contains(date)
    }

    /// The following year.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidFinancialYear`] past 2199/00.
    pub fn next(self) -> Result<FinancialYear> {
        FinancialYear::starting(self.start_year + 1)
    }

    /// The year `n` years on (negative goes back).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidFinancialYear`] outside the supported range.
    pub fn offset(self, n: i32) -> Result<FinancialYear> {
        FinancialYear::starting(self.start_year.saturating_add(n))
    }

    /// The twelve months, April first.
    #[must_use]
    pub fn months(self) -> Vec<MonthPeriod> {
        (0..12)
            .map(|i| {
                let m = 4 + i;
                if m <= 12 {
                    MonthPeriod {
                        year: self.start_year,
                        month: m,
                    }
                } else {
                    MonthPeriod {
                        year: self.start_year + 1,
                        month: m - 12,
                    }
                }
            })
            .collect()
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{:02}",
            self.start_year,
            (self.start_year + 1).rem_euclid(100)
        )
    }
}

impl FromStr for FinancialYear {
    type Err = Error;

    /// Accepts `2017/18`, `2017-18` and `2017/2018`; the second year must follow the first.
    fn from_str(s: &str) -> Result<FinancialYear> {
        let invalid = |reason| Error::InvalidFinancialYear {
            input: s.to_owned(),
            reason,
        };
        let t = s.trim();
        let (a, b) = t
            .split_once('/')
            .or_else(|| t.split_once('-'))
            .ok_or_else(|| invalid("expected the form 2017/18"))?;
        if a.len() != 4 || !a.bytes().all(|c| c.is_ascii_digit()) {
            return Err(invalid("the first year must have four digits"));
        }
        if !(b.len() == 2 || b.len() == 4) || !b.bytes().all(|c| c.is_ascii_digit()) {
            return Err(invalid("the second year must have two or four digits"));
        }
        let start: i32 = a.parse().map_err(|_| invalid("not a year"))?;
        let second: i32 = b.parse().map_err(|_| invalid("not a year"))?;
        let follows = if b.len() == 2 {
            second == (start + 1).rem_euclid(100)
        } else {
            second == start + 1
        };
        if !follows {
            return Err(invalid("the second year must be the year after the first"));
        }
        FinancialYear::starting(start).map_err(|_| invalid("outside 1900/01 to 2199/00"))
    }
}

impl TryFrom<String> for FinancialYear {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

impl From<FinancialYear> for String {
    fn from(fy: FinancialYear) -> String {
        fy.to_string()
    }
}

impl schemars::JsonSchema for FinancialYear {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FinancialYear".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A financial year, 1 April to 31 March, written 2017/18.",
            "type": "string",
            "pattern": r"^\d{4}[/-](\d{2}|\d{4})$"
        })
    }
}

/// A calendar month, the unit of monthly instalments.
///
/// # Examples
///
/// ```
/// use route_map_core::MonthPeriod;
/// let feb = MonthPeriod::new(2020, 2)?;
/// assert_eq!(feb.days(), 29);
/// assert_eq!(feb.to_string(), "2020-02");
/// # Ok::<(), route_map_core::Error>(())
/// ```
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
pub struct MonthPeriod {
    year: i32,
    month: u32,
}

impl MonthPeriod {
    /// The month `month` (1 to 12) of `year`.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `month` is not 1 to 12 or the year is out of chrono's range.
    pub fn new(year: i32, month: u32) -> Result<MonthPeriod> {
        if NaiveDate::from_ymd_opt(year, month, 1).is_none() {
            return Err(Error::Invalid {
                field: "month".to_owned(),
                reason: format!("{year}-{month} is not a month"),
            });
        }
        Ok(MonthPeriod { year, month })
    }

    /// The month containing `date`.
    #[must_use]
    pub fn containing(date: NaiveDate) -> MonthPeriod {
        MonthPeriod {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Calendar year.
    #[must_use]
    pub fn year(self) -> i32 {
        self.year
    }

    /// Month number, 1 to 12.
    #[must_use]
    pub fn month(self) -> u32 {
        self.month
    }

    /// First day of the month.
    #[must_use]
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The month as a date range.
    #[must_use]
    pub fn range(self) -> DateRange {
        let start = self.first_day();
        let end = start
            .checked_add_months(Months::new(1))
            .unwrap_or(NaiveDate::MAX);
        DateRange { start, end }
    }

    /// Number of days in the month.
    #[must_use]
    pub fn days(self) -> i64 {
        self.range().days()
    }

    /// The next month.
    #[must_use]
    pub fn next(self) -> MonthPeriod {
        MonthPeriod::containing(self.range().end())
    }
}

impl fmt::Display for MonthPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

/// A contract's term: commencement date and length in whole contract years.
///
/// Contract year 1 runs from the commencement date for twelve months; year `n` starts
/// `12 * (n - 1)` months later (29 February commencements roll to 28 February).
///
/// # Examples
///
/// ```
/// use route_map_core::ContractTerm;
/// use chrono::NaiveDate;
/// let term = ContractTerm::new(NaiveDate::from_ymd_opt(2018, 4, 1).unwrap(), 3)?;
/// assert_eq!(term.year_containing(NaiveDate::from_ymd_opt(2020, 6, 1).unwrap()), Some(3));
/// assert_eq!(term.year(1)?.end(), NaiveDate::from_ymd_opt(2019, 4, 1).unwrap());
/// assert_eq!(term.expiry(), NaiveDate::from_ymd_opt(2021, 4, 1).unwrap());
/// # Ok::<(), route_map_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawContractTerm", into = "RawContractTerm")]
pub struct ContractTerm {
    commencement: NaiveDate,
    years: u32,
}

#[derive(Serialize, Deserialize, schemars::JsonSchema)]
struct RawContractTerm {
    commencement: NaiveDate,
    years: u32,
}

impl TryFrom<RawContractTerm> for ContractTerm {
    type Error = Error;
    fn try_from(raw: RawContractTerm) -> Result<Self> {
        ContractTerm::new(raw.commencement, raw.years)
    }
}

impl From<ContractTerm> for RawContractTerm {
    fn from(t: ContractTerm) -> Self {
        RawContractTerm {
            commencement: t.commencement,
            years: t.years,
        }
    }
}

impl ContractTerm {
    /// A term of `years` contract years from `commencement`.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `years` is zero or more than 100.
    pub fn new(commencement: NaiveDate, years: u32) -> Result<ContractTerm> {
        if years == 0 || years > 100 {
            return Err(Error::Invalid {
                field: "contract term".to_owned(),
                reason: format!("{years} years: a term must be 1 to 100 years"),
            });
        }
        Ok(ContractTerm {
            commencement,
            years,
        })
    }

    /// The commencement date.
    #[must_use]
    pub fn commencement(self) -> NaiveDate {
        self.commencement
    }

    /// Number of contract years.
    #[must_use]
    pub fn years(self) -> u32 {
        self.years
    }

    fn year_start(self, n: u32) -> NaiveDate {
        let months = n.saturating_sub(1).saturating_mul(12);
        self.commencement
            .checked_add_months(Months::new(months))
            .unwrap_or(NaiveDate::MAX)
    }

    /// Contract year `n` (1-based) as a date range.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `n` is 0 or beyond the term.
    pub fn year(self, n: u32) -> Result<DateRange> {
        if n == 0 || n > self.years {
            return Err(Error::Invalid {
                field: "contract year".to_owned(),
                reason: format!("year {n} is outside a {}-year term", self.years),
            });
        }
        Ok(DateRange {
            start: self.year_start(n),
            end: self.year_start(n + 1),
        })
    }

    /// The contract year (1-based) containing `date`, or `None` outside the term.
    #[must_use]
    pub fn year_containing(self, date: NaiveDate) -> Option<u32> {
        (1..=self.years).find(|&n| self.year_start(n) <= date && date < self.year_start(n + 1))
    }

    /// The first day after the term.
    #[must_use]
    pub fn expiry(self) -> NaiveDate {
        self.year_start(self.years + 1)
    }

    /// The whole term as a date range.
    #[must_use]
    pub fn range(self) -> DateRange {
        DateRange {
            start: self.commencement,
            end: self.expiry(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn financial_year_parsing() {
        assert_eq!(
            "2017/18".parse::<FinancialYear>().unwrap().start_year(),
            2017
        );
        assert_eq!(
            "2017-18".parse::<FinancialYear>().unwrap().start_year(),
            2017
        );
        assert_eq!(
            "2017/2018".parse::<FinancialYear>().unwrap().start_year(),
            2017
        );
        assert_eq!(
            "1999/00".parse::<FinancialYear>().unwrap().to_string(),
            "1999/00"
        );
        for bad in [
            "2017/19",
            "2017",
            "17/18",
            "2017/1",
            "abcd/ef",
            "2017/2019",
            "",
        ] {
            let err = bad.parse::<FinancialYear>().unwrap_err();
            assert!(matches!(err, Error::InvalidFinancialYear { .. }), "{bad}");
        }
        let err = "2017/19".parse::<FinancialYear>().unwrap_err();
        assert!(err.to_string().contains("2017/19"));
        assert!(FinancialYear::starting(1800).is_err());
    }

    #[test]
    fn financial_year_boundaries() {
        assert_eq!(
            FinancialYear::containing(d(2018, 3, 31))
                .unwrap()
                .to_string(),
            "2017/18"
        );
        assert_eq!(
            FinancialYear::containing(d(2018, 4, 1))
                .unwrap()
                .to_string(),
            "2018/19"
        );
        let months = FinancialYear::starting(2017).unwrap().months();
        assert_eq!(months.len(), 12);
        assert_eq!(months[0].to_string(), "2017-04");
        assert_eq!(months[11].to_string(), "2018-03");
        let fy: FinancialYear = serde_json::from_str("\"2018/19\"").unwrap();
        assert_eq!(serde_json::to_string(&fy).unwrap(), "\"2018/19\"");
        assert!(serde_json::from_str::<FinancialYear>("\"2018/20\"").is_err());
    }

    #[test]
    fn month_arithmetic_names_its_rounding() {
        assert_eq!(
            add_months(d(2020, 1, 31), 1, DateRounding::Down).unwrap(),
            d(2020, 2, 29)
        );
        assert_eq!(
            add_months(d(2020, 1, 31), 1, DateRounding::Up).unwrap(),
            d(2020, 3, 1)
        );
        assert!(matches!(
            add_months(d(2020, 1, 31), 1, DateRounding::Reject),
            Err(Error::AmbiguousDate { .. })
        ));
        assert_eq!(
            add_months(d(2020, 3, 31), -1, DateRounding::Down).unwrap(),
            d(2020, 2, 29)
        );
        assert_eq!(
            add_months(d(2020, 3, 15), -14, DateRounding::Reject).unwrap(),
            d(2019, 1, 15)
        );
    }

    #[test]
    fn contract_years() {
        let t = ContractTerm::new(d(2018, 4, 1), 3).unwrap();
        assert_eq!(t.year(3).unwrap().start(), d(2020, 4, 1));
        assert!(t.year(0).is_err());
        assert!(t.year(4).is_err());
        assert_eq!(t.year_containing(d(2018, 3, 31)), None);
        assert_eq!(t.year_containing(d(2021, 4, 1)), None);
        assert!(ContractTerm::new(d(2018, 4, 1), 0).is_err());
        assert!(DateRange::new(d(2019, 1, 1), d(2018, 1, 1)).is_err());
    }

    proptest! {
        #[test]
        fn prop_every_date_is_in_exactly_one_financial_year(days in 0i64..60_000) {
            let date = d(1950, 1, 1) + chrono::Duration::days(days);
            let fy = FinancialYear::containing(date).unwrap();
            prop_assert!(fy.contains(date));
            prop_assert!(!fy.next().unwrap().contains(date));
            prop_assert_eq!(fy.to_string().parse::<FinancialYear>().unwrap(), fy);
        }

        #[test]
        fn prop_contract_years_tile_the_term(days in 0i64..20_000, years in 1u32..15, probe in 0i64..6_000) {
            let start = d(1990, 1, 1) + chrono::Duration::days(days);
            let term = ContractTerm::new(start, years).unwrap();
            let date = start + chrono::Duration::days(probe);
            let hits = (1..=years).filter(|n| term.year(*n).unwrap().contains(date)).count();
            prop_assert_eq!(hits, usize::from(term.range().contains(date)));
        }
    }
}
