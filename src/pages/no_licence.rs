//! The page for a person whose GoTo account holds no GoToMeeting licence.

use leptos::prelude::*;

use crate::components::notice::{Notice, NoticeKind};
use crate::language::use_lang;
use crate::page_title::set_title;
use crate::session::SessionState;
use crate::text::{self, text, Key};

/// What a person whose GoTo account holds no GoToMeeting licence sees in the create form's
/// place: GoTo would refuse every meeting they made, so they learn it before typing one. Under
/// the create page's heading, so its title is an `h2`. The e-mail tells them which account is
/// signed in, in case it is not the one they meant; signing out lets them choose another.
#[component]
pub fn NoLicenceNotice(email: String) -> impl IntoView {
    let lang = use_lang();
    let session = expect_context::<SessionState>();
    set_title(text(lang, Key::NoLicenceTitle));
    view! {
        <section id="no-licence" class="card">
            <h2>{text(lang, Key::NoLicenceTitle)}</h2>
            <Notice kind=NoticeKind::Error id="no-licence-notice">
                <p>{text(lang, Key::NoLicenceLead)}</p>
                <p id="no-licence-account">{text::signed_in_as(lang, &email)}</p>
            </Notice>
            <button
                id="switch-account"
                type="button"
                class="secondary"
                on:click=move |_| session.sign_out()
                disabled=move || session.signing_out()
            >
                {move || {
                    text(lang, if session.signing_out() { Key::SigningOut } else { Key::SwitchAccount })
                }}
            </button>
        </section>
    }
}
