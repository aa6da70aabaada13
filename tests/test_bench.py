"""The hunt benchmark's contract (section 5) on a one-landscape, one-seed run."""

from __future__ import annotations

import itertools
import json

from hunter.bench.hunt import REPORTED, bench_hunt, checkpoints, table_text


def test_bench_hunt_rows_summary_and_table(tmp_path):
    result = bench_hunt(
        quick=True,
        budget=200,
        seeds=1,
        landscapes=["missing_cross"],
        methods=["hunter", "neighbourhood", "tpe"],
        n_jobs=1,
        out_dir=str(tmp_path),
    )
    json.dumps(result)
    rows = {r["method"]: r for r in result["rows"]}
    assert set(rows) == {"hunter", "neighbourhood", "tpe"}
    for row in rows.values():
        assert {"landscape", "method", "seed", "sims_to_f1_90", "f1_at", "label_ok"} <= set(row)
        assert {"100", "200"} <= set(row["f1_at"])
    summary = result["summary"]
    assert {"ratio_vs_uniform", "ratio_vs_tpe", "fluke_sims_median"} <= set(summary)
    # one seed: the interval over seeds is the ratio itself
    low, high = summary["ratio_interval_vs"]["tpe"]
    assert low == high == summary["ratio_vs_tpe"]
    hunter = rows["hunter"]["sims_to_f1_90"] or 200
    assert summary["ratio_vs_tpe"] == round(hunter / (rows["tpe"]["sims_to_f1_90"] or 200), 3)
    assert summary["mean_sims_to_f1_90"]["hunter"] == hunter
    assert rows["neighbourhood"]["simulations"] == 200  # baselines spend their whole budget
    assert rows["hunter"]["kind"] == "clear" and rows["hunter"]["stop_reason"] in {
        "settled",
        "budget",
    }
    stops = summary["stop_errors"]
    assert stops["self_stopped"] == (rows["hunter"]["stop_reason"] == "settled")
    assert stops["wrong"] == (
        stops["self_stopped"]
        and (rows["hunter"]["origin_f1"] < 0.9 or not rows["hunter"]["label_ok"])
    )
    assert set(summary["by_class"]["clear"]) == {"hunter", "neighbourhood", "tpe"}
    text = table_text(result)
    assert "| missing_cross | hunter |" in text and "hunter / method (mean)" in text
    assert (tmp_path / "bench_hunt.csv").is_file() and (tmp_path / "bench_hunt.png").is_file()


def test_checkpoints_round_every_method_up_by_a_tenth_at_most():
    for budget in (120, 300, 400):
        grid = checkpoints(budget)
        assert grid[0] == 10 and grid[-1] == budget
        assert {k for k in REPORTED if k <= budget} <= set(grid)
        for before, after in itertools.pairwise(grid):
            # a figure between two points is read at the later one
            assert before < after <= max(before + 1, -(-before * 11 // 10))
            assert after - before <= 25
