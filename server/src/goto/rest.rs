//! The GoToMeeting REST client. Every URL it can call is written here, built from the
//! configured base and fixed paths; the only variable part is a [`MeetingId`], which is
//! digits only, so no input can steer a call elsewhere.

use chrono::{DateTime, Utc};
use meeting::MeetingId;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

use crate::support_log::SupportLog;
use crate::throttle::Throttle;

#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// 401, or 403 `InvalidToken`: refresh, then retry once.
    #[error("GoTo refused the access token")]
    InvalidToken,
    #[error("GoTo says forbidden")]
    Forbidden,
    #[error("GoTo has no such resource")]
    NotFound,
    #[error("GoTo rate limit")]
    RateLimited,
    /// Our own budget (100 a minute) is spent for longer than a request may wait.
    #[error("over the GoTo request budget")]
    OverBudget(std::time::Duration),
    #[error("GoTo did not answer in time")]
    Timeout,
    /// No answer could be read (connection refused, reset, dropped mid-answer). For a create,
    /// the meeting may or may not exist.
    #[error("GoTo unavailable: {0}")]
    Unavailable(String),
    /// GoTo answered with a 5xx status: it did not do the work.
    #[error("GoTo server error {0}")]
    ServerError(u16),
    /// Any other refusal; the body is kept for the log only.
    #[error("GoTo answered {status}: {body}")]
    Rejected { status: u16, body: String },
}

/// The body of `POST /meetings` as GoTo defines it (lower-case keys, `coorganizerKeys` aside).
#[derive(Clone, Debug, Serialize)]
pub struct CreateMeetingBody {
    pub subject: String,
    pub starttime: String,
    pub endtime: String,
    pub passwordrequired: bool,
    pub conferencecallinfo: String,
    /// Deprecated by GoTo but required, and must be empty.
    pub timezonekey: String,
    pub meetingtype: String,
    #[serde(rename = "coorganizerKeys", skip_serializing_if = "Vec::is_empty")]
    pub coorganizer_keys: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct CreatedMeeting {
    #[serde(rename = "joinURL")]
    pub join_url: String,
    pub meetingid: Value,
    #[serde(rename = "conferenceCallInfo", default)]
    pub conference_call_info: String,
}

impl CreatedMeeting {
    pub fn id(&self) -> Option<MeetingId> {
        MeetingId::parse(&value_string(&self.meetingid)?)
    }
}

/// `GET /meetings/{id}` answers camelCase, unlike the create body.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeetingInfo {
    pub subject: String,
    pub start_time: String,
    pub end_time: String,
    #[serde(default)]
    pub password_required: bool,
    #[serde(default)]
    pub conference_call_info: String,
    pub meeting_id: Value,
    #[serde(default)]
    pub coorganizer_keys: Vec<Value>,
}

impl MeetingInfo {
    pub fn starts_at(&self) -> Option<DateTime<Utc>> {
        parse_goto_time(&self.start_time)
    }
    pub fn ends_at(&self) -> Option<DateTime<Utc>> {
        parse_goto_time(&self.end_time)
    }
    pub fn coorganizer_keys(&self) -> Vec<String> {
        self.coorganizer_keys
            .iter()
            .filter_map(value_string)
            .collect()
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizerInfo {
    pub organizer_key: Value,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub products: Vec<String>,
}

impl OrganizerInfo {
    pub fn key(&self) -> Option<String> {
        value_string(&self.organizer_key)
    }
}

/// GoTo sends ids as numbers in some answers and strings in others.
pub fn value_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// GoTo's times are ISO 8601 in UTC; accept the variants seen in its docs
/// (`Z`, `+0000`, with or without milliseconds).
pub fn parse_goto_time(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .or_else(|_| DateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .map(|t| t.with_timezone(&Utc))
        .ok()
}

pub fn format_goto_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

const GET_RETRIES: u32 = 2;

/// One of `GET /upcomingMeetings`: enough to recognise a meeting we tried to create.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpcomingMeeting {
    pub meeting_id: Value,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub start_time: String,
    #[serde(default)]
    pub end_time: String,
    #[serde(default)]
    pub conference_call_info: String,
}

#[derive(Clone)]
pub struct GoToApi {
    base: String,
    http: reqwest::Client,
    throttle: Arc<Throttle>,
    support_log: Option<Arc<SupportLog>>,
}

impl GoToApi {
    pub fn new(
        base: String,
        http: reqwest::Client,
        throttle: Arc<Throttle>,
        support_log: Option<Arc<SupportLog>>,
    ) -> GoToApi {
        GoToApi {
            base,
            http,
            throttle,
            support_log,
        }
    }

    pub async fn create_meeting(
        &self,
        access_token: &str,
        body: &CreateMeetingBody,
    ) -> Result<CreatedMeeting, UpstreamError> {
        let request = self.http.post(format!("{}/meetings", self.base)).json(body);
        let created: Vec<CreatedMeeting> = self.send(request, access_token).await?;
        created
            .into_iter()
            .next()
            .ok_or_else(|| UpstreamError::Unavailable("empty create answer".into()))
    }

    pub async fn get_meeting(
        &self,
        access_token: &str,
        id: &MeetingId,
    ) -> Result<MeetingInfo, UpstreamError> {
        let url = format!("{}/meetings/{}", self.base, id.as_str());
        let found: Vec<MeetingInfo> = self.get_with_retries(&url, access_token).await?;
        found.into_iter().next().ok_or(UpstreamError::NotFound)
    }

    /// "All organizers": needs the admin service account's token.
    pub async fn organizers(
        &self,
        access_token: &str,
    ) -> Result<Vec<OrganizerInfo>, UpstreamError> {
        let url = format!("{}/organizers", self.base);
        self.get_with_retries(&url, access_token).await
    }

    /// The signed-in organizer's meetings that have not ended.
    pub async fn upcoming_meetings(
        &self,
        access_token: &str,
    ) -> Result<Vec<UpcomingMeeting>, UpstreamError> {
        let url = format!("{}/upcomingMeetings", self.base);
        self.get_with_retries(&url, access_token).await
    }

    /// GETs change nothing, so a 5xx, a timeout or a dropped answer is retried twice with
    /// jittered exponential backoff (about 0.2 s, then 0.4 s).
    async fn get_with_retries<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        access_token: &str,
    ) -> Result<T, UpstreamError> {
        let mut attempt = 0;
        loop {
            match self.send(self.http.get(url), access_token).await {
                Err(
                    UpstreamError::ServerError(_)
                    | UpstreamError::Timeout
                    | UpstreamError::Unavailable(_),
                ) if attempt < GET_RETRIES => {
                    let base = 200u64 << attempt;
                    let jitter = rand::random::<u64>() % base;
                    tokio::time::sleep(std::time::Duration::from_millis(base / 2 + jitter)).await;
                    attempt += 1;
                }
                // GoTo's own limit answered: honour it, wait its second out once.
                Err(UpstreamError::RateLimited) if attempt < GET_RETRIES => {
                    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        access_token: &str,
    ) -> Result<T, UpstreamError> {
        self.throttle
            .acquire()
            .await
            .map_err(|o| UpstreamError::OverBudget(o.retry_after))?;
        let request = request
            .bearer_auth(access_token)
            .header(reqwest::header::ACCEPT, "application/json")
            .build()
            .map_err(transport_error)?;
        let (method, path) = (
            request.method().to_string(),
            request.url().path().to_owned(),
        );
        let started = std::time::Instant::now();
        let answer = async {
            let response = self.http.execute(request).await?;
            let status = response.status();
            Ok::<_, reqwest::Error>((status, response.text().await?))
        }
        .await;
        if let Some(log) = &self.support_log {
            let status = answer.as_ref().map(|(s, _)| s.as_u16()).unwrap_or(0);
            log.record(&method, &path, status, started);
        }
        let (status, body) = answer.map_err(transport_error)?;
        if status.is_success() {
            return serde_json::from_str(&body)
                .map_err(|e| UpstreamError::Unavailable(format!("unreadable answer: {e}")));
        }
        Err(match status {
            StatusCode::UNAUTHORIZED => UpstreamError::InvalidToken,
            StatusCode::FORBIDDEN if body.contains("InvalidToken") => UpstreamError::InvalidToken,
            StatusCode::FORBIDDEN => UpstreamError::Forbidden,
            StatusCode::NOT_FOUND => UpstreamError::NotFound,
            StatusCode::TOO_MANY_REQUESTS => UpstreamError::RateLimited,
            s if s.is_server_error() => UpstreamError::ServerError(s.as_u16()),
            s => UpstreamError::Rejected {
                status: s.as_u16(),
                body: body.chars().take(500).collect(),
            },
        })
    }
}

fn transport_error(e: reqwest::Error) -> UpstreamError {
    if e.is_timeout() {
        UpstreamError::Timeout
    } else {
        UpstreamError::Unavailable(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goto_times_in_every_documented_shape() {
        let want = "2026-03-10T15:00:00Z".parse::<DateTime<Utc>>().unwrap();
        for raw in [
            "2026-03-10T15:00:00Z",
            "2026-03-10T15:00:00.000Z",
            "2026-03-10T15:00:00+0000",
            "2026-03-10T15:00:00.000+0000",
        ] {
            assert_eq!(parse_goto_time(raw), Some(want), "{raw}");
        }
        assert_eq!(format_goto_time(want), "2026-03-10T15:00:00Z");
    }

    #[test]
    fn ids_as_numbers_or_strings() {
        assert_eq!(value_string(&serde_json::json!(123)), Some("123".into()));
        assert_eq!(value_string(&serde_json::json!("123")), Some("123".into()));
        assert_eq!(value_string(&serde_json::json!(null)), None);
    }
}
