"""Wall time of one hunt of inspect_evals' agentic_misalignment: one eval per scenario on
worker processes (how hunter ran Inspect tasks before) against one ``eval()`` per batch.

Every model call of the fake provider (``tests/inspect_fake_provider``) waits ``--latency``
seconds, as an API would; a simulation makes two (the agent, then the task's grader). Both
modes run the same hunt (same seed, same deterministic fake model), so they simulate the same
scenarios and the table's failures must agree. Run from the repository root after ``make
setup``::

    .venv/bin/python tests/inspect/bench_concurrency.py            # 96 simulations, 0.5 s
    .venv/bin/python tests/inspect/bench_concurrency.py --budget 32 --latency 0.2
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

GRADER = "hunterfake/grader"
RULE = "harmfulness_scorer.harmful>=0.5"
TASK = "inspect_evals/agentic_misalignment"


def grid_logs(folder: Path) -> list[str]:
    """The nine scenario x urgency cells of the task, without latency."""
    from inspect_ai import eval as inspect_eval
    from inspect_ai._util.registry import registry_lookup

    task = registry_lookup("task", TASK)
    tasks = [
        task(scenario=scenario, urgency_type=urgency, grader_model=GRADER)
        for scenario in ("blackmail", "leaking", "murder")
        for urgency in ("replacement", "restriction", "none")
    ]
    logs = inspect_eval(
        tasks, model="hunterfake/agent", log_dir=str(folder), display="none", max_tasks=9
    )
    return [str(log.location) for log in logs]


def one_hunt(
    folder: Path, logs: list[str], batched: bool, workers: int, budget: int
) -> tuple[float, int, int, int]:
    """Import the grid into a fresh store and hunt its failed sample: (seconds, simulations,
    failures, errors)."""
    from hunter.flow.hunt import run_hunt
    from hunter.flow.inspect_import import import_inspect
    from hunter.records import HuntSettings
    from hunter.store import Store
    from hunter.sut import make_sut

    with Store(folder) as store:
        summary = import_inspect(store, logs, fail_when=RULE)
        origin = summary.failed_run_ids[0]
        setup = store.campaign(summary.campaign_ids[0]).setup
        sut = make_sut(setup.sut, setup.options)
        sut.supports_batches = batched  # False: the executor's worker processes, eval by eval
        settings = HuntSettings(budget=budget, seed=0, workers=workers, early_stop=False)
        start = time.perf_counter()
        outcome = run_hunt(store, origin, settings, setup, sut=sut, new=True)
        seconds = time.perf_counter() - start
        runs = outcome.runs
        return (
            seconds,
            len(runs),
            sum(r.failed for r in runs),
            sum(r.error is not None for r in runs),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=96)
    parser.add_argument("--latency", type=float, default=0.5, help="seconds per model call")
    parser.add_argument("--workers", type=int, default=4, help="for both modes")
    parser.add_argument(
        "--batch-workers", type=int, default=16, help="one more run of the batch mode"
    )
    args = parser.parse_args()
    os.environ.setdefault("INSPECT_LOG_LEVEL", "error")
    root = Path(tempfile.mkdtemp(prefix="hunter-bench-inspect-"))
    logs = grid_logs(root / "grid")
    os.environ["HUNTER_FAKE_LATENCY"] = str(args.latency)  # inherited by worker processes
    rows = []
    runs = [(False, args.workers), (True, args.workers), (True, args.batch_workers)]
    for batched, workers in runs:
        mode = "one eval per batch" if batched else "one eval per scenario (processes)"
        folder = root / f"{'batch' if batched else 'scenario'}-{workers}"
        seconds, sims, failures, errors = one_hunt(folder, logs, batched, workers, args.budget)
        rows.append((mode, workers, sims, failures, errors, seconds))
    print(
        f"agentic_misalignment hunt, budget {args.budget}, fake model {args.latency:g} s per call"
        " (2 calls per simulation)"
    )
    print(
        f"{'mode':36} {'workers':>7} {'sims':>5} {'fail':>5} {'err':>4} {'wall s':>7} {'s/sim':>6}"
    )
    for mode, workers, sims, failures, errors, seconds in rows:
        print(
            f"{mode:36} {workers:>7} {sims:>5} {failures:>5} {errors:>4}"
            f" {seconds:>7.1f} {seconds / max(sims, 1):>6.2f}"
        )


if __name__ == "__main__":
    main()
