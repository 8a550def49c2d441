"""Speaker attribution on sentences written for the test: quotes, speech verbs, titles, pronouns."""
from __future__ import annotations

import pytest

from digest.summarize.speakers import (
    attribute_article,
    resolve_name,
    without_attribution,
)


def speakers_of(*paragraphs: list[str]) -> list[list[str | None]]:
    """Speaker of every sentence of an article given as paragraphs of sentences."""
    return [[a.speaker for a in row] for row in attribute_article(list(paragraphs))]


@pytest.mark.parametrize("sentence, expected", [
    ("“We will not back down,” Blinken said.", "Blinken"),
    ("Secretary of State Antony Blinken told reporters that the door remains open.", "Blinken"),
    ("The door remains open, said NATO Secretary General Jens Stoltenberg.", "Stoltenberg"),
    ("According to Blinken, the response was coordinated with allies.", "Blinken"),
    ("Blinken stressed that diplomacy comes first.", "Blinken"),
    ("Blinken, who spoke after the meeting, added that talks would continue.", "Blinken"),
    ("The ball is in their court, Blinken concluded.", "Blinken"),
    ("President Biden was involved in the response, revealed Blinken, who added more.", "Blinken"),
    ("In the view of political analyst Maria Lopez, the talks will fail.", "Lopez"),
    ("German Chancellor Olaf Scholz warned of severe consequences.", "Scholz"),
    ("The Kremlin said it would study the proposals carefully.", "Kremlin"),
    ("NATO said it would answer the demands in writing.", "NATO"),
    ("About 300 missiles arrived on Tuesday, the U.S. Embassy in Kyiv said on Twitter.", "U.S. Embassy in Kyiv"),
    ("“Putin will decide soon,” Murphy said.", "Murphy"),
    ("«Estamos listos para negociar», dijo el canciller Sergei Lavrov.", "Lavrov"),
    ("Según el presidente Pedro Sánchez, el acuerdo es bueno.", "Sánchez"),
    ("«Мы готовы к диалогу», — заявил министр Сергей Лавров.", "Лавров"),
    ("„Wir handeln jetzt“, sagte Kanzler Olaf Scholz in Berlin.", "Scholz"),
    ("« Nous devons agir maintenant », a déclaré le ministre Gabriel Attal.", "Attal"),
])
def test_one_sentence_forms(sentence: str, expected: str) -> None:
    """Direct and indirect quotes, inverted verbs, 'according to', titles, organisations, languages."""
    assert speakers_of([sentence]) == [[expected]]


@pytest.mark.parametrize("sentence", [
    "Russia has massed more than 100,000 troops near the border.",
    "We make sure of the right of states to choose their own alliances and partners.",
    "The document was delivered to the ministry on Wednesday.",
    "“Putin will decide soon,” the headline read.",
])
def test_no_speaker(sentence: str) -> None:
    """Narration, nouns that look like verbs ('states') and names inside quotes give no speaker."""
    assert speakers_of([sentence]) == [[None]]


def test_pronoun_follows_last_named_speaker() -> None:
    """'He added' after a named speaker is that speaker."""
    got = speakers_of(["Antony Blinken said the talks were useful.", "He added that more meetings would follow."])
    assert got == [["Blinken", "Blinken"]]


def test_title_refers_to_person_introduced_with_it() -> None:
    """'The secretary' is the person introduced as Secretary of State, not another one named later."""
    got = speakers_of(
        ["U.S. Secretary of State Antony Blinken arrived in Kyiv on Monday."],
        ["Ambassador John Sullivan delivered the letter in Moscow."],
        ["The secretary said Washington stands with Ukraine."],
    )
    assert got[2] == ["Blinken"]


def test_quote_continues_in_next_paragraph() -> None:
    """A paragraph that only continues a quotation belongs to the previous paragraph's speaker."""
    got = speakers_of(
        ["“We are ready to sit down with Russia,” Stoltenberg told reporters."],
        ["“At the end of the day, this is about good faith.”"],
    )
    assert got == [["Stoltenberg"], ["Stoltenberg"]]


def test_first_person_paragraph_takes_next_paragraphs_speaker() -> None:
    """A first-person paragraph whose quote marks were lost goes to the adjacent attributed paragraph."""
    got = speakers_of(
        ["The meeting lasted two hours."],
        ["The response also addresses areas where we see potential for progress."],
        ["We’re open to dialogue and we prefer diplomacy,” Blinken added."],
    )
    assert got == [[None], ["Blinken"], ["Blinken"]]


def test_second_sentence_of_quote_in_same_paragraph() -> None:
    """The unattributed sentence of a two-sentence quote takes the paragraph's speaker."""
    got = speakers_of(["“This isn’t about concessions,” Blinken said.", "“NATO’s door is open.”"])
    assert got == [["Blinken", "Blinken"]]


def test_several_speakers_are_nobody_in_particular() -> None:
    """'Both X and Y said' belongs to no single speaker."""
    assert speakers_of(["Both Blinken and Stoltenberg said the replies were coordinated."]) == [[None]]


def test_name_variants_share_a_key() -> None:
    """Full names with titles and initials reduce to the surname."""
    assert resolve_name("Secretary of State Antony Blinken")[0] == "Blinken"
    assert resolve_name("Secretary Antony J. Blinken")[0] == "Blinken"
    assert resolve_name("NATO Secretary General Jens Stoltenberg")[0] == "Stoltenberg"
    assert resolve_name("the Kremlin") == ("Kremlin", True, frozenset())


def test_speaker_is_never_carried_into_another_article() -> None:
    """A title or a quote in one article does not reach back to a person named only in another."""
    registry: dict[str, set[str]] = {}
    first = attribute_article([
        ["Deputy Mayor Bruno Kessel said the loss of parking would hurt small shops."],
        ["“Our customers come by car, and they will go to the mall instead,” Kessel said."],
    ], registry)
    second = attribute_article([
        ["The first stage of the tram line, near the harbour, will open in the autumn."],
        ["“It will change how people shop,” the deputy mayor said."],
        ["The council approved the budget by 30 votes to 11."],
    ], registry)
    assert [[a.speaker for a in row] for row in first] == [["Kessel"], ["Kessel"]]
    assert [[a.speaker for a in row] for row in second] == [[None], [None], [None]]


def test_factual_sentence_after_a_quote_is_nobodys() -> None:
    """A narrative sentence after a speaker's quote stays unattributed; a quote's continuation does not."""
    got = speakers_of(
        ["“Our customers come by car from the villages,” Kessel said.", "“We are not against bikes.”"],
        ["The first stage, along the river, will be built this summer."],
        ["Shop owners on Market Street opposed the removal of 600 parking spaces."],
    )
    assert got == [["Kessel", "Kessel"], [None], [None]]


def test_title_resolves_within_the_article_that_names_the_person() -> None:
    """'The chair' finds the person the same article introduced with that title."""
    registry: dict[str, set[str]] = {}
    attribute_article([["Deputy Mayor Bruno Kessel said the vote was close."]], registry)
    got = attribute_article([
        ["Bruno Kessel arrived late to the meeting."],
        ["The deputy mayor said the shops would close for a day in protest."],
    ], registry)
    assert [a.speaker for row in got for a in row] == [None, "Kessel"]


@pytest.mark.parametrize("sentence, speaker, expected", [
    ("The response reiterated the commitment to the open door, Blinken told reporters.", "Blinken",
     "The response reiterated the commitment to the open door."),
    ("“We turned a basin that nobody used into a power station,” Varga said.", "Varga",
     "“We turned a basin that nobody used into a power station.”"),
    ("The farm will supply a fifth of the city's power, Mayor Ilse Varga said at the opening ceremony.", "Varga",
     "The farm will supply a fifth of the city's power."),
    ("According to Blinken, the U.S. is committed to Ukraine's right to choose.", "Blinken",
     "The U.S. is committed to Ukraine's right to choose."),
    ("Blinken noted that Washington does not plan to disclose the document.", "Blinken",
     "Washington does not plan to disclose the document."),
    ("The secretary added that he expects to speak with Lavrov in the coming days.", "Blinken",
     "He expects to speak with Lavrov in the coming days."),
    # left whole: someone else named, an apposition that would be cut open, a short quote, a verb
    # with an object instead of a clause;
    # the end of a quote opened in the sentence before loses its lone closing mark
    ("The plan will fail, Lavrov said.", "Blinken", "The plan will fail, Lavrov said."),
    ("Deputy mayor Farah Quist, who proposed the plan, said the lanes would reach every district.", "Quist",
     "Deputy mayor Farah Quist, who proposed the plan, said the lanes would reach every district."),
    ("“This isn’t about concessions,” Blinken said.", "Blinken", "“This isn’t about concessions,” Blinken said."),
    ("Blinken stressed the importance of unity among the allies.", "Blinken",
     "Blinken stressed the importance of unity among the allies."),
    ("Blinken told Lavrov that Washington would respond firmly.", "Blinken",
     "Blinken told Lavrov that Washington would respond firmly."),
    ("We hope Russia will take our proposals seriously,” Blinken stated.", "Blinken",
     "We hope Russia will take our proposals seriously."),
])
def test_attribution_clause_cut_under_the_speakers_heading(sentence: str, speaker: str, expected: str) -> None:
    """Under 'Blinken's key points' the clause saying Blinken said it goes; nothing else changes."""
    assert without_attribution(sentence, speaker) == expected
