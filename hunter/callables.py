"""Import a Python callable named ``MODULE:FUNC`` or ``path/to/file.py:FUNC``.

Shared by the Python SUT adapter and by Inspect tasks given as ``FILE.py@TASK``; it lives in the
domain layer so neither has to import the other.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hunter.domain import AttributeDict
from hunter.errors import InvalidConfig

SimFunction = Callable[[AttributeDict, int], Any]


def load_callable(target: str) -> SimFunction:
    """Import ``FUNC`` from ``MODULE:FUNC`` or ``file.py:FUNC``.

    Raises:
        InvalidConfig: naming the module, file or function that cannot be loaded.
    """
    module_part, sep, func_name = target.rpartition(":")
    if not sep or not module_part or not func_name:
        raise InvalidConfig(f"SUT {target!r} must look like MODULE:FUNC or path/to/file.py:FUNC")
    if module_part.endswith(".py"):
        path = Path(module_part).resolve()
        if not path.is_file():
            raise InvalidConfig(f"SUT file {module_part!r} does not exist")
        folder = str(path.parent)
        if folder not in sys.path:  # a SUT file may import the modules beside it
            sys.path.insert(0, folder)
        name = f"hunter_sut_{abs(hash(str(path)))}"
        module = sys.modules.get(name)
        if module is None:
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise InvalidConfig(f"SUT file {module_part!r} cannot be imported")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            except Exception as exc:
                del sys.modules[name]
                raise InvalidConfig(
                    f"SUT file {module_part!r} fails to import: {type(exc).__name__}: {exc}"
                ) from None
    else:
        try:
            module = importlib.import_module(module_part)
        except Exception as exc:
            raise InvalidConfig(
                f"SUT module {module_part!r} cannot be imported: {type(exc).__name__}: {exc}"
            ) from None
    func = getattr(module, func_name, None)
    if not callable(func):
        raise InvalidConfig(f"SUT {target!r}: {func_name!r} is not a callable in {module_part!r}")
    return func  # type: ignore[no-any-return]
