//! Calling a browser method by name, for the few that web-sys does not bind or that not every
//! browser has (`Temporal`, `crypto.randomUUID`, the Storage Access API): a browser without
//! the method gives `None`, never a panic or a thrown error.

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// `on.path[0].path[1]….method()`, or `None` where any step is missing or the call throws.
pub fn call(on: &JsValue, path: &[&str], method: &str) -> Option<JsValue> {
    let mut this = on.clone();
    for name in path {
        this = Reflect::get(&this, &JsValue::from_str(name)).ok()?;
    }
    let function = Reflect::get(&this, &JsValue::from_str(method)).ok()?;
    function.dyn_ref::<Function>()?.call0(&this).ok()
}
