"""The page's own articleBody container: it recovers paragraphs trafilatura cuts, and is ignored when
it is missing or too short to be the article."""
from __future__ import annotations

from digest.sources.article_body import MIN_CHARS, marked_body, prefer_marked
from digest.sources.extract import html_to_article_fields, trafilatura_text
from digest.sources.readers import ReadDefaults, read

PARAGRAPHS = [
    f"Paragraph {i} of the harbour report says the council met on Tuesday and agreed that the old pier "
    f"needs {i} new pylons before the winter storms arrive in the bay."
    for i in range(1, 9)
]


def page(container: str = ' itemprop="articleBody"', middle_class: str = "related") -> str:
    """A news page whose middle paragraphs sit in a block whose class trafilatura takes for furniture."""
    para = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:3])
    middle = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[3:6])
    end = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[6:])
    return (
        "<html><head><title>Harbour council backs pier repair</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<div{container}><h1>Harbour council backs pier repair</h1>{para}"
        f'<div class="{middle_class}">{middle}</div>{end}'
        "<script>var tracker = 'never text';</script></div>"
        "<footer>Contact the newsroom</footer></body></html>"
    )


def test_trafilatura_alone_cuts_the_middle_of_this_page():
    """The premise of the other tests: without the container, the middle paragraphs are lost."""
    _, text = trafilatura_text(page())
    assert PARAGRAPHS[0] in text and PARAGRAPHS[-1] in text
    assert not any(p in text for p in PARAGRAPHS[3:6])


def test_marked_body_recovers_the_cut_paragraphs_in_order():
    text = html_to_article_fields(page()).text
    positions = [text.index(p) for p in PARAGRAPHS]
    assert positions == sorted(positions)
    assert "never text" not in text and "Contact the newsroom" not in text
    assert text.count("\n\n") >= len(PARAGRAPHS) - 1


def test_ingest_keeps_the_recovered_middle(tmp_path):
    path = tmp_path / "harbour.html"
    path.write_text(page(), encoding="utf-8")
    [article] = read(path, path.read_bytes(), ReadDefaults())
    assert all(p in article.body for p in PARAGRAPHS)
    assert article.title == "Harbour council backs pier repair"


def test_page_without_a_marked_body_keeps_trafilaturas_text():
    html = page(container="")
    assert marked_body(html) == ""
    assert html_to_article_fields(html).text == trafilatura_text(html)[1]


def test_a_teaser_sized_container_does_not_replace_the_article():
    teaser = PARAGRAPHS[0][:MIN_CHARS - 1]
    assert prefer_marked("\n\n".join(PARAGRAPHS), teaser) == "\n\n".join(PARAGRAPHS)
    long_but_partial = "\n\n".join(PARAGRAPHS[:2])  # over MIN_CHARS, under half of the article
    assert prefer_marked("\n\n".join(PARAGRAPHS), long_but_partial) == "\n\n".join(PARAGRAPHS)
    assert prefer_marked("short", long_but_partial) == long_but_partial


def test_the_largest_of_nested_containers_is_taken():
    html = page().replace("<h1>", f'<div itemprop="articleBody"><p>{PARAGRAPHS[0]}</p></div><h1>', 1)
    assert PARAGRAPHS[-1] in marked_body(html)


def test_asides_and_menus_inside_the_container_are_left_out():
    aside = '<aside><p>Most read: the ten best beaches of the coast this summer, ranked by readers.</p></aside>'
    menu = '<nav><a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>'
    html = page().replace("<h1>", aside + menu + "<h1>", 1)
    text = html_to_article_fields(html).text
    assert "ten best beaches" not in text and "Weather" not in text
    assert all(p in text for p in PARAGRAPHS)
