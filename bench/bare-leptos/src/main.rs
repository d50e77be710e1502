//! One component mounted: the least a Leptos 0.8 CSR app ships. The app has no router crate
//! either (see src/router.rs), so this is the floor of its stack.

use leptos::prelude::*;

#[component]
fn Home() -> impl IntoView {
    view! { <p>"Hello"</p> }
}

fn main() {
    leptos::mount::mount_to_body(|| view! { <Home/> })
}
