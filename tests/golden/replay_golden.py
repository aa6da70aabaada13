"""Run one golden case and print its result JSON (run by ``test_golden_hunts`` in a process of
its own, with the numerics pinned: see ``pinned_numerics``).

Usage: ``replay_golden.py LANDSCAPE SEED BUDGET`` or ``replay_golden.py world-cli STORE_DIR``.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path
from typing import Any

from hunter.bench.hunt import prepare_hunt
from hunter.cli import main
from hunter.flow.hunt import HuntSettings, run_hunt


def landscape_hunt(landscape: str, seed: int, budget: int) -> Any:
    store, sut, setup, origin, _ = prepare_hunt(landscape, seed)
    outcome = run_hunt(store, origin.run_id, HuntSettings(budget=budget, seed=seed), setup, sut=sut)
    return outcome.result.to_json()


def _cli(args: list[str]) -> Any:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main([*args, "--json"])
    if code != 0:
        raise SystemExit(f"hunter {' '.join(args)} exited with {code}")
    return json.loads(printed.getvalue())


def world_hunts_through_the_cli(store_dir: str) -> Any:
    store = ["--store", store_dir]
    ai_ceo = str(Path(__file__).resolve().parents[2] / "maps" / "ai_ceo.yaml")
    campaign = ["campaign", "--sut", "builtin:ceo", "--map", ai_ceo, "--n", "120", "--seed", "3"]
    failed = _cli([*campaign, *store])["failed_run_ids"]
    return [
        _cli(["hunt", run_id, "--budget", "160", "--seed", "2", *extra, *store])
        for run_id, extra in ((failed[0], []), (failed[1], ["--no-early-stop"]))
    ]


if __name__ == "__main__":
    if sys.argv[1] == "world-cli":
        result = world_hunts_through_the_cli(sys.argv[2])
    else:
        result = landscape_hunt(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
    print(json.dumps(result))
