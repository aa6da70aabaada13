"""Region reports for fixers: Markdown, self-contained HTML, and JSON."""

from __future__ import annotations

from typing import Literal

from hunter.analysis.report.context import ReportInput, region_views
from hunter.analysis.report.html import render_html
from hunter.analysis.report.markdown import render_markdown
from hunter.analysis.report.sanitize import redact
from hunter.text_safety import strict_json

__all__ = ["ReportInput", "render", "render_html", "render_json", "render_markdown"]


def render_json(data: ReportInput) -> str:
    """The hunt result of contract §4 plus the explanation tables, as one JSON document."""
    extra = []
    for view in region_views(data):
        extra.append(
            {
                "id": view.region.id,
                "words": view.words,
                "value_tables": [
                    [{"attribute": r.attribute, "value": r.value, **r.rate.to_json()} for r in t]
                    for t in view.tables
                ],
                "minimal_failing_scenario": None
                if view.minimal is None
                else {
                    "attributes": dict(view.minimal.attributes),
                    "from_run": view.minimal.run_id,
                    "shrunk": list(view.minimal.shrunk),
                    "observed_failing": view.minimal.observed_failing,
                },
                "boundary_pairs": [
                    {
                        "attribute": p.attribute,
                        "passing_run": p.passing.run_id,
                        "failing_run": p.failing.run_id,
                        "gap": round(p.gap, 6),
                    }
                    for p in view.pairs
                ],
                "evidence": [
                    {
                        "run_id": e.run_id,
                        "check": e.check,
                        "evidence": e.evidence,
                        "same_but_numbers_in": list(e.also),
                    }
                    for e in view.excerpts
                ],
                "repro_command": view.repro,
            }
        )
    doc = {**data.result.to_json(), "explain": extra}
    return redact(strict_json(doc, indent=2))


def render(data: ReportInput, fmt: Literal["md", "html", "json"]) -> str:
    if fmt == "md":
        return render_markdown(data)
    if fmt == "html":
        return render_html(data)
    return render_json(data)
