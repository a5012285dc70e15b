//! The book's figures, drawn from real runs: the charts of "What locks
//! cost" from criterion's results (`costs`, bin plot-costs) and the
//! timeline pictures of traced runs (`timelines`, bin draw-timelines), both
//! written with one SVG writer (`svg`).
//!
//! The binaries are the command lines of cargo xtask plot-costs and
//! cargo xtask draw-timelines; the book's tests (tests/book/) call the library.

pub mod costs;
pub mod svg;
pub mod timelines;
