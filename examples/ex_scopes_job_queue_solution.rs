//! Solution to exercise 2 of "Scoped guards": the job is popped in a
//! statement of its own, so the guard is dropped at its `;`, before the job
//! is processed.

use lockbook::scopes::Queue;

// ANCHOR: solution
fn worker(queue: &Queue, process: &dyn Fn(u32)) {
    loop {
        let job = queue.lock().unwrap().pop(); // guard dropped at the `;`
        let Some(job) = job else { break };
        process(job);
    }
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::scopes::check_job_queue(worker));
