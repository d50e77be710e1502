//! How the sandbox writes the times it answers with (`startTime`, `endTime` of a meeting and of
//! `upcomingMeetings`).
//!
//! GoTo documents these only as "date-time" (G2M OpenAPI). GoTo's own old get-meeting examples
//! show `2012-12-01T09:00:00.+0000`, a bare `.` before the offset (**sure**:
//! developer.citrixonline.com get-meeting; Citrix's template `file.sapp` strips the last `.`
//! before parsing, which only makes sense for that form). Which form GoTo sends today is not
//! settled (**assumed**), so the sandbox can answer in each of them and defaults to GoTo's own.
//! Incoming times (create and update bodies) are parsed as before, whatever this says.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One way of writing a UTC time. Every form carries a zero offset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimeFormat {
    /// `2026-03-10T15:00:00Z`
    Zulu,
    /// `2026-03-10T15:00:00+0000`
    Offset,
    /// `2026-03-10T15:00:00+00:00`
    Colon,
    /// `2026-03-10T15:00:00.000+0000`
    Millis,
    /// `2026-03-10T15:00:00.+0000`, GoTo's own examples: the default.
    #[default]
    BareDot,
}

impl TimeFormat {
    pub const ALL: [TimeFormat; 5] = [
        TimeFormat::Zulu,
        TimeFormat::Offset,
        TimeFormat::Colon,
        TimeFormat::Millis,
        TimeFormat::BareDot,
    ];

    /// The name used by `--time-format`, the JSON config, the environment and `/_admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeFormat::Zulu => "zulu",
            TimeFormat::Offset => "offset",
            TimeFormat::Colon => "colon",
            TimeFormat::Millis => "millis",
            TimeFormat::BareDot => "bare-dot",
        }
    }

    /// `time` written in this form.
    pub fn format(self, time: DateTime<Utc>) -> String {
        let pattern = match self {
            TimeFormat::Zulu => "%Y-%m-%dT%H:%M:%SZ",
            TimeFormat::Offset => "%Y-%m-%dT%H:%M:%S+0000",
            TimeFormat::Colon => "%Y-%m-%dT%H:%M:%S+00:00",
            TimeFormat::Millis => "%Y-%m-%dT%H:%M:%S%.3f+0000",
            TimeFormat::BareDot => "%Y-%m-%dT%H:%M:%S.+0000",
        };
        time.format(pattern).to_string()
    }

    /// 2026-03-10 15:00 UTC in this form, for help texts.
    pub fn example(self) -> String {
        let time = DateTime::parse_from_rfc3339("2026-03-10T15:00:00Z")
            .expect("a valid constant")
            .with_timezone(&Utc);
        self.format(time)
    }
}

impl fmt::Display for TimeFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TimeFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<TimeFormat, String> {
        let wanted = text.trim().to_ascii_lowercase().replace('_', "-");
        TimeFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = TimeFormat::ALL.iter().map(|f| f.as_str()).collect();
                format!("time format {text:?} is not one of {}", names.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_writes_the_same_instant() {
        let expected = [
            "2026-03-10T15:00:00Z",
            "2026-03-10T15:00:00+0000",
            "2026-03-10T15:00:00+00:00",
            "2026-03-10T15:00:00.000+0000",
            "2026-03-10T15:00:00.+0000",
        ];
        for (format, text) in TimeFormat::ALL.into_iter().zip(expected) {
            assert_eq!(format.example(), text);
            assert_eq!(format.as_str().parse::<TimeFormat>().unwrap(), format);
            assert_eq!(
                serde_json::to_value(format).unwrap(),
                serde_json::json!(format.as_str())
            );
        }
        assert_eq!(TimeFormat::default(), TimeFormat::BareDot);
        assert_eq!(
            "BARE_DOT".parse::<TimeFormat>().unwrap(),
            TimeFormat::BareDot
        );
        assert!("iso".parse::<TimeFormat>().is_err());
    }
}
