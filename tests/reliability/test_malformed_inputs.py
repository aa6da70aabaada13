"""Every malformed input: one line on stderr, exit 2, and the store exactly as it was."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from pathlib import Path

import pytest
from reliability.helpers import DATA, HOSTILE, campaign_args, hostile, run_cli

from hunter.errors import StoreError
from hunter.store import DB_NAME, Store

PLANTED = f"{DATA / 'planted_sut.py'}:simulate"


@pytest.fixture(scope="module")
def base_store(tmp_path_factory) -> tuple[Path, str]:
    """A store with one campaign of the planted SUT: (folder, a failed run's ID)."""
    from hunter.cli import main

    folder = tmp_path_factory.mktemp("malformed") / "store"
    args = campaign_args(
        str(folder), PLANTED, 24, "--no-isolation", "--space", str(DATA / "planted_space.yaml")
    )
    assert main(args) == 0
    with Store(folder) as s:
        failed = s.runs(failed=True)[0].run_id
    return folder, failed


def rows(folder: Path) -> str:
    """A digest of every row of every table: equal digests, an unchanged store."""
    db = sqlite3.connect(folder / DB_NAME)
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    digest = hashlib.sha256()
    for table in sorted(tables):
        if table == "hunt_leases":
            continue
        for row in db.execute(f"SELECT * FROM {table} ORDER BY rowid"):
            digest.update(repr(row).encode())
    db.close()
    return digest.hexdigest()


def _bad_map(tmp: Path) -> str:
    path = tmp / "latin1.yaml"
    path.write_bytes("name: caf\xe9\nversion: 1\n".encode("latin-1"))
    return str(path)


def _conflicting_map(tmp: Path) -> str:
    path = tmp / "conflict.yaml"
    path.write_text(
        "name: planted\nversion: 1\ndimensions:\n  - name: temptation\n    values: [a, b]\n"
        "crosses:\n  - [temptation]\n"
    )
    return str(path)


CASES = {
    "non-UTF-8 map": lambda t, r: ["campaign", "--map", _bad_map(t), "--sut", PLANTED],
    "budget beyond 64 bits": lambda t, r: ["hunt", r, "--budget", str(2**64)],
    "seed beyond 64 bits": lambda t, r: ["hunt", r, "--seed", str(2**64)],
    "negative seed": lambda t, r: ["hunt", r, "--seed", "-1"],
    "campaign seed beyond 64 bits": lambda t, r: [
        *campaign_args("", PLANTED, 2)[:-2],
        "--seed",
        str(2**70),
    ],
    "report into a missing folder": lambda t, r: [
        "report",
        "h1",
        "--out",
        str(t / "missing" / "r.md"),
    ],
    "hunt --map conflicting with the space": lambda t, r: ["hunt", r, "--map", _conflicting_map(t)],
    "negative timeout": lambda t, r: ["hunt", r, "--timeout", "-1"],
    "zero timeout": lambda t, r: [*campaign_args("", PLANTED, 2)[:-2], "--timeout", "0"],
    "NaN timeout": lambda t, r: ["hunt", r, "--timeout", "nan"],
    "negative retries": lambda t, r: ["hunt", r, "--retries", "-1"],
    "tiny memory limit": lambda t, r: ["hunt", r, "--memory-limit", "0"],
    "cmd: missing program": lambda t, r: ["hunt", r, "--sut", "cmd:no-such-program-xyz"],
    "missing SUT file": lambda t, r: ["hunt", r, "--sut", str(t / "nope.py") + ":f"],
    "unknown strategy": lambda t, r: ["hunt", r, "--strategy", "no_such_strategy", "--budget", "8"],
    "unknown run": lambda t, r: ["hunt", "r99999"],
    "zero n": lambda t, r: [*campaign_args("", PLANTED, 0)[:-2]],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_input_is_one_line_exit_2_and_stores_nothing(case, base_store, tmp_path, capsys):
    import shutil

    folder, failed = tmp_path / "store", base_store[1]
    shutil.copytree(base_store[0], folder)
    args = [a for a in CASES[case](tmp_path, failed) if a != ""]
    if "--store" in args:
        i = args.index("--store")
        del args[i : i + 2]
    before = rows(folder)
    code, _, err = run_cli(capsys, *args, "--store", str(folder))
    assert code == 2, (case, err)
    assert len(err.strip().splitlines()) == 1 and err.startswith("hunter: error: "), err
    assert rows(folder) == before, f"{case} changed the store"
    with Store(folder) as s:
        assert all(h.status == "done" for h in s.hunts())


def test_a_read_only_store_can_be_read(base_store, tmp_path, capsys, monkeypatch):
    import shutil

    folder, failed = base_store
    copy = tmp_path / "ro"
    shutil.copytree(folder, copy)
    monkeypatch.setattr("hunter.store._writable", lambda path: False)
    code, out, err = run_cli(capsys, "runs", "--json", "--store", str(copy))
    assert code == 0, err
    assert len(json.loads(out)) == 24
    code, out, err = run_cli(capsys, "show", failed, "--store", str(copy))
    assert code == 0, err
    before = rows(copy)
    code, out, err = run_cli(capsys, "hunt", failed, "--budget", "8", "--store", str(copy))
    assert code == 2 and "read-only" in err
    assert rows(copy) == before


def test_one_live_process_per_hunt_and_stale_leases_are_taken_over(tmp_path):
    first, second = Store(tmp_path / "s"), Store(tmp_path / "s")
    first.acquire_hunt("h1")
    with pytest.raises(StoreError, match=r"hunt h1 is being run by process \d+ on"):
        second.acquire_hunt("h1")
    # A lease not renewed for longer than the timeout is taken over; its old holder notices.
    second._db.execute("UPDATE hunt_leases SET heartbeat = heartbeat - 3600")
    second.acquire_hunt("h1")
    first.release_hunt("h1")  # deletes only its own lease row
    second.release_hunt("h1")
    first.close()
    second.close()


def test_a_lease_lost_to_another_process_stops_its_writes(tmp_path):
    from hunter.domain import Outcome, Scenario

    first, second = Store(tmp_path / "s"), Store(tmp_path / "s")
    first.acquire_hunt("h1")
    second._db.execute("UPDATE hunt_leases SET heartbeat = heartbeat - 3600")
    second.acquire_hunt("h1")
    first._leases["h1"].lost = True  # what its heartbeat thread finds on its next renewal
    outcome = Outcome(Scenario.of({"a": 1}, 1), None, "x")
    with pytest.raises(StoreError, match="taken over"):
        first.add_run(outcome, sut="s", hunt_id="h1")
    second.add_run(outcome, sut="s", hunt_id="h1")
    first.close()
    second.close()


def test_finishing_a_hunt_is_one_transaction(base_store, tmp_path, capsys, monkeypatch):
    import shutil

    folder, failed = base_store
    copy = tmp_path / "fin"
    shutil.copytree(folder, copy)

    def killed(self, result):
        raise KeyboardInterrupt  # as if the process died between proposals and "done"

    monkeypatch.setattr("hunter.store.Store.finish_hunt", killed)
    code, _, err = run_cli(capsys, "hunt", failed, "--budget", "48", "--store", str(copy))
    assert code == 130
    with Store(copy) as s:
        assert s.proposals() == [] and s.hunts()[-1].status == "running"
    monkeypatch.undo()
    code, _, err = run_cli(capsys, "hunt", failed, "--budget", "48", "--store", str(copy))
    assert code == 0, err
    with Store(copy) as s:
        regions = [(p.hunt_id, p.region_id) for p in s.proposals()]
    assert len(regions) == len(set(regions))


def test_cmd_sut_transient_exit_is_marked(tmp_path):
    from hunter.domain import Scenario
    from hunter.executor import simulate_one
    from hunter.sut import SutOptions, make_sut

    sut = make_sut(f"cmd:{sys.executable} {HOSTILE} tempfail", SutOptions(retries=0))
    assert "status 75" in (simulate_one(sut, Scenario.of({}, 1)).error or "")
    assert hostile("x").endswith(":x")
