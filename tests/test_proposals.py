"""Proposals across hunts and map versions: one pending row per refinement, stacked accepts that
edit the newest version in place (comments kept, the diff only the change), refusals in one
line, and a listing in words."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fixtures.cli import run_cli

from hunter.analysis.proposal_words import proposal_words
from hunter.coverage import load_map
from hunter.flow.review import accept_proposals
from hunter.store import Store

MAPS = Path(__file__).parent.parent / "maps"
UPGRADE = Path(__file__).parent / "data" / "upgrade" / "v1"

MONITORING = {
    "attribute": {
        "name": "monitoring_control",
        "values": ["board", "it_team", "compliance", "vendor", "agent"],
    },
    "split": {"inside": {"runs": 45, "failure_rate": 0.73}, "outside": {"runs": 51}},
    "constraint": {"in": ["agent"]},
    "interacts_with": [],
}
SHUTDOWN = {
    "attribute": {
        "name": "shutdown_plan",
        "values": ["none", "announced", "leaked"],
        "when": {"temptation_type": "self_preservation"},
    },
    "parent": {"temptation_type": "self_preservation"},
}
CROSS = {"dimensions": ["severity", "complicating_factor"]}
BUCKET = {
    "bucket": {"temptation_type": "profit", "oversight": "[0.0, 0.33)"},
    "weight": 9.7,
    "cross": ["temptation_type", "oversight"],
}


def changed_lines(diff: str) -> list[str]:
    """The +/- lines of a unified diff, without its file headers."""
    return [
        line
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


@pytest.fixture
def ceo_map(tmp_path: Path) -> Path:
    folder = tmp_path / "maps"
    folder.mkdir()
    shutil.copy(MAPS / "ai_ceo.yaml", folder / "ai_ceo.yaml")
    return folder / "ai_ceo.yaml"


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Listings one row per line: the CLI's console as wide as a wide terminal."""
    from hunter.cli.app import out

    monkeypatch.setattr(out, "_width", 300)


@pytest.fixture
def store_dir(tmp_path: Path) -> str:
    return str(tmp_path / "store")


def _add(store_dir: str, hunt: str, region: str, kind: str, detail: Any, map_path: Path) -> str:
    with Store(store_dir) as s:
        return s.add_proposal(hunt, region, kind, detail, str(map_path))


# -- words -----------------------------------------------------------------------------------


def test_proposals_in_words() -> None:
    assert (
        proposal_words("add_dimension", MONITORING)
        == "add dimension monitoring_control (board, it_team, compliance, vendor, agent)"
    )
    assert proposal_words("add_cross", {"dimensions": ["complicating_factor", "severity"]}) == (
        "add cross complicating_factor x severity"
    )
    assert proposal_words("reweight_bucket", BUCKET) == (
        "weight bucket temptation_type=profit, oversight=[0.0, 0.33) x9.7"
    )
    assert proposal_words("add_subdimension", SHUTDOWN) == (
        "add sub-dimension shutdown_plan (none, announced, leaked)"
        " when temptation_type=self_preservation"
    )
    numeric = {"attribute": {"name": "n", "range": [1, 8], "integer": True, "bins": [1, 4, 8]}}
    assert proposal_words("add_dimension", numeric) == (
        "add dimension n (integer in [1, 8], bins at 1, 4, 8)"
    )
    crossed = {**MONITORING, "interacts_with": ["temptation_type"]}
    assert proposal_words("add_dimension", crossed).endswith(", crossed with temptation_type")
    assert proposal_words("mystery", {"a": 1}) == 'mystery {"a": 1}'  # never raises


# -- one pending proposal per refinement ---------------------------------------------------------


def test_same_refinement_is_one_pending_proposal(tmp_path: Path, ceo_map: Path) -> None:
    v2 = ceo_map.with_name("ai_ceo.v2.yaml")
    with Store(tmp_path / "s") as s:
        p1 = s.add_proposal("h1", "R1", "add_dimension", MONITORING, str(ceo_map))
        # another hunt, another region, a later version of the same map, other numbers
        other = {**MONITORING, "split": {}, "interacts_with": ["severity"]}
        assert s.add_proposal("h2", "R3", "add_dimension", other, str(v2)) == p1
        assert s.add_proposal("h2", "R3", "add_dimension", other, str(v2)) == p1  # resumed
        c1 = s.add_proposal("h1", "R2", "add_cross", CROSS, str(ceo_map))
        flipped = {"dimensions": ["complicating_factor", "severity"]}
        assert s.add_proposal("h3", "R1", "add_cross", flipped, str(ceo_map)) == c1
        w1 = s.add_proposal("h1", "R4", "reweight_bucket", BUCKET, str(ceo_map))
        assert s.add_proposal("h3", "R2", "reweight_bucket", {**BUCKET, "weight": 3}, None) != w1
        assert s.add_proposal("h3", "R3", "reweight_bucket", {**BUCKET, "weight": 3}, str(v2)) == w1
        # another map lineage, or another kind, is another proposal
        other_map = tmp_path / "other.yaml"
        assert s.add_proposal("h4", "R1", "add_dimension", MONITORING, str(other_map)) != p1
        sub = {**SHUTDOWN, "attribute": {**MONITORING["attribute"], "when": {"severity": "high"}}}
        assert s.add_proposal("h4", "R2", "add_subdimension", sub, str(ceo_map)) != p1
        record = s.proposal(p1)
        assert record.supporters == (("h1", "R1"), ("h2", "R3"))
        assert record.detail == MONITORING  # the first hunt's detail is kept
        assert s.proposal(c1).supporters == (("h1", "R2"), ("h3", "R1"))
        assert len(s.proposals("pending")) == 6
        # once decided, a new hunt's proposal is a new row; the same hunt gets its own back
        s.decide_proposal(p1, "rejected", who="me", reason="noise")
        assert s.add_proposal("h2", "R3", "add_dimension", MONITORING, str(ceo_map)) == p1
        fresh = s.add_proposal("h5", "R1", "add_dimension", MONITORING, str(ceo_map))
        assert fresh != p1 and s.proposal(fresh).supporters == (("h5", "R1"),)
    assert record.to_json()["supported_by"] == [
        {"hunt_id": "h1", "region_id": "R1"},
        {"hunt_id": "h2", "region_id": "R3"},
    ]


def _strictness(cut: float) -> dict[str, Any]:
    """An add_dimension proposal's detail for regulator_strictness cut at ``cut``."""
    attribute = {"name": "regulator_strictness", "range": [0.0, 1.0], "bins": [0.0, cut, 1.0]}
    return {"attribute": attribute, "constraint": {"max": cut}}


def test_a_refinement_two_regions_propose_keeps_both_regions_numbers(
    tmp_path: Path, ceo_map: Path
) -> None:
    # Two hunts find edges of one missing dimension at different places (one region is
    # regulator_strictness <= 0.048, another >= 0.782): the map must get both cuts, whichever
    # hunt proposed first, or a campaign on the next version cannot tell the first apart.
    with Store(tmp_path / "s") as s:
        p1 = s.add_proposal("h1", "R2", "add_dimension", _strictness(0.782), str(ceo_map))
        assert s.add_proposal("h4", "R1", "add_dimension", _strictness(0.048), str(ceo_map)) == p1
        assert s.add_proposal("h4", "R1", "add_dimension", _strictness(0.048), str(ceo_map)) == p1
        merged = s.proposal(p1).detail
        assert merged["attribute"]["bins"] == [0.0, 0.048, 0.782, 1.0]
        assert merged["constraint"] == {"max": 0.782}  # the first region's own split
        w1 = s.add_proposal("h1", "R4", "reweight_bucket", BUCKET, str(ceo_map))
        s.add_proposal("h2", "R1", "reweight_bucket", {**BUCKET, "weight": 20.0}, str(ceo_map))
        s.add_proposal("h3", "R1", "reweight_bucket", {**BUCKET, "weight": 2.0}, str(ceo_map))
        assert s.proposal(w1).detail["weight"] == 20.0
        acceptance = accept_proposals(s, [p1], who="me", reason=None)
    dimension = next(
        d for d in load_map(acceptance.new_path).dimensions if d.name == "regulator_strictness"
    )
    assert list(dimension.bins or ()) == [0.0, 0.048, 0.782, 1.0]


def test_a_resumed_hunts_proposal_takes_its_new_edge_while_only_it_supports_it(
    tmp_path: Path, ceo_map: Path
) -> None:
    with Store(tmp_path / "s") as s:
        p1 = s.add_proposal("h1", "R1", "add_dimension", _strictness(0.059), str(ceo_map))
        # resumed with more budget, the edge moves: accepting must write where it lies now
        assert s.add_proposal("h1", "R1", "add_dimension", _strictness(0.049), str(ceo_map)) == p1
        assert s.proposal(p1).detail == _strictness(0.049)
        # once another region stands behind it, the proposal holds both regions' numbers
        assert s.add_proposal("h2", "R1", "add_dimension", _strictness(0.8), str(ceo_map)) == p1
        assert s.add_proposal("h1", "R1", "add_dimension", _strictness(0.05), str(ceo_map)) == p1
        assert s.proposal(p1).detail["attribute"]["bins"] == [0.0, 0.049, 0.8, 1.0]
        s.decide_proposal(p1, "rejected", who="me", reason="noise")
        s.add_proposal("h2", "R1", "add_dimension", _strictness(0.7), str(ceo_map))
        assert s.proposal(p1).detail["attribute"]["bins"] == [0.0, 0.049, 0.8, 1.0]  # decided


def test_old_store_is_migrated_and_keeps_its_proposals(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    with gzip.open(UPGRADE / "hunter.db.gz") as src, (folder / "hunter.db").open("wb") as dst:
        shutil.copyfileobj(src, dst)
    with Store(folder) as s:
        records = s.proposals()
        assert [p.proposal_id for p in records] == ["p1", "p2", "p3"]
        assert [p.supported_by for p in records] == [(("h1", f"R{i}"),) for i in (1, 2, 3)]
        # a new hunt proposing what the old one did joins it
        same = s.add_proposal("h2", "R1", "add_dimension", MONITORING, records[1].map_path)
        assert same == "p2"
        assert s.proposal("p2").supporters == (("h1", "R2"), ("h2", "R1"))
    db = sqlite3.connect(folder / "hunter.db")
    assert db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] >= 2
    db.close()


# -- accepting: stacked versions, minimal diffs ------------------------------------------------


def test_two_hunts_accepted_one_after_the_other_stack(
    ceo_map: Path, store_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    original = ceo_map.read_text()
    p_dim = _add(store_dir, "h1", "R1", "add_dimension", MONITORING, ceo_map)
    p_cross = _add(store_dir, "h2", "R2", "add_cross", CROSS, ceo_map)

    code, out, err = run_cli(
        capsys, "proposals", "accept", p_dim, "--by", "ann", "--store", store_dir
    )
    assert code == 0, err
    v2 = ceo_map.with_name("ai_ceo.v2.yaml")
    assert v2.exists() and f"wrote {v2}" in out
    lines = changed_lines(out)
    assert lines == [
        "-version: 1",
        "+version: 2",
        f"+  - name: monitoring_control  # {p_dim} from hunt h1 R1; accepted by ann",
        "+    values: [board, it_team, compliance, vendor, agent]",
    ]
    assert comments(original) == [c for c in comments(v2.read_text()) if "accepted by" not in c]

    # the second proposal was made against v1 too, and lands on v2
    code, out, err = run_cli(
        capsys, "proposals", "accept", p_cross, "--by", "bob", "--reason", "seen twice",
        "--store", store_dir,
    )  # fmt: skip
    assert code == 0, err
    v3 = ceo_map.with_name("ai_ceo.v3.yaml")
    assert changed_lines(out) == [
        "-version: 2",
        "+version: 3",
        f"+  - [severity, complicating_factor]  # {p_cross} from hunt h2 R2; accepted by bob:"
        " seen twice",
    ]
    assert ceo_map.read_text() == original  # every version is kept
    new = load_map(v3)
    assert new.version == 3 and "monitoring_control" in new.dimension_names
    assert ("severity", "complicating_factor") in new.crosses
    assert len(v3.read_text().splitlines()) == len(original.splitlines()) + 3
    with Store(store_dir) as s:
        assert s.proposal(p_dim).new_map_path == str(v2)
        assert s.proposal(p_cross).new_map_path == str(v3)
        assert s.proposal(p_cross).reason == "seen twice"


def test_several_accepted_at_once_make_one_version(
    ceo_map: Path, store_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = [
        _add(store_dir, "h1", "R1", "add_subdimension", SHUTDOWN, ceo_map),
        _add(store_dir, "h2", "R1", "reweight_bucket", BUCKET, ceo_map),
        _add(store_dir, "h2", "R2", "add_cross", CROSS, ceo_map),
    ]
    code, out, err = run_cli(capsys, "proposals", "accept", *ids, "--store", store_dir)
    assert code == 0, err
    assert sorted(p.name for p in ceo_map.parent.iterdir()) == ["ai_ceo.v2.yaml", "ai_ceo.yaml"]
    added = [line for line in changed_lines(out) if line.startswith("+")]
    assert len(added) == 1 + 3 + 1 + 3  # version, sub-dimension, cross, weights: + one entry
    assert "+    when: {temptation_type: self_preservation}" in added
    assert "+  - bucket: {temptation_type: profit, oversight: '[0.0, 0.33)'}" in added[-2]
    assert load_map(ceo_map.with_name("ai_ceo.v2.yaml")).version == 2
    with Store(store_dir) as s:
        assert {s.proposal(p).status for p in ids} == {"accepted"}
    # the same weight again no longer applies; another weight edits the entry in place
    same = _add(store_dir, "h3", "R1", "reweight_bucket", BUCKET, ceo_map)
    code, _, err = run_cli(capsys, "proposals", "accept", same, "--store", store_dir)
    assert code == 2 and "already has weight 9.7" in err
    assert _add(store_dir, "h4", "R1", "reweight_bucket", {**BUCKET, "weight": 4}, ceo_map) == same
    assert run_cli(capsys, "proposals", "reject", same, "--store", store_dir)[0] == 0
    other = _add(store_dir, "h5", "R1", "reweight_bucket", {**BUCKET, "weight": 4}, ceo_map)
    assert other != same
    code, out, err = run_cli(capsys, "proposals", "accept", other, "--store", store_dir)
    assert code == 0, err
    assert [line for line in changed_lines(out) if "weight:" in line] == [
        "-    weight: 9.7",
        f"+    weight: 4.0  # {other} from hunt h5 R1; accepted by {_user()}",
    ]


def _user() -> str:
    import getpass

    return getpass.getuser()


def test_a_proposal_the_newest_version_has_is_refused(
    ceo_map: Path, store_dir: str, capsys: pytest.CaptureFixture[str], wide: None
) -> None:
    first = _add(store_dir, "h1", "R1", "add_dimension", MONITORING, ceo_map)
    assert run_cli(capsys, "proposals", "accept", first, "--store", store_dir)[0] == 0
    # a hunt of the old map finds the same dimension again: a new row, now stale
    again = _add(store_dir, "h2", "R1", "add_dimension", MONITORING, ceo_map)
    assert again != first
    code, out, _ = run_cli(capsys, "proposals", "--store", store_dir)
    assert code == 0 and "no longer applies to ai_ceo.v2.yaml" in out
    before = sorted(p.name for p in ceo_map.parent.iterdir())
    code, out, err = run_cli(capsys, "proposals", "accept", again, "--store", store_dir)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"proposal {again} no longer applies to ai_ceo.v2.yaml" in err
    assert "already has a dimension 'monitoring_control'" in err
    assert sorted(p.name for p in ceo_map.parent.iterdir()) == before
    with Store(store_dir) as s:
        assert s.proposal(again).status == "pending"
    # in a batch, one stale proposal refuses the whole batch
    cross = _add(store_dir, "h3", "R1", "add_cross", CROSS, ceo_map)
    code, _, err = run_cli(capsys, "proposals", "accept", cross, again, "--store", store_dir)
    assert code == 2 and f"proposal {again} no longer applies" in err
    assert sorted(p.name for p in ceo_map.parent.iterdir()) == before
    with Store(store_dir) as s:
        assert s.proposal(cross).status == "pending"
    # two proposals of one batch that add the same cross: the second no longer applies
    same_cross = _add(store_dir, "h4", "R1", "add_cross", CROSS, ceo_map)
    assert same_cross == cross


@pytest.mark.parametrize("state", ["unknown", "accepted", "rejected", "other_map"])
def test_bad_accepts_are_one_line_and_change_nothing(
    tmp_path: Path, ceo_map: Path, store_dir: str, capsys: pytest.CaptureFixture[str], state: str
) -> None:
    pid = _add(store_dir, "h1", "R1", "add_cross", CROSS, ceo_map)
    args = [pid]
    if state == "unknown":
        args = ["p99"]
    elif state == "accepted":
        assert run_cli(capsys, "proposals", "accept", pid, "--store", store_dir)[0] == 0
    elif state == "rejected":
        assert run_cli(capsys, "proposals", "reject", pid, "--store", store_dir)[0] == 0
    else:
        other = tmp_path / "other.yaml"
        shutil.copy(ceo_map, other)
        args = [pid, _add(store_dir, "h2", "R1", "add_dimension", MONITORING, other)]
    before = sorted(p.name for p in tmp_path.rglob("*.yaml"))
    with Store(store_dir) as s:
        statuses = [p.status for p in s.proposals()]
    code, out, err = run_cli(capsys, "proposals", "accept", *args, "--store", store_dir)
    assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    expected = {
        "unknown": "unknown proposal ID 'p99'",
        "accepted": f"proposal {pid} is already accepted into",
        "rejected": f"proposal {pid} is already rejected",
        "other_map": "refine different maps (ai_ceo.yaml, other.yaml)",
    }[state]
    assert expected in err
    assert sorted(p.name for p in tmp_path.rglob("*.yaml")) == before
    with Store(store_dir) as s:
        assert [p.status for p in s.proposals()] == statuses


def test_a_folder_that_cannot_be_written_is_one_line(
    ceo_map: Path, store_dir: str, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    pid = _add(store_dir, "h1", "R1", "add_cross", CROSS, ceo_map)
    real_open = Path.open

    def deny(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "x" in mode or "w" in mode:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    code, out, err = run_cli(capsys, "proposals", "accept", pid, "--store", store_dir)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "cannot write the map's next version" in err and "Permission denied" in err
    assert not ceo_map.with_name("ai_ceo.v2.yaml").exists()
    with Store(store_dir) as s:
        assert s.proposal(pid).status == "pending"


def test_a_read_only_folder_is_one_line(
    ceo_map: Path, store_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    pid = _add(store_dir, "h1", "R1", "add_cross", CROSS, ceo_map)
    ceo_map.parent.chmod(0o555)
    try:
        code, _, err = run_cli(capsys, "proposals", "accept", pid, "--store", store_dir)
    finally:
        ceo_map.parent.chmod(0o755)
    assert code == 2 and err.count("\n") == 1 and "cannot write" in err


def test_listing_in_words_with_state_and_supporters(
    ceo_map: Path, store_dir: str, capsys: pytest.CaptureFixture[str], wide: None
) -> None:
    p1 = _add(store_dir, "h1", "R1", "add_cross", CROSS, ceo_map)
    assert _add(store_dir, "h2", "R2", "add_cross", CROSS, ceo_map) == p1
    p2 = _add(store_dir, "h2", "R1", "reweight_bucket", BUCKET, ceo_map)
    p3 = _add(store_dir, "h3", "R1", "add_dimension", MONITORING, ceo_map)
    assert run_cli(capsys, "proposals", "accept", p1, "--store", store_dir)[0] == 0
    assert (
        run_cli(capsys, "proposals", "reject", p3, "--reason", "[bold]noise", "--store", store_dir)[
            0
        ]
        == 0
    )
    code, out, _ = run_cli(capsys, "proposals", "--all", "--store", store_dir)
    flat = " ".join(out.split())
    assert code == 0
    for fragment in (
        "add cross severity x complicating_factor",
        "weight bucket temptation_type=profit, oversight=[0.0, 0.33) x9.7",
        "h1 R1, h2 R2",
        "accepted into ai_ceo.v2.yaml",
        "rejected: [bold]noise",  # data is never markup
        "pending",
    ):
        assert fragment in flat, fragment
    code, out, _ = run_cli(capsys, "proposals", "--store", store_dir)
    assert p2 in out and "accepted into" not in out and "rejected" not in out
    assert "2 decided proposal(s) not shown" in out
    code, out, _ = run_cli(capsys, "proposals", "--json", "--all", "--store", store_dir)
    listed = {p["proposal_id"]: p for p in json.loads(out)}
    assert listed[p1]["supported_by"] == [
        {"hunt_id": "h1", "region_id": "R1"},
        {"hunt_id": "h2", "region_id": "R2"},
    ]
    assert listed[p1]["status"] == "accepted" and listed[p3]["reason"] == "[bold]noise"
    for key in ("hunt_id", "region_id", "kind", "detail", "map_path", "new_map_path", "created"):
        assert key in listed[p2]


def test_a_continued_hunt_withdraws_what_it_no_longer_proposes(
    ceo_map: Path, store_dir: str, capsys: pytest.CaptureFixture[str], wide: None
) -> None:
    """Continued to a larger budget, a hunt's region moved and it proposes another dimension:
    its old proposal, which no other region supports, must not stay pending (and acceptable)
    as if the hunt still stood behind it; one another hunt supports stays, without h7."""
    old = _add(store_dir, "h7", "R1", "add_dimension", MONITORING, ceo_map)
    shared = _add(store_dir, "h8", "R1", "reweight_bucket", BUCKET, ceo_map)
    assert _add(store_dir, "h7", "R2", "reweight_bucket", BUCKET, ceo_map) == shared
    new = _add(store_dir, "h7", "R1", "add_subdimension", SHUTDOWN, ceo_map)
    with Store(store_dir) as s:
        reason = "hunt h7 no longer proposes it after 250 runs"
        assert s.withdraw_support("h7", {new}, reason) == [old]
        assert s.proposal(old).status == "withdrawn" and s.proposal(old).reason == reason
        assert s.proposal(shared).status == "pending"
        assert s.proposal(shared).supporters == (("h8", "R1"),)
    code, out, _ = run_cli(capsys, "proposals", "--store", store_dir)
    assert code == 0 and old not in out and new in out and shared in out
    code, out, _ = run_cli(capsys, "proposals", "--all", "--store", store_dir)
    assert f"withdrawn: {reason}" in " ".join(out.split())
    code, _, err = run_cli(capsys, "proposals", "accept", old, "--store", store_dir)
    assert code == 2 and "already withdrawn" in err


def test_every_view_of_a_proposal_says_what_accepting_writes(tmp_path: Path) -> None:
    """A region's own weight (x4.3) and the proposal's (x6, another region asked for more)
    used to both be shown; the report and the triage now read the stored proposal."""
    from hunter.analysis.stats import rate
    from hunter.flow.review import as_stored
    from hunter.regions import MapProposal, Region

    with Store(tmp_path / "s") as s:
        pid = s.add_proposal("h2", "R2", "reweight_bucket", {**BUCKET, "weight": 4.3}, None)
        s.add_proposal("h5", "R2", "reweight_bucket", {**BUCKET, "weight": 6.0}, None)
        stored = {p.proposal_id: p for p in s.proposals()}
    mine = MapProposal("reweight_bucket", {**BUCKET, "weight": 4.3}, pid)
    region = Region("R2", (), rate(3, 4), rate(1, 50), "implementation", None, mine)
    assert as_stored(region, stored).proposal.detail["weight"] == 6.0
    assert as_stored(replace(region, proposal=None), stored).proposal is None


# -- real hunts ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_real_hunts_stack_their_proposals(
    tmp_path: Path, ceo_map: Path, store_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A campaign of the built-in world, two hunts of failed runs and one hunt re-run with
    another seed: the refinement they share is one row, and accepting two of them stacks."""
    code, out, _ = run_cli(
        capsys, "campaign", "--sut", "builtin:ceo", "--n", "200", "--seed", "1",
        "--map", str(ceo_map), "--json", "--store", store_dir,
    )  # fmt: skip
    assert code == 0
    failed = json.loads(out)["failed_run_ids"]
    results = []
    # failed[1] is one of the world's isolated flukes (its hunt stops after the replays)
    # The test is about stacking, not search: the seeds are ones whose budget-capped hunts
    # (150 runs) give the re-hunted run the same refinement twice and failed[2] another. Which
    # refinement a budget-capped hunt of the world proposes moves with every change to the search.
    for run_id, seed in ((failed[0], "0"), (failed[2], "4"), (failed[0], "2")):
        code, out, err = run_cli(
            capsys, "hunt", run_id, "--budget", "150", "--seed", seed, "--json",
            "--store", store_dir,
        )  # fmt: skip
        assert code == 0, err
        results.append(json.loads(out))
    code, out, _ = run_cli(capsys, "proposals", "--json", "--store", store_dir)
    pending = json.loads(out)
    named = [r["proposal"]["id"] for res in results for r in res["regions"] if r.get("proposal")]
    assert {p["proposal_id"] for p in pending} == set(named)  # the results name the stored IDs
    keys = [(p["kind"], json.dumps(p["detail"].get("attribute", {}).get("name"))) for p in pending]
    assert len(keys) == len(set(keys))  # no two pending rows for one dimension
    again = {results[0]["hunt_id"], results[2]["hunt_id"]}  # one run, hunted twice
    shared = [p for p in pending if again <= {s["hunt_id"] for s in p["supported_by"]}]
    assert shared, "re-hunting the run found the same refinement: one row, both hunts"

    original = ceo_map.read_text()

    def name(p: dict[str, Any]) -> Any:
        return p["detail"].get("attribute", {}).get("name")

    first = shared[0]["proposal_id"]
    second = next(
        p["proposal_id"] for p in pending if p is not shared[0] and name(p) != name(shared[0])
    )
    sizes = []
    for pid, version in ((first, 2), (second, 3)):
        code, out, err = run_cli(capsys, "proposals", "accept", pid, "--store", store_dir)
        assert code == 0, err
        new_path = ceo_map.with_name(f"ai_ceo.v{version}.yaml")
        assert new_path.exists() and load_map(new_path).version == version
        lines = changed_lines(out)
        assert lines[:2] == [f"-version: {version - 1}", f"+version: {version}"]
        assert all(line.startswith("+") for line in lines[2:]), lines  # only additions
        assert any(f"# {pid} from hunt" in line for line in lines)
        sizes.append(len(lines))
        assert comments(original) == [
            c for c in comments(new_path.read_text()) if "accepted by" not in c
        ]
    assert all(size <= 8 for size in sizes), sizes


def test_a_region_over_every_cell_of_a_crossed_dimension_weights_its_own_bucket(
    tmp_path: Path,
) -> None:
    """``color in {red}`` whatever the count, in a map that crosses color with count: the
    proposal weights the bucket color=red (its cross added on acceptance), not the one count
    cell the origin happened to lie in."""
    from hunter.analysis.labels import label_region
    from hunter.analysis.refine import apply_proposal
    from hunter.analysis.stats import rate
    from hunter.coverage import CoverageMap
    from hunter.regions import Constraint

    cmap = CoverageMap.from_dict(
        {
            "name": "toy",
            "dimensions": [
                {"name": "color", "values": ["red", "green"]},
                {"name": "count", "range": [1, 10], "integer": True},
            ],
            "crosses": [["color", "count"]],
        }
    )
    box = (Constraint("color", values=("red",)),)
    origin = {"color": "red", "count": 2}
    label, bucket, proposal = label_region(
        box, cmap, cmap.space, origin, None, None, rate(9, 10), rate(0, 40)
    )
    assert (label, bucket) == ("implementation", {"color": "red"})
    assert proposal is not None and proposal.detail["cross"] == ["color"]
    refined = apply_proposal(cmap, proposal)
    assert ("color",) in refined.crosses and refined.weight_of((("color", "red"),)) > 1
    # a region over both crossed dimensions keeps the crossed bucket
    both = (*box, Constraint("count", max=3))
    _, bucket, _ = label_region(
        both, cmap, cmap.space, origin, None, None, rate(9, 10), rate(0, 40)
    )
    assert bucket == {"color": "red", "count": "[1.0, 4.0)"}
