//! The id each request is given (`middleware::Edge`), named in its error body, its
//! `x-request-id` header, the logs and the support log.

/// 16 URL-safe characters naming one request in logs and in the `x-request-id` header. Kept
/// inline rather than in a `String`: every request makes one and copies it into its error
/// context and its support-log scope.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RequestId([u8; 16]);

impl RequestId {
    /// Not a secret, so the thread's user-space CSPRNG serves, rather than a system call per
    /// request.
    pub fn random() -> RequestId {
        use base64::Engine;
        use rand::RngCore;
        let mut bytes = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut bytes);
        let mut text = [0u8; 16];
        // 12 bytes are exactly 16 characters of unpadded base64, so this cannot fail.
        let _ = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode_slice(bytes, &mut text);
        RequestId(text)
    }

    pub fn as_str(&self) -> &str {
        // Base64's alphabet is ASCII.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_sixteen_url_safe_characters_and_new_each_time() {
        let (a, b) = (RequestId::random(), RequestId::random());
        for id in [a, b] {
            assert_eq!(id.as_str().len(), 16, "{id}");
            assert!(id
                .as_str()
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        }
        assert_ne!(a, b);
    }
}
