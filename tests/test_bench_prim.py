"""The EMA Workbench PRIM baseline (bench extra): skipped when the extra is not installed."""

from __future__ import annotations

import numpy as np
import pytest

from hunter.bench.landscapes import LANDSCAPES, LandscapeSut
from hunter.bench.prim_baseline import MISSING, prim_available, prim_constraints
from hunter.domain import Run, Scenario
from hunter.executor import simulate_one
from hunter.store import Store
from hunter.sut import SutOptions


def _uniform_runs(name: str, n: int) -> list[Run]:
    ls = LANDSCAPES[name]
    sut = LandscapeSut(f"landscape:{name}", SutOptions())
    store = Store(":memory:")
    rng = np.random.default_rng(0)
    return [
        store.add_run(simulate_one(sut, Scenario.of(ls.space.sample(rng), i)), sut=sut.spec)
        for i in range(n)
    ]


@pytest.mark.skipif(not prim_available(), reason=MISSING)
def test_prim_bounds_a_clear_region_from_uniform_samples():
    runs = _uniform_runs("flaky_sut", 300)  # b2 and y >= 0.5 fail at 80%; 15% of runs error
    box = {
        c.attribute: c
        for c in prim_constraints(runs, LANDSCAPES["flaky_sut"].space, frozenset({"deception"}))
        or ()
    }
    assert box["b"].values == ("b2",)
    assert box["y"].min is not None and 0.4 <= box["y"].min <= 0.6


def test_bench_skips_prim_with_one_line_when_the_extra_is_missing(monkeypatch):
    from hunter.bench import hunt, prim_baseline

    monkeypatch.setattr(prim_baseline, "prim_available", lambda: False)
    result = hunt.bench_hunt(
        quick=True,
        seeds=1,
        landscapes=["missing_cross"],
        methods=["uniform", "prim"],
        budget=50,
        n_jobs=1,
    )
    assert [r["method"] for r in result["rows"]] == ["uniform"]
    assert result["skipped"] == {"prim": MISSING}
    assert hunt.table_text(result).splitlines()[-1] == MISSING
