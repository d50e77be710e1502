//! Sign-in callbacks per client address. Each callback with a live sign-in makes a token call
//! to GoTo, and anyone can start sign-ins: without a limit per address, one client repeating
//! "start, then call back with a made-up code" spends the whole deployment's GoTo budget and
//! locks every person out. The limit is checked before any GoTo call.
//!
//! One replica: GCRA from `governor`, keyed by the peer address, in memory. Several replicas
//! (Redis store): a count per address and minute in Redis, so the allowance is the
//! deployment's, not each replica's. The address is the TCP peer's: behind a reverse proxy
//! every person shares the proxy's, so such a deployment raises
//! `MEETINGS_SIGN_INS_PER_IP_PER_MINUTE` accordingly.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use redis::aio::ConnectionManager;
use redis::Script;

use crate::store::KEY_PREFIX;

pub enum SignInLimiter {
    Local {
        limiter: DefaultKeyedRateLimiter<IpAddr>,
        checks: AtomicU32,
    },
    Shared {
        per_minute: u32,
        conn: ConnectionManager,
        script: Script,
    },
}

/// Counts one callback of an address in the current minute's window (the key expires with
/// it); answers 0 while within `ARGV[1]`, else the milliseconds until the window ends.
const COUNT_CALLBACK: &str = r"
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], 60000) end
if n <= tonumber(ARGV[1]) then return 0 end
local left = redis.call('PTTL', KEYS[1])
if left < 1 then return 1 end
return left
";

impl SignInLimiter {
    /// `per_minute` callbacks per address, all of them usable at once.
    pub fn per_minute(per_minute: NonZeroU32) -> SignInLimiter {
        SignInLimiter::Local {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
            checks: AtomicU32::new(0),
        }
    }

    /// The same allowance for the whole deployment, counted in Redis (a fixed minute per
    /// address: the allowance at most twice over across a window's edge, which is what
    /// matters here, a bound on token calls).
    pub fn shared(per_minute: NonZeroU32, conn: ConnectionManager) -> SignInLimiter {
        SignInLimiter::Shared {
            per_minute: per_minute.get(),
            conn,
            script: Script::new(COUNT_CALLBACK),
        }
    }

    /// `Err(wait)` when this address has used its callbacks for now.
    pub async fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        let (limiter, checks) = match self {
            SignInLimiter::Local { limiter, checks } => (limiter, checks),
            SignInLimiter::Shared {
                per_minute,
                conn,
                script,
            } => {
                let answer: Result<u64, _> = script
                    .key(format!("{KEY_PREFIX}sign-ins:{ip}"))
                    .arg(*per_minute)
                    .invoke_async(&mut conn.clone())
                    .await;
                return match answer {
                    Ok(0) => Ok(()),
                    Ok(millis) => Err(Duration::from_millis(millis)),
                    // Redis unreachable: the store is down too; readyz says so. Let the
                    // sign-in try, the GoTo budget still bounds it.
                    Err(e) => {
                        tracing::error!(error = %e, "the shared sign-in count is unreachable");
                        Ok(())
                    }
                };
            }
        };
        // Forget quiet addresses now and then, so a scan of many addresses cannot grow it.
        if checks.fetch_add(1, Ordering::Relaxed) % 1024 == 1023 {
            limiter.retain_recent();
        }
        limiter
            .check_key(&ip)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}
