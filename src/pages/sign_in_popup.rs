//! The sign-in in a popup, for the app inside a portal's frame, where GoTo's sign-in page
//! (which refuses to be framed) must open in a window of its own: opening it, hearing its
//! report, handing its session to this frame, and saying where it stands, including Safari's
//! storage-access question.

use std::cell::Cell;
use std::rc::Rc;

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use meeting::Lang;
use wasm_bindgen::JsValue;

use crate::api;
use crate::components::notice::{Notice, NoticeKind};
use crate::session::SessionState;
use crate::storage_access;
use crate::text::{text, Key};

/// Where a sign-in through a popup stands (only inside an iframe).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Popup {
    Closed,
    Open,
    /// The browser refused to open it: offer a link instead.
    Blocked,
    /// It came back without a connection.
    NotConnected,
    /// Signed in, but the browser keeps this frame from its cookies (Safari's tracking
    /// prevention in a portal on another site) until the person allows it.
    NeedsStorageAccess,
    /// The browser refused that too: the app in a tab of its own still works.
    StorageRefused,
}

/// Whether the app runs inside another page's frame (a portal), where GoTo's sign-in page,
/// which refuses to be framed, must open in a window of its own.
pub fn in_frame() -> bool {
    let window = window();
    match window.top() {
        Ok(Some(top)) => !js_sys::Object::is(&top, &window),
        // No access to the top window at all: certainly framed.
        _ => true,
    }
}

/// `{type: "meetings-sign-in", signedIn: bool, handoff: code or null}` from our own origin,
/// else `None`. `Some(Ok(code))` when signed in: the code (if any) lets this frame have the
/// session too, since in a portal on another site it cannot see the popup's cookie.
/// Only the popup this frame opened may report (when the browser gave a handle to it; the
/// new-tab fallback gives none, and the nonce still binds the code to this frame).
fn sign_in_outcome(
    event: &web_sys::MessageEvent,
    popup_window: Option<&web_sys::Window>,
) -> Option<Result<Option<String>, ()>> {
    let own_origin = window().location().origin().ok()?;
    if event.origin() != own_origin {
        return None;
    }
    if let Some(popup_window) = popup_window {
        let from_it = event
            .source()
            .is_some_and(|source| js_sys::Object::is(&source, popup_window));
        if !from_it {
            return None;
        }
    }
    let data = event.data();
    let field = |name: &str| js_sys::Reflect::get(&data, &JsValue::from_str(name)).ok();
    if field("type")?.as_string().as_deref() != Some(meeting::names::SIGN_IN_MESSAGE) {
        return None;
    }
    if field("signedIn")?.as_bool() != Some(true) {
        return Some(Err(()));
    }
    Some(Ok(field("handoff").and_then(|code| code.as_string())))
}

/// Whether this frame's own requests carry a session: after the popup, a frame kept from its
/// cookies still sees none.
async fn signed_in_here() -> bool {
    matches!(api::session().await, Ok(info) if info.user.is_some())
}

/// The window the popup opened in: only it may report back. A plain shared cell: a reactive
/// store would cost bytes for nothing here.
pub type PopupWindow = Rc<Cell<Option<web_sys::Window>>>;

/// Listens, while the page lives, for the popup's report. Signed in: the code is redeemed for
/// this frame's own cookie (needed when the portal is another site), then the backend is
/// asked, and the page the person was on comes back with their draft; a failed redemption
/// shows as still signed out, with Connect to try again.
pub fn listen(
    popup: RwSignal<Popup>,
    nonce: StoredValue<String>,
    framed: bool,
    session: SessionState,
) -> PopupWindow {
    let popup_window: PopupWindow = Rc::new(Cell::new(None));
    let known_window = popup_window.clone();
    let listener = window_event_listener(ev::message, move |event| {
        let known = known_window.take();
        let outcome = sign_in_outcome(&event, known.as_ref());
        known_window.set(known);
        match outcome {
            Some(Ok(handoff)) => spawn_local(async move {
                if let Some(code) = handoff {
                    let _ = api::redeem_handoff(code, nonce.get_value()).await;
                }
                // Safari's tracking prevention drops even the redeemed cookie: there the
                // person is asked to let this frame have its cookies, which needs their tap.
                if framed && storage_access::kept_from_cookies().await && !signed_in_here().await {
                    popup.try_set(Popup::NeedsStorageAccess);
                    return;
                }
                session.check();
            }),
            Some(Err(())) => {
                popup.try_set(Popup::NotConnected);
            }
            None => {}
        }
    });
    on_cleanup(move || listener.remove());
    popup_window
}

/// Opens the sign-in at `href` in a popup, or says the browser blocked it.
pub fn open(popup: RwSignal<Popup>, popup_window: &PopupWindow, href: &str) {
    let opened = window().open_with_url_and_target_and_features(
        href,
        "goto-sign-in",
        "width=520,height=700",
    );
    popup.set(match opened {
        Ok(Some(opened)) => {
            popup_window.set(Some(opened));
            Popup::Open
        }
        _ => Popup::Blocked,
    });
}

/// Where the popup sign-in stands, in words, with what the person can do next.
pub fn notice(
    lang: Lang,
    popup: RwSignal<Popup>,
    popup_href: impl Fn() -> String + Copy + Send + Sync + 'static,
    session: SessionState,
) -> impl IntoView {
    // During the tap, as the browser requires; once allowed, this frame sees the cookie the
    // popup got, and the page the person was on comes back.
    let allow_storage = move |_: ev::MouseEvent| {
        let granted = storage_access::request();
        spawn_local(async move {
            if granted.await {
                session.check();
            } else {
                popup.try_set(Popup::StorageRefused);
            }
        });
    };
    move || {
        match popup.get() {
                Popup::Closed => None,
                Popup::Open => Some(
                    view! {
                        <Notice kind=NoticeKind::Info id="sign-in-popup">
                            {text(lang, Key::PopupWaiting)}
                        </Notice>
                    }
                    .into_any(),
                ),
                Popup::NotConnected => Some(
                    view! {
                        <Notice kind=NoticeKind::Error id="sign-in-popup">
                            {text(lang, Key::PopupNotConnected)}
                        </Notice>
                    }
                    .into_any(),
                ),
                Popup::NeedsStorageAccess => Some(
                    view! {
                        <Notice kind=NoticeKind::Info id="sign-in-popup">
                            <p>{text(lang, Key::StorageAccessNeeded)}</p>
                            <button id="allow-storage-access" type="button" on:click=allow_storage>
                                {text(lang, Key::AllowStorageAccess)}
                            </button>
                        </Notice>
                    }
                    .into_any(),
                ),
                Popup::StorageRefused => Some(
                    view! {
                        <Notice kind=NoticeKind::Error id="sign-in-popup">
                            <p>{text(lang, Key::StorageAccessRefused)}</p>
                            <p>
                                <a id="open-app-in-tab" href=window().location().href().unwrap_or_default() target="_blank" rel="noopener">
                                    {text(lang, Key::OpenAppInNewTab)}
                                </a>
                            </p>
                            <button id="allow-storage-access" type="button" class="secondary" on:click=allow_storage>
                                {text(lang, Key::AllowStorageAccess)}
                            </button>
                        </Notice>
                    }
                    .into_any(),
                ),
                // rel=opener: the backend's page in the new tab still reports back here.
                Popup::Blocked => Some(
                    view! {
                        <Notice kind=NoticeKind::Error id="sign-in-popup">
                            <p>{text(lang, Key::PopupBlocked)}</p>
                            <a id="connect-new-tab" href=popup_href target="_blank" rel="opener external">
                                {text(lang, Key::OpenSignIn)}
                            </a>
                        </Notice>
                    }
                    .into_any(),
                ),
    }
    }
}
