//! The checks behind the exercises of the chapter "deadlocks".
