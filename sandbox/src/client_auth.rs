//! HTTP Basic client authentication at the token endpoint (**sure**: "Authorization: Basic
//! base64(client_id:client_secret)").
//!
//! RFC 6749 §2.3.1 says the id and secret are form-urlencoded before Base64; many clients (and
//! GoTo's own examples) skip that step. Both must work, so a credential is accepted when it
//! matches either as sent or after form-urldecoding. A secret with `+`, `/` or `=` tells the
//! two apart.

use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;

use crate::config::RegisteredClient;
use crate::error::SandboxError;

/// The id and secret as they arrived, before any form-urldecoding.
struct BasicCredentials {
    id: String,
    secret: String,
}

fn basic_credentials(headers: &HeaderMap) -> Option<BasicCredentials> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let encoded = encoded.trim();
    let bytes = STANDARD
        .decode(encoded)
        .or_else(|_| STANDARD_NO_PAD.decode(encoded))
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some(BasicCredentials {
        id: id.to_owned(),
        secret: secret.to_owned(),
    })
}

fn form_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("v={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The client id a request claims, for the journal: never the secret.
pub(crate) fn claimed_client_id(headers: &HeaderMap) -> Option<String> {
    basic_credentials(headers).map(|c| form_decode(&c.id))
}

/// The registered client whose credentials the request carries, or `invalid_client` (401).
pub(crate) fn authenticate<'a>(
    clients: &'a [RegisteredClient],
    headers: &HeaderMap,
) -> Result<&'a RegisteredClient, SandboxError> {
    let Some(credentials) = basic_credentials(headers) else {
        return Err(SandboxError::invalid_client(
            "client authentication with HTTP Basic is required",
        ));
    };
    let plain = (credentials.id.clone(), credentials.secret.clone());
    let decoded = (
        form_decode(&credentials.id),
        form_decode(&credentials.secret),
    );
    clients
        .iter()
        .find(|client| {
            [&plain, &decoded].iter().any(|(id, secret)| {
                *id == client.client_id && constant_time_eq(secret, &client.client_secret)
            })
        })
        .ok_or_else(|| SandboxError::invalid_client("client authentication failed"))
}

/// Compares secrets without stopping at the first difference, as a real server would.
fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(id_secret: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let value = format!("Basic {}", STANDARD.encode(id_secret));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&value).unwrap(),
        );
        headers
    }

    #[test]
    fn both_encodings_of_a_secret_with_reserved_characters_pass() {
        let clients = vec![RegisteredClient::new(
            "app",
            "a+b/c=d e",
            ["http://x.example/"],
        )];
        assert!(authenticate(&clients, &headers("app:a+b/c=d e")).is_ok());
        assert!(authenticate(&clients, &headers("app:a%2Bb%2Fc%3Dd+e")).is_ok());
        assert!(authenticate(&clients, &headers("app:a b/c=d e")).is_err());
        assert!(authenticate(&clients, &headers("app:wrong")).is_err());
        assert!(authenticate(&clients, &HeaderMap::new()).is_err());
    }

    #[test]
    fn the_journal_sees_the_id_only() {
        assert_eq!(
            claimed_client_id(&headers("my%20app:secret")).as_deref(),
            Some("my app")
        );
    }
}
