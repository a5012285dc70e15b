//! The library half of the learner's runner: the manifest's schema, shared
//! with the book's tests, which render the instructors page and the
//! chapters' exercises sections from the same file.

pub mod manifest;
