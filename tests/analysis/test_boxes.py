"""Boxes as contract constraints."""

from __future__ import annotations

from hunter.analysis.boxes import Box, to_constraints
from hunter.analysis.table import ABSENT
from hunter.coverage import Space
from hunter.domain import AttributeSpec
from hunter.regions import Constraint

SPACE = Space(
    (
        AttributeSpec("kind", values=("a", "b", "c")),
        AttributeSpec("flavour", values=("sweet", "sour"), when=(("kind", ("a", "b")),)),
        AttributeSpec("x", range=(0.0, 1.0)),
    )
)


def test_a_present_sub_dimension_is_its_parents_condition() -> None:
    """Peeling away "absent" keeps every value of the sub-dimension, which as a value set says
    nothing: the box means "the parent is one that switches it on"."""
    box = Box({"flavour": frozenset({"sweet", "sour"})}, {}, {"x": 0.4})
    assert to_constraints(box, SPACE) == (
        Constraint("kind", values=("a", "b")),
        Constraint("x", max=0.4),
    )


def test_sub_dimension_values_and_parent_constraints_combine() -> None:
    box = Box({"kind": frozenset({"b", "c"}), "flavour": frozenset({"sour"})}, {}, {})
    assert to_constraints(box, SPACE) == (
        Constraint("kind", values=("b",)),
        Constraint("flavour", values=("sour",)),
    )


def test_a_box_that_allows_absent_says_nothing_of_the_parent() -> None:
    box = Box({"flavour": frozenset({"sweet", "sour", ABSENT})}, {}, {})
    assert to_constraints(box, SPACE) == ()
