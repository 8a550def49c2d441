"""Stage: commit articles from the inbox and feeds (read, judge, dedup, story)."""
