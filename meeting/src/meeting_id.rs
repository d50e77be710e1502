//! GoTo meeting ids: digits only on the wire, shown as `123-456-789`.

use std::fmt;

/// A validated meeting id. Only digits, no more than int64 holds (GoTo ids are int64), so it can be
/// put into a GoTo URL without any risk of changing the path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MeetingId(String);

impl MeetingId {
    pub fn parse(raw: &str) -> Option<MeetingId> {
        let ok = !raw.is_empty()
            && raw.len() <= 19
            && raw.bytes().all(|b| b.is_ascii_digit())
            && raw.parse::<i64>().is_ok();
        ok.then(|| MeetingId(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The way GoTo shows ids to people: groups of three from the left, `123-456-789`.
    pub fn display_grouped(&self) -> String {
        let mut out = String::with_capacity(self.0.len() + self.0.len() / 3);
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % 3 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }
}

impl fmt::Display for MeetingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_ids_and_nothing_else_is() {
        assert!(MeetingId::parse("123456789").is_some());
        assert!(MeetingId::parse("9223372036854775807").is_some());
        for bad in [
            "",
            "12a",
            "../1",
            "1/2",
            "-1",
            " 1",
            "12345678901234567890",
            "9223372036854775808",
        ] {
            assert!(MeetingId::parse(bad).is_none(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn nine_digits_group_like_goto() {
        assert_eq!(
            MeetingId::parse("123456789").unwrap().display_grouped(),
            "123-456-789"
        );
        assert_eq!(
            MeetingId::parse("1234567890").unwrap().display_grouped(),
            "123-456-789-0"
        );
    }
}
