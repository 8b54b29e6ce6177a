//! What happened in a contract year: indicator achievement, milestone delivery, activity,
//! actual cost and in-year adjustments.
//!
//! Achievement arrives already scored (a [`Share`] from 0 to 1 per indicator, for example from
//! the `outcomes` crate's achievement curves), keyed by indicator id, so the engine does not
//! depend on how a framework scores its indicators.

use std::collections::BTreeMap;

use route_map_core::{Money, Share};
use serde::{Deserialize, Serialize};

macro_rules! share_map {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
        #[serde(transparent)]
        pub struct $name(BTreeMap<String, Share>);

        impl $name {
            /// Nothing recorded yet.
            #[must_use]
            pub fn new() -> Self {
                Self(BTreeMap::new())
            }

            #[doc = concat!("Record the ", $what, " of `id`, replacing any earlier value.")]
            pub fn insert(&mut self, id: impl Into<String>, value: Share) -> Option<Share> {
                self.0.insert(id.into(), value)
            }

            #[doc = concat!("The ", $what, " of `id`, if recorded.")]
            #[must_use]
            pub fn get(&self, id: &str) -> Option<Share> {
                self.0.get(id).copied()
            }

            /// The entries in id order.
            pub fn iter(&self) -> impl Iterator<Item = (&str, Share)> + '_ {
                self.0.iter().map(|(k, v)| (k.as_str(), *v))
            }

            /// Number of entries.
            #[must_use]
            pub fn len(&self) -> usize {
                self.0.len()
            }

            /// True when nothing is recorded.
            #[must_use]
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }

            pub(crate) fn map(&self) -> &BTreeMap<String, Share> {
                &self.0
            }
        }

        impl FromIterator<(String, Share)> for $name {
            fn from_iter<I: IntoIterator<Item = (String, Share)>>(iter: I) -> Self {
                Self(iter.into_iter().collect())
            }
        }

        impl From<BTreeMap<String, Share>> for $name {
            fn from(map: BTreeMap<String, Share>) -> Self {
                Self(map)
            }
        }
    };
}

share_map!(
    /// Achievement of each indicator in a contract year, from 0 (nothing) to 1 (fully met),
    /// keyed by indicator id. Ids the contract does not use are ignored, so a whole
    /// framework's results may be passed in.
    ///
    /// ```
    /// use capitation::payment::YearAchievement;
    /// use route_map_core::Share;
    /// let a: YearAchievement = [("OF1".to_owned(), Share::ONE)].into_iter().collect();
    /// assert_eq!(a.get("OF1"), Some(Share::ONE));
    /// ```
    YearAchievement,
    "achievement"
);

share_map!(
    /// Delivery of each transformation milestone, from 0 (not delivered) to 1 (delivered),
    /// keyed by milestone id.
    MilestoneDelivery,
    "delivery"
);

/// An in-year adjustment agreed during the contract year: due, and paid with the instalment
/// of its month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Adjustment {
    /// Month of the contract year it is paid in (1 is the first month).
    pub month: u32,
    /// Why (a contract variation, a correction).
    pub reason: String,
    /// The amount: positive to the provider, negative recovered from it.
    pub amount: Money,
}

/// Everything the engine needs to know about one contract year's results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct YearOutturn {
    /// Achievement of each outcome and CQUIN indicator.
    #[serde(default)]
    pub achievement: YearAchievement,
    /// Delivery of each milestone due in the year.
    #[serde(default)]
    pub milestones: MilestoneDelivery,
    /// Units of activity delivered, when the contract has a variable element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<i64>,
    /// Actual cost of the risk-share basket, when the contract has a gain/loss share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_cost: Option<Money>,
    /// In-year adjustments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
}

/// A scored outcomes framework feeds the engine directly: each indicator's achievement,
/// keyed by its id. Indicators the contract does not pay on are ignored at settlement.
///
/// ```
/// use capitation::payment::YearAchievement;
/// let framework = outcomes::templates::coventry_warwickshire()?;
/// let results = outcomes::templates::coventry_warwickshire_sample_results()?;
/// let score = framework.score(&results, 3)?;
/// let achievement = YearAchievement::from(&score);
/// assert!(achievement.get("OOH-01").is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl From<&outcomes::FrameworkScore> for YearAchievement {
    fn from(score: &outcomes::FrameworkScore) -> Self {
        score
            .indicator_achievements()
            .map(|(id, share)| (id.as_str().to_owned(), share))
            .collect()
    }
}
