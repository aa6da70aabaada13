"""``hunter triage``: a campaign's failures as ranked bugs, flukes and unexplained runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.text import Text

from hunter.cli.app import cli, err, json_option, open_store, out, print_json, store_option
from hunter.cli.sut_limits import SEED

if TYPE_CHECKING:
    from hunter.analysis.triage import TriageResult
    from hunter.flow.hunt import HuntOutcome
    from hunter.store import Store

DEFAULT_BUDGET = 3000
DEFAULT_HUNT_BUDGET = 300


@cli.command()
@click.argument("campaign_id")
@click.option(
    "--budget",
    type=int,
    default=DEFAULT_BUDGET,
    show_default=True,
    help="Simulations for every hunt of the triage together.",
)
@click.option(
    "--hunt-budget",
    type=int,
    default=DEFAULT_HUNT_BUDGET,
    show_default=True,
    help="Simulations for one hunt at most.",
)
@click.option("--seed", type=SEED, default=0, show_default=True, help="Seed of every hunt.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Simulations run in parallel (processes, or threads for model and cmd: SUTs).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "html"]),
    default="text",
    show_default=True,
    help="Terminal text, or a Markdown or HTML report (with --out, to a file).",
)
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="Write the report here.")
@json_option
@store_option
def triage(
    campaign_id: str,
    budget: int,
    hunt_budget: int,
    seed: int,
    workers: int,
    fmt: str,
    out_path: str | None,
    as_json: bool,
    store_dir: str,
) -> None:
    """Triage a campaign: group its failed runs into bugs (one hunt per candidate, every failed
    run inside a found region attributed to it), call flukes, rank the bugs by risk. Running
    the same command again resumes it, or returns it at no cost."""
    from hunter import api
    from hunter.analysis.report import triage as report

    with open_store(store_dir) as store:
        runs = store.runs(campaign_id=campaign_id) if _exists(store, campaign_id) else []
        if runs and not as_json and not any(r.failed and r.error is None for r in runs):
            n = len(runs)
            click.echo(f"campaign {campaign_id}: none of its {n} runs failed; nothing to triage")
            return

        def on_hunt(outcome: HuntOutcome) -> None:
            a = outcome.analysis
            region = a.origin_region
            where = f", region of {len(region.constraints)}" if region else ""
            err.print(
                Text(
                    f"  hunt {outcome.hunt_id} of {outcome.origin.run_id}"
                    f" ({', '.join(outcome.origin.failed_checks)}): {a.verdict},"
                    f" {outcome.result.simulations} sims{where}"
                )
            )

        result = api.triage(
            store,
            campaign_id,
            budget=budget,
            hunt_budget=hunt_budget,
            seed=seed,
            workers=workers,
            on_hunt=None if as_json else on_hunt,
        )
        links = _report_links(store, result, out_path, store_dir) if fmt != "text" else []
    if as_json:
        print_json(result.to_json())
        return
    if fmt == "text":
        text = "\n".join(report.render_text(result))
    elif fmt == "md":
        text = report.render_markdown(result, links)
    else:
        text = report.render_html(result, links)
    if out_path:
        Path(out_path).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        out.print(Text(f"wrote {out_path}"))
        return
    out.print(Text(text))


def _report_links(
    store: Store, result: TriageResult, out_path: str | None, store_dir: str
) -> list[str]:
    """``HUNT=PATH`` of the html report of every hunt behind a bug (the triage's own and the
    known ones), written into ``STORE/reports/`` where missing: a triage report links each bug
    to the report its fixers read. A path is relative to the folder of ``--out`` (the reports
    stay found when both move together), absolute when the report is printed."""
    import os

    from hunter.flow.gather import build_report

    if store.folder is None:
        return []
    folder = store.folder / "reports"
    base = Path(out_path).resolve().parent if out_path else None
    links = []
    for hunt_id in dict.fromkeys(h for b in result.bugs for h in b.bug.hunt_ids):
        path = folder / f"{hunt_id}.html"
        if not path.exists():
            try:
                folder.mkdir(parents=True, exist_ok=True)
                path.write_text(build_report(store, hunt_id, "html", store_dir), encoding="utf-8")
            except OSError:  # a read-only store: the report names the hunts, unlinked
                continue
        target = path.resolve()
        links.append(f"{hunt_id}={os.path.relpath(target, base) if base else target}")
    return links


def _exists(store: object, campaign_id: str) -> bool:
    """Whether the store has the campaign; an unknown one raises in the flow, one line."""
    from hunter.errors import UnknownId
    from hunter.store import Store

    assert isinstance(store, Store)
    try:
        store.campaign(campaign_id)
    except UnknownId:
        return False
    return True
