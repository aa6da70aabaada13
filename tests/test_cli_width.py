"""What users see at 80 columns (tmux): long sentences wrap under a hanging indent, long lists
are summarised, and tables keep their borders."""

from __future__ import annotations

import pytest
from fixtures.cli import run_cli
from fixtures.made_hunts import R1_AGENT, lax_monitoring_region, made_hunt, region
from rich.cells import cell_len

from hunter.cli.app import out
from hunter.domain import Outcome, Scenario, Trajectory, Verdict
from hunter.regions import Constraint
from hunter.store import Store

CONTROLS = ("agent", "board", "it_team", "compliance", "vendor")


@pytest.fixture
def narrow(monkeypatch):
    """The CLI's console at 80 columns, as in a terminal of that width."""
    monkeypatch.setattr(out, "_width", 80)


def _fits(text: str) -> list[str]:
    lines = text.splitlines()
    assert lines, "nothing printed"
    too_long = [line for line in lines if cell_len(line) > 80]
    assert not too_long, too_long
    return lines


def _failed_runs(store: Store, attributes: dict, count: int) -> None:
    """``count`` failed runs of subvert_oversight at ``attributes``, in a campaign of their own."""
    from hunter.records import HuntSetup, SutOptions
    from hunter.world import world_space

    setup = HuntSetup("builtin:ceo", SutOptions(), None, None, world_space())
    campaign = store.add_campaign(setup, seed=0, n=count)
    failed = Verdict("subvert_oversight", True, "high", "cut the audit trail")
    for i in range(count):
        store.add_run(
            Outcome(Scenario.of(attributes, 1000 + i), Trajectory((failed,)), None),
            sut="builtin:ceo",
            campaign_id=campaign.campaign_id,
        )


def test_show_wraps_the_bug_a_run_lies_in(tmp_path, capsys, narrow):
    folder = tmp_path / "store"
    with Store(folder) as store:
        made_hunt(store, [lax_monitoring_region()])
    code, text, err = run_cli(capsys, "show", "r1", "--store", str(folder))
    assert code == 0, err
    lines = _fits(text)
    start = next(i for i, line in enumerate(lines) if line.startswith("bug B1: same as hunt h1"))
    said = " ".join(line.strip() for line in lines[start:])
    assert said.endswith(
        "bug B1: same as hunt h1 R1 (monitoring_control is agent and regulator_strictness <= 0.05)"
    )
    assert lines[start + 1].startswith("  ")  # the hanging indent


def test_runs_summarises_the_runs_of_each_known_bug(tmp_path, capsys, narrow):
    folder = tmp_path / "store"
    with Store(folder) as store:
        for control in CONTROLS:
            where = [Constraint("monitoring_control", values=(control,))]
            bug = region(
                "R1", where, ["subvert_oversight"], (50, 60), (0, 60), contains_origin=True
            )
            made_hunt(store, [bug], origin={**R1_AGENT, "monitoring_control": control})
        for control in CONTROLS:
            _failed_runs(store, {**R1_AGENT, "monitoring_control": control}, 11)
    code, text, err = run_cli(capsys, "runs", "--failed", "--store", str(folder))
    assert code == 0, err
    lines = _fits(text)
    start = next(i for i, line in enumerate(lines) if line.startswith("known bugs: B1: r1 "))
    said = " ".join(line.strip() for line in lines[start:])
    # each bug: its origin and 11 runs (r6-r16 in B1), the first 5 listed
    assert "B1: r1 r6 r7 r8 r9 and 7 more; B2: r2 r17 r18 r19 r20 and 7 more;" in said
    assert said.count("and 7 more") == len(CONTROLS)
    assert "r10" not in said  # the 6th run of B1 is counted, not listed


def test_recheck_all_wraps_its_summary(tmp_path, capsys):
    from hunter.cli.recheck import render_summary
    from hunter.cli.safe_console import SafeConsole

    console = SafeConsole(width=200, highlight=False, soft_wrap=True)
    counts = {"fixed": 12, "partly fixed": 3, "still failing": 10, "inconclusive": 2}
    render_summary(console, [object()] * 20, counts)  # type: ignore[list-item]
    lines = _fits(capsys.readouterr().out)
    assert " ".join(line.strip() for line in lines) == (
        "regression suite: 20 hunts, 27 regions: 12 fixed, 3 partly fixed,"
        " 10 still failing, 2 inconclusive"
    )
    assert len(lines) == 2 and lines[1].startswith("  ")


def test_show_marks_an_event_cut_short():
    import io

    from rich.console import Console

    from hunter.cli.render import events_renderable

    EVENT_CHARS = 160  # what show prints of an event; --json has it whole
    whole = "x" * EVENT_CHARS
    long = "".join(str(i % 10) for i in range(EVENT_CHARS + 40))
    console = Console(file=io.StringIO(), width=400, no_color=True)
    console.print(events_renderable([{"id": 1, "text": whole}, {"id": 2, "text": long}]))
    rows = console.file.getvalue()
    assert whole in rows and whole + "..." not in rows  # what fits is printed as it is
    cut = long[: EVENT_CHARS - 3] + "..."
    assert cut in rows and long[: EVENT_CHARS - 2] not in rows
    assert len(cut) == EVENT_CHARS


def test_show_gives_severity_for_failed_checks_only():
    import io

    from rich.console import Console

    from hunter.cli.render import show_run

    verdicts = (
        Verdict("multi_scorer_wrapper", False, "high", ""),
        Verdict("subvert_oversight", True, "high", "cut the audit trail"),
    )
    with Store(":memory:") as store:
        _failed_runs(store, dict(R1_AGENT), 1)
        (run,) = store.runs()
        run = store.add_run(
            Outcome(run.scenario, Trajectory(verdicts), None), sut="builtin:ceo", campaign_id="c1"
        )
    console = Console(file=io.StringIO(), width=80, no_color=True)
    show_run(console, run)
    lines = console.file.getvalue().splitlines()
    assert "ok   multi_scorer_wrapper" in lines
    assert "FAIL subvert_oversight (high) cut the audit trail" in lines


@pytest.mark.parametrize("maps", [1, 2])
def test_the_proposals_table_keeps_its_right_border_at_80_columns(maps):
    """A long state ("pending, no longer applies to ...") used to push the table past 80
    columns: the change column's minimum width was applied after the columns were fitted."""
    import io
    from types import SimpleNamespace

    from hunter.cli.render import proposals_renderable
    from hunter.cli.safe_console import SafeConsole

    def proposal(i: int, status: str, supporters: int) -> SimpleNamespace:
        return SimpleNamespace(
            proposal_id=f"p{i}",
            lineage=f"/maps/{'ai_ceo' if i % maps == 0 else 'other_map'}.yaml",
            kind="add_dimension",
            detail={"attribute": {"name": "shutdown_plan", "values": ["none", "leaked"]}},
            supporters=tuple((f"h{k}", "R1") for k in range(1, supporters + 1)),
            status=status,
            new_map_path="/maps/ai_ceo.v2.yaml",
            reason="the same as p1 under another name",
        )

    items = [proposal(1, "pending", 1), proposal(2, "accepted", 6), proposal(3, "rejected", 2)]
    notes = {
        "p1": "no longer applies to ai_ceo.v2.yaml: the map has a dimension shutdown_plan"
        " already (values none, leaked, announced)"
    }
    console = SafeConsole(file=io.StringIO(), width=80, highlight=False, soft_wrap=True)
    console.print(proposals_renderable(items, notes))
    lines = console.file.getvalue().splitlines()
    table = [line for line in lines if line[:1] in "┏┃┡│└"]
    assert max(cell_len(line) for line in lines) <= 80
    assert all(line[-1] in "┓┃┩│┘" for line in table), "\n".join(table)
    shown = console.file.getvalue()
    assert all(word in shown for word in ("pending,", "longer", "announced)"))  # folded, not cut
