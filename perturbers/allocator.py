"""The allocator: which strategies propose the next batch, and how many runs each gets.

The default is an explicit staged schedule, because each stage answers the question the next
one depends on:

1. **replay**: is the origin's failure reproducible? Replays run until Wald's sequential test
   (the one the verdict uses) decides: the first batch holds just enough of them to call a
   fluke if all pass; later batches add a few while the test is undecided. A clear bug thus
   costs a handful of replays and the rest of the budget maps its region.
2. **broad** (the first ``BROAD_RUNS`` after the replays): mostly ``region``, which tests the
   analysis' current box (inside with every other attribute at random, and just past each
   side; the neighbourhood until there is a box), plus random points around the origin
   (``neighbourhood``), a few single changes (``one_at_a_time``) whose brackets ``boundary``
   starts bisecting, and ``llm_rewrite`` when a model is configured.
3. **model-guided** (to 70% of the budget): ``region`` above all, with a little ``boundary``,
   ``active`` level-set sampling and ``neighbourhood`` so fresh ground keeps coming in.
4. **edges**: ``region`` and ``boundary`` pin the sides, ``active`` and ``optuna`` look for
   what the box misses.

The shares are measured, not guessed: ``hunter bench hunt`` compares schedules on planted
landscapes, and testing the current box beat every single strategy there (the README has the
figures), because a box is only ever wrong by a constraint too many or too few, and points
inside it with everything else at random, or just past one side, expose exactly those.
Most hunts stop well before the edges stage: the hunt loop stops once the verdict and the
origin's region have settled (``hunter.analysis.stopping``).

Within a stage the batch is split by fixed shares; a strategy that runs out of ideas
(``one_at_a_time`` done, every edge pinned) hands its share on to the next in the stage, so a
batch is only short when every strategy is out of ideas. Everything is derived from the
context, so the allocator holds no state between calls: a resumed hunt gets the same batches.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from hunter.analysis.stats import BUG_ALPHA, FLUKE_BETA, hypotheses, passes_to_call_fluke
from hunter.perturbers.base import HuntContext, Perturber, Proposal
from hunter.perturbers.registry import get_perturber
from hunter.perturbers.sut_errors import error_prone_values, steer_clear

DEFAULT_STRATEGIES = (
    "replay",
    "one_at_a_time",
    "neighbourhood",
    "region",
    "active",
    "optuna",
    "boundary",
)

MIN_REPLAYS = 4
"""Replays run before the sequential test may stop them, however clear it is."""
REPLAYS_WHILE_UNDECIDED = 4
"""Fewest replays per batch while the sequential test is still undecided after the first."""
MAX_REPLAYS = 60
"""The most replays a hunt runs; the replay test is truncated toward a fluke there
(``hunter.analysis.fluke.MAX_REPLAYS``, the same number)."""
MAX_REPLAY_SHARE = 0.5
"""Largest share of a batch replays take while the test is undecided."""
DEFAULT_BACKGROUND = 0.05
"""The fluke hypothesis when the hunt has no campaign runs to measure the background on."""

FALLBACKS = ("neighbourhood", "uniform")
"""Strategies that never run out of ideas: they absorb shares others could not use."""


@dataclass(frozen=True, slots=True)
class Stage:
    """One step of the schedule: its name and each strategy's share of a batch."""

    name: str
    shares: tuple[tuple[str, float], ...]


BROAD = Stage(
    "broad",
    (
        ("region", 0.6),
        ("one_at_a_time", 0.1),
        ("llm_rewrite", 0.2),
        ("boundary", 0.1),
        ("neighbourhood", 0.2),
    ),
)
MODEL = Stage(
    "model", (("region", 0.7), ("boundary", 0.1), ("active", 0.1), ("neighbourhood", 0.1))
)
EDGES = Stage("edges", (("region", 0.5), ("boundary", 0.2), ("active", 0.2), ("optuna", 0.1)))
BROAD_RUNS = 32
"""Runs after the replays that the broad stage lasts at least."""
STAGE_ENDS = ((0.7, MODEL), (float("inf"), EDGES))
"""After the broad stage, each stage lasts until this share of the post-replay budget is spent."""


def replays_to_decide(failures: int, runs: int, p0: float, p1: float) -> int:
    """Expected replays still needed by Wald's test, under the hypothesis it now favours.

    Replays are spent by what they are expected to tell: while the test is undecided, a batch
    holds as many as the test is expected to need (its distance to the threshold it is heading
    for over the expected step of the log-likelihood ratio there). On a clean background that is
    one or two; on a noisy one (8% failing everywhere) a fluke takes a score of replays, and
    spending them at once calls it within a few batches instead of leaving it undecided.
    """
    up, down = math.log(p1 / p0), math.log((1 - p1) / (1 - p0))
    llr = failures * up + (runs - failures) * down
    if llr <= 0:
        step = p0 * up + (1 - p0) * down  # < 0: the drift under the fluke hypothesis
        target = math.log(FLUKE_BETA / (1 - BUG_ALPHA))
    else:
        step = p1 * up + (1 - p1) * down  # > 0: the drift under the bug hypothesis
        target = math.log((1 - FLUKE_BETA) / BUG_ALPHA)
    return max(1, math.ceil((target - llr) / step))


def split(shares: Mapping[str, float], n: int) -> dict[str, int]:
    """Divide ``n`` runs by ``shares`` (largest remainder; ties go to the earlier strategy)."""
    total = sum(shares.values())
    if n <= 0 or total <= 0:
        return {name: 0 for name in shares}
    exact = {name: n * w / total for name, w in shares.items()}
    counts = {name: int(x) for name, x in exact.items()}
    order = sorted(shares, key=lambda k: -(exact[k] - counts[k]))
    for name in order[: n - sum(counts.values())]:
        counts[name] += 1
    return counts


class Allocator:
    """Spend each batch across strategies by the staged schedule.

    Args:
        strategies: the strategies allowed (default: all but ``uniform``); stage shares of
            strategies not allowed go to the others.
        replays: the most replays a hunt runs (fewer once the sequential test decides).
    """

    def __init__(
        self,
        strategies: Sequence[str] | None = None,
        replays: int = MAX_REPLAYS,
        rewrite_model: str | None = None,
        journal_path: str | None = None,
    ) -> None:
        self.strategies = tuple(strategies) if strategies is not None else DEFAULT_STRATEGIES
        self.replays = replays
        self.perturbers: dict[str, Perturber] = {
            # In the schedule one pass of single changes is enough: boundary and active follow up.
            name: get_perturber(name, repeats=1) if name == "one_at_a_time" else get_perturber(name)
            for name in self.strategies
        }
        if journal_path is not None and "optuna" in self.perturbers:
            self.perturbers["optuna"] = get_perturber("optuna", journal_path=journal_path)
        if rewrite_model is not None:  # llm_rewrite is on only when a model is configured
            from hunter.perturbers.llm_rewrite import LLMRewritePerturber

            self.perturbers["llm_rewrite"] = LLMRewritePerturber(rewrite_model)

    @classmethod
    def single(cls, name: str) -> Allocator:
        """An allocator that uses strategy ``name`` alone (the benchmark's baselines).

        Raises:
            UnknownPerturber: when ``name`` is not registered.
        """
        allocator = cls(strategies=(name,), replays=0)
        allocator.perturbers = {name: get_perturber(name)}
        return allocator

    def replays_wanted(self, context: HuntContext, batch: int = 16) -> int:
        """Replays for the next batch of ``batch`` runs: none once the fluke-or-bug test has
        decided; while it is undecided, as many as it is expected to need, up to half the batch
        (:func:`replays_to_decide`)."""
        if "replay" not in self.perturbers or len(self.perturbers) == 1:
            return 0
        done = context.by_strategy("replay")
        tally = context.replays
        decided = tally.runs >= MIN_REPLAYS and tally.decision != "continue"
        if decided or len(done) >= self.replays:
            return 0
        background = DEFAULT_BACKGROUND if context.background is None else context.background
        p0, p1 = hypotheses(background)
        if not done:  # enough clean replays to call a fluke at once if that is what it is
            wanted = max(passes_to_call_fluke(p0, p1), MIN_REPLAYS)
        else:
            wanted = max(
                REPLAYS_WHILE_UNDECIDED,
                min(
                    replays_to_decide(tally.failures, tally.runs, p0, p1),
                    int(MAX_REPLAY_SHARE * batch),
                ),
            )
        return min(wanted, self.replays - len(done))

    def stage(self, context: HuntContext) -> Stage:
        """The schedule's stage for the next batch, from how much of the budget is spent."""
        replayed = len(context.by_strategy("replay"))
        done = len(context.observations) - replayed
        if done < BROAD_RUNS:
            return BROAD
        spent = done / max(context.budget - replayed, 1)
        return next(stage for end, stage in STAGE_ENDS if spent < end)

    def next_batch(
        self, context: HuntContext, rng: np.random.Generator, max_n: int
    ) -> list[Proposal]:
        """Up to ``max_n`` proposals; [] only when every strategy is out of ideas. Values the
        SUT keeps erroring on are redrawn (:mod:`hunter.perturbers.sut_errors`)."""
        batch = self._batch(context, rng, max_n)
        avoid = error_prone_values(context.observations, context.space, context.origin.attributes())
        if not avoid:
            return batch
        steered = steer_clear([p.scenario for p in batch], avoid, context.space, rng)
        return [replace(p, scenario=s) for p, s in zip(batch, steered, strict=True)]

    def _batch(self, context: HuntContext, rng: np.random.Generator, max_n: int) -> list[Proposal]:
        if max_n <= 0:
            return []
        if len(self.perturbers) == 1:
            ((name, only),) = self.perturbers.items()
            return [Proposal(name, s) for s in only.propose(context, max_n, rng)[:max_n]]
        batch: list[Proposal] = []
        replays = min(self.replays_wanted(context, max_n), max_n)
        if replays:
            batch += self._ask("replay", context, replays, rng)
        shares = {k: w for k, w in self.stage(context).shares if k in self.perturbers}
        if not shares:
            shares = {k: 1.0 for k in self.perturbers if k != "replay"} or {"replay": 1.0}
        # Each strategy gets its share plus whatever the ones before it could not use; the
        # strategies last in a stage (never out of ideas) absorb the rest.
        deficit = 0
        for name, count in split(shares, max_n - len(batch)).items():
            got = self._ask(name, context, count + deficit, rng)
            deficit = count + deficit - len(got)
            batch += got
        for name in dict.fromkeys([*FALLBACKS, *self.perturbers]):
            if len(batch) >= max_n:
                break
            if name in self.perturbers and name not in shares and name != "replay":
                batch += self._ask(name, context, max_n - len(batch), rng)
        return batch[:max_n]

    def uses(self, name: str) -> bool:
        """Whether strategy ``name`` may be asked for proposals (the hunt loop then prepares
        what it reads, such as the region estimate)."""
        return name in self.perturbers

    def _ask(
        self, name: str, context: HuntContext, n: int, rng: np.random.Generator
    ) -> list[Proposal]:
        if n <= 0:
            return []
        return [Proposal(name, s) for s in self.perturbers[name].propose(context, n, rng)[:n]]
