//! The wasm entry point: mounts the app over the static shell.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

fn main() {
    // Release builds abort on panic without a message (see xtask's app build), so the hook
    // would be dead weight there; in debug builds it puts the panic in the console.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // index.html paints the same frame statically while the wasm loads; the app takes its
    // place. Not before the shell's first frame is on screen, though: when the wasm is already
    // here (a fast or cached load), replacing the shell within its first frame would make the
    // browser forget that paint, and count the page's largest text as painted only by the app.
    // Two frames were enough in nearly every load measured, not in all: a frame or two later,
    // the app's copy of the lead is the same size in the same place. Waiting costs a frame or
    // two; on a slow network the shell has long been painted. (A background tab runs no
    // animation frames: there the app mounts when the tab is shown.)
    request_animation_frame(|| request_animation_frame(mount));
}

fn mount() {
    let root = document()
        .get_element_by_id("app")
        .expect("index.html has an element with id=app");
    root.set_inner_html("");
    leptos::mount::mount_to(root.unchecked_into(), meetings_app::App).forget();
}
