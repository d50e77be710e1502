//! Names the app and the backend must write alike: a cookie one sets and the other reads, a
//! header one sends and the other demands, a message one posts and the other listens for, an
//! address one links to and the other serves. Written once, here.

/// The cookie that carries the language the person chose, so the backend serves the first
/// paint (the static shell) in it.
pub const LANG_COOKIE: &str = "meetings-lang";

/// The `type` of the message the sign-in popup posts to the frame that opened it.
pub const SIGN_IN_MESSAGE: &str = "meetings-sign-in";

/// The header every state-changing call carries (value `1`): a cross-site form or image
/// cannot send it, so its presence is the CSRF check. Header names ignore case.
pub const CSRF_HEADER: &str = "x-csrf";

/// Where the backend starts the GoTo sign-in (a plain navigation, never a fetch). The
/// brief's own path.
pub const LOGIN_PATH: &str = "/app/api/auth/serviceAction/login";
