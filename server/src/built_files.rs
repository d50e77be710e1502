//! The built app (`MEETINGS_DIST`, `target/app/` by default, a few hundred KB with its `.br` and `.gz` copies) read into memory
//! once at start and answered from there: what `tower_http::services::ServeDir` did from the
//! disk (same Content-Type, precompressed brotli/gzip by `Accept-Encoding` with `Vary`,
//! `Last-Modified`, 304s), with a strong ETag per encoding from its content.
//!
//! Why not `ServeDir`: it opens, stats and reads the file on a blocking thread for every
//! request and writes headers and body separately. With 16 connections it answered ~450
//! favicon or JS requests a second and 805 for the wasm, while the shell from memory answered
//! 54 648. Here an answer is a lookup and a reference-counted clone of the bytes.
//!
//! A request never reaches the file system, so no path can leave the built app's directory: only the names
//! found there at start exist.

use std::collections::HashMap;
use std::path::Path;
use std::time::SystemTime;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use base64::Engine;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// One encoding of a file: its bytes and their ETag.
struct Encoded {
    bytes: Bytes,
    etag: HeaderValue,
}

impl Encoded {
    fn new(bytes: Vec<u8>) -> Encoded {
        let digest = Sha256::digest(&bytes);
        // 128 bits of the content's hash: strong, and different for each encoding's bytes.
        let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16]);
        Encoded {
            bytes: Bytes::from(bytes),
            etag: HeaderValue::from_str(&format!("\"{tag}\"")).expect("base64 is a valid header"),
        }
    }
}

struct BuiltFile {
    content_type: HeaderValue,
    /// Whole seconds, as `Last-Modified` says it and `If-Modified-Since` compares it.
    modified: Option<DateTime<Utc>>,
    last_modified: Option<HeaderValue>,
    identity: Encoded,
    brotli: Option<Encoded>,
    gzip: Option<Encoded>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Coding {
    // Declared in the order a tie in q-value is settled (the last wins), as `ServeDir` did.
    Identity,
    Gzip,
    Brotli,
}

/// Every file of the built app, by its path under the built app's directory (`/` separated, no leading `/`).
#[derive(Default)]
pub struct BuiltFiles {
    files: HashMap<String, BuiltFile>,
}

impl BuiltFiles {
    /// Reads `dist` (and its subdirectories); a missing directory is an empty app.
    pub fn load(dist: &Path) -> BuiltFiles {
        let mut raw = Vec::new();
        collect(dist, "", &mut raw);
        let mut bytes: HashMap<String, (Vec<u8>, Option<SystemTime>)> = raw
            .into_iter()
            .map(|(name, data, modified)| (name, (data, modified)))
            .collect();
        let names: Vec<String> = bytes.keys().cloned().collect();
        let mut files = HashMap::with_capacity(names.len());
        let mut total = 0;
        for name in &names {
            let (data, modified) = bytes[name].clone();
            let variant = |suffix: &str| bytes.get(&format!("{name}{suffix}")).map(|v| v.0.clone());
            let (br, gz) = (variant(".br"), variant(".gz"));
            total += data.len() + br.as_ref().map_or(0, Vec::len) + gz.as_ref().map_or(0, Vec::len);
            let modified = modified.map(|t| {
                let t: DateTime<Utc> = t.into();
                DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
            });
            files.insert(
                name.clone(),
                BuiltFile {
                    content_type: content_type(name),
                    last_modified: modified.and_then(|t| {
                        HeaderValue::from_str(&t.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
                            .ok()
                    }),
                    modified,
                    identity: Encoded::new(data),
                    brotli: br.map(Encoded::new),
                    gzip: gz.map(Encoded::new),
                },
            );
        }
        bytes.clear();
        tracing::debug!(
            files = files.len(),
            bytes = total,
            "built app read into memory"
        );
        BuiltFiles { files }
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The answer for a GET or HEAD of `path` (the URI's path, still percent-encoded), or
    /// `None` when no file has that name (the caller then serves the app's shell).
    pub fn respond(&self, path: &str, request: &HeaderMap) -> Option<Response> {
        let file = self.files.get(&file_name(path)?)?;
        let coding = negotiate(request, file.brotli.is_some(), file.gzip.is_some());
        let encoded = match coding {
            Coding::Brotli => file.brotli.as_ref(),
            Coding::Gzip => file.gzip.as_ref(),
            Coding::Identity => None,
        }
        .unwrap_or(&file.identity);
        let not_modified = match request.get(header::IF_NONE_MATCH) {
            // RFC 9110 §13.1.2: If-None-Match uses the weak comparison, and rules alone when sent.
            Some(tags) => etag_listed(tags, &encoded.etag),
            None => request
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
                .zip(file.modified)
                .is_some_and(|(since, modified)| modified <= since),
        };
        let mut response = if not_modified {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response
        } else {
            let mut response = Response::new(Body::from(encoded.bytes.clone()));
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, file.content_type.clone());
            match coding {
                Coding::Brotli if file.brotli.is_some() => {
                    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
                }
                Coding::Gzip if file.gzip.is_some() => {
                    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                }
                _ => {}
            }
            response
        };
        let headers = response.headers_mut();
        // Sent whatever the encoding chosen: another Accept-Encoding may get other bytes.
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        headers.insert(header::ETAG, encoded.etag.clone());
        if let Some(last_modified) = &file.last_modified {
            headers.insert(header::LAST_MODIFIED, last_modified.clone());
        }
        Some(response)
    }
}

/// Whether this method is one the files answer (others get 405, as from `ServeDir`).
pub fn readable(method: &Method) -> bool {
    method == Method::GET || method == Method::HEAD
}

fn collect(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>, Option<SystemTime>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let path = entry.path();
        // `metadata` follows symbolic links, as opening the file did.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let relative = format!("{prefix}{name}");
        if meta.is_dir() {
            collect(&path, &format!("{relative}/"), out);
        } else if let Ok(data) = std::fs::read(&path) {
            out.push((relative, data, meta.modified().ok()));
        }
    }
}

/// The Content-Type `ServeDir` gave: `mime_guess`'s first type for the extension.
fn content_type(name: &str) -> HeaderValue {
    mime_guess::from_path(name)
        .first_raw()
        .map(HeaderValue::from_static)
        .unwrap_or_else(|| HeaderValue::from_static("application/octet-stream"))
}

/// The file a URI path names: percent-decoded, empty and `.` segments dropped, and nothing at
/// all for `..` or bytes that are not UTF-8 (as `ServeDir` refused them).
fn file_name(path: &str) -> Option<String> {
    let decoded = percent_decode(path)?;
    let mut name = String::with_capacity(decoded.len());
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            _ => {
                if !name.is_empty() {
                    name.push('/');
                }
                name.push_str(segment);
            }
        }
    }
    Some(name)
}

fn percent_decode(path: &str) -> Option<String> {
    if !path.contains('%') {
        return Some(path.to_owned());
    }
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h)? * 16 + hex(l)?) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The encoding to send: the highest q-value among those this file has, a tie going to
/// brotli, then gzip; identity when nothing else is acceptable (as `ServeDir` did, which
/// ignored `*` and never answered 406).
fn negotiate(request: &HeaderMap, has_brotli: bool, has_gzip: bool) -> Coding {
    if !has_brotli && !has_gzip {
        return Coding::Identity;
    }
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|item| {
            let mut parts = item.split(';');
            let coding = match parts.next()?.trim() {
                "br" if has_brotli => Coding::Brotli,
                "gzip" if has_gzip => Coding::Gzip,
                "identity" => Coding::Identity,
                _ => return None,
            };
            let q = match parts.next() {
                None => 1000,
                Some(q) => qvalue(q.trim())?,
            };
            (q > 0).then_some((q, coding))
        })
        .max()
        .map_or(Coding::Identity, |(_, coding)| coding)
}

/// `q=0.8` as thousandths; `None` when malformed (the item is then ignored).
fn qvalue(text: &str) -> Option<u16> {
    let value = text
        .strip_prefix("q=")
        .or_else(|| text.strip_prefix("Q="))?;
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// `If-None-Match`: `*`, or a list of tags one of which is this one (weak comparison).
fn etag_listed(header_value: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(list) = header_value.to_str() else {
        return false;
    };
    let ours = etag.to_str().unwrap_or_default();
    list.trim() == "*"
        || list
            .split(',')
            .map(|tag| tag.trim())
            .any(|tag| tag.strip_prefix("W/").unwrap_or(tag) == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn brotli_wins_a_tie_and_q_values_rule() {
        assert_eq!(
            negotiate(&accept("gzip, deflate, br"), true, true),
            Coding::Brotli
        );
        assert_eq!(
            negotiate(&accept("br;q=0.5, gzip"), true, true),
            Coding::Gzip
        );
        assert_eq!(
            negotiate(&accept("br;q=0, gzip;q=0"), true, true),
            Coding::Identity
        );
        assert_eq!(negotiate(&accept("br"), false, true), Coding::Identity);
        assert_eq!(negotiate(&accept("br, gzip"), false, true), Coding::Gzip);
        assert_eq!(negotiate(&HeaderMap::new(), true, true), Coding::Identity);
        assert_eq!(
            negotiate(&accept("identity, br;q=0.9"), true, true),
            Coding::Identity
        );
        assert_eq!(negotiate(&accept("br;q=1.0"), true, true), Coding::Brotli);
        assert_eq!(negotiate(&accept("br;q=2"), true, true), Coding::Identity);
    }

    #[test]
    fn paths_are_decoded_and_never_climb() {
        assert_eq!(file_name("/a-1.js").as_deref(), Some("a-1.js"));
        assert_eq!(file_name("/dir//./b%2Ejs").as_deref(), Some("dir/b.js"));
        assert_eq!(file_name("/../secret.key"), None);
        assert_eq!(file_name("/x/%2e%2e/secret.key"), None);
        assert_eq!(file_name("/%ff"), None);
    }

    #[test]
    fn if_none_match_compares_weakly() {
        let ours = HeaderValue::from_static("\"abc\"");
        let listed = |v: &'static str| etag_listed(&HeaderValue::from_static(v), &ours);
        assert!(listed("\"abc\""));
        assert!(listed("\"x\", W/\"abc\""));
        assert!(listed("*"));
        assert!(!listed("\"abcd\""));
    }
}
