"""What an installed hunter carries: the packaged maps and the benchmark's ground truth.

Production code must not read the source tree (``tests/``, top-level folders by path): an
installed wheel has neither. The maps ship as ``hunter.maps``; the plants as
``hunter.bench.ground_truth``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hunter.cli import main
from hunter.coverage import builtin_map_path, load_map
from hunter.errors import InvalidConfig

ROOT = Path(__file__).resolve().parents[1]


def test_builtin_map_path_finds_the_packaged_maps():
    path = builtin_map_path()
    assert path.name == "ai_ceo.yaml" and path.is_file()
    assert path == builtin_map_path("ai_ceo")
    assert load_map(path).dimensions
    assert builtin_map_path("agentic_misalignment").is_file()


def test_builtin_map_path_unknown_name_is_invalid_config():
    with pytest.raises(InvalidConfig, match=r"no built-in map 'nope'.*ai_ceo"):
        builtin_map_path("nope")


def test_world_landscapes_come_from_the_packaged_ground_truth():
    from hunter.bench.ground_truth import PLANTS
    from hunter.bench.landscapes import world_landscapes

    landscapes = world_landscapes()
    assert len(landscapes) == len(PLANTS) == 4
    assert set(landscapes) == {f"world:{p.name}" for p in PLANTS}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def test_only_the_benchmark_reads_the_ground_truth():
    readers = []
    for folder in ("hunter", "perturbers", "analysis"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.parent == ROOT / "hunter" / "bench":
                continue
            if any("ground_truth" in m for m in _imported_modules(path)):
                readers.append(str(path.relative_to(ROOT)))
    assert readers == []


def test_campaign_without_map_uses_the_packaged_map_for_the_builtin_world(tmp_path, capsys):
    code = main(
        ["campaign", "--sut", "builtin:ceo", "--n", "3", "--json", "--store", str(tmp_path / "s")]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    from hunter.store import Store

    with Store(str(tmp_path / "s")) as store:
        runs = store.runs(campaigns_only=True)
    assert len(runs) == 3


def test_campaign_without_map_for_another_sut_is_one_line_exit_2(tmp_path, capsys, planted_sut):
    code = main(["campaign", "--sut", planted_sut, "--n", "3", "--store", str(tmp_path / "s")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("hunter: error: ") and "--map" in err
    assert len(err.strip().splitlines()) == 1


def _build_requirements_missing() -> str | None:
    """Why ``pip wheel --no-build-isolation`` cannot run here (pyproject's build-system), if so."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        major = int(version("setuptools").split(".")[0])
        version("wheel")
    except PackageNotFoundError as exc:
        return f"build requirement {exc.name} is not installed"
    if major < 68:
        return "setuptools>=68 is not installed"
    return None


@pytest.mark.slow
def test_wheel_ships_maps_and_ground_truth_but_no_tests(tmp_path):
    missing = _build_requirements_missing()
    if missing:
        pytest.skip(f"{missing} (pip install 'setuptools>=68' wheel)")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("hunter-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "hunter/maps/ai_ceo.yaml",
        "hunter/maps/agentic_misalignment.yaml",
        "hunter/bench/ground_truth.py",
    ):
        assert expected in names, expected
    assert not [n for n in names if n.startswith("tests/") or "/tests/" in n]
    assert not [n for n in names if n.startswith(("maps/", "perturbers/", "analysis/"))]
