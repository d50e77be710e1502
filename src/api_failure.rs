//! Why a call to the backend did not give what was asked for: what `api` answers on failure,
//! and what `text` words for the person.

use meeting::ApiError;

/// Why a call did not give what was asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiFailure {
    /// 401: the session is gone; the person has to connect again (the draft stays).
    SignedOut,
    /// 404.
    NotFound,
    /// 422: the backend's rules refused the input; `fields` says where.
    Rejected(ApiError),
    /// Any other answer. `error` is the backend's explanation when it gave one.
    Failed {
        status: u16,
        error: Option<ApiError>,
    },
    /// No answer at all: offline, the request was aborted, or not JSON where JSON was due.
    Unreachable,
}

impl ApiFailure {
    /// The backend's request id, for support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ApiFailure::Rejected(error)
            | ApiFailure::Failed {
                error: Some(error), ..
            } => error.request_id.as_deref(),
            _ => None,
        }
    }

    /// GoTo refused because the person holds no GoToMeeting licence (403 `no_licence`).
    pub fn is_no_licence(&self) -> bool {
        matches!(self, ApiFailure::Failed { error: Some(error), .. } if error.error == "no_licence")
    }
}
