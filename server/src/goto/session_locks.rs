//! One in-process mutex per session, for the token refresh, that is forgotten again once no
//! request holds or waits for it. A map that only ever grew would keep one entry for every
//! session that ever refreshed, for the life of the process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type SessionLock = Arc<tokio::sync::Mutex<()>>;

#[derive(Clone, Default)]
pub struct SessionLocks {
    locks: Arc<Mutex<HashMap<String, SessionLock>>>,
}

impl SessionLocks {
    /// The lock for `key`, shared with every other request for the same key meanwhile.
    /// Hand it back with [`SessionLocks::release`] once done with it.
    pub fn acquire(&self, key: &str) -> SessionLock {
        self.map().entry(key.to_owned()).or_default().clone()
    }

    /// Drops the map's entry if nobody else holds or waits for this lock. Every other holder
    /// cloned it under the map's mutex, which this holds too, so the count cannot change
    /// while it is read: two references (the map's and this one) means no one else.
    pub fn release(&self, key: &str, lock: SessionLock) {
        let mut map = self.map();
        let ours = map.get(key).is_some_and(|held| Arc::ptr_eq(held, &lock));
        if ours && Arc::strong_count(&lock) == 2 {
            map.remove(key);
        }
    }

    /// How many sessions have a lock now (for tests).
    pub fn len(&self) -> usize {
        self.map().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, SessionLock>> {
        // A panic while holding this mutex cannot leave the map half-changed.
        self.locks.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_lock_per_key_while_in_use_then_forgotten() {
        let locks = SessionLocks::default();
        let first = locks.acquire("a");
        let second = locks.acquire("a");
        assert!(Arc::ptr_eq(&first, &second), "the same key shares one lock");
        let other = locks.acquire("b");
        assert_eq!(locks.len(), 2);

        let guard = first.lock().await;
        assert!(second.try_lock().is_err(), "the second holder waits");
        drop(guard);
        locks.release("a", first);
        assert_eq!(locks.len(), 2, "kept while the second holder still has it");
        locks.release("a", second);
        locks.release("b", other);
        assert!(locks.is_empty(), "forgotten once nobody holds it");
    }

    #[test]
    fn a_released_key_gets_a_fresh_lock() {
        let locks = SessionLocks::default();
        let old = locks.acquire("a");
        let old_weak = Arc::downgrade(&old);
        locks.release("a", old);
        assert!(old_weak.upgrade().is_none(), "the old lock is gone");
        let new = locks.acquire("a");
        assert_eq!(locks.len(), 1);
        locks.release("a", new);
        assert!(locks.is_empty());
    }
}
