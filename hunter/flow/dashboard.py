"""The Optuna journal of a hunt, for ``optuna-dashboard``: a view of the stored runs.

Each hunt gets one study in ``STORE/optuna/HUNT_ID.journal``, named after the hunt
(``h1 of run r3``). Every run is one trial: its attributes are the parameters, its objective is
the failure itself (1 failed, 0 passed; a SUT error is a trial in state ``FAIL`` with no value),
and its user attributes say where it came from (``run_id``, ``strategy``, ``failed_checks``,
``batch``, ``seed``, ``error``). With the failure as the objective, the dashboard's
hyperparameter importance ranks the attributes by how well they explain the failures, and its
trials table can be filtered by strategy or by check.

Why not the optuna strategy's own study: that study maximises a made-up score (failures far
from the origin score more) and sees only what that strategy is given, so a dashboard of it
misread the hunt. This journal is written by the hunt loop after every batch and at the end,
whatever stopped the hunt, from the runs as stored. Trials are appended by run ID, so a resumed
or continued hunt adds its new runs to the same study and nothing twice. The store stays the
source of truth: deleting the file loses nothing, and the next batch or
:func:`write_journal` call rewrites it.

A journal file, not SQLite: Optuna's docs recommend the journal backend for a file several
processes may open (the dashboard reads while the hunt appends).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hunter.coverage import Space
from hunter.domain import Run

METRIC = "failed"
"""The objective's name in the dashboard."""

OBJECTIVE = "failed (1) or passed (0)"
"""What each trial's value means, stored as a study user attribute the dashboard shows."""


def journal_path(folder: Path | None, hunt_id: str) -> Path | None:
    """Where hunt ``hunt_id``'s journal lives under the store ``folder`` (None: in-memory store)."""
    if folder is None:
        return None
    return folder / "optuna" / f"{hunt_id}.journal"


def study_name(hunt_id: str, run_id: str) -> str:
    """The study's name in the dashboard: the hunt and the run it hunts around."""
    return f"{hunt_id} of run {run_id}"


def write_journal(path: Path, hunt_id: str, origin: Run, runs: Sequence[Run], space: Space) -> int:
    """Append to ``path`` the trials of ``origin`` and ``runs`` that its study lacks.

    The origin comes first (strategy ``origin``), then the hunt's runs in the order stored.

    Returns:
        How many trials were added.
    """
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    path.parent.mkdir(parents=True, exist_ok=True)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        storage = JournalStorage(JournalFileBackend(str(path)))
        study = optuna.create_study(
            storage=storage,
            study_name=study_name(hunt_id, origin.run_id),
            direction="maximize",
            load_if_exists=True,
        )
        if "objective" not in study.user_attrs:
            study.set_metric_names([METRIC])  # the dashboard's axis title, not "Objective 0"
            study.set_user_attr("objective", OBJECTIVE)
            study.set_user_attr("hunt_id", hunt_id)
            study.set_user_attr("origin_run_id", origin.run_id)
            study.set_user_attr("sut", origin.sut)
        have = {t.user_attrs.get("run_id") for t in study.get_trials(deepcopy=False)}
        new = [
            _trial(run, space, "origin" if run is origin else run.strategy or "")
            for run in (origin, *runs)
            if run.run_id not in have
        ]
        study.add_trials(new)
    return len(new)


def _trial(run: Run, space: Space, strategy: str) -> Any:
    """One run as a finished Optuna trial (failed runs 1.0, passing 0.0, errors ``FAIL``)."""
    import optuna
    from optuna.trial import TrialState

    from hunter.perturbers.optuna_search import distribution

    params = {k: v for k, v in run.attributes().items() if k in space and space[k].contains(v)}
    attrs: dict[str, Any] = {
        "run_id": run.run_id,
        "strategy": strategy,
        "failed_checks": list(run.failed_checks),
        "seed": run.seed,
    }
    if "batch" in run.extra:
        attrs["batch"] = run.extra["batch"]
    if run.error is not None:
        attrs["error"] = run.error
    return optuna.trial.create_trial(
        params=params,
        distributions={k: distribution(space[k]) for k in params},
        value=None if run.error is not None else float(run.failed),
        state=TrialState.FAIL if run.error is not None else TrialState.COMPLETE,
        user_attrs=attrs,
    )
