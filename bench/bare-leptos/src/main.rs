//! One route under leptos_router: the least a Leptos 0.8 CSR app with the design card's router
//! ships, so the floor of the app's stack.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[component]
fn Home() -> impl IntoView {
    view! { <p>"Hello"</p> }
}

fn main() {
    leptos::mount::mount_to_body(|| {
        view! {
            <Router>
                <Routes fallback=|| "Not found">
                    <Route path=path!("/") view=Home/>
                </Routes>
            </Router>
        }
    })
}
