"""hunter: find out whether a failed agent run is a fluke or a bug, and map its failing region.

The Python API, for notebooks and scripts (the ``hunter`` command line is a thin layer on it)::

    import hunter

    with hunter.open_store("runs") as store:
        campaign = hunter.campaign(store, "builtin:ceo", n=300, seed=1)
        outcome = hunter.hunt(store, campaign.failed_run_ids[0], seed=1)
        print(outcome.result.verdict, [r.id for r in outcome.result.analysis.regions])
        runs = hunter.frames.runs(store)  # pandas: one row per run, attributes as columns

A SUT is a ``--sut`` string (``builtin:ceo``, ``MODULE:FUNC``, ``cmd:...``) or a plain
function ``f(attributes, seed) -> trajectory`` (:class:`CallableSut`). Results are the typed
records the store keeps (:class:`Run`, :class:`HuntResult`, :class:`Region`, ...) and, through
:mod:`hunter.frames`, pandas DataFrames. Every name is loaded on first use (module
``__getattr__``), so ``import hunter`` stays cheap and importing a part never imports the API.

The package is layered; each layer imports only the ones below it (``.importlinter`` states the
rules and ``make test`` checks them):

* ``hunter.cli``: the command line, one module per command group, the error edge and rendering.
* ``hunter.api`` and ``hunter.frames``: the Python API above, over everything below.
* ``hunter.bench``: reproducible benchmarks and their ground truth.
* ``hunter.flow``: campaigns, the hunt loop, Inspect imports, reports gathered, proposals reviewed;
  the one layer where the store, SUTs, strategies and analysis meet.
* ``hunter.perturbers`` (search strategies) and ``hunter.analysis`` (statistics, regions,
  labels, reports): pure, they see only the domain layer (and strategies the shared
  statistics), never each other, the store or the SUTs. ``hunter.store`` and
  ``hunter.executor`` sit beside them.
* ``hunter.sut`` (one adapter per kind of SUT), over ``hunter.models``, ``hunter.inspect_interop``
  and ``hunter.world`` (the built-in AI-CEO simulation).
* The domain layer: ``hunter.records`` (what the store keeps: setups, settings, results),
  ``hunter.regions`` (regions and analyses as values), ``hunter.coverage`` (maps, spaces,
  buckets), ``hunter.domain`` (scenarios, verdicts, runs) and ``hunter.errors``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hunter import frames
    from hunter.analysis.triage import TriageResult
    from hunter.api import (
        campaign,
        common_errors,
        hunt,
        open_store,
        report,
        rerun,
        resume,
        run,
        triage,
    )
    from hunter.coverage import CoverageMap, Space, load_map, load_space
    from hunter.domain import Run, Trajectory, Verdict
    from hunter.errors import HunterError, InvalidConfig, StoreError, SutError, UnknownId
    from hunter.flow.campaign import CampaignResult, CoverageRow
    from hunter.flow.hunt import HuntOutcome, Progress
    from hunter.records import (
        CampaignRecord,
        HuntRecord,
        HuntResult,
        HuntSettings,
        StopReason,
        SutOptions,
    )
    from hunter.regions import Constraint, HuntAnalysis, Rate, Region
    from hunter.store import Store
    from hunter.sut import Sut
    from hunter.sut.callable_sut import CallableSut

_LAZY = {
    # the API
    "open_store": "hunter.api",
    "campaign": "hunter.api",
    "hunt": "hunter.api",
    "resume": "hunter.api",
    "run": "hunter.api",
    "rerun": "hunter.api",
    "report": "hunter.api",
    "common_errors": "hunter.api",
    "triage": "hunter.api",
    "recheck": "hunter.api",
    "brief": "hunter.api",
    # records, as the store returns them
    "Store": "hunter.store",
    "Run": "hunter.domain",
    "Verdict": "hunter.domain",
    "Trajectory": "hunter.domain",
    "CampaignResult": "hunter.flow.campaign",
    "CoverageRow": "hunter.flow.campaign",
    "HuntOutcome": "hunter.flow.hunt",
    "TriageResult": "hunter.analysis.triage",
    "Progress": "hunter.flow.hunt",
    "CampaignRecord": "hunter.records",
    "HuntRecord": "hunter.records",
    "HuntResult": "hunter.records",
    "HuntSettings": "hunter.records",
    "StopReason": "hunter.records",
    "SutOptions": "hunter.records",
    "HuntAnalysis": "hunter.regions",
    "Region": "hunter.regions",
    "Rate": "hunter.regions",
    "Constraint": "hunter.regions",
    # maps, spaces and SUTs
    "CoverageMap": "hunter.coverage",
    "Space": "hunter.coverage",
    "load_map": "hunter.coverage",
    "load_space": "hunter.coverage",
    "Sut": "hunter.sut",
    "CallableSut": "hunter.sut.callable_sut",
    # errors
    "HunterError": "hunter.errors",
    "InvalidConfig": "hunter.errors",
    "StoreError": "hunter.errors",
    "SutError": "hunter.errors",
    "UnknownId": "hunter.errors",
}
_SUBMODULES = ("frames",)

__all__ = [
    "CallableSut",
    "CampaignRecord",
    "CampaignResult",
    "Constraint",
    "CoverageMap",
    "CoverageRow",
    "HuntAnalysis",
    "HuntOutcome",
    "HuntRecord",
    "HuntResult",
    "HuntSettings",
    "HunterError",
    "InvalidConfig",
    "Progress",
    "Rate",
    "Region",
    "Run",
    "Space",
    "StopReason",
    "Store",
    "StoreError",
    "Sut",
    "SutError",
    "SutOptions",
    "Trajectory",
    "TriageResult",
    "UnknownId",
    "Verdict",
    "brief",
    "campaign",
    "common_errors",
    "frames",
    "hunt",
    "load_map",
    "load_space",
    "open_store",
    "recheck",
    "report",
    "rerun",
    "resume",
    "run",
    "triage",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562) and keep it, so the next use is a lookup."""
    if name in _SUBMODULES:
        value: Any = importlib.import_module(f"hunter.{name}")
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'hunter' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
