"""``MODULE:FUNC`` and ``path/to/file.py:FUNC``: a Python callable ``FUNC(attributes, seed)``.

A file SUT is recorded by its absolute path (so a hunt started from another folder finds it),
and its folder is importable while it loads and runs (so it may import a sibling module).
By default the executor runs it in worker processes of its own (:mod:`hunter.sut.isolation`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hunter.callables import load_callable
from hunter.domain import AttributeDict, Trajectory
from hunter.errors import SutError, SutTransient
from hunter.records import SutOptions
from hunter.sut.base import Sut, is_transient


def absolute_spec(spec: str) -> str:
    """``file.py:FUNC`` with the file's absolute path; any other spec unchanged."""
    module_part, sep, func = spec.rpartition(":")
    if sep and module_part.endswith(".py"):
        return f"{Path(module_part).expanduser().resolve()}:{func}"
    return spec


class PythonSut(Sut):
    """Calls the user's function in-process (or in a worker process) and parses its trajectory."""

    needs_watchdog = True  # a hanging callable becomes a timeout error (see executor)

    def __init__(self, spec: str, options: SutOptions) -> None:
        super().__init__(absolute_spec(spec), options)
        self._func = load_callable(self.spec)

    @property
    def isolated(self) -> bool:
        return self.options.isolate

    def __getstate__(self) -> dict[str, Any]:
        # Functions from file.py modules cannot be pickled by reference: workers re-import them.
        return {"spec": self.spec, "options": self.options}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["spec"], state["options"])  # type: ignore[misc]

    def run(self, attributes: AttributeDict, seed: int) -> Trajectory:
        try:
            raw = self._func(dict(attributes), seed)
        except SutError:
            raise
        except SystemExit as exc:  # sys.exit in a SUT ends its simulation, not the hunt
            raise SutError(f"SUT called sys.exit({exc.code!r})") from None
        except Exception as exc:
            message = f"SUT raised {type(exc).__name__}: {exc}"
            if is_transient(exc):
                raise SutTransient(message) from exc
            raise SutError(message) from exc
        if isinstance(raw, Trajectory):
            return raw
        return Trajectory.from_json(raw)
