"""Which story groups make a roundup: one outlet's reports of one template on one day, at least
[stories] roundup_min of them; named by their kind or their shared headline words."""
from __future__ import annotations

import random
from datetime import datetime, timezone

from digest.models import Article
from digest.summarize.roundup import entity, form_shape, gather, headline_shapes, key_line

CATTLE = [
    ("SIOUX CITY CATTLE UP 0.50/1.00 DLR - USDA", "Sioux City", "4,500"),
    ("OMAHA CATTLE UP 1.00 DLR - USDA", "Omaha", "6,200"),
    ("ST JOSEPH CATTLE UP 0.50 DLR - USDA", "St Joseph", "2,100"),
]


def _article(n: int, title: str, body: str, outlet: str = "Wire", day: int = 2, copy_of: str | None = None) -> Article:
    return Article(id=f"a{n}", title=title, outlet=outlet, body=body, url=f"https://wire.example/{n}",
                   published=datetime(2026, 3, day, 9 + n % 10, n % 60, tzinfo=timezone.utc),
                   story_id=f"s{n}", copy_of=copy_of)


def _cattle(day: int = 2, outlets: tuple[str, ...] = ("Wire", "Wire", "Wire")) -> dict[str, list[Article]]:
    groups = {}
    for n, ((title, town, head), outlet) in enumerate(zip(CATTLE, outlets)):
        body = (f"Slaughter steers rose {n + 1}.00 dlr at {town} on receipts of {head} head, the USDA said. "
                f"Heifers were steady to firm in active trade.\n\nSteers choice 2-4 {60 + n}.00-{62 + n}.50 dlrs.")
        groups[f"s{n}"] = [_article(n, title, body, outlet, day)]
    return groups


def _news(n: int, title: str) -> dict[str, list[Article]]:
    body = ("The city council approved the new budget on Monday after a long debate about school spending, "
            "the mayor said, and the vote was eleven to four.")
    return {f"s{n}": [_article(n, title, body)]}


def test_market_reports_of_one_template_are_one_roundup_naming_each_market():
    groups = _cattle() | _news(10, "CITY COUNCIL APPROVES BUDGET AFTER LONG DEBATE")
    roundups, rest = gather(groups, 3)
    assert [r.heading for r in roundups] == ["Livestock and grain prices: 3 markets reported"]
    assert [line.entity for line in roundups[0].lines] == ["SIOUX CITY", "OMAHA", "ST JOSEPH"]
    assert roundups[0].lines[0].text.startswith("Slaughter steers rose 1.00 dlr at Sioux City")
    assert list(rest) == ["s10"]


def test_a_template_no_kind_names_is_named_by_its_headline_words():
    groups = {}
    for n, (name, ticker) in enumerate([("DEB SHOPS INC", "DEBS"), ("ASBESTEC INDUSTRIES", "ASBS"),
                                        ("BOWNE AND CO INC", "BNE")]):
        body = (f"{name.title()} said its board declared a {n + 2}-for-one stock split, payable May {n + 10} to "
                f"holders of record April {n + 17}, and that it would list the new shares.")
        groups[f"s{n}"] = [_article(n, f"{name} <{ticker}> SETS STOCK SPLIT", body)]
    roundups, rest = gather(groups, 3)
    assert [r.heading for r in roundups] == ["Sets stock split: 3 reports"]
    assert [line.entity for line in roundups[0].lines] == ["DEB SHOPS INC <DEBS>", "ASBESTEC INDUSTRIES <ASBS>",
                                                            "BOWNE AND CO INC <BNE>"]
    assert rest == {}


def test_fewer_reports_than_the_minimum_other_outlets_or_days_make_no_roundup():
    assert gather(_cattle(), 4)[0] == []
    assert gather(_cattle(outlets=("Wire", "Wire", "Farm Daily")), 3)[0] == []
    mixed_days = _cattle() | {f"d{k}": v for k, v in _cattle(day=3).items()}
    mixed_days.pop("s2")  # two reports on the 2nd, three on the 3rd
    roundups, _ = gather(mixed_days, 3)
    assert [len(r.lines) for r in roundups] == [3] and roundups[0].day.day == 3


def test_a_story_carried_by_several_outlets_is_never_a_roundup_line():
    groups = _cattle()
    first = groups["s0"][0]
    groups["s0"] = [first, _article(50, "Cattle prices rise at Sioux City", first.body + " Feeders gained.",
                                    outlet="Farm Daily")]
    assert gather(groups, 3)[0] == []
    assert len(gather(groups, 2)[0][0].lines) == 2


def test_a_copy_of_a_report_does_not_make_it_a_story_of_several_outlets():
    groups = _cattle()
    first = groups["s0"][0]
    groups["s0"] = [first, _article(51, first.title, first.body, outlet="Reprint Press", copy_of=first.id)]
    roundups, _ = gather(groups, 3)
    assert len(roundups[0].lines) == 3 and len(roundups[0].lines[0].articles) == 2


def test_roundups_do_not_depend_on_the_order_of_the_groups():
    groups = _cattle() | _news(10, "CITY COUNCIL APPROVES BUDGET AFTER LONG DEBATE")
    items = list(groups.items())
    random.Random(4).shuffle(items)
    assert gather(dict(items), 3)[0] == gather(groups, 3)[0]


def test_shapes_mask_entities_and_figures():
    assert headline_shapes("COBANCO INC <CBCO> 1ST QTR NET") == [("#th", "qtr", "net")]
    loans = headline_shapes("NEW YORK BUSINESS LOANS FALL 195 MLN DLRS")
    assert loans[0] == ("york", "business", "loans", "fall", "#", "mln", "dlrs")
    assert loans[-1] == ("fall", "#", "mln", "dlrs")  # a figure and its unit alone are no template
    exports = headline_shapes("THAI COFFEE EXPORTS RISE IN 1986")
    assert exports[0] == ("coffee", "exports", "rise", "in", "#") and ("rise", "in", "#") not in exports
    assert form_shape("Qtly div 36 cts vs 36 cts prior\n\nPay April one\n\nRecord March 13  Reuter") == (
        "qtly", "pay", "record")
    assert form_shape("The company said on Monday that sales rose 4 pct in the quarter to 1.2 billion "
                      "dlrs from a year earlier.\n\nShr 1.20 dlrs") == ()
    assert entity("FRANKLIN INSURED TAX-FREE SETS PAYOUT", {"sets", "payout", "franklin"}) == "FRANKLIN INSURED TAX-FREE"
    assert entity("<FRANKLIN GOLD FUND> CUTS DIVIDEND", set()) == "FRANKLIN GOLD FUND"


def test_key_line_quotes_the_form_lines_with_figures_not_the_period_or_dates():
    assert key_line("Period ended Dec 28\n\nShr 42 cts vs 35 cts\n\nNet 941,000 vs 786,000\n\nRevs 8.1 mln") == (
        "Shr 42 cts vs 35 cts; Net 941,000 vs 786,000")
    assert key_line("Qtly div 20 cts vs 20 cts prior\n\nPay May 11\n\nRecord April 24") == "Qtly div 20 cts vs 20 cts prior"
    prose = ("Colonial Municipal Income Trust said an initial public offering of 26 mln shares is under way. "
             "Underwriters are led by Morgan Keegan Inc.")
    assert key_line(prose) == "Colonial Municipal Income Trust said an initial public offering of 26 mln shares is under way."


def _dividends() -> dict[str, list[Article]]:
    groups = {}
    for n, (name, ticker) in enumerate([("JIM WALTER CORP", "JWC"), ("REGIS CORP", "RGIS"), ("MEM CO INC", "MEM")]):
        body = f"Qtly div {30 + n} cts vs {30 + n} cts prior\n\nPay April {n + 10}\n\nRecord March {n + 14}  Reuter"
        groups[f"s{n}"] = [_article(n, f"{name} <{ticker}> QTLY DIV", body)]
    return groups


def test_a_report_of_a_rarer_shape_joins_its_kinds_roundup_when_its_marked_headline_names_the_kind():
    body = ("Porex Technologies Corp said its board declared an initial annual dividend of 10 cts per share, "
            "payable April 20 to holders of record April six.")
    groups = _dividends() | {"s9": [_article(9, "POREX TECHNOLOGIES <PORX> SETS INITIAL DIVIDEND", body)]}
    roundups, rest = gather(groups, 3)
    assert roundups[0].heading == "Dividends: 4 companies declared" and rest == {}
    assert roundups[0].lines[-1].entity == "POREX TECHNOLOGIES <PORX>"


def test_unmarked_news_or_a_story_of_several_articles_is_never_pulled_into_a_kind():
    body = ("BBC AG Brown Boveri und Cie said it will omit its dividend for 1986 and plans a warrant bond, after "
            "losses at its power plant business.")
    groups = _dividends() | {"s9": [_article(9, "BROWN BOVERI OMITS DIVIDEND, PLANS WARRANT BOND", body)]}
    groups["s8"] = [_article(8, "NYNEX <NYN> RAISES DIVIDEND", body), _article(18, "NYNEX <NYN> RAISES DIVIDEND", body)]
    roundups, rest = gather(groups, 3)
    assert roundups[0].heading == "Dividends: 3 companies declared" and set(rest) == {"s8", "s9"}
