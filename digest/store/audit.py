"""Audit queries behind `digest dedup-report` and the `why` of build --json: what was decided and why."""
from __future__ import annotations

import re
from datetime import date
from typing import Iterable

from digest.models import Article
from digest.store.corpus import Corpus


def _day_sql() -> str:
    """SQL expression of an article's day (published date, else ingestion date)."""
    return "substr(coalesce(a.published, a.ingested_at), 1, 10)"


def report(corpus: Corpus, since: date | None, until: date | None) -> dict:
    """Duplicate groups and stories of a date range, with the similarities that decided them."""
    lo = (since or date.min).isoformat()
    hi = (until or date.max).isoformat()
    return {
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "duplicate_groups": _duplicate_groups(corpus, lo, hi),
        "stories": story_report(corpus, lo, hi),
    }


def _duplicate_groups(corpus: Corpus, lo: str, hi: str) -> list[dict]:
    """Originals in the range with their exact duplicates (dropped) and copies (kept)."""
    db = corpus.db
    groups: dict[str, dict] = {}

    def group(original_id: str) -> dict:
        """The group of one original, created on first use."""
        if original_id not in groups:
            a = corpus.article(original_id)
            groups[original_id] = {
                "original": _brief(a) if a else {"id": original_id},
                "exact": [], "copies": [],
            }
        return groups[original_id]

    copies = db.execute(
        f"SELECT a.id, a.title, a.outlet, a.published, a.copy_of, d.similarity, d.containment, d.reason "
        f"FROM articles a LEFT JOIN dedup_decisions d ON d.article_id = a.id "
        f"WHERE a.copy_of IS NOT NULL AND {_day_sql()} BETWEEN ? AND ? ORDER BY a.rowid", (lo, hi))
    for r in copies.fetchall():
        group(r["copy_of"])["copies"].append({
            "id": r["id"], "title": r["title"], "outlet": r["outlet"], "published": r["published"],
            "similarity": r["similarity"], "containment": r["containment"], "reason": r["reason"]})
    exact = db.execute(
        "SELECT original_id, kind, similarity, title, outlet, source_path, seen_at FROM duplicates "
        "WHERE substr(seen_at, 1, 10) BETWEEN ? AND ? ORDER BY id", (lo, hi))
    for r in exact.fetchall():
        group(r["original_id"])["exact"].append({k: r[k] for k in r.keys() if k != "original_id"})
    return list(groups.values())


def explain(corpus: Corpus, article_ids: Iterable[str]) -> dict[str, dict]:
    """Why each article is a copy and why it is in its story, for `status` and `build --json`.

    {id: {"dedup": {kind, original_id, similarity, containment, reason, new_text} or None,
          "story": {story_id, matched_article_id, similarity, founded_story, reason} or None}}
    """
    ids = list(dict.fromkeys(article_ids))
    out: dict[str, dict] = {i: {"dedup": None, "story": None} for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for r in corpus.db.execute(
                f"SELECT article_id, kind, original_id, similarity, containment, reason, new_text "
                f"FROM dedup_decisions WHERE article_id IN ({marks})", chunk):
            out[r["article_id"]]["dedup"] = {k: r[k] for k in r.keys() if k != "article_id"}
        for r in corpus.db.execute(
                f"SELECT article_id, story_id, matched_id, similarity, is_new, reason "
                f"FROM story_members WHERE article_id IN ({marks})", chunk):
            out[r["article_id"]]["story"] = {
                "story_id": r["story_id"], "matched_article_id": r["matched_id"],
                "similarity": r["similarity"], "founded_story": bool(r["is_new"]),
                "reason": r["reason"]}
    return out


def _brief(article: Article) -> dict:
    """The fields of an article an auditor needs."""
    return {"id": article.id, "title": article.title, "outlet": article.outlet,
            "published": article.published.isoformat() if article.published else None}


def story_report(corpus: Corpus, lo: str, hi: str) -> list[dict]:
    """Stories with members dated lo..hi: articles, outlets and the similarity that joined them."""
    rows = corpus.db.execute(
        "SELECT m.story_id, m.article_id, m.day, m.matched_id, m.similarity, m.is_new, m.reason, "
        "a.title, a.outlet, a.copy_of, s.title AS story_title FROM story_members m "
        "JOIN articles a ON a.id = m.article_id LEFT JOIN stories s ON s.id = m.story_id "
        "WHERE m.story_id IN (SELECT story_id FROM story_members WHERE day BETWEEN ? AND ?) "
        "ORDER BY m.story_id, m.day, a.rowid", (lo, hi)).fetchall()
    stories: dict[str, dict] = {}
    for r in rows:
        story = stories.setdefault(r["story_id"], {
            "id": r["story_id"], "title": r["story_title"], "articles": [], "outlets": []})
        story["articles"].append({
            "id": r["article_id"], "title": r["title"], "outlet": r["outlet"], "day": r["day"],
            "copy_of": r["copy_of"], "founded_story": bool(r["is_new"]),
            "matched_article_id": r["matched_id"], "similarity": r["similarity"],
            "reason": r["reason"]})
        if r["outlet"] not in story["outlets"]:
            story["outlets"].append(r["outlet"])
    for story in stories.values():
        story["kept_apart"], story["merges"] = story_decisions(story["articles"])
    for story in list(stories.values()):  # kept apart is mutual: the other story says so too
        for apart in story["kept_apart"]:
            other = stories.get(apart["story_id"])
            if other is not None and all(a["story_id"] != story["id"] for a in other["kept_apart"]):
                other["kept_apart"].append(apart | {"story_id": story["id"]})
    return sorted(stories.values(), key=lambda s: (s["articles"][0]["day"], s["id"]))


# The story-level parts of the reasons the story layer records with each member (stories/index.py
# and stories/regroup.py write them): which stories were kept apart from this one and why, which merged.
_KEPT_APART = re.compile(r"kept apart from story (\S+): (.+?)(?=; kept apart from story |$)")
_MERGES = re.compile(r"(?:merges \d+ stories of the index: [^;]+|bridges and merges [^;]+ into \S+)")


def story_decisions(articles: list[dict]) -> tuple[list[dict], list[dict]]:
    """A story's decisions gathered from its members' reasons: the stories kept apart from it (each
    once, with the article that came closest and why) and the merges recorded, with the article
    that made them."""
    apart: dict[str, dict] = {}
    merges: list[dict] = []
    for article in articles:
        reason = article.get("reason") or ""
        for other, why in _KEPT_APART.findall(reason):
            apart.setdefault(other, {"story_id": other, "article_id": article["id"], "why": why})
        merges.extend({"article_id": article["id"], "merge": m} for m in _MERGES.findall(reason))
    return list(apart.values()), merges


def recent_copies(corpus: Corpus, limit: int = 5) -> list:
    """The newest duplicate and copy decisions (article_id, kind, original_id, reason), for `status`."""
    return corpus.db.execute(
        "SELECT article_id, kind, original_id, reason FROM dedup_decisions "
        "WHERE kind != 'new' ORDER BY decided_at DESC, article_id LIMIT ?", (limit,)).fetchall()
