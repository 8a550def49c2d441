"""Hostile inbox files: one bad file fails alone, links and special files are not followed,
nothing is lost when a batch rolls back, names are quoted in logs (issue 14)."""
from __future__ import annotations

import json
import logging
import os
import random
from pathlib import Path

import pytest
from helpers.pipeline import crash_on_insert

from digest import build as build_mod
from digest import config as config_mod
from digest.ingest import inbox
from digest.sources import nonarticle
from digest.store import workspace

_WORDS = ("harbour council ferry bridge school budget mayor river storm tram station museum library "
          "farmers market hospital nurses teachers union strike vote park festival orchestra bakery "
          "railway tunnel airport runway factory workers wages housing rent tenants court judge police "
          "fire brigade flood dike canal lock barge cargo port crane shipyard forest wildlife lake").split()


def good_text(n: int) -> str:
    """A distinct article of about 120 words (its own title and numbers), for batches of files."""
    rng = random.Random(n)
    sentences = [" ".join(rng.choice(_WORDS) for _ in range(12)).capitalize() + f" said {n} officials." 
                 for _ in range(10)]
    return f"Report number {n} on {rng.choice(_WORDS)} matters\nSource: Gazette {n % 7}\n" \
           f"Date: 2026-03-0{1 + n % 5}\n\n" + "\n\n".join(sentences) + "\n"


def fill_inbox(folder: Path, count: int) -> list[str]:
    """Write `count` good article files; their names."""
    names = [f"good{n:03d}.txt" for n in range(count)]
    for n, name in enumerate(names):
        (folder / name).write_text(good_text(n), encoding="utf-8")
    return names


def run_ingest(config, *paths):
    """One real ingest on the workspace's corpus file."""
    with workspace.open_corpus(config) as corpus:
        return inbox.ingest(config, corpus, paths)


def names_in(folder: Path, pattern: str = "*") -> set[str]:
    """File names (not .reason files) in a folder."""
    return {p.name for p in folder.glob(pattern) if not p.name.endswith(".reason")} if folder.exists() else set()


# ---------------------------------------------------------------- item 1: one poison file fails alone

POISONS = {
    "deep.json": ("[" * 5000 + "]" * 5000).encode(),
    "deep.eml": ("Subject: hi\nFrom: a@b.example\nMIME-Version: 1.0\n"
                 + "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(3000))
                 + "Content-Type: text/plain\n\n" + good_text(999)).encode(),
}


@pytest.mark.parametrize("poison", sorted(POISONS))
@pytest.mark.parametrize("count", [99, 10])  # 99: read by the reader process (read_ahead); 10: in-process
def test_a_poison_file_fails_alone_and_the_good_ones_are_committed(ws_config, poison, count):
    folder = ws_config.path("inbox")
    good = fill_inbox(folder, count)
    (folder / poison).write_bytes(POISONS[poison])
    report = run_ingest(ws_config)
    assert len(report.added) == count
    assert names_in(folder / "processed") == set(good)
    assert names_in(folder / "failed") == {poison}
    reason = (folder / "failed" / f"{poison}.reason").read_text()
    assert poison in reason and ("nested" in reason or "multipart" in reason)
    with workspace.open_corpus(ws_config) as corpus:
        assert corpus.stats()["articles"] == count


def test_an_exception_while_judging_one_file_fails_that_file_only(ws_config, monkeypatch):
    folder = ws_config.path("inbox")
    good = fill_inbox(folder, 70)
    real_judge = nonarticle.judge

    def judge(article, *args):
        if article.title.startswith("Report number 7 "):
            raise RecursionError("maximum recursion depth exceeded (planted)")
        return real_judge(article, *args)

    monkeypatch.setattr(nonarticle, "judge", judge)
    report = run_ingest(ws_config)
    assert len(report.added) == 69
    assert names_in(folder / "failed") == {"good007.txt"}
    assert names_in(folder / "processed") == set(good) - {"good007.txt"}
    reason = (folder / "failed" / "good007.txt.reason").read_text()
    assert "good007.txt" in reason and "RecursionError" in reason


_REAL_READ_CHUNK = inbox._read_chunk


def _dying_read_chunk(paths, *args):
    """_read_chunk that ends the reader process on one file, as a crash in a C library would."""
    if any(p.name == "good040.txt" for p in paths):
        os._exit(3)
    return _REAL_READ_CHUNK(paths, *args)


def test_a_dead_reader_process_does_not_stop_the_ingest(ws_config, monkeypatch):
    folder = ws_config.path("inbox")
    good = fill_inbox(folder, 80)
    monkeypatch.setattr(inbox, "_read_chunk", _dying_read_chunk)
    report = run_ingest(ws_config)
    assert len(report.added) == 80 and names_in(folder / "processed") == set(good)


# ---------------------------------------------------------------- item 3: non-article records and moves agree

WALL = "Please enable JavaScript in your browser to read this page.\n\nYou must sign in to continue.\n"


def _non_article_records(config) -> int:
    with workspace.open_corpus(config) as corpus:  # its own connection: only what was committed
        return corpus.db.execute("SELECT count(*) FROM non_articles").fetchone()[0]


def test_a_non_article_moves_to_failed_only_with_its_committed_record(ws_config, monkeypatch):
    folder = ws_config.path("inbox")
    for n in range(4):
        (folder / f"{n}-a-wall.txt").write_text(f"Page {n} of the site\n\n{WALL}Reference {n}.\n")
        (folder / f"{n}-b-article.txt").write_text(good_text(n))
    crash_on_insert(monkeypatch, 3)  # 2-b-article: in the second batch of 4 files, after 2-a-wall
    with workspace.open_corpus(ws_config) as corpus, pytest.raises(RuntimeError):
        inbox.ingest(ws_config, corpus, batch=4)
    walls_failed = names_in(folder / "failed", "*wall*")
    assert walls_failed == {"0-a-wall.txt", "1-a-wall.txt"}  # the first batch's
    assert _non_article_records(ws_config) == len(walls_failed)
    monkeypatch.undo()
    run_ingest(ws_config)
    assert names_in(folder / "failed", "*wall*") == {f"{n}-a-wall.txt" for n in range(4)}
    assert _non_article_records(ws_config) == 4


# ---------------------------------------------------------------- item 4: a bad item of a JSON list

def test_a_bad_item_of_a_json_list_is_left_out_and_the_good_ones_are_kept(ws_config, caplog):
    folder = ws_config.path("inbox")
    items = [{"title": f"Report {n}", "body": good_text(n)} for n in range(4)]
    items[1] = {"title": "No body here"}
    items.insert(3, "not an object")
    (folder / "export.json").write_text(json.dumps(items), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        report = run_ingest(ws_config)
    assert len(report.added) == 3
    assert names_in(folder / "processed") == {"export.json"} and not names_in(folder / "failed")
    reason = (folder / "processed" / "export.json.reason").read_text()
    assert "item 2" in reason and "body" in reason and "item 4" in reason and "item 1" not in reason
    assert "export.json" in caplog.text and "item 2" in caplog.text
    with workspace.open_corpus(ws_config) as corpus:
        titles = {a.title for a in corpus.unsent_articles()}
    assert titles == {"Report 0", "Report 2", "Report 3"}


def test_a_json_list_with_no_good_item_goes_to_failed_naming_each(ws_config):
    folder = ws_config.path("inbox")
    (folder / "bad.json").write_text(json.dumps([{"title": "A"}, {"body": "text"}]), encoding="utf-8")
    run_ingest(ws_config)
    reason = (folder / "failed" / "bad.json.reason").read_text()
    assert "item 1" in reason and "item 2" in reason


# ---------------------------------------------------------------- item 2: links and special files

SECRET = "ZX-SECRET-MARKER-4417"


def _secret_article(n: int) -> str:
    """An article-looking local file holding the secret marker (it would pass every reader check)."""
    return good_text(500 + n).replace("officials.", f"officials {SECRET}.", 3)


def _ingest_in_thread(config) -> object:
    """Ingest, failing the test (not hanging it) when something blocks, as opening a FIFO would."""
    import threading
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("report", run_ingest(config)), daemon=True)
    worker.start()
    worker.join(120)
    assert not worker.is_alive(), "ingest blocked (a FIFO opened for reading?)"
    return result["report"]


def _all_outputs(config) -> str:
    """Every output file of every built digest as text (the PDF through pdftotext when present)."""
    import shutil as sh
    import subprocess
    texts = []
    for path in config.path("outbox").rglob("*"):
        if path.suffix == ".pdf" and sh.which("pdftotext"):
            texts.append(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout)
        elif path.is_file():
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


def test_links_out_of_the_inbox_and_special_files_are_set_aside_unread(ws_config, tmp_path):
    folder = ws_config.path("inbox")
    fill_inbox(folder, 3)
    outside = tmp_path / "private"
    (outside / "dir").mkdir(parents=True)
    (outside / "notes.txt").write_text(_secret_article(1))
    (outside / "dir" / "more.txt").write_text(_secret_article(2))
    (folder / "passwd.txt").symlink_to(outside / "notes.txt")
    (folder / "shared").symlink_to(outside / "dir", target_is_directory=True)
    os.mkfifo(folder / "pipe.txt")
    report = _ingest_in_thread(ws_config)
    assert len(report.added) == 3
    assert names_in(folder / "failed") == {"passwd.txt", "shared", "pipe.txt"}
    assert (folder / "failed" / "passwd.txt").is_symlink()  # the link itself was moved, its target left alone
    assert (outside / "notes.txt").exists() and (outside / "dir" / "more.txt").exists()
    assert "outside" in (folder / "failed" / "passwd.txt.reason").read_text()
    assert "link" in (folder / "failed" / "shared.reason").read_text()
    assert "not a regular file" in (folder / "failed" / "pipe.txt.reason").read_text()
    with workspace.open_corpus(ws_config) as corpus:
        result = build_mod.build(ws_config, corpus)
        assert result.outputs and not any(SECRET in a.body for a in corpus.unsent_articles())
    assert SECRET not in _all_outputs(ws_config)
    assert "Report number 0" in _all_outputs(ws_config)


def test_a_link_inside_the_workspace_is_followed_only_when_allowed(ws_config, workspace_dir):
    folder = ws_config.path("inbox")
    (workspace_dir / "clips").mkdir()
    (workspace_dir / "clips" / "clip.txt").write_text(good_text(7))
    (folder / "clip.txt").symlink_to(workspace_dir / "clips" / "clip.txt")
    run_ingest(ws_config)
    assert names_in(folder / "failed") == {"clip.txt"}  # default: only links inside the inbox
    os.replace(folder / "failed" / "clip.txt", folder / "clip.txt")
    toml = workspace_dir / "digest.toml"
    toml.write_text(toml.read_text().replace('follow_links = "inbox"', 'follow_links = "workspace"'))
    config = config_mod.load(toml)
    assert config.settings.ingest.follow_links == "workspace"
    report = run_ingest(config)
    assert len(report.added) == 1 and names_in(folder / "processed") == {"clip.txt"}


# ---------------------------------------------------------------- item 5: UTF-16 without a BOM

RUSSIAN = ("Городской совет утвердил новый план развития порта после долгих обсуждений. "
           "По словам мэра, строительство нового причала начнется весной и займет два года. "
           "Жители района выразили опасения по поводу шума и движения грузовиков. ") * 3
GREEK = ("Το δημοτικό συμβούλιο ενέκρινε το νέο σχέδιο για το λιμάνι μετά από μακρά συζήτηση. "
         "Σύμφωνα με τον δήμαρχο, η κατασκευή της νέας προβλήτας θα ξεκινήσει την άνοιξη. ") * 3


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [good_text(3), "Порт: новый план\n\n" + RUSSIAN, "Λιμάνι\n\n" + GREEK],
                         ids=["english", "russian", "greek"])
def test_utf16_without_a_bom_is_read(ws_config, encoding, text):
    folder = ws_config.path("inbox")
    data = text.encode(encoding)
    assert not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    (folder / "article.txt").write_bytes(data)
    report = run_ingest(ws_config)
    assert len(report.added) == 1, report.failed
    with workspace.open_corpus(ws_config) as corpus:
        body = corpus.article(report.added[0]).body
    assert text.split("\n\n")[1][:60] in body


# ---------------------------------------------------------------- item 6: names quoted in logs and messages

FAKE_LINE = "2026-03-02 07:00:00 INFO digest.run: all feeds ok, nothing failed"


def test_a_newline_in_a_file_name_cannot_fake_a_log_line(workspace_dir):
    import subprocess
    import sys
    toml = workspace_dir / "digest.toml"
    toml.write_text(toml.read_text().replace('log_file = ""', 'log_file = "digest.log"'))
    folder = workspace_dir / "inbox"
    (folder / f"empty\n{FAKE_LINE}\n.txt").write_bytes(b"")
    (folder / f"wall\n{FAKE_LINE}\n.txt").write_text(f"Page\n\n{WALL}")
    (folder / "ok.txt").write_text(good_text(1))
    done = subprocess.run([sys.executable, "-m", "digest", "--config", str(toml), "ingest"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    log_text = (workspace_dir / "digest.log").read_text(encoding="utf-8")
    for shown_text in (log_text, done.stderr, done.stdout):
        assert not any(line.startswith(FAKE_LINE) for line in shown_text.splitlines())
    assert f"empty\\n{FAKE_LINE}\\n.txt" in log_text and f"wall\\n{FAKE_LINE}\\n.txt" in log_text
    assert f"empty\\n{FAKE_LINE}\\n.txt" in done.stderr
    reasons = list((folder / "failed").glob("*.reason"))
    assert len(reasons) == 2
    for reason in reasons:
        text = reason.read_text(encoding="utf-8")
        assert text.count("\n") == 1 and f"\\n{FAKE_LINE}\\n" in text


def test_shown_escapes_controls_and_bidi_and_leaves_plain_names_alone():
    from digest.sources.guard import shown
    assert shown("inbox/Ünïcode nàme.txt") == "inbox/Ünïcode nàme.txt"
    assert shown("a\x1b[31m\u202eb\\c.txt") == "a\\x1b[31m\\u202eb\\\\c.txt"


def test_a_bad_follow_links_value_is_refused_naming_the_option(ws_config, workspace_dir):
    from digest.errors import ConfigError
    toml = workspace_dir / "digest.toml"
    toml.write_text(toml.read_text().replace('follow_links = "inbox"', 'follow_links = "everywhere"'))
    with pytest.raises(ConfigError, match=r"\[ingest\] follow_links = 'everywhere'"):
        run_ingest(config_mod.load(toml))
