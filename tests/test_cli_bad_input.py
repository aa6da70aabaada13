"""Bad input from outside: one line, exit 2, and nothing stored that could not be used."""

from __future__ import annotations

import pytest
from fixtures.cli import planted_campaign, run_cli

import hunter
from hunter.errors import InvalidConfig
from hunter.store import Store

BAD_SEEDS = ["-1", "99999999999999999999999"]


@pytest.fixture
def campaign(tmp_path, capsys, data_dir, planted_sut):
    """A small stored campaign of the planted SUT with failed runs."""
    store = str(tmp_path / "store")
    result = planted_campaign(capsys, store, data_dir, planted_sut, 30)
    assert result["failed_run_ids"]
    return store, result


def _one_line_refusal(code: int, err: str) -> None:
    assert code == 2, err
    assert err.count("\n") == 1 and "internal error" not in err, err
    assert "--seed" in err, err


@pytest.mark.parametrize("seed", BAD_SEEDS)
def test_run_refuses_a_seed_out_of_range(tmp_path, capsys, seed):
    store = tmp_path / "store"
    code, _, err = run_cli(
        capsys, "run", "--sut", "builtin:ceo", "--seed", seed, "--store", str(store)
    )
    _one_line_refusal(code, err)
    assert not (store / "hunter.db").exists()


@pytest.mark.parametrize("seed", BAD_SEEDS)
def test_triage_refuses_a_seed_out_of_range_and_stores_no_hunt(campaign, capsys, seed):
    store, result = campaign
    code, _, err = run_cli(
        capsys, "triage", result["campaign_id"], "--seed", seed, "--store", store
    )
    _one_line_refusal(code, err)
    with Store(store) as opened:
        assert opened.hunts() == []


@pytest.mark.parametrize("seed", [-1, 2**63, 1.5, "3"])
def test_api_refuses_a_seed_out_of_range_before_storing(seed):
    with Store(":memory:") as store:
        calls = [
            lambda: hunter.campaign(store, "builtin:ceo", n=1, seed=seed),
            lambda: hunter.run(store, "builtin:ceo", {}, seed=seed),
            lambda: hunter.api.rerun(store, "r1", {}, seed=seed),
            lambda: hunter.hunt(store, "r1", seed=seed),
            lambda: hunter.triage(store, "c1", seed=seed),
            lambda: hunter.api.recheck(store, "h1", seed=seed),
            lambda: hunter.api.brief(store, "h1", seed=seed),
        ]
        for call in calls:
            with pytest.raises(InvalidConfig, match="seed must be a whole number"):
                call()
        assert store.campaigns() == [] and store.hunts() == []


def test_api_takes_the_largest_seed_the_store_holds():
    with Store(":memory:") as store:
        run = hunter.run(store, "builtin:ceo", {}, seed=2**63 - 1)
        assert store.run(run.run_id).seed == 2**63 - 1


BAD_CLUSTERS = ["notanaddress", "foo://host:8786"]


@pytest.mark.parametrize("address", BAD_CLUSTERS)
def test_campaign_refuses_a_cluster_that_is_no_address_before_storing(tmp_path, capsys, address):
    store = tmp_path / "store"
    args = ["campaign", "--sut", "builtin:ceo", "--n", "5", "--cluster", address]
    code, _, err = run_cli(capsys, *args, "--store", str(store))
    assert code == 2 and err.count("\n") == 1, err
    assert f"cannot reach Dask scheduler {address!r}" in err
    assert not (store / "hunter.db").exists()


@pytest.mark.parametrize(
    "command",
    [["hunt", "r1"], ["hunt", "--resume", "h1"], ["recheck", "h1"], ["recheck", "--all"]],
)
def test_every_command_with_a_cluster_checks_its_address(tmp_path, capsys, command):
    code, _, err = run_cli(
        capsys, *command, "--cluster", "notanaddress", "--store", str(tmp_path / "s")
    )
    assert code == 2 and "cannot reach Dask scheduler 'notanaddress'" in err, err


def test_api_campaign_refuses_a_cluster_that_is_no_address_before_storing():
    with Store(":memory:") as store:
        with pytest.raises(InvalidConfig, match="cannot reach Dask scheduler 'notanaddress'"):
            hunter.campaign(store, "builtin:ceo", n=5, cluster="notanaddress")
        assert store.campaigns() == []


def test_executor_names_an_address_it_cannot_connect_to():
    from hunter.executor import Executor
    from hunter.sut import make_sut

    with pytest.raises(InvalidConfig, match="cannot reach Dask scheduler 'notanaddress'"):
        Executor(make_sut("builtin:ceo"), cluster="notanaddress")


@pytest.mark.parametrize(
    "command",
    [
        ["show", "r71"],
        ["runs", "--hunt", "h1"],
        ["report", "h1"],
        ["report", "h1", "--format", "html"],
        ["brief", "h1"],
    ],
)
def test_a_command_that_only_reads_never_creates_a_store(tmp_path, capsys, command):
    missing = tmp_path / "nonexistent" / "dir"
    code, out, err = run_cli(capsys, *command, "--store", str(missing))
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert f"no run store at {missing} (hunter.db not found)" in err
    assert not (tmp_path / "nonexistent").exists()


@pytest.mark.parametrize(
    ("command", "empty"),
    [
        (["runs"], "no runs match"),
        (["runs", "--json"], "[]"),
        (["hunts"], "no hunts in this store"),
        (["hunts", "--json"], "[]"),
        (["proposals"], "no pending proposals"),
        (["proposals", "--json"], "[]"),
    ],
)
def test_a_listing_of_no_store_lists_nothing_and_creates_nothing(tmp_path, capsys, command, empty):
    """As of an empty store (a fresh machine's ``hunter runs`` in a folder with no ``runs/``),
    exit 0; the folder is not created."""
    missing = tmp_path / "nonexistent" / "dir"
    code, out, err = run_cli(capsys, *command, "--store", str(missing))
    assert code == 0 and out.strip().startswith(empty) and err == "", err
    assert not (tmp_path / "nonexistent").exists()


def test_a_command_that_writes_still_creates_its_store(tmp_path, capsys):
    folder = tmp_path / "new" / "store"
    code, _, err = run_cli(capsys, "run", "--sut", "builtin:ceo", "--store", str(folder))
    assert code == 0, err
    assert (folder / "hunter.db").is_file()
    code, out, _ = run_cli(capsys, "runs", "--store", str(folder))
    assert code == 0 and "r1" in out
