//! JSON in and out through the browser's own `JSON.parse` and `JSON.stringify`, with
//! serde-wasm-bindgen between those values and the contract's types. serde_json's parser
//! and printer, compiled into the wasm, were the larger part of the first load's JSON code.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// `text` as a `T`, or `None` if it is not JSON of that shape.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value = js_sys::JSON::parse(text).ok()?;
    serde_wasm_bindgen::from_value(value).ok()
}

/// `value` as JSON text, as serde_json writes it: maps as objects and `None` as `null`.
pub fn to_string<T: Serialize>(value: &T) -> Option<String> {
    let value = value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()?;
    js_sys::JSON::stringify(&value).ok()?.as_string()
}
