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
    Reflect::delete_property(early.unchecked_ref::<Object>(), &key).ok()?;
    Some(async move {
        let raw = JsFuture::from(promise).await.ok()?;
        raw.dyn_into::<web_sys::Response>().ok().map(Response::from)
    })
}
