//! A JSON body extractor whose failures are our own clear errors, not axum's plain text.

use axum::extract::rejection::{BytesRejection, FailedToBufferBody, JsonRejection};
use axum::extract::{FromRequest, Request};

use crate::error::AppError;

pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::UnsupportedMediaType),
            Err(JsonRejection::JsonDataError(e)) => {
                tracing::debug!(error = %e.body_text(), "JSON of the wrong shape");
                Err(AppError::BadRequest(
                    "the JSON does not have the expected fields",
                ))
            }
            Err(JsonRejection::JsonSyntaxError(_)) => Err(AppError::BadRequest("malformed JSON")),
            // Only a body past the limit (`middleware::Edge` counts it) is too large; a client
            // that stopped sending, or a broken chunked body, is an unreadable one.
            Err(JsonRejection::BytesRejection(BytesRejection::FailedToBufferBody(
                FailedToBufferBody::LengthLimitError(_),
            ))) => Err(AppError::PayloadTooLarge),
            Err(_) => Err(AppError::BadRequest("unreadable body")),
        }
    }
}
