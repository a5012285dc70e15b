//! Exercise (Choosing the right primitive, 1): consumers take jobs from a
//! queue and sleep on a Condvar while it is empty. `take` trusts that a
//! wake-up means a job is there, and it is not always so. Fix `take`, then
//! run
//!
//!     cargo run --example ex_primitives_take_job
//!
//! until it says PASS. Keep the signature.

use lockbook::primitives::Jobs;

// ANCHOR: exercise
fn take(jobs: &Jobs) -> u32 {
    let mut queue = jobs.queue.lock().unwrap();
    if queue.is_empty() {
        queue = jobs.added.wait(queue).unwrap();
    }
    queue.pop_front().expect("woken up, so there is a job")
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::primitives::check_take_job(take));
