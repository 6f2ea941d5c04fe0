"""Test suite and benchmarks of annotator."""
