"""Wire copy condensed as a reader would want it: no datelines, no speaker sections for generic
groups, no table rows as ledes, and one outlet's many reports shown once with a count."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from digest.config import from_mapping
from digest.models import Article, Digest, KeyPoint, Section, SectionKind, Story
from digest.render.email import render_html
from digest.render.text import render_text
from digest.summarize.condense import condense
from digest.summarize.sentences import split_sentences

CONFIG = from_mapping({}, Path("."))
WHEN = datetime(1987, 3, 3, 12, tzinfo=timezone.utc)


def wire(n: int, body: str, title: str = "COFFEE EXPORTS FALL", outlet: str = "Reuters") -> Article:
    """A wire report."""
    return Article(id=f"a{n:015d}", title=title, outlet=outlet, body=body, language="en", published=WHEN)


@pytest.mark.parametrize("dateline, sentence", [
    ("WASHINGTON, March 3 - ", "The Treasury said it would sell 9.75 billion dlrs of bills next week."),
    ("BERLIN (AP) _ ", "German officials said on Monday that the talks had gone well for both sides."),
    ("BRUSSELS, May 2 (Xinhua) -- ", "The European Union agreed a plan to cut farm surpluses by a third."),
    ("PARIS, 2 mai (Reuters) - ", "Le gouvernement a annoncé un plan de relance pour les régions du nord."),
    ("MADRID, 2 may (EFE).- ", "El Gobierno aprobó ayer el plan de vivienda para las familias jóvenes."),
    ("МОСКВА, 2 мая. /ТАСС/. ", "Президент подписал указ о новых мерах поддержки малого бизнеса."),
])
def test_datelines_are_gone_from_sentences(dateline, sentence):
    assert split_sentences(dateline + sentence + " " + sentence, "en")[0] == sentence


def test_datelines_are_gone_from_ledes_and_points():
    bodies = [f"SAO PAULO, March {d} - Brazil's coffee exports fell to {d} million bags in February, "
              f"the Coffee Institute said in its monthly report.\n\nThe institute said shipments to "
              f"Europe fell most, by {d + 10} pct, as buyers waited for the new crop." for d in (2, 3)]
    condensed = condense([wire(1, bodies[0]), wire(2, bodies[1], outlet="AP")], CONFIG)
    texts = [condensed.lede] + [p.text for s in condensed.sections for p in s.points]
    assert texts and not any("SAO PAULO" in t or t.startswith("March") for t in texts), texts


def test_no_speaker_section_is_named_after_a_generic_group():
    sentences = ["Dealers said the dollar would stay firm against the yen until the end of the month.",
                 "Sources said the central bank had bought dollars in Tokyo during the morning session.",
                 "Japanese officials said they were worried about the pace of the yen's rise this year.",
                 "Analysts said further intervention was likely if the dollar fell below 150 yen.",
                 "Finance Minister Kiichi Miyazawa said Japan would act to stabilise exchange rates."]
    body = "\n\n".join(sentences * 2)
    condensed = condense([wire(1, body, "DOLLAR FIRM IN TOKYO"), wire(2, body.replace("firm", "steady"),
                                                                      "DOLLAR STEADY", "AP")], CONFIG)
    speakers = {s.speaker for s in condensed.sections if s.kind == SectionKind.SPEAKER}
    assert not speakers & {"Dealers", "Sources", "Japanese", "Analysts"}, speakers


def test_a_price_table_fragment_is_never_a_lede():
    body = ("slaughter cattle rose 0.50 to 1.00 dlr in active trade, the usda said.\n\n"
            "steers - choice 2-3 1100-1300 lbs 66.50-68.00.\n\n"
            "heifers - choice 2-3 950-1100 lbs 65.00-66.50.\n\n"
            "Prices were supported by light receipts and steady demand from packers across the region, "
            "the Agriculture Department said.")
    condensed = condense([wire(1, body, "SIOUX CITY CATTLE UP"), wire(2, body, "CATTLE UP", "AP")], CONFIG)
    assert condensed.lede.startswith("Prices were supported"), condensed.lede
    points = [p.text for s in condensed.sections for p in s.points]
    assert not any("lbs" in p or p[:1].islower() for p in points), points


def test_a_point_carried_by_three_reports_of_one_outlet_shows_the_outlet_once():
    reports = tuple(Article(id=f"r{n}", title=f"Report {n}", outlet="Reuters", body="",
                            url=f"https://wire.example/{n}", published=WHEN) for n in range(3))
    other = Article(id="ap", title="AP report", outlet="AP", body="", url="https://ap.example/1", published=WHEN)
    point = KeyPoint("The Treasury will sell 9.75 billion dlrs of bills next week.", ("r0", "r1", "r2", "ap"))
    story = Story(id="s1", title="Treasury bills", lede="The Treasury set its weekly sale.",
                  articles=reports + (other,), sections=(Section(None, (point,), kind=SectionKind.GENERAL),))
    digest = Digest(date=date(1987, 3, 3), title="Wire", stories=(story,), generated_at=WHEN)
    html, text = render_html(digest, CONFIG), render_text(digest, CONFIG)
    assert "Reuters, 3 reports" in html and "Reuters, Reuters" not in html
    assert all(f"https://wire.example/{n}" in html for n in range(3))
    assert "Reuters, 3 reports" in text and "Reuters [1], Reuters" not in text
