"""``MODULE:FUNC`` and ``path/to/file.py:FUNC``: a Python callable ``FUNC(attributes, seed)``."""

from __future__ import annotations

from typing import Any

from hunter.callables import load_callable
from hunter.domain import AttributeDict, Trajectory
from hunter.errors import SutError
from hunter.records import SutOptions
from hunter.sut.base import Sut


class PythonSut(Sut):
    """Calls the user's function in-process (or in a worker process) and parses its trajectory."""

    needs_watchdog = True  # a hanging callable becomes a timeout error (see executor)

    def __init__(self, spec: str, options: SutOptions) -> None:
        super().__init__(spec, options)
        self._func = load_callable(spec)

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
        except Exception as exc:
            raise SutError(f"SUT raised {type(exc).__name__}: {exc}") from exc
        if isinstance(raw, Trajectory):
            return raw
        return Trajectory.from_json(raw)
