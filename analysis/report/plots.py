"""Plots for the HTML report: data computed by pure functions, drawn by matplotlib (Agg).

Like Optuna's ``visualization`` modules, ``*_info`` functions compute a NamedTuple and draw
nothing; the ``draw_*`` functions turn one into a PNG.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from hunter.analysis.explain import Cells, ValueRow
from hunter.coverage import Space
from hunter.domain import Run
from hunter.regions import Region
from hunter.text_safety import plot_text


class RateBars(NamedTuple):
    attribute: str
    labels: tuple[str, ...]
    rates: tuple[float, ...]
    lows: tuple[float, ...]
    highs: tuple[float, ...]
    runs: tuple[int, ...]


def rate_bars_info(table: Sequence[ValueRow]) -> RateBars:
    rows = [r for r in table if r.rate.runs > 0]
    return RateBars(
        table[0].attribute if table else "",
        tuple(r.value for r in rows),
        tuple(r.rate.rate for r in rows),
        tuple(r.rate.ci95[0] for r in rows),
        tuple(r.rate.ci95[1] for r in rows),
        tuple(r.rate.runs for r in rows),
    )


class Heatmap(NamedTuple):
    x: str
    y: str
    x_labels: tuple[str, ...]
    y_labels: tuple[str, ...]
    rates: tuple[tuple[float, ...], ...]  # NaN where nothing was run
    counts: tuple[tuple[int, ...], ...]


def _cells(
    runs: Sequence[Run], space: Space, name: str, regions: Sequence[Region]
) -> tuple[list[str], list[str]]:
    """Each run's cell of ``name`` in the report's one binning (``explain.Cells``)."""
    cells = Cells(space[name], regions)
    out = []
    for r in runs:
        v = r.attributes().get(name)
        out.append("" if v is None else cells.of(v))
    return list(cells.labels), out


def heatmap_info(
    runs: Sequence[Run], region: Region, space: Space, regions: Sequence[Region] = ()
) -> Heatmap | None:
    """Failure rate over the two constraints whose relaxation costs the most, in the report's
    cells (split at the edges of ``regions``, the report's regions)."""
    names = sorted(region.relax_drop, key=lambda k: -region.relax_drop[k])[:2]
    if len(names) < 2:
        return None
    valid = [r for r in runs if r.error is None]
    checks = set(region.checks)
    fails = [bool(checks & set(r.failed_checks)) for r in valid]
    x_labels, xs = _cells(valid, space, names[0], regions)
    y_labels, ys = _cells(valid, space, names[1], regions)
    rates, counts = [], []
    for yl in y_labels:
        row_r, row_c = [], []
        for xl in x_labels:
            hits = [f for f, a, b in zip(fails, xs, ys, strict=True) if a == xl and b == yl]
            row_c.append(len(hits))
            row_r.append(float(np.mean(hits)) if hits else float("nan"))
        rates.append(tuple(row_r))
        counts.append(tuple(row_c))
    return Heatmap(
        names[0], names[1], tuple(x_labels), tuple(y_labels), tuple(rates), tuple(counts)
    )


class TradeOff(NamedTuple):
    """The box search of one region as PRIM draws it: each box of the peeling trajectory by the
    share of the mode's failures it holds (coverage) and the failure rate inside it (density),
    from the whole neighbourhood (first) to the smallest box; ``picked`` is the box the F1
    criterion took from the trajectory, ``chosen`` the region after its edges were refitted
    and its constraints tested, as the report states it."""

    region: str
    coverage: tuple[float, ...]
    density: tuple[float, ...]
    support: tuple[int, ...]
    picked: int
    chosen: tuple[float, float]


def tradeoff_info(
    runs: Sequence[Run], region: Region, space: Space, origin: Run
) -> TradeOff | None:
    """The peeling trajectory of ``region``'s mode, recomputed from the runs the hunt searched
    (``hunter.analysis.boxes``, which is deterministic), so it is the search the hunt made.

    The origin's mode is peeled around the origin, another mode around its most typical
    failure, as the hunt's analysis does. None when the region's mode has no failure.
    """
    from hunter.analysis.boxes import f1, peel
    from hunter.analysis.hunt_analysis import _anchor  # the analysis's own choice of anchor
    from hunter.analysis.table import observations

    searched = [r for r in runs if r.strategy != "minimal"]
    obs = observations(searched, space)
    y = obs.mode_labels(frozenset(region.checks))
    if not y.any():
        return None
    around_origin = bool(set(region.checks) & set(origin.failed_checks))
    anchor = origin.attributes() if around_origin else _anchor(obs, y)
    boxes = peel(obs, y, anchor)
    masks = [box.mask(obs) for box in boxes]
    total = int(y.sum())
    coverage = tuple(float(y[m].sum()) / total for m in masks)
    density = tuple(float(y[m].mean()) if m.any() else 0.0 for m in masks)
    scores = [f1(y, m) for m in masks]
    return TradeOff(
        region.id,
        coverage,
        density,
        tuple(int(m.sum()) for m in masks),
        int(np.argmax(scores)),
        (region.coverage, region.inside.rate),
    )


class Edge(NamedTuple):
    attribute: str
    xs: tuple[float, ...]
    failed: tuple[bool, ...]
    low: float | None
    high: float | None


def edge_infos(runs: Sequence[Run], region: Region) -> tuple[Edge, ...]:
    """For each numeric constraint: the runs inside the other constraints, failing or not."""
    out = []
    checks = set(region.checks)
    for c in region.constraints:
        if c.values is not None:
            continue
        others = [o for o in region.constraints if o.attribute != c.attribute]
        sel = [
            r
            for r in runs
            if r.error is None
            and c.attribute in r.attributes()
            and all(o.contains(r.attributes().get(o.attribute)) for o in others)
        ]
        out.append(
            Edge(
                c.attribute,
                tuple(float(r.attributes()[c.attribute]) for r in sel),
                tuple(bool(checks & set(r.failed_checks)) for r in sel),
                c.min,
                c.max,
            )
        )
    return tuple(out)


def _png(fig: object) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[arg-type]
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _pyplot() -> object:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def draw_rate_bars(info: RateBars) -> str:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 2.6))  # type: ignore[attr-defined]
    x = np.arange(len(info.labels))
    err = [np.subtract(info.rates, info.lows), np.subtract(info.highs, info.rates)]
    ax.bar(x, info.rates, color="#c0392b", alpha=0.8)
    ax.errorbar(x, info.rates, yerr=err, fmt="none", ecolor="#333", capsize=3)
    ax.set_xticks(x, [plot_text(v) for v in info.labels], rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("P(fail)")
    ax.set_title(f"failure rate by {info.attribute} (95% CI)", fontsize=9)
    return _png(fig)


def draw_heatmap(info: Heatmap) -> str:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.4))  # type: ignore[attr-defined]
    data = np.array(info.rates, dtype=float)
    im = ax.imshow(np.ma.masked_invalid(data), cmap="Reds", vmin=0, vmax=1, aspect="auto")
    x_labels = [plot_text(v) for v in info.x_labels]  # values are data, never mathtext
    ax.set_xticks(range(len(x_labels)), x_labels, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(info.y_labels)), [plot_text(v) for v in info.y_labels], fontsize=8)
    for i, row in enumerate(info.counts):
        for j, n in enumerate(row):
            if n:
                dark = not np.isnan(data[i, j]) and data[i, j] > 0.6
                ax.text(
                    j,
                    i,
                    str(n),
                    ha="center",
                    va="center",
                    fontsize=11,
                    color="white" if dark else "#222",
                )
    ax.set_xlabel(info.x)
    ax.set_ylabel(info.y)
    ax.set_title("failure rate by cell (numbers: runs in the cell)", fontsize=9)
    fig.colorbar(im, ax=ax)
    return _png(fig)


def draw_edge(info: Edge) -> str:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 1.8))  # type: ignore[attr-defined]
    rng = np.random.default_rng(0)  # jitter only, for legibility
    jitter = rng.uniform(-0.15, 0.15, len(info.xs))
    colours = ["#c0392b" if f else "#27ae60" for f in info.failed]
    ax.scatter(info.xs, np.array(info.failed, dtype=float) + jitter, c=colours, s=12)
    for bound in (info.low, info.high):
        if bound is not None:
            ax.axvline(bound, color="#333", linestyle="--")
    ax.set_yticks([0, 1], ["pass", "fail"])
    ax.set_xlabel(info.attribute)
    ax.set_title(f"edge on {info.attribute}", fontsize=9)
    return _png(fig)


def draw_tradeoff(info: TradeOff) -> str:
    """Coverage against density along the peeling trajectory, the chosen box marked."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 3.4))  # type: ignore[attr-defined]
    ax.plot(
        info.coverage,
        info.density,
        "-o",
        color="#7b8794",
        markersize=3,
        linewidth=1,
        label="boxes of the peeling (largest at the right)",
    )
    ax.plot(
        [info.coverage[info.picked]],
        [info.density[info.picked]],
        "s",
        color="#1e429f",
        markersize=7,
        label="taken from the trajectory (best F1)",
    )
    ax.plot(
        [info.chosen[0]],
        [info.chosen[1]],
        "*",
        color="#c0392b",
        markersize=15,
        label=f"{info.region} as reported (edges refitted, tested)",
    )
    ax.set_xlim(0, 1.06)
    ax.set_ylim(0, 1.06)
    ax.set_xlabel("share of failures captured (coverage)")
    ax.set_ylabel("failure rate inside (density)")
    ax.set_title(f"{info.region}: the box search's trade-off", fontsize=9)
    ax.legend(fontsize=7, loc="best")
    ax.grid(alpha=0.3)
    return _png(fig)
