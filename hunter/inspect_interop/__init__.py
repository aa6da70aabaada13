"""Inspect AI interop: read eval logs, failure rules and task spaces (the SUT adapter that
re-runs perturbed samples as evals is ``hunter.sut.inspect``).

Nothing here imports ``inspect_ai`` at module level: it costs seconds, and only the commands
that touch Inspect should pay for it.
"""

from hunter.inspect_interop.fail_rule import FailRule, parse_fail_rule
from hunter.inspect_interop.logs import ImportedSample, read_inspect_logs
from hunter.inspect_interop.space import space_from_task

__all__ = [
    "FailRule",
    "ImportedSample",
    "parse_fail_rule",
    "read_inspect_logs",
    "space_from_task",
]
