//! "Add to calendar": one meeting as an iCalendar file (RFC 5545) that every calendar app
//! imports. Times are UTC, so no time-zone definitions are needed.

use chrono::{DateTime, Utc};
use meeting::{Meeting, MeetingId};

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// RFC 5545 §3.3.11: backslash, semicolon and comma are escaped; line breaks become `\n`.
fn escape_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace(['\n', '\r'], "\\n")
}

/// RFC 5545 §3.1: lines longer than 75 octets are folded (CRLF + space), never inside a
/// UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out
}

pub fn invite(meeting: &Meeting, host: &str, now: DateTime<Utc>) -> String {
    let id = MeetingId::parse(&meeting.id)
        .map(|id| id.display_grouped())
        .unwrap_or_else(|| meeting.id.clone());
    let mut description = format!("Join: {}\nMeeting ID: {id}", meeting.join_url);
    // GoTo never receives the password (the organizer sets it when starting the meeting),
    // so the invitation can only say one is needed and who will give it.
    if meeting.password_required {
        description.push_str("\nA password is needed to join: the organizer will share it.");
    }
    if !meeting.conference_call_info.trim().is_empty() {
        description.push_str(&format!("\n\n{}", meeting.conference_call_info.trim()));
    }
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//GoToMeeting scheduling microapp//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:gotomeeting-{}@{}", meeting.id, escape_text(host)),
        format!("DTSTAMP:{}", stamp(now)),
        format!("DTSTART:{}", stamp(meeting.starts_at)),
        format!("DTEND:{}", stamp(meeting.ends_at)),
        format!("SUMMARY:{}", escape_text(&meeting.subject)),
        format!("LOCATION:{}", escape_text(&meeting.join_url)),
        format!("URL:{}", meeting.join_url),
        format!("DESCRIPTION:{}", escape_text(&description)),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    let mut out = String::new();
    for line in lines {
        out.push_str(&fold(&line));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn meeting() -> Meeting {
        Meeting {
            id: "123456789".into(),
            subject: "Revisión; plan, Q3 \\ <team>".into(),
            starts_at: Utc.with_ymd_and_hms(2026, 3, 10, 15, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2026, 3, 10, 15, 30, 0).unwrap(),
            join_url: "https://global.gotomeeting.com/join/123456789".into(),
            conference_call_info: "United States: +1 (571) 317-3112\nAccess Code: 123-456-789"
                .into(),
            password_required: true,
            coorganizers: vec![],
            role: meeting::MeetingRole::Organizer,
        }
    }

    #[test]
    fn an_invite_has_utc_times_and_escaped_text() {
        let ics = invite(&meeting(), "meetings.example.com", meeting().starts_at);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.contains("DTSTART:20260310T150000Z\r\n"));
        assert!(ics.contains("DTEND:20260310T153000Z\r\n"));
        assert!(ics.contains("SUMMARY:Revisión\\; plan\\, Q3 \\\\ <team>\r\n"));
        assert!(ics.contains("UID:gotomeeting-123456789@meetings.example.com"));
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(
            "Meeting ID: 123-456-789\\nA password is needed to join: the organizer will share it."
        ));
        assert!(unfolded.contains("Access Code: 123-456-789"));
    }

    #[test]
    fn an_invite_without_a_password_does_not_mention_one() {
        let open = Meeting {
            password_required: false,
            ..meeting()
        };
        let ics = invite(&open, "meetings.example.com", open.starts_at);
        assert!(!ics.to_lowercase().contains("password"));
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let folded = fold(&format!("SUMMARY:{}", "ñ".repeat(60)));
        for line in folded.split("\r\n") {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        assert_eq!(
            folded.replace("\r\n ", ""),
            format!("SUMMARY:{}", "ñ".repeat(60))
        );
    }
}
