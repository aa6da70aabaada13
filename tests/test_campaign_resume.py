"""An interrupted campaign: the same command finishes it, and the result is the campaign an
uninterrupted command would have made."""

from __future__ import annotations

import pytest

from hunter.coverage import load_map, load_space
from hunter.flow.campaign import run_campaign
from hunter.store import Store
from hunter.sut import make_sut


def _campaign(store, data_dir, planted_sut, **kw):
    cmap = load_map(data_dir / "planted_map.yaml")
    space = load_space(data_dir / "planted_space.yaml")
    return run_campaign(store, cmap, space, make_sut(planted_sut), n=40, seed=2, **kw)


def _interrupt_after(k: int):
    seen = []

    def on_run(run) -> None:
        seen.append(run)
        if len(seen) == k:
            raise KeyboardInterrupt

    return on_run


def test_the_same_command_finishes_an_interrupted_campaign(tmp_path, data_dir, planted_sut):
    with Store(tmp_path / "whole") as store:
        _campaign(store, data_dir, planted_sut)  # an earlier campaign its plan must see
        whole = _campaign(store, data_dir, planted_sut)
        want = sorted(r.scenario.key() for r in whole.runs)
    with Store(tmp_path / "cut") as store:
        _campaign(store, data_dir, planted_sut)
        with pytest.raises(KeyboardInterrupt):
            _campaign(store, data_dir, planted_sut, on_run=_interrupt_after(7))
        assert len(store.runs(campaign_id="c2")) == 7
        again = _campaign(store, data_dir, planted_sut)
        assert again.campaign_id == "c2" and len(store.runs()) == 80
        assert sorted(r.scenario.key() for r in again.runs) == want
        assert [row.hits for row in again.table] == [row.hits for row in whole.table]
        # a finished campaign is left alone: the same command again is a new one
        assert _campaign(store, data_dir, planted_sut).campaign_id == "c3"
