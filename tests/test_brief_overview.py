"""A topic brief reads as a brief: an overview of all its stories, a dated timeline, then the stories;
`brief --json` prints the digest JSON with both, and `brief --format html` writes escaped HTML."""
from __future__ import annotations

import json

from digest.cli.main import cli
from digest.jsonio import digest_from_dict, digest_to_dict

# Three events of one topic (the Harlow reservoir) across a month, each told by two outlets.
STORIES = {
    "2026-03-02": [
        ("Harlow reservoir falls to record low", "Valley Times",
         "The Harlow reservoir fell to 21 percent of its capacity on Monday, the lowest level since records "
         "began in 1954, the regional water board said.\n\nWater board director Ines Marlow said the winter "
         "rains had been the weakest in thirty years and that farms drew more water than planned.\n\n"
         "Boats at the sailing club now sit on cracked mud where the shoreline stood a year ago."),
        ("Water board warns as Harlow reservoir hits record low", "County Courier",
         "The regional water board warned on Monday that the Harlow reservoir had dropped to 21 percent, "
         "its lowest level since 1954.\n\nIines Marlow, who directs the board, blamed the weakest winter rains "
         "in three decades and heavy farm use.\n\nAnglers said the fishing season would start late this year."),
    ],
    "2026-03-14": [
        ("Hosepipe ban ordered across Harlow valley", "Valley Times",
         "The regional water board ordered a hosepipe ban across the Harlow valley on Saturday, barring the "
         "watering of gardens and the washing of cars until the reservoir recovers.\n\nHouseholds that break "
         "the ban face fines of up to 1,000 euros, the board said.\n\nGarden centres in the valley reported "
         "a rush on water butts and drip hoses."),
        ("Harlow households face hosepipe ban and fines", "County Courier",
         "Households in the Harlow valley may no longer water gardens or wash cars with a hosepipe after the "
         "water board imposed a ban on Saturday.\n\nThe board said fines for breaking the hosepipe ban can "
         "reach 1,000 euros.\n\nThe ban is the valley's first since the drought summer of 2003."),
    ],
    "2026-03-28": [
        ("Emergency pipeline to refill Harlow reservoir approved", "Valley Times",
         "The county council approved on Friday a 40-million-euro emergency pipeline that will pump river "
         "water into the Harlow reservoir from the Tamsin weir.\n\nConstruction of the 18-kilometre pipeline "
         "begins in May and should finish before the autumn, council leader Owen Pryce said.\n\n"
         "Environmental groups asked for limits on how much water the pipeline may take from the river."),
        ("Council backs Harlow pipeline to ease drought", "County Courier",
         "Councillors voted on Friday for an 18-kilometre pipeline carrying river water from the Tamsin weir "
         "to the Harlow reservoir, at a cost of 40 million euros.\n\nOwen Pryce, the council leader, said work "
         "would begin in May.\n\nFishing clubs on the Tamsin said they feared lower summer flows."),
    ],
}


def _write(inbox, day: str, n: int, title: str, outlet: str, body: str) -> None:
    (inbox / f"{day}-{n}.txt").write_text(f"{title}\nSource: {outlet}\nDate: {day}T08:00:00+00:00\n\n{body}\n",
                                          encoding="utf-8")


def _workspace(workspace_dir, runner, extra=()):
    """A workspace whose corpus holds the three Harlow stories (and `extra` inbox files)."""
    inbox = workspace_dir / "inbox"
    for day, reports in STORIES.items():
        for n, (title, outlet, body) in enumerate(reports):
            _write(inbox, day, n, title, outlet, body)
    for n, (day, title, outlet, body) in enumerate(extra):
        _write(inbox, day, 100 + n, title, outlet, body)
    config = str(workspace_dir / "digest.toml")
    result = runner.invoke(cli, ["--config", config, "ingest"])
    assert result.exit_code == 0, result.output
    return config


def _brief_json(runner, config, *more) -> dict:
    result = runner.invoke(cli, ["--config", config, "brief", "--topic", "Harlow", "--since", "2026-03-01",
                                 "--until", "2026-03-31", "--json", *more])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_overview_cites_all_three_stories_and_timeline_is_in_date_order(workspace_dir, runner):
    data = _brief_json(runner, _workspace(workspace_dir, runner))
    story_of = {a["id"]: s["id"] for s in data["stories"] + data["also"] for a in s["articles"]}
    assert len(set(story_of.values())) == 3, "the three events should be three stories"
    cited = {story_of[source] for point in data["overview"] for source in point["sources"]}
    assert cited == set(story_of.values())
    bodies = " ".join(body for reports in STORIES.values() for _, _, body in reports)
    assert all(" ".join(p["text"].split()[:6]) in " ".join(bodies.split()) for p in data["overview"])
    days = [entry["date"] for entry in data["timeline"]]
    assert days == sorted(days) == ["2026-03-02", "2026-03-14", "2026-03-28"]
    assert {entry["story"] for entry in data["timeline"]} == set(story_of.values())
    assert all(entry["sources"] and entry["title"] for entry in data["timeline"])


def test_brief_json_has_the_digest_shape_and_round_trips(workspace_dir, runner):
    data = _brief_json(runner, _workspace(workspace_dir, runner))
    assert {"date", "title", "generated_at", "notes", "stories", "also", "overview", "timeline"} <= set(data)
    assert data["overview"] and set(data["overview"][0]) == {"text", "sources"}
    assert set(data["timeline"][0]) == {"date", "story", "title", "sources"}
    assert digest_to_dict(digest_from_dict(data)) == data


def test_brief_html_escapes_article_text(workspace_dir, runner, tmp_path):
    hostile = ("2026-03-20", "Harlow anglers <script>alert(1)</script> protest",
               "Angler Weekly",
               "Anglers marched to the Harlow reservoir on Friday with a banner reading "
               "<script>alert('drought')</script> to protest the late start of the fishing season.\n\n"
               "The anglers said the water board had ignored their letters about the Harlow reservoir and "
               "asked for a meeting with director Ines Marlow before the start of the summer holidays.\n\n"
               "The club has 400 members, most of whom fish the reservoir every weekend from April.")
    config = _workspace(workspace_dir, runner, extra=[hostile])
    out = tmp_path / "brief.html"
    result = runner.invoke(cli, ["--config", config, "brief", "--topic", "Harlow", "--format", "html",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html  # the text is there, shown as text
    assert 'id="overview"' in html and 'id="timeline"' in html
    pdf = tmp_path / "brief.pdf"
    result = runner.invoke(cli, ["--config", config, "brief", "--topic", "Harlow", "-o", str(pdf)])
    assert result.exit_code == 0 and pdf.read_bytes().startswith(b"%PDF")
