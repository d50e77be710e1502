//! The sign-in and consent page a person sees at the authorize endpoint, and the error page
//! shown when the request cannot be trusted enough to redirect. Plain server-rendered HTML with
//! a little inline CSS; every dynamic value goes through `escape`.
//!
//! The form posts to `action=""`, the page's own URL with its query, because the sandbox may be
//! mounted under a prefix (`/_sandbox`) it does not know.

use crate::seed::{OrganizerStatus, Seed, SeedOrganizer};

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

const STYLE: &str = "
:root{color-scheme:light dark;--accent:#f68d2e;--ink:#1b1b1f;--muted:#5c5c66;--card:#fff;--bg:#f3f4f6}
@media (prefers-color-scheme:dark){:root{--ink:#ececf1;--muted:#a6a6b0;--card:#1f1f24;--bg:#121215}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:var(--bg);color:var(--ink)}
main{max-width:28rem;margin:0 auto;padding:1.5rem 1rem}
.card{background:var(--card);border-radius:12px;padding:1.5rem;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.35rem;margin:0 0 .75rem}
p{margin:.5rem 0}
.muted{color:var(--muted);font-size:.9rem}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
select{width:100%;font:inherit;padding:.6rem;border-radius:8px;border:1px solid var(--muted);background:var(--card);color:var(--ink)}
.actions{display:flex;gap:.75rem;margin-top:1.25rem;flex-wrap:wrap}
button{flex:1 1 8rem;min-height:44px;font:inherit;font-weight:600;border-radius:8px;border:2px solid var(--accent);padding:.6rem 1rem;cursor:pointer}
#allow{background:var(--accent);color:#1b1b1f}
#deny{background:transparent;color:var(--ink)}
button:focus-visible,select:focus-visible{outline:3px solid #2563eb;outline-offset:2px}
.error{border-left:4px solid #c62828;padding:.5rem .75rem;background:rgba(198,40,40,.08)}
code{word-break:break-all}
";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n<title>{title}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n",
        title = escape(title),
    )
}

/// What the consent page needs to know.
pub(crate) struct Consent<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scope: &'a str,
    pub seed: &'a Seed,
    /// Re-rendering after a problem: the user that was picked, and what went wrong.
    pub selected: Option<&'a str>,
    pub problem: Option<&'a str>,
}

fn option(organizer: &SeedOrganizer, selected: Option<&str>) -> String {
    let mut label = format!("{} ({})", organizer.full_name(), organizer.email);
    if organizer.admin {
        label.push_str(" — admin");
    }
    let suspended = organizer.status == OrganizerStatus::Suspended;
    if suspended {
        label.push_str(" — suspended");
    } else if !organizer.has_g2m() {
        label.push_str(" — no GoToMeeting licence");
    }
    let is_selected = selected.is_some_and(|s| s.eq_ignore_ascii_case(&organizer.email));
    format!(
        "<option value=\"{value}\"{selected}{disabled}>{label}</option>",
        value = escape(&organizer.email),
        selected = if is_selected { " selected" } else { "" },
        // A suspended user cannot sign in to GoTo; show them, but they cannot be picked.
        disabled = if suspended { " disabled" } else { "" },
        label = escape(&label),
    )
}

pub(crate) fn consent_page(consent: &Consent<'_>) -> String {
    let mut groups = String::new();
    for account in &consent.seed.accounts {
        groups.push_str(&format!(
            "<optgroup label=\"{}\">",
            escape(&format!(
                "{} · account {}",
                account.name, account.account_key
            ))
        ));
        for organizer in consent
            .seed
            .organizers
            .iter()
            .filter(|o| o.account_key == account.account_key)
        {
            groups.push_str(&option(organizer, consent.selected));
        }
        groups.push_str("</optgroup>");
    }
    let problem = consent
        .problem
        .map(|p| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(p)))
        .unwrap_or_default();
    let body = format!(
        "<div class=\"card\">\n<h1>Sign in to GoTo</h1>\n{problem}\
         <p><strong>{client}</strong> wants to use your GoToMeeting account: create, read, change \
         and delete meetings, and read your organization's organizers if you are an admin.</p>\n\
         <p class=\"muted\">Scope: <code>{scope}</code><br>Returns to: <code>{redirect}</code></p>\n\
         <form method=\"post\" action=\"\">\n\
         <label for=\"user\">Sign in as</label>\n\
         <select id=\"user\" name=\"user\" required>{groups}</select>\n\
         <div class=\"actions\">\n\
         <button id=\"allow\" type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\n\
         <button id=\"deny\" type=\"submit\" name=\"decision\" value=\"deny\" formnovalidate>Deny</button>\n\
         </div>\n</form>\n\
         <p class=\"muted\">Local GoTo sandbox: no password is asked. Pick a person and allow.</p>\n</div>",
        client = escape(consent.client_id),
        scope = escape(consent.scope),
        redirect = escape(consent.redirect_uri),
    );
    page("Sign in to GoTo (sandbox)", &body)
}

pub(crate) fn error_page(message: &str) -> String {
    let body = format!(
        "<div class=\"card\">\n<h1>This sign-in request cannot be completed</h1>\n\
         <p class=\"error\" role=\"alert\">{}</p>\n\
         <p class=\"muted\">The application that sent you here is misconfigured. For your safety \
         you are not sent back to it.</p>\n</div>",
        escape(message)
    );
    page("Sign-in error (GoTo sandbox)", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_both_quotes() {
        assert_eq!(
            escape(r#"<a href="x">O'Brien & co</a>"#),
            "&lt;a href=&quot;x&quot;&gt;O&#39;Brien &amp; co&lt;/a&gt;"
        );
    }

    #[test]
    fn the_page_has_the_controls_tests_rely_on() {
        let seed = Seed::build();
        let html = consent_page(&Consent {
            client_id: "<script>",
            redirect_uri: "http://x.example/cb",
            scope: "collab:",
            seed: &seed,
            selected: None,
            problem: None,
        });
        assert!(html.contains("<select id=\"user\" name=\"user\""));
        assert!(
            html.contains("<button id=\"allow\" type=\"submit\" name=\"decision\" value=\"allow\"")
        );
        assert!(
            html.contains("<button id=\"deny\" type=\"submit\" name=\"decision\" value=\"deny\"")
        );
        assert!(html.contains("action=\"\""));
        assert!(html.contains("<label for=\"user\">"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("O&#39;Brien"));
        assert!(html.contains("María de los Ángeles Fernández-Castañeda"));
    }
}
