//! How people hear about what happens on their boards.

use serde::{Deserialize, Serialize};

stored_enum!(
    text
    /// How often someone gets e-mail about their notifications (stored as
    /// its text).
    EmailFrequency { Immediate = 1 => "immediate", Hourly = 2 => "hourly", Daily = 3 => "daily", Off = 4 => "off" }
);

impl Default for EmailFrequency {
    /// An hourly digest, as in the tool Critboard replaces.
    fn default() -> Self {
        Self::Hourly
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequencies_round_trip_and_default_to_hourly() {
        for f in [
            EmailFrequency::Immediate,
            EmailFrequency::Hourly,
            EmailFrequency::Daily,
            EmailFrequency::Off,
        ] {
            assert_eq!(EmailFrequency::from_i16(f.as_i16()), Some(f));
            assert_eq!(EmailFrequency::parse(f.as_str()), Some(f));
        }
        assert_eq!(EmailFrequency::default(), EmailFrequency::Hourly);
        assert_eq!(EmailFrequency::from_i16(9), None);
    }
}
