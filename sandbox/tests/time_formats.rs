//! Every `TimeFormat` shapes the times of `GET /meetings/{id}` and `GET /upcomingMeetings`;
//! incoming times are parsed the same whatever the switch says.

mod common;

use common::*;
use goto_sandbox::{SandboxConfig, TimeFormat};
use reqwest::Method;
use serde_json::{json, Value};

fn expected(format: TimeFormat) -> (&'static str, &'static str) {
    match format {
        TimeFormat::Zulu => ("2030-05-04T08:30:00Z", "2030-05-04T10:00:00Z"),
        TimeFormat::Offset => ("2030-05-04T08:30:00+0000", "2030-05-04T10:00:00+0000"),
        TimeFormat::Colon => ("2030-05-04T08:30:00+00:00", "2030-05-04T10:00:00+00:00"),
        TimeFormat::Millis => (
            "2030-05-04T08:30:00.000+0000",
            "2030-05-04T10:00:00.000+0000",
        ),
        TimeFormat::BareDot => ("2030-05-04T08:30:00.+0000", "2030-05-04T10:00:00.+0000"),
    }
}

#[tokio::test]
async fn each_time_format_shapes_get_meeting_and_upcoming_meetings() {
    let h = start_with(SandboxConfig {
        per_second_limit: 0,
        ..config()
    })
    .await;
    assert_eq!(h.sandbox.time_format(), TimeFormat::BareDot);
    let token = h.access_token(MARIA).await;
    let mut body = meeting_body("Formatos");
    body["starttime"] = json!("2030-05-04T08:30:00.000Z");
    body["endtime"] = json!("2030-05-04T10:00:00+00:00");
    let created: Value = h.create_meeting(&token, &body).await.json().await.unwrap();
    let id = created[0]["meetingid"].as_u64().unwrap();
    for format in TimeFormat::ALL {
        h.sandbox.set_time_format(format);
        let (start, end) = expected(format);
        let got: Value = h
            .api(Method::GET, &format!("/meetings/{id}"), &token, None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(got[0]["startTime"], start, "{format}");
        assert_eq!(got[0]["endTime"], end, "{format}");
        let upcoming: Value = h
            .api(Method::GET, "/upcomingMeetings", &token, None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(upcoming[0]["startTime"], start, "{format}");
        assert_eq!(upcoming[0]["endTime"], end, "{format}");
    }
}

#[tokio::test]
async fn the_admin_endpoint_reads_and_switches_the_format() {
    let h = start_with(SandboxConfig {
        time_format: TimeFormat::Zulu,
        ..config()
    })
    .await;
    let current: Value = h
        .http
        .get(h.url("/_admin/time-format"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        current,
        json!({"format": "zulu", "example": "2026-03-10T15:00:00Z"})
    );
    let response = h
        .http
        .post(h.url("/_admin/time-format"))
        .json(&json!({"format": "millis"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"format": "millis", "example": "2026-03-10T15:00:00.000+0000"})
    );
    assert_eq!(h.sandbox.time_format(), TimeFormat::Millis);
    let response = h
        .http
        .post(h.url("/_admin/time-format"))
        .json(&json!({"format": "iso"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(h.sandbox.time_format(), TimeFormat::Millis);
}
