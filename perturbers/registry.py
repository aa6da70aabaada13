"""The registry of strategies by name: the key stored with each run (``Run.strategy``)."""

from __future__ import annotations

from typing import Any

from hunter.errors import UnknownPerturber
from hunter.perturbers.active import ActivePerturber
from hunter.perturbers.base import Perturber
from hunter.perturbers.boundary import BoundaryPerturber
from hunter.perturbers.neighbourhood import NeighbourhoodPerturber
from hunter.perturbers.one_at_a_time import OneAtATimePerturber
from hunter.perturbers.optuna_search import OptunaPerturber
from hunter.perturbers.region import RegionPerturber
from hunter.perturbers.replay import ReplayPerturber
from hunter.perturbers.uniform import UniformPerturber

_REGISTRY: dict[str, type[Perturber]] = {
    cls.name: cls
    for cls in (
        ReplayPerturber,
        OneAtATimePerturber,
        NeighbourhoodPerturber,
        UniformPerturber,
        OptunaPerturber,
        ActivePerturber,
        BoundaryPerturber,
        RegionPerturber,
    )
}

PERTURBER_NAMES: tuple[str, ...] = tuple(_REGISTRY)
"""Every registered strategy name, in the order the default schedule first uses them."""


def get_perturber(name: str, **kwargs: Any) -> Perturber:
    """A new strategy by its registered name; ``kwargs`` go to its constructor.

    Raises:
        UnknownPerturber: naming ``name`` and the known names.
    """
    cls = _REGISTRY.get(name)
    if cls is None:
        raise UnknownPerturber(f"unknown perturber {name!r}; known: {', '.join(PERTURBER_NAMES)}")
    return cls(**kwargs)
