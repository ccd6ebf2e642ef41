"""The performance benchmark of issue 7 (`make bench`, `make bench-quick`): see README "Performance"."""
