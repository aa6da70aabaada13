"""A space from an Inspect task's parameters, where they name their choices."""

from __future__ import annotations

import inspect
import types
import typing
from typing import Any

from hunter.coverage import Space
from hunter.domain import AttributeSpec, Value
from hunter.inspect_interop.logs import RESERVED


def load_task_function(task_spec: str) -> Any:
    """The task function of ``FILE.py@TASK`` or a registered task name (None if not found).

    Raises:
        InvalidConfig: when ``FILE.py`` is missing, fails to import or lacks ``TASK``.
    """
    spec = task_spec.removeprefix("inspect:")
    if "@" in spec:
        from hunter.callables import load_callable

        path, name = spec.rsplit("@", 1)
        return load_callable(f"{path}:{name}")
    from inspect_ai._util.registry import registry_lookup

    try:  # a registry name may name a package that is not installed
        return registry_lookup("task", spec)
    except Exception:
        return None


def _choices(hint: Any) -> tuple[Value, ...] | None:
    """The values a parameter annotation allows: ``Literal[...]`` (also inside ``| None``)
    and ``bool``; None for anything open-ended."""
    if hint is bool:
        return (True, False)
    if typing.get_origin(hint) is typing.Literal:
        values = typing.get_args(hint)
        return values if all(isinstance(v, str | int | float | bool) for v in values) else None
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(options) == 1:
            return _choices(options[0])
    return None


def space_from_task(task_spec: str) -> Space | None:
    """Parameters annotated ``Literal[...]`` become categorical attributes, ``bool`` ones
    ``[true, false]``, with the task's defaults kept.

    Returns None when no parameter names its choices, or the task cannot be loaded (the user
    then gives ``--space``, or an import infers one from the values seen).
    """
    try:
        func = load_task_function(task_spec)
        if func is None:
            return None
        hints = typing.get_type_hints(func)
        params = inspect.signature(func).parameters
    except Exception:  # an unloadable task has no space to offer; running it will say why
        return None
    specs = []
    for name, param in params.items():
        values = _choices(hints.get(name))
        if name in RESERVED or values is None:
            continue
        default = None if param.default is inspect.Parameter.empty else param.default
        specs.append(
            AttributeSpec(name, values=values, default=default if default in values else None)
        )
    return Space(tuple(specs)) if specs else None
