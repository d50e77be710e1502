//! Runs Debian's `wrk` against 127.0.0.1 and reads its summary.

use std::process::Command;

use crate::cmd;

pub const THREADS: u32 = 2;
pub const CONNECTIONS: u32 = 16;
pub const SECONDS: u32 = 10;

/// What one wrk run measured.
#[derive(Clone, Debug)]
pub struct Load {
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: u64,
    /// Responses outside 2xx/3xx, as wrk counts them.
    pub non_2xx: u64,
}

/// How many connections (and wrk threads) a run uses: the load rows use 16 on 2 threads; the
/// latency rows one keep-alive connection, as a browser fetching one file after another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub threads: u32,
    pub connections: u32,
}

pub const LOAD: Shape = Shape {
    threads: THREADS,
    connections: CONNECTIONS,
};
pub const ONE_CONNECTION: Shape = Shape {
    threads: 1,
    connections: 1,
};

pub fn command_line(url: &str, headers: &[&str], shape: Shape) -> String {
    let Shape {
        threads,
        connections,
    } = shape;
    let mut text = format!("wrk -t{threads} -c{connections} -d{SECONDS}s --latency");
    for h in headers {
        text.push_str(&format!(" -H '{h}'"));
    }
    text.push(' ');
    text.push_str(url);
    text
}

pub fn run(port: u16, path: &str, headers: &[&str], shape: Shape) -> Result<Load, String> {
    let url = format!("http://127.0.0.1:{port}{path}");
    let mut command = Command::new("wrk");
    command.args([
        format!("-t{}", shape.threads),
        format!("-c{}", shape.connections),
        format!("-d{SECONDS}s"),
        "--timeout".into(),
        "5s".into(),
        "--latency".into(),
    ]);
    for h in headers {
        command.args(["-H", h]);
    }
    command.arg(&url);
    println!("xtask: $ wrk … {url}");
    let out = cmd::output(&mut command).ok_or_else(|| format!("wrk failed on {url}"))?;
    parse(&out).ok_or_else(|| format!("cannot read wrk's output:\n{out}"))
}

fn parse(out: &str) -> Option<Load> {
    let mut load = Load {
        requests_per_second: 0.0,
        p50_ms: 0.0,
        p99_ms: 0.0,
        requests: 0,
        non_2xx: 0,
    };
    let (mut p50, mut p99, mut rps, mut total) = (None, None, None, None);
    for line in out.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["50%", v] => p50 = millis(v),
            ["99%", v] => p99 = millis(v),
            ["Requests/sec:", v] => rps = v.parse().ok(),
            [n, "requests", "in", ..] => total = n.parse().ok(),
            ["Non-2xx", "or", "3xx", "responses:", n] => load.non_2xx = n.parse().ok()?,
            _ => {}
        }
    }
    load.p50_ms = p50?;
    load.p99_ms = p99?;
    load.requests_per_second = rps?;
    load.requests = total?;
    Some(load)
}

/// wrk's `1.23ms`, `456.00us`, `1.02s`, `2.00m` in milliseconds.
fn millis(text: &str) -> Option<f64> {
    for (suffix, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)] {
        if let Some(n) = text.strip_suffix(suffix) {
            return n.parse::<f64>().ok().map(|v| v * factor);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_wrk_summary() {
        let out = "Running 10s test @ http://127.0.0.1:1/\n  2 threads and 16 connections\n  Latency Distribution\n     50%  310.00us\n     75%  1.00ms\n     90%    2.00ms\n     99%    4.52ms\n  123456 requests in 10.00s, 12.34MB read\n  Non-2xx or 3xx responses: 7\nRequests/sec:  12345.67\nTransfer/sec:      1.23MB\n";
        let load = parse(out).unwrap();
        assert!((load.p50_ms - 0.31).abs() < 1e-9);
        assert!((load.p99_ms - 4.52).abs() < 1e-9);
        assert_eq!(load.requests, 123456);
        assert_eq!(load.non_2xx, 7);
        assert!((load.requests_per_second - 12345.67).abs() < 1e-9);
    }
}
