"""bench/wire.py's template-mix detector, which the team's zero-mix target is counted by."""
from __future__ import annotations

import importlib.util

from helpers.paths import REPO

spec = importlib.util.spec_from_file_location("bench_wire", REPO / "bench" / "wire.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_reports_of_two_companies_from_one_template_are_a_mix():
    assert bench.mixed(["DAHLBERG INC 4TH QTR NET", "COBANCO INC 4TH QTR NET"]) == ["COBANCO", "DAHLBERG"]
    assert bench.mixed(["TWA <TWA> 4TH QTR NET", "USAIR GROUP <U> 4TH QTR NET"]) == ["TWA", "U"]


def test_headlines_of_one_company_with_a_verb_before_the_template_are_not_a_mix():
    assert bench.mixed(["CONRAIL SAYS OFFERING COULD BE MADE NEXT WEEK",
                        "CONRAIL PUBLIC OFFERING TO BE LARGEST IN U.S."]) == []
    assert bench.mixed(["SAPPORO BREWERIES ISSUES FIVE YEAR NOTES", "SAPPORO BREWERIES PLANS 100 MLN OFFERING"]) == []
