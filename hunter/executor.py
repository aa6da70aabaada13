"""Runs scenarios through a SUT: inline, on joblib threads or processes, or on a Dask cluster.

Workers only simulate and return :class:`~hunter.domain.Outcome` values; the calling process is the
only writer of the store. Results come back in submission order, so what a hunt stores and decides
does not depend on the number of workers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

from hunter.domain import Outcome, Scenario, Trajectory
from hunter.errors import InvalidConfig, SutError, SutTimeout, SutTransient
from hunter.sut import Sut, SutOptions, make_sut
from hunter.sut.base import check_size, is_transient


def simulate_one(sut: Sut, scenario: Scenario) -> Outcome:
    """Run one scenario; any exception becomes the outcome's error, never a failure.

    A transient error (a timeout, a model's overload, one the SUT marks) is tried again up to
    ``sut.options.retries`` times, with a short exponential wait (tenacity); the outcome
    records how many attempts it took.
    """
    import tenacity

    start = time.perf_counter()
    attempts = 0

    def attempt() -> Trajectory:
        nonlocal attempts
        attempts += 1
        return check_size(_call(sut, scenario), sut.options)

    policy = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(max(0, sut.options.retries) + 1),
        retry=tenacity.retry_if_exception(_retryable),
        wait=tenacity.wait_exponential(multiplier=0.25, max=5),
        reraise=True,
    )
    trajectory: Trajectory | None
    try:
        trajectory, error = policy(attempt), None
    except SutError as exc:
        trajectory, error = None, str(exc) or type(exc).__name__
    except Exception as exc:  # a crashing SUT must not end the hunt
        trajectory, error = None, f"{type(exc).__name__}: {exc}"
    if error is not None:
        error = _one_line(error)
        if attempts > 1:
            error = f"{error} (after {attempts} attempts)"
    return Outcome(scenario, trajectory, error, time.perf_counter() - start, max(1, attempts))


MAX_ERROR_CHARS = 2000
"""A SUT's error message is stored on one line, cut to this length."""


def _one_line(message: str) -> str:
    text = " ".join(message.split())
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def _call(sut: Sut, scenario: Scenario) -> Trajectory:
    if getattr(sut, "needs_watchdog", False):
        return _run_with_timeout(sut, scenario, sut.options.timeout)
    return sut.run(scenario.attributes(), scenario.seed)


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, SutTimeout | SutTransient) or (
        not isinstance(exc, SutError) and is_transient(exc)
    )


def _run_with_timeout(sut: Sut, scenario: Scenario, timeout: float) -> Trajectory:
    """Run an in-process SUT on a watchdog thread.

    Why by hand: a Python callable cannot be killed from outside; the hunt records a timeout and
    moves on, leaving the stuck call on a daemon thread (cmd: SUTs are killed properly instead).
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = sut.run(scenario.attributes(), scenario.seed)
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise SutTimeout(f"SUT did not return within {timeout:g}s")
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


_WORKER_SUTS: dict[tuple[str, str], Sut] = {}


def _worker_batch(spec: str, options: SutOptions, scenarios: Sequence[Scenario]) -> list[Outcome]:
    """Process/Dask worker entry point: build the SUT once per worker, then simulate a chunk."""
    key = (spec, repr(options.to_json()))
    sut = _WORKER_SUTS.get(key)
    if sut is None:
        try:
            sut = _WORKER_SUTS[key] = make_sut(spec, options)
        except Exception as exc:
            return [Outcome(s, None, f"SUT cannot be built in worker: {exc}") for s in scenarios]
    return [simulate_one(sut, s) for s in scenarios]


class Executor:
    """Simulates batches of scenarios.

    Args:
        sut: the adapter (used inline and on threads; processes and Dask rebuild it from its spec).
        workers: parallel workers; 1 runs inline with no pool at all.
        backend: ``auto`` (threads for I/O-bound SUTs, processes otherwise), ``threads`` or
            ``processes``.
        cluster: address of a Dask distributed scheduler; simulations then run there.
    """

    def __init__(
        self, sut: Sut, workers: int = 1, backend: str = "auto", cluster: str | None = None
    ) -> None:
        if workers < 1:
            raise InvalidConfig(f"--workers must be at least 1, got {workers}")
        if backend not in {"auto", "threads", "processes"}:
            raise InvalidConfig(f"unknown backend {backend!r}")
        self.sut = sut
        self.workers = workers
        self.cluster = cluster
        self._client: Any = None
        self._isolated: Sut | None = None
        if sut.isolated and cluster is None:
            from hunter.sut.isolation import IsolatedSut

            # every call goes to a worker process of its own, driven from a thread
            self._isolated = IsolatedSut(sut)
            backend = "threads"
        if backend == "auto":
            backend = "threads" if sut.io_bound else "processes"
        self.backend = backend
        if cluster is not None:
            self._client = _connect(cluster)

    def map(self, scenarios: Sequence[Scenario]) -> Iterator[Outcome]:
        """Simulate ``scenarios``, yielding outcomes in order as soon as each is available."""
        if not scenarios:
            return
        if self.sut.supports_batches and self._client is None:
            yield from self.sut.run_batch(scenarios, self.workers)
            return
        if self.workers == 1 and self._client is None:
            for scenario in scenarios:
                yield simulate_one(self._isolated or self.sut, scenario)
            return
        yield from self._parallel(scenarios)

    def _parallel(self, scenarios: Sequence[Scenario]) -> Iterator[Outcome]:
        from joblib import Parallel, delayed, parallel_config

        if self._client is not None:
            chunks = _chunks(scenarios, max(1, len(scenarios) // (4 * self.workers)))
            with parallel_config(backend="dask", n_jobs=-1):
                calls = (delayed(_worker_batch)(self.sut.spec, self.sut.options, c) for c in chunks)
                for outcomes in Parallel(return_as="generator")(calls):
                    yield from outcomes
            return
        if self.backend == "threads":
            run = delayed(simulate_one)
            parallel = Parallel(n_jobs=self.workers, backend="threading", return_as="generator")
            yield from parallel(run(self._isolated or self.sut, s) for s in scenarios)
            return
        size = max(1, -(-len(scenarios) // self.workers))
        parallel = Parallel(n_jobs=self.workers, backend="loky", return_as="generator")
        calls = (
            delayed(_worker_batch)(self.sut.spec, self.sut.options, c)
            for c in _chunks(scenarios, size)
        )
        for outcomes in parallel(calls):
            yield from outcomes

    def close(self) -> None:
        if self._isolated is not None:
            self._isolated.close()  # ends the worker processes (and closes the SUT)
            self._isolated = None
        if self._client is not None:
            self._client.close()
            self._client = None


def _chunks(items: Sequence[Scenario], size: int) -> list[Sequence[Scenario]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def cluster_address(cluster: object) -> str | None:
    """The scheduler address of what a notebook holds: an address, a ``distributed.Client``
    or a cluster object (``LocalCluster``); hunts record the address, never the object.

    An address is checked for its form here (a known scheme, a port where the scheme has one),
    before a campaign or a hunt stores anything; whether a scheduler answers there is known only
    when :class:`Executor` connects.

    Raises:
        InvalidConfig: for anything else, or an address that cannot be one.
    """
    if cluster is None:
        return None
    if isinstance(cluster, str):
        _check_address(cluster)
        return cluster
    address = getattr(cluster, "scheduler_address", None)  # LocalCluster, any deploy.Cluster
    if address is None:  # a Client
        address = getattr(getattr(cluster, "scheduler", None), "address", None)
    if not isinstance(address, str):
        raise InvalidConfig(
            "cluster must be a Dask scheduler address, a Client or a cluster object, got"
            f" {type(cluster).__name__}"
        )
    return address


HOST_PORT_SCHEMES = frozenset({"tcp", "tls", "ws", "wss"})
"""Dask address schemes whose location is ``host:port`` (``inproc://`` and others are not)."""


def _check_address(address: str) -> None:
    """Refuse a Dask address that cannot be one (``notanaddress``: no port; ``foo://``: no
    such scheme), as distributed itself would parse it.

    Raises:
        InvalidConfig: naming the address and what is wrong with it.
    """
    try:
        from distributed.comm.addressing import parse_address, parse_host_port
        from distributed.comm.registry import get_backend
    except ImportError:  # pragma: no cover - a dependency, but say so plainly if missing
        raise InvalidConfig("--cluster needs dask[distributed] installed") from None
    try:
        scheme, location = parse_address(address)
        get_backend(scheme)
        if scheme in HOST_PORT_SCHEMES:
            parse_host_port(location)
    except ValueError as exc:
        raise InvalidConfig(f"cannot reach Dask scheduler {address!r}: {exc}") from None


def _connect(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - a dependency, but say so plainly if missing
        raise InvalidConfig("--cluster needs dask[distributed] installed") from None
    try:
        return Client(address, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:  # ValueError: an address it cannot parse
        raise InvalidConfig(f"cannot reach Dask scheduler {address!r}: {exc}") from None
