"""Applying each kind of proposal gives a valid next map version."""

from __future__ import annotations

import pytest

from hunter.analysis import apply_proposal
from hunter.coverage import CoverageMap, load_map
from hunter.errors import InvalidConfig
from hunter.regions import MapProposal


@pytest.fixture
def cmap(data_dir) -> CoverageMap:
    return load_map(data_dir / "planted_map.yaml")


def test_reweight(cmap):
    p = MapProposal(
        "reweight_bucket",
        {"bucket": {"temptation": "profit", "oversight": "[0.0, 0.3)"}, "weight": 4.0},
    )
    new = apply_proposal(cmap, p)
    assert new.version == cmap.version + 1
    assert new.weight_of((("temptation", "profit"), ("oversight", "[0.0, 0.3)"))) == 4.0


def test_add_cross(cmap):
    new = apply_proposal(cmap, MapProposal("add_cross", {"dimensions": ["role", "temptation"]}))
    assert ("role", "temptation") in new.crosses
    assert len(new.buckets()) == len(cmap.buckets()) - 2 + 6


def test_add_dimension_and_subdimension(cmap):
    new = apply_proposal(
        cmap,
        MapProposal(
            "add_dimension",
            {
                "attribute": {
                    "name": "competitors",
                    "range": [1, 8],
                    "integer": True,
                    "bins": [1, 5.5, 8],
                }
            },
        ),
    )
    assert "competitors" in new.dimension_names
    assert new.space["competitors"].bucket_labels() == ("[1.0, 5.5)", "[5.5, 8.0]")
    sub = apply_proposal(
        cmap,
        MapProposal(
            "add_subdimension",
            {
                "attribute": {
                    "name": "noise",
                    "values": ["a", "b", "c"],
                    "when": {"temptation": "profit"},
                }
            },
        ),
    )
    assert sub.space["noise"].when == (("temptation", ("profit",)),)
    # the new map round-trips through its YAML form
    assert CoverageMap.from_dict(sub.to_dict()).buckets() == sub.buckets()


def test_bad_proposals_are_invalid_config(cmap):
    with pytest.raises(InvalidConfig):
        apply_proposal(cmap, MapProposal("add_cross", {"dimensions": ["role", "nope"]}))
    with pytest.raises(InvalidConfig, match="already has"):
        apply_proposal(
            cmap, MapProposal("add_dimension", {"attribute": {"name": "role", "values": ["x"]}})
        )
