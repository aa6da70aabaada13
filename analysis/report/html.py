"""The self-contained HTML report: jinja2 with autoescaping, plots inline as PNG data URIs.

Everything from runs, SUTs and models is untrusted: the template never marks it safe; only the
base64 PNGs (made here) are inserted, and as attribute values of ``img`` tags.
"""

from __future__ import annotations

import json

from jinja2 import Environment, PackageLoader, select_autoescape

from hunter.analysis.report import plots
from hunter.analysis.report.context import (
    IN_PASSING,
    LEGEND,
    ReportInput,
    constraint_phrase,
    proposal_text,
    region_views,
    stop_note,
)
from hunter.analysis.report.sanitize import redact


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("hunter.analysis.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["pct"] = lambda x: f"{100 * float(x):.0f}%"
    env.filters["redact"] = redact
    env.filters["tojson_text"] = lambda x: json.dumps(x, default=str)
    env.filters["tojson_pretty"] = lambda x: json.dumps(dict(x), indent=2, default=str)
    env.globals["proposal_text"] = proposal_text
    env.globals["constraint_phrase"] = constraint_phrase
    return env


def render_html(data: ReportInput) -> str:
    views = region_views(data)
    figures = []
    for view in views:
        images = []
        tradeoff = plots.tradeoff_info(data.runs, view.region, data.space, data.origin)
        if tradeoff is not None:
            images.append(plots.draw_tradeoff(tradeoff))
        images += [plots.draw_rate_bars(plots.rate_bars_info(t)) for t in view.tables if t]
        heat = plots.heatmap_info(data.runs, view.region, data.space, data.analysis.regions)
        if heat is not None:
            images.append(plots.draw_heatmap(heat))
        images += [plots.draw_edge(e) for e in plots.edge_infos(data.runs, view.region) if e.xs]
        figures.append(images)
    template = _environment().get_template("report.html.j2")
    return template.render(
        data=data,
        analysis=data.analysis,
        stop=stop_note(data.result, data.store, data.sut),
        views=list(zip(views, figures, strict=True)),
        legend=LEGEND,
        in_passing=IN_PASSING,
    )
