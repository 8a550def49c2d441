"""Stage: mail built digests, and the daily job and its schedule."""
