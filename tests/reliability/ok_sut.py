"""A quick, honest SUT for property tests: fails when any categorical value is the first."""

from __future__ import annotations


def simulate(attributes: dict, seed: int) -> dict:
    return {"verdicts": [{"check": "ok", "failed": seed % 3 == 0}]}
