from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures.cli import run_cli

HOSTILE = Path(__file__).parent / "hostile_sut.py"
DATA = Path(__file__).parent.parent / "data"


def hostile(func: str) -> str:
    return f"{HOSTILE}:{func}"


HOSTILE_MAP = Path(__file__).parent / "hostile_map.yaml"


def campaign_args(
    store: str, sut: str, n: int = 8, *extra: str, map_path: Path = DATA / "planted_map.yaml"
) -> list[str]:
    return [
        "campaign",
        "--map",
        str(map_path),
        "--sut",
        sut,
        "--n",
        str(n),
        "--seed",
        "5",
        "--json",
        "--store",
        store,
        *extra,
    ]


@pytest.fixture
def campaign_of(tmp_path, capsys):
    """Run a campaign of a hostile SUT; return (exit code, parsed JSON or None, stderr, store)."""

    def run(sut: str, n: int = 8, *extra: str) -> tuple[int, dict | None, str, str]:
        store = str(tmp_path / "store")
        code, out, err = run_cli(capsys, *campaign_args(store, sut, n, *extra))
        return code, (json.loads(out) if code == 0 else None), err, store

    return run
