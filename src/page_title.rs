//! The document title: the page's own, then the product's name.

use leptos::prelude::*;

use crate::language::use_lang;
use crate::text::{text, Key};

/// Sets the document title for the page being shown.
pub fn set_title(title: &str) {
    let product = text(use_lang(), Key::ProductName);
    document().set_title(&format!("{title} · {product}"));
}
