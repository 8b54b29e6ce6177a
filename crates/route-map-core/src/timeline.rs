//! Values that change on effective dates, each with the source that says so.
//!
//! A [`Timeline`] is a sorted list of entries `(from, value, source)`. Each value is in force
//! from its date until the next entry's date (half-open ranges); an entry with no value ends the
//! parameter. Looking up a date before the first entry, or after an end, is an error, never a
//! silent default.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Where a rule, threshold, rate or date comes from.
///
/// # Examples
///
/// ```
/// use route_map_core::SourceRef;
/// let s = SourceRef::new("Public Contracts Regulations 2015")
///     .with_clause("reg. 5(1)(d)")
///     .with_url("https://www.legislation.gov.uk/uksi/2015/102/regulation/5");
/// assert_eq!(s.to_string(), "Public Contracts Regulations 2015, reg. 5(1)(d)");
/// assert!(s.is_verified());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceRef {
    /// Title of the instrument, guidance or document.
    pub title: String,
    /// The clause, regulation, section, page or table within it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
    /// Where to read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Set when the value has not been checked against the primary source: says what is
    /// uncertain. Unverified values are usable but must be shown as such.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_verify: Option<String>,
}

impl SourceRef {
    /// A source with a title only.
    #[must_use]
    pub fn new(title: impl Into<String>) -> SourceRef {
        SourceRef {
            title: title.into(),
            clause: None,
            url: None,
            to_verify: None,
        }
    }

    /// Add the clause.
    #[must_use]
    pub fn with_clause(mut self, clause: impl Into<String>) -> SourceRef {
        self.clause = Some(clause.into());
        self
    }

    /// Add the URL.
    #[must_use]
    pub fn with_url(mut self, url: impl Into<String>) -> SourceRef {
        self.url = Some(url.into());
        self
    }

    /// Mark as not yet verified against the primary source, saying what is uncertain.
    #[must_use]
    pub fn unverified(mut self, note: impl Into<String>) -> SourceRef {
        self.to_verify = Some(note.into());
        self
    }

    /// False when the value is marked as still to verify.
    #[must_use]
    pub fn is_verified(&self) -> bool {
        self.to_verify.is_none()
    }
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)?;
        if let Some(clause) = &self.clause {
            write!(f, ", {clause}")?;
        }
        if let Some(note) = &self.to_verify {
            write!(f, " (to verify: {note})")?;
        }
        Ok(())
    }
}

/// One dated entry of a [`Timeline`]: `value` is in force from `from` until the next entry;
/// `None` ends the parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TimelineEntry<T> {
    /// The effective date.
    pub from: NaiveDate,
    /// The value in force from that date, or `None` when the parameter ends.
    pub value: Option<T>,
    /// The source that sets this value.
    pub source: SourceRef,
}

/// A parameter whose value changes on effective dates.
///
/// # Examples
///
/// ```
/// use route_map_core::{SourceRef, Timeline};
/// use chrono::NaiveDate;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let src = || SourceRef::new("Example regulations");
/// let threshold = Timeline::builder("light-touch threshold")
///     .starting(d(2016, 1, 1), 589_148, src())
///     .starting(d(2018, 1, 1), 615_278, src())
///     .ending(d(2021, 1, 1), src())
///     .build()?;
/// assert_eq!(*threshold.at(d(2017, 6, 1))?, 589_148);
/// assert_eq!(*threshold.at(d(2018, 1, 1))?, 615_278);
/// assert!(threshold.at(d(2015, 12, 31)).is_err());
/// assert!(threshold.at(d(2021, 1, 1)).is_err());
/// # Ok::<(), route_map_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Timeline<T> {
    parameter: String,
    entries: Vec<TimelineEntry<T>>,
}

#[derive(Deserialize)]
struct RawTimeline<T> {
    parameter: String,
    entries: Vec<TimelineEntry<T>>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Timeline<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = RawTimeline::<T>::deserialize(d)?;
        Timeline::new(raw.parameter, raw.entries).map_err(serde::de::Error::custom)
    }
}

impl<T> Timeline<T> {
    /// A timeline from entries, which must be non-empty and strictly increasing by date.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyTimeline`] for no entries, [`Error::UnsortedTimeline`] for a date that is
    /// not after the one before it (unsorted or duplicate).
    pub fn new(
        parameter: impl Into<String>,
        entries: Vec<TimelineEntry<T>>,
    ) -> Result<Timeline<T>> {
        let parameter = parameter.into();
        if entries.is_empty() {
            return Err(Error::EmptyTimeline { parameter });
        }
        for pair in entries.windows(2) {
            if let [a, b] = pair
                && b.from <= a.from
            {
                return Err(Error::UnsortedTimeline {
                    parameter,
                    date: b.from,
                    previous: a.from,
                });
            }
        }
        Ok(Timeline { parameter, entries })
    }

    /// Start building a timeline for `parameter`.
    #[must_use]
    pub fn builder(parameter: impl Into<String>) -> TimelineBuilder<T> {
        TimelineBuilder {
            parameter: parameter.into(),
            entries: Vec::new(),
        }
    }

    /// The parameter's name.
    #[must_use]
    pub fn parameter(&self) -> &str {
        &self.parameter
    }

    /// All entries, in date order.
    #[must_use]
    pub fn entries(&self) -> &[TimelineEntry<T>] {
        &self.entries
    }

    /// The entry in force on `date` (which may be an ending entry with no value).
    ///
    /// # Errors
    ///
    /// [`Error::NotInForce`] before the first entry.
    pub fn entry_at(&self, date: NaiveDate) -> Result<&TimelineEntry<T>> {
        let idx = self.entries.partition_point(|e| e.from <= date);
        idx.checked_sub(1)
            .and_then(|i| self.entries.get(i))
            .ok_or_else(|| Error::NotInForce {
                parameter: self.parameter.clone(),
                date,
            })
    }

    /// The value in force on `date`.
    ///
    /// # Errors
    ///
    /// [`Error::NotInForce`] before the first entry or after the parameter has ended.
    pub fn at(&self, date: NaiveDate) -> Result<&T> {
        self.entry_at(date)?
            .value
            .as_ref()
            .ok_or_else(|| Error::NotInForce {
                parameter: self.parameter.clone(),
                date,
            })
    }

    /// The value in force on `date` with its source.
    ///
    /// # Errors
    ///
    /// As [`Timeline::at`].
    pub fn at_with_source(&self, date: NaiveDate) -> Result<(&T, &SourceRef)> {
        let entry = self.entry_at(date)?;
        entry
            .value
            .as_ref()
            .map(|v| (v, &entry.source))
            .ok_or_else(|| Error::NotInForce {
                parameter: self.parameter.clone(),
                date,
            })
    }

    /// The first date on which the parameter is in force.
    #[must_use]
    pub fn first_date(&self) -> Option<NaiveDate> {
        self.entries.first().map(|e| e.from)
    }

    /// The date the parameter ends, if its last entry is an end.
    #[must_use]
    pub fn end_date(&self) -> Option<NaiveDate> {
        self.entries
            .last()
            .filter(|e| e.value.is_none())
            .map(|e| e.from)
    }

    /// The effective dates at which the value changes.
    pub fn change_dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.entries.iter().map(|e| e.from)
    }
}

/// Builds a [`Timeline`] entry by entry; validation happens in [`TimelineBuilder::build`].
#[derive(Debug, Clone)]
pub struct TimelineBuilder<T> {
    parameter: String,
    entries: Vec<TimelineEntry<T>>,
}

impl<T> TimelineBuilder<T> {
    /// `value` is in force from `from`.
    #[must_use]
    pub fn starting(mut self, from: NaiveDate, value: T, source: SourceRef) -> Self {
        self.entries.push(TimelineEntry {
            from,
            value: Some(value),
            source,
        });
        self
    }

    /// The parameter ends on `from` (no value from then on).
    #[must_use]
    pub fn ending(mut self, from: NaiveDate, source: SourceRef) -> Self {
        self.entries.push(TimelineEntry {
            from,
            value: None,
            source,
        });
        self
    }

    /// Validate and build.
    ///
    /// # Errors
    ///
    /// As [`Timeline::new`].
    pub fn build(self) -> Result<Timeline<T>> {
        Timeline::new(self.parameter, self.entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn src() -> SourceRef {
        SourceRef::new("test")
    }

    #[test]
    fn rejects_unsorted_duplicate_and_empty() {
        let unsorted = Timeline::builder("p")
            .starting(d(2020, 1, 1), 1, src())
            .starting(d(2019, 1, 1), 2, src())
            .build();
        assert!(matches!(unsorted, Err(Error::UnsortedTimeline { .. })));
        let dup = Timeline::builder("p")
            .starting(d(2020, 1, 1), 1, src())
            .starting(d(2020, 1, 1), 2, src())
            .build();
        assert!(matches!(dup, Err(Error::UnsortedTimeline { .. })));
        let empty: Result<Timeline<i32>> = Timeline::builder("p").build();
        assert!(matches!(empty, Err(Error::EmptyTimeline { .. })));
        let msg = dup.unwrap_err().to_string();
        assert!(msg.contains("2020-01-01"), "{msg}");
    }

    #[test]
    fn half_open_ranges_and_explicit_end() {
        let t = Timeline::builder("p")
            .starting(d(2020, 1, 1), 1, src())
            .starting(d(2021, 1, 1), 2, SourceRef::new("second"))
            .ending(d(2022, 1, 1), src())
            .build()
            .unwrap();
        assert_eq!(*t.at(d(2020, 12, 31)).unwrap(), 1);
        let (v, s) = t.at_with_source(d(2021, 1, 1)).unwrap();
        assert_eq!((*v, s.title.as_str()), (2, "second"));
        assert_eq!(
            t.at(d(2022, 1, 1)),
            Err(Error::NotInForce {
                parameter: "p".into(),
                date: d(2022, 1, 1)
            })
        );
        assert!(t.at(d(2019, 12, 31)).is_err());
        assert_eq!(t.end_date(), Some(d(2022, 1, 1)));
    }

    #[test]
    fn deserialises_with_validation() {
        let ok = r#"{"parameter":"p","entries":[
            {"from":"2020-01-01","value":5,"source":{"title":"t"}},
            {"from":"2021-01-01","value":null,"source":{"title":"t","to_verify":"date"}}]}"#;
        let t: Timeline<i32> = serde_json::from_str(ok).unwrap();
        assert_eq!(*t.at(d(2020, 6, 1)).unwrap(), 5);
        assert!(!t.entries()[1].source.is_verified());
        let bad = r#"{"parameter":"p","entries":[
            {"from":"2021-01-01","value":5,"source":{"title":"t"}},
            {"from":"2020-01-01","value":6,"source":{"title":"t"}}]}"#;
        assert!(serde_json::from_str::<Timeline<i32>>(bad).is_err());
    }

    proptest! {
        #[test]
        fn prop_lookup_returns_the_latest_entry_not_after_the_date(
            mut offsets in proptest::collection::btree_set(0i64..5_000, 1..20),
            probe in -100i64..5_200,
        ) {
            let base = d(2013, 1, 1);
            let dates: Vec<NaiveDate> = std::mem::take(&mut offsets).into_iter().map(|o| base + chrono::Duration::days(o)).collect();
            let mut b = Timeline::builder("p");
            for (i, date) in dates.iter().enumerate() {
                b = b.starting(*date, i, src());
            }
            let t = b.build().unwrap();
            let probe_date = base + chrono::Duration::days(probe);
            let expected = dates.iter().rposition(|x| *x <= probe_date);
            match expected {
                Some(i) => prop_assert_eq!(*t.at(probe_date).unwrap(), i),
                None => prop_assert!(t.at(probe_date).is_err()),
            }
        }
    }
}
