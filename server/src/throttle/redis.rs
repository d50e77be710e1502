//! The throttle's sliding log shared by every replica: one sorted set per window in Redis
//! (`meetings:throttle:<length>ms`, scored by call time in microseconds), trimmed and checked
//! and added to in one Lua script, so two replicas can never both take the last slot.
//!
//! The script reads the clock of the Redis server (`TIME`), not of each replica, so replicas
//! whose clocks disagree still count the same minute.

use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::Script;

use super::Window;
use crate::store::KEY_PREFIX;

/// KEYS[i]: window i's sorted set. ARGV[1]: a random tag that makes this call's member unique.
/// ARGV[2i], ARGV[2i+1]: window i's limit and length in microseconds.
/// Answers 0 when a slot was taken, else the microseconds until one frees up.
const TAKE_SLOT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i])
  local length = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - length)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    -- The call that must leave the window before a new one fits.
    local blocking = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local w = tonumber(blocking[2]) + length - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
local member = t[1] .. '.' .. t[2] .. ':' .. ARGV[1]
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, math.ceil(tonumber(ARGV[2 * i + 1]) / 1000))
end
return 0
";

pub struct SharedLog {
    conn: ConnectionManager,
    script: Script,
    keys: Vec<String>,
    /// Limit and length (µs) of each window, in the order of `keys`.
    limits: Vec<(usize, u128)>,
}

impl SharedLog {
    pub fn new(conn: ConnectionManager, windows: &[Window]) -> SharedLog {
        SharedLog {
            conn,
            script: Script::new(TAKE_SLOT),
            keys: windows
                .iter()
                .map(|w| format!("{KEY_PREFIX}throttle:{}ms", w.length.as_millis()))
                .collect(),
            limits: windows
                .iter()
                .map(|w| (w.limit, w.length.as_micros()))
                .collect(),
        }
    }

    /// `Ok(Ok(()))`: a slot was taken. `Ok(Err(wait))`: none is free for `wait`.
    /// `windows`: the limits for this caller (the same windows as at construction, with the
    /// minute's reserved room taken off for people's calls). `person`: a person's own minute
    /// (their number and their share), counted in Redis too, so their share holds across
    /// replicas.
    pub async fn try_acquire(
        &self,
        windows: &[Window],
        person: Option<(u64, usize)>,
    ) -> Result<Result<(), Duration>, redis::RedisError> {
        let mut invocation = self.script.prepare_invoke();
        for key in &self.keys {
            invocation.key(key);
        }
        if let Some((who, _)) = person {
            invocation.key(format!("{KEY_PREFIX}throttle:person:{who:x}"));
        }
        invocation.arg(rand::random::<u64>());
        for (window, (_, length)) in windows.iter().zip(&self.limits) {
            invocation.arg(window.limit).arg(length.to_string());
        }
        if let Some((_, share)) = person {
            invocation
                .arg(share)
                .arg(Duration::from_secs(60).as_micros().to_string());
        }
        let wait_micros: u64 = invocation.invoke_async(&mut self.conn.clone()).await?;
        Ok(match wait_micros {
            0 => Ok(()),
            micros => Err(Duration::from_micros(micros)),
        })
    }
}
