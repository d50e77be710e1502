//! The one error type of the backend and how each failure becomes a response.
//!
//! Every answer is JSON in the shape of `meeting::ApiError`, in the person's language, with
//! the request id so support can find the log line. Upstream bodies and internal details are
//! logged, never sent.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use meeting::{ApiError, FieldError, FieldMessage, Lang};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    NotSignedIn,
    /// The refresh token was refused: the person must connect GoToMeeting again.
    #[error("GoTo connection expired")]
    Reconnect,
    #[error("missing or wrong CSRF header or origin")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Only the organizer may change or cancel a meeting (GoTo's own rule); a co-organizer is
    /// told they may still start it.
    #[error("only the organizer may change or cancel this meeting")]
    NotOrganizer { coorganizer: bool },
    /// Neither the organizer nor a co-organizer: GoTo would not let them start it.
    #[error("only the organizer and co-organizers may start this meeting")]
    MayNotStart,
    /// GoTo refused a meeting call for a person whose token has the meeting scope: their
    /// account holds no GoToMeeting licence.
    #[error("no GoToMeeting licence")]
    NoLicence,
    /// GoTo refused a call that needs a scope the OAuth client was not granted.
    #[error("missing GoTo scope {0}")]
    MissingScope(String),
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("too many requests")]
    TooManyRequests { retry_after_seconds: u64 },
    #[error("GoTo did not answer in time")]
    UpstreamTimeout,
    #[error("GoTo is unavailable: {0}")]
    Upstream(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn internal(e: impl std::fmt::Display) -> AppError {
        AppError::Internal(e.to_string())
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::NotSignedIn | AppError::Reconnect => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::NotOrganizer { .. } | AppError::MayNotStart => StatusCode::FORBIDDEN,
            AppError::NoLicence | AppError::MissingScope(_) => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
            AppError::Upstream(_) => StatusCode::BAD_GATEWAY,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AppError::NotSignedIn => "not_signed_in",
            AppError::Reconnect => "reconnect",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::NotOrganizer { .. } => "not_organizer",
            AppError::MayNotStart => "may_not_start",
            AppError::NoLicence => "no_licence",
            AppError::MissingScope(_) => "missing_scope",
            AppError::BadRequest(_) => "bad_request",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::Validation(_) => "validation",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::UpstreamTimeout => "upstream_timeout",
            AppError::Upstream(_) => "upstream_unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    fn message(&self, lang: Lang) -> String {
        if let AppError::MissingScope(scope) = self {
            return match lang {
                Lang::En => format!("GoTo has not granted this app the permission “{scope}”. Ask your GoTo administrator to add it to the app's OAuth client; your form is kept."),
                Lang::Es => format!("GoTo no ha concedido a esta aplicación el permiso «{scope}». Pide a tu administrador de GoTo que lo añada al cliente OAuth de la aplicación; tu formulario se conserva."),
            };
        }
        // The wait the `Retry-After` header gives, in words: the app shows this as it is.
        if let AppError::TooManyRequests {
            retry_after_seconds,
        } = self
        {
            let n = (*retry_after_seconds).max(1);
            return match (lang, n) {
                (Lang::En, 1) => "GoToMeeting is busy right now. Wait a second and try again; nothing was lost.".to_owned(),
                (Lang::En, n) => format!("GoToMeeting is busy right now. Wait {n} seconds and try again; nothing was lost."),
                (Lang::Es, 1) => "GoToMeeting está ocupado. Espera un segundo y vuelve a intentarlo; no se ha perdido nada.".to_owned(),
                (Lang::Es, n) => format!("GoToMeeting está ocupado. Espera {n} segundos y vuelve a intentarlo; no se ha perdido nada."),
            };
        }
        let (en, es) = match self {
            AppError::NotSignedIn => (
                "Please connect GoToMeeting to continue.",
                "Conecta GoToMeeting para continuar.",
            ),
            AppError::Reconnect => (
                "Your GoToMeeting connection has expired. Please connect again; your form is kept.",
                "Tu conexión con GoToMeeting ha caducado. Vuelve a conectar; tu formulario se conserva.",
            ),
            AppError::Forbidden => (
                "This request was refused for your security. Reload the page and try again.",
                "Se ha rechazado la solicitud por seguridad. Recarga la página e inténtalo de nuevo.",
            ),
            AppError::NotFound => (
                "We could not find this meeting. It may belong to someone else or have been deleted.",
                "No encontramos esta reunión. Puede ser de otra persona o haberse eliminado.",
            ),
            AppError::NotOrganizer { coorganizer: false } => (
                "Only the person who scheduled this meeting can change or cancel it.",
                "Solo la persona que programó esta reunión puede cambiarla o cancelarla.",
            ),
            AppError::NotOrganizer { coorganizer: true } => (
                "Only the person who scheduled this meeting can change or cancel it. As a co-organizer, you can still start it.",
                "Solo la persona que programó esta reunión puede cambiarla o cancelarla. Como coorganizador, sí puedes iniciarla.",
            ),
            AppError::MayNotStart => (
                "Only the person who scheduled this meeting and its co-organizers can start it.",
                "Solo la persona que programó esta reunión y sus coorganizadores pueden iniciarla.",
            ),
            AppError::NoLicence => (
                "Your GoTo account has no GoToMeeting licence, so meetings cannot be scheduled as you. Ask your GoTo administrator to assign one.",
                "Tu cuenta de GoTo no tiene licencia de GoToMeeting, así que no se pueden programar reuniones en tu nombre. Pide a tu administrador de GoTo que te asigne una.",
            ),
            AppError::MissingScope(_) => unreachable!("answered above"),
            AppError::BadRequest(_) => (
                "The request could not be read. Reload the page and try again.",
                "No se pudo leer la solicitud. Recarga la página e inténtalo de nuevo.",
            ),
            AppError::UnsupportedMediaType => (
                "The request must be sent as JSON (Content-Type: application/json).",
                "La solicitud debe enviarse como JSON (Content-Type: application/json).",
            ),
            AppError::PayloadTooLarge => (
                "The request is too large.",
                "La solicitud es demasiado grande.",
            ),
            AppError::Validation(_) => (
                "Some fields need your attention.",
                "Algunos campos necesitan tu atención.",
            ),
            AppError::TooManyRequests { .. } => unreachable!("worded above, with its wait"),
            AppError::UpstreamTimeout => (
                "GoToMeeting did not answer in time. Try again; nothing will be done twice.",
                "GoToMeeting no respondió a tiempo. Inténtalo de nuevo; nada se hará dos veces.",
            ),
            AppError::Upstream(_) => (
                "GoToMeeting is not available right now. Try again in a moment; nothing was lost.",
                "GoToMeeting no está disponible ahora. Inténtalo en un momento; no se ha perdido nada.",
            ),
            AppError::Internal(_) => (
                "Something went wrong on our side. Try again; if it keeps happening, contact support with the request id.",
                "Algo ha fallado por nuestra parte. Inténtalo de nuevo; si se repite, contacta con soporte con el id de la solicitud.",
            ),
        };
        match lang {
            Lang::En => en.to_owned(),
            Lang::Es => es.to_owned(),
        }
    }
}

/// The request's language and id, which the error response needs. Handlers get it from
/// the request extensions (set by `middleware::Edge`).
#[derive(Clone, Copy, Debug)]
pub struct RequestContext {
    pub lang: Lang,
    pub request_id: crate::request_id::RequestId,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        // The language and request id are filled in by `middleware::Edge` on the way out;
        // here the error is carried in the response extensions.
        let status = self.status();
        let mut response = status.into_response();
        response.extensions_mut().insert(std::sync::Arc::new(self));
        response
    }
}

/// Renders an error response for a request, once its context is known.
pub fn render(error: &AppError, ctx: &RequestContext) -> Response {
    match error {
        AppError::Internal(detail) | AppError::Upstream(detail) => {
            tracing::error!(request_id = %ctx.request_id, error = %detail, "request failed")
        }
        other => tracing::debug!(request_id = %ctx.request_id, error = %other, "request refused"),
    }
    let fields = match error {
        AppError::Validation(errors) => errors
            .iter()
            .map(|e| FieldMessage {
                field: e.field,
                message: e.problem.message(ctx.lang),
            })
            .collect(),
        _ => vec![],
    };
    let body = ApiError {
        error: error.code().to_owned(),
        message: error.message(ctx.lang),
        request_id: Some(ctx.request_id.as_str().to_owned()),
        fields,
    };
    let mut response = (error.status(), axum::Json(body)).into_response();
    if let AppError::TooManyRequests {
        retry_after_seconds,
    } = error
    {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_seconds));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_429_says_the_wait_its_retry_after_gives() {
        let busy = |s| AppError::TooManyRequests {
            retry_after_seconds: s,
        };
        assert!(busy(7).message(Lang::En).contains("Wait 7 seconds"));
        assert!(busy(7).message(Lang::Es).contains("Espera 7 segundos"));
        assert!(busy(1).message(Lang::En).contains("Wait a second"));
        assert!(busy(0).message(Lang::Es).contains("Espera un segundo"));
    }
}
