//! Exercise (Scoped guards, 2): several workers share a queue of jobs.
//! Each runs `worker`, which takes jobs until the queue is empty. The
//! workers were meant to process jobs side by side, but they take turns:
//! the queue stays locked while a job is processed. Change `worker` so that
//! the queue is unlocked while `process` runs, then run
//!
//!     cargo run --example ex_scopes_job_queue
//!
//! until it says PASS. Keep the signature.

use lockbook::scopes::Queue;

// ANCHOR: exercise
fn worker(queue: &Queue, process: &dyn Fn(u32)) {
    while let Some(job) = queue.lock().unwrap().pop() {
        process(job);
    }
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::scopes::check_job_queue(worker));
