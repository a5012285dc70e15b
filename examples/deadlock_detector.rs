//! Placeholder until the "Deadlocks between locks" chapter lands.
fn main() {
    lockbook::cli::no_options("parking_lot's deadlock detector");
}
