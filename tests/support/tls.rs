//! https for the browser tests: a TLS front on a free loopback port that passes every
//! connection through to a plain http server (the backend, or a portal page). WebKit sends a
//! `Secure` cookie only over https, and a cross-site deployment's cookies must be `Secure`, so
//! the cross-site portal on WebKit needs real TLS. The certificate in `tls/` was made for
//! these tests alone (self-signed, for 127.0.0.1 and localhost, valid until 2126); the
//! browsers are told to accept it (`acceptInsecureCerts`). Its key protects nothing.

use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

const CERT: &[u8] = include_bytes!("tls/cert.pem");
const KEY: &[u8] = include_bytes!("tls/key.pem");

/// A listening TLS front; bound before what it fronts starts, so that server can be told its
/// public https address. Stopped when dropped.
pub struct TlsFront {
    pub port: u16,
    listener: Option<TcpListener>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

impl TlsFront {
    pub async fn bind() -> TlsFront {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        TlsFront {
            port: listener.local_addr().unwrap().port(),
            listener: Some(listener),
            task: None,
        }
    }

    /// Starts passing each connection, decrypted, to `127.0.0.1:<to_port>`.
    pub fn forward_to(&mut self, to_port: u16) {
        let listener = self.listener.take().expect("forwarding already");
        let acceptor = TlsAcceptor::from(Arc::new(server_config()));
        self.task = Some(tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let _ = stream.set_nodelay(true);
                    let Ok(mut tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    let Ok(mut plain) = TcpStream::connect(("127.0.0.1", to_port)).await else {
                        return;
                    };
                    let _ = plain.set_nodelay(true);
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                });
            }
        }));
    }
}

fn server_config() -> rustls::ServerConfig {
    let certs = CertificateDer::pem_slice_iter(CERT)
        .collect::<Result<Vec<_>, _>>()
        .expect("the test certificate");
    let key = PrivateKeyDer::from_pem_slice(KEY).expect("the test key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("the test certificate and key");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}
