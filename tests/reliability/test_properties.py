"""Property tests: malformed maps, spaces, trajectories and option values, generated.

Each generated input ends one of two ways only: exit 2 with one line (nothing stored), or for a
trajectory a recorded SUT error. Never a traceback, never exit 1. Examples are bounded so the
file runs in seconds.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability.helpers import DATA

from hunter.cli import main
from hunter.coverage import CoverageMap, Space
from hunter.domain import Outcome, Scenario, Trajectory
from hunter.errors import InvalidConfig, MalformedTrajectory
from hunter.store import DB_NAME, Store

OK_SUT = f"{Path(__file__).parent / 'ok_sut.py'}:simulate"
FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
)
json_like = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
verdict_like = st.fixed_dictionaries(
    {"failed": st.booleans() | scalars},
    optional={
        "check": scalars | json_like,
        "severity": scalars,
        "evidence": scalars | json_like,
        "event_ids": json_like,
    },
)
trajectory_like = (
    st.fixed_dictionaries(
        {},
        optional={
            "verdicts": st.lists(verdict_like, max_size=3) | json_like,
            "events": st.lists(json_like, max_size=3) | json_like,
            "failed": scalars,
            "input_tokens": scalars,
            "output_tokens": scalars,
            "cost_usd": scalars,
            "note": json_like,
        },
    )
    | json_like
)


def _strict(text: str) -> object:
    def refuse(name: str) -> object:
        raise AssertionError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


@settings(max_examples=300, deadline=None)
@given(trajectory_like)
def test_any_trajectory_is_parsed_or_a_sut_error_and_stores_as_strict_json(raw):
    try:
        trajectory = Trajectory.from_json(raw)
    except MalformedTrajectory:
        return
    for verdict in trajectory.verdicts:
        assert isinstance(verdict.check, str) and isinstance(verdict.evidence, str)
    _strict(json.dumps(trajectory.to_json(), allow_nan=False))
    with Store(":memory:") as store:
        run = store.add_run(Outcome(Scenario.of({"a": 1}, 1), trajectory, None), sut="s")
        _strict(json.dumps(store.run(run.run_id).to_json(events=True), allow_nan=False))


attribute_like = st.fixed_dictionaries(
    {"name": st.sampled_from(["a", "b", "c"]) | scalars},
    optional={
        "values": st.lists(scalars, max_size=4) | scalars,
        "range": st.lists(scalars, max_size=3) | scalars,
        "bins": st.lists(scalars, max_size=4),
        "integer": scalars,
        "when": json_like,
        "default": scalars,
        "extra": scalars,
    },
)
space_like = (
    st.fixed_dictionaries({"attributes": st.lists(attribute_like, max_size=3) | json_like})
    | json_like
)
map_like = (
    st.fixed_dictionaries(
        {
            "name": scalars,
            "version": scalars,
            "dimensions": st.lists(attribute_like, max_size=3) | json_like,
        },
        optional={"crosses": st.lists(st.lists(scalars, max_size=3), max_size=2) | json_like},
    )
    | json_like
)


@settings(max_examples=300, deadline=None)
@given(map_like, space_like)
def test_any_map_or_space_loads_or_is_invalid_config(raw_map, raw_space):
    for load in (lambda: CoverageMap.from_dict(raw_map), lambda: Space.from_dict(raw_space)):
        try:
            load()
        except InvalidConfig as exc:
            assert str(exc)


def _digest(folder: Path) -> str:
    path = folder / DB_NAME
    digest = hashlib.sha256()
    if not path.exists():  # no store, or an empty new one: nothing stored either way
        return digest.hexdigest()
    db = sqlite3.connect(path)
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        if table not in {"hunt_leases", "schema_version", "sqlite_sequence"}:
            for row in db.execute(f"SELECT * FROM {table} ORDER BY rowid"):
                digest.update(repr(row).encode())
    db.close()
    return digest.hexdigest()


def _cli(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


@FAST
@given(
    st.one_of(
        map_like.map(lambda m: yaml.safe_dump(m, allow_unicode=True)),
        st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
        st.text(max_size=64),
    )
)
def test_a_generated_map_file_runs_or_is_one_line_exit_2(tmp_path, capsys, text):
    folder = tmp_path / "store"
    path = tmp_path / "map.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    before = _digest(folder)
    code, err = _cli(
        capsys,
        "campaign",
        "--map",
        str(path),
        "--sut",
        OK_SUT,
        "--n",
        "1",
        "--no-isolation",
        "--store",
        str(folder),
    )
    assert code in (0, 2), err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and err.startswith("hunter: error:"), err
        assert _digest(folder) == before


bad_ints = st.one_of(
    st.integers(max_value=-1),
    st.integers(min_value=2**63),
    st.floats(allow_nan=True).map(repr),
    st.text(alphabet="abcxyz-+. e", min_size=1, max_size=6),
)
bad_seconds = st.one_of(
    st.floats(max_value=0),
    st.sampled_from(["nan", "inf", "-inf", "1e400", "", "soon"]),
)


@FAST
@given(
    st.one_of(
        st.tuples(st.just("--seed"), bad_ints),
        st.tuples(
            st.just("--n"), st.one_of(bad_ints, st.just(0), st.integers(min_value=10**9 + 1))
        ),
        st.tuples(st.just("--workers"), st.one_of(bad_ints, st.just(0))),
        st.tuples(st.just("--timeout"), bad_seconds),
        st.tuples(st.just("--retries"), st.one_of(bad_ints, st.integers(min_value=21))),
        st.tuples(st.just("--memory-limit"), st.one_of(bad_ints, st.integers(max_value=15))),
        st.tuples(st.just("--max-trajectory-mb"), bad_seconds),
    )
)
def test_a_malformed_option_is_one_line_exit_2_and_stores_nothing(tmp_path, capsys, option):
    name, value = option
    folder = tmp_path / "store"
    before = _digest(folder)
    code, err = _cli(
        capsys, "campaign", "--map", str(DATA / "planted_map.yaml"), "--sut", OK_SUT,
        "--n", "1", name, str(value), "--store", str(folder),
    )  # fmt: skip
    assert code == 2, (option, err)
    assert len(err.strip().splitlines()) == 1, err
    assert _digest(folder) == before
