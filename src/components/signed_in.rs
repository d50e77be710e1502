//! The gate in front of every page that needs GoTo: the page for a signed-in person, the
//! connect page for everyone else.

use leptos::prelude::*;

use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::language::use_lang;
use crate::pages::signed_out::SignedOutPage;
use crate::session::{Session, SessionState, SignedOutWhy};
use crate::text::{text, Key};

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
