"""Condensation of a story: the four real seed articles, copies, background, budgets, other languages."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from itertools import combinations

import pytest
from helpers.condense import SEED_PREFIXES, config, seed_articles
from helpers.paths import EXAMPLES, SEEDS
from sklearn.feature_extraction.text import TfidfVectorizer

from digest.errors import ConfigError
from digest.models import Article
from digest.summarize.clauses import is_background, is_standalone
from digest.summarize.condense import (
    clean_title,
    condense,
    dominant_language,
    story_importance,
    story_topic,
)
from digest.summarize.sentences import junk_reason, split_sentences
from digest.summarize.speakers import Attribution

# "Say the same thing": TF-IDF cosine (English stop words) at or above this, or half the content words shared.
SAME_COSINE = 0.35
SAME_SHARE = 0.5


def flat(text: str) -> str:
    """Whitespace folded, as the summariser folds it."""
    return " ".join(text.split())


def carried_by(point: str, body: str) -> bool:
    """The point is a sentence of the body, or a clean part of one: its attribution clause cut
    (", Blinken said."), the first letter capitalised, a quote's closing comma made a full stop."""
    core = re.sub(r"[.!]?([”\"»’]?)$", "", point.strip())
    return core.lower() in flat(body).lower() and len(core.split()) >= 4


def points_of(condensed) -> list[str]:
    """Every point's text."""
    return [p.text for s in condensed.sections for p in s.points]


def content(text: str) -> set[str]:
    """Lower-case words of four letters or more."""
    return {w.lower() for w in re.findall(r"\w+", text) if len(w) >= 4}


def assert_no_two_alike(texts: list[str]) -> None:
    """No two texts say the same thing: TF-IDF cosine and shared content words both below the bounds."""
    rows = TfidfVectorizer(stop_words="english").fit_transform(texts)
    cos = (rows @ rows.T).toarray()
    for i, j in combinations(range(len(texts)), 2):
        assert cos[i, j] < SAME_COSINE, (texts[i], texts[j])
        a, b = content(texts[i]), content(texts[j])
        assert len(a & b) / max(1, min(len(a), len(b))) < SAME_SHARE, (texts[i], texts[j])


@pytest.fixture(scope="module")
def seed_story():
    """The seed story condensed with NV's section length (its Blinken section has ten points)."""
    articles = seed_articles()
    return articles, condense(articles, config(points_per_section=10))


def test_sections_for_blinken_and_stoltenberg(seed_story) -> None:
    """Both press briefings get a section named by surname, Blinken's first."""
    articles, condensed = seed_story
    speakers = [s.speaker for s in condensed.sections if s.kind == "speaker"]
    assert speakers[:2] == ["Blinken", "Stoltenberg"]
    stoltenberg = [p.text for s in condensed.sections if s.speaker == "Stoltenberg" for p in s.points]
    bodies = {a.id: a.body for a in articles}
    assert all("Stoltenberg" in bodies[src] for s in condensed.sections if s.speaker == "Stoltenberg"
               for p in s.points for src in p.sources)
    opening = [k for k, t in enumerate(stoltenberg) if "invited all 30 allies" in t]
    follow = [k for k, t in enumerate(stoltenberg) if t.startswith("“At the end of the day")]
    assert not follow or (opening and opening[0] + 1 == follow[0])  # a quote's second sentence follows it


def test_blinken_section_has_the_three_commitments(seed_story) -> None:
    """Open door, not publishing the document, and arms control are among Blinken's points."""
    _, condensed = seed_story
    blinken = " || ".join(p.text for s in condensed.sections if s.speaker == "Blinken" for p in s.points)
    assert re.search(r"open door|door is open|“open door”|right to choose", blinken, re.IGNORECASE)
    assert re.search(r"not releasing the document|not plan to (?:publish|disclose)", blinken)
    assert re.search(r"arms control", blinken)


def test_points_are_source_sentences_with_their_sources(seed_story) -> None:
    """Faithful: each point occurs verbatim in an article it cites; some facts have several outlets."""
    articles, condensed = seed_story
    bodies = {a.id: flat(a.body) for a in articles}
    for section in condensed.sections:
        for point in section.points:
            assert point.sources and set(point.sources) <= set(bodies)
            assert any(carried_by(point.text, bodies[s]) for s in point.sources), point.text
            if section.kind != "speaker":
                assert any(point.text in bodies[s] for s in point.sources), point.text
    corroborated = [p for s in condensed.sections for p in s.points if len(p.sources) >= 2]
    assert len(corroborated) >= 3
    releasing = [p for s in condensed.sections for p in s.points if "not releasing the document" in p.text]
    assert releasing and {"a000", "a001"} <= set(releasing[0].sources)  # two outlets quote it
    assert any(condensed.lede in body for body in bodies.values())


def test_no_caption_signup_or_question(seed_story) -> None:
    """Captions, photo credits, calls to action and reporters' questions never become points."""
    _, condensed = seed_story
    junk = re.compile(
        r"Getty|Photo by|speaks about Russia and Ukraine during a briefing|Close-up|meet and greet"
        r"|Telegram|share it with your friends|Leave a Comment|Source link|Distributed by|©"
        r"|in response to Russia’s demand that Ukraine be prevented from joining\.$"
        r"|^When asked|\?$", re.IGNORECASE)
    for text in points_of(condensed) + [condensed.lede, condensed.title]:
        assert not junk.search(text), text


@pytest.mark.parametrize("per_section", [8, 10])
def test_no_two_points_say_the_same_thing(per_section: int) -> None:
    """Near-repeats across outlets and sections were merged, paraphrases too ("does not plan to disclose
    the document" / "not releasing the document publicly"): TF-IDF cosine < 0.35, < 50% shared words."""
    condensed = condense(seed_articles(), config(points_per_section=per_section))
    texts = points_of(condensed) + [condensed.lede]
    assert_no_two_alike(texts)
    blinken = [p.text for s in condensed.sections if s.speaker == "Blinken" for p in s.points]
    unpublished = re.compile(r"^\W*(?:[\w’'.]+\W+){0,4}?(?:not|n’t)\s+(?:plan to\s+)?(?:releas|disclos|publish)")
    assert len([t for t in blinken if unpublished.search(t)]) == 1, blinken
    assert len([t for t in blinken if re.search(r"open doors?\b|door is open", t, re.IGNORECASE)]) == 1, blinken
    assert len([t for t in texts if "Sullivan" in t]) <= 1, texts


def test_background_last_and_headline_from_titles(seed_story) -> None:
    """Earlier context sits in a last 'Background' section; the headline is one of the titles."""
    articles, condensed = seed_story
    kinds = [s.kind for s in condensed.sections]
    assert kinds[-1] == "background" and kinds.count("background") == 1
    background = " ".join(p.text for p in condensed.sections[-1].points)
    assert re.search(r"Last week|In December|in recent weeks|1949", background)
    assert condensed.title in {a.title for a in articles}


def test_budgets_are_respected() -> None:
    """points_per_section and sections_per_story bound the output."""
    condensed = condense(seed_articles(), config(points_per_section=2, sections_per_story=2))
    assert len(condensed.sections) <= 2
    assert all(len(s.points) <= 2 for s in condensed.sections)
    assert condensed.sections[0].speaker == "Blinken"


def test_deterministic() -> None:
    """Same input, same output, also in reverse article order (speed is measured by bench/summarize.py)."""
    articles = seed_articles()
    first = condense(articles, config())
    assert condense(articles, config()) == first
    assert condense(list(reversed(articles)), config()) == condense(list(reversed(articles)), config())


BODY_A = """Brussels (Example Wire) The European Union agreed on Monday to cut fishing quotas in the Baltic Sea by a third.

“We cannot keep emptying the sea and hope the fish come back,” Fisheries Commissioner Anna Berg told reporters after the talks.

She added that the cut would be reviewed in two years.

Fishermen’s groups said the decision would cost thousands of jobs along the coast.

Cod stocks have been falling since the 1990s, according to the bloc’s scientific advisers.

Sign up for our daily newsletter to get the news first."""

BODY_B = """The EU decided on Monday to cut Baltic Sea fishing quotas by a third, officials said.

Commissioner Anna Berg said the cut would be reviewed in two years and stressed that the fish stocks had to recover first.

“We cannot keep emptying the sea and hope the fish come back,” Berg said.

Last year, ministers rejected a similar proposal from the commission."""


def test_syndicated_copy_adds_sources_not_points() -> None:
    """A copy of an article corroborates its points; a new sentence in it may become a point."""
    a = Article(id="A", title="EU cuts Baltic fishing quotas - Example Wire", outlet="Example Wire", body=BODY_A)
    b = Article(id="B", title="EU cuts Baltic quotas by a third", outlet="Other News", body=BODY_B)
    copy = Article(id="C", title="EU cuts Baltic fishing quotas", outlet="Reprint Daily",
                   body=BODY_A.replace("Sign up for our daily newsletter to get the news first.", ""),
                   copy_of="A")
    condensed = condense([a, b, copy], config())
    texts = points_of(condensed)
    assert len(texts) == len(set(texts))
    quote = [p for s in condensed.sections for p in s.points if "emptying the sea" in p.text]
    assert len(quote) == 1 and set(quote[0].sources) == {"A", "B", "C"}
    assert [s.speaker for s in condensed.sections if s.kind == "speaker"] == ["Berg"]
    assert not any("newsletter" in t for t in texts)
    assert condensed.sections[-1].kind == "background"
    assert condensed.title == "EU cuts Baltic fishing quotas"


def test_background_detection() -> None:
    """Earlier dates, 'since', 'last week' and earlier years are background; today's news is not."""
    assert is_background("Last week, Russian troops were seen in Belarus.")
    assert is_background("In December, Russia sent two draft treaties.", (2022, 1))
    assert is_background("The treaty of 1949 says so.", (2022, 1))
    assert is_background("Troops have been massing since October.")
    assert not is_background("On Wednesday, January 26, the U.S. gave Russia a written response.", (2022, 1))
    assert not is_background("The EU agreed on Monday to cut quotas.")


@pytest.mark.parametrize("sentence, speaker, how, expected", [
    ("The EU agreed on Monday to cut quotas.", None, "none", True),
    ("This isn’t about concessions, the minister said.", None, "none", False),
    ("He also said that certain proposals will come from NATO.", "Blinken", "pronoun", False),
    ("He said the talks would continue next week.", "Blinken", "pronoun", True),
    ("At the same time, he sees an information war.", None, "none", False),
    ("However, it rejects the core demand.", None, "none", False),
    ("“The message would be clear to China,” he said.", None, "none", False),
    ("In this context, Martínez believes NATO must stop.", "Martínez", "named", False),
])
def test_standalone(sentence: str, speaker: str | None, how: str, expected: bool) -> None:
    """Openings that point back, and he/she that nothing resolves, make a sentence unusable alone."""
    assert is_standalone(sentence, Attribution(speaker, how)) is expected


def test_clean_title() -> None:
    """Site names and 'BREAKING:' go; a real subtitle stays."""
    assert clean_title("Blinken answers Moscow - Reuters", "Reuters") == "Blinken answers Moscow"
    assert clean_title("BREAKING: Blinken answers Moscow | example.com") == "Blinken answers Moscow"
    assert clean_title("Ukraine crisis: what the US offered Russia") == "Ukraine crisis: what the US offered Russia"
    assert clean_title("Talks in Geneva end without a deal - what comes next") == \
        "Talks in Geneva end without a deal - what comes next"
    assert clean_title("Talks in Geneva end without a deal | The Kyiv Independent", "Kyiv Independent") == \
        "Talks in Geneva end without a deal"


SPANISH = [
    """El Gobierno de España aprobó este martes un plan de ayudas de 3.000 millones de euros para los agricultores afectados por la sequía.
«Es el mayor paquete de ayudas de la historia para el campo», dijo el ministro Luis Planas en rueda de prensa.
Según Planas, las ayudas llegarán antes del verano.
Las organizaciones agrarias consideran que el plan llega tarde.""",
    """El Consejo de Ministros aprobó el martes ayudas de 3.000 millones de euros para el campo por la sequía.
El ministro de Agricultura, Luis Planas, afirmó que las ayudas llegarán a los agricultores antes del verano.
Desde 2022 la sequía ha reducido la cosecha de cereal a la mitad.""",
]
RUSSIAN = [
    """Правительство утвердило новую программу поддержки малого бизнеса во вторник.
«Мы снизим налоги для малых предприятий уже в этом году», — заявил министр Антон Силуанов.
По словам Силуанова, программа обойдется бюджету в 100 млрд рублей.""",
    """Во вторник правительство одобрило программу помощи малому бизнесу.
Министр финансов Антон Силуанов заявил, что налоги для малых предприятий снизят в этом году.
С 2020 года число малых предприятий сократилось на 5%.""",
]


CHINESE = [
    "中国政府周二宣布了一项新的经济刺激计划。该计划总额为一万亿元人民币，主要用于基础设施建设。官员表示，计划将在明年一月开始实施。",
    "国务院周二公布了总额一万亿元的经济刺激方案。分析人士认为该方案规模较大，将提振经济增长。",
]


@pytest.mark.parametrize("language, bodies", [("es", SPANISH), ("ru", RUSSIAN), ("zh", CHINESE)])
def test_other_languages(language: str, bodies: list[str]) -> None:
    """Spanish, Russian and Chinese stories condense, in their own language, from their own sentences."""
    articles = [Article(id=f"{language}{i}", title=body.split("\n")[0][:60], outlet=f"o{i}", body=body,
                        language=language) for i, body in enumerate(bodies)]
    condensed = condense(articles, config())
    texts = points_of(condensed)
    assert texts and condensed.lede
    joined = " ".join(flat(b) for b in bodies)
    assert all(t in joined for t in texts + condensed.lede.split(" ") if t)
    if language == "es":
        assert any("dijo el ministro Luis Planas" in t for t in texts)
        assert condensed.sections[-1].kind == "background"  # "Desde 2022 ..."
    if language == "ru":
        assert any(s.kind == "background" and "С 2020 года" in s.points[0].text for s in condensed.sections)


def test_empty_and_boilerplate_only() -> None:
    """No sentences at all gives an empty condensation, not an error."""
    empty = Article(id="E", title="Nothing here", outlet="x", body="")
    junk = Article(id="J", title="Menu", outlet="y", body="Home\nNews\nSign up for our newsletter!\n© 2024 Site")
    condensed = condense([empty, junk], config())
    assert condensed.sections == () and condensed.lede == ""
    assert condense([], config()).sections == ()


def test_story_importance_orders_by_outlets_and_recency() -> None:
    """More outlets rank higher; the same coverage a day later ranks higher."""
    day = datetime(2024, 5, 1, tzinfo=timezone.utc)
    later = datetime(2024, 5, 2, tzinfo=timezone.utc)
    one = [Article(id="1", title="t", outlet="A", body="word " * 300, published=day)]
    three = one + [Article(id=str(i), title="t", outlet=o, body="word " * 300, published=day)
                   for i, o in ((2, "B"), (3, "C"))]
    assert story_importance(three) > story_importance(one)
    newer = [Article(id="n", title="t", outlet="A", body="word " * 300, published=later)]
    assert story_importance(newer) > story_importance(one)


def test_story_topic_from_keyword_rules() -> None:
    """The topic with most keyword mentions wins; no rules or too few mentions give None."""
    story = [Article(id="A", title="EU cuts Baltic fishing quotas", outlet="x", body=BODY_A)]
    rules = {"Economy": ["inflation", "bank"], "Environment": ["fish", "fishing", "sea"]}
    assert story_topic(story, config(topics=rules)) == "Environment"
    assert story_topic(story, config(topics={"Sport": ["football"]})) is None
    assert story_topic(story, config()) is None
    with pytest.raises(ConfigError, match="topics"):
        story_topic(story, config(topics={"Sport": "football"}))


FACTS = """A magnitude 6.4 earthquake struck the coast of Albania early on Tuesday, killing at least 20 people.

Rescue teams searched collapsed buildings in the port city of Durres through the day.

The quake was felt across the Balkans and damaged roads, power lines and hundreds of homes.

“The whole house was shaking and the walls cracked,” said Arben Hoxha, a resident of Durres.

“We ran into the street with the children,” Hoxha said."""

FACTS_2 = """An earthquake of magnitude 6.4 hit Albania on Tuesday, killing at least 20 people and injuring hundreds.

Rescuers in Durres searched collapsed buildings for survivors.

Roads, power lines and hundreds of homes were damaged across the region."""


def test_general_section_first_when_facts_outweigh_speakers() -> None:
    """When the news is the event, not what someone said, the general section leads."""
    articles = [Article(id="q1", title="Deadly quake hits Albania", outlet="A", body=FACTS),
                Article(id="q2", title="Albania earthquake kills 20", outlet="B", body=FACTS_2)]
    condensed = condense(articles, config())
    assert [(s.kind, s.speaker) for s in condensed.sections] == [("general", None), ("speaker", "Hoxha")]
    assert "earthquake" in condensed.lede


def test_hard_wrapped_plain_text() -> None:
    """Lines wrapped at 70 columns are joined back into paragraphs before splitting sentences."""
    wrapped = ("The city council voted on Monday to close the old bridge to cars from\n"
               "next month, as engineers reported to the council at its regular\n"
               "Monday meeting, citing cracks found during an inspection in the spring.\n\n"
               "The mayor said the bridge would reopen for cyclists once repairs are\n"
               "finished, which could take two years.\n")
    article = Article(id="w", title="Council closes old bridge", outlet="x", body=wrapped)
    condensed = condense([article], config())
    assert condensed.lede.startswith("The city council voted on Monday to close the old bridge to cars from next")
    assert "regular Monday meeting" in condensed.lede and condensed.lede.endswith("inspection in the spring.")


def test_speaker_with_one_minor_point_gets_no_section() -> None:
    """A person quoted once goes to the general section, since the sentence names them."""
    body = ("The city council voted on Monday to close the old bridge to all traffic for two years.\n\n"
            "Engineers found deep cracks in two of the bridge's supporting piers during an inspection.\n\n"
            "“Nobody wanted this, but the safety of our residents comes first,” Mayor Jane Doe said.\n\n"
            "A temporary ferry will carry pedestrians and cyclists across the river from next month.")
    condensed = condense([Article(id="b", title="Old bridge closes", outlet="x", body=body)], config())
    assert [s.kind for s in condensed.sections] == ["general"]
    assert any("Mayor Jane Doe said" in p.text for p in condensed.sections[0].points)


@pytest.mark.parametrize("sentence, junk", [
    ("Sign up for our daily newsletter to get the news first.", True),
    ("Join our brand new verified AMN Telegram channel and get important news uncensored!", True),
    ("If you found it interesting, share it with your friends!", True),
    ("POOL/AFP via Getty Images", True),
    ("© 2022 Government Executive Media Group LLC", True),
    ("Will Russia invade Ukraine this winter?", True),
    ("When asked whether the talks had failed, the minister declined to comment.", True),
    ("He did not subscribe to the view that the talks had failed.", False),
    ("The cookie maker said its sales rose ten percent this year.", False),
    ("The minister said the newsletter of the ministry would publish the text.", False),
])
def test_junk_lines(sentence: str, junk: bool) -> None:
    """Calls to action, credits, questions are junk; ordinary sentences using the same words are not."""
    assert (junk_reason(sentence) is not None) is junk


def test_sentence_split_keeps_clock_times() -> None:
    """pysbd's split after 'p.m.' is undone when a weekday or time zone follows, kept otherwise."""
    assert split_sentences("The talks start at 5 p.m. Wednesday in Brussels. Officials said so.") == (
        "The talks start at 5 p.m. Wednesday in Brussels.", "Officials said so.")
    assert split_sentences("He arrived at 5 p.m. The talks began an hour later.") == (
        "He arrived at 5 p.m.", "The talks began an hour later.")
    assert split_sentences("Secretary of State Antony Blinken met Mr. Lavrov on Jan. 21 in Geneva.") == (
        "Secretary of State Antony Blinken met Mr. Lavrov on Jan. 21 in Geneva.",)


def test_title_line_is_not_glued_to_the_body() -> None:
    """A long headline line directly above the body stays its own (heading) paragraph."""
    body = ("Council votes to close the old bridge over the river for two whole years\n"
            "The city council voted on Monday to close the old bridge to all traffic.\n"
            "Engineers found deep cracks in two of the bridge's supporting piers during an inspection.\n")
    condensed = condense([Article(id="t", title="", outlet="x", body=body)], config())
    assert condensed.lede.startswith("The city council voted")


EN_SOLAR = [
    """The port town of Varnholm opened a floating solar farm of 20,000 panels on its old harbour basin on Tuesday.

The farm will supply about a tenth of the town's electricity, Mayor Lena Ostrova said at the opening. "We turned empty water into a power station," Ostrova said.

The project cost 18 million euros and took a year to build.""",
    """Varnholm switched on a floating solar farm with 20,000 panels in its harbour on Tuesday, the first in the region.

Mayor Lena Ostrova said the farm would supply a tenth of local electricity. Critics said the 18 million euros would have been better spent on insulating homes.

Engineers said the panels are cooled by the water and produce more power than panels on land.""",
]
ES_SOLAR = [
    """La ciudad portuaria de Varnholm inauguró el martes un parque solar flotante de 20.000 paneles sobre su antigua dársena.

La instalación cubrirá cerca de una décima parte del consumo eléctrico de la ciudad, según la alcaldesa Lena Ostrova. "Convertimos agua vacía en una central eléctrica", dijo Ostrova.

El proyecto costó 18 millones de euros y se construyó en un año. Los científicos vigilarán el agua bajo los paneles durante cinco años.""",
    """Varnholm estrenó el martes su parque solar flotante, con 20.000 paneles en el puerto.

La alcaldesa Lena Ostrova afirmó que el parque cubrirá una décima parte de la electricidad local. Los críticos dijeron que los 18 millones de euros debían gastarse en aislar viviendas.""",
]


def solar_articles(english: int, spanish: int) -> list[Article]:
    """A story told by `english` English outlets and `spanish` Spanish ones."""
    out = [Article(id=f"en{i}", title=f"Varnholm opens floating solar farm ({i})", outlet=f"English {i}",
                   body=EN_SOLAR[i], language="en") for i in range(english)]
    out += [Article(id=f"es{i}", title=f"Varnholm inaugura un parque solar flotante ({i})", outlet=f"Spanish {i}",
                    body=ES_SOLAR[i], language="es") for i in range(spanish)]
    return out


SPANISH_WORDS = re.compile(r"\b(?:el|la|los|las|del|que|según|dijo|afirmó|parque|ciudad)\b", re.IGNORECASE)


@pytest.mark.parametrize("english, spanish, expected", [(2, 1, "en"), (1, 2, "es")])
def test_story_condensed_in_its_dominant_language(english: int, spanish: int, expected: str) -> None:
    """The language of most outlets gives every point, the lede and the title; the others add nothing."""
    condensed = condense(solar_articles(english, spanish), config())
    texts = points_of(condensed) + [condensed.lede, condensed.title]
    assert texts and all(texts)
    spanish_text = [t for t in texts if SPANISH_WORDS.search(t)]
    assert (spanish_text == []) is (expected == "en"), texts
    assert (len(spanish_text) == len(texts)) is (expected == "es"), texts
    sources = {s for section in condensed.sections for p in section.points for s in p.sources}
    assert sources and all(s.startswith(expected) for s in sources)


def test_language_tie_goes_to_the_longer_coverage() -> None:
    """One outlet in each language: the language with more text wins; undetected ones do not count."""
    articles = solar_articles(1, 1)
    longer = "es" if len(ES_SOLAR[0]) > len(EN_SOLAR[0]) else "en"
    assert dominant_language(articles) == longer
    assert dominant_language([Article(id="u", title="t", outlet="x", body="Hola.", language="und")]) == "und"
    undetected = Article(id="u", title="Varnholm solar farm opens", outlet="Wire", language="und",
                         body="Varnholm opened a floating solar farm of 20,000 panels on Tuesday, officials said.")
    assert dominant_language(solar_articles(2, 0) + [undetected]) == "en"


def test_bundled_mixed_language_story_has_no_spanish_points() -> None:
    """examples/inbox: three English outlets and one Spanish tell the solar story; points are English only."""
    from digest.ingest.inbox import finish
    from digest.sources.readers import ReadDefaults, read

    folder = EXAMPLES / "inbox"
    names = ["coastal-herald-solar.txt", "diario-del-puerto-solar.txt", "grid-weekly-solar.md",
             "northern-ledger-solar.html"]
    articles = [finish(a) for name in names
                for a in read(folder / name, (folder / name).read_bytes(), ReadDefaults(outlet=name))]
    spanish = [a.id for a in articles if a.language == "es"]
    assert len(spanish) == 1 and dominant_language(articles) == "en"
    condensed = condense(articles, config())
    texts = points_of(condensed) + [condensed.lede, condensed.title]
    assert not [t for t in texts if SPANISH_WORDS.search(t)], texts
    assert not {s for sec in condensed.sections for p in sec.points for s in p.sources} & set(spanish)


BIKE_VALLEY = """The city council approved a 38-kilometre network of protected bike lanes on Wednesday by 27 votes to 14.

Deputy Mayor Farah Quist, who proposed the plan, said the lanes would connect every district to the centre by 2029. "A child should be able to cycle to school safely," Quist said.

Shop owners on Market Street opposed the removal of 600 parking spaces.

The first section of the network, along the river, will be built this summer."""

BIKE_CITIZEN = """The city council voted 27 to 14 on Wednesday to build a 38-kilometre network of protected bike lanes.

Traders' chair Bruno Kessel said the loss of 600 parking spaces on Market Street would hurt small shops. "Our customers come by car from the villages, and they will simply go to the mall," Kessel said.

Kessel said the traders would ask the council to phase in the lanes street by street."""


@pytest.mark.parametrize("order", [1, -1])
def test_unattributed_fact_is_not_filed_under_another_articles_speaker(order: int) -> None:
    """A narrative sentence of one outlet never lands in the section of a speaker quoted only by another."""
    articles = [Article(id="valley", title="Council approves bike lanes", outlet="Valley Times",
                        body=BIKE_VALLEY, language="en"),
                Article(id="citizen", title="Bike lanes plan passes despite traders' protest",
                        outlet="The Citizen", body=BIKE_CITIZEN, language="en")][::order]
    condensed = condense(articles, config())
    kessel = [p for s in condensed.sections if s.speaker == "Kessel" for p in s.points]
    assert kessel and all(carried_by(p.text, BIKE_CITIZEN) for p in kessel)
    placed = {p.text: s.kind for s in condensed.sections for p in s.points}
    river = [t for t in placed if "along the river" in t]
    assert river and all(placed[t] == "general" for t in river)


def test_analyst_opinion_is_his_and_headings_are_names(seed_story) -> None:
    """Javier Martínez's view is never filed under Blinken; every speaker heading is a surname or an organisation."""
    from digest.summarize.sentences import paragraphs
    from digest.summarize.speakers import TITLE_WORDS, attribute_article, resolve_name

    articles, condensed = seed_story
    analyst = next(a for a in articles if "Javier Martínez" in a.body)
    paras = [p.sentences for p in paragraphs(analyst.body, "en", analyst.title)]
    attributions = attribute_article(paras)
    start = next(k for k, para in enumerate(paras) if any("Martínez" in s for s in para))
    opinion = [a.speaker for row in attributions[start:start + 2] for a in row]
    assert "Martínez" in opinion and set(opinion) <= {"Martínez", None}, opinion
    for section in condensed.sections:
        for point in section.points:
            if "Martínez" in point.text or "lots of darkness" in point.text:
                assert section.speaker in (None, "Martínez"), (section.speaker, point.text)
    bodies = " ".join(flat(a.body) for a in articles)
    for section in condensed.sections:
        if section.kind != "speaker":
            continue
        name = section.speaker
        assert name.lower() not in TITLE_WORDS and name not in {"U.S.", "US", "He", "She"}, name
        person = re.fullmatch(r"[A-ZÀ-Þ][\w’'\-]+", name) and re.search(
            rf"\b[A-ZÀ-Þ][a-zà-ÿ]+ (?:[A-Z]\. )?{re.escape(name)}\b", bodies)
        assert person or resolve_name(name)[1], name


PARAPHRASE_A = """The health ministry finished its review of the city's hospitals on Monday, officials said.

The ministry does not plan to publish the report, Health Minister Clara Voss said on Monday.

Ambassador Jane Roe delivered a letter about the review to the French Foreign Ministry in Paris.

The review found that four hospitals need new emergency wards before the winter."""

PARAPHRASE_B = """The review of the city's hospitals was completed on Monday.

“We are not releasing the report publicly, because patients' records are in it,” Voss told reporters.

Shortly after Jane Roe, the ambassador, handed the letter to the French Foreign Ministry, the talks began.

The government will publish a summary of the review next week, according to the ministry."""


def test_paraphrases_merge_into_one_point_with_all_sources() -> None:
    """'does not plan to publish' and 'not releasing publicly' are one point carried by both outlets;
    the same event told with other words (delivered/handed) too; opposite polarity is not merged."""
    articles = [Article(id="A", title="Hospital review finished", outlet="One", body=PARAPHRASE_A, language="en"),
                Article(id="B", title="Hospital review kept secret", outlet="Two", body=PARAPHRASE_B, language="en")]
    condensed = condense(articles, config())
    points = [p for s in condensed.sections for p in s.points]
    secret = [p for p in points if re.search(r"not (?:plan to publish|releasing)", p.text)]
    assert len(secret) == 1 and secret[0].sources == ("A", "B"), points
    letter = [p for p in points if "Jane Roe" in p.text]
    assert len(letter) == 1 and letter[0].sources == ("A", "B"), points
    assert any("will publish a summary" in p.text for p in points), points  # says the opposite: kept


def test_a_fragment_of_a_split_quote_is_never_a_point():
    from digest.summarize.clauses import balanced

    assert not balanced('Today the case is full again," Eklund said.')
    assert balanced('"We never gave up on them," Eklund said.')
    assert balanced("“Open,” she said.") and not balanced("Open,” she said.")


def ingested_seeds() -> list[Article]:
    """The four outlets' articles through the real inbox readers (cleaning, language), as ingest stores them."""
    from digest.ingest.inbox import finish
    from digest.sources.readers import ReadDefaults, read

    seed_articles()  # skips when the seeds are absent
    articles = []
    for prefix in SEED_PREFIXES:
        path = sorted(SEEDS.glob(f"{prefix}_*.txt"))[0]
        [article] = read(path, path.read_bytes(), ReadDefaults(outlet=f"outlet{prefix}"))
        articles.append(finish(article))
    return articles


def test_seed_story_through_ingest_with_default_settings() -> None:
    """With the shipped defaults: Blinken and Stoltenberg sections, the three commitments, no junk,
    no repeated point."""
    condensed = condense(ingested_seeds(), config())
    speakers = [s.speaker for s in condensed.sections if s.kind == "speaker"]
    assert speakers[:2] == ["Blinken", "Stoltenberg"]
    blinken = " || ".join(p.text for s in condensed.sections if s.speaker == "Blinken" for p in s.points)
    assert re.search(r"open door|door is open|right to choose", blinken, re.IGNORECASE)
    assert re.search(r"not releasing the document|not plan to (?:publish|disclose)", blinken)
    assert "arms control" in blinken
    texts = points_of(condensed) + [condensed.lede]
    assert not any(re.search(r"Getty|Telegram|friends|\?$", t) for t in texts)
    assert_no_two_alike(texts)
