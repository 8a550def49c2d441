"""Readers: every inbox format, encodings, bad inputs, seeds read as .txt, language detection."""
from __future__ import annotations

import json
import os
import random
import shutil
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from helpers.paths import DATA, SEEDS

from digest.errors import InputError
from digest.sources.extract import decode_bytes, html_to_article_fields
from digest.sources.language import detect
from digest.sources.dates import parse_date
from digest.sources.readers import ReadDefaults, read

INBOX = DATA / "readers"
DEFAULTS = ReadDefaults()

RUSSIAN = (
    "Городской совет утвердил строительство новой трамвайной линии\n\n"
    "Депутаты городского совета в четверг вечером проголосовали за строительство трамвайной линии, "
    "которая соединит железнодорожный вокзал с восточными жилыми кварталами.\n\n"
    "По оценке транспортного управления, линией будут пользоваться около двадцати восьми тысяч "
    "пассажиров в день после её открытия."
)


def read_one(path: Path, defaults: ReadDefaults = DEFAULTS):
    """Read a file that holds exactly one article."""
    articles = read(path, path.read_bytes(), defaults)
    assert len(articles) == 1
    return articles[0]


def flat(text: str) -> str:
    """Whitespace folded for comparisons."""
    return " ".join(text.split())


def refused(path: Path, data: bytes | None = None, defaults: ReadDefaults = DEFAULTS) -> InputError:
    """The InputError reading path raises (fails the test when nothing is raised)."""
    with pytest.raises(InputError) as info:
        read(path, path.read_bytes() if data is None else data, defaults)
    assert str(path) in str(info.value)
    return info.value


def test_email_with_only_an_html_part(tmp_path):
    original = (INBOX / "dike-forward.eml").read_bytes()
    from email import message_from_bytes
    html = message_from_bytes(original, policy=policy.default).get_body(("html",)).get_content()
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = '"Evening Star" <news@evening-star.example>'
    msg["Subject"] = "TR: Fw: Dike works planned"
    msg["Date"] = "Thu, 11 Apr 2024 18:00:00 +0000"
    msg.set_content(html.replace("Forwarded message", "Message"), subtype="html")
    path = tmp_path / "html-only.eml"
    path.write_bytes(msg.as_bytes())
    article = read_one(path)
    assert article.title == "Dike works planned"
    assert article.outlet == "Evening Star"
    assert "Environmental groups welcomed the plan" in article.body
    assert "<p>" not in article.body


def test_outlet_fallbacks(tmp_path):
    text = "Bridge closed for repairs\n\n" + "The old river bridge will be closed to cars for six weeks. " * 3
    folder = tmp_path / "Valley Radio"
    folder.mkdir()
    (folder / "a.txt").write_text(text, encoding="utf-8")
    assert read_one(folder / "a.txt").outlet == "Valley Radio"
    assert read_one(folder / "a.txt", ReadDefaults(outlet="My Desk")).outlet == "My Desk"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "b.txt").write_text(text, encoding="utf-8")
    assert read_one(inbox / "b.txt").outlet == "inbox"
    (inbox / "c.txt").write_text("URL: https://www.valley.example/x\n\n" + text, encoding="utf-8")
    assert read_one(inbox / "c.txt").outlet == "valley.example"


def test_mtime_is_the_date_guess(tmp_path):
    path = tmp_path / "undated.txt"
    path.write_text("Bridge closed\n\n" + "The old river bridge will be closed to cars for six weeks. " * 3,
                    encoding="utf-8")
    os.utime(path, (1_700_000_000, 1_700_000_000))
    article = read_one(path)
    assert article.published_is_guess is True
    assert article.published == datetime.fromtimestamp(1_700_000_000, tz=timezone.utc)


def test_leading_date_line_gives_the_date(tmp_path):
    path = tmp_path / "dated.txt"
    path.write_text("Bridge closed\n\n27 January 2022, 05:46 PM\n\n"
                    + "The old river bridge will be closed to cars for six weeks. " * 3, encoding="utf-8")
    article = read_one(path)
    assert article.published == datetime(2022, 1, 27, 17, 46, tzinfo=timezone.utc)
    assert article.published_is_guess is False
    assert "05:46" not in article.body


@pytest.mark.parametrize("encoding", ["cp1251", "utf-16", "utf-16-be", "utf-8-sig", "koi8-r"])
def test_encodings_are_detected(tmp_path, encoding):
    data = RUSSIAN.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(data)
    article = read_one(path)
    assert article.title == "Городской совет утвердил строительство новой трамвайной линии"
    assert "восточными жилыми кварталами" in article.body
    assert article.language == "ru"


def test_html_meta_charset_is_honoured(tmp_path):
    html = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>"
            "<title>Трамвай</title></head><body><article><h1>Трамвай</h1>"
            + "".join(f"<p>{p}</p>" for p in RUSSIAN.split("\n\n")[1:]) + "</article></body></html>")
    path = tmp_path / "page.htm"
    path.write_bytes(html.encode("cp1251"))
    article = read_one(path)
    assert "восточными жилыми кварталами" in article.body
    assert decode_bytes(html.encode("cp1251"), path) == html


def test_unsupported_suffix(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4")
    error = refused(path)
    assert "unsupported file type .pdf" in error.reason and "supported:" in error.reason
    assert ".eml" in error.reason


def test_empty_file():
    error = refused(INBOX / "bad" / "empty.txt")
    assert "empty" in error.reason


def test_binary_junk(tmp_path):
    path = tmp_path / "junk.txt"
    path.write_bytes(random.Random(7).randbytes(4096))
    assert "binary" in refused(path).reason


def test_undecodable_bytes(tmp_path):
    path = tmp_path / "broken-utf16.txt"
    path.write_bytes(b"\xff\xfe" + b"\x00\xd8A\x00" * 50)
    assert "fit no text encoding" in refused(path).reason


def test_file_over_a_small_size_limit():
    error = refused(INBOX / "council-tram.txt", defaults=ReadDefaults(max_bytes=100))
    assert "limit" in error.reason and "max_file_mb" in error.reason


def test_real_50_mb_file_is_refused_before_decoding(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:
        out.write(b"\xff" * (50 * 1024 * 1024))
    error = refused(path)
    assert "50.0 MB" in error.reason and "20.0 MB" in error.reason


def test_json_list_item_missing_body_is_named(tmp_path):
    path = tmp_path / "list.json"
    path.write_text('[{"title": "A", "body": "' + "word " * 30 + '"}, {"title": "B"}]', encoding="utf-8")
    error = refused(path)
    assert "item 2" in error.reason and "body" in error.reason


def test_seeds_read_as_text(tmp_path):
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS} (../shared/seeds next to the repo)")
    titles = {
        "000": "US response to Russia's demand of \"safety guarantees\": Blinken revealed the details",
        "001": "US responds to Russia’s Ukraine demands",
        "003": "Moscow gets ‘written response’ it demanded from US and NATO",
        "004": "US’ written response to Russia ‘isn’t about concession,’ Blinken says",
    }
    for seed in sorted(SEEDS.glob("*.txt")):
        path = tmp_path / seed.name
        shutil.copyfile(seed, path)
        article = read_one(path)
        body = flat(article.body)
        assert article.language == "en"
        if seed.name[:3] in titles:
            assert article.title == titles[seed.name[:3]]
        assert article.title not in article.body
        for junk in ("RU UA EN", "Source link", "Leave a Comment", "Telegram", "Follow us on",
                     "Getty Images", "Video of day", "Show more news", "Рассылка"):
            assert junk not in body, (seed.name, junk)
        last = [line for line in seed.read_text(encoding="utf-8").splitlines() if len(line.split()) > 20][-1]
        assert flat(last) in body, seed.name
    nv = read_one(tmp_path / "003_2643c82c3a0dc6eb.txt")
    assert nv.published == datetime(2022, 1, 27, 17, 46, tzinfo=timezone.utc)


def test_html_extraction_makes_paragraphs_and_never_fetches():
    page = html_to_article_fields((INBOX / "bakery-strike.html").read_bytes(), url=None)
    assert page.sitename == "Northfield Courier"
    assert page.text.count("\n\n") >= 4
    assert html_to_article_fields("").text == ""


def test_parse_date_formats():
    assert parse_date("2022-01-26T17:47:00Z") == datetime(2022, 1, 26, 17, 47, tzinfo=timezone.utc)
    assert parse_date("Wed, 26 Jan 2022 17:47:00 +0000") == datetime(2022, 1, 26, 17, 47, tzinfo=timezone.utc)
    assert parse_date("January 27, 2022") == datetime(2022, 1, 27, tzinfo=timezone.utc)
    assert parse_date("not a date") is None


@pytest.mark.parametrize("text, code", [
    ("The harbour master confirmed on Friday that the northern basin will be dredged this summer.", "en"),
    ("El ayuntamiento instalará doce nuevas estaciones de bicicletas públicas antes del verano.", "es"),
    ("Депутаты городского совета проголосовали за строительство новой трамвайной линии в четверг.", "ru"),
    ("Депутати міської ради проголосували за будівництво нової трамвайної лінії в четвер.", "uk"),
    ("Der Stadtrat hat am Donnerstag den Bau einer neuen Straßenbahnlinie beschlossen, sagte er.", "de"),
])
def test_language_detection(text, code):
    assert detect(text) == code


def test_language_of_short_text_is_undetermined():
    assert detect("Blinken said no.") == "und"
    assert detect("") == "und"


def test_front_matter_and_title_header(tmp_path):
    path = tmp_path / "fm.md"
    path.write_text("---\nTitle: Night buses return\nOutlet: Metro Daily\nDate: 3 March 2024\n"
                    "Lang: en\n---\n\nThe night bus network returns on Friday after a two-year pause, with "
                    "six lines running every half hour between midnight and five in the morning.\n",
                    encoding="utf-8")
    article = read_one(path)
    assert article.title == "Night buses return" and article.outlet == "Metro Daily"
    assert article.published == datetime(2024, 3, 3, tzinfo=timezone.utc)
    assert article.body.startswith("The night bus network returns on Friday")
    assert "---" not in article.body and "Title:" not in article.body


def test_hard_wrapped_email_keeps_every_sentence(tmp_path):
    paragraphs = [
        "The night bus network returns on Friday after a two-year pause, with six lines running "
        "every half hour between midnight and five in the morning, the transport company said.",
        "Drivers will be paid a night supplement of twenty percent, which the union said had been "
        "the main obstacle in talks that lasted most of the winter and the early spring.",
    ]
    import textwrap
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = "Metro Daily <desk@metro.example>"
    msg["Subject"] = "Night buses return"
    msg["Date"] = "Mon, 4 Mar 2024 08:00:00 +0000"
    msg.set_content("\n\n".join(textwrap.fill(p, 64) for p in paragraphs) + "\n")
    path = tmp_path / "wrapped.eml"
    path.write_bytes(msg.as_bytes())
    article = read_one(path)
    assert article.body == "\n\n".join(paragraphs)


def test_json_body_with_html_markup_keeps_paragraphs(tmp_path):
    body = ("<p>The night bus network returns on Friday after a two-year pause, with six lines running "
            "every half hour.</p><p>Drivers will be paid a <strong>night supplement</strong> of twenty "
            "percent, the union said.</p><div class='share'>Share on Facebook</div><script>track()</script>")
    path = tmp_path / "cms.json"
    path.write_text(json.dumps({"title": "Night buses return", "body": body}), encoding="utf-8")
    article = read_one(path)
    assert article.body == ("The night bus network returns on Friday after a two-year pause, with six lines "
                            "running every half hour.\n\nDrivers will be paid a night supplement of twenty "
                            "percent, the union said.")


def test_email_plain_stub_gives_way_to_html(tmp_path):
    paragraphs = "".join(f"<p>{p}</p>" for p in (
        "The night bus network returns on Friday after a two-year pause, with six lines running every "
        "half hour between midnight and five in the morning, the transport company said.",
        "Drivers will be paid a night supplement of twenty percent, which the union said had been the "
        "main obstacle in talks that lasted most of the winter.",
        "Tickets bought for day services will also be valid at night, and the fares will not change.",
    ))
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = "Metro Daily <desk@metro.example>"
    msg["Subject"] = "Night buses return"
    msg["Date"] = "Mon, 4 Mar 2024 08:00:00 +0000"
    msg.set_content("View this email in your browser.")
    msg.add_alternative(f"<html><body><article><h1>Night buses return</h1>{paragraphs}</article></body></html>",
                        subtype="html")
    path = tmp_path / "stub.eml"
    path.write_bytes(msg.as_bytes())
    article = read_one(path)
    assert article.body.startswith("The night bus network returns on Friday")
    assert "Tickets bought for day services" in article.body
    assert "browser" not in article.body


def test_header_lines_under_the_title_line(tmp_path):
    path = tmp_path / "ferry.md"
    path.write_text("# Harbour ferry returns after storm repairs\nSource: Test Gazette\nDate: 2026-03-01\n\n"
                    "The harbour ferry between the two islands returned to service on Sunday after six weeks "
                    "of repairs to its hull, the operator said.\n", encoding="utf-8")
    article = read_one(path)
    assert article.title == "Harbour ferry returns after storm repairs"
    assert article.outlet == "Test Gazette"
    assert article.published == datetime(2026, 3, 1, tzinfo=timezone.utc)
    assert article.body.startswith("The harbour ferry between the two islands")


def test_html_only_forwarded_email_uses_forwarded_headers(tmp_path):
    from email import message_from_bytes
    original = message_from_bytes((INBOX / "dike-forward.eml").read_bytes(), policy=policy.default)
    msg = EmailMessage(policy=policy.SMTP)
    for name in ("From", "Subject", "Date"):
        msg[name] = original[name]
    msg.set_content(original.get_body(("html",)).get_content(), subtype="html")
    path = tmp_path / "html-forward.eml"
    path.write_bytes(msg.as_bytes())
    article = read_one(path)
    assert article.title == "Water board to raise the Oster dike by 60 cm"
    assert article.outlet == "Delta Post"
    assert article.published == datetime(2024, 4, 9, 5, 45, tzinfo=timezone.utc)
    assert article.body.startswith("The regional water board will raise the level")
    assert "Unsubscribe" not in article.body and "Thought you" not in article.body


# ---------------------------------------------------------------- speed and bounded work

def test_language_is_judged_on_a_bounded_sample():
    """A 1 MB body is judged on a bounded sample of whole words from its start, middle and end."""
    from digest.sources import language

    body = " ".join(RUSSIAN.split("\n\n")[1:])
    long_body = " ".join([body] * (1_000_000 // len(body)))
    assert language.detect(long_body) == "ru"
    sample = language.sample(long_body)
    assert len(sample) <= language.SAMPLE_CHARS + language.WINDOWS
    windows = sample.split("\n")
    assert len(windows) == language.WINDOWS and long_body.startswith(windows[0])
    assert long_body.endswith(windows[-1])
    for window in windows:
        at = long_body.index(window)
        assert at == 0 or long_body[at - 1] in " \n"
        assert at + len(window) == len(long_body) or long_body[at + len(window)] in " \n"
    mixed = "“I will not comment,” he told reporters in English. " * 3 + long_body
    assert language.detect(mixed) == "ru"


def test_language_codes_are_iso_639_1_or_und():
    """py3langid's labels without a two-letter code never reach an Article."""
    from digest.sources.language import iso_code

    assert iso_code("arz") == "ar" and iso_code("yue") == "zh" and iso_code("en") == "en"
    assert iso_code("zxx") == "und" and iso_code("pcm") == "und" and iso_code("") == "und"
    pseudo_words = " ".join(["qxvb zzkt wrrpf", "ghhj", "kkvt xq"] * 20) + "."
    assert detect(pseudo_words) == "und" or len(detect(pseudo_words)) == 2
    assert detect("1234 5678 — 90 % … 12:30 " * 30) == "und"


def test_pathological_markdown_is_read_in_linear_time(tmp_path):
    """Unclosed emphasis, brackets and tags, and a heading full of spaces (2 s to 8 s each
    at 30 KB with the first regexes) take milliseconds; well-formed markup still converts."""
    import time

    body = "The harbour reopened on Monday after repairs, the port authority said. " * 20
    path = tmp_path / "odd.md"
    nasty = ("# Title" + " " * 3000 + "end\n\n" + "word **the " * 10000 + "\n\n" + "word *the " * 10000
             + "\n\n" + "word _the " * 10000 + "\n\n" + "[a " * 10000 + "\n\n" + "![a](b " * 10000)
    path.write_text(nasty + "\n\n" + body, encoding="utf-8")
    start = time.process_time()
    read_one(path)
    assert time.process_time() - start < 2.0
    path.write_text("## Harbour reopens ##\n\nThe **port** re-opened, *officials* said, see "
                    "[the notice](https://port.example/wiki/Notice_(2026)) and __the map__.\n\n" + body,
                    encoding="utf-8")
    article = read_one(path)
    assert article.title == "Harbour reopens"
    assert article.body.startswith("The port re-opened, officials said, see the notice and the map.")


def test_generated_text_articles_read_with_title_and_language(tmp_path):
    """Two hundred ~600-word .txt articles go through read() (speed: bench/ingest.py's read stage)."""
    rng = random.Random(7)
    english = (INBOX / "council-tram.txt").read_text(encoding="utf-8").split()
    blobs = []
    for i in range(200):
        paragraphs = [" ".join(rng.choice(english) for _ in range(rng.randint(20, 60))).capitalize() + "."
                      for _ in range(12)]
        text = f"Title number {i}\nSource: Bench Wire\n\n" + "\n\n".join(paragraphs)
        blobs.append((tmp_path / f"t{i}.txt", text.encode("utf-8")))
    articles = [read(path, data, DEFAULTS)[0] for path, data in blobs]
    assert all(a.language == "en" and a.title.startswith("Title number") for a in articles)
