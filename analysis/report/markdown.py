"""The Markdown report, read raw in a terminal as often as rendered.

Untrusted text (evidence, events, values, check names, anything from the SUT or the map) goes
into code spans and code blocks (``sanitize``): shown exactly as written, never read as markup.
"""

from __future__ import annotations

import json

from hunter.analysis.report.context import (
    IN_PASSING,
    LEGEND,
    RegionView,
    ReportInput,
    constraint_phrase,
    proposal_text,
    region_views,
    stop_note,
)
from hunter.analysis.report.sanitize import code, code_block, code_cell
from hunter.regions import Rate
from hunter.text_safety import markdown_text


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _ci(lo: float, hi: float) -> str:
    return f"95% CI {_pct(lo)}-{_pct(hi)}"


def render_markdown(data: ReportInput) -> str:
    a = data.analysis
    rep = a.origin_replay
    lines = [
        f"# hunter region report: hunt {code(data.hunt_id)}",
        "",
        f"Origin run {code(data.run_id)} on {code(data.sut)} (seed {data.seed});"
        f" {data.simulations} simulations, {data.errors} SUT errors.",
        "",
        f"**Verdict: {a.verdict}.** The origin failed again in {rep.failures} of {rep.runs}"
        f" replays ({_pct(rep.rate)}, {_ci(*rep.ci95)}); {_background(a.background)}.",
    ]
    if a.verdict == "fluke" and a.fluke_upper_bound is not None:
        lines.append(f"It fails in at most {_pct(a.fluke_upper_bound)} of replays (95%).")
    note = stop_note(data.result, data.store, data.sut)
    lines += [
        "",
        f"**Stopped: {note.reason.value}.** {note.sentence[:1].upper()}{note.sentence[1:]}.",
    ]
    if note.provisional:
        lines[-1] += (
            " The hunt stopped before its answer settled: read every region below as"
            " **provisional**, a box that more simulations may still move."
        )
    if note.command is not None:
        lines[-1] += f" Continue with {code(note.command)}."
    lines += [f"Note: {markdown_text(extra)}." for extra in a.notes]
    if not a.regions:
        lines += ["", "No failing region stands out from the background."]
    suggestions = data.suggestions
    if suggestions:
        lines += [
            "",
            "No attribute of the space explains the origin's failures. Candidate new"
            " dimensions suggested by a model (unverified; review before adding):",
            "",
        ]
        lines += [f"- {code(json.dumps(s))}" for s in suggestions]
    for view in region_views(data):
        lines += _region(data, view, note.provisional)
    lines += ["", "## Legend", ""]
    lines += [f"- **{term}**: {meaning}." for term, meaning in LEGEND]
    return "\n".join(lines) + "\n"


def _region(data: ReportInput, view: RegionView, provisional: bool) -> list[str]:
    r = view.region
    lines = [
        "",
        f"## {r.id}{' (provisional)' if provisional else ''}: {code(view.words)}",
        "",
        f"Label: **{r.label}** bug. Fix the region, not the sample: train on the whole box"
        " below, and check just beyond its edges.",
        *([] if r.contains_origin else ["", f"*{IN_PASSING[:1].upper()}{IN_PASSING[1:]}.*"]),
        "",
        "| constraint | rate drop without it |",
        "|---|---:|",
    ]
    for c in r.constraints:
        lines.append(
            f"| {code_cell(f'{c.attribute} {constraint_phrase(c)}')}"
            f" | {_pct(r.relax_drop.get(c.attribute, 0))} |"
        )
    lines += [
        "",
        f"- failure rate inside: **{_pct(r.inside.rate)}** ({_ci(*r.inside.ci95)}),"
        f" {r.inside.failures}/{r.inside.runs} runs",
        f"- outside: {_pct(r.outside.rate)} ({_ci(*r.outside.ci95)}),"
        f" {r.outside.failures}/{r.outside.runs} runs",
        f"- share of failures captured: {_pct(r.coverage)}",
        "- checks: " + ", ".join(code(c) for c in r.checks),
    ]
    if r.proposal is not None:
        state = data.proposal_state(r.proposal.id)
        accept = (
            f" (accept: {code(f'hunter proposals accept {r.proposal.id}')})"
            if r.proposal.id and state == "pending"
            else ""
        )
        lines.append(
            f"- proposal {code(r.proposal.id or '')} ({state.split(':')[0]}):"
            f" {code(proposal_text(r))}{accept}"
        )
        if ":" in state:  # a rejection's reason is a reviewer's free text
            lines[-1] += f" reason: {code(state.partition(':')[2].strip())}"
    lines += _minimal(view)
    if view.buckets:
        lines += [
            "",
            "### Buckets it touches",
            "",
            "| bucket | campaign hits | failures |",
            "|---|---:|---:|",
        ]
        lines += [f"| {code_cell(b)} | {h} | {f} |" for b, h, f in view.buckets]
    for table in view.tables:
        if not table:
            continue
        lines += [
            "",
            f"### P(fail | {table[0].attribute})",
            "",
            "| value | runs | failure rate | 95% CI |",
            "|---|---:|---:|---|",
        ]
        for row in table:
            lo, hi = row.rate.ci95
            lines.append(
                f"| {code_cell(row.value)} | {row.rate.runs} | {_pct(row.rate.rate)} |"
                f" {_pct(lo)}-{_pct(hi)} |"
            )
    if view.pairs:
        lines += [
            "",
            "### Boundary pairs",
            "",
            "| attribute | passing (outside) | failing (inside) | runs |",
            "|---|---|---|---|",
        ]
        for p in view.pairs:
            lines.append(
                f"| {code_cell(p.attribute)} | {code_cell(p.passing.attributes()[p.attribute])} |"
                f" {code_cell(p.failing.attributes()[p.attribute])} |"
                f" {code_cell(p.passing.run_id)} / {code_cell(p.failing.run_id)} |"
            )
    if view.excerpts:
        lines += ["", "### Evidence from failing trajectories", ""]
        for ex in view.excerpts:
            also = ""
            if ex.also:
                shown = ", ".join(ex.also[:3])
                more = f" and {len(ex.also) - 3} more" if len(ex.also) > 3 else ""
                also = f" (the same but for numbers in {len(ex.also)} more runs: {shown}{more})"
            head = f"- {code(ex.run_id)} {code(ex.check)}{also}:"
            if "\n" in ex.evidence:
                lines += [head, "", *code_block(ex.evidence, "  ")]
            else:
                lines.append(f"{head} {code(ex.evidence)}")
            for event in ex.events:
                lines.append(
                    f"  - month {code(event.get('month', '?'))}: {code(event.get('text', ''))}"
                )
    return lines


def _minimal(view: RegionView) -> list[str]:
    m = view.minimal
    if m is None:
        return []
    check = view.check
    lines = ["", "### Minimal failing scenario", ""]
    moved = ", ".join(m.shrunk) or "nothing"
    if check is not None:
        rerun = check.rate
        errors = f", {check.errors} SUT errors" if check.errors else ""
        lines.append(
            f"Re-run after the search with {len(check.seeds)} new seeds: failed"
            f" **{rerun.failures} of {rerun.runs}** ({_pct(rerun.rate)},"
            f" {_ci(*rerun.ci95)}){errors}. From run {code(m.run_id or '?')}, moved to"
            f" defaults: {code(moved)}."
        )
    else:
        seen = "observed failing as is" if m.observed_failing else "not simulated as is"
        lines.append(
            f"Not re-run by this hunt ({seen}). From run {code(m.run_id or '?')},"
            f" moved to defaults: {code(moved)}."
        )
    if view.repro is not None:
        lines += ["", "Simulate it again:", "", *_shell(view.repro)]
    lines += ["", "| attribute | value |", "|---|---|"]
    lines += [f"| {code_cell(k)} | {code_cell(v)} |" for k, v in sorted(m.attributes.items())]
    return lines


def _shell(command: str) -> list[str]:
    """A command in a ``sh`` block, to copy whole (it holds only quoted text)."""
    fence = code_block(command)
    return ["```sh" if fence[0] == "```text" else fence[0].replace("text", "sh"), *fence[1:]]


def _background(background: Rate) -> str:
    """The background rate and its counts; a hunt with no campaign runs to measure it on
    (a one-off run's) says so rather than print 0% of 0."""
    if not background.runs:
        return "background not measured (no campaign runs)"
    return f"background {_pct(background.rate)} ({background.failures}/{background.runs})"
