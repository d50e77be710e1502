//! `goto-sandbox`: the GoTo stand-in as its own server.
//!
//! ```text
//! goto-sandbox [--host 127.0.0.1] [--port 9090] [--config sandbox.json]
//!              [--client id:secret:redirect_uri]... [--access-token-ttl SECS]
//!              [--code-ttl SECS] [--no-rotate-refresh-tokens] [--per-second-limit N]
//!              [--time-format zulu|offset|colon|millis|bare-dot] [--state-file FILE]
//! ```
//! Settings are applied in this order: defaults, the JSON file (`--config` or
//! `GOTO_SANDBOX_CONFIG`), environment variables (`GOTO_SANDBOX_ACCESS_TOKEN_TTL`, …), then
//! the command line. Without any client, two demo clients are registered for the backend's
//! default address.

use std::time::Duration;

use goto_sandbox::{parse_client_arg, RegisteredClient, Sandbox, SandboxConfig};

const USAGE: &str = "usage: goto-sandbox [--host ADDR] [--port N] [--config FILE.json] \
[--client id:secret:redirect_uri]... [--access-token-ttl SECS] [--code-ttl SECS] \
[--no-rotate-refresh-tokens] [--per-second-limit N] \
[--time-format zulu|offset|colon|millis|bare-dot] [--state-file FILE]";

/// Registered when no client is given, for a backend on its default `127.0.0.1:8080` with the
/// brief's two callback paths. Their secrets are not secret: this is a local sandbox.
fn demo_clients() -> Vec<RegisteredClient> {
    vec![
        RegisteredClient::new(
            "sandbox-user-client",
            "sandbox-user-secret",
            ["http://127.0.0.1:8080/app/api/auth/serviceAction/callback"],
        ),
        RegisteredClient::new(
            "sandbox-admin-client",
            "sandbox-admin-secret",
            ["http://127.0.0.1:8080/admin/api/gwsc/auth/serverContext"],
        ),
    ]
}

struct Options {
    host: String,
    port: u16,
    config: SandboxConfig,
    demo: bool,
}

fn parse_args(args: Vec<String>) -> Result<Options, String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut config = SandboxConfig::default();
    let mut args = args.into_iter();
    let mut rest = Vec::new();
    let mut config_file = env("GOTO_SANDBOX_CONFIG");
    // The file comes first whatever its position, so the command line can override it.
    while let Some(arg) = args.next() {
        if arg == "--config" {
            config_file = Some(args.next().ok_or("--config needs a file")?);
        } else {
            rest.push(arg);
        }
    }
    if let Some(path) = config_file {
        let json = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
        config
            .apply_json(&json)
            .map_err(|e| format!("{path}: {e}"))?;
    }
    config.apply_env(env)?;
    let mut host = "127.0.0.1".to_owned();
    let mut port = 9090u16;
    let mut rest = rest.into_iter();
    let value = |rest: &mut std::vec::IntoIter<String>, flag: &str| {
        rest.next().ok_or_else(|| format!("{flag} needs a value"))
    };
    let secs = |text: String, flag: &str| {
        text.parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| format!("{flag}: {text:?} is not a whole number of seconds"))
    };
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--host" => host = value(&mut rest, "--host")?,
            "--port" => {
                let text = value(&mut rest, "--port")?;
                port = text
                    .parse()
                    .map_err(|_| format!("--port: {text:?} is not a port"))?;
            }
            "--client" => config.add_client(parse_client_arg(&value(&mut rest, "--client")?)?),
            "--access-token-ttl" => {
                config.access_token_ttl = secs(
                    value(&mut rest, "--access-token-ttl")?,
                    "--access-token-ttl",
                )?;
            }
            "--code-ttl" => config.code_ttl = secs(value(&mut rest, "--code-ttl")?, "--code-ttl")?,
            "--no-rotate-refresh-tokens" => config.rotate_refresh_tokens = false,
            "--per-second-limit" => {
                let text = value(&mut rest, "--per-second-limit")?;
                config.per_second_limit = text
                    .parse()
                    .map_err(|_| format!("--per-second-limit: {text:?} is not a number"))?;
            }
            "--state-file" => {
                config.state_file = Some(value(&mut rest, "--state-file")?.into());
            }
            "--time-format" => {
                config.time_format = value(&mut rest, "--time-format")?
                    .parse()
                    .map_err(|e| format!("--time-format: {e}"))?;
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown option {other:?}\n{USAGE}")),
        }
    }
    let demo = config.clients.is_empty();
    if demo {
        config.clients = demo_clients();
    }
    config.validate()?;
    Ok(Options {
        host,
        port,
        config,
        demo,
    })
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let options = match parse_args(std::env::args().skip(1).collect()) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind((options.host.as_str(), options.port)).await
    {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on {}:{}: {e}", options.host, options.port);
            std::process::exit(1);
        }
    };
    let addr = listener.local_addr().expect("bound address");
    let base = format!("http://{addr}");
    let config = &options.config;
    println!("GoTo sandbox listening on {base}");
    println!(
        "  authorize  {base}/oauth/v2/authorize   (current host path: {base}/oauth/authorize)"
    );
    println!("  token      {base}/oauth/v2/token       (current host path: {base}/oauth/token)");
    println!("  G2M REST   {base}/G2M/rest");
    println!("  SCIM me    {base}/identity/v1/Users/me");
    println!(
        "  Admin API  {base}/admin/rest/v1/me, {base}/admin/rest/v1/accounts/{{accountKey}}/users"
    );
    println!("  admin      {base}/_admin");
    println!(
        "  access tokens live {} s, codes {} s, refresh tokens {}, limit {} requests/s per token",
        config.access_token_ttl.as_secs(),
        config.code_ttl.as_secs(),
        if config.rotate_refresh_tokens {
            "rotate"
        } else {
            "do not rotate"
        },
        config.per_second_limit
    );
    println!(
        "  answer times like {} (--time-format {})",
        config.time_format.example(),
        config.time_format
    );
    println!("registered clients:");
    for client in &config.clients {
        if options.demo {
            println!("  {} (secret {})", client.client_id, client.client_secret);
        } else {
            println!("  {}", client.client_id);
        }
        println!("    scopes {}", client.scopes.join(" "));
        for uri in &client.redirect_uris {
            println!("    redirect {uri}");
        }
    }
    let sandbox = Sandbox::new(options.config);
    let admin = sandbox.admin();
    println!(
        "seed: account {} with {} users; admin {} (organizer key {})",
        sandbox.account_key(),
        sandbox
            .organizers()
            .iter()
            .filter(|o| o.account_key == sandbox.account_key())
            .count(),
        admin.email,
        admin.organizer_key
    );
    if let Err(e) = sandbox.serve(listener).await {
        eprintln!("server error: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn defaults_to_port_9090_with_demo_clients() {
        let options = parse_args(Vec::new()).unwrap();
        assert_eq!(options.port, 9090);
        assert!(options.demo);
        assert_eq!(options.config.clients.len(), 2);
    }

    #[test]
    fn clients_and_ttls_come_from_the_command_line() {
        let options = parse_args(args(&[
            "--port",
            "0",
            "--client",
            "app:s3cret:http://127.0.0.1:8080/cb",
            "--client",
            "app:s3cret:http://localhost:8080/cb",
            "--access-token-ttl",
            "5",
            "--no-rotate-refresh-tokens",
            "--time-format",
            "millis",
        ]))
        .unwrap();
        assert_eq!(options.config.time_format, goto_sandbox::TimeFormat::Millis);
        assert!(parse_args(args(&["--time-format", "iso"])).is_err());
        assert_eq!(options.port, 0);
        assert!(!options.demo);
        assert_eq!(options.config.clients[0].redirect_uris.len(), 2);
        assert_eq!(options.config.access_token_ttl, Duration::from_secs(5));
        assert!(!options.config.rotate_refresh_tokens);
        assert!(parse_args(args(&["--bogus"])).is_err());
        assert!(parse_args(args(&["--client", "nocolons"])).is_err());
    }
}
