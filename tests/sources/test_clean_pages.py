"""Text an extractor cut from a web page skips the cleaner's tail rules; mail and plain text keep them."""
from __future__ import annotations

from digest.sources import clean
from digest.sources.readers import ReadDefaults, read

BODY = (
    "The regional rail operator will replace its oldest trains by the end of next year, the transport minister said.\n\n"
    "The new trains carry twice as many passengers and use a third less energy, according to the operator.\n\n"
    "Passenger groups welcomed the plan but asked for more frequent services on the coastal line."
)
# A short closing line in another script: the tail rules take it, and the weak line before it, for a newsletter block.
CLOSING = "Rail Desk\n\nПодписывайтесь на наш канал"


def test_the_tail_rules_drop_a_closing_block_in_another_script():
    assert clean.clean_body(BODY + "\n\n" + CLOSING) == BODY


def test_without_the_tail_rules_the_closing_lines_stay():
    assert clean.clean_body(BODY + "\n\n" + CLOSING, tail=False) == BODY + "\n\n" + CLOSING


def test_the_html_reader_cleans_without_the_tail_rules_and_the_text_reader_with_them(tmp_path):
    paragraphs = "".join(f"<p>{p}</p>" for p in (BODY + "\n\n" + CLOSING).split("\n\n"))
    page = f"<html><head><title>New trains</title></head><body><article>{paragraphs}</article></body></html>"
    html_body = read(tmp_path / "trains.html", page.encode(), ReadDefaults())[0].body
    text_body = read(tmp_path / "trains.txt", ("New trains\n\n" + BODY + "\n\n" + CLOSING).encode(), ReadDefaults())[0].body
    assert "Подписывайтесь" in html_body
    assert "Подписывайтесь" not in text_body
