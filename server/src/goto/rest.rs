//! The GoTo REST client: GoToMeeting (`/G2M/rest`), the Admin API (`/admin/rest/v1`) and
//! identity (`/identity/v1`). Every URL it can call is written here, built from the
//! configured API host and fixed paths; the only variable parts are a [`MeetingId`] and an
//! [`AccountKey`], both digits only, so no input can steer a call elsewhere.

use chrono::{DateTime, Utc};
use meeting::MeetingId;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

use crate::support_log::SupportLog;
use crate::throttle::{Caller, Throttle};

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

/// An account key, digits only (GoTo's are 19–22 digits), so it can go into a URL path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountKey(String);

impl AccountKey {
    pub fn parse(raw: &str) -> Option<AccountKey> {
        let ok = !raw.is_empty() && raw.len() <= 32 && raw.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| AccountKey(raw.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One row of the Admin API's `GET /accounts/{accountKey}/users` (Citrix's template maps
/// `key`, `email`, `firstName`, `lastName`, `status`, `products`, `licenseKeys` and
/// `settings.G2M.*`). The `key` is the person's user key, which GoTo's G2M calls the
/// organizer key.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountUser {
    pub key: Value,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub products: Option<Vec<String>>,
    #[serde(default)]
    pub settings: Option<serde_json::Map<String, Value>>,
}

impl AccountUser {
    pub fn key(&self) -> Option<String> {
        value_string(&self.key)
    }
    /// No source gives the status values; GoTo's G2M API says `active`/`suspended`, so any
    /// casing of `active` counts.
    pub fn is_active(&self) -> bool {
        self.status.eq_ignore_ascii_case("active")
    }
    /// Holds GoToMeeting: `products` lists `G2M`; when a row has no `products`, G2M settings
    /// (present only for people set up for GoToMeeting) are taken as the licence instead.
    pub fn has_g2m(&self) -> bool {
        match &self.products {
            Some(products) => products.iter().any(|p| p.eq_ignore_ascii_case("G2M")),
            None => self
                .settings
                .as_ref()
                .is_some_and(|s| s.keys().any(|k| k.eq_ignore_ascii_case("G2M"))),
        }
    }
}

/// One page of the account's users: offset paging with the count at `total`.
#[derive(Clone, Debug, Deserialize)]
pub struct UsersPage {
    #[serde(default)]
    pub results: Vec<AccountUser>,
    pub total: u64,
}

/// SCIM `GET /identity/v1/Users/me`: the signed-in person. `id` is the user key.
#[derive(Clone, Debug, Deserialize)]
pub struct ScimMe {
    pub id: Value,
    #[serde(default, rename = "userName")]
    pub user_name: String,
    #[serde(default)]
    pub name: ScimName,
    #[serde(default)]
    pub emails: Vec<ScimEmail>,
    #[serde(default, rename = "urn:scim:schemas:extension:getgo:1.0")]
    pub getgo: ScimGetGo,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ScimName {
    #[serde(default, rename = "givenName")]
    pub given_name: String,
    #[serde(default, rename = "familyName")]
    pub family_name: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ScimEmail {
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub primary: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ScimGetGo {
    #[serde(default)]
    pub accounts: Vec<ScimAccount>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ScimAccount {
    pub value: Value,
}

/// Admin API `GET /me`: the admin's own user key, account key (at the root) and accounts.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminMe {
    pub key: Value,
    #[serde(default)]
    pub account_key: Option<Value>,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub accounts: Vec<AdminAccount>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct AdminAccount {
    pub key: Value,
}

/// The Admin API's page size limit (Citrix's template pages by 100).
pub const USERS_PAGE_SIZE: u64 = 100;

/// GoTo sends ids as numbers in some answers and strings in others.
pub fn value_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// GoTo documents its answer times only as "date-time". Its own examples read
/// `2012-12-01T09:00:00.+0000` (a bare `.` before the offset, which Citrix's template strips
/// before parsing); RFC 3339 forms (`Z`, `+00:00`, a fraction) and `+0000` are read too.
pub fn parse_goto_time(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    // A `.` with no digits after it is an empty fraction: drop it.
    let cleaned;
    let raw = match raw.find('.') {
        Some(dot) if !raw[dot + 1..].starts_with(|c: char| c.is_ascii_digit()) => {
            cleaned = format!("{}{}", &raw[..dot], &raw[dot + 1..]);
            cleaned.as_str()
        }
        _ => raw,
    };
    DateTime::parse_from_rfc3339(raw)
        .or_else(|_| DateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .map(|t| t.with_timezone(&Utc))
        .ok()
}

pub fn format_goto_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

const GET_RETRIES: u32 = 2;

/// One of `GET /upcomingMeetings` (GoTo's `UpcomingMeeting`: `meetingId` a string, the
/// organizer's `organizerKey`, `accountKey`, `email`, names and `locale`, `status`,
/// `meetingType`). What "My meetings" shows, and what recognises a meeting we tried to create.
/// It names no co-organizers and no join link.
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
    #[serde(default)]
    pub password_required: bool,
}

impl UpcomingMeeting {
    pub fn id(&self) -> Option<MeetingId> {
        MeetingId::parse(&value_string(&self.meeting_id)?)
    }
}

/// `GET /meetings/{id}/start` answers `{"hostURL": …}`.
#[derive(Deserialize)]
struct StartAnswer {
    #[serde(rename = "hostURL")]
    host_url: String,
}

/// The address that starts a meeting as its host. It works as a credential (whoever opens it
/// hosts the meeting), so it is never logged: `Debug` hides it, the support log records no
/// bodies, and an unusable one is refused without being quoted.
pub struct HostUrl(String);

impl HostUrl {
    /// Only an `https` address with a host: anything else is not GoTo's start page.
    pub fn parse(raw: &str) -> Option<HostUrl> {
        let url = url::Url::parse(raw.trim()).ok()?;
        (url.scheme() == "https" && url.host_str().is_some_and(|h| !h.is_empty()))
            .then(|| HostUrl(url.into()))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for HostUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostUrl(<redacted>)")
    }
}

#[derive(Clone)]
pub struct GoToApi {
    base: String,
    admin_base: String,
    identity_base: String,
    http: reqwest::Client,
    throttle: Arc<Throttle>,
    support_log: Option<Arc<SupportLog>>,
}

impl GoToApi {
    /// `root` is GoTo's API host (`https://api.getgo.com`).
    pub fn new(
        root: &str,
        http: reqwest::Client,
        throttle: Arc<Throttle>,
        support_log: Option<Arc<SupportLog>>,
    ) -> GoToApi {
        GoToApi {
            base: format!("{root}/G2M/rest"),
            admin_base: format!("{root}/admin/rest/v1"),
            identity_base: format!("{root}/identity/v1"),
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
        let created: Vec<CreatedMeeting> = self
            .send(request, access_token, person(access_token))
            .await?;
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
        let found: Vec<MeetingInfo> = self
            .get_with_retries(&url, access_token, person(access_token))
            .await?;
        found.into_iter().next().ok_or(UpstreamError::NotFound)
    }

    /// `PUT /meetings/{id}` with the create body: GoTo answers 204. The whole meeting is sent,
    /// so sending it twice leaves the same meeting (which is why a timed-out change may simply
    /// be sent again). Not retried here: the person's retry does that, under their key.
    pub async fn update_meeting(
        &self,
        access_token: &str,
        id: &MeetingId,
        body: &CreateMeetingBody,
    ) -> Result<(), UpstreamError> {
        let url = format!("{}/meetings/{}", self.base, id.as_str());
        let request = self.http.put(url).json(body);
        self.send_no_content(request, access_token, person(access_token))
            .await
    }

    /// `DELETE /meetings/{id}`: GoTo answers 204, and 404 once it is gone.
    pub async fn delete_meeting(
        &self,
        access_token: &str,
        id: &MeetingId,
    ) -> Result<(), UpstreamError> {
        let url = format!("{}/meetings/{}", self.base, id.as_str());
        self.send_no_content(self.http.delete(url), access_token, person(access_token))
            .await
    }

    /// `GET /meetings/{id}/start`: the host's start address. A GET at GoTo, but it starts the
    /// meeting (its status becomes `ACTIVE`), so it is not retried as reads are: one tap, one
    /// call.
    pub async fn start_meeting(
        &self,
        access_token: &str,
        id: &MeetingId,
    ) -> Result<HostUrl, UpstreamError> {
        let url = format!("{}/meetings/{}/start", self.base, id.as_str());
        let answer: StartAnswer = self
            .send(self.http.get(url), access_token, person(access_token))
            .await?;
        HostUrl::parse(&answer.host_url).ok_or_else(|| {
            UpstreamError::Unavailable("GoTo's start answer holds no https address".into())
        })
    }

    /// "All organizers", as the brief and Citrix's template define it: the Admin API's users
    /// of the account, one page of [`USERS_PAGE_SIZE`] from `offset`. Needs the admin
    /// service account's token (scope `identity:`).
    pub async fn account_users_page(
        &self,
        access_token: &str,
        account: &AccountKey,
        offset: u64,
    ) -> Result<UsersPage, UpstreamError> {
        let url = format!(
            "{}/accounts/{}/users?pageSize={USERS_PAGE_SIZE}&offset={offset}",
            self.admin_base,
            account.as_str()
        );
        self.get_with_retries(&url, access_token, person(access_token))
            .await
    }

    /// Who signed in (SCIM, scope `identity:scim.me`): user key and accounts. Part of the
    /// sign-in, so it goes first in the budget's line, as token calls do.
    pub async fn scim_me(&self, access_token: &str) -> Result<ScimMe, UpstreamError> {
        let url = format!("{}/Users/me", self.identity_base);
        self.get_with_retries(&url, access_token, Caller::TokenCall)
            .await
    }

    /// The admin who connected the service account (Admin API, scope `identity:`).
    pub async fn admin_me(&self, access_token: &str) -> Result<AdminMe, UpstreamError> {
        let url = format!("{}/me", self.admin_base);
        self.get_with_retries(&url, access_token, Caller::TokenCall)
            .await
    }

    /// The signed-in organizer's meetings that have not ended.
    pub async fn upcoming_meetings(
        &self,
        access_token: &str,
    ) -> Result<Vec<UpcomingMeeting>, UpstreamError> {
        let url = format!("{}/upcomingMeetings", self.base);
        self.get_with_retries(&url, access_token, person(access_token))
            .await
    }

    /// GETs change nothing, so a 5xx, a timeout or a dropped answer is retried twice with
    /// jittered exponential backoff (about 0.2 s, then 0.4 s).
    async fn get_with_retries<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        access_token: &str,
        caller: Caller,
    ) -> Result<T, UpstreamError> {
        let mut attempt = 0;
        loop {
            match self.send(self.http.get(url), access_token, caller).await {
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
        caller: Caller,
    ) -> Result<T, UpstreamError> {
        let body = self.call(request, access_token, caller).await?;
        serde_json::from_str(&body)
            .map_err(|e| UpstreamError::Unavailable(format!("unreadable answer: {e}")))
    }

    /// For GoTo's 204 answers (change, delete): any success will do, whatever its body.
    async fn send_no_content(
        &self,
        request: reqwest::RequestBuilder,
        access_token: &str,
        caller: Caller,
    ) -> Result<(), UpstreamError> {
        self.call(request, access_token, caller).await.map(drop)
    }

    /// One call within the budget, logged for support (method, path, status: never a body);
    /// a success's body, or GoTo's refusal sorted.
    async fn call(
        &self,
        request: reqwest::RequestBuilder,
        access_token: &str,
        caller: Caller,
    ) -> Result<String, UpstreamError> {
        self.throttle
            .acquire_as(caller)
            .await
            .map_err(|o| UpstreamError::OverBudget(o.retry_after))?;
        let request = request
            .bearer_auth(access_token)
            .header(reqwest::header::ACCEPT, "application/json")
            .build()
            .map_err(transport_error)?;
        // Copied only when a support log will want them after the request is sent.
        let logged = self.support_log.as_ref().map(|log| {
            (
                log,
                request.method().to_string(),
                request.url().path().to_owned(),
            )
        });
        let started = std::time::Instant::now();
        let answer = async {
            let response = self.http.execute(request).await?;
            let status = response.status();
            Ok::<_, reqwest::Error>((status, response.text().await?))
        }
        .await;
        if let Some((log, method, path)) = logged {
            let status = answer.as_ref().map(|(s, _)| s.as_u16()).unwrap_or(0);
            log.record(&method, &path, status, started);
        }
        let (status, body) = answer.map_err(transport_error)?;
        if status.is_success() {
            return Ok(body);
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

/// Each person's share of the budget is counted by their token (the service account's sync
/// counts as one more person). A refreshed token counts as a new holder for the rest of the
/// minute: harmless, rare.
fn person(access_token: &str) -> Caller {
    Caller::Person(caller_of(access_token))
}

fn caller_of(access_token: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    access_token.hash(&mut hasher);
    hasher.finish()
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
            "2026-03-10T15:00:00+00:00",
            "2026-03-10T15:00:00.+0000",
            "2026-03-10T15:00:00.Z",
            "2026-03-10T16:00:00.+0100",
            " 2026-03-10T15:00:00.+0000 ",
        ] {
            assert_eq!(parse_goto_time(raw), Some(want), "{raw}");
        }
        for bad in [
            "",
            "2026-03-10",
            "2026-03-10T15:00:00",
            "2026-03-10T15:00:00..+0000",
            "x.+0000",
        ] {
            assert_eq!(parse_goto_time(bad), None, "{bad}");
        }
        assert_eq!(format_goto_time(want), "2026-03-10T15:00:00Z");
    }

    proptest::proptest! {
        /// Every form GoTo's answers are known to take, at any instant and offset, reads as
        /// the instant it names (whole seconds; milliseconds where the form has them).
        #[test]
        fn every_goto_time_form_reads_back(
            seconds in 946_684_800i64..4_102_444_800i64,
            millis in 0u32..1000,
            offset_minutes in -12 * 60i32..=14 * 60,
        ) {
            let t = DateTime::<Utc>::from_timestamp(seconds, millis * 1_000_000).unwrap();
            let whole = DateTime::<Utc>::from_timestamp(seconds, 0).unwrap();
            let zone = chrono::FixedOffset::east_opt(offset_minutes * 60).unwrap();
            let local = t.with_timezone(&zone);
            for (raw, want) in [
                (t.format("%Y-%m-%dT%H:%M:%SZ").to_string(), whole),
                (t.format("%Y-%m-%dT%H:%M:%S+0000").to_string(), whole),
                (t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string(), whole),
                (t.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string(), t),
                (t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(), t),
                (t.format("%Y-%m-%dT%H:%M:%S.+0000").to_string(), whole),
                (local.format("%Y-%m-%dT%H:%M:%S.%z").to_string(), whole),
                (local.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string(), t),
            ] {
                proptest::prop_assert_eq!(parse_goto_time(&raw), Some(want), "{}", raw);
            }
        }
    }

    #[test]
    fn account_keys_are_digits_only() {
        assert!(AccountKey::parse("9999982253621659654").is_some());
        for bad in ["", "12/../x", "12a", "1 2", &"9".repeat(33)] {
            assert!(AccountKey::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn licence_and_status_from_admin_rows() {
        let row = |json: serde_json::Value| serde_json::from_value::<AccountUser>(json).unwrap();
        let a =
            row(serde_json::json!({"key": "1", "status": "ACTIVE", "products": ["G2W", "g2m"]}));
        assert!(a.is_active() && a.has_g2m());
        let b = row(
            serde_json::json!({"key": 2, "status": "SUSPENDED", "products": ["G2W"], "settings": {"G2M": {}}}),
        );
        assert!(!b.is_active() && !b.has_g2m());
        assert_eq!(b.key().as_deref(), Some("2"));
        let c = row(
            serde_json::json!({"key": "3", "status": "active", "settings": {"G2M": {"voipEnabled": true}}}),
        );
        assert!(c.is_active() && c.has_g2m());
        let d = row(serde_json::json!({"key": "4", "status": "active"}));
        assert!(!d.has_g2m());
    }

    #[test]
    fn only_an_https_start_address_is_taken_and_it_is_never_printed() {
        let url =
            HostUrl::parse("https://global.gotomeeting.com/start/1?hostToken=s3cret").unwrap();
        assert!(!format!("{url:?}").contains("s3cret"));
        assert!(url
            .into_string()
            .starts_with("https://global.gotomeeting.com/start/1"));
        for bad in [
            "http://global.gotomeeting.com/start/1",
            "javascript:alert(1)",
            "/start/1",
            "",
            "https://",
        ] {
            assert!(HostUrl::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn ids_as_numbers_or_strings() {
        assert_eq!(value_string(&serde_json::json!(123)), Some("123".into()));
        assert_eq!(value_string(&serde_json::json!("123")), Some("123".into()));
        assert_eq!(value_string(&serde_json::json!(null)), None);
    }
}
