//! The three browser engines people use: Chromium (Debian's chromium + chromedriver), WebKit
//! (WebKitGTK's MiniBrowser driven by WebKitWebDriver on an Xvfb display of its own: the
//! engine under every iPhone browser and Safari) and Firefox ESR (driven by geckodriver from
//! crates.io). `cargo xtask test` installs all of them.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};

use super::TempDir;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Chromium,
    WebKit,
    Firefox,
}

impl Engine {
    pub const ALL: [Engine; 3] = [Engine::Chromium, Engine::WebKit, Engine::Firefox];

    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::WebKit => "webkit",
            Engine::Firefox => "firefox",
        }
    }
}

/// WebKitGTK's test browser, which WebKitWebDriver starts with `--automation`.
pub const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/// A WebDriver server on a free port (and, for WebKit, the X display it draws on), every
/// process of it stopped when dropped.
pub struct Driver {
    pub engine: Engine,
    pub url: String,
    /// Browser options decided when the driver started (WebKit takes its language and time
    /// zone from the environment of the driver that launches it).
    pub lang: String,
    pub time_zone: String,
    /// WebKit's X display, where its own prompts (outside the page) appear.
    pub display: Option<String>,
    children: Vec<Child>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Each child leads its own process group: the browsers it started go with it.
        for child in self.children.iter_mut().rev() {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn program(variable: &str, default: &str) -> String {
    std::env::var(variable)
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

fn spawn(command: &mut Command, what: &str) -> Child {
    use std::os::unix::process::CommandExt;
    command
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e} (cargo xtask test installs it)"))
}

/// Starts the engine's WebDriver server; the browser it opens runs in `time_zone` and, for
/// WebKit, speaks `lang` (the others take the language per browser).
pub async fn start(engine: Engine, time_zone: &str, lang: &str) -> Driver {
    let port = super::free_port();
    let mut driver = Driver {
        engine,
        url: format!("http://127.0.0.1:{port}"),
        lang: lang.to_owned(),
        time_zone: time_zone.to_owned(),
        display: None,
        children: Vec::new(),
    };
    match engine {
        Engine::Chromium => {
            let chromedriver = program("CHROMEDRIVER", "chromedriver");
            driver.children.push(spawn(
                Command::new(&chromedriver)
                    .arg(format!("--port={port}"))
                    // The browser inherits the zone, so wall-clock conversions are reproducible.
                    .env("TZ", time_zone)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null()),
                &chromedriver,
            ));
        }
        Engine::WebKit => {
            let display = start_xvfb(&mut driver.children);
            driver.display = Some(display.clone());
            // WebKitGTK's Accept-Language and navigator.language come from the process's
            // locale, which glibc only accepts when it is compiled: measured, `LANGUAGE=es_ES`
            // without it still gives `en-US`.
            let (locales, locale) = compiled_locale(lang);
            let webdriver = program("WEBKITWEBDRIVER", "WebKitWebDriver");
            driver.children.push(spawn(
                Command::new(&webdriver)
                    .arg(format!("--port={port}"))
                    .env("DISPLAY", display)
                    .env("TZ", time_zone)
                    .env("LOCPATH", locales)
                    .env("LANG", &locale)
                    .env_remove("LANGUAGE")
                    .env_remove("LC_ALL")
                    .env_remove("LC_MESSAGES")
                    // No accessibility bus under Xvfb: say so instead of waiting for one.
                    .env("NO_AT_BRIDGE", "1")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null()),
                &webdriver,
            ));
        }
        Engine::Firefox => {
            let geckodriver = program("GECKODRIVER", "geckodriver");
            driver.children.push(spawn(
                Command::new(&geckodriver)
                    .arg(format!("--port={port}"))
                    .arg("--log=error")
                    // Measured: `TZ` in the capabilities' `env` alone leaves Firefox's pages
                    // in UTC; the browser takes it from the driver that starts it.
                    .env("TZ", time_zone)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null()),
                &geckodriver,
            ));
        }
    }
    for _ in 0..150 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return driver;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the {} WebDriver did not start on port {port}",
        engine.name()
    );
}

impl Driver {
    /// Answers Yes (`allow`) or No to WebKit's own question "Do you want to allow "<site>" to use cookies
    /// while browsing "<portal>"?", as the person would, for a `requestStorageAccess()` the
    /// page made. The question is MiniBrowser's info bar, outside the page, where WebDriver
    /// cannot reach: it is clicked on the X display with xdotool. Its No and Yes buttons sit
    /// at the bar's right end, measured on WebKitGTK 2.50's MiniBrowser at its narrowest
    /// window.
    pub async fn answer_webkit_storage_prompt(&self, allow: bool) {
        let display = self.display.as_deref().expect("a WebKit driver");
        // The bar appears once the browser has weighed the request: a moment after the tap.
        tokio::time::sleep(Duration::from_millis(800)).await;
        let xdotool = |args: &[&str]| {
            let out = Command::new("xdotool")
                .args(args)
                .env("DISPLAY", display)
                .output()
                .expect("xdotool runs (cargo xtask test installs it)");
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        };
        let window = xdotool(&["search", "--onlyvisible", "--name", "Automation"]);
        let window = window
            .lines()
            .next()
            .expect("MiniBrowser's window")
            .to_owned();
        let geometry = xdotool(&["getwindowgeometry", "--shell", &window]);
        let width: i64 = geometry
            .lines()
            .find_map(|l| l.strip_prefix("WIDTH="))
            .and_then(|w| w.parse().ok())
            .expect("the window's width");
        let from_right = if allow { 49 } else { 141 };
        let (x, y) = ((width - from_right).to_string(), "109".to_owned());
        xdotool(&["mousemove", "--window", &window, &x, &y, "click", "1"]);
    }
}

/// The glibc locale for a BCP 47 tag (`es-ES` → `es_ES.UTF-8`), compiled with `localedef`
/// from Debian's `locales` data (which `cargo xtask test` installs) into a directory of the
/// tests' own (`LOCPATH`), so the machine's locales are left alone. Compiled once per machine
/// (about 1.5 s); a half-written copy is never used, since each is written aside and renamed.
fn compiled_locale(lang: &str) -> (std::path::PathBuf, String) {
    let tag = match lang {
        "es" => "es-ES",
        "en" => "en-US",
        other => other,
    };
    let name = tag.replace('-', "_");
    let locale = format!("{name}.UTF-8");
    let dir = std::env::temp_dir().join("meetings-e2e-locales");
    let target = dir.join(&locale);
    if !target.join("LC_MESSAGES").exists() {
        std::fs::create_dir_all(&dir).expect("locale directory");
        let aside = dir.join(format!(".{locale}-{}", std::process::id()));
        let status = Command::new("localedef")
            .args(["-i", &name, "-f", "UTF-8"])
            .arg(&aside)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("localedef (Debian's libc-bin) runs");
        // localedef warns (exit 1) about some locales' data yet writes them whole.
        assert!(
            aside.join("LC_MESSAGES").exists(),
            "localedef could not compile {locale} ({status}): is Debian's `locales` installed?"
        );
        if std::fs::rename(&aside, &target).is_err() {
            // Another test compiled it first.
            let _ = std::fs::remove_dir_all(&aside);
        }
    }
    (dir, locale)
}

/// An X server of its own for WebKit, which has no headless mode: `-displayfd` picks a free
/// display number and writes it, so parallel tests never collide.
fn start_xvfb(children: &mut Vec<Child>) -> String {
    use std::io::Read;
    let mut xvfb = spawn(
        Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1400x1000x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
        "Xvfb",
    );
    let mut stdout = xvfb.stdout.take().expect("piped");
    children.push(xvfb);
    let mut number = String::new();
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).unwrap_or(0) == 1 && byte[0] != b'\n' {
        number.push(byte[0] as char);
    }
    assert!(!number.is_empty(), "Xvfb did not report a display");
    format!(":{}", number.trim())
}

/// The browser session's capabilities for this engine.
pub fn capabilities(
    driver: &Driver,
    (width, height): (u32, u32),
    lang: &str,
    extra_args: &[&str],
    profile: &TempDir,
) -> serde_json::Map<String, serde_json::Value> {
    let mut caps = serde_json::Map::new();
    match driver.engine {
        Engine::Chromium => {
            let mut args = vec![
                "--headless=new".to_owned(),
                "--no-sandbox".into(),
                "--disable-gpu".into(),
                "--no-first-run".into(),
                "--disable-background-networking".into(),
                "--disable-component-update".into(),
                "--disable-sync".into(),
                "--disable-dev-shm-usage".into(),
                format!("--user-data-dir={}", profile.0.display()),
                format!("--window-size={},{}", width.max(800), height.max(800)),
                format!("--lang={lang}"),
            ];
            args.extend(extra_args.iter().map(|a| (*a).to_owned()));
            caps.insert(
                "goog:chromeOptions".into(),
                serde_json::json!({
                    "binary": "/usr/bin/chromium",
                    "args": args,
                    // Headless windows have a minimum width; device metrics give the exact
                    // viewport (and touch, at phone size) whatever the window is.
                    "mobileEmulation": { "deviceMetrics": {
                        "width": width, "height": height, "pixelRatio": 1.0,
                        "mobile": width < 600, "touch": width < 600,
                    } },
                    "prefs": { "intl.accept_languages": lang },
                }),
            );
        }
        Engine::WebKit => {
            let mut args = vec!["--automation".to_owned()];
            args.extend(extra_args.iter().map(|a| (*a).to_owned()));
            caps.insert(
                "webkitgtk:browserOptions".into(),
                serde_json::json!({ "binary": MINIBROWSER, "args": args }),
            );
            // The tests' https origins use a certificate made for them.
            caps.insert("acceptInsecureCerts".into(), true.into());
        }
        Engine::Firefox => {
            // geckodriver makes (and removes) a fresh profile of its own.
            let mut args = vec!["-headless".to_owned()];
            args.extend(extra_args.iter().map(|a| (*a).to_owned()));
            caps.insert(
                "moz:firefoxOptions".into(),
                serde_json::json!({
                    "binary": program("FIREFOX", "/usr/bin/firefox-esr"),
                    "args": args,
                    "prefs": { "intl.accept_languages": lang },
                }),
            );
            caps.insert("acceptInsecureCerts".into(), true.into());
        }
    }
    caps
}

/// After the session opens: WebKit and Firefox take the viewport from the window, so the
/// window is sized until the page's viewport is exactly `width` × `height` CSS pixels.
pub async fn size_viewport(client: &Client, engine: Engine, (width, height): (u32, u32)) {
    if engine == Engine::Chromium {
        return;
    }
    let _ = client.set_window_size(width, height).await;
    for _ in 0..3 {
        let inner = client
            .execute("return [window.innerWidth, window.innerHeight]", vec![])
            .await
            .expect("viewport");
        let (w, h) = (
            inner[0].as_u64().unwrap_or(0) as i64,
            inner[1].as_u64().unwrap_or(0) as i64,
        );
        if (w, h) == (width as i64, height as i64) {
            return;
        }
        let (outer_w, outer_h) = client.get_window_size().await.expect("window size");
        let target_w = (outer_w as i64 + width as i64 - w).max(1) as u32;
        let target_h = (outer_h as i64 + height as i64 - h).max(1) as u32;
        let _ = client.set_window_size(target_w, target_h).await;
    }
}

pub async fn connect(driver: &Driver, caps: serde_json::Map<String, serde_json::Value>) -> Client {
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("a {} browser session: {e}", driver.engine.name()))
}
