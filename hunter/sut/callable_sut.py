"""A plain Python callable as the system under test, for notebooks and scripts.

``hunter.campaign(store, f, ...)`` wraps ``f(attributes, seed) -> trajectory`` in a
:class:`CallableSut`. The function may be defined in a notebook cell or be a closure: nothing
re-imports it by name. Runs record it as ``callable:MODULE.QUALNAME`` (``callable:NAME`` when
given a name), which tells a reader what ran but cannot rebuild it: such runs are hunted or
resumed from Python, handing the function in again, never from the command line.

Worker processes get the function *by value*. The executor ships an adapter's ``spec`` and
``options`` to each worker and rebuilds the adapter there with :func:`hunter.sut.make_sut`; a
callable has no name a worker could import, so its spec is a :class:`CallableSpec`, a string
(``callable:...``, stored as such) that carries the function pickled with cloudpickle, the
pickler joblib's loky workers use, which pickles functions defined in ``__main__`` or a notebook
and closures by value. ``options.extra["callable_sha256"]`` fingerprints that pickle, so a
worker never reuses the adapter of an earlier function of the same name and a changed function
is a different hunt.
"""

from __future__ import annotations

import hashlib
import pickletools
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from hunter.domain import AttributeDict, Trajectory
from hunter.errors import InvalidConfig, SutError, SutTransient
from hunter.records import CALLABLE_PREFIX, SutOptions
from hunter.sut.base import Sut, is_transient

PREFIX = CALLABLE_PREFIX

SimCallable = Callable[[AttributeDict, int], Any]
"""``f(attributes, seed)`` returning a trajectory: a mapping with ``verdicts`` (or just
``failed``), or a :class:`~hunter.domain.Trajectory`."""


def callable_name(func: SimCallable) -> str:
    """``MODULE.QUALNAME`` of ``func`` (``__main__.f`` in a notebook), for the run's ``sut``."""
    module = getattr(func, "__module__", None) or "__main__"
    qualname = getattr(func, "__qualname__", None) or type(func).__qualname__
    return f"{module}.{qualname}"


class CallableSpec(str):
    """The ``callable:...`` spec of a :class:`CallableSut`, carrying its function.

    It compares, hashes, prints and is stored as the plain string; pickled (to a worker), it
    takes the pickled function along, so :func:`hunter.sut.make_sut` can rebuild the adapter
    there. Read back from the store it is a plain string, and the function is gone.
    """

    payload: bytes

    def __new__(cls, text: str, payload: bytes) -> CallableSpec:
        spec = super().__new__(cls, text)
        spec.payload = payload
        return spec

    def __reduce__(self) -> tuple[Any, ...]:
        return (CallableSpec, (str(self), self.payload))

    def adapter(self, options: SutOptions) -> CallableSut:
        """The adapter this spec came from, rebuilt from the pickled function."""
        import cloudpickle

        func = cloudpickle.loads(self.payload)
        return CallableSut(func, options, name=str(self).removeprefix(PREFIX))


class CallableSut(Sut):
    """Calls a Python function in-process, on threads or in worker processes.

    Args:
        func: ``f(attributes, seed)``; it returns a trajectory mapping or raises. Whatever it
            raises is the run's SUT error, never a failure of the agent.
        options: recorded options; ``timeout`` bounds each call (a hung call is a timeout error).
        name: what runs record after ``callable:`` (default ``MODULE.QUALNAME`` of ``func``).

    Raises:
        InvalidConfig: when ``func`` is not callable.
    """

    needs_watchdog = True  # a hanging function becomes a timeout error (see the executor)

    def __init__(
        self, func: SimCallable, options: SutOptions | None = None, *, name: str | None = None
    ) -> None:
        if not callable(func):
            raise InvalidConfig(f"a callable SUT must be a function, got {type(func).__name__}")
        self.func = func
        self._text = PREFIX + (name or callable_name(func))
        options = options or SutOptions()
        # Pickled once, here: the digest joins the recorded options whether or not workers are
        # used, so the same hunt has the same fingerprint with one worker or eight.
        self._pickled, self._unpicklable = _pickle(func)
        if self._pickled is not None:
            digest = fingerprint(self._pickled, func)
            options = replace(options, extra={**options.extra, "callable_sha256": digest})
        super().__init__(self._text, options)

    @property
    def spec(self) -> str:
        """``callable:NAME``; pickled, it carries the function (see :class:`CallableSpec`)."""
        if self._pickled is None:
            return self._text
        return CallableSpec(self._text, self._pickled)

    @spec.setter
    def spec(self, value: str) -> None:
        self._text = str(value)

    def check_picklable(self) -> None:
        """Raise unless the function can travel to worker processes.

        Raises:
            InvalidConfig: in one line, naming why the function cannot be pickled.
        """
        if self._unpicklable is not None:
            raise InvalidConfig(
                f"SUT {self._text} cannot be sent to worker processes: it cannot be pickled"
                f" ({self._unpicklable}); use workers=1, or a function that holds no such state"
            )

    @property
    def isolated(self) -> bool:
        """False: a function handed in runs where it was handed in (and in joblib's worker
        processes with workers), never in the executor's isolated children, which exist to
        contain SUTs named by a spec; so ``memory_mb`` does not bound it."""
        return False

    def run(self, attributes: AttributeDict, seed: int) -> Trajectory:
        try:
            raw = self.func(dict(attributes), seed)
        except SutError:
            raise
        except SystemExit as exc:  # sys.exit in a SUT ends its simulation, not the notebook
            raise SutError(f"SUT called sys.exit({exc.code!r})") from None
        except Exception as exc:
            message = f"SUT raised {type(exc).__name__}: {exc}"
            if is_transient(exc):  # retried with --retries / options.retries, as any SUT's
                raise SutTransient(message) from exc
            raise SutError(message) from exc
        if isinstance(raw, Trajectory):
            return raw
        return Trajectory.from_json(raw)


def fingerprint(pickled: bytes, func: SimCallable) -> str:
    """What tells two versions of a function apart: its pickle, less the path of the file it
    was compiled from (cloudpickle keeps it as ``__file__``). A notebook's cells compile to
    ``/tmp/ipykernel_PID/...``, a new path with every kernel, and a script may be copied or
    moved: the same code is the same function, so a hunt is resumed after a restart and a hunt
    of the same function is found again. The random ID cloudpickle gives a class it pickles by
    value (a callable instance's) is left out too, and so are frame lengths.

    Why by hand: cloudpickle offers no stable digest, and normalising the objects before
    pickling would mean copying its reducers; reading the pickle's opcodes
    (:mod:`pickletools`) and skipping those strings is exact and small.
    """
    paths = _source_files(func)
    digest = hashlib.sha256()
    for opcode, arg, _ in pickletools.genops(pickled):
        if opcode.name == "FRAME":
            continue
        if isinstance(arg, str) and (arg in paths or _CLASS_TRACKER.fullmatch(arg)):
            continue
        digest.update(f"{opcode.name}:{arg!r};".encode())
    return digest.hexdigest()[:16]


_CLASS_TRACKER = re.compile(r"[0-9a-f]{32}")
"""The uuid4 hex of the tracker ID cloudpickle gives a class pickled by value."""


def _source_files(func: Any) -> set[str]:
    """The file ``func``'s code comes from (a partial's function, a bound method's, a callable
    instance's ``__call__``)."""
    target = getattr(func, "func", func)
    target = getattr(target, "__func__", target)
    code = getattr(target, "__code__", None)
    if code is None:
        call = type(target).__dict__.get("__call__")  # a callable instance's method
        code = getattr(call, "__code__", None)
    path = getattr(code, "co_filename", "")
    return {path} if isinstance(path, str) and len(path) > 1 else set()


def _pickle(func: SimCallable) -> tuple[bytes | None, str | None]:
    """``func`` pickled by value (cloudpickle), or why it cannot be."""
    import cloudpickle

    try:
        return cloudpickle.dumps(func), None
    except Exception as exc:
        return None, " ".join(f"{type(exc).__name__}: {exc}".split())[:200]


def rebuild_error(spec: str) -> InvalidConfig:
    """Why a stored ``callable:`` spec cannot be rebuilt into a SUT (the function is not
    stored): hunt or resume such runs from Python, handing the function in again."""
    return InvalidConfig(
        f"SUT {spec!r} is a Python function that only Python can hand in again:"
        f" hunter.hunt(store, RUN_ID, sut=FUNCTION) or hunter.resume(store, HUNT_ID,"
        " sut=FUNCTION)"
    )
