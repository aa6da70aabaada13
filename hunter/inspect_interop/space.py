"""A space from an Inspect task's parameters, where they name their choices."""

from __future__ import annotations

import inspect
import types
import typing
from typing import Any

from hunter.coverage import Space
from hunter.domain import AttributeSpec, Value
from hunter.inspect_interop.task_args import NONE, RESERVED


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
    """The values a parameter annotation allows: ``Literal[...]`` and ``bool``, with
    :data:`~hunter.inspect_interop.task_args.NONE` added when the annotation admits ``None``;
    None for anything open-ended (``str``, ``str | Model | None``)."""
    if hint is bool:
        return (True, False)
    if typing.get_origin(hint) is typing.Literal:
        values = typing.get_args(hint)
        return values if all(isinstance(v, str | int | float | bool) for v in values) else None
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        options = [a for a in args if a is not type(None)]
        inner = _choices(options[0]) if len(options) == 1 else None
        if inner is None or type(None) not in args:
            return inner
        # A Literal that already holds the string "None" cannot tell it from None: leave the
        # None out rather than confuse the two.
        return inner if NONE in inner else (*inner, NONE)
    return None


def task_parameters(func: Any) -> tuple[frozenset[str], bool]:
    """A task function's parameter names, and whether it takes ``**kwargs``."""
    params = inspect.signature(func).parameters.values()
    names = frozenset(p.name for p in params if p.kind is not p.VAR_KEYWORD)
    return names, any(p.kind is p.VAR_KEYWORD for p in params)


def optional_parameters(func: Any) -> frozenset[str]:
    """Parameters whose annotation admits ``None`` (their ``"None"`` attribute means None)."""
    try:
        hints = typing.get_type_hints(func)
    except Exception:  # unresolvable annotations: no parameter is known to be optional
        return frozenset()
    out = set()
    for name, hint in hints.items():
        if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in (
            typing.get_args(hint)
        ):
            out.add(name)
    return frozenset(out)


def space_from_task(task_spec: str) -> Space | None:
    """Parameters annotated ``Literal[...]`` become categorical attributes, ``bool`` ones
    ``[true, false]``, optional ones (``X | None``) gain the value ``None``; the task's
    defaults are kept.

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
        if default is None and param.default is None and NONE in values:
            default = NONE
        specs.append(
            AttributeSpec(name, values=values, default=default if default in values else None)
        )
    return Space(tuple(specs)) if specs else None
