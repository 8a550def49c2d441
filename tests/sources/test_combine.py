"""The repairs of trafilatura's precise text: dropped middle paragraphs put back, readability's text (trafilatura's port) as a fallback."""
from __future__ import annotations

from digest.sources import combine
from digest.sources.extract import html_fragment_to_text, html_to_article_fields

P1 = "The council voted on Tuesday to close the old harbour bridge for repairs until the spring."
P2 = "Engineers found cracks in two of the supporting piers during an inspection last month."
P3 = "Ferries will run every twenty minutes while the bridge is shut, the council said."
SUBHEAD = "What happens next"
TEASER = "Read our full coverage of the harbour works"


def test_a_paragraph_dropped_between_two_kept_ones_goes_back_in_place():
    precise = "\n\n".join([P1, P3])
    wide = "\n\n".join([P1, SUBHEAD, P2, P3])
    assert combine.fill_gaps(precise, wide, frozenset()) == "\n\n".join([P1, SUBHEAD, P2, P3])


def test_paragraphs_before_the_first_or_after_the_last_kept_one_stay_out():
    precise = "\n\n".join([P1, P2])
    wide = "\n\n".join(["A standfirst that sums the story up in one line.", P1, P2, P3])
    assert combine.fill_gaps(precise, wide, frozenset()) == precise


def test_a_gap_paragraph_that_is_mostly_link_text_stays_out():
    precise = "\n\n".join([P1, P3])
    wide = "\n\n".join([P1, TEASER, P2, P3])
    assert combine.fill_gaps(precise, wide, frozenset({TEASER})) == "\n\n".join([P1, P2, P3])
    assert combine.link_share(TEASER, frozenset({TEASER})) == 1.0
    assert combine.link_share(P2, frozenset({TEASER})) == 0.0


def test_page_outline_counts_visible_words_and_collects_link_texts():
    html = (
        "<html><head><title>t</title><script>var hidden = 'not counted at all';</script></head>"
        "<body><p>Four words are here.</p><a href='/x'>  Other   story </a><style>p {color: red}</style></body></html>"
    )
    anchors, words = combine.page_outline(html)
    assert anchors == frozenset({"Other story"})
    assert words == 6


def test_the_fallback_replaces_a_text_missing_most_of_the_article():
    short = " ".join(["word"] * 10)
    longer = " ".join(["other"] * 25)
    assert combine.with_fallback(short, 100, lambda: longer) == longer
    assert combine.with_fallback(short, 100, lambda: " ".join(["other"] * 19)) == short


def test_the_fallback_is_not_run_when_the_page_is_too_short_to_hold_twice_the_text():
    def never():
        raise AssertionError("readability ran on a page that cannot hold twice the text")

    assert combine.with_fallback("ten words " * 5, 19, never) == "ten words " * 5
    assert combine.with_fallback("", 1000, never) == ""


def test_readability_finds_the_article_of_a_real_page():
    body = "".join(f"<p>{p}</p>" for p in (P1, P2, P3))
    html = f"<html><body><nav><a href='/'>Home</a></nav><div class='story'>{body}</div></body></html>"
    text = html_fragment_to_text(combine.readability_html(html))
    assert P1 in text and P3 in text and "Home" not in text


def test_control_characters_in_a_fragment_do_not_break_the_conversion():
    assert html_fragment_to_text("<p>one &#11;two</p><p>three\x0b</p>") == "one two\n\nthree"


def test_html_extraction_keeps_every_paragraph_of_a_plain_article():
    body = "".join(f"<p>{p}</p>" for p in (P1, P2, P3))
    html = f"<html><head><title>Bridge</title></head><body><article><h1>Bridge</h1>{body}</article></body></html>"
    text = html_to_article_fields(html).text
    assert all(p in text for p in (P1, P2, P3))


def test_a_fuller_reading_of_a_kept_paragraph_replaces_it_instead_of_repeating_it():
    cut = "The league has said that it will fine the quarterback for his role in the fight."
    full = "The league has said, according to reports in the press, that it will fine the quarterback for his role in the fight."
    precise = "\n\n".join([P1, cut, P3])
    wide = "\n\n".join([P1, full, P3])
    assert combine.fill_gaps(precise, wide, frozenset()) == "\n\n".join([P1, full, P3])
