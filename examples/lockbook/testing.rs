//! The checks behind the exercises of the chapter "testing".
