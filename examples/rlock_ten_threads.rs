//! Python's last program with a re-entrant lock: `main_task` takes the lock
//! and calls `do_something` and `do_something_else`, which take the same
//! lock again. Ten threads run it; each thread's lines come out together,
//! because the outer lock is held from the first line to the last.
//!
//!     cargo run --example rlock_ten_threads

use std::cell::RefCell;
use std::sync::Barrier;
use std::thread;

use parking_lot::ReentrantMutex;

// ANCHOR: functions
struct State {
    something: u32,
    something_else: u32,
}

static LOCK: ReentrantMutex<RefCell<State>> =
    ReentrantMutex::new(RefCell::new(State {
        something: 0,
        something_else: 0,
    }));

fn do_something(id: usize) -> &'static str {
    let state = LOCK.lock(); // the second lock() on this thread: no wait
    println!("thread {id}:   do_something: lock acquired again");
    state.borrow_mut().something += 1; // a short borrow, ended at the `;`
    "Done doing something"
} // the count drops back to one: main_task still holds the lock

fn do_something_else(id: usize) -> &'static str {
    let state = LOCK.lock();
    println!("thread {id}:   do_something_else: lock acquired again");
    state.borrow_mut().something_else += 1;
    "Finished something else"
}

fn main_task(id: usize) {
    let _held = LOCK.lock();
    println!("thread {id}: main_task: lock acquired");
    let first = do_something(id);
    thread::yield_now(); // no other thread gets the lock in between
    let second = do_something_else(id);
    println!("thread {id}: {first}");
    println!("thread {id}: {second}");
    println!("thread {id}: main_task: releasing the lock");
}
// ANCHOR_END: functions

fn main() {
    lockbook::cli::no_options("Python's last program with a re-entrant lock");
    // ANCHOR: main
    let start = Barrier::new(10);
    thread::scope(|s| {
        for id in 1..=10 {
            let start = &start;
            s.spawn(move || {
                start.wait(); // all ten ask for the lock at once
                main_task(id);
            });
        }
    });
    let state = LOCK.lock();
    let state = state.borrow();
    println!(
        "do_something ran {} times, do_something_else {} times",
        state.something, state.something_else
    );
    // ANCHOR_END: main
}
