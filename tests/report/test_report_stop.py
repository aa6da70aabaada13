"""Every report says how its hunt stopped, and marks the regions of an unsettled one."""

from __future__ import annotations

from dataclasses import replace
from io import StringIO

import pytest
from rich.console import Console

from hunter.analysis.report import ReportInput, render
from hunter.analysis.report.context import stop_note
from hunter.analysis.stats import rate
from hunter.cli.render import hunt_summary
from hunter.coverage import Space
from hunter.domain import AttributeSpec, Run, Scenario, Verdict
from hunter.records import HuntResult, StopReason, Usage
from hunter.regions import Constraint, HuntAnalysis, MapProposal, Region

SPACE = Space(
    (
        AttributeSpec("t", values=("[bold]profit[/]", "other"), default="other"),
        AttributeSpec("x", range=(0.0, 1.0), default=1.0),
    )
)


def _run(i: int, t: str, x: float, failed: bool) -> Run:
    verdicts = (Verdict("collusion", failed, "high", "fixed prices" if failed else ""),)
    return Run(f"r{i}", Scenario.of({"t": t, "x": x}, i), "test", failed, None, verdicts, ())


RUNS = tuple(
    _run(i, "[bold]profit[/]" if i % 2 else "other", i / 10, i % 2 == 1) for i in range(2, 9)
)
REGION = Region(
    "R1",
    (Constraint("t", values=("[bold]profit[/]",)), Constraint("x", max=0.5)),
    rate(3, 3),
    rate(0, 2),
    "implementation",
    {"t": "profit"},
    MapProposal("reweight_bucket", {"bucket": {"t": "profit"}, "weight": 3.0}, "p1"),
    checks=("collusion",),
    contains_origin=True,
)
BUG = HuntAnalysis("bug", rate(9, 10), rate(1, 50), (REGION, replace(REGION, id="R2")))


def _result(reason: StopReason, analysis: HuntAnalysis = BUG, **kw: object) -> HuntResult:
    return HuntResult("h3", "r1", 0, 40, 0, 40, reason, analysis, **kw)  # type: ignore[arg-type]


def _summary(result: HuntResult, store: str | None = None) -> list[str]:
    console = Console(file=StringIO(), width=80, highlight=False)
    hunt_summary(console, result, store=store)
    return console.file.getvalue().splitlines()  # type: ignore[attr-defined]


def _input(result: HuntResult) -> ReportInput:
    origin = _run(1, "[bold]profit[/]", 0.1, True)
    return ReportInput(result, "test", origin, RUNS, SPACE, None, {})


@pytest.mark.parametrize(
    ("result", "sentence", "command"),
    [
        (
            _result(StopReason.SETTLED),
            "settled after 40 of 40 simulations (the region held while the hunt doubled and"
            " could neither grow nor split)",
            None,
        ),
        (
            _result(StopReason.BUDGET),
            "budget of 40 spent before the region settled: R1 and R2 are provisional",
            "hunter hunt --resume h3 --budget 80",
        ),
        (
            _result(StopReason.BUDGET, early_stop=False),
            "budget of 40 spent with early stop off (nothing was tested for settling):"
            " R1 and R2 are provisional",
            "hunter hunt --resume h3 --budget 80",
        ),
        (
            _result(StopReason.BUDGET, replace(BUG, verdict="inconclusive", regions=())),
            "budget of 40 spent before the verdict was decided: the verdict is provisional",
            "hunter hunt --resume h3 --budget 80",
        ),
        (
            _result(StopReason.FLUKE, replace(BUG, verdict="fluke", regions=())),
            "fluke after 40 of 40 simulations (the replays' sequential test called the origin"
            " a fluke)",
            None,
        ),
        (
            _result(StopReason.EXHAUSTED, replace(BUG, regions=(REGION,))),
            "exhausted after 40 of 40 simulations (every strategy ran out of scenarios to"
            " propose): R1 is provisional",
            None,
        ),
        (
            _result(StopReason.MAX_COST, replace(BUG, regions=(REGION,)), usage=Usage(9, 9, 2.5)),
            "max cost reached after 40 of 40 simulations (about $2.50 spent on models):"
            " R1 is provisional",
            "hunter hunt --resume h3 --max-cost 5.00",
        ),
    ],
)
def test_stop_note_words(result: HuntResult, sentence: str, command: str | None) -> None:
    note = stop_note(result)
    assert (note.sentence, note.command) == (sentence, command)
    assert (
        note.provisional is result.provisional is (command is not None or "exhausted" in sentence)
    )


def test_continue_command_names_the_store() -> None:
    note = stop_note(_result(StopReason.BUDGET), "my runs")
    assert note.command == "hunter hunt --resume h3 --budget 80 --store 'my runs'"
    assert (
        stop_note(_result(StopReason.BUDGET), "runs").command
        == "hunter hunt --resume h3 --budget 80"
    )


def test_terminal_summary_of_a_provisional_and_a_settled_hunt() -> None:
    lines = _summary(_result(StopReason.BUDGET), "s")
    assert "stopped: budget of 40 spent before the region settled: R1 and R2 are provisional" in (
        lines
    )
    assert "continue with: hunter hunt --resume h3 --budget 80 --store s" in lines
    # data is printed as text: a value that looks like markup stays as it is
    assert "  R1 t in {[bold]profit[/]}; x <= 0.5 (provisional)" in lines
    assert all(len(line) <= 80 for line in lines)
    settled = _summary(_result(StopReason.SETTLED))
    assert "stopped: settled after 40 of 40 simulations" in settled
    assert not any("provisional" in line or "continue" in line for line in settled)


def test_markdown_and_html_say_how_the_hunt_stopped() -> None:
    capped = _input(_result(StopReason.BUDGET))
    md = render(capped, "md")
    assert "**Stopped: budget.** Budget of 40 spent before the region settled" in md
    assert "## R1 (provisional): " in md and "## R2 (provisional): " in md
    assert "`hunter hunt --resume h3 --budget 80`" in md
    html = render(capped, "html")
    assert html.count('class="label provisional"') == 2
    assert "<code>hunter hunt --resume h3 --budget 80</code>" in html
    settled = _input(_result(StopReason.SETTLED))
    md = render(settled, "md")
    assert "**Stopped: settled.** Settled after 40 of 40" in md and "provisional" not in md
    html = render(settled, "html")
    assert "Stopped:</b> settled after" in html and 'class="label provisional"' not in html
    js = render(settled, "json")
    assert '"provisional": false' in js and '"stop_reason": "settled"' in js
