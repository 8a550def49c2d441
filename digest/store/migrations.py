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
    (
        10,
        "feed state (conditional GET, redirects, back-off) and remembered entry GUIDs",
        """
        CREATE TABLE feeds (
            url TEXT PRIMARY KEY,
            fetch_url TEXT NOT NULL,
            title TEXT,
            etag TEXT,
            last_modified TEXT,
            status TEXT NOT NULL DEFAULT 'new',
            http_status INTEGER,
            checked_at TEXT,
            ok_at TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            next_try TEXT,
            last_error TEXT
        );
        CREATE TABLE feed_entries (
            feed_url TEXT NOT NULL,
            guid TEXT NOT NULL,
            article_id TEXT,
            topic TEXT,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (feed_url, guid)
        );
        """,
    ),
    (
        2,
        "dedup index (MinHash signatures, LSH band keys, sentence sample) and decisions",
        """
        CREATE TABLE dedup_meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE dedup_signatures (
            article_rowid INTEGER PRIMARY KEY,
            num_perm INTEGER NOT NULL,
            shingles INTEGER NOT NULL,
            signature BLOB NOT NULL
        );
        CREATE TABLE dedup_bands (
            key INTEGER NOT NULL,
            article_rowid INTEGER NOT NULL,
            PRIMARY KEY (key, article_rowid)
        ) WITHOUT ROWID;
        CREATE TABLE dedup_sentences (
            key INTEGER NOT NULL,
            article_rowid INTEGER NOT NULL,
            PRIMARY KEY (key, article_rowid)
        ) WITHOUT ROWID;
        CREATE TABLE dedup_decisions (
            article_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            original_id TEXT,
            similarity REAL,
            containment REAL,
            reason TEXT NOT NULL DEFAULT '',
            new_text TEXT NOT NULL DEFAULT '',
            decided_at TEXT NOT NULL
        );
        """,
    ),
    (
        3,
        "story membership with term vectors, document frequencies for story IDF, seen lines",
        """
        CREATE TABLE story_members (
            article_id TEXT PRIMARY KEY,
            story_id TEXT NOT NULL,
            day TEXT NOT NULL,
            matched_id TEXT,
            similarity REAL,
            is_new INTEGER NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            terms TEXT NOT NULL,
            decided_at TEXT NOT NULL
        );
        CREATE INDEX story_members_day ON story_members(day);
        CREATE INDEX story_members_story ON story_members(story_id);
        CREATE TABLE story_df (
            term TEXT PRIMARY KEY,
            df INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE story_meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE story_lines (
            key INTEGER PRIMARY KEY,
            seen INTEGER NOT NULL
        );
        """,
    ),
    (
        20,
        "lines each outlet repeats, for corpus-learned boilerplate",
        """
        CREATE TABLE outlet_totals (outlet TEXT PRIMARY KEY, articles INTEGER NOT NULL);
        CREATE TABLE outlet_lines (
            outlet TEXT NOT NULL,
            line_key TEXT NOT NULL,
            articles INTEGER NOT NULL,
            PRIMARY KEY (outlet, line_key)
        );
        CREATE INDEX outlet_lines_frequent ON outlet_lines(outlet, articles);
        """,
    ),
    (
        21,
        "texts judged not to be articles (cookie walls, paywalls, error pages), by content hash",
        """
        CREATE TABLE non_articles (
            content_hash TEXT PRIMARY KEY,
            reason TEXT NOT NULL,
            title TEXT,
            outlet TEXT,
            url TEXT,
            source_path TEXT,
            words INTEGER NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            seen_count INTEGER NOT NULL
        );
        CREATE INDEX non_articles_first_seen ON non_articles(first_seen);
        """,
    ),
    (
        30,
        "dedup posting keys kept with each signature (postings are inserted into the tables in batches)",
        """
        ALTER TABLE dedup_signatures ADD COLUMN keys BLOB;
        """,
    ),
    (
        40,
        "the process id of each run (a killed run is marked died) and when a digest's sending began",
        """
        ALTER TABLE runs ADD COLUMN pid INTEGER;
        ALTER TABLE digests ADD COLUMN attempted_at TEXT;
        """,
    ),
    (
        41,
        "unsent articles archived by the backlog rule ([build] max_age_days), not digested",
        """
        CREATE TABLE archived_articles (
            article_id TEXT PRIMARY KEY,
            archived_at TEXT NOT NULL,
            cutoff TEXT NOT NULL
        );
        """,
    ),
    (
        42,
        "a full-text index of article titles and bodies (SQLite FTS5) for `digest search` and briefs",
        """
        CREATE VIRTUAL TABLE article_fts USING fts5(title, body, content='articles', content_rowid='rowid',
                                                    tokenize='unicode61 remove_diacritics 2');
        INSERT INTO article_fts(article_fts) VALUES ('rebuild');
        """,
    ),
    (
        43,
        "stories the reader follows: kept open past [stories] window_days for strongly matching articles",
        """
        CREATE TABLE followed_stories (
            story_id TEXT PRIMARY KEY,
            followed_at TEXT NOT NULL
        );
        """,
    ),
]
