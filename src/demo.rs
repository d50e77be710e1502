//! Demo mode for designers: `trunk serve` with no backend shows every page with made-up data,
//! picked by the address
//! (`/?demo=signed-out|create|create-errors|created|details|not-found|no-licence`,
//! `?demo=off` to leave). The choice is kept for the tab, so links inside the app stay in it.
//!
//! Debug builds only: `lib.rs` declares this module under `#[cfg(debug_assertions)]`, so not a
//! byte of it reaches a release build.

use std::cell::{Cell, RefCell};

use chrono::{DateTime, Duration, Timelike, Utc};
use leptos::prelude::*;
use meeting::{ApiError, CreateMeeting, Field, FieldMessage, Lang, Meeting, Organizer, User};

use crate::api::ApiFailure;
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
}

const ALL: [Scenario; 7] = [
    Scenario::SignedOut,
    Scenario::Create,
    Scenario::CreateErrors,
    Scenario::Created,
    Scenario::Details,
    Scenario::NotFound,
    Scenario::NoLicence,
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
        }
    }

    fn parse(name: &str) -> Option<Scenario> {
        ALL.into_iter().find(|s| s.name() == name)
    }

    /// The page the scenario opens on.
    fn path(self) -> String {
        match self {
            Scenario::Created => format!("/meetings/{DEMO_MEETING_ID}/created"),
            Scenario::Details => format!("/meetings/{DEMO_MEETING_ID}"),
            Scenario::NotFound => format!("/meetings/{MISSING_MEETING_ID}"),
            _ => "/".to_owned(),
        }
    }
}

thread_local! {
    static SCENARIO: Cell<Option<Option<Scenario>>> = const { Cell::new(None) };
    static LAST_CREATED: RefCell<Option<Meeting>> = const { RefCell::new(None) };
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
    }
}

pub async fn session() -> Result<meeting::SessionInfo, ApiFailure> {
    let user = (scenario() != Some(Scenario::SignedOut)).then(|| User {
        organizer_key: "7000".to_owned(),
        name: "Elena Martín".to_owned(),
        email: "elena.martin@example.com".to_owned(),
        licensed: scenario() != Some(Scenario::NoLicence),
    });
    Ok(meeting::SessionInfo { user })
}

pub async fn organizers_matching(query: String) -> Result<Vec<Organizer>, ApiFailure> {
    Ok(organizers()
        .into_iter()
        .filter(|o| meeting::search::matches(query.trim(), &[&o.name, &o.email]))
        .collect())
}

pub async fn create_meeting(request: CreateMeeting) -> Result<Meeting, ApiFailure> {
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
    LAST_CREATED.with(|last| *last.borrow_mut() = Some(meeting.clone()));
    Ok(meeting)
}

pub async fn meeting(id: String) -> Result<Meeting, ApiFailure> {
    if scenario() == Some(Scenario::NotFound) || id != DEMO_MEETING_ID {
        return Err(ApiFailure::NotFound);
    }
    Ok(LAST_CREATED
        .with(|last| last.borrow().clone())
        .unwrap_or_else(|| demo_meeting(&id)))
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
