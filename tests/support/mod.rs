//! Browser-test harness: the real backend with its embedded sandbox serving the release
//! build, and a fresh browser per test on any of three engines (`engines.rs`).

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::time::Duration;

use fantoccini::{Client, Locator};
use meetings_server::config::Config;
use meetings_server::Running;

pub const PHONE: (u32, u32) = (390, 844);
pub const DESKTOP: (u32, u32) = (1280, 800);

/// The release build the browser tests load. `cargo xtask test` builds it and sets this.
pub fn dist_dir() -> PathBuf {
    built_dir("MEETINGS_E2E_DIST", "target/app", "built app")
}

/// A build `cargo xtask test` made and named in `variable`, else `default` in the checkout.
fn built_dir(variable: &str, default: &str, what: &str) -> PathBuf {
    let dist = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(default));
    assert!(
        dist.join("index.html").exists(),
        "no {what} in {}: run the browser tests through `cargo xtask test`, which builds it",
        dist.display()
    );
    dist
}

pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let path = std::env::temp_dir().join(format!("e2e-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub struct Backend {
    pub running: Running,
    pub base: String,
    _data: TempDir,
}

pub async fn start_backend() -> Backend {
    let data = TempDir::new("data");
    let config = Config::local_sandbox(data.0.clone(), dist_dir());
    let running = meetings_server::start(config)
        .await
        .expect("backend starts");
    Backend {
        // Where browsers reach it: its bound address, or the https front a test gave it.
        base: running.state.config.public_url.clone(),
        running,
        _data: data,
    }
}

impl Backend {
    pub fn sandbox(&self) -> &goto_sandbox::Sandbox {
        self.running.state.sandbox.as_ref().unwrap()
    }
}

pub mod engines;

pub use engines::{Driver, Engine};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// chromedriver on a free port, its browsers in `time_zone`; stopped when dropped.
pub async fn start_driver(time_zone: &str) -> Driver {
    engines::start(Engine::Chromium, time_zone, "en-US").await
}

/// The WebDriver server of `engine`, its browsers in `time_zone` speaking `lang`.
pub async fn start_engine(engine: Engine, time_zone: &str, lang: &str) -> Driver {
    engines::start(engine, time_zone, lang).await
}

pub struct Browser {
    pub client: Client,
    pub engine: Engine,
    _profile: TempDir,
}

pub async fn open_browser(driver: &Driver, size: (u32, u32), lang: &str) -> Browser {
    open_browser_with(driver, size, lang, &[]).await
}

/// `open_browser` with more browser switches (e.g. Chromium's `--force-dark-mode`).
pub async fn open_browser_with(
    driver: &Driver,
    size: (u32, u32),
    lang: &str,
    extra_args: &[&str],
) -> Browser {
    let profile = TempDir::new("profile");
    let caps = engines::capabilities(driver, size, lang, extra_args, &profile);
    let client = engines::connect(driver, caps).await;
    engines::size_viewport(&client, driver.engine, size).await;
    Browser {
        client,
        engine: driver.engine,
        _profile: profile,
    }
}

impl Browser {
    /// Waits for an element, failing with the page's text so a broken page explains itself.
    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => {
                let url = self
                    .client
                    .current_url()
                    .await
                    .map(|u| u.to_string())
                    .unwrap_or_default();
                let text = match self.client.find(Locator::Css("body")).await {
                    Ok(body) => body.text().await.unwrap_or_default(),
                    Err(_) => String::new(),
                };
                panic!("waiting for {css} at {url}: {e}\npage text:\n{text}");
            }
        }
    }

    /// Waits until the element's text contains `needle`.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(element) => element.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(needle) {
                return text;
            }
            if std::time::Instant::now() > deadline {
                self.screenshot(&format!("failed-{}", css.trim_start_matches('#')))
                    .await;
                let page = match self.client.find(Locator::Css("body")).await {
                    Ok(body) => body.text().await.unwrap_or_default(),
                    Err(_) => String::new(),
                };
                panic!("{css} never contained {needle:?}; last text: {text:?}\npage text:\n{page}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the element's text no longer contains `needle`.
    pub async fn wait_until_gone_text(&self, css: &str, needle: &str) {
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(element) => element.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if !text.contains(needle) {
                return;
            }
            if std::time::Instant::now() > deadline {
                panic!("{css} still contains {needle:?}: {text:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sets an input's value the way a person's picker would, firing `input` and `change`
    /// (typing into date and time inputs depends on the browser's locale).
    pub async fn set_value(&self, css: &str, value: &str) {
        self.wait_for(css).await;
        self.client
            .execute(
                "const el = document.querySelector(arguments[0]);
                 el.focus();
                 el.value = arguments[1];
                 el.dispatchEvent(new Event('input', { bubbles: true }));
                 el.dispatchEvent(new Event('change', { bubbles: true }));
                 el.blur();",
                vec![css.into(), value.into()],
            )
            .await
            .expect("set value");
    }

    /// The page's viewport in CSS pixels (ask once a page with a viewport meta is loaded).
    pub async fn viewport(&self) -> (u64, u64) {
        let size = self
            .client
            .execute("return [window.innerWidth, window.innerHeight]", vec![])
            .await
            .expect("viewport");
        (size[0].as_u64().unwrap(), size[1].as_u64().unwrap())
    }

    /// The viewport is a phone's: exactly `PHONE` on Chromium (device emulation); the others
    /// have no emulation and a minimum window width (WebKit's MiniBrowser 447 CSS px, headless
    /// Firefox 500, measured), still inside the phone layout, which holds below 640 px.
    pub async fn assert_phone_viewport(&self) {
        let (width, height) = self.viewport().await;
        if self.engine != Engine::Chromium {
            assert!(width < 640 && height == PHONE.1 as u64, "{width}×{height}");
        } else {
            assert_eq!((width, height), (PHONE.0 as u64, PHONE.1 as u64));
        }
    }

    pub async fn screenshot(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let png = match self.client.screenshot().await {
            Ok(png) => png,
            // geckodriver cannot picture a page from inside a frame of another origin
            // ("Permission denied to access property pageXOffset"); a picture is for people
            // to look at, never what a test asserts, so Firefox goes on without it.
            Err(e) if self.engine == Engine::Firefox => {
                eprintln!("no screenshot {name} in Firefox: {e}");
                return;
            }
            Err(e) => panic!("screenshot {name}: {e}"),
        };
        // The same state on another engine keeps its own picture.
        let file = match self.engine {
            Engine::Chromium => format!("{name}.png"),
            other => format!("{name}-{}.png", other.name()),
        };
        std::fs::write(dir.join(file), png).unwrap();
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

impl Browser {
    /// Opens the app signed out, connects through the sandbox's consent page (its first
    /// person, Allow) and waits for the Create meeting form.
    pub async fn sign_in(&self, backend: &Backend) {
        self.client
            .goto(&format!("{}/", backend.base))
            .await
            .unwrap();
        self.wait_for("a#connect").await.click().await.unwrap();
        self.wait_for("#allow").await.click().await.unwrap();
        self.wait_for("form#create-meeting").await;
    }

    /// Opens the app signed out and connects as the sandbox person with this `email`, picked
    /// on the consent page. Waits for nothing after: what comes depends on the person.
    pub async fn sign_in_as(&self, backend: &Backend, email: &str) {
        self.client
            .goto(&format!("{}/", backend.base))
            .await
            .unwrap();
        self.wait_for("a#connect").await.click().await.unwrap();
        self.wait_for("#allow").await;
        self.set_value("select#user", email).await;
        assert_eq!(self.value("select#user").await, email, "{email} is offered");
        self.click("#allow").await;
    }

    /// The static shell the backend serves at `/` to this browser now (its cookies, its
    /// language), as text.
    pub async fn served_shell(&self) -> String {
        self.client
            .execute_async("fetch('/').then(r => r.text()).then(arguments[0])", vec![])
            .await
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn click(&self, css: &str) {
        self.wait_for(css).await.click().await.unwrap();
    }

    /// Whether a checkbox is ticked.
    pub async fn checked(&self, css: &str) -> bool {
        self.client
            .execute(
                "return document.querySelector(arguments[0]).checked === true",
                vec![css.into()],
            )
            .await
            .unwrap()
            .as_bool()
            .unwrap_or(false)
    }

    /// The current value of an input.
    pub async fn value(&self, css: &str) -> String {
        self.client
            .execute(
                "return document.querySelector(arguments[0]).value",
                vec![css.into()],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// A date `days` from today as the date input wants it.
pub fn date_in(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// A co-organizer the signed-in person (the sandbox's first organizer) may invite: in the same
/// account, not the admin, with GoToMeeting.
pub fn a_colleague(backend: &Backend) -> goto_sandbox::SeedOrganizer {
    let sandbox = backend.sandbox();
    sandbox
        .organizers()
        .into_iter()
        .filter(|o| !o.admin && o.account_key == sandbox.account_key() && o.is_active_g2m())
        .nth(1)
        .expect("the sandbox seeds colleagues")
}

/// WebDriver's "Get Computed Label": the accessible name the browser itself computed.
#[derive(Debug)]
struct ComputedLabel(String);

impl fantoccini::wd::WebDriverCompatibleCommand for ComputedLabel {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/element/{}/computedlabel",
            session_id.unwrap_or_default(),
            self.0
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::GET, None)
    }
}

/// Keyboard only: keys go to whatever has focus, through WebDriver actions, as a person's
/// keyboard would send them (no clicks, no focusing by script).
impl Browser {
    /// Presses and releases each key in turn (`fantoccini::key::Key` for special keys).
    pub async fn keys(&self, keys: &[char]) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".into());
        for &key in keys {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        self.client
            .perform_actions(actions)
            .await
            .expect("keyboard actions");
    }

    /// Shift held down while Tab is pressed.
    pub async fn shift_tab(&self) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        use fantoccini::key::Key;
        let (shift, tab): (char, char) = (Key::Shift.into(), Key::Tab.into());
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: shift })
            .then(KeyAction::Down { value: tab })
            .then(KeyAction::Up { value: tab })
            .then(KeyAction::Up { value: shift });
        self.client
            .perform_actions(actions)
            .await
            .expect("keyboard actions");
    }

    pub async fn press(&self, key: fantoccini::key::Key) {
        self.keys(&[key.into()]).await;
    }

    pub async fn type_text(&self, text: &str) {
        let keys: Vec<char> = text.chars().collect();
        self.keys(&keys).await;
    }

    /// A short description of the focused element, for failure messages.
    pub async fn focused(&self) -> String {
        self.client
            .execute(
                "const el = document.activeElement;
                 return el ? el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                   + (el.name ? '[name=' + el.name + ']' : '') : 'nothing'",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    async fn focus_matches(&self, css: &str) -> bool {
        self.client
            .execute(
                "const el = document.activeElement; return !!el && el.matches(arguments[0])",
                vec![css.into()],
            )
            .await
            .expect("read focus")
            == serde_json::json!(true)
    }

    /// Presses Tab (or Shift+Tab when `backwards`) until focus is on `css`, failing with the
    /// path focus took if it never gets there: the tab order itself is under test.
    pub async fn tab_to_direction(&self, css: &str, backwards: bool) {
        use fantoccini::key::Key;
        let mut path = Vec::new();
        for _ in 0..60 {
            if self.focus_matches(css).await {
                return;
            }
            if backwards {
                self.shift_tab().await;
            } else {
                self.press(Key::Tab).await;
            }
            path.push(self.focused().await);
        }
        panic!("Tab never reached {css}; focus went {}", path.join(" → "));
    }

    pub async fn tab_to(&self, css: &str) {
        self.tab_to_direction(css, false).await;
    }

    /// The accessible name the browser computed for an element.
    pub async fn accessible_name(&self, element: &fantoccini::elements::Element) -> String {
        let name = self
            .client
            .issue_cmd(ComputedLabel(element.element_id().to_string()))
            .await
            .expect("computed label");
        name.as_str().unwrap_or_default().trim().to_owned()
    }

    /// The lang attribute of the page's root element (the app keeps it in step with the
    /// language it speaks).
    pub async fn html_lang(&self) -> String {
        self.client
            .execute("return document.documentElement.lang", vec![])
            .await
            .expect("html lang")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

impl Browser {
    /// Sends keys to whatever has keyboard focus, as a person at a keyboard would
    /// (`fantoccini::key::Key` derefs to the WebDriver code of a special key).
    pub async fn send_to_focused(&self, keys: &str) {
        self.client
            .active_element()
            .await
            .expect("something has focus")
            .send_keys(keys)
            .await
            .expect("keys sent");
    }

    /// The id of the focused element.
    pub async fn focused_id(&self) -> String {
        self.client
            .execute(
                "return document.activeElement && document.activeElement.id",
                vec![],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// An attribute of the first element matching `css` (`None` if absent, or no element).
    pub async fn attribute(&self, css: &str, name: &str) -> Option<String> {
        self.client
            .execute(
                "const el = document.querySelector(arguments[0]);
                 return el ? el.getAttribute(arguments[1]) : null;",
                vec![css.into(), name.into()],
            )
            .await
            .unwrap()
            .as_str()
            .map(str::to_owned)
    }

    /// Waits until an attribute has `value` (`None`: absent or empty).
    pub async fn wait_for_attribute(&self, css: &str, name: &str, value: Option<&str>) {
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            let now = self.attribute(css, name).await.filter(|v| !v.is_empty());
            if now.as_deref() == value {
                return;
            }
            if std::time::Instant::now() > deadline {
                panic!("{css} [{name}] is {now:?}, never {value:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

pub mod axe;

pub mod static_files;

pub mod tls;

/// The debug (designer demo) build: `cargo xtask test` builds it and sets this.
pub fn demo_dist_dir() -> PathBuf {
    built_dir("MEETINGS_E2E_DEMO_DIST", "target/demo-dist", "demo build")
}

/// The backend as `start_backend` starts it, with its configuration adjusted first.
pub async fn start_backend_with(adjust: impl FnOnce(&mut Config)) -> Backend {
    let data = TempDir::new("data");
    let mut config = Config::local_sandbox(data.0.clone(), dist_dir());
    adjust(&mut config);
    let running = meetings_server::start(config)
        .await
        .expect("backend starts");
    Backend {
        // Where browsers reach it: its bound address, or the https front a test gave it.
        base: running.state.config.public_url.clone(),
        running,
        _data: data,
    }
}
