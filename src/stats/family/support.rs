//! Where a family's values lie, declared as data: the set (for the membership test, and
//! whether the family is discrete) and the words that name it in messages.

/// The largest whole number of a discrete support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Last {
    /// A fixed value (bernoulli's 1).
    Value(u64),
    /// The family's fixed part (binomial's n).
    Fixed,
    /// One below the family's fixed part (categorical's k − 1).
    BelowFixed,
    /// No end, short of 2^53, past which f64 no longer holds every whole number.
    Unbounded,
}

/// A set of values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Set {
    /// Every finite number.
    Real,
    /// Finite x ≥ 0.
    NonNegative,
    /// Finite x > 0.
    Positive,
    /// 0 < x < 1.
    OpenUnit,
    /// Whole numbers from `from` to `last`.
    Whole {
        /// The smallest value.
        from: u64,
        /// The largest value.
        last: Last,
    },
}

/// A family's support: the set, and how messages name it (`{last}` stands for the largest
/// whole number, where that depends on the fixed part).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Support {
    /// The set.
    pub set: Set,
    /// Its description.
    pub text: &'static str,
}

/// 2^53: from here on consecutive whole numbers are no longer all f64 values.
const WHOLE_LIMIT: f64 = 9_007_199_254_740_992.0;

impl Support {
    /// Whether the support is whole numbers.
    #[must_use]
    pub const fn is_discrete(self) -> bool {
        matches!(self.set, Set::Whole { .. })
    }

    /// The largest value of a discrete support with fixed part `fixed`.
    fn last(self, fixed: u64) -> Option<u64> {
        match self.set {
            Set::Whole { last: Last::Value(v), .. } => Some(v),
            Set::Whole { last: Last::Fixed, .. } => Some(fixed),
            Set::Whole { last: Last::BelowFixed, .. } => Some(fixed.saturating_sub(1)),
            _ => None,
        }
    }

    /// Whether x lies in the support, with fixed part `fixed`.
    #[must_use]
    pub fn contains(self, x: f64, fixed: u64) -> bool {
        match self.set {
            Set::Real => x.is_finite(),
            Set::NonNegative => x >= 0.0 && x.is_finite(),
            Set::Positive => x > 0.0 && x.is_finite(),
            Set::OpenUnit => x > 0.0 && x < 1.0,
            Set::Whole { from, last } => {
                x >= from as f64
                    && x.fract() == 0.0
                    && match self.last(fixed) {
                        Some(top) => x <= top as f64,
                        None => x < WHOLE_LIMIT,
                    }
                    && (last != Last::Unbounded || x < WHOLE_LIMIT)
            }
        }
    }

    /// The words for messages, with fixed part `fixed`.
    #[must_use]
    pub fn describe(self, fixed: u64) -> String {
        match self.last(fixed) {
            Some(top) => self.text.replace("{last}", &top.to_string()),
            None => self.text.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_supports_hold_whole_numbers_to_their_last() {
        let trials =
            Support { set: Set::Whole { from: 0, last: Last::Fixed }, text: "0 to {last}" };
        assert!(trials.contains(0.0, 3) && trials.contains(3.0, 3));
        assert!(!trials.contains(4.0, 3) && !trials.contains(1.5, 3) && !trials.contains(-1.0, 3));
        assert!(!trials.contains(f64::NAN, 3));
        assert_eq!(trials.describe(3), "0 to 3");
        let counts =
            Support { set: Set::Whole { from: 1, last: Last::Unbounded }, text: "1, 2, …" };
        assert!(counts.contains(1.0, 0) && !counts.contains(0.0, 0));
        assert!(!counts.contains(WHOLE_LIMIT, 0) && counts.contains(WHOLE_LIMIT - 1.0, 0));
        let below = Support { set: Set::Whole { from: 0, last: Last::BelowFixed }, text: "" };
        assert!(below.contains(3.0, 4) && !below.contains(4.0, 4));
    }

    #[test]
    fn continuous_supports() {
        let open = Support { set: Set::OpenUnit, text: "" };
        assert!(open.contains(0.5, 0) && !open.contains(0.0, 0) && !open.contains(1.0, 0));
        let pos = Support { set: Set::Positive, text: "" };
        assert!(!pos.contains(0.0, 0) && !pos.contains(f64::INFINITY, 0));
        let nonneg = Support { set: Set::NonNegative, text: "" };
        assert!(nonneg.contains(0.0, 0) && !nonneg.contains(-1e-300, 0));
    }
}
