//! `bare-axum PORT`: one route, `GET /` → a small JSON body, on 127.0.0.1.

use axum::routing::get;
use axum::{Json, Router};

#[tokio::main]
async fn main() {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let app = Router::new().route(
        "/",
        get(|| async { Json(serde_json::json!({"signed_in": true, "name": "Bench"})) }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind");
    println!("listening on {}", listener.local_addr().expect("address"));
    axum::serve(listener, app).await.expect("serve");
}
