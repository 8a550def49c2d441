"""Helpers shared by the tests: paths, real local servers (HTTP, SMTP), the ingest pipeline."""
