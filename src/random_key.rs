//! Random keys the app makes: a create's idempotency key and the sign-in popup's nonce.

/// A fresh random key: `crypto.randomUUID()` where the browser offers it (secure contexts).
pub fn new_key() -> String {
    let uuid = crate::js_method::call(&js_sys::global(), &["crypto"], "randomUUID")
        .and_then(|uuid| uuid.as_string());
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
