"""File SUTs: stored by absolute path, importing the modules beside them, isolated or not."""

from __future__ import annotations

import textwrap

import pytest
from reliability.helpers import DATA, campaign_args, run_cli

from hunter.store import Store


@pytest.mark.parametrize("isolation", [[], ["--no-isolation"]])
def test_a_file_sut_imports_its_sibling_and_is_found_from_another_folder(
    tmp_path, capsys, monkeypatch, isolation
):
    sut_dir = tmp_path / "my_sut"
    sut_dir.mkdir()
    (sut_dir / "helper_rules.py").write_text("def verdict(seed):\n    return seed % 2 == 0\n")
    (sut_dir / "agent_sut.py").write_text(
        textwrap.dedent(
            """
            from helper_rules import verdict

            def simulate(attributes, seed):
                return {"verdicts": [{"check": "rule", "failed": verdict(seed)}]}
            """
        )
    )
    monkeypatch.chdir(sut_dir)
    store = str(tmp_path / "store")
    code, _, err = run_cli(capsys, *campaign_args(store, "agent_sut.py:simulate", 6, *isolation))
    assert code == 0, err
    with Store(store) as s:
        runs = s.runs()
        origin = next(r for r in runs if r.failed)
    assert not any(r.error for r in runs)
    assert runs[0].sut == f"{sut_dir / 'agent_sut.py'}:simulate"
    monkeypatch.chdir(DATA)  # hunting from elsewhere finds the recorded file
    code, _, err = run_cli(capsys, "hunt", origin.run_id, "--budget", "16", "--store", store)
    assert code == 0, err
