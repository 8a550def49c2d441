"""The persistent workspace: corpus (SQLite), migrations, audit queries, lock."""
