//! A boxed message: information, or an error announced as it appears.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    /// Something to know; read out politely.
    Info,
    /// Something went wrong; read out at once.
    Error,
}

/// A boxed message. Errors are `role="alert"` so screen readers announce them when they appear.
#[component]
pub fn Notice(
    kind: NoticeKind,
    #[prop(optional)] id: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let (class, role) = match kind {
        NoticeKind::Info => ("notice", "status"),
        NoticeKind::Error => ("notice notice-error", "alert"),
    };
    view! {
        <div class=class role=role id=id>
            {children()}
        </div>
    }
}
