"""The triage report: ranked bugs, flukes, unexplained failures and the per-bucket residual risk,
as plain text for an 80-column terminal, as Markdown and as self-contained HTML.

Every value that comes from runs (attribute values, check names, proposals) is untrusted: the
text form is printed as plain text (never markup), Markdown puts it in escaped cells or code
spans, and the HTML template autoescapes it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from jinja2 import Environment, PackageLoader, select_autoescape

from hunter.analysis.proposal_words import bucket_words
from hunter.analysis.report.context import proposal_text
from hunter.analysis.report.sanitize import cell, redact
from hunter.analysis.triage import RankedBug, TriageResult
from hunter.regions import constraint_words

WIDTH = 80
TOP_BUCKETS = 10
"""Buckets shown in the terminal and Markdown (the highest upper bounds); HTML shows all."""


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%" if x < 0.1 else f"{100 * x:.0f}%"


def _ci(bug: RankedBug) -> str:
    r = bug.inside
    return f"{_pct(r.rate)} [{_pct(r.ci95[0])}-{_pct(r.ci95[1])}] of {r.runs}"


def _proposal(bug: RankedBug) -> str:
    p = bug.region.proposal
    if p is None:
        return "none"
    return f"{p.id + ': ' if p.id else ''}{proposal_text(bug.region)}"


def _wrap(text: str, indent: str = "     ") -> list[str]:
    return textwrap.wrap(
        redact(text), WIDTH, initial_indent=indent, subsequent_indent=indent + "  ",
        break_long_words=True,
    )  # fmt: skip


def _n(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(result: TriageResult) -> str:
    return (
        f"triage of campaign {result.campaign_id}: {result.failures} failed of {result.runs} runs;"
        f" {_n(len(result.bugs), 'bug')}, {_n(len(result.flukes), 'fluke')},"
        f" {len(result.unexplained)} unexplained; {_n(result.simulations, 'simulation')} in"
        f" {_n(len(result.hunts), 'hunt')}"
    )


def render_text(result: TriageResult) -> list[str]:
    """The triage for a terminal: lines of at most 80 columns, plain text."""
    lines = _wrap(summary_line(result), "")
    if result.stop == "budget":
        lines += _wrap(
            f"stopped: the budget of {result.budget} ran out before every failure was"
            " explained (run again with a larger --budget to go on)",
            "",
        )
    lines.append("")
    if result.bugs:  # no header over an empty table: the summary line says "0 bugs"
        lines.append(
            f"{'rank':<5}{'bug':<5}{'fails inside':<26}{'share':>7}{'contrib':>9}  severity"
        )
    for i, bug in enumerate(result.bugs, 1):
        state = "known" if bug.known else "new"
        lines.append(
            f"{i:<5}{bug.bug.id:<5}{_ci(bug):<26}{_pct(bug.share):>7}"
            f"{_pct(bug.contribution):>9}  {bug.severity} ({state})"
        )
        lines += _wrap(f"{constraint_words(bug.region)} [{', '.join(bug.bug.checks)}]")
        lines += _wrap(
            f"label {bug.region.label}; {_n(len(bug.failed_runs), 'failed run')} of this"
            f" campaign; {_n(len(bug.bug.hunt_ids), 'hunt')} {', '.join(bug.bug.hunt_ids)}"
            f" (report: hunter report {bug.bug.first.hunt_id})"
        )
        lines += _wrap(f"proposal {_proposal(bug)}")
    flukes = result.flukes
    lines.append("")
    lines += _wrap(
        f"flukes ({len(flukes)}): "
        + (", ".join(f"{e.run_id} ({e.hunt_id})" for e in flukes) or "none"),
        "",
    )
    unexplained = result.unexplained
    hunted = ", ".join(f"{e.run_id} ({e.hunt_id}: {e.note})" for e in unexplained if e.hunt_id)
    skipped = " ".join(e.run_id for e in unexplained if not e.hunt_id)
    said = "; ".join(part for part in (hunted, skipped and f"not hunted: {skipped}") if part)
    lines += _wrap(f"unexplained ({len(unexplained)}): {said or 'none'}", "")
    if result.buckets:
        lines.append("")
        lines.append("residual risk per bucket: failure rate, one-sided 95% upper bound, and")
        lines.append("the same for the failures no bug explains; highest bound first")
        lines.append(f"{'runs':>6}{'fail':>6}{'rate':>7}{'<=':>7}{'unexpl':>8}{'<=':>7}  bugs")
        for b in result.buckets[:TOP_BUCKETS]:
            lines += _wrap(redact(bucket_words(dict(b.bucket))), "  ")
            lines.append(
                f"{b.rate.runs:>6}{b.rate.failures:>6}{_pct(b.rate.rate):>7}{_pct(b.upper):>7}"
                f"{b.residual.failures:>8}{_pct(b.residual_upper):>7}  {', '.join(b.bugs) or '-'}"
            )
        if len(result.buckets) > TOP_BUCKETS:
            lines.append(f"... {len(result.buckets) - TOP_BUCKETS} more buckets (--json)")
    return lines


def render_markdown(result: TriageResult, report_links: Sequence[str] = ()) -> str:
    """The triage as Markdown; ``report_links`` optionally maps each hunt to its report file
    (as ``hunt_id=path`` strings)."""
    links = dict(s.split("=", 1) for s in report_links)
    out = [
        f"# hunter triage: campaign {result.campaign_id}",
        "",
        cell(summary_line(result), 400) + ".",
        "",
        "## Bugs, riskiest first",
        "",
    ]
    if not result.bugs:
        out.append("none")
    else:
        out += [
            "| rank | bug | region | checks | fails inside (95% CI) | share | contribution |"
            " severity | label | proposal | hunts |",
            "|---:|---|---|---|---|---:|---:|---|---|---|---|",
        ]
    for i, bug in enumerate(result.bugs, 1):
        hunts = ", ".join(f"[{h}]({cell(links[h])})" if h in links else h for h in bug.bug.hunt_ids)
        out.append(
            f"| {i} | {bug.bug.id} ({'known' if bug.known else 'new'}) |"
            f" {cell(constraint_words(bug.region))} | {cell(', '.join(bug.bug.checks))} |"
            f" {_ci(bug)} | {_pct(bug.share)} | {_pct(bug.contribution)} | {bug.severity} |"
            f" {bug.region.label} | {cell(_proposal(bug), 300)} | {hunts} |"
        )
    out += ["", f"## Flukes ({len(result.flukes)})", ""]
    out += [f"- `{e.run_id}`: hunt {e.hunt_id}" for e in result.flukes] or ["none"]
    out += ["", f"## Unexplained ({len(result.unexplained)})", ""]
    out += [
        f"- `{e.run_id}`: {cell(e.note)} ({e.hunt_id})"
        if e.hunt_id
        else f"- `{e.run_id}`: not hunted"
        for e in result.unexplained
    ] or ["none"]
    if result.buckets:
        out += [
            "",
            "## Residual risk per bucket",
            "",
            "Failure rate per bucket with its one-sided exact 95% upper bound, and the same for"
            " the failures no bug explains (flukes and unexplained).",
            "",
            "| bucket | runs | failed | rate | at most | unexplained | at most | bugs |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for b in result.buckets:
            out.append(
                f"| {cell(bucket_words(dict(b.bucket)))} | {b.rate.runs} | {b.rate.failures} |"
                f" {_pct(b.rate.rate)} | {_pct(b.upper)} | {b.residual.failures} |"
                f" {_pct(b.residual_upper)} | {', '.join(b.bugs) or '-'} |"
            )
    return "\n".join(out) + "\n"


def render_html(result: TriageResult, report_links: Sequence[str] = ()) -> str:
    """The triage as one self-contained, autoescaped HTML page."""
    env = Environment(
        loader=PackageLoader("hunter.analysis.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["pct"] = _pct
    env.filters["redact"] = redact
    env.globals["words"] = constraint_words
    env.globals["bucket_words"] = lambda b: bucket_words(dict(b))
    env.globals["proposal"] = _proposal
    env.globals["ci"] = _ci
    return env.get_template("triage.html.j2").render(
        result=result,
        summary=summary_line(result),
        links=dict(s.split("=", 1) for s in report_links),
    )
