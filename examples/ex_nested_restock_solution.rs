//! Solution to exercise 1 of "Locking across functions": `restock` locks
//! once; the helpers take `&mut Store`, so they cannot lock, and the whole
//! move is one critical section. The thread that looks in between finds the
//! store locked and would have to wait.

use lockbook::nested::{Store, Storeroom};

// ANCHOR: solution
fn take_from_warehouse(store: &mut Store, n: u32) {
    store.warehouse -= n;
}

fn put_in_shop(store: &mut Store, n: u32) {
    store.shop += n;
}

/// Move `n` items from the warehouse to the shop.
fn restock(store: &Storeroom, n: u32, meanwhile: &dyn Fn()) {
    let mut store = store.lock().unwrap();
    take_from_warehouse(&mut store, n);
    meanwhile(); // another thread looks at the store here
    put_in_shop(&mut store, n);
}
// ANCHOR_END: solution

lockbook::exercise_main!(lockbook::nested::check_restock(restock));
