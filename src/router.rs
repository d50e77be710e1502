//! The app's addresses, and moving between them without reloading the page.
//!
//! Written here rather than taken from leptos_router, for size: built the same way as the
//! app, a bare Leptos app is 15 KB of brotli wasm alone and 56 KB with leptos_router and one
//! route, which is a third of the app's 120 KB first-load budget for three fixed paths
//! (dropping it took the app's first load from 170.3 KB to 133.7 KB). What
//! the app used of it is all here: which page the path names, history entries for links and
//! for the form's redirect, the back and forward buttons, and the current address for the
//! sign-in link to come back to.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// What an address shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page {
    /// `/`
    Create,
    /// `/meetings/{id}/created`
    Created(String),
    /// `/meetings/{id}`
    Details(String),
    NotFound,
}

impl Page {
    /// The page for a path (no query). One trailing slash is forgiven; the id is taken as it
    /// is written, and the page itself judges whether a meeting can have it.
    pub fn from_path(path: &str) -> Page {
        let path = path
            .strip_suffix('/')
            .filter(|p| !p.is_empty())
            .unwrap_or(path);
        if path == "/" {
            return Page::Create;
        }
        let Some(rest) = path.strip_prefix("/meetings/") else {
            return Page::NotFound;
        };
        match rest.split('/').collect::<Vec<_>>().as_slice() {
            [id] if !id.is_empty() => Page::Details((*id).to_owned()),
            [id, "created"] if !id.is_empty() => Page::Created((*id).to_owned()),
            _ => Page::NotFound,
        }
    }
}

/// The address shown in the browser's bar, as signals, shared as context.
#[derive(Clone, Copy)]
pub struct Location {
    path: RwSignal<String>,
    /// The query without its `?`, or empty.
    search: RwSignal<String>,
}

impl Location {
    /// Reads the current address and follows the back and forward buttons from now on.
    pub fn provide() -> Location {
        let location = Location {
            path: RwSignal::new(String::new()),
            search: RwSignal::new(String::new()),
        };
        location.read_from_browser();
        // The app lives as long as the page, so the listener is never removed (dropping the
        // handle leaves it in place).
        let _ = window_event_listener(ev::popstate, move |_| location.read_from_browser());
        provide_context(location);
        location
    }

    /// The page the current address names (a memo: the same page is not rebuilt).
    pub fn page(self) -> Memo<Page> {
        Memo::new(move |_| self.path.with(|path| Page::from_path(path)))
    }

    /// Path and query, e.g. for the sign-in to come back to.
    pub fn path_and_query(self) -> String {
        join(&self.path.get(), &self.search.get())
    }

    fn path_and_query_untracked(self) -> String {
        join(&self.path.get_untracked(), &self.search.get_untracked())
    }

    /// Goes to a local address (`/…`): a new history entry unless it is the address already
    /// shown (so Back is never a step to the same page), the page it names, scrolled to the top.
    pub fn navigate(self, href: &str) {
        if !href.starts_with('/') || href.starts_with("//") {
            // Only the app's own paths; nothing here builds another kind.
            return;
        }
        if href != self.path_and_query_untracked() {
            let pushed = window()
                .history()
                .and_then(|history| history.push_state_with_url(&JsValue::NULL, "", Some(href)));
            if pushed.is_err() {
                // No history API to use (it cannot fail for a same-origin path in practice):
                // let the browser load the address instead, which shows the same page.
                let _ = window().location().set_href(href);
                return;
            }
        }
        let (path, search) = href.split_once('?').unwrap_or((href, ""));
        self.path.set(path.to_owned());
        self.search.set(search.to_owned());
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }

    fn read_from_browser(self) {
        let address = window().location();
        self.path
            .set(address.pathname().unwrap_or_else(|_| "/".into()));
        let search = address.search().unwrap_or_default();
        self.search
            .set(search.strip_prefix('?').unwrap_or(&search).to_owned());
    }
}

fn join(path: &str, search: &str) -> String {
    if search.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{search}")
    }
}

pub fn use_location() -> Location {
    expect_context::<Location>()
}

/// A link to one of the app's own pages, followed without reloading. A click with a modifier
/// key or another button keeps its usual meaning (new tab, new window, download). The link to
/// the page being shown says so to assistive technology (`aria-current="page"`).
#[component]
pub fn Link(
    #[prop(into)] href: String,
    #[prop(optional)] id: Option<&'static str>,
    #[prop(optional)] class: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let location = use_location();
    let target = href.clone();
    let current = {
        let href = href.clone();
        move || (location.path.get() == href).then_some("page")
    };
    let follow = move |event: ev::MouseEvent| {
        let plain = event.button() == 0
            && !(event.meta_key() || event.ctrl_key() || event.shift_key() || event.alt_key());
        if plain && !event.default_prevented() {
            event.prevent_default();
            location.navigate(&target);
        }
    };
    view! {
        <a href=href id=id class=class aria-current=current on:click=follow>
            {children()}
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn paths_name_their_pages() {
        let id = || "123456789".to_owned();
        for (path, page) in [
            ("/", Page::Create),
            ("", Page::NotFound),
            ("/meetings/123456789", Page::Details(id())),
            ("/meetings/123456789/", Page::Details(id())),
            ("/meetings/123456789/created", Page::Created(id())),
            ("/meetings/123456789/created/", Page::Created(id())),
            // The page judges the id itself ("not found" for one no meeting can have).
            ("/meetings/abc", Page::Details("abc".into())),
        ] {
            assert_eq!(Page::from_path(path), page, "{path}");
        }
        for unknown in [
            "/meetings",
            "/meetings/",
            "/meetings//created",
            "/meetings/1/created/extra",
            "/meetings/1/other",
            "/nope",
            "/index.html",
        ] {
            assert_eq!(Page::from_path(unknown), Page::NotFound, "{unknown}");
        }
    }
}
