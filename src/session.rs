//! Who is signed in: the session the whole app shares as context, checked with the backend,
//! flipped to signed out by a 401, and signed out from here.

use leptos::prelude::*;
use leptos::task::spawn_local;
use meeting::{SessionInfo, User};

use crate::api;
use crate::api_failure::ApiFailure;
use crate::draft::Draft;

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
    /// Starts from the page's own session check when it has already answered (it usually
    /// has, by the time the wasm runs): the first screen is then built in the same task as the
    /// frame around it, rather than a wait later: the interactive create form's median at 4×
    /// CPU went from 506 to 476 ms (25 loads each, alternating with the build before).
    pub fn provide() -> SessionState {
        let answered = api::session_now().map(Self::from_answer);
        let to_check = answered.is_none();
        let state = SessionState {
            session: RwSignal::new(answered.unwrap_or(Session::Checking)),
            signing_out: RwSignal::new(false),
            sign_out_failed: RwSignal::new(false),
        };
        provide_context(state);
        if to_check {
            state.check();
        }
        state
    }

    pub fn check(self) {
        self.session.set(Session::Checking);
        spawn_local(async move {
            self.session.set(Self::from_answer(api::session().await));
        });
    }

    fn from_answer(answer: Result<SessionInfo, ApiFailure>) -> Session {
        match answer {
            Ok(info) => match info.user {
                Some(user) => Session::SignedIn(user),
                None => Session::SignedOut(SignedOutWhy::NotConnected),
            },
            Err(ApiFailure::SignedOut) => Session::SignedOut(SignedOutWhy::NotConnected),
            Err(_) => Session::Unreachable,
        }
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

    /// Whether the last sign-out failed (the header says so).
    pub fn sign_out_failed(self) -> bool {
        self.sign_out_failed.get()
    }
}
