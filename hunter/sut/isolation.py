"""Python SUTs in worker processes of their own, so that nothing a SUT does ends the hunt.

A SUT called in hunter's own process can end it (``sys.exit``, ``os._exit``, a signal), swallow
its memory or leave it poisoned. :class:`IsolatedSut` runs the real adapter in child processes
(one per simultaneous call, kept idle between batches) and turns each way a child can end into
one simulation's :class:`~hunter.errors.SutError`: the child is replaced and the hunt goes on.
The parent also enforces the simulation's time limit (killing the child, which a thread cannot
do) and its memory limit (the child's resident memory, polled, with an address-space limit as a
backstop).

Why by hand rather than ``concurrent.futures.ProcessPoolExecutor`` or loky: both treat a dead
worker as a broken pool (every pending future fails, ``TerminatedWorkerError``); here a dead
worker is an ordinary event recorded against the one scenario it was running.

Workers end when their parent dies: each watches the parent's process ID and exits once the
parent is gone, so a ``kill -9`` of hunter leaves no SUT processes behind.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from multiprocessing.connection import Connection, wait
from typing import Any

from hunter.domain import AttributeDict, Trajectory
from hunter.errors import SutError, SutTimeout, SutTransient
from hunter.records import SutOptions
from hunter.sut.base import Sut, check_size

_POLL_SECONDS = 0.1
"""How often the parent checks a busy child's memory (and the child its parent)."""
_START_SECONDS = 120.0
"""Time a new child gets to import and build the SUT before it counts as broken."""
_STATUS_LOST = 255
"""The exit code CPython's fork server gives a child whose status it could not pass on: now
and then a child that was killed, or called ``os._exit``, reads back as 255 (seen here in
about one run in twenty of the reliability tests with two children ending at once)."""


def _context() -> Any:
    # forkserver: children fork from a small clean server, not from hunter's threads (BLAS,
    # progress bar); spawn where fork is unavailable.
    # The server preloads this module only, never the caller's __main__ (a script or notebook).
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


class IsolatedSut(Sut):
    """Runs another adapter (rebuilt from its spec and options) in child processes.

    Args:
        inner: the adapter to isolate; only its ``spec`` and ``options`` cross to the child.
    """

    io_bound = True  # the calling threads only wait on children

    def __init__(self, inner: Sut) -> None:
        super().__init__(inner.spec, inner.options)
        self.inner = inner
        self._idle: list[_Child] = []
        self._children: list[_Child] = []
        self._lock = threading.Lock()

    def space(self) -> Any:
        return self.inner.space()

    def run(self, attributes: AttributeDict, seed: int) -> Trajectory:
        child = self._checkout()
        try:
            trajectory = child.simulate(attributes, seed)
        except BaseException:
            self._checkin(child)
            raise
        self._checkin(child)
        return trajectory

    def _checkout(self) -> _Child:
        """An idle live child (the pool outlives the threads that call it), or a new one."""
        with self._lock:
            while self._idle:
                child = self._idle.pop()
                if child.alive():
                    return child
            child = _Child(self.spec, self.options)
            self._children.append(child)
            return child

    def _checkin(self, child: _Child) -> None:
        with self._lock:
            if child.alive():
                self._idle.append(child)
            else:
                child.stop()
                self._children.remove(child)

    def close(self) -> None:
        with self._lock:
            children, self._children, self._idle = self._children, [], []
        for child in children:
            child.stop()
        self.inner.close()


class _Child:
    """One worker process and the pipe to it."""

    def __init__(self, spec: str, options: SutOptions) -> None:
        self.options = options
        context = _context()
        self.start_method: str = context.get_start_method()
        parent_conn, child_conn = context.Pipe()
        self.conn: Connection = parent_conn
        self.process = context.Process(
            target=_child_main,
            args=(child_conn, spec, options, os.getpid()),
            daemon=True,
            name="hunter-sut",
        )
        self.process.start()
        child_conn.close()
        self._ready = False

    def alive(self) -> bool:
        return bool(self.process.is_alive())

    def simulate(self, attributes: AttributeDict, seed: int) -> Trajectory:
        if not self._ready:
            kind, payload = self._receive(_START_SECONDS, starting=True)
            if kind != "ready":
                self.stop()
                raise SutError(str(payload))
            self._ready = True
        try:
            self.conn.send((attributes, seed))
        except (OSError, EOFError):
            raise self._died() from None
        kind, payload = self._receive(self.options.timeout, starting=False)
        if kind == "ok":
            return payload  # type: ignore[no-any-return]
        if kind == "transient":
            raise SutTransient(payload)
        if kind == "retire":  # the child is poisoned (out of memory): it exits after this
            self.process.join(5)
        raise SutError(payload)

    def _receive(self, timeout: float, *, starting: bool) -> tuple[str, Any]:
        deadline = time.monotonic() + timeout
        limit = self.options.memory_mb
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.stop()
                if starting:
                    raise SutError(f"SUT process did not start within {timeout:g}s")
                raise SutTimeout(f"SUT did not return within {timeout:g}s (its process killed)")
            ready = wait([self.conn, self.process.sentinel], min(left, _POLL_SECONDS))
            if self.conn in ready:
                try:
                    return self.conn.recv()  # type: ignore[no-any-return]
                except (EOFError, OSError):
                    raise self._died() from None
                except Exception as exc:  # a trajectory that does not unpickle
                    self.stop()
                    raise SutError(f"SUT result cannot be read: {exc}") from None
            if self.process.sentinel in ready:
                raise self._died()
            if limit is not None and _rss_mb(self.process.pid) > limit:
                self.stop()
                raise SutError(
                    f"SUT used more than {limit} MB of memory (--memory-limit); its process"
                    " was stopped"
                )

    def _died(self) -> SutError:
        self.process.join(5)
        code = self.process.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            if -code == signal.SIGKILL and self.options.memory_mb is not None:
                name += ", perhaps out of memory"
            return SutError(f"SUT process was killed ({name})")
        if code == _STATUS_LOST and self.start_method == "forkserver":
            return SutError(
                f"SUT process ended, was killed or crashed (exit code {code}: the fork server"
                " could not report how)"
            )
        return SutError(f"SUT process ended with exit code {code} (os._exit or a crash)")

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


def _rss_mb(pid: int | None) -> float:
    """Resident memory of ``pid`` in MB (0 when it cannot be read)."""
    try:
        import psutil

        return float(psutil.Process(pid).memory_info().rss) / 2**20
    except Exception:
        return 0.0


def _child_main(conn: Connection, spec: str, options: SutOptions, parent: int) -> None:
    """The worker: build the SUT, then simulate what the parent sends until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    from hunter.sut import make_sut

    try:
        sut = make_sut(spec, options)
    except BaseException as exc:
        conn.send(("error", f"SUT cannot be built in its process: {_describe(exc)}"))
        return
    _limit_address_space(options.memory_mb)
    conn.send(("ready", None))
    while True:
        try:
            attributes, seed = conn.recv()
        except (EOFError, OSError):
            return
        reply = _simulate(sut, attributes, seed)
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return
        except Exception as exc:  # a trajectory holding something that does not pickle
            conn.send(("error", f"SUT result cannot be sent back: {_describe(exc)}"))


def _simulate(sut: Sut, attributes: AttributeDict, seed: int) -> tuple[str, Any]:
    try:
        return ("ok", check_size(sut.run(attributes, seed), sut.options))
    except MemoryError:
        return ("retire", "SUT ran out of memory (--memory-limit); its process was replaced")
    except SutTransient as exc:
        return ("transient", str(exc) or "transient SUT error")
    except SutError as exc:
        if isinstance(exc.__cause__, MemoryError):
            return ("retire", "SUT ran out of memory (--memory-limit); its process was replaced")
        return ("error", str(exc) or type(exc).__name__)
    except BaseException as exc:  # SystemExit, KeyboardInterrupt: still the SUT's error
        return ("error", f"SUT raised {_describe(exc)}")


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _limit_address_space(memory_mb: int | None) -> None:
    """A backstop beside the parent's polling: the address space may grow by twice the limit
    plus room for thread stacks and allocator arenas, so a SUT that allocates faster than the
    parent polls gets a ``MemoryError`` instead of taking the machine's memory."""
    if memory_mb is None:
        return
    try:
        import resource

        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[0])
        now = pages * os.sysconf("SC_PAGE_SIZE")
        limit = now + (2 * memory_mb + 1024) * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):  # not Linux: the polling alone
        pass


def _watch_parent(parent: int) -> None:
    """End this worker once hunter (its parent) is gone, even mid-simulation."""
    while True:
        time.sleep(_POLL_SECONDS * 5)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # the pid now belongs to someone else's process
            os._exit(1)
