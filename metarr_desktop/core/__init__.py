"""Plain data and pure functions. No I/O, no Qt."""
