"""Golden hunts: the result JSON of seeded hunts, recorded before a change and compared after.

A hunt is deterministic given its seed, so any difference here is a change of behaviour, never
noise. Fields added to the result since a file was recorded are allowed (contracts are extended,
never changed); every recorded field must keep its value. When a change of behaviour is
intended, re-record with ``HUNTER_REGOLD=1 pytest -m slow tests/golden`` and say in the commit
which hunts changed and why.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from fixtures.recorded import differences

from hunter.bench.hunt import prepare_hunt
from hunter.cli import main
from hunter.flow.hunt import HuntSettings, run_hunt

GOLDEN = Path(__file__).parent / "data"
REGOLD = os.environ.get("HUNTER_REGOLD") == "1"

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
    store, sut, setup, origin, _ = prepare_hunt(landscape, seed)
    settings = HuntSettings(budget=budget, seed=seed)
    outcome = run_hunt(store, origin.run_id, settings, setup, sut=sut)
    _compare(f"{landscape.replace(':', '-')}-s{seed}-b{budget}", outcome.result.to_json())


@pytest.mark.slow
def test_world_hunts_through_the_cli_match_golden(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(tmp_path / "store")]
    ai_ceo = str(Path(__file__).resolve().parents[2] / "maps" / "ai_ceo.yaml")
    campaign = ["campaign", "--sut", "builtin:ceo", "--map", ai_ceo, "--n", "120", "--seed", "3"]
    assert main([*campaign, "--json", *store]) == 0
    failed = json.loads(capsys.readouterr().out)["failed_run_ids"]
    results = []
    for run_id, extra in ((failed[0], []), (failed[1], ["--no-early-stop"])):
        code = main(["hunt", run_id, "--budget", "160", "--seed", "2", "--json", *extra, *store])
        assert code == 0
        results.append(json.loads(capsys.readouterr().out))
    _compare("world-cli", results)
