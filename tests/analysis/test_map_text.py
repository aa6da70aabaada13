"""Accepting edits the map's YAML text minimally: comments, spacing, order and flow style stay,
only the new entry, the version and a comment line change."""

from __future__ import annotations

import difflib

import pytest
import yaml

from hunter.analysis.refine import ProposalDoesNotApply, refine_map_text
from hunter.coverage import CoverageMap
from hunter.errors import InvalidConfig
from hunter.regions import MapProposal

BASE = """\
# A map written by hand.
name: toy   # the toy map
version: 4
dimensions:
- name: kind
  values:   [a, b, c]       # odd spacing, kept
- name: level
  range: [0.0, 1.0]
  bins:
    - 0.0
    - 0.5
    - 1.0
  when:
    kind: a

# crosses below
crosses:
- [kind, level]
goal: 10
# the end
"""

DIM = MapProposal("add_dimension", {"attribute": {"name": "switch", "values": ["on", "off"]}}, "p1")
WEIGHT = MapProposal(
    "reweight_bucket", {"bucket": {"kind": "a"}, "weight": 2.5, "cross": ["kind"]}, "p3"
)


def diff(old: str, new: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def parse(text: str) -> CoverageMap:
    return CoverageMap.from_dict(yaml.safe_load(text))


def test_new_dimension_is_appended_in_the_files_own_style() -> None:
    new, cmap = refine_map_text(BASE, [(DIM, "p1 by me")], version=5)
    assert diff(BASE, new) == [
        "-version: 4",
        "+version: 5",
        "+- name: switch  # p1 by me",
        "+  values: ['on', 'off']",  # quoted: PyYAML would read on/off as booleans
    ]
    assert new.index("name: switch") < new.index("# crosses below")  # the comment stays put
    assert cmap.space["switch"].values == ("on", "off") and cmap.version == 5
    assert parse(new) == cmap


def test_block_lists_nested_mappings_and_missing_keys() -> None:
    sub = MapProposal(
        "add_subdimension",
        {"attribute": {"name": "depth", "range": [1, 4], "integer": True, "bins": [1, 2, 4],
                       "when": {"kind": ["a", "b"]}}},
        "p4",
    )  # fmt: skip
    cross = MapProposal("add_cross", {"dimensions": ["level", "depth"]}, "p2")
    new, cmap = refine_map_text(BASE, [(sub, "p4"), (WEIGHT, "p3"), (cross, "p2")], version=5)
    assert diff(BASE, new) == [
        "-version: 4",
        "+version: 5",
        "+- name: depth  # p4",
        "+  range: [1, 4]",
        "+  integer: true",
        "+  bins:",  # block, indented like level's bins
        "+    - 1",
        "+    - 2",
        "+    - 4",
        "+  when:",  # block like level's when, its list in flow style
        "+    kind: [a, b]",
        "+- [kind]  # p3",  # the weighted bucket's cross, which the map lacked
        "+- [level, depth]  # p2",
        "+weights:",  # a new key, after the last one and before the closing comment
        "+- bucket: {kind: a}  # p3",
        "+  weight: 2.5",
    ]
    assert new.endswith("weight: 2.5\n# the end\n")
    assert parse(new) == cmap and cmap.weight_of((("kind", "a"),)) == 2.5


def cross_ab(text: str) -> tuple[str, CoverageMap]:
    return refine_map_text(
        text, [(MapProposal("add_cross", {"dimensions": ["a", "b"]}, "p1"), "n")], version=2
    )


TWO = "name: t\ndimensions:\n  - name: a\n    values: [x, y]\n  - name: b\n    values: [u]\n"


def test_flow_lists_empty_lists_nulls_and_no_version() -> None:
    # a flow-style document is written out whole, the notes on top
    new, cmap = cross_ab("{name: t, dimensions: [{name: a, values: [x]}, {name: b, values: [u]}]}")
    assert new.startswith("# n\n") and cmap.crosses == (("a", "b"),) and parse(new) == cmap
    # no version: one is added after the name
    text = TWO + "crosses: []  # none yet\n"
    new, cmap = cross_ab(text)
    assert diff(text, new) == [
        "+version: 2",
        "-crosses: []  # none yet",
        "+crosses:  # none yet",
        "+  - [a, b]  # n",
    ]
    assert parse(new) == cmap
    new, cmap = cross_ab(TWO + "crosses: [[a]]\n")
    assert "# n\ncrosses: [[a], [a, b]]\n" in new and parse(new) == cmap
    new, cmap = cross_ab(TWO + "crosses:\ngoal: 3\n")
    assert new.endswith("crosses:\n  - [a, b]  # n\ngoal: 3\n") and parse(new) == cmap
    new, cmap = cross_ab(TWO.rstrip("\n"))  # no final newline, no crosses
    assert new.endswith("    values: [u]\ncrosses:\n  - [a, b]  # n\n") and parse(new) == cmap
    numbers = MapProposal("add_dimension", {"attribute": {"name": "c", "values": ["1", "2"]}}, "p")
    new, cmap = refine_map_text(TWO, [(numbers, "n")], version=2)
    assert "  - name: c  # n\n    values: ['1', '2']\n" in new
    assert cmap.space["c"].values == ("1", "2") and parse(new) == cmap
    tiny = {"name": "d", "range": [0.0, 1.0], "bins": [0.0, 1e-05, 1.0]}  # 1e-05: a str to PyYAML
    new, cmap = refine_map_text(
        TWO, [(MapProposal("add_dimension", {"attribute": tiny}, "p"), "n")], version=2
    )
    assert "bins: [0.0, 1.0e-05, 1.0]" in new and cmap.space["d"].bins == (0.0, 1e-05, 1.0)


def test_weight_changes_in_place_and_refusals() -> None:
    weighted = BASE.replace(
        "goal: 10\n",
        "goal: 10\nweights:\n- bucket:\n    kind: a\n    level: '[0.0, 0.5)'\n  weight: 3  # old\n",
    )
    bucket = {"kind": "a", "level": "[0.0, 0.5)"}
    weight = MapProposal(
        "reweight_bucket", {"bucket": bucket, "weight": 2.5, "cross": ["kind", "level"]}, "p3"
    )
    new, cmap = refine_map_text(weighted, [(weight, "p3")], version=5)
    assert diff(weighted, new) == [
        "-version: 4",
        "+version: 5",
        "-  weight: 3  # old",
        "+  weight: 2.5  # p3",
    ]
    assert cmap.weight_of((("kind", "a"), ("level", "[0.0, 0.5)"))) == 2.5
    with pytest.raises(ProposalDoesNotApply, match=r"already has weight 2\.5") as info:
        refine_map_text(new, [(weight, "again")], version=6)
    assert info.value.proposal_id == "p3"
    with pytest.raises(ProposalDoesNotApply, match="already crosses level x kind"):
        refine_map_text(
            BASE,
            [(MapProposal("add_cross", {"dimensions": ["level", "kind"]}, "p9"), "n")],
            version=5,
        )
    with pytest.raises(ProposalDoesNotApply, match="already has a dimension 'switch'"):
        refine_map_text(BASE, [(DIM, "a"), (DIM, "b")], version=5)
    with pytest.raises(InvalidConfig, match="p9 does not fit"):
        refine_map_text(
            BASE,
            [(MapProposal("add_cross", {"dimensions": ["kind", "nope"]}, "p9"), "n")],
            version=5,
        )
