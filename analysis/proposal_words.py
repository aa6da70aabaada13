"""A map refinement in words, for listings and reports: a pure function of kind and detail.

add dimension monitoring_control (board, it_team, compliance, vendor, agent)
add sub-dimension shutdown_plan (none, leaked) when temptation_type=self_preservation
add cross complicating_factor x severity
weight bucket temptation_type=profit, oversight=[0.0, 0.33) x9.7
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

MAX_VALUES = 8


def _number(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _values(attribute: Mapping[str, Any]) -> str:
    values = attribute.get("values")
    if isinstance(values, list | tuple):
        shown = [str(v) for v in values[:MAX_VALUES]]
        if len(values) > MAX_VALUES:
            shown.append(f"... {len(values)} values")
        return "(" + ", ".join(shown) + ")"
    low_high = attribute.get("range")
    if isinstance(low_high, list | tuple) and len(low_high) == 2:
        kind = "integer" if attribute.get("integer") else "number"
        text = f"{kind} in [{_number(low_high[0])}, {_number(low_high[1])}]"
        bins = attribute.get("bins")
        if isinstance(bins, list | tuple) and bins:
            text += ", bins at " + ", ".join(_number(b) for b in bins)
        return "(" + text + ")"
    return ""


def condition_words(when: Mapping[str, Any]) -> str:
    """``{temptation_type: profit}`` -> ``temptation_type=profit``; lists as ``a in {x, y}``."""
    parts = []
    for name, value in when.items():
        if isinstance(value, list | tuple):
            parts.append(f"{name} in {{{', '.join(str(v) for v in value)}}}")
        else:
            parts.append(f"{name}={value}")
    return ", ".join(parts)


def bucket_words(bucket: Mapping[str, Any]) -> str:
    """``{temptation_type: profit, oversight: [0.0, 0.33)}`` in words."""
    return ", ".join(f"{k}={v}" for k, v in bucket.items())


def proposal_words(kind: str, detail: Mapping[str, Any]) -> str:
    """One line saying what accepting the proposal changes in the map."""
    try:
        if kind in ("add_dimension", "add_subdimension"):
            attribute = dict(detail["attribute"])
            label = "add dimension" if kind == "add_dimension" else "add sub-dimension"
            text = f"{label} {attribute['name']}"
            values = _values(attribute)
            if values:
                text += " " + values
            when = attribute.get("when") or detail.get("parent")
            if isinstance(when, Mapping) and when:
                text += " when " + condition_words(when)
            partners = detail.get("interacts_with") or []
            if partners:
                text += ", crossed with " + " x ".join(str(p) for p in partners)
            return text
        if kind == "add_cross":
            return "add cross " + " x ".join(str(d) for d in detail["dimensions"])
        if kind == "reweight_bucket":
            bucket = dict(detail["bucket"])
            return f"weight bucket {bucket_words(bucket)} x{_number(float(detail['weight']))}"
    except (KeyError, TypeError, ValueError):
        pass
    return f"{kind} {json.dumps(dict(detail), default=str, sort_keys=True)}"
