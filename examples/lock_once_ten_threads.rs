//! Python's last program without a re-entrant lock: `main_task` locks once
//! and passes `&mut State` to `do_something` and `do_something_else`, which
//! take no lock at all. Ten threads run it; each thread's lines come out
//! together.
//!
//!     cargo run --example lock_once_ten_threads

use std::sync::{Barrier, Mutex};
use std::thread;

// ANCHOR: functions
struct State {
    something: u32,
    something_else: u32,
}

static STATE: Mutex<State> = Mutex::new(State {
    something: 0,
    something_else: 0,
});

fn do_something(state: &mut State, id: usize) -> &'static str {
    println!("thread {id}:   do_something: works under the caller's lock");
    state.something += 1;
    "Done doing something"
}

fn do_something_else(state: &mut State, id: usize) -> &'static str {
    println!("thread {id}:   do_something_else: works under the caller's lock");
    state.something_else += 1;
    "Finished something else"
}

fn main_task(id: usize) {
    let mut state = STATE.lock().unwrap(); // the only lock() in the program
    println!("thread {id}: main_task: lock acquired");
    let first = do_something(&mut state, id);
    thread::yield_now(); // no other thread gets the lock in between
    let second = do_something_else(&mut state, id);
    println!("thread {id}: {first}");
    println!("thread {id}: {second}");
    println!("thread {id}: main_task: releasing the lock");
}
// ANCHOR_END: functions

fn main() {
    lockbook::cli::no_options(
        "Python's last program without a re-entrant lock",
    );
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
    let state = STATE.lock().unwrap();
    println!(
        "do_something ran {} times, do_something_else {} times",
        state.something, state.something_else
    );
}
