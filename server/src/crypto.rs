//! Encryption at rest for tokens and what is kept per meeting (AES-256-GCM).
//!
//! Each value is sealed with a fresh 96-bit nonce and bound to what it belongs to through the
//! associated data (e.g. `session:<id hash>`), so a ciphertext copied to another row does not
//! decrypt. Layout: version byte ‖ nonce ‖ ciphertext+tag.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use rand::RngCore;
use std::path::Path;

/// A fresh random id (256 bits, base64url): session ids, handoff codes, lock tokens.
pub fn random_id() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

const VERSION: u8 = 1;

#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(<key redacted>)")
    }
}

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Sealer {
        Sealer {
            cipher: Aes256Gcm::new(key.into()),
        }
    }

    /// Reads the key from `path`, or creates it (mode 0600) on first run. Returns whether the
    /// key was created, so the caller can warn that it must be backed up or configured.
    pub fn from_key_file(path: &Path) -> std::io::Result<(Sealer, bool)> {
        if let Ok(bytes) = std::fs::read(path) {
            let key: [u8; 32] = hex::decode(String::from_utf8_lossy(&bytes).trim())
                .ok()
                .and_then(|k| k.try_into().ok())
                .ok_or_else(|| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{} must hold 64 hex characters", path.display()),
                    )
                })?;
            return Ok((Sealer::new(&key), false));
        }
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        write_private(path, hex::encode(key).as_bytes())?;
        Ok((Sealer::new(&key), true))
    }

    pub fn seal(&self, plaintext: &[u8], context: &str) -> Vec<u8> {
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            .expect("AES-GCM encryption cannot fail for in-memory buffers");
        let mut out = Vec::with_capacity(1 + nonce.len() + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open(&self, sealed: &[u8], context: &str) -> Option<Vec<u8>> {
        let (&version, rest) = sealed.split_first()?;
        if version != VERSION || rest.len() < 12 + 16 {
            return None;
        }
        let (nonce, ciphertext) = rest.split_at(12);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .ok()
    }
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents)
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_in_their_context() {
        let sealer = Sealer::new(&[7; 32]);
        let sealed = sealer.seal(b"refresh-token", "session:a");
        assert_eq!(sealer.open(&sealed, "session:a").unwrap(), b"refresh-token");
        assert!(sealer.open(&sealed, "session:b").is_none());
        assert!(!sealed.windows(13).any(|w| w == b"refresh-token"));
    }

    #[test]
    fn tampering_is_detected() {
        let sealer = Sealer::new(&[7; 32]);
        let mut sealed = sealer.seal(b"x", "c");
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(sealer.open(&sealed, "c").is_none());
    }

    #[test]
    fn the_key_file_is_created_private_and_reused() {
        let dir = std::env::temp_dir().join(format!("sealer-test-{}", std::process::id()));
        let path = dir.join("key");
        let _ = std::fs::remove_dir_all(&dir);
        let (first, created) = Sealer::from_key_file(&path).unwrap();
        assert!(created);
        let (second, created_again) = Sealer::from_key_file(&path).unwrap();
        assert!(!created_again);
        let sealed = first.seal(b"v", "c");
        assert_eq!(second.open(&sealed, "c").unwrap(), b"v");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
