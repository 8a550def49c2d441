"""A text with no headline: its first paragraph stays in the body, the title is its first sentence."""
from __future__ import annotations

from digest.sources.readers import HEADLINE_WORDS, ReadDefaults, read

PARAGRAPH = ("President Biden will announce on Thursday that the United States is targeting a 50%-52% "
             "reduction in greenhouse gas emissions by 2030. The goal, which nearly doubles the pledge made "
             "by President Obama, will require deep cuts in the use of coal and gas across the economy and "
             "a rapid switch to electric cars, officials said ahead of a virtual summit of forty leaders.")


def test_a_one_paragraph_text_keeps_its_paragraph(tmp_path):
    path = tmp_path / "excerpt.txt"
    path.write_text(PARAGRAPH + "\n", encoding="utf-8")
    article, = read(path, path.read_bytes(), ReadDefaults())
    assert article.title == PARAGRAPH.split(". ")[0] + "."
    assert "virtual summit of forty leaders" in article.body and article.body.startswith("President Biden")


def test_a_short_first_line_is_still_the_headline(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Biden sets emissions target\n\n" + PARAGRAPH + "\n", encoding="utf-8")
    article, = read(path, path.read_bytes(), ReadDefaults())
    assert article.title == "Biden sets emissions target"
    assert "Biden sets emissions target" not in article.body


def test_a_long_first_sentence_is_cut_to_a_headline(tmp_path):
    sentence = " ".join(["word"] * 10 + ["Lindholm"] * (HEADLINE_WORDS + 10)) + "."
    path = tmp_path / "long.txt"
    path.write_text(sentence + " Another sentence follows here.\n", encoding="utf-8")
    article, = read(path, path.read_bytes(), ReadDefaults())
    assert len(article.title.split()) == HEADLINE_WORDS + 1 and article.title.endswith("…")
    assert article.body.startswith("word word")
