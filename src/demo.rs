//! Demo mode for designers: `trunk serve` with no backend shows every page with made-up data,
//! picked by the address
//! (`/?demo=signed-out|create|create-errors|created|details|not-found|no-licence|meetings|`
//! `meetings-empty|change|coorganizer`,
//! `?demo=off` to leave). The choice is kept for the tab, so links inside the app stay in it.
//!
//! It enters the app at one seam: `api::exchange` hands each request to `answer`, which plays
//! the backend (same paths, same JSON), so pages and API functions run as they do for real.
//! The errors scenario also fills the create form (`broken_draft`).
//!
//! Debug builds only: `lib.rs` declares this module under `#[cfg(debug_assertions)]`, so not a
//! byte of it reaches a release build.

use std::cell::{Cell, RefCell};

use chrono::{DateTime, Duration, Timelike, Utc};
use gloo_net::http::Method;
use leptos::prelude::*;
use meeting::{
    ApiError, CreateMeeting, Field, FieldMessage, Lang, Meeting, MeetingRole, Organizer,
    StartMeeting, UpcomingMeeting, User,
};

use crate::api_failure::ApiFailure;
use crate::browser_time;
use crate::draft::Draft;
use crate::language::current;

const DEMO_KEY: &str = "meetings.demo";
const DEMO_MEETING_ID: &str = "482913576";
const MISSING_MEETING_ID: &str = "100200300";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    SignedOut,
    Create,
    CreateErrors,
    Created,
    Details,
    NotFound,
    /// Signed in with a GoTo account that holds no GoToMeeting licence.
    NoLicence,
    /// The upcoming meetings, over three days.
    Meetings,
    MeetingsEmpty,
    /// The change form of a meeting.
    Change,
    /// A meeting's details seen by one of its co-organizers.
    Coorganizer,
}

const ALL: [Scenario; 11] = [
    Scenario::SignedOut,
    Scenario::Create,
    Scenario::CreateErrors,
    Scenario::Created,
    Scenario::Details,
    Scenario::NotFound,
    Scenario::NoLicence,
    Scenario::Meetings,
    Scenario::MeetingsEmpty,
    Scenario::Change,
    Scenario::Coorganizer,
];

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::SignedOut => "signed-out",
            Scenario::Create => "create",
            Scenario::CreateErrors => "create-errors",
            Scenario::Created => "created",
            Scenario::Details => "details",
            Scenario::NotFound => "not-found",
            Scenario::NoLicence => "no-licence",
            Scenario::Meetings => "meetings",
            Scenario::MeetingsEmpty => "meetings-empty",
            Scenario::Change => "change",
            Scenario::Coorganizer => "coorganizer",
        }
    }

    fn parse(name: &str) -> Option<Scenario> {
        ALL.into_iter().find(|s| s.name() == name)
    }

    /// The page the scenario opens on.
    fn path(self) -> String {
        match self {
            Scenario::Created => format!("/meetings/{DEMO_MEETING_ID}/created"),
            Scenario::Details | Scenario::Coorganizer => format!("/meetings/{DEMO_MEETING_ID}"),
            Scenario::Meetings | Scenario::MeetingsEmpty => "/meetings".to_owned(),
            Scenario::Change => format!("/meetings/{DEMO_MEETING_ID}/edit"),
            Scenario::NotFound => format!("/meetings/{MISSING_MEETING_ID}"),
            _ => "/".to_owned(),
        }
    }
}

thread_local! {
    static SCENARIO: Cell<Option<Option<Scenario>>> = const { Cell::new(None) };
    /// The demo's meetings, made on first use; creates, changes and cancels act on them.
    static MEETINGS: RefCell<Option<Vec<Meeting>>> = const { RefCell::new(None) };
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn from_address() -> Option<String> {
    let search = window().location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("demo="))
        .map(str::to_owned)
}

/// The scenario this tab shows, if it is in demo mode.
pub fn scenario() -> Option<Scenario> {
    if let Some(known) = SCENARIO.with(Cell::get) {
        return known;
    }
    let storage = session_storage();
    let chosen = match from_address() {
        Some(name) => {
            let chosen = Scenario::parse(&name);
            if let Some(storage) = &storage {
                let _ = match chosen {
                    Some(s) => storage.set_item(DEMO_KEY, s.name()),
                    None => storage.remove_item(DEMO_KEY),
                };
            }
            chosen
        }
        None => storage
            .and_then(|s| s.get_item(DEMO_KEY).ok().flatten())
            .and_then(|name| Scenario::parse(&name)),
    };
    SCENARIO.with(|known| known.set(Some(chosen)));
    chosen
}

/// Called once before the router starts: a scenario chosen on `/` opens on its own page.
pub fn enter() {
    let Some(scenario) = scenario() else { return };
    let at_home = window().location().pathname().ok().as_deref() == Some("/");
    if from_address().is_some() && at_home && scenario.path() != "/" {
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&scenario.path()),
            );
        }
    }
}

fn person(key: &str, name: &str, email: &str) -> Organizer {
    Organizer {
        key: key.to_owned(),
        name: name.to_owned(),
        email: email.to_owned(),
    }
}

fn organizers() -> Vec<Organizer> {
    vec![
        person("7001", "Lucía Fernández", "lucia.fernandez@example.com"),
        person("7002", "Marcus Chen", "marcus.chen@example.com"),
        person("7003", "Ana Belén Núñez", "anabelen.nunez@example.com"),
        person("7004", "Priya Raman", "priya.raman@example.com"),
        person("7005", "Jon Ibarra", "jon.ibarra@example.com"),
        person("7006", "Sarah O'Connor", "sarah.oconnor@example.com"),
    ]
}

/// Tomorrow at 10:00 here, for an hour.
fn tomorrow_at_ten() -> (DateTime<Utc>, DateTime<Utc>) {
    let now = browser_time::now() + Duration::days(1);
    let local = browser_time::local_now() + Duration::days(1);
    let shift =
        Duration::hours(10 - i64::from(local.hour())) - Duration::minutes(local.minute().into());
    let starts_at = now + shift;
    let starts_at = starts_at.with_second(0).unwrap_or(starts_at);
    (starts_at, starts_at + Duration::hours(1))
}

fn demo_meeting(id: &str) -> Meeting {
    let (starts_at, ends_at) = tomorrow_at_ten();
    let subject = match current() {
        Lang::Es => "Planificación del trimestre",
        Lang::En => "Quarterly planning",
    };
    let all = organizers();
    Meeting {
        id: id.to_owned(),
        subject: subject.to_owned(),
        starts_at,
        ends_at,
        join_url: format!("https://meet.goto.com/{id}"),
        conference_call_info:
            "United States: +1 (571) 317-3122\nSpain: +34 932 75 2004\nAccess code: 482-913-576"
                .to_owned(),
        password_required: true,
        coorganizers: vec![all[0].clone(), all[1].clone()],
        role: match scenario() {
            Some(Scenario::Coorganizer) => MeetingRole::Coorganizer,
            _ => MeetingRole::Organizer,
        },
    }
}

/// The first meeting, and two more: the same afternoon and in three days.
fn sample_meetings() -> Vec<Meeting> {
    let first = demo_meeting(DEMO_MEETING_ID);
    let (review, one_to_one) = match current() {
        Lang::Es => ("Revisión de diseño", "Reunión 1:1 con Jon"),
        Lang::En => ("Design review", "1:1 with Jon"),
    };
    let later = |id: &str, subject: &str, hours: i64, coorganizers: Vec<Organizer>| Meeting {
        id: id.to_owned(),
        subject: subject.to_owned(),
        starts_at: first.starts_at + Duration::hours(hours),
        ends_at: first.starts_at + Duration::hours(hours) + Duration::minutes(45),
        join_url: format!("https://meet.goto.com/{id}"),
        password_required: false,
        coorganizers,
        ..first.clone()
    };
    let all = organizers();
    vec![
        later("482913577", review, 5, vec![all[3].clone()]),
        later("482913578", one_to_one, 72, Vec::new()),
        first,
    ]
}

fn with_meetings<T>(act: impl FnOnce(&mut Vec<Meeting>) -> T) -> T {
    MEETINGS.with(|meetings| {
        let mut meetings = meetings.borrow_mut();
        act(meetings.get_or_insert_with(sample_meetings))
    })
}

fn upcoming_meetings() -> Vec<UpcomingMeeting> {
    if scenario() == Some(Scenario::MeetingsEmpty) {
        return Vec::new();
    }
    let mut list: Vec<UpcomingMeeting> = with_meetings(|meetings| {
        meetings
            .iter()
            .map(|m| UpcomingMeeting {
                id: m.id.clone(),
                subject: m.subject.clone(),
                starts_at: m.starts_at,
                ends_at: m.ends_at,
                join_url: m.join_url.clone(),
                password_required: m.password_required,
                // The 1:1 stands for a meeting made in GoTo's own app: its co-organizers are
                // unknown until it is opened.
                coorganizers: (m.id != "482913578").then(|| m.coorganizers.clone()),
            })
            .collect()
    });
    list.sort_by_key(|m| m.starts_at);
    list
}

fn change_meeting(id: &str, request: CreateMeeting) -> Result<Meeting, ApiFailure> {
    let all = organizers();
    with_meetings(|meetings| {
        let meeting = meetings.iter_mut().find(|m| m.id == id)?;
        meeting.subject = request.subject;
        meeting.starts_at = request.starts_at;
        meeting.ends_at = request.ends_at;
        meeting.password_required = request.password_required;
        meeting.coorganizers = all
            .into_iter()
            .filter(|o| request.coorganizer_keys.contains(&o.key))
            .collect();
        Some(meeting.clone())
    })
    .ok_or(ApiFailure::NotFound)
}

fn cancel_meeting(id: &str) {
    with_meetings(|meetings| meetings.retain(|m| m.id != id));
}

/// Nowhere real: the demo starts nothing at GoTo.
fn start_meeting() -> String {
    "about:blank".to_owned()
}

fn session() -> meeting::SessionInfo {
    let user = (scenario() != Some(Scenario::SignedOut)).then(|| User {
        organizer_key: "7000".to_owned(),
        name: "Elena Martín".to_owned(),
        email: "elena.martin@example.com".to_owned(),
        licensed: scenario() != Some(Scenario::NoLicence),
    });
    meeting::SessionInfo { user }
}

fn organizers_matching(query: &str) -> Vec<Organizer> {
    organizers()
        .into_iter()
        .filter(|o| meeting::search::matches(query.trim(), &[&o.name, &o.email]))
        .collect()
}

fn create_meeting(request: CreateMeeting) -> Result<Meeting, ApiFailure> {
    if scenario() == Some(Scenario::CreateErrors) {
        // What the backend says when a chosen co-organizer has left the account meanwhile.
        let message = match current() {
            Lang::Es => "Esta persona ya no es organizadora en la cuenta. Quítala de la lista.",
            Lang::En => {
                "This person is no longer an organizer in the account. Remove them from the list."
            }
        };
        return Err(ApiFailure::Rejected(ApiError {
            error: "validation".to_owned(),
            message: message.to_owned(),
            request_id: Some("demo-7f3a9c".to_owned()),
            fields: vec![FieldMessage {
                field: Field::Coorganizers,
                message: message.to_owned(),
            }],
        }));
    }
    let all = organizers();
    let meeting = Meeting {
        subject: request.subject,
        starts_at: request.starts_at,
        ends_at: request.ends_at,
        password_required: request.password_required,
        coorganizers: all
            .into_iter()
            .filter(|o| request.coorganizer_keys.contains(&o.key))
            .collect(),
        ..demo_meeting(DEMO_MEETING_ID)
    };
    with_meetings(|meetings| {
        meetings.retain(|m| m.id != meeting.id);
        meetings.push(meeting.clone());
    });
    Ok(meeting)
}

fn meeting(id: &str) -> Result<Meeting, ApiFailure> {
    if scenario() == Some(Scenario::NotFound) {
        return Err(ApiFailure::NotFound);
    }
    with_meetings(|meetings| meetings.iter().find(|m| m.id == id).cloned())
        .ok_or(ApiFailure::NotFound)
}

/// The backend's answer to a request the app makes, in demo mode: `api::exchange` asks here
/// instead of the network, so every API function runs as it does against the backend, JSON
/// included. `url` is the whole address the request was built for.
pub fn answer(method: Method, url: &str, body: Option<&str>) -> Result<String, ApiFailure> {
    let (path, query) = local_part(url);
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let created = || {
        body.and_then(crate::json::from_str::<CreateMeeting>)
            .ok_or(ApiFailure::Unreachable)
    };
    match (method, segments.as_slice()) {
        (Method::GET, ["api", "session"]) => json(Ok(session())),
        (Method::POST, ["api", "logout"]) => Ok(String::new()),
        (Method::GET, ["api", "organizers"]) => json(Ok(organizers_matching(&search(query)))),
        (Method::GET, ["api", "meetings"]) => json(Ok(upcoming_meetings())),
        (Method::POST, ["api", "meetings"]) => json(create_meeting(created()?)),
        (Method::GET, ["api", "meetings", id]) => json(meeting(id)),
        (Method::PUT, ["api", "meetings", id]) => json(change_meeting(id, created()?)),
        (Method::DELETE, ["api", "meetings", id]) => {
            cancel_meeting(id);
            Ok(String::new())
        }
        (Method::POST, ["api", "meetings", _, "start"]) => json(Ok(StartMeeting {
            host_url: start_meeting(),
        })),
        // Nothing else is part of the demo (the sign-in popup's handoff needs a backend).
        _ => Err(ApiFailure::NotFound),
    }
}

/// The path and query of `url`, without the origin.
fn local_part(url: &str) -> (&str, &str) {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let local = after_scheme.find('/').map_or("/", |at| &after_scheme[at..]);
    local.split_once('?').unwrap_or((local, ""))
}

/// The organizer search's `q`, as `URLSearchParams` encoded it.
fn search(query: &str) -> String {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("q="))
        .and_then(|q| {
            js_sys::decode_uri_component(&q.replace('+', " "))
                .ok()
                .and_then(|q| q.as_string())
        })
        .unwrap_or_default()
}

/// An answer as the backend sends it: JSON text.
fn json<T: serde::Serialize>(value: Result<T, ApiFailure>) -> Result<String, ApiFailure> {
    value.and_then(|v| crate::json::to_string(&v).ok_or(ApiFailure::Unreachable))
}

/// In the errors scenario, a form with something wrong in every field, sent at once.
pub fn broken_draft() -> Option<Draft> {
    if scenario() != Some(Scenario::CreateErrors) {
        return None;
    }
    let yesterday = browser_time::local_now().date() - Duration::days(1);
    Some(Draft {
        subject: String::new(),
        date: browser_time::date_input(yesterday),
        start: "10:00".to_owned(),
        end: "09:30".to_owned(),
        password_required: true,
        coorganizers: Vec::new(),
    })
}

/// The strip across the top that says this is not real, with the way to every scenario.
#[component]
pub fn DemoBanner() -> impl IntoView {
    let Some(active) = scenario() else {
        return ().into_any();
    };
    let lead = match current() {
        Lang::Es => "Demo: datos inventados, sin servidor.",
        Lang::En => "Demo: made-up data, no backend.",
    };
    // Styled here rather than in main.css, so release builds carry no trace of the demo.
    const BANNER: &str = "display:flex;flex-wrap:wrap;gap:0.25rem 0.75rem;padding:0.5rem 1rem;\
        background:repeating-linear-gradient(-45deg,#fde68a 0 12px,#fcd34d 12px 24px);\
        color:#1b1f24;font-size:0.9rem";
    const LINKS: &str = "display:flex;flex-wrap:wrap;gap:0.25rem 0.75rem";
    view! {
        <aside id="demo-banner" style=BANNER aria-label="Demo">
            <strong>{lead}</strong>
            <nav style=LINKS>
                {ALL
                    .into_iter()
                    .map(|s| {
                        // rel=external: a fresh start, so each scenario begins from scratch.
                        view! {
                            <a
                                href=format!("/?demo={}", s.name())
                                rel="external"
                                style=if s == active { "color:inherit;font-weight:700" } else { "color:inherit" }
                                aria-current=(s == active).then_some("page")
                            >
                                {s.name()}
                            </a>
                        }
                    })
                    .collect_view()}
                <a href="/?demo=off" rel="external" style="color:inherit">
                    "off"
                </a>
            </nav>
        </aside>
    }
    .into_any()
}
