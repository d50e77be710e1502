//! Answers the page asked for before the wasm arrived. `index.html` starts `GET /api/session`
//! while it is parsed, so the check that decides what the first screen shows runs during the
//! wasm's download and compile rather than after them. Each answer is taken once, by the first
//! request for the same path; every later request goes to the network as usual.

use std::future::Future;

use gloo_net::http::Response;
use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The object `index.html` leaves on `window`: path → the `fetch` promise it started.
const EARLY: &str = "meetingsEarly";
/// And path → `{status, body}`, once that answer has wholly come.
const READY: &str = "meetingsReady";

/// The early answer to `GET path` if it has wholly come: its status and body, taken now, with
/// no wait (the request is taken with it, so nobody reads it twice).
pub fn take_ready(path: &str) -> Option<(u16, String)> {
    let window = web_sys::window()?;
    let key = JsValue::from_str(path);
    let ready = Reflect::get(&window, &JsValue::from_str(READY)).ok()?;
    let answer = Reflect::get(&ready, &key).ok().filter(JsValue::is_object)?;
    let field = |name: &str| Reflect::get(&answer, &JsValue::from_str(name)).ok();
    let status = u16::try_from(field("status")?.as_f64()? as u32).ok()?;
    let body = field("body")?.as_string()?;
    forget(&window, &key);
    Some((status, body))
}

/// Takes the early request for `key` and its answer off `window`.
fn forget(window: &web_sys::Window, key: &JsValue) {
    for name in [EARLY, READY] {
        if let Ok(map) = Reflect::get(window, &JsValue::from_str(name)) {
            if map.is_object() {
                let _ = Reflect::delete_property(map.unchecked_ref::<Object>(), key);
            }
        }
    }
}

/// The early answer to `request`, if the page started one for it and nobody has taken it.
pub fn take(request: &web_sys::Request) -> Option<impl Future<Output = Option<Response>>> {
    if request.method() != "GET" {
        return None;
    }
    let window = web_sys::window()?;
    let origin = window.location().origin().ok()?;
    let url = request.url();
    let key = JsValue::from_str(url.strip_prefix(&origin)?);
    let early = Reflect::get(&window, &JsValue::from_str(EARLY)).ok()?;
    let promise: Promise = Reflect::get(&early, &key).ok()?.dyn_into().ok()?;
    forget(&window, &key);
    Some(async move {
        let raw = JsFuture::from(promise).await.ok()?;
        raw.dyn_into::<web_sys::Response>().ok().map(Response::from)
    })
}
