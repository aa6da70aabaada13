"""A hunt killed (``os._exit``, as ``kill -9``) right after each of its store writes in turn,
then resumed, ends with exactly the result and runs of a hunt never interrupted."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from reliability.helpers import DATA, campaign_args

from hunter.cli import main
from hunter.store import Store

PLANTED = f"{DATA / 'planted_sut.py'}:simulate"
VICTIM = textwrap.dedent(
    """
    import os
    import sys
    from contextlib import contextmanager

    from hunter import store

    plain, plain_lease = store.Store.atomic, store.Store.acquire_hunt
    commits = 0
    leasing = False

    @contextmanager
    def atomic(self):
        global commits
        outermost = not self._db.in_transaction
        with plain(self):
            yield
        if outermost and not leasing:  # a write of the hunt's data, not of its lease
            commits += 1
            if commits >= int(sys.argv[1]):
                os._exit(9)  # killed right after this write, as kill -9 would

    def acquire_hunt(self, *args, **kwargs):
        global leasing
        leasing = True
        try:
            return plain_lease(self, *args, **kwargs)
        finally:
            leasing = False

    store.Store.atomic = atomic
    store.Store.acquire_hunt = acquire_hunt
    from hunter.cli import main

    if __name__ == "__main__":
        sys.exit(main(sys.argv[2:]))
    """
)


def _runs(folder: Path) -> list[tuple]:
    with Store(folder) as s:
        hunt = s.hunts()[-1]
        return sorted(
            (json.dumps(r.attributes(), sort_keys=True), r.seed, r.failed, r.error, r.strategy)
            for r in s.runs(hunt_id=hunt.hunt_id)
        )


@pytest.mark.slow
def test_a_hunt_killed_after_every_store_write_resumes_to_the_same_result(tmp_path, capsys):
    base = tmp_path / "base"
    space = str(DATA / "planted_space.yaml")
    assert main(campaign_args(str(base), PLANTED, 30, "--no-isolation", "--space", space)) == 0
    with Store(base) as s:
        origin = s.runs(failed=True)[0].run_id
    capsys.readouterr()
    hunt = ["hunt", origin, "--budget", "24", "--seed", "2", "--json", "--no-isolation"]

    reference = tmp_path / "reference"
    shutil.copytree(base, reference)
    assert main([*hunt, "--store", str(reference)]) == 0
    expected = json.loads(capsys.readouterr().out)

    crashed = tmp_path / "crashed"
    shutil.copytree(base, crashed)
    victim = tmp_path / "victim.py"
    victim.write_text(VICTIM)
    kills = 0
    for _ in range(60):
        proc = subprocess.run(
            [sys.executable, str(victim), "1", *hunt, "--store", str(crashed)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if proc.returncode != -9 and proc.returncode != 9:
            break
        kills += 1
    assert proc.returncode == 0, proc.stderr
    print(f"kills survived: {kills}")  # the count the reliability report quotes (pytest -s)
    assert kills >= expected["simulations"] + 2  # every run, the hunt record, the finish
    # Finished on the last write: one more session returns the stored result.
    final = subprocess.run(
        [sys.executable, str(victim), "1000", *hunt, "--store", str(crashed)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert final.returncode == 0, final.stderr
    assert json.loads(final.stdout) == expected
    assert _runs(crashed) == _runs(reference)
    with Store(crashed) as s:
        assert len(s.hunts()) == len(Store(reference).hunts())
        supports = [(p.hunt_id, p.region_id) for p in s.proposals()]
    assert len(supports) == len(set(supports))
