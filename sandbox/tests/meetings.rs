//! The meeting calls of the G2M REST API and every rule of the create body.

mod common;

use common::*;
use goto_sandbox::SandboxConfig;
use reqwest::Method;
use serde_json::{json, Value};

/// These tests make many calls with one token; the per-second limit has its own test.
async fn start_unthrottled() -> Harness {
    start_with(SandboxConfig {
        per_second_limit: 0,
        ..config()
    })
    .await
}

async fn refused(h: &Harness, token: &str, body: &Value) -> String {
    let response = h.create_meeting(token, body).await;
    assert_eq!(response.status(), 400, "{body}");
    let body: Value = response.json().await.unwrap();
    body["msg"].as_str().unwrap().to_owned()
}

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

fn without(mut body: Value, key: &str) -> Value {
    body.as_object_mut().unwrap().remove(key);
    body
}

#[tokio::test]
async fn create_answers_201_with_a_one_element_array() {
    let h = start_unthrottled().await;
    let token = h.access_token(MARIA).await;
    let response = h
        .create_meeting(&token, &meeting_body("Revisión trimestral"))
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    let list = body.as_array().unwrap();
    assert_eq!(list.len(), 1);
    let meeting = &list[0];
    let id = meeting["meetingid"]
        .as_u64()
        .expect("meetingid, lower case, a number");
    assert!(meeting.get("meetingId").is_none());
    assert_eq!(
        meeting["joinURL"],
        format!("https://global.gotomeeting.com/join/{id}")
    );
    assert_eq!(meeting["maxParticipants"], 250);
    assert!(meeting["uniqueMeetingId"].as_u64().is_some());
    let dial_in = meeting["conferenceCallInfo"].as_str().unwrap();
    assert!(dial_in.lines().count() > 2, "{dial_in}");
    assert!(dial_in.contains("Access Code: "));
    let stored = h.sandbox.meetings();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].meeting_id, id);
    assert_eq!(stored[0].organizer_key, h.organizer_key(MARIA));
    assert_eq!(stored[0].subject, "Revisión trimestral");
}

#[tokio::test]
async fn get_answers_a_camel_case_array_with_an_empty_create_time() {
    let h = start_unthrottled().await;
    let token = h.access_token(MARIA).await;
    let co = h.organizer_key(JOSE);
    let body = with(
        with(
            meeting_body("Plan de ventas"),
            "starttime",
            json!("2030-05-04T08:30:00.000Z"),
        ),
        "endtime",
        json!("2030-05-04T10:00:00Z"),
    );
    let body = with(body, "coorganizerKeys", json!([co]));
    let created: Value = h.create_meeting(&token, &body).await.json().await.unwrap();
    let id = created[0]["meetingid"].as_u64().unwrap();
    let response = h
        .api(Method::GET, &format!("/meetings/{id}"), &token, None)
        .await;
    assert_eq!(response.status(), 200);
    let got: Value = response.json().await.unwrap();
    assert_eq!(got.as_array().unwrap().len(), 1);
    let m = &got[0];
    assert_eq!(m["subject"], "Plan de ventas");
    // GoTo's own examples' form, the sandbox's default (see tests/time_formats.rs for the rest).
    assert_eq!(m["startTime"], "2030-05-04T08:30:00.+0000");
    assert_eq!(m["endTime"], "2030-05-04T10:00:00.+0000");
    assert_eq!(m["status"], "INACTIVE");
    assert_eq!(m["passwordRequired"], true);
    assert_eq!(m["duration"], 90);
    assert_eq!(m["maxParticipants"], 250);
    assert_eq!(m["meetingId"], id);
    assert!(m["meetingKey"].as_u64().is_some());
    assert_eq!(m["uniqueMeetingId"], created[0]["uniqueMeetingId"]);
    assert_eq!(m["meetingType"], "scheduled");
    assert_eq!(m["createTime"], "");
    assert_eq!(m["coorganizerKeys"], json!([co]));
    assert_eq!(m["conferenceCallInfo"], created[0]["conferenceCallInfo"]);
    // The co-organizer may read it too.
    let jose = h.access_token(JOSE).await;
    let response = h
        .api(Method::GET, &format!("/meetings/{id}"), &jose, None)
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn the_subject_is_at_most_100_characters_counting_escaped_brackets() {
    let h = start_unthrottled().await;
    let token = h.access_token(MARIA).await;
    let ok = h
        .create_meeting(&token, &meeting_body(&"ñ".repeat(100)))
        .await;
    assert_eq!(ok.status(), 201);
    refused(&h, &token, &meeting_body(&"a".repeat(101))).await;
    let escaped_ok = format!("{}&lt;", "a".repeat(96));
    assert_eq!(
        h.create_meeting(&token, &meeting_body(&escaped_ok))
            .await
            .status(),
        201
    );
    let escaped_long = format!("{}&lt;", "a".repeat(97));
    refused(&h, &token, &meeting_body(&escaped_long)).await;
    let msg = refused(&h, &token, &meeting_body("Budget < 10k")).await;
    assert!(msg.contains("&lt;"), "{msg}");
    refused(&h, &token, &meeting_body("Budget > 10k")).await;
    refused(&h, &token, &meeting_body("")).await;
}

#[tokio::test]
async fn every_required_key_and_value_rule_is_checked() {
    let h = start_unthrottled().await;
    let token = h.access_token(MARIA).await;
    let base = meeting_body("Reglas");
    for key in [
        "subject",
        "starttime",
        "endtime",
        "passwordrequired",
        "conferencecallinfo",
        "timezonekey",
        "meetingtype",
    ] {
        let msg = refused(&h, &token, &without(base.clone(), key)).await;
        assert!(msg.contains(key), "{msg}");
    }
    refused(
        &h,
        &token,
        &with(base.clone(), "timezonekey", json!("Europe/Madrid")),
    )
    .await;
    refused(
        &h,
        &token,
        &with(base.clone(), "meetingtype", json!("weekly")),
    )
    .await;
    refused(
        &h,
        &token,
        &with(base.clone(), "passwordrequired", json!("true")),
    )
    .await;
    refused(
        &h,
        &token,
        &with(base.clone(), "conferencecallinfo", json!("x".repeat(256))),
    )
    .await;
    refused(
        &h,
        &token,
        &with(
            base.clone(),
            "starttime",
            json!("2030-05-04T10:00:00+02:00"),
        ),
    )
    .await;
    refused(
        &h,
        &token,
        &with(base.clone(), "starttime", json!("04/05/2030 10:00")),
    )
    .await;
    refused(
        &h,
        &token,
        &with(base.clone(), "endtime", json!("2000-01-01T00:00:00Z")),
    )
    .await;
    for meeting_type in ["immediate", "scheduled", "recurring"] {
        let body = with(base.clone(), "meetingtype", json!(meeting_type));
        assert_eq!(h.create_meeting(&token, &body).await.status(), 201);
    }
    for info in ["PSTN", "Free", "VoIP", "Private", &"x".repeat(255)] {
        let body = with(base.clone(), "conferencecallinfo", json!(info));
        assert_eq!(
            h.create_meeting(&token, &body).await.status(),
            201,
            "{info}"
        );
    }
    // The body must be JSON.
    let response = h
        .http
        .post(h.url("/G2M/rest/meetings"))
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body(base.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
}

#[tokio::test]
async fn coorganizers_must_be_active_g2m_organizers_of_the_same_account() {
    let h = start_unthrottled().await;
    let token = h.access_token(MARIA).await;
    let base = meeting_body("Co-organizadores");
    for (who, expect) in [
        (GRACE, "account"),
        (SUSPENDED, "active"),
        (NO_G2M, "active"),
    ] {
        let key = h.organizer_key(who);
        let msg = refused(
            &h,
            &token,
            &with(base.clone(), "coorganizerKeys", json!([key])),
        )
        .await;
        assert!(msg.contains(expect), "{who}: {msg}");
    }
    refused(
        &h,
        &token,
        &with(base.clone(), "coorganizerKeys", json!(["123"])),
    )
    .await;
    refused(
        &h,
        &token,
        &with(base.clone(), "coorganizerKeys", json!("not-a-list")),
    )
    .await;
    let good = [h.organizer_key(JOSE), h.organizer_key(ADMIN)];
    let response = h
        .create_meeting(&token, &with(base.clone(), "coorganizerKeys", json!(good)))
        .await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn another_accounts_meeting_is_404_as_is_an_unknown_one() {
    let h = start_unthrottled().await;
    let maria = h.access_token(MARIA).await;
    let grace = h.access_token(GRACE).await;
    let created: Value = h
        .create_meeting(&maria, &meeting_body("Interna"))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/meetings/{}", created[0]["meetingid"]);
    assert_eq!(h.api(Method::GET, &path, &grace, None).await.status(), 404);
    let update = meeting_body("Hijacked");
    assert_eq!(
        h.api(Method::PUT, &path, &grace, Some(&update))
            .await
            .status(),
        404
    );
    assert_eq!(
        h.api(Method::DELETE, &path, &grace, None).await.status(),
        404
    );
    assert_eq!(
        h.api(Method::GET, &format!("{path}/start"), &grace, None)
            .await
            .status(),
        404
    );
    assert_eq!(
        h.api(Method::GET, "/meetings/123456789", &maria, None)
            .await
            .status(),
        404
    );
    assert_eq!(
        h.api(Method::GET, "/meetings/not-a-number", &maria, None)
            .await
            .status(),
        404
    );
    // A colleague who is not a co-organizer does not see it either; the admin does.
    let inigo = h.access_token(INIGO).await;
    assert_eq!(h.api(Method::GET, &path, &inigo, None).await.status(), 404);
    let admin = h.access_token(ADMIN).await;
    assert_eq!(h.api(Method::GET, &path, &admin, None).await.status(), 200);
    assert_eq!(h.sandbox.meetings()[0].subject, "Interna");
}

#[tokio::test]
async fn put_answers_204_and_delete_answers_204_then_404() {
    let h = start_unthrottled().await;
    let token = h.access_token(MARIA).await;
    let created: Value = h
        .create_meeting(&token, &meeting_body("Antes"))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/meetings/{}", created[0]["meetingid"]);
    let update = with(meeting_body("Después"), "passwordrequired", json!(false));
    let response = h.api(Method::PUT, &path, &token, Some(&update)).await;
    assert_eq!(response.status(), 204);
    let got: Value = h
        .api(Method::GET, &path, &token, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got[0]["subject"], "Después");
    assert_eq!(got[0]["passwordRequired"], false);
    // PUT applies the same rules as POST.
    let bad = with(meeting_body("x"), "meetingtype", json!("weekly"));
    assert_eq!(
        h.api(Method::PUT, &path, &token, Some(&bad)).await.status(),
        400
    );
    assert_eq!(
        h.api(Method::DELETE, &path, &token, None).await.status(),
        204
    );
    assert_eq!(h.api(Method::GET, &path, &token, None).await.status(), 404);
    assert!(h.sandbox.meetings().is_empty());
}

#[tokio::test]
async fn start_answers_a_host_url_and_the_meeting_becomes_active() {
    let h = start_unthrottled().await;
    let token = h.access_token(MARIA).await;
    let created: Value = h
        .create_meeting(&token, &meeting_body("Arranque"))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/meetings/{}", created[0]["meetingid"]);
    let response = h
        .api(Method::GET, &format!("{path}/start"), &token, None)
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert!(body["hostURL"]
        .as_str()
        .unwrap()
        .starts_with("https://global.gotomeeting.com/"));
    let got: Value = h
        .api(Method::GET, &path, &token, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got[0]["status"], "ACTIVE");
}

#[tokio::test]
async fn upcoming_meetings_are_the_callers_own_with_string_keys() {
    let h = start_unthrottled().await;
    let maria = h.access_token(MARIA).await;
    let jose = h.access_token(JOSE).await;
    let later = with(
        with(
            meeting_body("Segunda"),
            "starttime",
            json!("2031-01-02T09:00:00Z"),
        ),
        "endtime",
        json!("2031-01-02T10:00:00Z"),
    );
    h.create_meeting(&maria, &later).await;
    h.create_meeting(&maria, &meeting_body("Primera")).await;
    h.create_meeting(&jose, &meeting_body("De José")).await;
    let list: Value = h
        .api(Method::GET, "/upcomingMeetings", &maria, None)
        .await
        .json()
        .await
        .unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["subject"], "Primera");
    assert_eq!(list[1]["subject"], "Segunda");
    let first = &list[0];
    assert!(first["meetingId"].is_string());
    assert_eq!(first["organizerKey"], h.organizer_key(MARIA));
    assert_eq!(first["accountKey"], "9999982253621659654");
    assert_eq!(first["email"], MARIA);
    assert_eq!(first["firstName"], "María de los Ángeles");
    assert_eq!(first["lastName"], "Fernández-Castañeda");
    assert_eq!(first["locale"], "es_ES");
    // GoTo's OpenAPI `UpcomingMeeting`, field for field: nothing more (no co-organizers).
    let mut fields: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "accountKey",
            "conferenceCallInfo",
            "email",
            "endTime",
            "firstName",
            "lastName",
            "locale",
            "meetingId",
            "meetingType",
            "organizerKey",
            "passwordRequired",
            "startTime",
            "status",
            "subject"
        ]
    );
}

#[tokio::test]
async fn a_user_without_g2m_cannot_create_meetings() {
    let h = start_unthrottled().await;
    let token = h.access_token(NO_G2M).await;
    let response = h
        .create_meeting(&token, &meeting_body("Sin licencia"))
        .await;
    assert_eq!(response.status(), 403);
}
