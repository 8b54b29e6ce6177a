//! The segmentation engine: people in, segment totals out, in memory proportional to the
//! number of segments.
//!
//! [`Segmenter::aggregate`] streams any iterator of people; [`Segmenter::par_aggregate`] takes
//! a rayon parallel iterator; [`Segmenter::aggregate_columns`] runs over a columnar
//! [`PeopleColumns`] batch on all cores. Each produces [`SegmentTotals`]: per segment the head
//! count, member-days (person-years for part-year membership) and spend by service in pence.
//! Totals are integers, so [`SegmentTotals::merge`] is exactly associative and commutative and
//! shards computed anywhere combine to the same result, whatever the order or thread split.
//! Money only appears in [`SegmentTotals::rows`], where spend per head is rounded by a named
//! [`RoundingRule`].

use rayon::prelude::*;
use route_map_core::{Money, RoundingRule};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::person::{Deprivation, MAX_PERIOD_DAYS, MAX_SERVICES, Person, PlaceId, Services, Sex};
use crate::scheme::{CompiledScheme, SegmentIndex};

/// Rows handled per task by the parallel paths.
const CHUNK: usize = 1 << 16;

/// The totals of one segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SegmentTotal {
    /// People assigned to the segment.
    pub people: u64,
    /// Days of membership summed over those people.
    pub member_days: u64,
    /// Spend by service category, in pence.
    pub spend: [i128; MAX_SERVICES],
}

impl SegmentTotal {
    /// Total spend over all service categories, in pence.
    #[must_use]
    pub fn total_spend(&self) -> i128 {
        self.spend.iter().sum()
    }

    #[inline]
    fn add(&mut self, p: &Person, services: usize) {
        self.people += 1;
        self.member_days += u64::from(p.member_days);
        for (acc, v) in self.spend.iter_mut().zip(p.spend.as_pence()).take(services) {
            *acc += i128::from(*v);
        }
    }

    fn merge(&mut self, other: &SegmentTotal) -> Result<()> {
        self.people = self
            .people
            .checked_add(other.people)
            .ok_or(Error::SpendOverflow)?;
        self.member_days = self
            .member_days
            .checked_add(other.member_days)
            .ok_or(Error::SpendOverflow)?;
        for (a, b) in self.spend.iter_mut().zip(other.spend) {
            *a = a.checked_add(b).ok_or(Error::SpendOverflow)?;
        }
        Ok(())
    }
}

/// Totals per segment of one scheme: a mergeable aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentTotals {
    scheme: String,
    services: usize,
    period_days: u16,
    segments: Vec<SegmentTotal>,
}

impl SegmentTotals {
    /// Empty totals for a scheme.
    #[must_use]
    pub fn empty(scheme: &CompiledScheme, services: &Services, period_days: u16) -> SegmentTotals {
        SegmentTotals {
            scheme: scheme.id().to_owned(),
            services: services.len(),
            period_days,
            segments: vec![SegmentTotal::default(); scheme.segment_count()],
        }
    }

    /// Add another set of totals of the same scheme into this one. Exactly associative and
    /// commutative.
    ///
    /// # Errors
    ///
    /// [`Error::TotalsMismatch`] for totals of another scheme, service list or period;
    /// [`Error::SpendOverflow`] past the integer range.
    pub fn merge(&mut self, other: &SegmentTotals) -> Result<()> {
        if self.scheme != other.scheme
            || self.services != other.services
            || self.period_days != other.period_days
            || self.segments.len() != other.segments.len()
        {
            return Err(Error::TotalsMismatch {
                left: self.scheme.clone(),
                right: other.scheme.clone(),
            });
        }
        for (a, b) in self.segments.iter_mut().zip(&other.segments) {
            a.merge(b)?;
        }
        Ok(())
    }

    /// The totals of each segment, indexed by [`SegmentIndex`].
    #[must_use]
    pub fn segments(&self) -> &[SegmentTotal] {
        &self.segments
    }

    /// The totals of one segment.
    #[must_use]
    pub fn segment(&self, segment: SegmentIndex) -> Option<&SegmentTotal> {
        self.segments.get(segment)
    }

    /// All people counted.
    #[must_use]
    pub fn people(&self) -> u64 {
        self.segments.iter().map(|s| s.people).sum()
    }

    /// All member-days counted.
    #[must_use]
    pub fn member_days(&self) -> u64 {
        self.segments.iter().map(|s| s.member_days).sum()
    }

    /// All spend, in pence.
    #[must_use]
    pub fn total_spend(&self) -> i128 {
        self.segments.iter().map(SegmentTotal::total_spend).sum()
    }

    /// The number of days in the period.
    #[must_use]
    pub fn period_days(&self) -> u16 {
        self.period_days
    }

    /// One reporting row per segment: people, person-years, spend by service, total, spend per
    /// head and per person-year (each rounded once, by `rounding`, from the exact ratio).
    ///
    /// # Errors
    ///
    /// [`Error::TotalsMismatch`] when `scheme` or `services` are not those the totals were made
    /// with; [`Error::Core`] when an amount exceeds the money range.
    pub fn rows(
        &self,
        scheme: &CompiledScheme,
        services: &Services,
        rounding: RoundingRule,
    ) -> Result<Vec<SegmentRow>> {
        if scheme.id() != self.scheme
            || scheme.segment_count() != self.segments.len()
            || services.len() != self.services
        {
            return Err(Error::TotalsMismatch {
                left: self.scheme.clone(),
                right: scheme.id().to_owned(),
            });
        }
        let mut rows = Vec::with_capacity(self.segments.len());
        for (i, seg) in self.segments.iter().enumerate() {
            let (band, need) = scheme.segment_ids(i).unwrap_or(("", ""));
            let (band_name, need_name) = scheme.segment_names(i).unwrap_or(("", ""));
            let spend = seg
                .spend
                .iter()
                .take(self.services)
                .map(|p| pence_to_money(*p))
                .collect::<Result<Vec<_>>>()?;
            let total_pence = seg.total_spend();
            let total = pence_to_money(total_pence)?;
            let person_years = if self.period_days == 0 {
                Decimal::ZERO
            } else {
                Decimal::from(seg.member_days) / Decimal::from(self.period_days)
            };
            let spend_per_head = if seg.people == 0 {
                None
            } else {
                Some(total.per_head(Decimal::from(seg.people), rounding)?)
            };
            let spend_per_person_year = if seg.member_days == 0 {
                None
            } else {
                // total * period_days / member_days, rounded once.
                let scaled = total
                    .as_decimal()
                    .checked_mul(Decimal::from(self.period_days))
                    .ok_or(Error::SpendOverflow)?;
                let exact = scaled
                    .checked_div(Decimal::from(seg.member_days))
                    .ok_or(Error::SpendOverflow)?;
                Some(Money::from_decimal_rounded(exact, rounding))
            };
            rows.push(SegmentRow {
                band: band.to_owned(),
                need: need.to_owned(),
                band_name: band_name.to_owned(),
                need_name: need_name.to_owned(),
                people: seg.people,
                person_years,
                spend,
                total_spend: total,
                spend_per_head,
                spend_per_person_year,
            });
        }
        Ok(rows)
    }
}

fn pence_to_money(pence: i128) -> Result<Money> {
    let d = Decimal::try_from_i128_with_scale(pence, 2).map_err(|_| Error::SpendOverflow)?;
    Ok(Money::from_decimal(d)?)
}

/// One segment's figures, ready to print or serialize.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentRow {
    /// Age band id.
    pub band: String,
    /// Need id (the matched rule).
    pub need: String,
    /// Age band name.
    pub band_name: String,
    /// Need name.
    pub need_name: String,
    /// Head count.
    pub people: u64,
    /// Person-years: member-days over the days of the period.
    pub person_years: Decimal,
    /// Spend by service category, in the order of the services.
    pub spend: Vec<Money>,
    /// Total spend.
    pub total_spend: Money,
    /// Total spend over head count, rounded; `None` for an empty segment.
    pub spend_per_head: Option<Money>,
    /// Total spend over person-years, rounded; `None` with no membership.
    pub spend_per_person_year: Option<Money>,
}

/// Aggregates people into a compiled scheme's segments.
#[derive(Debug, Clone, Copy)]
pub struct Segmenter<'a> {
    scheme: &'a CompiledScheme,
    services: &'a Services,
    period_days: u16,
}

impl<'a> Segmenter<'a> {
    /// A segmenter for a scheme, service list and period length in days (1 to 366).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for a period of 0 or more than 366 days.
    pub fn new(
        scheme: &'a CompiledScheme,
        services: &'a Services,
        period_days: u16,
    ) -> Result<Segmenter<'a>> {
        if period_days == 0 || period_days > MAX_PERIOD_DAYS {
            return Err(Error::InvalidValue {
                field: "period_days",
                value: period_days.to_string(),
                expected: "a period of 1 to 366 days",
            });
        }
        Ok(Segmenter {
            scheme,
            services,
            period_days,
        })
    }

    /// Empty totals for this segmenter.
    #[must_use]
    pub fn empty(&self) -> SegmentTotals {
        SegmentTotals::empty(self.scheme, self.services, self.period_days)
    }

    fn check(&self, p: &Person) -> Result<()> {
        if p.member_days > self.period_days {
            return Err(Error::MembershipExceedsPeriod {
                days: p.member_days,
                period_days: self.period_days,
            });
        }
        Ok(())
    }

    /// Add one person to `totals`.
    ///
    /// # Errors
    ///
    /// [`Error::MembershipExceedsPeriod`] when the person's member-days exceed the period;
    /// [`Error::TotalsMismatch`] when `totals` belong to another scheme.
    #[inline]
    pub fn add(&self, totals: &mut SegmentTotals, p: &Person) -> Result<()> {
        self.check(p)?;
        let seg = self.scheme.segment(p);
        match totals.segments.get_mut(seg) {
            Some(t) => {
                t.add(p, self.services.len());
                Ok(())
            }
            None => Err(Error::TotalsMismatch {
                left: totals.scheme.clone(),
                right: self.scheme.id().to_owned(),
            }),
        }
    }

    /// Stream people into totals on the calling thread; memory is the totals only.
    ///
    /// # Errors
    ///
    /// As [`Segmenter::add`].
    pub fn aggregate<I: IntoIterator<Item = Person>>(&self, people: I) -> Result<SegmentTotals> {
        let mut totals = self.empty();
        for p in people {
            self.add(&mut totals, &p)?;
        }
        Ok(totals)
    }

    /// Stream fallible people (as readers yield them), stopping at the first error.
    ///
    /// # Errors
    ///
    /// The first error from the iterator, or as [`Segmenter::add`].
    pub fn try_aggregate<I: IntoIterator<Item = Result<Person>>>(
        &self,
        people: I,
    ) -> Result<SegmentTotals> {
        let mut totals = self.empty();
        for p in people {
            self.add(&mut totals, &p?)?;
        }
        Ok(totals)
    }

    /// Aggregate a parallel iterator of people on all cores (rayon fold and reduce).
    ///
    /// # Errors
    ///
    /// As [`Segmenter::add`].
    pub fn par_aggregate<I>(&self, people: I) -> Result<SegmentTotals>
    where
        I: IntoParallelIterator<Item = Person>,
    {
        people
            .into_par_iter()
            .try_fold(
                || self.empty(),
                |mut acc, p| {
                    self.add(&mut acc, &p)?;
                    Ok(acc)
                },
            )
            .try_reduce(
                || self.empty(),
                |mut a, b| {
                    a.merge(&b)?;
                    Ok(a)
                },
            )
    }

    /// Aggregate a slice of people on all cores, in chunks.
    ///
    /// # Errors
    ///
    /// As [`Segmenter::add`].
    pub fn aggregate_slice(&self, people: &[Person]) -> Result<SegmentTotals> {
        people
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut t = self.empty();
                for p in chunk {
                    self.add(&mut t, p)?;
                }
                Ok(t)
            })
            .try_reduce(
                || self.empty(),
                |mut a, b| {
                    a.merge(&b)?;
                    Ok(a)
                },
            )
    }

    /// Aggregate a columnar batch on all cores.
    ///
    /// # Errors
    ///
    /// [`Error::TotalsMismatch`] when the batch has another number of spend columns than the
    /// services; [`Error::MembershipExceedsPeriod`] for member-days past the period.
    pub fn aggregate_columns(&self, cols: &PeopleColumns) -> Result<SegmentTotals> {
        if cols.spend.len() != self.services.len() {
            return Err(Error::TotalsMismatch {
                left: format!("{} services", self.services.len()),
                right: format!("{} spend columns", cols.spend.len()),
            });
        }
        if let Some(days) = cols.member_days.iter().copied().max()
            && days > self.period_days
        {
            return Err(Error::MembershipExceedsPeriod {
                days,
                period_days: self.period_days,
            });
        }
        let n = cols.len();
        let starts: Vec<usize> = (0..n).step_by(CHUNK).collect();
        starts
            .par_iter()
            .map(|start| {
                let end = (start + CHUNK).min(n);
                Ok(self.columns_range(cols, *start, end))
            })
            .try_reduce(
                || self.empty(),
                |mut a, b| {
                    a.merge(&b)?;
                    Ok(a)
                },
            )
    }

    fn segments_of<C: Copy + Into<u64>>(
        &self,
        cols: &PeopleColumns,
        range: std::ops::Range<usize>,
        conds: &[C],
        segs: &mut Vec<u8>,
    ) {
        let ages = cols.age.get(range.clone()).unwrap_or(&[]);
        let sexes = cols.sex.get(range.clone()).unwrap_or(&[]);
        match self.scheme.table() {
            Some(t) => t.segments_into(ages, sexes, conds, segs),
            None => {
                let places = cols.place.get(range.clone()).unwrap_or(&[]);
                let deps = cols.deprivation.get(range).unwrap_or(&[]);
                segs.extend(
                    ages.iter()
                        .zip(sexes)
                        .zip(conds)
                        .zip(places.iter().zip(deps))
                        .map(|(((a, s), c), (p, d))| {
                            self.scheme.segment_parts(*a, *s, (*c).into(), *p, *d) as u8
                        }),
                );
            }
        }
    }

    fn columns_range(&self, cols: &PeopleColumns, start: usize, end: usize) -> SegmentTotals {
        let mut totals = self.empty();
        let range = start..end;
        let mut segs = Vec::with_capacity(end - start);
        match &cols.conditions {
            Column::Narrow(c) => {
                self.segments_of(
                    cols,
                    range.clone(),
                    c.get(range.clone()).unwrap_or(&[]),
                    &mut segs,
                );
            }
            Column::Wide(c) => {
                self.segments_of(
                    cols,
                    range.clone(),
                    c.get(range.clone()).unwrap_or(&[]),
                    &mut segs,
                );
            }
        }
        let member_days = cols.member_days.get(range.clone()).unwrap_or(&[]);
        let narrow: Vec<&[u32]> = cols
            .spend
            .iter()
            .filter_map(|c| match c {
                Column::Narrow(v) => v.get(range.clone()),
                Column::Wide(_) => None,
            })
            .collect();
        if narrow.len() == cols.spend.len() {
            // Every spend column is narrow: one fused pass over the rows.
            let (people, days) = match narrow.len() {
                1 => fused::<1>(&segs, member_days, &narrow, &mut totals),
                2 => fused::<2>(&segs, member_days, &narrow, &mut totals),
                3 => fused::<3>(&segs, member_days, &narrow, &mut totals),
                4 => fused::<4>(&segs, member_days, &narrow, &mut totals),
                5 => fused::<5>(&segs, member_days, &narrow, &mut totals),
                6 => fused::<6>(&segs, member_days, &narrow, &mut totals),
                7 => fused::<7>(&segs, member_days, &narrow, &mut totals),
                _ => fused::<8>(&segs, member_days, &narrow, &mut totals),
            };
            for ((t, p), d) in totals.segments.iter_mut().zip(people).zip(days) {
                t.people = p;
                t.member_days = d;
            }
            return totals;
        }
        let people = scatter_count(&segs);
        let days = scatter_sum(&segs, member_days, |d| u64::from(*d));
        for (k, column) in cols.spend.iter().enumerate() {
            let sums: [i128; 256] = match column {
                // At most CHUNK values below 2^32 sum below 2^48: a u64 holds them.
                Column::Narrow(v) => {
                    let values = v.get(range.clone()).unwrap_or(&[]);
                    scatter_sum(&segs, values, |x| u64::from(*x)).map(i128::from)
                }
                Column::Wide(v) => {
                    let values = v.get(range.clone()).unwrap_or(&[]);
                    // Sums of at most CHUNK values below this bound fit in an i64.
                    let narrow = cols
                        .spend_max
                        .get(k)
                        .is_some_and(|m| *m <= i64::MAX / CHUNK as i64);
                    if narrow {
                        scatter_sum(&segs, values, |x| *x).map(i128::from)
                    } else {
                        scatter_sum(&segs, values, |x| i128::from(*x))
                    }
                }
            };
            for (t, sum) in totals.segments.iter_mut().zip(sums) {
                if let Some(slot) = t.spend.get_mut(k) {
                    *slot = sum;
                }
            }
        }
        for ((t, p), d) in totals.segments.iter_mut().zip(people).zip(days) {
            t.people = p;
            t.member_days = d;
        }
        totals
    }
}

/// One pass over a chunk whose `N` spend columns are all narrow: per row, the head count,
/// member-days and each spend column go to the row's segment. Two interleaved sets of
/// accumulators keep neighbouring rows of one segment from waiting on each other's stores.
fn fused<const N: usize>(
    segs: &[u8],
    days: &[u16],
    columns: &[&[u32]],
    totals: &mut SegmentTotals,
) -> ([u64; 256], [u64; 256]) {
    let Ok(columns) = <[&[u32]; N]>::try_from(columns) else {
        return ([0; 256], [0; 256]);
    };
    let mut iters = columns.map(|c| c.iter());
    let mut acc = vec![[[0u64; N]; 256]; 2];
    let mut people = [[0u64; 256]; 2];
    let mut member_days = [[0u64; 256]; 2];
    if let ([a0, a1], [p0, p1], [d0, d1]) = (acc.as_mut_slice(), &mut people, &mut member_days) {
        let mut rows = segs.iter().zip(days);
        while let Some((s, d)) = rows.next() {
            let seg = usize::from(*s);
            bump(p0, *s, 1);
            bump(d0, *s, u64::from(*d));
            if let Some(row) = a0.get_mut(seg) {
                for (slot, it) in row.iter_mut().zip(iters.iter_mut()) {
                    *slot += it.next().map_or(0, |v| u64::from(*v));
                }
            }
            let Some((s, d)) = rows.next() else { break };
            let seg = usize::from(*s);
            bump(p1, *s, 1);
            bump(d1, *s, u64::from(*d));
            if let Some(row) = a1.get_mut(seg) {
                for (slot, it) in row.iter_mut().zip(iters.iter_mut()) {
                    *slot += it.next().map_or(0, |v| u64::from(*v));
                }
            }
        }
    }
    for lane in &acc {
        for (t, row) in totals.segments.iter_mut().zip(lane) {
            for (slot, v) in t.spend.iter_mut().zip(row) {
                *slot += i128::from(*v);
            }
        }
    }
    let [pa, pb] = people;
    let [da, db] = member_days;
    (
        std::array::from_fn(|i| pa.get(i).copied().unwrap_or(0) + pb.get(i).copied().unwrap_or(0)),
        std::array::from_fn(|i| da.get(i).copied().unwrap_or(0) + db.get(i).copied().unwrap_or(0)),
    )
}

/// Count rows per segment. Four interleaved tallies keep consecutive rows of the same segment
/// from waiting on each other's stores.
fn scatter_count(segs: &[u8]) -> [u64; 256] {
    let mut lanes = [[0u64; 256]; 4];
    let mut quads = segs.chunks_exact(4);
    for q in quads.by_ref() {
        if let ([a, b, c, d], [l0, l1, l2, l3]) = (q, &mut lanes) {
            bump(l0, *a, 1);
            bump(l1, *b, 1);
            bump(l2, *c, 1);
            bump(l3, *d, 1);
        }
    }
    let [l0, ..] = &mut lanes;
    for s in quads.remainder() {
        bump(l0, *s, 1);
    }
    let mut out = [0u64; 256];
    for lane in &lanes {
        for (o, v) in out.iter_mut().zip(lane) {
            *o += v;
        }
    }
    out
}

#[inline(always)]
fn bump<T: std::ops::AddAssign + Copy>(lane: &mut [T; 256], seg: u8, v: T) {
    if let Some(slot) = lane.get_mut(usize::from(seg)) {
        *slot += v;
    }
}

/// Sum a column per segment, with four interleaved accumulators (see [`scatter_count`]), in
/// the accumulator type `A` (the caller picks one that cannot overflow for the chunk).
fn scatter_sum<V, A>(segs: &[u8], values: &[V], widen: impl Fn(&V) -> A) -> [A; 256]
where
    A: Copy + Default + std::ops::AddAssign,
{
    let mut lanes = [[A::default(); 256]; 4];
    let mut quads = segs.chunks_exact(4).zip(values.chunks_exact(4));
    for (q, v) in quads.by_ref() {
        if let ([a, b, c, d], [va, vb, vc, vd], [l0, l1, l2, l3]) = (q, v, &mut lanes) {
            bump(l0, *a, widen(va));
            bump(l1, *b, widen(vb));
            bump(l2, *c, widen(vc));
            bump(l3, *d, widen(vd));
        }
    }
    let done = segs.len() - segs.len() % 4;
    let [l0, ..] = &mut lanes;
    for (s, v) in segs.iter().zip(values).skip(done) {
        bump(l0, *s, widen(v));
    }
    let mut out = [A::default(); 256];
    for lane in &lanes {
        for (o, v) in out.iter_mut().zip(lane) {
            *o += *v;
        }
    }
    out
}

/// A column stored as narrow as its values allow (`N`), widened to `W` for good on the first
/// value that does not fit: less memory to stream, the same values.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column<N, W> {
    Narrow(Vec<N>),
    Wide(Vec<W>),
}

impl<N, W> Column<N, W>
where
    N: Copy + TryFrom<W> + Into<W>,
    W: Copy,
{
    fn with_capacity(rows: usize) -> Self {
        Column::Narrow(Vec::with_capacity(rows))
    }

    fn push(&mut self, v: W) {
        match self {
            Column::Narrow(values) => match N::try_from(v) {
                Ok(n) => values.push(n),
                Err(_) => {
                    let mut wide: Vec<W> =
                        Vec::with_capacity(values.capacity().max(values.len() + 1));
                    wide.extend(values.iter().map(|x| (*x).into()));
                    wide.push(v);
                    *self = Column::Wide(wide);
                }
            },
            Column::Wide(values) => values.push(v),
        }
    }

    fn get(&self, row: usize) -> Option<W> {
        match self {
            Column::Narrow(values) => values.get(row).map(|x| (*x).into()),
            Column::Wide(values) => values.get(row).copied(),
        }
    }
}

impl<N, W> Default for Column<N, W> {
    fn default() -> Self {
        Column::Narrow(Vec::new())
    }
}

/// People as columns, the layout an analyst's dataframe uses: one vector per field. Condition
/// sets are kept in 16 bits and spend in 32 bits while every value fits (the usual case), and
/// widened when one does not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleColumns {
    age: Vec<u8>,
    sex: Vec<Sex>,
    conditions: Column<u16, u64>,
    place: Vec<PlaceId>,
    deprivation: Vec<Deprivation>,
    member_days: Vec<u16>,
    spend: Vec<Column<u32, i64>>,
    spend_max: Vec<i64>,
}

impl PeopleColumns {
    /// An empty batch with `services` spend columns.
    #[must_use]
    pub fn new(services: usize) -> PeopleColumns {
        PeopleColumns {
            spend: vec![Column::default(); services.min(MAX_SERVICES)],
            spend_max: vec![0; services.min(MAX_SERVICES)],
            ..PeopleColumns::default()
        }
    }

    /// An empty batch with room for `rows` people.
    #[must_use]
    pub fn with_capacity(services: usize, rows: usize) -> PeopleColumns {
        PeopleColumns {
            age: Vec::with_capacity(rows),
            sex: Vec::with_capacity(rows),
            conditions: Column::with_capacity(rows),
            place: Vec::with_capacity(rows),
            deprivation: Vec::with_capacity(rows),
            member_days: Vec::with_capacity(rows),
            spend: (0..services.min(MAX_SERVICES))
                .map(|_| Column::with_capacity(rows))
                .collect(),
            spend_max: vec![0; services.min(MAX_SERVICES)],
        }
    }

    /// Append one person (their spend in the first `services` categories).
    pub fn push(&mut self, p: &Person) {
        self.age.push(p.age);
        self.sex.push(p.sex);
        self.conditions.push(p.conditions.bits());
        self.place.push(p.place);
        self.deprivation.push(p.deprivation);
        self.member_days.push(p.member_days);
        for (k, (col, max)) in self.spend.iter_mut().zip(&mut self.spend_max).enumerate() {
            let v = p.spend.get(k);
            col.push(v);
            *max = (*max).max(v);
        }
    }

    /// Append people.
    pub fn extend<'p>(&mut self, people: impl IntoIterator<Item = &'p Person>) {
        for p in people {
            self.push(p);
        }
    }

    /// The number of people.
    #[must_use]
    pub fn len(&self) -> usize {
        self.age.len()
    }

    /// True when there are no people.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.age.is_empty()
    }

    /// The person at a row.
    #[must_use]
    pub fn get(&self, row: usize) -> Option<Person> {
        let mut pence = [0i64; MAX_SERVICES];
        for (slot, col) in pence.iter_mut().zip(&self.spend) {
            *slot = col.get(row)?;
        }
        Some(Person {
            age: *self.age.get(row)?,
            sex: *self.sex.get(row)?,
            conditions: crate::catalogue::ConditionSet::from_bits(self.conditions.get(row)?),
            place: *self.place.get(row)?,
            deprivation: *self.deprivation.get(row)?,
            member_days: *self.member_days.get(row)?,
            spend: crate::person::ServiceSpend::from_pence(&pence).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{ConditionCatalogue, ConditionSet};
    use crate::person::{Places, ServiceSpend};
    use crate::scheme::SegmentationScheme;

    fn setup() -> (CompiledScheme, Services) {
        let s = SegmentationScheme::devon()
            .unwrap()
            .compile(
                ConditionCatalogue::builtin().unwrap(),
                &mut Places::default(),
            )
            .unwrap();
        (s, Services::new(["primary", "acute"]).unwrap())
    }

    fn people() -> Vec<Person> {
        let c = ConditionCatalogue::builtin().unwrap();
        let mut a = Person::new(80, Sex::Female, 365);
        a.conditions.insert(c.id("dementia").unwrap());
        a.spend = ServiceSpend::from_pence(&[10_000, 250_001]).unwrap();
        let mut b = Person::new(80, Sex::Male, 365);
        b.conditions.insert(c.id("dementia").unwrap());
        b.member_days = 73;
        b.spend = ServiceSpend::from_pence(&[5_000, 0]).unwrap();
        let c0 = Person::new(5, Sex::Unknown, 365);
        vec![a, b, c0]
    }

    #[test]
    fn totals_and_rows() {
        let (scheme, services) = setup();
        let seg = Segmenter::new(&scheme, &services, 365).unwrap();
        let totals = seg.aggregate(people()).unwrap();
        assert_eq!(totals.people(), 3);
        assert_eq!(totals.total_spend(), 265_001);
        let rows = totals
            .rows(&scheme, &services, RoundingRule::HalfAwayFromZero)
            .unwrap();
        let dementia = rows
            .iter()
            .find(|r| r.band == "elderly" && r.need == "dementia")
            .unwrap();
        assert_eq!(dementia.people, 2);
        assert_eq!(dementia.person_years, Decimal::new(12, 1));
        assert_eq!(dementia.total_spend, Money::from_pence(265_001));
        // 2650.01 / 2 = 1325.005 -> 1325.01 half away from zero.
        assert_eq!(dementia.spend_per_head, Some(Money::from_pence(132_501)));
        // 2650.01 / 1.2 = 2208.341666...
        assert_eq!(
            dementia.spend_per_person_year,
            Some(Money::from_pence(220_834))
        );
        let rows_even = totals
            .rows(&scheme, &services, RoundingRule::HalfEven)
            .unwrap();
        let d2 = rows_even
            .iter()
            .find(|r| r.need == "dementia" && r.band == "elderly")
            .unwrap();
        assert_eq!(d2.spend_per_head, Some(Money::from_pence(132_500)));
        let empty = rows
            .iter()
            .find(|r| r.band == "adults" && r.need == "cancer")
            .unwrap();
        assert_eq!(empty.spend_per_head, None);
    }

    #[test]
    fn all_paths_agree() {
        let (scheme, services) = setup();
        let seg = Segmenter::new(&scheme, &services, 365).unwrap();
        let ps = people();
        let a = seg.aggregate(ps.clone()).unwrap();
        let b = seg.par_aggregate(ps.clone()).unwrap();
        let c = seg.aggregate_slice(&ps).unwrap();
        let mut cols = PeopleColumns::new(2);
        cols.extend(&ps);
        assert_eq!(cols.len(), ps.len());
        let d = seg.aggregate_columns(&cols).unwrap();
        let e = seg.try_aggregate(ps.iter().copied().map(Ok)).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a, d);
        assert_eq!(a, e);
        assert_eq!(cols.get(0), ps.first().copied());
    }

    #[test]
    fn columns_widen_when_a_value_does_not_fit() {
        let (scheme, services) = setup();
        let seg = Segmenter::new(&scheme, &services, 365).unwrap();
        let mut people = people();
        let mut wide = Person::new(50, Sex::Male, 365);
        wide.conditions = ConditionSet::from_bits(1 << 40 | 1);
        wide.spend = ServiceSpend::from_pence(&[5_000_000_000, 1]).unwrap();
        people.insert(1, wide);
        let mut cols = PeopleColumns::new(2);
        for p in &people {
            cols.push(p);
        }
        assert!(matches!(cols.conditions, Column::Wide(_)));
        assert!(matches!(cols.spend.first(), Some(Column::Wide(_))));
        assert!(matches!(cols.spend.get(1), Some(Column::Narrow(_))));
        for (i, p) in people.iter().enumerate() {
            assert_eq!(cols.get(i).as_ref(), Some(p));
        }
        assert_eq!(
            seg.aggregate_columns(&cols).unwrap(),
            seg.aggregate(people).unwrap()
        );
    }

    #[test]
    fn columns_sum_huge_spend_without_overflow() {
        let (scheme, services) = setup();
        let seg = Segmenter::new(&scheme, &services, 365).unwrap();
        let mut p = Person::new(40, Sex::Female, 365);
        p.spend = ServiceSpend::from_pence(&[i64::MAX, 7]).unwrap();
        let people = vec![p; 5];
        let mut cols = PeopleColumns::new(2);
        for q in &people {
            cols.push(q);
        }
        let t = seg.aggregate_columns(&cols).unwrap();
        assert_eq!(t, seg.aggregate(people).unwrap());
        assert_eq!(t.total_spend(), 5 * i128::from(i64::MAX) + 35);
    }

    #[test]
    fn errors() {
        let (scheme, services) = setup();
        assert!(Segmenter::new(&scheme, &services, 0).is_err());
        assert!(Segmenter::new(&scheme, &services, 367).is_err());
        let seg = Segmenter::new(&scheme, &services, 365).unwrap();
        let mut p = Person::new(3, Sex::Female, 366);
        assert!(matches!(
            seg.aggregate([p]),
            Err(Error::MembershipExceedsPeriod { days: 366, .. })
        ));
        let mut cols = PeopleColumns::new(2);
        cols.push(&p);
        assert!(matches!(
            seg.aggregate_columns(&cols),
            Err(Error::MembershipExceedsPeriod { .. })
        ));
        p.member_days = 10;
        let wrong = PeopleColumns::new(3);
        assert!(matches!(
            seg.aggregate_columns(&wrong),
            Err(Error::TotalsMismatch { .. })
        ));
        let mut a = seg.aggregate([p]).unwrap();
        let other_services = Services::new(["x"]).unwrap();
        let seg2 = Segmenter::new(&scheme, &other_services, 365).unwrap();
        let bridges = SegmentationScheme::bridges_to_health()
            .unwrap()
            .compile(
                ConditionCatalogue::builtin().unwrap(),
                &mut Places::default(),
            )
            .unwrap();
        let mut small = Segmenter::new(&bridges, &services, 365).unwrap().empty();
        assert!(matches!(
            seg.add(&mut small, &Person::new(80, Sex::Male, 365)),
            Err(Error::TotalsMismatch { .. })
        ));
        assert!(matches!(
            a.merge(&seg2.empty()),
            Err(Error::TotalsMismatch { .. })
        ));
        assert!(matches!(
            a.rows(&scheme, &other_services, RoundingRule::DEFAULT),
            Err(Error::TotalsMismatch { .. })
        ));
        let mut big = seg.empty();
        if let Some(s) = big.segments.first_mut() {
            s.spend[0] = i128::MAX;
        }
        let mut one = seg.empty();
        if let Some(s) = one.segments.first_mut() {
            s.spend[0] = 1;
        }
        assert!(matches!(big.merge(&one), Err(Error::SpendOverflow)));
        assert!(matches!(
            big.rows(&scheme, &services, RoundingRule::DEFAULT),
            Err(Error::SpendOverflow)
        ));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::catalogue::{ConditionCatalogue, ConditionSet};
    use crate::person::{Places, ServiceSpend};
    use crate::scheme::SegmentationScheme;
    use proptest::prelude::*;

    fn schemes() -> Vec<CompiledScheme> {
        let c = ConditionCatalogue::builtin().unwrap();
        vec![
            SegmentationScheme::devon()
                .unwrap()
                .compile(c, &mut Places::default())
                .unwrap(),
            SegmentationScheme::bridges_to_health()
                .unwrap()
                .compile(c, &mut Places::default())
                .unwrap(),
        ]
    }

    fn person() -> impl Strategy<Value = Person> {
        (
            0u8..=110,
            prop_oneof![Just(Sex::Female), Just(Sex::Male), Just(Sex::Unknown)],
            0u64..(1 << 12),
            0u16..=365,
            proptest::collection::vec(0i64..1_000_000_000_000, 3),
        )
            .prop_map(|(age, sex, bits, days, spend)| {
                let mut p = Person::new(age, sex, 365);
                p.conditions = ConditionSet::from_bits(bits);
                p.member_days = days;
                p.spend = ServiceSpend::from_pence(&spend).unwrap();
                p
            })
    }

    fn services() -> Services {
        Services::new(["primary", "acute", "prescribing"]).unwrap()
    }

    proptest! {
        #[test]
        fn prop_every_person_in_exactly_one_segment_by_first_match(p in person()) {
            for scheme in schemes() {
                let a = scheme.assign(&p);
                let seg = scheme.segment(&p);
                prop_assert!(seg < scheme.segment_count());
                prop_assert_eq!(seg, scheme.segment_of(a));
                // The matched rule is the first whose predicate holds.
                let band = scheme.band_of_age(p.age);
                prop_assert!(scheme.rule_holds(usize::from(a.need), band, &p));
                for earlier in 0..usize::from(a.need) {
                    prop_assert!(!scheme.rule_holds(earlier, band, &p));
                }
                let services = services();
                let t = Segmenter::new(&scheme, &services, 365).unwrap().aggregate([p]).unwrap();
                prop_assert_eq!(t.segments().iter().filter(|s| s.people == 1).count(), 1);
                prop_assert_eq!(t.segment(seg).map(|s| s.people), Some(1));
            }
        }

        #[test]
        fn prop_totals_conserve_heads_days_and_spend(people in proptest::collection::vec(person(), 0..300)) {
            let services = services();
            for scheme in schemes() {
                let seg = Segmenter::new(&scheme, &services, 365).unwrap();
                let t = seg.aggregate(people.iter().copied()).unwrap();
                prop_assert_eq!(t.people(), people.len() as u64);
                prop_assert_eq!(t.member_days(), people.iter().map(|p| u64::from(p.member_days)).sum::<u64>());
                prop_assert_eq!(t.total_spend(), people.iter().map(|p| p.spend.total()).sum::<i128>());
                let rows = t.rows(&scheme, &services, RoundingRule::HalfEven).unwrap();
                let money: i128 = rows.iter().map(|r| r.total_spend.to_pence().map(i128::from).unwrap()).sum();
                prop_assert_eq!(money, t.total_spend());
                let heads: u64 = rows.iter().map(|r| r.people).sum();
                prop_assert_eq!(heads, people.len() as u64);
            }
        }

        #[test]
        fn prop_merge_is_associative_and_commutative(
            a in proptest::collection::vec(person(), 0..60),
            b in proptest::collection::vec(person(), 0..60),
            c in proptest::collection::vec(person(), 0..60),
        ) {
            let services = services();
            let scheme = schemes().remove(0);
            let seg = Segmenter::new(&scheme, &services, 365).unwrap();
            let (ta, tb, tc) = (
                seg.aggregate(a.clone()).unwrap(),
                seg.aggregate(b.clone()).unwrap(),
                seg.aggregate(c.clone()).unwrap(),
            );
            let mut ab = ta.clone();
            ab.merge(&tb).unwrap();
            let mut ba = tb.clone();
            ba.merge(&ta).unwrap();
            prop_assert_eq!(&ab, &ba);
            let mut ab_c = ab.clone();
            ab_c.merge(&tc).unwrap();
            let mut bc = tb.clone();
            bc.merge(&tc).unwrap();
            let mut a_bc = ta.clone();
            a_bc.merge(&bc).unwrap();
            prop_assert_eq!(&ab_c, &a_bc);
            let all: Vec<Person> = a.into_iter().chain(b).chain(c).collect();
            prop_assert_eq!(&seg.aggregate(all).unwrap(), &ab_c);
            let mut with_empty = ab_c.clone();
            with_empty.merge(&seg.empty()).unwrap();
            prop_assert_eq!(&with_empty, &ab_c);
        }

        #[test]
        fn prop_independent_of_order_and_thread_split(
            people in proptest::collection::vec(person(), 0..400).prop_shuffle(),
            split in 0usize..400,
            threads in 1usize..4,
        ) {
            let services = services();
            for scheme in schemes() {
                let seg = Segmenter::new(&scheme, &services, 365).unwrap();
                let sequential = seg.aggregate(people.iter().copied()).unwrap();
                let mut reversed = people.clone();
                reversed.reverse();
                prop_assert_eq!(&seg.aggregate(reversed).unwrap(), &sequential);
                let split = split.min(people.len());
                let (left, right) = people.split_at(split);
                let mut merged = seg.aggregate(right.iter().copied()).unwrap();
                merged.merge(&seg.aggregate(left.iter().copied()).unwrap()).unwrap();
                prop_assert_eq!(&merged, &sequential);
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                let (slice, par, cols) = pool.install(|| {
                    let cols: PeopleColumns = {
                        let mut c = PeopleColumns::new(3);
                        for p in &people { c.push(p); }
                        c
                    };
                    (
                        seg.aggregate_slice(&people).unwrap(),
                        seg.par_aggregate(people.clone()).unwrap(),
                        seg.aggregate_columns(&cols).unwrap(),
                    )
                });
                prop_assert_eq!(&slice, &sequential);
                prop_assert_eq!(&par, &sequential);
                prop_assert_eq!(&cols, &sequential);
            }
        }
    }
}
