//! Random keys the app makes: a create's idempotency key and the sign-in popup's nonce.

use wasm_bindgen::JsValue;

/// A fresh random key: `crypto.randomUUID()` where the browser offers it (secure contexts).
pub fn new_key() -> String {
    let global = js_sys::global();
    let uuid = js_sys::Reflect::get(&global, &JsValue::from_str("crypto"))
        .ok()
        .filter(|crypto| !crypto.is_undefined())
        .and_then(|crypto| {
            let random_uuid =
                js_sys::Reflect::get(&crypto, &JsValue::from_str("randomUUID")).ok()?;
            let random_uuid: &js_sys::Function = wasm_bindgen::JsCast::dyn_ref(&random_uuid)?;
            random_uuid.call0(&crypto).ok()?.as_string()
        });
    uuid.unwrap_or_else(|| {
        (0..4)
            .map(|_| {
                format!(
                    "{:08x}",
                    (js_sys::Math::random() * f64::from(u32::MAX)) as u32
                )
            })
            .collect()
    })
}
