//! Working days in England and Wales.
//!
//! A working day is Monday to Friday except a bank holiday in England and Wales. The bank
//! holidays are data (`data/bank_holidays.toml`, embedded at compile time) covering 2013 to
//! 2030, each with its status: announced on GOV.UK, or projected by the standing rules of the
//! Banking and Financial Dealings Act 1971 for years not yet proclaimed. Asking about a date
//! outside the covered years is an error rather than a guess.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::timeline::SourceRef;

const BANK_HOLIDAYS_TOML: &str = include_str!("../data/bank_holidays.toml");

/// Whether a bank holiday's date has been proclaimed or is projected from the standing rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HolidayStatus {
    /// Published on GOV.UK.
    Announced,
    /// Projected from the standing rules; re-check when proclaimed.
    Projected,
}

/// One bank holiday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BankHoliday {
    /// The day.
    pub date: NaiveDate,
    /// Its name, e.g. `Boxing Day (substitute day)`.
    pub name: String,
    /// Announced or projected.
    pub status: HolidayStatus,
}

#[derive(Deserialize)]
struct HolidayFile {
    first_year: i32,
    last_year: i32,
    source: SourceRef,
    holiday: Vec<BankHoliday>,
}

/// How the first day of a period of working days is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Counting {
    /// The period starts the day after the event (the event's day does not count).
    After,
    /// The period begins with the event's day, which counts if it is a working day.
    BeginningWith,
}

/// The working-day calendar of England and Wales.
///
/// # Examples
///
/// ```
/// use route_map_core::WorkingDayCalendar;
/// use chrono::NaiveDate;
/// let cal = WorkingDayCalendar::england_and_wales()?;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// // Friday 22 December 2017 + 3 working days skips the weekend, Christmas and Boxing Day.
/// assert_eq!(cal.add_working_days(d(2017, 12, 22), 3)?, d(2017, 12, 29));
/// assert_eq!(cal.working_days_between(d(2017, 12, 22), d(2017, 12, 29))?, 3);
/// # Ok::<(), route_map_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct WorkingDayCalendar {
    holidays: BTreeMap<NaiveDate, BankHoliday>,
    first: NaiveDate,
    last: NaiveDate,
    source: SourceRef,
}

static ENGLAND_AND_WALES: OnceLock<std::result::Result<WorkingDayCalendar, Error>> =
    OnceLock::new();

impl WorkingDayCalendar {
    /// The embedded England and Wales calendar (parsed once, then shared).
    ///
    /// # Errors
    ///
    /// [`Error::EmbeddedData`] only if the embedded data file is defective.
    pub fn england_and_wales() -> Result<&'static WorkingDayCalendar> {
        ENGLAND_AND_WALES
            .get_or_init(|| {
                let file: HolidayFile =
                    toml::from_str(BANK_HOLIDAYS_TOML).map_err(|e| Error::EmbeddedData {
                        name: "bank_holidays.toml",
                        reason: e.to_string(),
                    })?;
                WorkingDayCalendar::from_parts(
                    file.first_year,
                    file.last_year,
                    file.source,
                    file.holiday,
                )
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// A calendar covering the whole years `first_year` to `last_year` with these holidays.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when a holiday falls outside the covered years or on a weekend, or
    /// the years are inverted; [`Error::Duplicate`] for a date listed twice.
    pub fn from_parts(
        first_year: i32,
        last_year: i32,
        source: SourceRef,
        holidays: Vec<BankHoliday>,
    ) -> Result<WorkingDayCalendar> {
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(first_year, 1, 1),
            NaiveDate::from_ymd_opt(last_year, 12, 31),
        ) else {
            return Err(Error::Invalid {
                field: "calendar years".into(),
                reason: format!("{first_year} to {last_year} is out of range"),
            });
        };
        if last < first {
            return Err(Error::InvertedRange {
                start: first,
                end: last,
            });
        }
        let mut map = BTreeMap::new();
        for h in holidays {
            if h.date < first || h.date > last {
                return Err(Error::Invalid {
                    field: "bank holiday".into(),
                    reason: format!("{} is outside {first_year} to {last_year}", h.date),
                });
            }
            if matches!(h.date.weekday(), Weekday::Sat | Weekday::Sun) {
                return Err(Error::Invalid {
                    field: "bank holiday".into(),
                    reason: format!("{} ({}) falls on a weekend", h.date, h.name),
                });
            }
            if map.contains_key(&h.date) {
                return Err(Error::Duplicate {
                    kind: "bank holiday",
                    id: h.date.to_string(),
                });
            }
            map.insert(h.date, h);
        }
        Ok(WorkingDayCalendar {
            holidays: map,
            first,
            last,
            source,
        })
    }

    /// Where the holiday dates come from.
    #[must_use]
    pub fn source(&self) -> &SourceRef {
        &self.source
    }

    /// The first and last dates covered.
    #[must_use]
    pub fn coverage(&self) -> (NaiveDate, NaiveDate) {
        (self.first, self.last)
    }

    /// All holidays, in date order.
    pub fn holidays(&self) -> impl Iterator<Item = &BankHoliday> {
        self.holidays.values()
    }

    fn check(&self, date: NaiveDate) -> Result<()> {
        if date < self.first || date > self.last {
            return Err(Error::DateOutOfRange {
                what: "the bank holiday calendar",
                date,
                from: self.first,
                to: self.last,
            });
        }
        Ok(())
    }

    /// The bank holiday on `date`, if any.
    ///
    /// # Errors
    ///
    /// [`Error::DateOutOfRange`] outside the covered years.
    pub fn bank_holiday(&self, date: NaiveDate) -> Result<Option<&BankHoliday>> {
        self.check(date)?;
        Ok(self.holidays.get(&date))
    }

    /// True when `date` is Monday to Friday and not a bank holiday.
    ///
    /// # Errors
    ///
    /// [`Error::DateOutOfRange`] outside the covered years.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool> {
        self.check(date)?;
        Ok(!matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
            && !self.holidays.contains_key(&date))
    }

    fn step(&self, date: NaiveDate, forward: bool) -> Result<NaiveDate> {
        let next = if forward {
            date.succ_opt()
        } else {
            date.pred_opt()
        };
        let next = next.ok_or(Error::Overflow {
            operation: "working-day arithmetic",
        })?;
        self.check(next)?;
        Ok(next)
    }

    /// The `n`th working day after `date` (`date` itself does not count; `n = 0` returns
    /// `date`).
    ///
    /// # Errors
    ///
    /// [`Error::DateOutOfRange`] when the count runs outside the covered years.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate> {
        self.check(date)?;
        let mut current = date;
        let mut left = n;
        while left > 0 {
            current = self.step(current, true)?;
            if self.is_working_day(current)? {
                left -= 1;
            }
        }
        Ok(current)
    }

    /// The `n`th working day before `date` (`date` itself does not count).
    ///
    /// # Errors
    ///
    /// [`Error::DateOutOfRange`] when the count runs outside the covered years.
    pub fn subtract_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate> {
        self.check(date)?;
        let mut current = date;
        let mut left = n;
        while left > 0 {
            current = self.step(current, false)?;
            if self.is_working_day(current)? {
                left -= 1;
            }
        }
        Ok(current)
    }

    /// The last day of a period of `n` working days from an event on `date`, counted by
    /// `counting`. With [`Counting::BeginningWith`] the event day is day 1 when it is a
    /// working day (the Procurement Act 2023 rule); with [`Counting::After`] counting starts
    /// the next day (the Provider Selection Regime rule).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for `n = 0`; [`Error::DateOutOfRange`] outside the covered years.
    ///
    /// # Examples
    ///
    /// ```
    /// use route_map_core::{Counting, WorkingDayCalendar};
    /// use chrono::NaiveDate;
    /// let cal = WorkingDayCalendar::england_and_wales()?;
    /// let monday = NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
    /// assert_eq!(cal.period_end(monday, 8, Counting::BeginningWith)?, NaiveDate::from_ymd_opt(2025, 3, 12).unwrap());
    /// assert_eq!(cal.period_end(monday, 8, Counting::After)?, NaiveDate::from_ymd_opt(2025, 3, 13).unwrap());
    /// # Ok::<(), route_map_core::Error>(())
    /// ```
    pub fn period_end(&self, date: NaiveDate, n: u32, counting: Counting) -> Result<NaiveDate> {
        if n == 0 {
            return Err(Error::Invalid {
                field: "working-day period".into(),
                reason: "a period must be at least one working day".into(),
            });
        }
        match counting {
            Counting::After => self.add_working_days(date, n),
            Counting::BeginningWith => {
                if self.is_working_day(date)? {
                    self.add_working_days(date, n - 1)
                } else {
                    self.add_working_days(date, n)
                }
            }
        }
    }

    /// The number of working days `d` with `start < d <= end` (so that
    /// `working_days_between(a, add_working_days(a, n)) == n`); negative when `end < start`.
    ///
    /// # Errors
    ///
    /// [`Error::DateOutOfRange`] outside the covered years.
    pub fn working_days_between(&self, start: NaiveDate, end: NaiveDate) -> Result<i64> {
        self.check(start)?;
        self.check(end)?;
        let (lo, hi, sign) = if start <= end {
            (start, end, 1)
        } else {
            (end, start, -1)
        };
        let mut count = 0i64;
        let mut d = lo;
        while d < hi {
            d = self.step(d, true)?;
            if self.is_working_day(d)? {
                count += 1;
            }
        }
        Ok(sign * count)
    }

    /// `date` if it is a working day, else the next working day.
    ///
    /// # Errors
    ///
    /// [`Error::DateOutOfRange`] outside the covered years.
    pub fn next_working_day_on_or_after(&self, date: NaiveDate) -> Result<NaiveDate> {
        let mut d = date;
        while !self.is_working_day(d)? {
            d = self.step(d, true)?;
        }
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    fn easter(year: i32) -> NaiveDate {
        let a = year % 19;
        let b = year / 100;
        let c = year % 100;
        let dd = b / 4;
        let e = b % 4;
        let f = (b + 8) / 25;
        let g = (b - f + 1) / 3;
        let h = (19 * a + b - dd - g + 15) % 30;
        let i = c / 4;
        let k = c % 4;
        let l = (32 + 2 * e + 2 * i - h - k) % 7;
        let m = (a + 11 * h + 22 * l) / 451;
        let month = (h + l - 7 * m + 114) / 31;
        let day = (h + l - 7 * m + 114) % 31 + 1;
        d(year, month as u32, day as u32)
    }

    fn first_monday(year: i32, month: u32) -> NaiveDate {
        NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 1).unwrap()
    }

    fn last_monday(year: i32, month: u32) -> NaiveDate {
        let next = if month == 12 {
            d(year + 1, 1, 1)
        } else {
            d(year, month + 1, 1)
        };
        let mut x = next.pred_opt().unwrap();
        while x.weekday() != Weekday::Mon {
            x = x.pred_opt().unwrap();
        }
        x
    }

    /// The standing rules, independently of the data file, for years without one-off changes.
    fn rule_based(year: i32) -> Vec<NaiveDate> {
        let mut v = Vec::new();
        let ny = d(year, 1, 1);
        v.push(match ny.weekday() {
            Weekday::Sat => d(year, 1, 3),
            Weekday::Sun => d(year, 1, 2),
            _ => ny,
        });
        let e = easter(year);
        v.push(e - chrono::Duration::days(2));
        v.push(e + chrono::Duration::days(1));
        v.push(first_monday(year, 5));
        v.push(last_monday(year, 5));
        v.push(last_monday(year, 8));
        let xmas = d(year, 12, 25);
        match xmas.weekday() {
            Weekday::Fri => v.extend([xmas, d(year, 12, 28)]),
            Weekday::Sat => v.extend([d(year, 12, 27), d(year, 12, 28)]),
            Weekday::Sun => v.extend([d(year, 12, 26), d(year, 12, 27)]),
            _ => v.extend([xmas, d(year, 12, 26)]),
        }
        v.sort();
        v
    }

    #[test]
    fn data_matches_the_standing_rules_except_the_one_off_years() {
        let cal = WorkingDayCalendar::england_and_wales().unwrap();
        for year in 2013..=2030 {
            let data: Vec<NaiveDate> = cal
                .holidays()
                .filter(|h| h.date.year() == year)
                .map(|h| h.date)
                .collect();
            match year {
                2020 => {
                    assert!(data.contains(&d(2020, 5, 8)) && !data.contains(&d(2020, 5, 4)));
                }
                2022 => {
                    assert_eq!(data.len(), 10);
                    assert!(data.contains(&d(2022, 9, 19)) && data.contains(&d(2022, 6, 3)));
                }
                2023 => {
                    assert!(data.contains(&d(2023, 5, 8)));
                    assert_eq!(data.len(), 9);
                }
                _ => assert_eq!(data, rule_based(year), "{year}"),
            }
        }
    }

    #[test]
    fn out_of_range_is_an_error() {
        let cal = WorkingDayCalendar::england_and_wales().unwrap();
        assert!(matches!(
            cal.is_working_day(d(2012, 12, 31)),
            Err(Error::DateOutOfRange { .. })
        ));
        assert!(cal.add_working_days(d(2030, 12, 30), 5).is_err());
        assert!(cal.period_end(d(2020, 1, 6), 0, Counting::After).is_err());
    }

    #[test]
    fn counts_across_easter() {
        let cal = WorkingDayCalendar::england_and_wales().unwrap();
        // Thursday 13 April 2017; Good Friday 14th and Easter Monday 17th are holidays.
        assert_eq!(
            cal.add_working_days(d(2017, 4, 13), 1).unwrap(),
            d(2017, 4, 18)
        );
        assert_eq!(
            cal.subtract_working_days(d(2017, 4, 18), 1).unwrap(),
            d(2017, 4, 13)
        );
        assert_eq!(
            cal.next_working_day_on_or_after(d(2017, 4, 14)).unwrap(),
            d(2017, 4, 18)
        );
        assert_eq!(
            cal.working_days_between(d(2017, 4, 18), d(2017, 4, 13))
                .unwrap(),
            -1
        );
    }

    #[test]
    fn rejects_bad_calendars() {
        let src = SourceRef::new("t");
        let h = |date, name: &str| BankHoliday {
            date,
            name: name.into(),
            status: HolidayStatus::Announced,
        };
        assert!(
            WorkingDayCalendar::from_parts(2020, 2020, src.clone(), vec![h(d(2020, 1, 4), "sat")])
                .is_err()
        );
        assert!(
            WorkingDayCalendar::from_parts(2020, 2020, src.clone(), vec![h(d(2021, 1, 1), "x")])
                .is_err()
        );
        assert!(
            WorkingDayCalendar::from_parts(
                2020,
                2020,
                src.clone(),
                vec![h(d(2020, 1, 1), "a"), h(d(2020, 1, 1), "b")]
            )
            .is_err()
        );
        assert!(WorkingDayCalendar::from_parts(2021, 2020, src, vec![]).is_err());
    }

    #[test]
    fn stepping_back_before_2013_is_out_of_range() {
        let cal = WorkingDayCalendar::england_and_wales().unwrap();
        // 1 January 2013 is a bank holiday; one working day after it is 2 January, and one
        // working day before that is 31 December 2012, outside the calendar.
        let end = cal.add_working_days(d(2013, 1, 1), 1).unwrap();
        assert_eq!(end, d(2013, 1, 2));
        assert!(matches!(
            cal.subtract_working_days(end, 1),
            Err(Error::DateOutOfRange { .. })
        ));
    }

    proptest! {
        #[test]
        fn prop_add_then_count_round_trips(offset in 0i64..6_000, n in 0u32..300) {
            let cal = WorkingDayCalendar::england_and_wales().unwrap();
            let start = d(2013, 1, 1) + chrono::Duration::days(offset);
            let end = cal.add_working_days(start, n).unwrap();
            prop_assert!(end >= start);
            if n > 0 { prop_assert!(cal.is_working_day(end).unwrap()); }
            prop_assert_eq!(cal.working_days_between(start, end).unwrap(), i64::from(n));
            // Stepping back from the first days of 2013 may leave the calendar's coverage,
            // which is an error, never a guess.
            match cal.subtract_working_days(end, n) {
                Ok(back) => prop_assert!(back <= start),
                Err(Error::DateOutOfRange { date, .. }) => {
                    prop_assert!(date < d(2013, 1, 1) && start < d(2013, 1, 8));
                }
                Err(e) => prop_assert!(false, "unexpected error {e}"),
            }
        }
    }
}
