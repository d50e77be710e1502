//! The backend client: one helper that sends a request and sorts the answer, and one function
//! per call of the API. The types on the wire live in the contract crate (`meeting::api`).
//!
//! Every request is aborted when the page (the reactive owner) that made it goes away, as in
//! leptos' hackernews example: a search typed further, or a page left, cancels what it started.

use gloo_net::http::{Request, RequestBuilder};
use leptos::reactive::owner::Owner;
use leptos::reactive::send_wrapper_ext::SendOption;
use meeting::{
    ApiError, CreateMeeting, Meeting, MeetingId, Organizer, SessionHandoff, SessionInfo,
    StartMeeting, UpcomingMeeting,
};
use serde::de::DeserializeOwned;

use crate::api_failure::ApiFailure;

/// How many organizers one search shows.
const ORGANIZER_LIMIT: &str = "20";

/// Sends `request` (with a JSON body if given) and gives the text of a successful answer.
///
/// The one place the designers' demo (debug builds, `?demo=`) enters: it answers the request
/// in place of the backend, so every call above runs as it does for real.
async fn exchange(request: RequestBuilder, json: Option<String>) -> Result<String, ApiFailure> {
    let controller = SendOption::new_local(web_sys::AbortController::new().ok());
    let signal = controller.as_ref().map(|controller| controller.signal());
    Owner::on_cleanup(move || {
        if let Some(controller) = controller.as_ref() {
            controller.abort();
        }
    });
    // The backend answers (messages, errors) in the language the app speaks.
    let request = request
        .header("Accept-Language", crate::language::current().code())
        .abort_signal(signal.as_ref());
    #[cfg(debug_assertions)]
    let demo_body = json.clone();
    let request = match json {
        Some(body) => request
            .header("Content-Type", "application/json")
            .body(body),
        None => request.build(),
    }
    .map_err(|_| ApiFailure::Unreachable)?;
    #[cfg(debug_assertions)]
    if crate::demo::scenario().is_some() {
        return crate::demo::answer(request.method(), &request.url(), demo_body.as_deref());
    }
    // The raw request, to read its method without gloo's parse of it into `http::Method`.
    let request = web_sys::Request::from(request);
    let response = match crate::early_fetch::take(&request) {
        Some(early) => early.await,
        None => Request::from(request).send().await.ok(),
    }
    .ok_or(ApiFailure::Unreachable)?;
    let status = response.status();
    let text = match status {
        401 | 404 => None,
        _ => response.text().await.ok(),
    };
    settle(status, text)
}

/// What an answer means: its text when it succeeded, else the failure its status (and, for
/// most, the error in its body) says. `text` is `None` when the body could not be read.
fn settle(status: u16, text: Option<String>) -> Result<String, ApiFailure> {
    match status {
        200..=299 => text.ok_or(ApiFailure::Unreachable),
        401 => Err(ApiFailure::SignedOut),
        404 => Err(ApiFailure::NotFound),
        status => {
            let error = text.and_then(|text| crate::json::from_str::<ApiError>(&text));
            Err(match error {
                Some(error) if status == 422 => ApiFailure::Rejected(error),
                error => ApiFailure::Failed { status, error },
            })
        }
    }
}

async fn fetch_json<T: DeserializeOwned>(
    request: RequestBuilder,
    json: Option<String>,
) -> Result<T, ApiFailure> {
    parse(&exchange(request, json).await?)
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiFailure> {
    crate::json::from_str(text).ok_or(ApiFailure::Unreachable)
}

/// State-changing calls carry `X-CSRF: 1`: a header a cross-site form cannot send.
fn state_changing(request: RequestBuilder) -> RequestBuilder {
    request.header(meeting::names::CSRF_HEADER, "1")
}

const SESSION_PATH: &str = "/api/session";

pub async fn session() -> Result<SessionInfo, ApiFailure> {
    session_answer(fetch_json(Request::get(SESSION_PATH), None).await)
}

/// The answer to the session check `index.html` started, if it has already come (see
/// `early_fetch::take_ready`): read at once, so the first screen needs no wait for it. `None`
/// while it is still on its way; `session` then waits for it.
pub fn session_now() -> Option<Result<SessionInfo, ApiFailure>> {
    #[cfg(debug_assertions)]
    if crate::demo::scenario().is_some() {
        return None;
    }
    let (status, text) = crate::early_fetch::take_ready(SESSION_PATH)?;
    Some(session_answer(
        settle(status, Some(text)).and_then(|text| parse(&text)),
    ))
}

fn session_answer(answer: Result<SessionInfo, ApiFailure>) -> Result<SessionInfo, ApiFailure> {
    match answer {
        // No session endpoint at all means no backend behind this address.
        Err(ApiFailure::NotFound) => Err(ApiFailure::Unreachable),
        other => other,
    }
}

/// Redeems the sign-in popup's one-time code, with the nonce this frame gave the popup, for
/// this frame's own session cookie.
pub async fn redeem_handoff(code: String, nonce: String) -> Result<(), ApiFailure> {
    let body =
        crate::json::to_string(&SessionHandoff { code, nonce }).ok_or(ApiFailure::Unreachable)?;
    exchange(
        state_changing(Request::post("/api/session/handoff")),
        Some(body),
    )
    .await
    .map(drop)
}

pub async fn logout() -> Result<(), ApiFailure> {
    exchange(state_changing(Request::post("/api/logout")), None)
        .await
        .map(drop)
}

pub async fn organizers(query: String) -> Result<Vec<Organizer>, ApiFailure> {
    let request =
        Request::get("/api/organizers").query([("q", query.trim()), ("limit", ORGANIZER_LIMIT)]);
    fetch_json(request, None).await
}

/// `idempotency_key` must stay the same when the same meeting is sent again (a retry after a
/// timeout), so the backend makes one meeting, never two.
pub async fn create_meeting(
    meeting: CreateMeeting,
    idempotency_key: String,
) -> Result<Meeting, ApiFailure> {
    let body = crate::json::to_string(&meeting).ok_or(ApiFailure::Unreachable)?;
    let request =
        state_changing(Request::post("/api/meetings")).header("Idempotency-Key", &idempotency_key);
    fetch_json(request, Some(body)).await
}

pub async fn meeting(id: MeetingId) -> Result<Meeting, ApiFailure> {
    fetch_json(Request::get(&format!("/api/meetings/{id}")), None).await
}

pub async fn upcoming_meetings() -> Result<Vec<UpcomingMeeting>, ApiFailure> {
    fetch_json(Request::get("/api/meetings"), None).await
}

/// Changes the meeting `id` to `meeting`. Like a create, the same change sent again (a double
/// tap, a retry after a timeout) carries the same `idempotency_key` and changes it once.
pub async fn change_meeting(
    id: MeetingId,
    meeting: CreateMeeting,
    idempotency_key: String,
) -> Result<Meeting, ApiFailure> {
    let body = crate::json::to_string(&meeting).ok_or(ApiFailure::Unreachable)?;
    let request = state_changing(Request::put(&format!("/api/meetings/{id}")))
        .header("Idempotency-Key", &idempotency_key);
    fetch_json(request, Some(body)).await
}

/// Cancels the meeting at GoTo. A meeting already gone counts as cancelled.
pub async fn cancel_meeting(id: MeetingId) -> Result<(), ApiFailure> {
    match exchange(
        state_changing(Request::delete(&format!("/api/meetings/{id}"))),
        None,
    )
    .await
    {
        Ok(_) | Err(ApiFailure::NotFound) => Ok(()),
        Err(failure) => Err(failure),
    }
}

/// GoTo's address that starts the meeting as its host: short-lived, so asked for at the tap.
pub async fn start_meeting(id: MeetingId) -> Result<String, ApiFailure> {
    let request = state_changing(Request::post(&format!("/api/meetings/{id}/start")));
    fetch_json::<StartMeeting>(request, None)
        .await
        .map(|start| start.host_url)
}

/// The sign-in link: the backend sends the person to GoTo and back to `return_to`.
pub fn login_href(return_to: &str) -> String {
    // Slashes may stay as they are in a query; keeping them makes the link readable.
    let return_to = String::from(js_sys::encode_uri_component(return_to)).replace("%2F", "/");
    format!("{}?return_to={return_to}", meeting::names::LOGIN_PATH)
}
