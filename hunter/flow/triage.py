"""Triage a campaign: from a pile of failed runs to a ranked list of distinct bugs and flukes.

The loop, until every failed run is explained or the budget is spent:

1. every failed run inside a known bug's region (one of its checks failing) is that bug;
2. a failed run some hunt already called a fluke is a fluke;
3. the others are grouped by the checks they fail; the largest group's most typical run (the
   medoid of its attributes) is hunted with the per-hunt budget, or what is left of the total
   (:class:`~hunter.flow.hunt.Hunt`, unchanged: the same seed, resume and stored results);
4. its verdict explains the origin (a fluke, or a region that step 1 now finds it in) or leaves
   it unexplained.

Known bugs are every stored hunt's regions merged where they coincide
(:func:`hunter.analysis.triage.merge_bugs`), numbered ``B1``, ``B2``... in the order found, so a
failure of a later campaign or hunt inside a known region is marked as that bug everywhere.

Determinism and resume: the triage's own hunts are those a triage of this campaign started with
the same seed (recorded with each hunt); each pass ignores them at first and adds them in the
order it reaches them, so running the same command again replays the same sequence of hunts,
each returned from the store (at no cost) or resumed where it stopped. Every other hunt, a
user's hunt of one of the campaign's failures among them, is known from the start.

Bugs are numbered as ``hunter runs`` and ``hunter show`` number them (:func:`known_bugs`),
whatever order the triage reached their regions in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace

from hunter.analysis.triage import (
    Bug,
    Explained,
    FoundRegion,
    TriageResult,
    bucket_risk,
    bug_of,
    merge_bugs,
    rank_bugs,
)
from hunter.domain import Run
from hunter.errors import InvalidConfig
from hunter.flow.hunt import HuntOutcome, HuntSettings, run_hunt
from hunter.flow.review import as_stored
from hunter.records import HuntRecord
from hunter.store import Store
from hunter.sut import Sut

DEFAULT_BUDGET = 3000
DEFAULT_HUNT_BUDGET = 300
MIN_HUNT_BUDGET = 40
"""What one hunt needs at least: its replays (about 10 to call a fluke or a bug) and a first
broad batch to bound a region."""


def found_regions(hunts: Sequence[HuntRecord]) -> list[FoundRegion]:
    """The origin's region of every finished hunt that called a bug, in the order the hunts
    were made. Only the origin's: the stop rule settles that one, the other failure modes a
    hunt meets on the way are bounded in passing (often too loosely to mark runs with)."""
    out = []
    for record in hunts:
        result = record.result
        if not record.done or result is None or result.analysis.verdict != "bug":
            continue
        region = result.analysis.origin_region
        if region is not None:
            out.append(FoundRegion(record.hunt_id, region, record.setup.space))
    return out


def known_bugs(store: Store) -> tuple[Bug, ...]:
    """Every bug the store knows of: the regions of all its hunts, merged where they coincide."""
    return merge_bugs(found_regions(store.hunts()))


def _store_ids(bugs: Sequence[Bug], store_bugs: Sequence[Bug]) -> dict[str, str]:
    """Each of the triage's bugs by the ID the store's numbering gives it: that of the store's
    bug holding its first region.

    The triage merges regions in the order it reaches them, the store in the order their hunts
    were made; the two group regions alike and differ in order only when a hunt made after
    the triage's own is known to it. Should the store group two of them into one bug (a hunt
    the triage did not reach this time bridging them), the later keeps a number of its own,
    past the store's."""
    of_hunt = {f.hunt_id: bug.id for bug in store_bugs for f in bug.found}
    out: dict[str, str] = {}
    spare = len(store_bugs)
    for bug in bugs:
        wanted = of_hunt.get(bug.first.hunt_id)
        if wanted is None or wanted in out.values():
            spare += 1
            wanted = f"B{spare}"
        out[bug.id] = wanted
    return out


def _distance(a: Run, b: Run) -> float:
    """Gower-like: mismatching categorical values count 1, numbers their absolute gap (the
    runs of a campaign share one space; numbers are compared on their own scale)."""
    x, y = a.attributes(), b.attributes()
    d = 0.0
    for k in x.keys() & y.keys():
        u, v = x[k], y[k]
        if isinstance(u, int | float) and isinstance(v, int | float) and not isinstance(u, bool):
            d += min(1.0, abs(float(u) - float(v)) / (abs(float(u)) + abs(float(v)) + 1e-9))
        else:
            d += u != v
    return d


def _next_origin(pending: Sequence[Run]) -> Run:
    """The largest group of failed runs with the same failed checks, and in it the medoid (the
    run nearest all the others): the likeliest to sit inside the group's densest region."""
    groups = Counter(tuple(sorted(r.failed_checks)) for r in pending)
    size = max(groups.values())
    signature = next(s for s, n in groups.items() if n == size)
    group = [r for r in pending if tuple(sorted(r.failed_checks)) == signature]
    return min(group, key=lambda r: sum(_distance(r, o) for o in group))


def triage(
    store: Store,
    campaign_id: str,
    *,
    budget: int = DEFAULT_BUDGET,
    hunt_budget: int = DEFAULT_HUNT_BUDGET,
    seed: int = 0,
    workers: int = 1,
    sut: Sut | None = None,
    on_hunt: Callable[[HuntOutcome], None] | None = None,
) -> TriageResult:
    """Triage the failed runs of campaign ``campaign_id``.

    Raises:
        UnknownId: no such campaign.
        InvalidConfig: the campaign has no runs, or the budget is below one hunt's need.
    """
    store.campaign(campaign_id)
    runs = store.runs(campaign_id=campaign_id)
    if not runs:
        raise InvalidConfig(f"campaign {campaign_id} has no runs: nothing to triage")
    failed = [r for r in runs if r.failed and r.error is None]
    if failed and min(budget, hunt_budget) < MIN_HUNT_BUDGET:
        raise InvalidConfig(
            f"a budget of {min(budget, hunt_budget)} is below what one hunt needs"
            f" ({MIN_HUNT_BUDGET} simulations: its replays and a first batch)"
        )
    hunts = store.hunts()
    # The triage's own hunts (this command's, or an identical earlier one's): replayed in order.
    own = {h.hunt_id for h in hunts if h.settings.triage == campaign_id and h.seed == seed}
    outside = [h for h in hunts if h.hunt_id not in own]
    found = found_regions(outside)
    known_before = {b.id for b in merge_bugs(found)}
    flukes_before = {
        h.run_id: h.hunt_id
        for h in outside
        if h.done and h.result is not None and h.result.analysis.verdict == "fluke"
    }
    explained: dict[str, Explained] = {}
    done_hunts: list[str] = []
    spent = 0
    stop = "explained"
    while True:
        bugs = merge_bugs(found)
        for run in failed:
            if run.run_id in explained and explained[run.run_id].kind != "unexplained":
                continue
            bug = bug_of(run, bugs)
            if bug is not None:
                explained[run.run_id] = Explained(run.run_id, "bug", bug.id, bug.first.hunt_id)
            elif run.run_id in flukes_before:
                explained[run.run_id] = Explained(
                    run.run_id, "fluke", hunt_id=flukes_before[run.run_id]
                )
        pending = [r for r in failed if r.run_id not in explained]
        if not pending:
            break
        per_hunt = min(hunt_budget, budget - spent)
        if per_hunt < MIN_HUNT_BUDGET:
            stop = "budget"
            break
        origin = _next_origin(pending)
        outcome = run_hunt(
            store,
            origin.run_id,
            HuntSettings(budget=per_hunt, seed=seed, workers=workers, triage=campaign_id),
            sut=sut,
        )
        if on_hunt is not None:
            on_hunt(outcome)
        spent += outcome.result.simulations
        done_hunts.append(outcome.hunt_id)
        analysis = outcome.analysis
        if analysis.verdict == "fluke":
            explained[origin.run_id] = Explained(origin.run_id, "fluke", hunt_id=outcome.hunt_id)
            continue
        if analysis.verdict == "bug":
            region = analysis.origin_region
            if region is not None:
                found.append(FoundRegion(outcome.hunt_id, region, outcome.setup.space))
                if bug_of(origin, merge_bugs(found)) is not None:
                    continue
            note = "the hunt bounded no region around it"
        else:
            note = f"the hunt was {analysis.verdict}"
        explained[origin.run_id] = Explained(
            origin.run_id, "unexplained", hunt_id=outcome.hunt_id, note=note
        )
    # Each bug's proposal as the store holds it now: a later hunt's numbers may have joined it.
    stored = {p.proposal_id: p for p in store.proposals()}
    found = [replace(f, region=as_stored(f.region, stored)) for f in found]
    ids = _store_ids(merge_bugs(found), known_bugs(store))
    bugs = tuple(replace(b, id=ids[b.id]) for b in merge_bugs(found))
    known_before = {ids[b] for b in known_before}
    for run in failed:
        e = explained.get(run.run_id)
        if e is None:
            explained[run.run_id] = Explained(run.run_id, "unexplained", note="not hunted")
        elif e.bug_id is not None:
            explained[run.run_id] = replace(e, bug_id=ids[e.bug_id])
    attributed: dict[str, list[Run]] = {}
    for run in failed:
        e = explained[run.run_id]
        if e.kind == "bug" and e.bug_id is not None:
            attributed.setdefault(e.bug_id, []).append(run)
    ranked = rank_bugs(bugs, attributed, runs, frozenset(known_before))
    setup = store.campaign(campaign_id).setup
    bug_of_run = {k: v.bug_id for k, v in explained.items() if v.bug_id is not None}
    buckets = (
        bucket_risk(setup.coverage_map, runs, bug_of_run) if setup.coverage_map is not None else ()
    )
    return TriageResult(
        campaign_id=campaign_id,
        seed=seed,
        budget=budget,
        hunt_budget=hunt_budget,
        runs=sum(r.error is None for r in runs),
        failures=len(failed),
        simulations=spent,
        hunts=tuple(done_hunts),
        bugs=ranked,
        explained=tuple(explained[r.run_id] for r in failed),
        buckets=buckets,
        stop=stop,
    )
