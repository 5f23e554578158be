"""Benchmarks of the report queries on PostgreSQL (`python -m bench`, `make bench`); not tests."""
