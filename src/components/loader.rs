//! Asking the backend from a page or a field: the one helper every load goes through.
//!
//! In place of `LocalResource`, whose machinery cost 7.7 KB of the first load: a signal that a
//! task fills. `follow` asks whenever what its question reads changes. The task runs under the
//! effect that asked, so a newer question, or leaving the page, cancels it and (through `api`)
//! aborts its request; the last answer stays on screen until the new one arrives. `load` is
//! `follow` for a page's data: asked once, and again on "Try again", loading (`None`) meanwhile.

use std::future::Future;

use leptos::prelude::*;

/// `None` until the first answer, then the answer to the latest question `ask` gave.
pub fn follow<Q, T, Fut>(
    ask: impl Fn() -> Q + 'static,
    fetch: impl Fn(Q) -> Fut + 'static,
) -> RwSignal<Option<T>>
where
    Q: 'static,
    T: Send + Sync + 'static,
    Fut: Future<Output = T> + 'static,
{
    let answer = RwSignal::new(None::<T>);
    Effect::new(move |_| {
        let question = ask();
        // Only the question starts a load: what `fetch` reads is not a dependency.
        let fetched = untrack(|| fetch(question));
        leptos::task::spawn_local_scoped_with_cancellation(async move {
            answer.try_set(Some(fetched.await));
        });
    });
    answer
}

/// `None` while loading, then the answer. The returned function loads again. It may be called
/// from a view that the load itself replaces: the load belongs to the page, not to that view.
pub fn load<T, Fut>(
    fetch: impl Fn() -> Fut + 'static,
) -> (RwSignal<Option<T>>, impl Fn() + Copy + 'static)
where
    T: Send + Sync + 'static,
    Fut: Future<Output = T> + 'static,
{
    // A count rather than a `Trigger`: the picker's retries already bring this code in.
    let asked = RwSignal::new(0u32);
    let answer = follow(move || asked.track(), move |()| fetch());
    let reload = move || {
        answer.set(None);
        asked.update(|n| *n += 1);
    };
    (answer, reload)
}
