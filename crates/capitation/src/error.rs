//! The one error type of this crate.

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from `route-map-core` (money, dates, identifiers).
    #[error(transparent)]
    Core(#[from] route_map_core::Error),
    /// An error from the payment engine.
    #[error(transparent)]
    Payment(#[from] crate::payment::PaymentError),
    /// A population file (ONS estimates, weighted populations) is malformed at a place.
    #[error("{file}:{line}:{column}: {reason}")]
    PopulationFile {
        /// The file (or the name given for an in-memory source).
        file: String,
        /// The 1-based line number.
        line: u64,
        /// The 1-based column number (field position), or 0 when the whole line is at fault.
        column: usize,
        /// What was wrong.
        reason: String,
    },
    /// A population file could not be opened or read.
    #[error("cannot read {file}: {reason}")]
    PopulationFileIo {
        /// The file.
        file: String,
        /// The operating system's reason.
        reason: String,
    },
    /// An area code is not in a set of population estimates.
    #[error("area {code} is not in {source_name}")]
    UnknownArea {
        /// The code asked for.
        code: String,
        /// The estimates searched.
        source_name: String,
    },
    /// A budget input is negative where only zero or more makes sense.
    #[error("{context}: {value} is negative")]
    NegativeBudgetInput {
        /// Where the value was given, e.g. `segment "Mostly healthy children" spend`.
        context: String,
        /// The value as text.
        value: String,
    },
    /// A per-head rate or need index was asked of no people.
    #[error("{context}: population is zero, so nothing can be divided per head")]
    ZeroPopulation {
        /// The segment, place or group.
        context: String,
    },
    /// A name that must be unique appears twice.
    #[error("{context}: {name:?} appears more than once")]
    DuplicateBudgetName {
        /// The list, e.g. `segment baselines`.
        context: String,
        /// The repeated name.
        name: String,
    },
    /// A name referred to is not defined.
    #[error("{context}: {name:?} is not defined")]
    UnknownBudgetName {
        /// Where it was referred to.
        context: String,
        /// The name.
        name: String,
    },
    /// The lines of a financial envelope do not add up to its stated total.
    #[error("envelope {envelope:?}: lines sum to {sum} but the total is stated as {stated}")]
    EnvelopeTotalMismatch {
        /// The envelope.
        envelope: String,
        /// The stated total.
        stated: route_map_core::Money,
        /// The sum of the lines.
        sum: route_map_core::Money,
    },
    /// An age band is empty, inverted or overlaps another.
    #[error("age band {band:?}: {reason}")]
    InvalidAgeBand {
        /// The band's label.
        band: String,
        /// What is wrong.
        reason: String,
    },
    /// A projection factor or assumption is outside what makes sense.
    #[error("{context}: {reason}")]
    InvalidProjection {
        /// The assumption or step.
        context: String,
        /// What is wrong.
        reason: String,
    },
    /// A figure typed from a published table is not a non-negative decimal.
    #[error("printed figure {text:?} is not a decimal number")]
    InvalidPrintedNumber {
        /// The text given.
        text: String,
    },
    /// Embedded data of the crate could not be parsed (a build defect, reported not panicked).
    #[error("embedded data {name} is malformed: {reason}")]
    EmbeddedData {
        /// The file.
        name: &'static str,
        /// The parser's message.
        reason: String,
    },
    /// A scheme or catalogue file could not be parsed.
    #[error("cannot parse {what}: {reason}")]
    Parse {
        /// What was being parsed.
        what: &'static str,
        /// The parser's message.
        reason: String,
    },
    /// A condition catalogue has more conditions than a condition set holds.
    #[error("catalogue {catalogue} has {count} conditions; at most 64 are allowed")]
    TooManyConditions {
        /// The catalogue.
        catalogue: String,
        /// How many it has.
        count: usize,
    },
    /// An identifier is used twice.
    #[error("{kind} {id:?} is defined twice in {within}")]
    DuplicateId {
        /// What kind of thing (condition, age band, need, service category).
        kind: &'static str,
        /// The repeated id.
        id: String,
        /// Where.
        within: String,
    },
    /// A clinical code is mapped to two conditions.
    #[error("{system} code {code:?} is mapped twice in catalogue {catalogue}")]
    DuplicateCode {
        /// The coding system.
        system: crate::catalogue::CodeSystem,
        /// The code.
        code: String,
        /// The catalogue.
        catalogue: String,
    },
    /// A rule or record names a condition the catalogue does not define.
    #[error("condition {condition:?} is not in catalogue {catalogue}")]
    UnknownCondition {
        /// The name used.
        condition: String,
        /// The catalogue.
        catalogue: String,
    },
    /// A rule names an age band the scheme does not define.
    #[error("age band {band:?} is not defined in scheme {scheme}")]
    UnknownAgeBand {
        /// The name used.
        band: String,
        /// The scheme.
        scheme: String,
    },
    /// Spend is given for a service category that is not in the service list.
    #[error("service category {service:?} is not in the service list")]
    UnknownService {
        /// The name used.
        service: String,
    },
    /// Two age bands of a scheme overlap.
    #[error("age bands {first} and {second} of scheme {scheme} overlap")]
    OverlappingAgeBands {
        /// The scheme.
        scheme: String,
        /// The earlier band.
        first: String,
        /// The band that starts inside it.
        second: String,
    },
    /// The age bands of a scheme leave ages uncovered.
    #[error(
        "age bands of scheme {scheme} leave ages {from} to {to} uncovered (bands must run from 0 with the last open-ended)"
    )]
    AgeBandGap {
        /// The scheme.
        scheme: String,
        /// First uncovered age.
        from: u8,
        /// First covered age after the gap (255 when the last band is closed).
        to: u8,
    },
    /// A scheme has no residual need (a need without `when`), so someone could be left out.
    #[error("scheme {scheme} has no residual segment: the last need must have no `when` predicate")]
    NoResidualSegment {
        /// The scheme.
        scheme: String,
    },
    /// A scheme's residual need is not the last, or there are several.
    #[error(
        "scheme {scheme} must have exactly one residual need (without `when`), and it must be last"
    )]
    ResidualNotLast {
        /// The scheme.
        scheme: String,
    },
    /// A scheme is compiled against another catalogue than the one it names.
    #[error("scheme {scheme} is written for catalogue {expected:?} but was given {found:?}")]
    CatalogueMismatch {
        /// The scheme.
        scheme: String,
        /// The catalogue it names.
        expected: String,
        /// The catalogue given.
        found: String,
    },
    /// A value is outside its allowed range or form.
    #[error("invalid {field} {value:?}: expected {expected}")]
    InvalidValue {
        /// The field.
        field: &'static str,
        /// The value given.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// Spend is negative.
    #[error("negative spend {pence} pence for service {service}")]
    NegativeSpend {
        /// The service category (name or index).
        service: String,
        /// The amount in pence.
        pence: i64,
    },
    /// A person has neither an age nor a date of birth.
    #[error("no age and no date of birth at {at}")]
    MissingAge {
        /// Where.
        at: String,
    },
    /// A person's membership exceeds the period.
    #[error("membership of {days} days exceeds the period of {period_days} days")]
    MembershipExceedsPeriod {
        /// The member-days given.
        days: u16,
        /// The days in the period.
        period_days: u16,
    },
    /// Spend or counts overflow the integer range.
    #[error("spend or count overflows the integer range")]
    SpendOverflow,
    /// More distinct places than a place id holds.
    #[error("more than 4,294,967,294 distinct places")]
    TooManyPlaces,
    /// Segment totals of different schemes, services or periods were combined.
    #[error("segment totals do not match: {left} and {right}")]
    TotalsMismatch {
        /// One side.
        left: String,
        /// The other side.
        right: String,
    },
    /// A file could not be opened or read.
    #[error("cannot read {file}: {reason}")]
    Io {
        /// The file.
        file: String,
        /// The system's message.
        reason: String,
    },
    /// A row of an input file is malformed.
    #[error("{file}, line {line}, column {column}: {reason}")]
    Malformed {
        /// The file.
        file: String,
        /// The line (1 is the header).
        line: u64,
        /// The column name (or position when there is no header).
        column: String,
        /// What is wrong.
        reason: String,
    },
    /// A value in an input file is invalid; `source` says how.
    #[error("{file}, line {line}, column {column}: {source}")]
    At {
        /// The file.
        file: String,
        /// The line (1 is the header).
        line: u64,
        /// The column name.
        column: String,
        /// The typed error.
        source: Box<Error>,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
