"""Benchmarks that measure the core against shared reference data; run them as scripts."""
