//! Who is signed in, the page frame, and the gate in front of every page that needs GoTo.

use leptos::prelude::*;
use leptos::task::spawn_local;
use meeting::{Meeting, User};

use crate::api::{self, ApiFailure};
use crate::components::notice::{Notice, NoticeKind};
use crate::draft::Draft;
use crate::language::LanguageSwitch;
use crate::pages::signed_out::SignedOutPage;
use crate::text::{text, use_lang, Key};
use leptos_router::components::A;

#[derive(Clone, Debug, PartialEq)]
pub enum Session {
    Checking,
    SignedIn(User),
    SignedOut(SignedOutWhy),
    /// `/api/session` gave no usable answer.
    Unreachable,
}

/// Why nobody is signed in, which decides what the connect page says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignedOutWhy {
    /// Not connected yet in this browser.
    NotConnected,
    /// The person pressed "Sign out".
    SignedOut,
    /// A call was answered 401: the session ended while the person was using the app.
    Expired,
}

/// The session, shared as context. A call answered 401 while signed in flips it to signed out
/// (see `note`), which puts the connect page in front of whatever page was showing; the draft
/// stays in storage. Signing out lives here too, so the header's button and the no-licence
/// notice's share one request and one failure message.
#[derive(Clone, Copy)]
pub struct SessionState {
    session: RwSignal<Session>,
    signing_out: RwSignal<bool>,
    sign_out_failed: RwSignal<bool>,
}

impl SessionState {
    pub fn provide() -> SessionState {
        let state = SessionState {
            session: RwSignal::new(Session::Checking),
            signing_out: RwSignal::new(false),
            sign_out_failed: RwSignal::new(false),
        };
        provide_context(state);
        state.check();
        state
    }

    pub fn check(self) {
        self.session.set(Session::Checking);
        spawn_local(async move {
            let session = match api::session().await {
                Ok(info) => match info.user {
                    Some(user) => Session::SignedIn(user),
                    None => Session::SignedOut(SignedOutWhy::NotConnected),
                },
                Err(ApiFailure::SignedOut) => Session::SignedOut(SignedOutWhy::NotConnected),
                Err(_) => Session::Unreachable,
            };
            self.session.set(session);
        });
    }

    pub fn get(self) -> Session {
        self.session.get()
    }

    /// To be told of every failed call: a 401 means the session is gone. Only a session known
    /// to be signed in can have ended; while it is being checked, the check will tell (a page
    /// that loads alongside the check must not call a first visit an expired session).
    pub fn note(self, failure: &ApiFailure) {
        if *failure == ApiFailure::SignedOut
            && matches!(self.session.get_untracked(), Session::SignedIn(_))
        {
            self.session.set(Session::SignedOut(SignedOutWhy::Expired));
        }
        // GoTo has the last word on a licence the account's directory did not know about.
        if failure.is_no_licence() {
            self.session.update(|session| {
                if let Session::SignedIn(user) = session {
                    user.licensed = false;
                }
            });
        }
    }

    /// Signs out at the backend; the draft goes with the session.
    pub fn sign_out(self) {
        self.signing_out.set(true);
        self.sign_out_failed.set(false);
        spawn_local(async move {
            match api::logout().await {
                Ok(()) | Err(ApiFailure::SignedOut) => {
                    Draft::clear_all();
                    self.session
                        .set(Session::SignedOut(SignedOutWhy::SignedOut));
                }
                Err(_) => self.sign_out_failed.set(true),
            }
            self.signing_out.set(false);
        });
    }

    pub fn signing_out(self) -> bool {
        self.signing_out.get()
    }
}

/// The meeting just made, handed from the form to the next page so it need not be fetched.
#[derive(Clone, Copy)]
pub struct JustCreated(pub RwSignal<Option<Meeting>>);

impl JustCreated {
    pub fn provide() {
        provide_context(JustCreated(RwSignal::new(None)));
    }

    /// The meeting if it is the one with this id.
    pub fn matching(id: &str) -> Option<Meeting> {
        let JustCreated(meeting) = use_context::<JustCreated>()?;
        meeting.get_untracked().filter(|meeting| meeting.id == id)
    }
}

/// One sentence for the next page to say once, where the person lands: "Changes saved." after
/// a change, "“Weekly sync” is cancelled." after a cancel from the details page.
#[derive(Clone, Copy)]
pub struct Flash(RwSignal<Option<String>>);

impl Flash {
    pub fn provide() {
        provide_context(Flash(RwSignal::new(None)));
    }

    /// Taken while a page is built: a page's callbacks run later, after awaits, where no
    /// context can be looked up any more.
    pub fn get() -> Flash {
        expect_context::<Flash>()
    }

    pub fn say(self, message: String) {
        self.0.set(Some(message));
    }

    /// The sentence, once: the next page to ask gets nothing.
    pub fn take() -> Option<String> {
        let Flash(flash) = use_context::<Flash>()?;
        let message = flash.get_untracked();
        if message.is_some() {
            flash.set(None);
        }
        message
    }
}

/// The same header the static shell in `index.html` paints before the wasm arrives (the
/// product name and the link to the list), plus the person's name and the sign-out button
/// once the session is known, and the language switch.
#[component]
pub fn Header() -> impl IntoView {
    let lang = use_lang();
    let session = expect_context::<SessionState>();
    let user = move || match session.get() {
        Session::SignedIn(user) => Some(user),
        _ => None,
    };
    view! {
        <header class="bar">
            <A href="/" exact=true {..} class="brand">
                {text(lang, Key::ProductName)}
            </A>
            // Always here, signed in or not (the list asks a stranger to connect first): the
            // shell paints it too, so on a phone, where it opens the header's second row, that
            // row is there from the first paint and nothing below it moves when the app starts.
            <A href="/meetings" exact=true {..} id="my-meetings-link" class="nav">
                {text(lang, Key::MyMeetings)}
            </A>
            // The language switch comes last, at the right edge, so the name and "Sign out"
            // appearing once the session check answers do not move it (a layout shift
            // Lighthouse measured when it came first).
            {move || {
                user()
                    .map(|user| {
                        view! {
                            <span class="who" title=user.email.clone()>
                                {user.name.clone()}
                            </span>
                            <button
                                id="sign-out"
                                type="button"
                                class="quiet"
                                on:click=move |_| session.sign_out()
                                disabled=move || session.signing_out()
                            >
                                {move || {
                                    text(
                                        lang,
                                        if session.signing_out() { Key::SigningOut } else { Key::SignOut },
                                    )
                                }}
                            </button>
                        }
                    })
            }}
            <LanguageSwitch/>
        </header>
        <Show when=move || session.sign_out_failed.get()>
            <Notice kind=NoticeKind::Error id="sign-out-error">
                {text(lang, Key::SignOutFailed)}
            </Notice>
        </Show>
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Stage {
    Checking,
    SignedIn,
    SignedOut(SignedOutWhy),
    Unreachable,
}

/// Shows `children` only to a signed-in person; everyone else gets the connect page, with a
/// way to come straight back here. `under_heading`: the page has put its own heading above
/// this gate, so the connect page's title is a sub-heading of it. `alongside_check`: the page
/// starts while the session is still being checked (it shows its own loading state, and its
/// request runs alongside the check instead of after it: one round trip less before a
/// meeting shows); a failed check still replaces it with the connect page.
#[component]
pub fn SignedIn(
    children: ChildrenFn,
    #[prop(optional)] under_heading: bool,
    #[prop(optional)] alongside_check: bool,
) -> impl IntoView {
    let lang = use_lang();
    let session = expect_context::<SessionState>();
    // A memo, so that the page is not rebuilt unless the person signs in or out (nor when a
    // check the page started alongside answers "signed in").
    let stage = Memo::new(move |_| match session.get() {
        Session::Checking if alongside_check => Stage::SignedIn,
        Session::Checking => Stage::Checking,
        Session::SignedIn(_) => Stage::SignedIn,
        Session::SignedOut(why) => Stage::SignedOut(why),
        Session::Unreachable => Stage::Unreachable,
    });
    move || match stage.get() {
        Stage::Checking => view! { <Loading/> }.into_any(),
        Stage::SignedIn => children().into_any(),
        Stage::SignedOut(why) => view! { <SignedOutPage why under_heading/> }.into_any(),
        Stage::Unreachable => view! {
            <Notice kind=NoticeKind::Error id="service-error">
                <p>{text(lang, Key::ServiceUnreachable)}</p>
                <button id="retry" type="button" on:click=move |_| session.check()>
                    {text(lang, Key::TryAgain)}
                </button>
            </Notice>
            <SignedOutPage why=SignedOutWhy::NotConnected under_heading/>
        }
        .into_any(),
    }
}

/// The placeholder that also stands in `index.html` until the wasm has started.
#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <p class="loading" role="status">
            {text(use_lang(), Key::Loading)}
        </p>
    }
}

/// Sets the document title for the page being shown.
pub fn set_title(title: &str) {
    let product = text(use_lang(), Key::ProductName);
    document().set_title(&format!("{title} · {product}"));
}
