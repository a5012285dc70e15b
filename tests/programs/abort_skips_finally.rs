//! With `panic = "abort"` a panic ends the process on the spot: nothing
//! unwinds, so no destructor runs - no guard, no `finally`. Compiled and run
//! both ways by tests/runs_guards.rs.
use std::sync::Mutex;

/// Prints when dropped: a `finally` block.
struct Finally;

impl Drop for Finally {
    fn drop(&mut self) {
        println!("finally: cleanup ran");
    }
}

fn main() {
    let total = Mutex::new(0);
    let _finally = Finally;
    let mut guard = total.lock().unwrap();
    *guard += 5;
    println!("total is {}, now panicking", *guard);
    panic!("update failed");
}
