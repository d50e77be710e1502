//! The static shell (`index.html`) in the visitor's language. The built file is English; the
//! Spanish copy is made from it once at start by swapping its few visible phrases, so both
//! paint the same frame the app paints in that language and nothing shifts when it takes
//! over. Only text changes: the inline scripts, and so the CSP hashes computed from the built
//! file, stay exactly as they are. Both copies are brotli-compressed once, at start.

use std::io::Write;
use std::path::Path;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use meeting::Lang;
use sha2::{Digest, Sha256};

/// The app's Content-Security-Policy. trunk's `index.html` starts the wasm with an inline
/// module script; rather than allowing inline scripts, its exact hash is allowed, computed
/// from the built file at start. `frame-ancestors` names the portals that may embed the app.
pub fn content_security_policy(dist: &Path, frame_ancestors: &str) -> String {
    let html = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
    let hashes: String = inline_scripts(&html)
        .into_iter()
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors {frame_ancestors}"
    )
}

/// The bodies of `<script>` elements without a `src`.
pub fn inline_scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after_open = &rest[open..];
        let Some(tag_end) = after_open.find('>') else {
            break;
        };
        let tag = &after_open[..tag_end];
        let body_start = &after_open[tag_end + 1..];
        let Some(close) = body_start.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            out.push(&body_start[..close]);
        }
        rest = &body_start[close..];
    }
    out
}

/// Each English phrase of `index.html` with its Spanish. Both must match the app's own words
/// in `src/text.rs` (product name, the list's link, "Loading…", the create page's heading and
/// lead): a unit test there checks the English, `tests/e2e_first_paint.rs` both languages in a
/// browser.
const SPANISH: &[(&str, &str)] = &[
    ("Meeting scheduler", "Programador de reuniones"),
    ("Loading…", "Cargando…"),
    (">My meetings<", ">Mis reuniones<"),
    ("Schedule a meeting", "Programar una reunión"),
    (
        "Choose a day and time, and add co-organizers if you like. The meeting is made in your GoToMeeting account, and you get its link to share.",
        "Elige el día y la hora y, si quieres, añade coorganizadores. La reunión se crea en tu cuenta de GoToMeeting y recibes su enlace para compartirlo.",
    ),
    (
        "Schedule GoToMeeting meetings from any device.",
        "Programa reuniones de GoToMeeting desde cualquier dispositivo.",
    ),
    (
        "This app needs JavaScript and WebAssembly.",
        "Esta aplicación necesita JavaScript y WebAssembly.",
    ),
];

/// One language's copy, plain and brotli-compressed.
struct Page {
    html: Vec<u8>,
    brotli: Vec<u8>,
}

impl Page {
    fn new(html: String) -> Page {
        let mut brotli = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut brotli, 4096, 11, 22);
            writer.write_all(html.as_bytes()).expect("in-memory write");
        }
        Page {
            html: html.into_bytes(),
            brotli,
        }
    }
}

pub struct Shell {
    english: Page,
    spanish: Page,
}

impl Shell {
    /// The built app's shell, or `None` when there is no built app (then pages answer 404).
    pub fn load(dist: &Path) -> Option<Shell> {
        let html = std::fs::read_to_string(dist.join("index.html")).ok()?;
        let mut spanish = localise(&html, Lang::Es);
        // The CSP allows the built file's scripts by hash: a copy whose scripts differ would
        // not start, so it is better English than broken.
        if inline_scripts(&spanish) != inline_scripts(&html) {
            tracing::warn!("the Spanish shell would change an inline script; serving English");
            spanish = html.clone();
        }
        Some(Shell {
            spanish: Page::new(spanish),
            english: Page::new(html),
        })
    }

    /// The shell for a request: in the language the person chose in the app (its
    /// `meetings-lang` cookie), else by `Accept-Language`; brotli when accepted.
    pub fn response(&self, headers: &HeaderMap) -> Response {
        let lang = chosen_language(headers).unwrap_or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::negotiate)
                .unwrap_or_default()
        });
        let page = match lang {
            Lang::En => &self.english,
            Lang::Es => &self.spanish,
        };
        let brotli = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(accepts_brotli);
        let mut response = if brotli {
            let mut response = Body::from(page.brotli.clone()).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            response
        } else {
            Body::from(page.html.clone()).into_response()
        };
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(
            header::VARY,
            HeaderValue::from_static("accept-language, accept-encoding, cookie"),
        );
        *response.status_mut() = StatusCode::OK;
        response
    }
}

/// The language the app stored when the person switched it (`src/language.rs`).
fn chosen_language(headers: &HeaderMap) -> Option<Lang> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == meeting::names::LANG_COOKIE)
                .then(|| Lang::from_code(value))
                .flatten()
        })
}

/// `br` is listed and not refused with `q=0`.
fn accepts_brotli(accept_encoding: &str) -> bool {
    accept_encoding.split(',').any(|part| {
        let mut pieces = part.split(';').map(str::trim);
        pieces.next() == Some("br")
            && !pieces.any(|p| {
                p.strip_prefix("q=")
                    .is_some_and(|q| q.trim_start_matches(['0', '.']).is_empty())
            })
    })
}

/// The shell in `lang`: its `<html lang>` and its visible phrases.
pub fn localise(html: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return html.to_owned();
    }
    let mut out = html.to_owned();
    // Only inside the <html> tag; the minifier may have dropped the quotes.
    if let Some(start) = out.find("<html") {
        let end = out[start..].find('>').map_or(out.len(), |e| start + e);
        let tag = out[start..end]
            .replacen("lang=\"en\"", "lang=\"es\"", 1)
            .replacen("lang=en", "lang=es", 1);
        out.replace_range(start..end, &tag);
    }
    for (english, spanish) in SPANISH {
        out = out.replace(english, spanish);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_inline_scripts_are_hashed() {
        let html = r#"<script src="/a.js"></script><script type="module">init()</script>"#;
        assert_eq!(super::inline_scripts(html), vec!["init()"]);
    }

    use super::*;

    /// The real `index.html`: every phrase the Spanish copy swaps is in it, so a reworded
    /// shell cannot silently stay English.
    const INDEX: &str = include_str!("../../index.html");

    #[test]
    fn every_phrase_of_the_real_shell_is_translated() {
        let spanish = localise(INDEX, Lang::Es);
        for (english, translated) in SPANISH {
            assert!(INDEX.contains(english), "index.html lost {english:?}");
            assert!(!spanish.contains(english), "{english:?} left in Spanish");
            assert!(spanish.contains(translated));
        }
        assert!(spanish.contains("<html lang=\"es\">"));
        assert_eq!(localise(INDEX, Lang::En), INDEX);
    }

    #[test]
    fn a_minified_shell_is_translated_and_its_scripts_stay_byte_for_byte() {
        let built = "<!doctype html><html lang=en><title>Meeting scheduler</title><script>var lang=\"en\"</script><p>Loading…";
        let spanish = localise(built, Lang::Es);
        assert_eq!(
            spanish,
            "<!doctype html><html lang=es><title>Programador de reuniones</title><script>var lang=\"en\"</script><p>Cargando…"
        );
        assert_eq!(inline_scripts(&spanish), inline_scripts(built));
    }

    #[test]
    fn the_language_chosen_in_the_app_wins_over_the_browsers() {
        let mut headers = HeaderMap::new();
        assert_eq!(chosen_language(&headers), None);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=b; meetings-lang=es"),
        );
        assert_eq!(chosen_language(&headers), Some(Lang::Es));
        headers.insert(header::COOKIE, HeaderValue::from_static("meetings-lang=en"));
        assert_eq!(chosen_language(&headers), Some(Lang::En));
        headers.insert(header::COOKIE, HeaderValue::from_static("meetings-lang=fr"));
        assert_eq!(chosen_language(&headers), None);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("x-meetings-lang=es"),
        );
        assert_eq!(chosen_language(&headers), None);
    }

    #[test]
    fn brotli_only_when_accepted() {
        assert!(accepts_brotli("gzip, deflate, br"));
        assert!(accepts_brotli("br;q=0.5"));
        assert!(!accepts_brotli("gzip"));
        assert!(!accepts_brotli("br;q=0"));
        assert!(!accepts_brotli("br;q=0.0, gzip"));
        assert!(!accepts_brotli("brotli"));
    }
}
