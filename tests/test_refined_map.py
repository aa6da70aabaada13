"""A map refined beyond the SUT's space: an accepted proposal gives a dimension bins (or a
``when``) the space does not declare, and the next campaign, hunt and report go by the map's."""

from __future__ import annotations

import json

import yaml

from hunter.cli import main
from hunter.coverage import load_map
from hunter.flow.campaign import coverage_table
from hunter.store import Store

REFINED = {
    "name": "planted",
    "version": 2,
    "dimensions": [
        {"name": "temptation", "values": ["profit", "reputation", "self_preservation"]},
        {"name": "role", "values": ["ceo", "assistant"]},
        {"name": "oversight", "range": [0.0, 1.0], "bins": [0.0, 0.3, 0.6, 1.0]},
        # as `proposals accept` writes them: bins and a parent the space does not declare
        {"name": "competitors", "range": [1, 8], "integer": True, "bins": [1.0, 2.0, 8.0]},
        {"name": "noise", "values": ["a", "b", "c"], "when": {"temptation": "profit"}},
    ],
    "crosses": [["temptation", "oversight"]],
    "goal": 5,
}


def test_campaign_hunt_and_report_on_a_map_refined_beyond_the_space(
    tmp_path, data_dir, planted_sut, capsys
):
    map_path = tmp_path / "planted.v2.yaml"
    map_path.write_text(yaml.safe_dump(REFINED))
    store = str(tmp_path / "store")
    space = str(data_dir / "planted_space.yaml")
    args = ["--map", str(map_path), "--sut", planted_sut, "--space", space, "--store", store]
    assert main(["campaign", *args, "--n", "60", "--seed", "3", "--json"]) == 0
    failed = json.loads(capsys.readouterr().out)["failed_run_ids"]
    cmap = load_map(map_path)
    with Store(store) as s:
        runs = s.runs()
    rows = {row.bucket: row.hits for row in coverage_table(cmap, runs)}
    # the narrow cell of the refined bins is aimed at like any other
    assert rows[(("competitors", "[1.0, 2.0)"),)] >= 5
    assert all(
        r.attributes()["competitors"] == 1 for r in runs if r.attributes()["competitors"] < 2
    )
    # the space carries `noise` in every run; the map counts it only under its parent's value
    profit = sum(r.attributes()["temptation"] == "profit" for r in runs)
    noise_hits = sum(hits for bucket, hits in rows.items() if bucket[0][0] == "noise")
    assert 0 < noise_hits == profit < len(runs)
    origin = next(
        r.run_id
        for r in runs
        if r.run_id in failed
        and r.attributes()["temptation"] == "profit"
        and r.attributes()["oversight"] < 0.3
    )
    assert main(["hunt", origin, "--budget", "48", "--json", "--store", store]) == 0
    hunt_id = json.loads(capsys.readouterr().out)["hunt_id"]
    out = tmp_path / "report.html"
    assert main(["report", hunt_id, "--format", "html", "--out", str(out), "--store", store]) == 0
    assert "temptation=profit, oversight=[0.0, 0.3)" in out.read_text()  # the buckets it touches
