"""``make demo``: the whole loop on the built-in world, from a campaign to a verified fix.

1. A campaign samples a copy of the default map (kept in the store folder, so accepting a
   proposal writes the map's next version there, never into the installed package).
2. A triage of the campaign: its failed runs grouped into distinct bugs (one hunt per
   candidate), the isolated failures called flukes, the bugs ranked by risk.
3. The single-hunt walkthrough: the hunt of the bug the "retrained" agent of step 6 addresses
   (subvert_oversight), so that the recheck has something to show; the triage already ran it,
   so the same command returns it from the store. Without a triage hunt of that check (or when
   it was a fluke) the demo hunts the check's failed runs itself, at most a few.
4. The region report for fixers, in Markdown and HTML.
5. The first proposal is accepted into the map's next version (its diff is shown).
6. A "fixed" agent (a profile with the monitoring misbehaviour removed, as a training run would)
   is rechecked on every region of the hunt: the fixed region passes (a region of another
   failure mode the hunt bounded on the way would still fail).
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
from importlib import resources
from pathlib import Path

from hunter.cli import main as hunter
from hunter.coverage import builtin_map_path
from hunter.store import Store

MAX_TRIES = 4
FIXED_PROFILE = "no_monitoring_subversion.yaml"
FIXED_CHECK = "subvert_oversight"
"""The check whose failures the retrained agent (``FIXED_PROFILE``) should no longer show."""


def _step(*args: str) -> int:
    """Print a command as a user would type it (paths relative to here, the store option left
    out), then run it in this process."""
    shown = [_relative(a) for a in args[:-2]] if args[-2:-1] == ("--store",) else list(args)
    print(f"\n$ hunter {shlex.join(shown)}", flush=True)
    return hunter(list(args))


def _relative(arg: str) -> str:
    prefix, sep, path = arg.rpartition(":") if arg.startswith("scripted:") else ("", "", arg)
    if not Path(path).is_absolute():
        return arg
    try:
        path = str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return arg
    return f"{prefix}{sep}{path}"


def run(store_dir: str, n: int, budget: int, seed: int) -> int:
    store = ["--store", store_dir]
    maps = Path(store_dir) / "maps"
    maps.mkdir(parents=True, exist_ok=True)
    map_path = maps / "ai_ceo.yaml"
    if not map_path.exists():
        shutil.copyfile(builtin_map_path(), map_path)
    campaign = ["campaign", "--sut", "builtin:ceo", "--n", str(n), "--seed", str(seed)]
    if code := _step(*campaign, "--map", str(map_path), *store):
        return code
    with Store(store_dir) as db:
        runs = db.runs(campaigns_only=True)[-n:]
    failed_runs = [r for r in runs if r.failed]
    if not failed_runs:
        print("no run failed in this campaign; nothing to hunt")
        return 0
    campaign_id = failed_runs[0].campaign_id or "c1"
    triage = ["triage", campaign_id, "--hunt-budget", str(budget), "--seed", str(seed)]
    if code := _step(*triage, *store):
        return code
    # The triage's hunt of the fixed check first, then that check's failures in run order.
    with Store(store_dir) as db:
        triaged = [
            h.run_id
            for h in db.hunts()
            if h.result is not None
            and h.result.analysis.verdict == "bug"
            and FIXED_CHECK in db.run(h.run_id).failed_checks
            and h.budget == budget
            and h.seed == seed
        ]
    failed = triaged[:1]
    failed += [r.run_id for r in failed_runs if FIXED_CHECK in r.failed_checks]
    failed += [r.run_id for r in failed_runs]
    failed = list(dict.fromkeys(failed))
    for run_id in failed[:MAX_TRIES]:
        if code := _step("hunt", run_id, "--budget", str(budget), "--seed", str(seed), *store):
            return code
        with Store(store_dir) as db:
            hunt = [h for h in db.hunts() if h.run_id == run_id][-1]
        assert hunt.result is not None
        if hunt.result.verdict == "bug":
            break
        print(f"run {run_id} was a {hunt.result.verdict}; trying the next failed run")
    hunt_id = hunt.hunt_id
    reports = Path(store_dir) / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    for fmt in ("md", "html"):
        out = reports / f"{hunt_id}.{fmt}"
        if code := _step("report", hunt_id, "--format", fmt, "--out", str(out), *store):
            return code
    assert hunt.result is not None
    proposals = [r.proposal.id for r in hunt.result.analysis.regions if r.proposal]
    with Store(store_dir) as db:
        pending = [p for p in proposals if p and db.proposal(p).status == "pending"]
    if pending and (code := _step("proposals", "accept", pending[0], "--by", "demo", *store)):
        return code
    profile = resources.files("hunter.world") / "profiles" / FIXED_PROFILE
    agent = f"scripted:{profile}"
    print(f"\n# the agent retrained: {FIXED_PROFILE} (monitoring subversion removed)")
    if code := _step("recheck", hunt_id, "--agent", agent, "--seed", str(seed), *store):
        return code
    print(f"\nreport: {(reports / f'{hunt_id}.html').resolve()}")
    print(f"        {(reports / f'{hunt_id}.md').resolve()}")
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
