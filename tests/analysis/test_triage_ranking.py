"""Triage's pure parts on hand-worked values: box measures, coinciding regions, ranking, and the
per-bucket residual risk."""

from __future__ import annotations

import pytest

from hunter.analysis.stats import rate, upper_bound
from hunter.analysis.triage import (
    FoundRegion,
    bucket_risk,
    bug_of,
    measure,
    merge_bugs,
    overlap,
    rank_bugs,
    same_bug,
)
from hunter.coverage import CoverageMap, Space
from hunter.domain import Outcome, Run, Scenario, Trajectory, Verdict
from hunter.regions import Constraint, Region

SPACE = Space.from_dict(
    {
        "attributes": [
            {"name": "a", "values": ["a0", "a1", "a2", "a3"]},
            {"name": "x", "range": [0.0, 1.0]},
            {"name": "k", "range": [1, 8], "integer": True},
        ]
    }
)
A1 = Constraint("a", values=("a1",))


def region(rid: str, *constraints: Constraint, check: str = "c", inside=(8, 10)) -> Region:
    return Region(rid, tuple(constraints), rate(*inside), rate(0, 50), "spec", None, None, (check,))


def run(rid: str, a: str, x: float, k: int, failed: str | None, severity: str = "high") -> Run:
    verdicts = (Verdict(failed or "c", failed is not None, severity),)
    outcome = Outcome(Scenario.of({"a": a, "x": x, "k": k}, 1), Trajectory(verdicts), None)
    return Run(rid, outcome.scenario, "s", failed is not None, None, verdicts)


def test_measure_is_the_product_of_shares_and_counts_integers():
    assert measure((A1,), SPACE) == pytest.approx(0.25)
    assert measure((A1, Constraint("x", max=0.2)), SPACE) == pytest.approx(0.05)
    # k in 1..8 has 8 values; k >= 7 is two of them
    assert measure((Constraint("k", min=7),), SPACE) == pytest.approx(2 / 8)
    assert measure((), SPACE) == 1.0


def test_overlap_is_the_share_of_the_smaller_box_inside_the_other():
    tight = (A1, Constraint("x", max=0.1))
    loose = (A1, Constraint("x", max=0.2))
    assert overlap(tight, loose, SPACE) == pytest.approx(1.0)
    # a box missing a constraint: the smaller (with k >= 7) lies wholly inside
    assert overlap((A1,), (A1, Constraint("k", min=7)), SPACE) == pytest.approx(1.0)
    # x <= 0.2 against 0.1 <= x <= 0.5: 0.1 of 0.2
    other = (A1, Constraint("x", min=0.1, max=0.5))
    assert overlap(loose, other, SPACE) == pytest.approx(0.5)
    assert overlap((A1,), (Constraint("a", values=("a2",)),), SPACE) == 0.0


def test_same_bug_needs_a_common_check_and_coinciding_boxes():
    r1 = region("R1", A1, Constraint("x", max=0.1))
    r2 = region("R1", A1, Constraint("x", max=0.12))
    assert same_bug(r1, r2, SPACE)
    assert not same_bug(r1, region("R1", A1, Constraint("x", max=0.12), check="d"), SPACE)
    assert not same_bug(r1, region("R2", A1, Constraint("x", min=0.5)), SPACE)


def test_merge_numbers_bugs_in_the_order_found_and_joins_coinciding_regions():
    found = [
        FoundRegion("h1", region("R1", A1, Constraint("x", max=0.1)), SPACE),
        FoundRegion("h2", region("R1", Constraint("a", values=("a2",))), SPACE),
        FoundRegion("h3", region("R1", A1, Constraint("x", max=0.11)), SPACE),
        FoundRegion("h4", region("R1"), SPACE),  # no constraint: no region
    ]
    bugs = merge_bugs(found)
    assert [b.id for b in bugs] == ["B1", "B2"]
    assert bugs[0].hunt_ids == ("h1", "h3") and bugs[1].hunt_ids == ("h2",)


def test_a_failed_run_is_a_bug_only_inside_its_region_with_one_of_its_checks():
    bugs = merge_bugs([FoundRegion("h1", region("R1", A1, Constraint("x", max=0.1)), SPACE)])
    assert bug_of(run("r1", "a1", 0.05, 3, "c"), bugs) is bugs[0]
    assert bug_of(run("r2", "a1", 0.05, 3, "d"), bugs) is None  # another failure mode
    assert bug_of(run("r3", "a1", 0.5, 3, "c"), bugs) is None  # outside: new
    assert bug_of(run("r4", "a1", 0.05, 3, None), bugs) is None  # passed


def test_rank_by_contribution_weighted_by_severity():
    b1 = FoundRegion("h1", region("R1", A1, inside=(5, 10)), SPACE)  # 50% inside
    b2 = FoundRegion("h2", region("R1", Constraint("a", values=("a2",)), inside=(8, 10)), SPACE)
    bugs = merge_bugs([b1, b2])
    campaign = [run(f"r{i}", "a1", 0.5, 3, None) for i in range(4)]  # 4 of 10 in B1
    campaign += [run(f"s{i}", "a2", 0.5, 3, None) for i in range(2)]  # 2 of 10 in B2
    campaign += [run(f"t{i}", "a0", 0.5, 3, None) for i in range(3)]
    f1 = run("f1", "a1", 0.5, 3, "c", severity="high")
    f2 = run("f2", "a2", 0.5, 3, "c", severity="critical")
    campaign += [f1]
    ranked = rank_bugs(bugs, {"B1": [f1], "B2": [f2]}, campaign, frozenset({"B2"}))
    # B1: share 5/10 x 50% = 25%, high (x1); B2: share 2/10 x 80% = 16%, critical (x2) = 32%
    assert [b.bug.id for b in ranked] == ["B2", "B1"]
    assert ranked[1].share == pytest.approx(0.5) and ranked[1].contribution == pytest.approx(0.25)
    assert ranked[0].contribution == pytest.approx(0.16) and ranked[0].risk == pytest.approx(0.32)
    assert ranked[0].known and not ranked[1].known
    assert ranked[0].to_json()["words"] == "a is a2"


def test_bucket_risk_counts_failures_and_the_residual_with_exact_upper_bounds():
    cmap = CoverageMap("m", 1, (SPACE["a"],), crosses=(("a",),), goal=5)
    runs = [run(f"r{i}", "a1", 0.5, 3, None) for i in range(8)]
    runs += [run("f1", "a1", 0.5, 3, "c"), run("f2", "a1", 0.5, 3, "c")]
    runs += [run(f"s{i}", "a2", 0.5, 3, None) for i in range(5)]
    table = {b.bucket: b for b in bucket_risk(cmap, runs, {"f1": "B1"})}
    a1 = table[(("a", "a1"),)]
    assert (a1.rate.runs, a1.rate.failures, a1.residual.failures) == (10, 2, 1)
    assert a1.upper == pytest.approx(upper_bound(2, 10))
    assert a1.residual_upper == pytest.approx(upper_bound(1, 10)) and a1.bugs == ("B1",)
    a2 = table[(("a", "a2"),)]
    assert a2.rate.failures == 0 and a2.upper == pytest.approx(1 - 0.05 ** (1 / 5))
    a0 = table[(("a", "a0"),)]  # never sampled: nothing is known
    assert a0.rate.runs == 0 and a0.upper == 1.0
    assert next(iter(table.values())).upper >= a1.upper  # highest upper bound first
