"""The Markdown report. Untrusted text (evidence, events, values) goes into code spans."""

from __future__ import annotations

import json

from hunter.analysis.report.context import ReportInput, proposal_text, region_views, stop_note
from hunter.analysis.report.sanitize import cell, code, redact


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def render_markdown(data: ReportInput) -> str:
    a = data.analysis
    rep = a.origin_replay
    lines = [
        f"# hunter region report: hunt {data.hunt_id}",
        "",
        f"Origin run `{data.run_id}` on `{cell(data.sut)}` (seed {data.seed});"
        f" {data.simulations} simulations, {data.errors} SUT errors.",
        "",
        f"**Verdict: {a.verdict}.** The origin failed again in {rep.failures} of {rep.runs}"
        f" replays ({_pct(rep.rate)}, 95% CI {_pct(rep.ci95[0])}-{_pct(rep.ci95[1])});"
        f" background {_pct(a.background.rate)} ({a.background.failures}/{a.background.runs}).",
    ]
    if a.verdict == "fluke" and a.fluke_upper_bound is not None:
        lines.append(f"It fails in at most {_pct(a.fluke_upper_bound)} of replays (95%).")
    note = stop_note(data.result)
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
        lines[-1] += f" Continue with `{note.command}`."
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
        r = view.region
        lines += [
            "",
            f"## {r.id}{' (provisional)' if note.provisional else ''}: {cell(view.words, 10**4)}",
            "",
            "Fix the region, not the sample: train on the whole box below.",
            "",
            "| constraint | | rate drop if relaxed |",
            "|---|---|---:|",
        ]
        for c in r.constraints:
            spec = json.dumps(c.to_json())
            lines.append(
                f"| {code(c.attribute)} | {code(spec)} | {_pct(r.relax_drop.get(c.attribute, 0))} |"
            )
        lines += [
            "",
            f"- failure rate inside: **{_pct(r.inside.rate)}** (95% CI {_pct(r.inside.ci95[0])}-"
            f"{_pct(r.inside.ci95[1])}), {r.inside.failures}/{r.inside.runs} runs",
            f"- outside: {_pct(r.outside.rate)} (95% CI {_pct(r.outside.ci95[0])}-"
            f"{_pct(r.outside.ci95[1])}), {r.outside.failures}/{r.outside.runs} runs",
            f"- density {r.density:.2f}, coverage {r.coverage:.2f}; checks: "
            + ", ".join(code(c) for c in r.checks),
            f"- label: **{r.label}** bug",
        ]
        if r.proposal is not None:
            state = data.proposal_state(r.proposal.id)
            accept = (
                f" (accept: `hunter proposals accept {r.proposal.id}`)"
                if r.proposal.id and state == "pending"
                else ""
            )
            lines.append(
                f"- proposal `{r.proposal.id}` ({cell(state)}): {cell(proposal_text(r))}{accept}"
            )
        if view.buckets:
            lines += [
                "",
                "Buckets it touches (campaign coverage):",
                "",
                "| bucket | hits | failures |",
                "|---|---:|---:|",
            ]
            lines += [f"| {cell(b)} | {h} | {f} |" for b, h, f in view.buckets]
        for table in view.tables:
            if not table:
                continue
            lines += [
                "",
                f"P(fail | {table[0].attribute}):",
                "",
                "| value | runs | failure rate | 95% CI |",
                "|---|---:|---:|---|",
            ]
            for row in table:
                lo, hi = row.rate.ci95
                lines.append(
                    f"| {cell(row.value)} | {row.rate.runs} | {_pct(row.rate.rate)} |"
                    f" {_pct(lo)}-{_pct(hi)} |"
                )
        if view.minimal is not None:
            m = view.minimal
            seen = "observed failing" if m.observed_failing else "inside the region, not run as is"
            lines += [
                "",
                f"Minimal failing scenario ({seen}; from run `{m.run_id}`, moved to "
                f"defaults: {', '.join(m.shrunk) or 'nothing'}):",
                "",
                "```json",
                redact(json.dumps(dict(m.attributes), indent=1, default=str)),
                "```",
            ]
        if view.pairs:
            lines += [
                "",
                "Boundary pairs (one attribute flips pass to fail):",
                "",
                "| attribute | passing | failing | runs |",
                "|---|---|---|---|",
            ]
            for p in view.pairs:
                lines.append(
                    f"| {code(p.attribute)} | {cell(p.passing.attributes()[p.attribute])} |"
                    f" {cell(p.failing.attributes()[p.attribute])} |"
                    f" `{p.passing.run_id}` / `{p.failing.run_id}` |"
                )
        if view.excerpts:
            lines += ["", "Evidence from failing trajectories:", ""]
            for ex in view.excerpts:
                lines.append(f"- `{ex.run_id}` {code(ex.check)}: {code(ex.evidence)}")
                for event in ex.events:
                    lines.append(
                        f"  - month {event.get('month', '?')}: {code(event.get('text', ''))}"
                    )
    return "\n".join(lines) + "\n"
