"""Numbered schema migrations, each applied once in its own transaction and recorded.

Append new migrations at the end; never edit one that has shipped.
"""
from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "articles, inbox files, stories, digests and runs",
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            outlet TEXT NOT NULL,
            url TEXT,
            published TEXT,
            published_is_guess INTEGER NOT NULL DEFAULT 0,
            language TEXT NOT NULL DEFAULT 'und',
            body TEXT NOT NULL,
            content_hash TEXT NOT NULL UNIQUE,
            ingested_at TEXT NOT NULL,
            source_path TEXT,
            author TEXT,
            copy_of TEXT REFERENCES articles(id),
            story_id TEXT
        );
        CREATE INDEX articles_story ON articles(story_id);
        CREATE INDEX articles_published ON articles(published);
        CREATE INDEX articles_ingested ON articles(ingested_at);
        CREATE TABLE duplicates (
            id INTEGER PRIMARY KEY,
            original_id TEXT NOT NULL REFERENCES articles(id),
            kind TEXT NOT NULL,
            similarity REAL,
            title TEXT,
            outlet TEXT,
            source_path TEXT,
            seen_at TEXT NOT NULL
        );
        CREATE TABLE inbox_files (
            sha256 TEXT PRIMARY KEY,
            path TEXT NOT NULL,
            status TEXT NOT NULL,
            article_ids TEXT NOT NULL DEFAULT '[]',
            seen_at TEXT NOT NULL
        );
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE digests (
            id TEXT PRIMARY KEY,
            date TEXT NOT NULL,
            built_at TEXT NOT NULL,
            outdir TEXT NOT NULL,
            json TEXT NOT NULL,
            delivered_at TEXT
        );
        CREATE INDEX digests_date ON digests(date);
        CREATE TABLE digest_articles (
            digest_id TEXT NOT NULL REFERENCES digests(id),
            article_id TEXT NOT NULL REFERENCES articles(id),
            story_id TEXT,
            PRIMARY KEY (digest_id, article_id)
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL DEFAULT 'running',
            counts TEXT NOT NULL DEFAULT '{}',
            errors TEXT NOT NULL DEFAULT '[]'
        );
        """,
    ),
]
