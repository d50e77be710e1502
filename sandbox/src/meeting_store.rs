//! Meetings, in memory (and in the state file when one is set, see `persist.rs`), and the
//! details GoTo derives from them (ids, join URL, dial-in text).

use chrono::{DateTime, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::meeting_rules::MeetingInput;

/// A meeting as the sandbox holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxMeeting {
    /// 9 digits; GoTo's `meetingid`/`meetingId`.
    pub meeting_id: u64,
    /// GoTo's `meetingKey` and `uniqueMeetingId` are other numbers than `meetingId` here, so a
    /// client that mixes them up fails in tests (**assumed**: GoTo's example shows them equal).
    pub meeting_key: u64,
    pub unique_meeting_id: u64,
    pub organizer_key: String,
    pub account_key: String,
    /// As sent: `<` and `>` arrive escaped as `&lt;` and `&gt;`.
    pub subject: String,
    pub start_time: DateTime<Utc>,
    pub end_time: DateTime<Utc>,
    pub password_required: bool,
    /// What the client asked for: `PSTN`, `Free`, `Hybrid`, `Private`, `VoIP` or free text.
    pub conference_call_info: String,
    pub meeting_type: String,
    pub coorganizer_keys: Vec<String>,
    /// Set by `GET /meetings/{id}/start`; the GET answer then says `ACTIVE`.
    pub started: bool,
    pub created_at: DateTime<Utc>,
}

impl SandboxMeeting {
    pub fn join_url(&self) -> String {
        format!("https://global.gotomeeting.com/join/{}", self.meeting_id)
    }

    /// `123-456-789`, as GoTo prints access codes.
    pub fn access_code(&self) -> String {
        let id = self.meeting_id.to_string();
        if id.len() == 9 {
            format!("{}-{}-{}", &id[..3], &id[3..6], &id[6..])
        } else {
            id
        }
    }

    /// The `conferenceCallInfo` GoTo answers: a multi-line dial-in text for the audio modes
    /// with phone numbers, the mode itself for VoIP, and the organizer's own text otherwise.
    pub fn conference_call_text(&self) -> String {
        let code = self.access_code();
        match self.conference_call_info.as_str() {
            "PSTN" | "Hybrid" => format!(
                "United States: +1 (571) 317-3112\n\
                 Spain: +34 932 75 2004\n\
                 Mexico: +52 55 3687 7278\n\
                 United Kingdom: +44 20 3713 5028\n\
                 Argentina: +54 11 5258 9404\n\
                 Access Code: {code}"
            ),
            "Free" => format!(
                "United States (Toll Free): 1 877 309 2073\n\
                 Spain (Toll Free): 800 900 582\n\
                 United Kingdom (Toll Free): 0 800 169 0432\n\
                 Access Code: {code}"
            ),
            other => other.to_owned(),
        }
    }

    pub fn duration_minutes(&self) -> i64 {
        (self.end_time - self.start_time).num_minutes()
    }

    fn apply(&mut self, input: MeetingInput) {
        self.subject = input.subject;
        self.start_time = input.start_time;
        self.end_time = input.end_time;
        self.password_required = input.password_required;
        self.conference_call_info = input.conference_call_info;
        self.meeting_type = input.meeting_type;
        self.coorganizer_keys = input.coorganizer_keys;
    }
}

#[derive(Default)]
pub(crate) struct MeetingStore {
    meetings: Vec<SandboxMeeting>,
}

impl MeetingStore {
    pub fn create(
        &mut self,
        organizer_key: &str,
        account_key: &str,
        input: MeetingInput,
    ) -> SandboxMeeting {
        let mut rng = rand::thread_rng();
        let meeting_id = loop {
            let id = rng.gen_range(100_000_000..1_000_000_000u64);
            if self.get(id).is_none() {
                break id;
            }
        };
        let mut meeting = SandboxMeeting {
            meeting_id,
            meeting_key: rng.gen_range(10_000_000..100_000_000u64),
            unique_meeting_id: rng.gen_range(1_000_000_000..10_000_000_000u64),
            organizer_key: organizer_key.to_owned(),
            account_key: account_key.to_owned(),
            subject: String::new(),
            start_time: input.start_time,
            end_time: input.end_time,
            password_required: false,
            conference_call_info: String::new(),
            meeting_type: String::new(),
            coorganizer_keys: Vec::new(),
            started: false,
            created_at: Utc::now(),
        };
        meeting.apply(input);
        self.meetings.push(meeting.clone());
        meeting
    }

    pub fn get(&self, meeting_id: u64) -> Option<&SandboxMeeting> {
        self.meetings.iter().find(|m| m.meeting_id == meeting_id)
    }

    pub fn get_mut(&mut self, meeting_id: u64) -> Option<&mut SandboxMeeting> {
        self.meetings
            .iter_mut()
            .find(|m| m.meeting_id == meeting_id)
    }

    pub fn update(&mut self, meeting_id: u64, input: MeetingInput) {
        if let Some(meeting) = self.get_mut(meeting_id) {
            meeting.apply(input);
        }
    }

    /// A meeting from the state file: replaces the one with its id, or is added.
    pub fn restore(&mut self, meeting: SandboxMeeting) {
        match self.get_mut(meeting.meeting_id) {
            Some(existing) => *existing = meeting,
            None => self.meetings.push(meeting),
        }
    }

    pub fn remove(&mut self, meeting_id: u64) {
        self.meetings.retain(|m| m.meeting_id != meeting_id);
    }

    pub fn all(&self) -> Vec<SandboxMeeting> {
        self.meetings.clone()
    }
}
