//! The Storage Access API, for the app inside a portal on another site. Safari's tracking
//! prevention (WebKit's ITP, on by default on every iPhone and Mac) gives a framed site none
//! of its cookies, not even partitioned ones, until the person lets it: the frame calls
//! `document.requestStorageAccess()` during their tap and the browser asks them. web-sys
//! 0.3.107 does not bind these two methods, so they are called by name; a browser without
//! them never needs them.

use js_sys::Promise;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `document[name]()` as a promise, or `None` where the browser has no such method.
fn call(name: &str) -> Option<Promise> {
    let document = JsValue::from(leptos::prelude::document());
    crate::js_method::call(&document, &[], name)?
        .dyn_into::<Promise>()
        .ok()
}

/// Whether this frame is kept from its cookies and may ask for them: `document.hasStorageAccess()`
/// answered false. A browser without the API (or that failed to answer) is not asked.
pub async fn kept_from_cookies() -> bool {
    let Some(promise) = call("hasStorageAccess") else {
        return false;
    };
    matches!(JsFuture::from(promise).await, Ok(has) if has.as_bool() == Some(false))
}

/// Asks the browser to let this frame use its cookies. Must start inside the person's tap
/// (the browser refuses a request without one); resolves to whether it was granted.
pub fn request() -> impl std::future::Future<Output = bool> {
    let asked = call("requestStorageAccess");
    async move {
        match asked {
            Some(promise) => JsFuture::from(promise).await.is_ok(),
            None => false,
        }
    }
}
