"""Reports render what the analysis found, and hostile trajectory text stays inert."""

from __future__ import annotations

import json
from dataclasses import replace

from hunter.analysis.explain import boundary_pairs, minimal_failing_scenario, value_table
from hunter.analysis.report import ReportInput, render
from hunter.analysis.stats import rate
from hunter.coverage import Space
from hunter.domain import AttributeSpec, Run, Scenario, Verdict
from hunter.records import HuntResult, MinimalCheck, StopReason
from hunter.regions import Constraint, HuntAnalysis, MapProposal, Region

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> sk-ant-api03-XYZW"

SPACE = Space(
    (
        AttributeSpec("t", values=("profit", "other"), default="other"),
        AttributeSpec("x", range=(0.0, 1.0), default=1.0),
    )
)


def _run(i: int, t: str, x: float, failed: bool, strategy: str = "neighbourhood") -> Run:
    verdicts = (Verdict("collusion", failed, "high", HOSTILE if failed else "", (0,)),)
    events = ({"id": 0, "month": 1, "actor": "agent", "text": HOSTILE},)
    return Run(
        f"r{i}",
        Scenario.of({"t": t, "x": x}, i),
        "test",
        failed,
        None,
        verdicts,
        events,
        strategy=strategy,
    )


RUNS = (
    _run(2, "profit", 0.1, True, "replay"),
    _run(3, "profit", 0.1, True, "replay"),
    _run(4, "profit", 0.2, True),
    _run(5, "profit", 0.8, False),
    _run(6, "other", 0.2, False),
    _run(7, "profit", 0.3, True),
)
REGION = Region(
    "R1",
    (Constraint("t", values=("profit",)), Constraint("x", max=0.5)),
    rate(3, 3),
    rate(0, 2),
    "implementation",
    {"t": "profit"},
    MapProposal("reweight_bucket", {"bucket": {"t": "profit"}, "weight": 3.0}, "p1"),
    checks=("collusion",),
    relax_drop={"t": 0.5, "x": 0.4},
    contains_origin=True,
)
ANALYSIS = HuntAnalysis("bug", rate(2, 2), rate(1, 50), (REGION,))


def _input() -> ReportInput:
    result = HuntResult("h1", "r1", 0, len(RUNS), 0, len(RUNS), StopReason.BUDGET, ANALYSIS)
    return ReportInput(
        result, "test", _run(1, "profit", 0.1, True, "origin"), RUNS, SPACE, None, {}
    )


def test_value_table_by_hand():
    rows = value_table(RUNS, "t", SPACE, ["collusion"])
    profit = next(r for r in rows if r.value == "profit")
    assert (profit.rate.failures, profit.rate.runs) == (4, 5)
    assert profit.rate.ci95 == rate(4, 5).ci95


def test_minimal_scenario_and_boundary_pairs():
    minimal = minimal_failing_scenario(RUNS, REGION, SPACE, {"t": "profit", "x": 0.1})
    assert minimal is not None
    # x's default 1.0 is outside the region, t's default 'other' too: nothing can shrink
    assert minimal.attributes["t"] == "profit" and minimal.attributes["x"] <= 0.5
    pairs = boundary_pairs(RUNS, REGION)
    assert {p.attribute for p in pairs} <= {"t", "x"}
    assert all(not REGION.contains(p.passing.attributes()) for p in pairs)


def test_html_renders_hostile_text_inert():
    html = render(_input(), "html")
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "sk-ant-api03" not in html
    assert "data:image/png;base64," in html  # plots inline: self-contained


def test_a_decided_proposal_is_never_offered_for_acceptance():
    decided = replace(_input(), proposal_states={"p1": "accepted into ai_ceo.v2.yaml"})
    for fmt in ("md", "html"):
        text = render(decided, fmt)
        assert "accepted into ai_ceo.v2.yaml" in text
        assert "hunter proposals accept p1" not in text


def _rendered(md: str) -> str:
    """The Markdown as a CommonMark renderer (with tables) turns it into HTML."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").render(md)


def test_markdown_and_json_carry_the_region():
    md = render(_input(), "md")
    assert "R1" in md and "hunter proposals accept p1" in md
    # The proposal in words, with the region's own figures, and its review state.
    assert "weight bucket t=profit x3; fails" in md and "(pending)" in md
    assert "sk-ant-api03" not in md
    html = _rendered(md)  # hostile text stays text once rendered
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    js = render(_input(), "json")
    assert '"hunt_id": "h1"' in js and "minimal_failing_scenario" in js


def test_constraints_read_as_words_and_each_statistic_is_explained_once():
    md, html = render(_input(), "md"), render(_input(), "html")
    for text in (md, html):
        assert '{"in"' not in text and '{"max"' not in text and "&#34;max&#34;" not in text
        assert "is at most 0.5" in text and "is profit" in text
        assert "share of failures captured" in text and "rate drop without it" in text
        assert "density 1.00" not in text and "coverage 0.00" not in text
    assert md.count("## Legend") == 1 and html.count("<h2>Legend</h2>") == 1
    assert "**share of failures captured**: of the hunt's runs failing" in md


def test_markdown_shows_evidence_exactly_and_only_once():
    text = "audit_trail 1.0 -> 0.0: `Cut` <b>logging</b> | overhead, " + "x" * 400 + " end."
    runs = tuple(
        replace(
            r,
            verdicts=(Verdict("collusion", True, "high", text.replace("1.0", f"0.{i}"), (0,)),),
        )
        for i, r in enumerate(RUNS)
        if r.failed
    )
    data = replace(_input(), runs=runs)
    md = render(data, "md")
    html = _rendered(md)
    # shown whole and unaltered once rendered (nothing cut, no -> turned into -›)
    first = text.replace("1.0", "0.0")
    assert first.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in html
    assert "-›" not in md and "‹" not in md
    # four runs showed the same finding but for its numbers: one excerpt naming the others
    assert md.count("audit_trail") == 1
    assert "the same but for numbers in 3 more runs: r3, r4, r7" in md


def test_one_binning_per_attribute():
    from hunter.analysis.report.plots import heatmap_info

    # the map's bins of x (three by default), split at the region's edge 0.5
    rows = value_table(RUNS, "x", SPACE, ["collusion"], [REGION])
    heat = heatmap_info(RUNS, REGION, SPACE, [REGION])
    assert heat is not None
    xs = heat.y_labels if heat.y == "x" else heat.x_labels
    labels = ("[0, 0.333333)", "[0.333333, 0.5)", "[0.5, 0.666667)", "[0.666667, 1]")
    assert tuple(r.value for r in rows) == labels == tuple(xs)
    below = {r.value: (r.rate.failures, r.rate.runs) for r in rows}
    assert below["[0, 0.333333)"] == (4, 5) and below["[0.666667, 1]"] == (0, 1)


def test_boundary_pairs_are_the_ones_nearest_the_edge():
    runs = (
        _run(10, "profit", 0.45, True),
        _run(11, "profit", 0.2, True),
        _run(12, "profit", 0.95, False),
        _run(13, "profit", 0.55, False),
        _run(14, "other", 0.45, False),
        _run(15, "other", 0.2, False),
    )
    pairs = boundary_pairs(runs, REGION)
    by_attribute = {p.attribute: p for p in pairs}
    assert set(by_attribute) == {"t", "x"} and len(pairs) == 2
    x = by_attribute["x"]  # 0.45 inside and 0.55 outside straddle the edge at 0.5
    assert (x.failing.run_id, x.passing.run_id) == ("r10", "r13")
    assert abs(x.gap - 0.1) < 1e-9


def test_the_minimal_scenario_is_reported_with_its_re_run_and_a_command():
    check = MinimalCheck(
        "R1", {"t": "profit", "x": 0.1}, "r4", (11, 22, 33), ("r2", "r5", "r7"), rate(2, 3)
    )
    result = replace(_input().result, minimal_scenarios=(check,))
    data = replace(_input(), result=result, store="/tmp/my store")
    md = render(data, "md")
    assert "Re-run after the search with 3 new seeds: failed **2 of 3** (67%" in md
    # the seed of the first re-run that failed like the region (r2)
    # --like the origin: a SUT's recorded options and space come along (a space attribute
    # outside the map made a --sut command fail)
    command = "hunter run --like r1 --attributes t=profit,x=0.1 --seed 11 --store '/tmp/my store'"
    assert command in md and command.replace("'", "&#39;") in render(data, "html")
    # a Python function is simulated again, and a provisional hunt continued, from Python
    own = replace(data, sut="callable:__main__.agent")
    md = render(own, "md")
    assert "hunter.rerun(store, 'r1', {'t': 'profit', 'x': 0.1}, seed=11, sut=FUNCTION)" in md
    assert "hunter.resume(store, 'h1', budget=" in md and "hunter hunt" not in md
    js = json.loads(render(data, "json"))
    assert js["minimal_scenarios"][0]["failures"] == 2
    back = HuntResult.from_json(result.to_json())
    assert back.to_json() == result.to_json() and back.minimal_check("R1") is not None
    old = {k: v for k, v in result.to_json().items() if k != "minimal_scenarios"}
    assert HuntResult.from_json(old).minimal_scenarios == ()  # results stored before


def test_the_trade_off_plot_follows_the_peeling_and_marks_the_region():
    from hunter.analysis.report.plots import draw_tradeoff, tradeoff_info

    info = tradeoff_info(RUNS, REGION, SPACE, _run(1, "profit", 0.1, True, "origin"))
    assert info is not None
    # the first box is the whole neighbourhood: every failure, at the overall failure rate
    assert info.coverage[0] == 1.0 and info.density[0] == 4 / 6
    assert all(a >= b for a, b in zip(info.coverage, info.coverage[1:], strict=False))
    assert info.chosen == (REGION.coverage, REGION.inside.rate)
    assert draw_tradeoff(info)  # a PNG, as the other plots


def test_a_hunt_without_campaign_runs_says_its_background_was_not_measured():
    data = _input()
    measured = render(data, "md")
    assert "background 2% (1/50)" in measured
    alone = replace(data.result, analysis=replace(ANALYSIS, background=rate(0, 0)))
    data = replace(data, result=alone)
    assert "background not measured (no campaign runs)" in render(data, "md")
    html = render(data, "html")
    assert "no campaign runs" in html and "0/0" not in html


def test_a_region_met_in_passing_says_what_it_rests_on(capsys):
    """A second failure mode's box is drawn from runs near the origin (the hunt tests the
    origin's region only): its rates and label are not what the origin's are worth."""
    from rich.console import Console

    from hunter.cli.render import hunt_summary

    data = _input()
    assert "met in passing" not in render(data, "md")
    other = replace(REGION, contains_origin=False)
    result = replace(data.result, analysis=replace(ANALYSIS, regions=(other,)))
    data = replace(data, result=result)
    assert "*Met in passing: the hunt tested the origin's region, not this one" in render(
        data, "md"
    )
    assert "Met in passing: the hunt tested the origin&#39;s region" in render(data, "html")
    console = Console(width=80, record=True)
    hunt_summary(console, result)
    shown = console.export_text()
    assert "met in passing" in shown and max(map(len, shown.splitlines())) <= 80
