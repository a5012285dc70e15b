//! Exercise (Locking across functions, 1): restocking the shop moves items
//! out of the warehouse and into the shop, and another thread that looks in
//! between finds items missing. Make the move one step that nobody can see
//! half done, then run
//!
//!     cargo run --example ex_nested_restock
//!
//! until it says PASS. Keep the signature of `restock` and its call to
//! `meanwhile()` between the two steps: that is when the other thread looks.

use lockbook::nested::Storeroom;

// ANCHOR: exercise
fn take_from_warehouse(store: &Storeroom, n: u32) {
    store.lock().unwrap().warehouse -= n;
}

fn put_in_shop(store: &Storeroom, n: u32) {
    store.lock().unwrap().shop += n;
}

/// Move `n` items from the warehouse to the shop.
fn restock(store: &Storeroom, n: u32, meanwhile: &dyn Fn()) {
    take_from_warehouse(store, n);
    meanwhile(); // another thread looks at the store here
    put_in_shop(store, n);
}
// ANCHOR_END: exercise

lockbook::exercise_main!(lockbook::nested::check_restock(restock));
