//! A tiny static file server for the browser tests: serves a directory on a free loopback
//! port with no backend behind it (the designer demo), or a portal page on another origin
//! (the iframe test). Unknown paths get `index.html`, as an SPA host does.

use std::path::{Path, PathBuf};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A running server; stopped when dropped.
pub struct StaticServer {
    pub port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript",
        // wasm-bindgen streams the module only with its own type.
        "wasm" => "application/wasm",
        "css" => "text/css",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// The file a request path names inside `root`, or `index.html` (never outside `root`).
fn resolve(root: &Path, request_path: &str) -> PathBuf {
    let path = request_path.split(['?', '#']).next().unwrap_or("/");
    let relative = path.trim_start_matches('/');
    let candidate = root.join(relative);
    if !relative.is_empty() && !relative.contains("..") && candidate.is_file() {
        candidate
    } else {
        root.join("index.html")
    }
}

/// Serves `root` on 127.0.0.1 until dropped.
pub async fn serve(root: PathBuf) -> StaticServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            let root = root.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut read = 0;
                // Requests here are GETs without bodies: the head is all there is.
                while !buf[..read].windows(4).any(|w| w == b"\r\n\r\n") && read < buf.len() {
                    match stream.read(&mut buf[read..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read += n,
                    }
                }
                let head = String::from_utf8_lossy(&buf[..read]);
                let target = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let file = resolve(&root, &target);
                let (status, body) = match tokio::fs::read(&file).await {
                    Ok(body) => ("200 OK", body),
                    Err(_) => ("404 Not Found", b"not found".to_vec()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
                    content_type(&file),
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    StaticServer { port, task }
}
