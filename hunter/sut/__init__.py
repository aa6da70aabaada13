"""Adapters that turn a ``--sut`` string into something that simulates scenarios (contract §2)."""

from __future__ import annotations

from hunter.errors import InvalidConfig
from hunter.records import SutOptions
from hunter.sut.base import Sut

__all__ = ["Sut", "SutOptions", "make_sut"]


def make_sut(spec: str, options: SutOptions | None = None) -> Sut:
    """Build the adapter named by ``spec``.

    Raises:
        InvalidConfig: for an unknown kind, a missing module, file or function, or a
            ``callable:`` SUT read back from the store (only Python can hand the function in).
    """
    options = options or SutOptions()
    from hunter.sut.callable_sut import PREFIX, CallableSpec, rebuild_error

    if isinstance(spec, CallableSpec):  # a Python function, pickled to a worker process
        return spec.adapter(options)
    spec = spec.strip()
    if spec.startswith(PREFIX):  # read back from the store: the function is not there
        raise rebuild_error(spec)
    if "/" in spec and ":" not in spec and not spec.endswith(".py"):
        spec = f"inspect:{spec}"  # a registered Inspect task name, as `inspect eval` takes it
    if spec.startswith("builtin:"):
        from hunter.sut.builtin import BuiltinSut

        return BuiltinSut(spec, options)
    if spec.startswith("cmd:"):
        from hunter.sut.command import CommandSut

        return CommandSut(spec, options)
    if spec.startswith("inspect:"):
        from hunter.sut.inspect import InspectSut

        sut: Sut = InspectSut(spec, options)
        return sut
    if ":" in spec:
        from hunter.sut.python import PythonSut

        return PythonSut(spec, options)
    raise InvalidConfig(
        f"SUT {spec!r} must be builtin:ceo, MODULE:FUNC, path/to/file.py:FUNC, cmd:COMMAND,"
        " inspect:TASK or a registered Inspect task (PACKAGE/TASK)"
    )
