"""A space from an Inspect task's parameters, where they name their choices."""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Mapping
from typing import Any

from hunter.coverage import Space
from hunter.domain import AttributeSpec, Value
from hunter.errors import InvalidConfig
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


def check_override_types(overrides: Mapping[str, Any], func: Any, task: str) -> None:
    """Refuse a ``-T`` value its parameter's annotation plainly rules out (``int`` given
    ``abc``), before the hunt's first batch makes every re-run a SUT error over it.

    Only plain annotations are judged (``int``, ``float``, ``bool``, ``str``, ``Literal``,
    ``None`` and unions of them); anything else (a model, a list, a class) is left for the task
    to take or refuse, as ``inspect eval -T`` would.

    Raises:
        InvalidConfig: naming the parameter, the value and its annotation.
    """
    if func is None:
        return
    try:
        hints = typing.get_type_hints(func)
    except Exception:  # unresolvable annotations: nothing to judge by
        return
    for name, value in overrides.items():
        hint = hints.get(name)
        if hint is not None and _fits(hint, value) is False:
            raise InvalidConfig(
                f"-T {name}={value!r}: task {task!r} declares {name}: {_words(hint)}"
            )


def _fits(hint: Any, value: Any) -> bool | None:
    """Whether ``value`` can be an argument annotated ``hint`` (None: cannot tell).

    Only text where a number or a flag is wanted, or a value a ``Literal`` does not list, is
    ruled out: ``-T`` reads ``2024`` as a number, which a ``str`` parameter may well take.
    """
    if hint is type(None):
        return value is None
    if hint in (bool, int, float):
        numeric = isinstance(value, int | float) and (hint is float or not isinstance(value, bool))
        wanted = isinstance(value, bool) if hint is bool else numeric
        return True if wanted else False if isinstance(value, str) else None
    if hint is str:
        return True if isinstance(value, str) else None
    if typing.get_origin(hint) is typing.Literal:
        return value in typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        verdicts = [_fits(arg, value) for arg in typing.get_args(hint)]
        return True if True in verdicts else None if None in verdicts else False
    return None


def _words(hint: Any) -> str:
    """An annotation as it reads in source (``int | None``, not ``typing.Optional[int]``)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return " | ".join(_words(arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return "None"
    if isinstance(hint, type):
        return hint.__name__
    return str(hint).replace("typing.", "")
