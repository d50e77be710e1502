//! The wasm entry point: mounts the app over the static shell.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

fn main() {
    // Release builds abort on panic without a message (see xtask's app build), so the hook
    // would be dead weight there; in debug builds it puts the panic in the console.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // index.html paints the same frame statically while the wasm loads; the app takes its
    // place. Its loader (Trunk.toml's `pattern_script`) starts the wasm only after the shell's
    // first frame, so that paint, the page's largest, is already on screen: the app mounts in
    // the very next task. (It used to wait two animation frames for that itself: about 35 ms
    // of the interactive form's median at 4× CPU.) A task of its own, not this one, which has
    // just instantiated the wasm: one start-up task that long blocks input (Lighthouse's
    // total blocking time went from 10 to 115 ms on the create page when they were one).
    set_timeout(mount, std::time::Duration::ZERO);
}

fn mount() {
    let root = document()
        .get_element_by_id("app")
        .expect("index.html has an element with id=app");
    root.set_inner_html("");
    leptos::mount::mount_to(root.unchecked_into(), meetings_app::App).forget();
}
