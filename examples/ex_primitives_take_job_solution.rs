//! Solution to exercise 1 of "Choosing the right primitive": `wait_while`
//! checks the queue after every wake-up and returns only when a job is
//! there, with the lock held, so the `pop_front` cannot find it empty.

use lockbook::primitives::Jobs;

// ANCHOR: solution
fn take(jobs: &Jobs) -> u32 {
    let queue = jobs.queue.lock().unwrap();
    let mut queue = jobs.added.wait_while(queue, |q| q.is_empty()).unwrap();
    queue
        .pop_front()
        .expect("wait_while returned, so there is a job")
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::primitives::check_take_job(take));
