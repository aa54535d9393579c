//! How fast `r` plays the optimiser: the user's choice of pace, in steps per second. It is
//! state of the app (shown in the status line, changed by `<` and `>`), but only the loop
//! reads it, to decide how many steps each tick may take; `update` counts steps, so what a
//! run records never depends on the pace.

/// The fixed paces, slowest first, in steps per second.
pub const RATES: [f64; 10] = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0];

/// Auto's pace at the first step of a play, in steps per second.
const AUTO_FIRST: f64 = 4.0;

/// The pace of continuous stepping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Speed {
    /// Starts at 4 steps a second and adds one a second per step taken, so a play of N
    /// steps lasts about ln(1 + N/4) seconds: 1 s for Newton's 6, 3.3 s for 110, 6.2 s for
    /// 2000. Every preset's run is watchable and none drags.
    #[default]
    Auto,
    /// One of [`RATES`], by index.
    Fixed(usize),
    /// As fast as the machine goes (the loop's work budget per frame).
    Max,
}

impl Speed {
    /// Steps per second after `played` steps of this play; None for as fast as possible.
    #[must_use]
    pub fn rate(self, played: usize) -> Option<f64> {
        match self {
            Speed::Auto => Some(AUTO_FIRST + played as f64),
            Speed::Fixed(i) => Some(RATES[i.min(RATES.len() - 1)]),
            Speed::Max => None,
        }
    }

    /// One notch slower (auto goes to the fixed pace just below its current rate).
    #[must_use]
    pub fn slower(self, played: usize) -> Self {
        match self {
            Speed::Auto => {
                let now = self.rate(played).unwrap_or(AUTO_FIRST);
                Speed::Fixed(RATES.iter().rposition(|r| *r < now).unwrap_or(0))
            }
            Speed::Fixed(i) => Speed::Fixed(i.saturating_sub(1)),
            Speed::Max => Speed::Fixed(RATES.len() - 1),
        }
    }

    /// One notch faster (auto goes to the fixed pace just above its current rate).
    #[must_use]
    pub fn faster(self, played: usize) -> Self {
        match self {
            Speed::Auto => {
                let now = self.rate(played).unwrap_or(AUTO_FIRST);
                RATES.iter().position(|r| *r > now).map_or(Speed::Max, Speed::Fixed)
            }
            Speed::Fixed(i) if i + 1 < RATES.len() => Speed::Fixed(i + 1),
            Speed::Fixed(_) | Speed::Max => Speed::Max,
        }
    }

    /// The pace in words for the status line ("12 steps/s (auto)", "max").
    #[must_use]
    pub fn label(self, played: usize) -> String {
        match (self, self.rate(played)) {
            (Speed::Auto, Some(r)) => format!("auto, now {} steps/s", r.round()),
            (_, Some(1.0)) => "1 step/s".into(),
            (_, Some(r)) => format!("{r} steps/s"),
            (_, None) => "max speed".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notches_go_from_one_a_second_to_max_and_stop_there() {
        let mut s = Speed::Auto.slower(0);
        assert_eq!(s, Speed::Fixed(1), "auto's 4/s is between 2 and 5");
        for _ in 0..20 {
            s = s.slower(0);
        }
        assert_eq!(s.rate(0), Some(1.0));
        for _ in 0..20 {
            s = s.faster(0);
        }
        assert_eq!(s, Speed::Max);
        assert_eq!(s.rate(0), None);
        assert_eq!(Speed::Auto.faster(100), Speed::Fixed(7), "104/s goes up to 200/s");
        assert_eq!(Speed::Auto.label(8), "auto, now 12 steps/s");
    }
}
