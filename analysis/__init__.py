"""Analysis of hunts: fluke or bug, failure modes, regions, labels, proposals and reports.

No I/O here: functions take domain values and return frozen values (``hunter.regions``). The
statistics every part shares are in ``stats``; what the hunt loop learns after each batch is
``batch.analyse_batch``; the analysis of a whole hunt is ``hunt_analysis.analyse_hunt``.
"""

from hunter.analysis.batch import BatchAnalysis, analyse_batch
from hunter.analysis.fluke import tally_replays
from hunter.analysis.hunt_analysis import analyse_hunt, background_pool, background_rate
from hunter.analysis.refine import apply_proposal
from hunter.analysis.stats import rate, upper_bound

__all__ = [
    "BatchAnalysis",
    "analyse_batch",
    "analyse_hunt",
    "apply_proposal",
    "background_pool",
    "background_rate",
    "rate",
    "tally_replays",
    "upper_bound",
]
