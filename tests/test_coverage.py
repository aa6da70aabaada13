from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hunter.coverage import CoverageMap, Space, load_map, load_space
from hunter.domain import AttributeSpec
from hunter.errors import InvalidConfig

ROOT = Path(__file__).resolve().parent.parent


def test_default_map_loads():
    cmap = load_map(ROOT / "maps" / "ai_ceo.yaml")
    assert 5 <= len(cmap.dimensions) <= 8
    assert cmap.crosses
    assert len(cmap.buckets()) > len(cmap.dimensions)


def test_buckets_and_bins(data_dir):
    cmap = load_map(data_dir / "planted_map.yaml")
    # 3 x 3 crossed buckets + the uncrossed role's 2
    assert len(cmap.buckets()) == 11
    buckets = cmap.buckets_of({"temptation": "profit", "role": "ceo", "oversight": 0.1})
    assert (("temptation", "profit"), ("oversight", "[0.0, 0.3)")) in buckets
    assert (("role", "ceo"),) in buckets
    assert cmap.space["oversight"].bucket_label(1.0) == "[0.6, 1.0]"


def test_default_bins_are_three_equal_widths():
    spec = AttributeSpec("x", range=(0.0, 3.0))
    assert spec.bucket_labels() == ("[0.0, 1.0)", "[1.0, 2.0)", "[2.0, 3.0]")


BAD_MAPS = {
    "not a mapping": ("- 1\n- 2\n", "must be a mapping"),
    "bad yaml": ("name: [unclosed\n", "not valid YAML"),
    "no dimensions": ("name: m\nversion: 1\n", "'dimensions'"),
    "values and range": (
        "dimensions:\n  - {name: a, values: [x], range: [0, 1]}\n",
        "attribute 'a': give exactly one",
    ),
    "bad range": ("dimensions:\n  - {name: a, range: [1, 0]}\n", "attribute 'a': field 'range'"),
    "unknown cross dim": (
        "dimensions:\n  - {name: a, values: [x, y]}\ncrosses: [[a, b]]\n",
        "unknown dimension 'b'",
    ),
    "bad goal": ("dimensions:\n  - {name: a, values: [x]}\ngoal: 0\n", "'goal'"),
    "unknown field": ("dimensions:\n  - {name: a, values: [x], colour: red}\n", "'colour'"),
    "bad version": ("version: two\ndimensions:\n  - {name: a, values: [x]}\n", "'version'"),
    "bad when": (
        "dimensions:\n  - {name: a, values: [x]}\n  - {name: b, values: [y], when: {c: x}}\n",
        "unknown attribute 'c'",
    ),
    "bins short of the range": (
        "dimensions:\n  - {name: a, range: [0, 1], bins: [0.2, 0.5]}\n",
        "'bins' must start at the range's low (0) and end at its high (1)",
    ),
    "weight of no bucket": (
        "dimensions:\n  - {name: a, values: [x, y]}\nweights:\n  - {bucket: {a: z}, weight: 3}\n",
        "weight 3 is for bucket a=z, which is no bucket of the map",
    ),
    "every weight 0": (
        "dimensions:\n  - {name: a, values: [x]}\nweights:\n  - {bucket: {a: x}, weight: 0}\n",
        "every bucket has weight 0",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_MAPS))
def test_malformed_maps_name_file_and_field(tmp_path, case):
    text, fragment = BAD_MAPS[case]
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InvalidConfig) as info:
        load_map(path)
    message = str(info.value)
    assert str(path) in message
    assert fragment in message
    assert "\n" not in message


def test_missing_file_is_invalid_config(tmp_path):
    with pytest.raises(InvalidConfig, match="cannot read"):
        load_map(tmp_path / "nope.yaml")


def test_space_when_conditions_respected():
    space = Space.from_dict(
        {
            "attributes": [
                {"name": "t", "values": ["profit", "other"]},
                {"name": "kind", "values": ["short", "long"], "when": {"t": "profit"}},
                {"name": "n", "range": [1, 5], "integer": True},
            ]
        }
    )
    rng = np.random.default_rng(0)
    for _ in range(50):
        a = space.sample(rng)
        assert ("kind" in a) == (a["t"] == "profit")
        assert isinstance(a["n"], int) and 1 <= a["n"] <= 5
        assert space.validate(a) == a
    with pytest.raises(InvalidConfig, match="n=9"):
        space.validate({"t": "other", "n": 9})


def test_map_round_trips_through_dict(data_dir):
    cmap = load_map(data_dir / "planted_map.yaml")
    again = CoverageMap.from_dict(cmap.to_dict())
    assert again.buckets() == cmap.buckets()
    assert load_space(data_dir / "planted_space.yaml").names[-1] == "noise"


def test_a_weight_applies_whatever_order_its_bucket_is_written_in():
    raw = {
        "dimensions": [{"name": "t", "values": ["p", "q"]}, {"name": "r", "values": ["c", "d"]}],
        "crosses": [["t", "r"]],
        "weights": [{"bucket": {"r": "d", "t": "q"}, "weight": 4}],
    }
    cmap = CoverageMap.from_dict(raw)
    assert cmap.weight_of((("t", "q"), ("r", "d"))) == 4.0
    assert CoverageMap.from_dict(cmap.to_dict()).weights == cmap.weights


def test_a_space_given_beside_a_map_takes_the_maps_bins_and_says_what_differs():
    """The report's tables and plots are binned as the map's buckets: a space file (which has
    no bins, or others) must not replace them; a real difference is named, not just found."""
    from hunter.flow.campaign import campaign_space

    space = Space(
        (
            AttributeSpec("turns", range=(1, 20), integer=True),
            AttributeSpec("tool", values=("search", "shell")),
            AttributeSpec("context_len", range=(0.0, 1.0)),
        )
    )
    cmap = CoverageMap.from_dict(
        {
            "name": "m",
            "dimensions": [
                {"name": "turns", "range": [1, 20], "integer": True, "bins": [1, 5, 10, 20]},
                {"name": "tool", "values": ["search", "shell"]},
            ],
            "goal": 2,
        }
    )
    merged = campaign_space(cmap, space)
    assert merged["turns"].bins == (1, 5, 10, 20)
    assert merged.names == ("turns", "tool", "context_len")
    other = CoverageMap.from_dict(
        {"name": "m", "dimensions": [{"name": "tool", "values": ["search", "email"]}], "goal": 2}
    )
    with pytest.raises(
        InvalidConfig, match=r"values \[search, email\] in the map, \[search, shell\]"
    ):
        campaign_space(other, space)
