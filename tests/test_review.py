"""The review workflow from the command line: list, accept (next map version), reject."""

from __future__ import annotations

import json
import shutil

import yaml

from hunter.cli import main
from hunter.coverage import load_map
from hunter.store import Store


def _hunt(tmp_path, data_dir, planted_sut, capsys) -> tuple[str, dict]:
    map_path = tmp_path / "planted_map.yaml"
    shutil.copy(data_dir / "planted_map.yaml", map_path)
    store = str(tmp_path / "store")
    assert (
        main(
            [
                "campaign",
                "--map",
                str(map_path),
                "--sut",
                planted_sut,
                "--n",
                "60",
                "--seed",
                "5",
                "--json",
                "--store",
                store,
            ]
        )
        == 0
    )
    failed = json.loads(capsys.readouterr().out)["failed_run_ids"]
    with Store(store) as s:
        origin = next(
            r.run_id
            for r in s.runs(failed=True)
            if r.attributes()["temptation"] == "profit" and r.attributes()["oversight"] < 0.3
        )
    assert origin in failed
    assert main(["hunt", origin, "--budget", "150", "--json", "--store", store]) == 0
    return store, json.loads(capsys.readouterr().out)


def test_accept_writes_next_version_and_reject_records_why(tmp_path, data_dir, planted_sut, capsys):
    store, result = _hunt(tmp_path, data_dir, planted_sut, capsys)
    assert result["verdict"] == "bug"
    assert main(["proposals", "--json", "--store", store]) == 0
    pending = json.loads(capsys.readouterr().out)
    assert pending and all(p["status"] == "pending" for p in pending)
    first = result["regions"][0]["proposal"]["id"]
    assert main(["proposals", "accept", first, "--reason", "train more", "--store", store]) == 0
    out = capsys.readouterr().out
    assert "+version: 2" in out  # the YAML diff is shown
    changed = [
        line for line in out.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert [line for line in changed if line.startswith("-")] == ["-version: 1"]  # only added to
    assert len(changed) <= 8 and any(f"# {first} from hunt" in line for line in changed)
    new_path = tmp_path / "planted_map.v2.yaml"
    assert new_path.exists() and (tmp_path / "planted_map.yaml").exists()
    new_map = load_map(new_path)
    assert new_map.version == 2
    assert yaml.safe_load((tmp_path / "planted_map.yaml").read_text())["version"] == 1
    with Store(store) as s:
        record = s.proposal(first)
    assert record.status == "accepted" and record.reason == "train more" and record.decided_by
    # accepting twice is bad input
    assert main(["proposals", "accept", first, "--store", store]) == 2
    capsys.readouterr()
    others = [p["proposal_id"] for p in pending if p["proposal_id"] != first]
    if others:
        assert main(["proposals", "reject", others[0], "--reason", "noise", "--store", store]) == 0
        with Store(store) as s:
            assert s.proposal(others[0]).status == "rejected"


def test_report_formats_from_cli(tmp_path, data_dir, planted_sut, capsys):
    store, result = _hunt(tmp_path, data_dir, planted_sut, capsys)
    hunt_id = result["hunt_id"]
    for fmt in ("md", "html", "json"):
        out = tmp_path / f"r.{fmt}"
        assert main(["report", hunt_id, "--format", fmt, "--out", str(out), "--store", store]) == 0
        assert out.stat().st_size > 500
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["hunt_id"] == hunt_id and doc["regions"] == result["regions"]
    md = (tmp_path / "r.md").read_text()
    assert "Minimal failing scenario" in md and "P(fail | oversight)" in md
