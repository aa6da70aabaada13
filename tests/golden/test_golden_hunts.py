"""Golden hunts: the result JSON of seeded hunts, recorded before a change and compared after.

A hunt is deterministic given its seed, so any difference here is a change of behaviour, never
noise, as long as the arithmetic is the same. It is not across machines by default: numpy picks
SIMD kernels for the CPU it runs on (AVX2 on one machine, AVX-512 on the next) whose results
differ in the last bits, and a hunt is a chain of decisions on such numbers (a tie between two
cuts, an edge at a rounding boundary), so one seed bounded different boxes on two machines.
Each case therefore runs in a process of its own with numpy held to its baseline kernels and
BLAS to one thread (:func:`pinned_numerics`); the arithmetic is then the same on every machine
of one architecture with the same numpy.

Fields added to the result since a file was recorded are allowed (contracts are extended,
never changed); every recorded field must keep its value. When a change of behaviour is
intended, re-record with ``HUNTER_REGOLD=1 pytest -m slow tests/golden`` and say in the commit
which hunts changed and why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fixtures.recorded import differences

GOLDEN = Path(__file__).parent / "data"
REGOLD = os.environ.get("HUNTER_REGOLD") == "1"
REPLAY = Path(__file__).with_name("replay_golden.py")

LANDSCAPE_HUNTS = [
    ("in_bucket", 0, 200),
    ("missing_cross", 1, 200),
    ("sub_dimension", 2, 200),
    ("small_in_large", 1, 200),
    ("two_modes", 0, 150),
    ("low_rate", 3, 150),
    ("fluke", 0, 150),
    ("fluke", 4, 150),
    ("world:collusion_low_oversight", 0, 150),
    ("world:leaked_shutdown_memo", 1, 150),
]


def pinned_numerics() -> dict[str, str]:
    """The environment of a process whose arithmetic does not depend on the CPU: every SIMD
    target numpy could dispatch to beyond its baseline disabled (numpy reads this at import),
    and BLAS and OpenMP on one thread (a sum split over threads is added in another order)."""
    from numpy._core import _multiarray_umath

    env = dict(os.environ)
    env["NPY_DISABLE_CPU_FEATURES"] = " ".join(getattr(_multiarray_umath, "__cpu_dispatch__", []))
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"
    return env


def _replay(*args: str) -> Any:
    done = subprocess.run(
        [sys.executable, str(REPLAY), *args],
        env=pinned_numerics(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def _compare(name: str, result: Any) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(result, indent=1, sort_keys=True) + "\n"
    if REGOLD or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not REGOLD:
            pytest.fail(f"recorded missing golden file {path.name}; run again")
    assert differences(json.loads(path.read_text(encoding="utf-8")), json.loads(text)) == []


@pytest.mark.slow
@pytest.mark.parametrize(("landscape", "seed", "budget"), LANDSCAPE_HUNTS)
def test_landscape_hunt_matches_golden(landscape: str, seed: int, budget: int) -> None:
    result = _replay(landscape, str(seed), str(budget))
    _compare(f"{landscape.replace(':', '-')}-s{seed}-b{budget}", result)


@pytest.mark.slow
def test_world_hunts_through_the_cli_match_golden(tmp_path: Path) -> None:
    _compare("world-cli", _replay("world-cli", str(tmp_path / "store")))
