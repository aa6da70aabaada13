"""``make demo``: a campaign of the built-in world, a hunt of a failed run, then the report.

A failure can be a fluke, which is a fair answer; the demo goes on to the next failed run until
a hunt calls a reproducible bug (at most a few tries), then writes that hunt's reports.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hunter.cli import main as hunter
from hunter.coverage import builtin_map_path
from hunter.store import Store

MAX_TRIES = 4


def run(store_dir: str, n: int, budget: int, seed: int) -> int:
    map_path = str(builtin_map_path())
    step = ["--store", store_dir]
    print(f"$ hunter campaign --map {map_path} --sut builtin:ceo --n {n} --seed {seed}", flush=True)
    code = hunter(
        [
            "campaign",
            "--map",
            map_path,
            "--sut",
            "builtin:ceo",
            "--n",
            str(n),
            "--seed",
            str(seed),
            *step,
        ]
    )
    if code:
        return code
    with Store(store_dir) as store:
        campaign = store.runs(campaigns_only=True)[-n:]
    failed = [r.run_id for r in campaign if r.failed]
    if not failed:
        print("no run failed in this campaign; nothing to hunt")
        return 0
    for run_id in failed[:MAX_TRIES]:
        print(f"\n$ hunter hunt {run_id} --budget {budget} --seed {seed}", flush=True)
        code = hunter(["hunt", run_id, "--budget", str(budget), "--seed", str(seed), *step])
        if code:
            return code
        with Store(store_dir) as store:
            hunt = [h for h in store.hunts() if h.run_id == run_id][-1]
        assert hunt.result is not None
        if hunt.result.verdict == "bug":
            break
        print(f"run {run_id} was a {hunt.result.verdict}; trying the next failed run")
    reports = Path(store_dir) / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    for fmt in ("md", "html"):
        out = reports / f"{hunt.hunt_id}.{fmt}"
        print(f"\n$ hunter report {hunt.hunt_id} --format {fmt} --out {out}", flush=True)
        code = hunter(["report", hunt.hunt_id, "--format", fmt, "--out", str(out), *step])
        if code:
            return code
    print(f"\nreport: {(reports / f'{hunt.hunt_id}.html').resolve()}")
    print(f"        {(reports / f'{hunt.hunt_id}.md').resolve()}")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", default="runs")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--budget", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sys.exit(run(args.store, args.n, args.budget, args.seed))


if __name__ == "__main__":
    main()
