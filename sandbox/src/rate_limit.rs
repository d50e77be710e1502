//! GoTo's own limit: 10 requests per second per API, then 429 with no rate-limit headers
//! (**sure**). Counted per access token over a sliding one-second window, so "the 11th request
//! within any second" is refused however the calls fall on clock seconds. Refused calls do not
//! count, so a client that backs off gets through again a second after its burst.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::SandboxError;

const WINDOW: Duration = Duration::from_secs(1);

pub(crate) struct RateLimiter {
    limit: u32,
    seen: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// `limit` 0 turns the limit off.
    pub fn new(limit: u32) -> RateLimiter {
        RateLimiter {
            limit,
            seen: Mutex::new(HashMap::new()),
        }
    }

    pub fn check(&self, token: &str) -> Result<(), SandboxError> {
        if self.limit == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut seen = self.seen.lock().expect("rate limiter lock");
        if seen.len() > 1000 {
            seen.retain(|_, calls| calls.back().is_some_and(|t| now - *t < WINDOW));
        }
        let calls = seen.entry(token.to_owned()).or_default();
        while calls.front().is_some_and(|t| now - *t >= WINDOW) {
            calls.pop_front();
        }
        if calls.len() >= self.limit as usize {
            return Err(SandboxError::TooManyRequests);
        }
        calls.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eleventh_call_in_a_second_is_refused_per_token() {
        let limiter = RateLimiter::new(10);
        for _ in 0..10 {
            limiter.check("a").unwrap();
        }
        assert!(matches!(
            limiter.check("a"),
            Err(SandboxError::TooManyRequests)
        ));
        limiter.check("b").unwrap();
    }

    #[test]
    fn zero_turns_it_off() {
        let limiter = RateLimiter::new(0);
        for _ in 0..100 {
            limiter.check("a").unwrap();
        }
    }
}
