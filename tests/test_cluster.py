"""Scale-out: the same hunt on a Dask LocalCluster gives the same result as locally."""

from __future__ import annotations

import pytest

from hunter.domain import Scenario
from hunter.executor import Executor
from hunter.sut import make_sut

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def local_cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as local:
        yield local


@pytest.fixture(scope="module")
def cluster(local_cluster):
    return local_cluster.scheduler_address


def test_executor_on_cluster_matches_inline(cluster, data_dir):
    sut = make_sut(f"{data_dir / 'planted_sut.py'}:simulate")
    scenarios = [Scenario.of({"temptation": "profit", "oversight": i / 30}, i) for i in range(30)]
    inline = [(o.failed, o.error) for o in Executor(sut).map(scenarios)]
    remote_exec = Executor(sut, cluster=cluster)
    try:
        remote = [(o.failed, o.error) for o in remote_exec.map(scenarios)]
    finally:
        remote_exec.close()
    assert inline == remote


def test_hunt_on_cluster_matches_local(cluster, tmp_path, data_dir, planted_sut):
    from hunter.coverage import load_map
    from hunter.flow.campaign import run_campaign
    from hunter.flow.hunt import HuntSettings, run_hunt
    from hunter.store import Store

    store = Store(tmp_path / "s")
    cmap = load_map(data_dir / "planted_map.yaml")
    run_campaign(store, cmap, cmap.space, make_sut(planted_sut), n=60, seed=5)
    origin = next(r for r in store.runs(failed=True))
    local = run_hunt(store, origin.run_id, HuntSettings(budget=48, seed=3)).result.to_json()
    remote = run_hunt(
        store, origin.run_id, HuntSettings(budget=48, seed=3, cluster=cluster), new=True
    ).result.to_json()
    strip = {"hunt_id", "regions"}
    assert {k: v for k, v in local.items() if k not in strip} == {
        k: v for k, v in remote.items() if k not in strip
    }
    assert [r["constraints"] for r in local["regions"]] == [
        r["constraints"] for r in remote["regions"]
    ]


def test_a_notebooks_cluster_or_client_object_is_taken_as_its_address(local_cluster, tmp_path):
    import hunter
    from hunter.errors import InvalidConfig
    from hunter.executor import cluster_address

    with distributed.Client(local_cluster) as client:
        assert cluster_address(client) == cluster_address(local_cluster)
        assert cluster_address(local_cluster) == local_cluster.scheduler_address
        with hunter.open_store(tmp_path / "s") as store:
            result = hunter.campaign(store, "builtin:ceo", n=6, seed=1, cluster=client)
            assert len(result.runs) == 6 and all(r.error is None for r in result.runs)
    with pytest.raises(InvalidConfig, match="got int"):
        cluster_address(8786)
