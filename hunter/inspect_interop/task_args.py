"""The three kinds of input an Inspect sample has, kept apart.

* **Scenario attributes**: the task arguments the space declares; a hunt varies them.
* **Fixed task arguments**: the other arguments the origin's eval was given (``grader_model``,
  a dataset-shaping argument); recorded from the log and passed unchanged to every re-run,
  overridable with ``hunter hunt -T NAME=VALUE``.
* **Sample metadata**: what the task derives for each sample (``condition_id``); recorded and
  shown, never passed back, never checked against the space.

An optional parameter (``X | None``) takes ``None`` as one of its values. A space holds only
scalars (YAML and the analysis compare and sort them), so ``None`` is written as the string
:data:`NONE` in spaces, maps and stored attributes, and turned back into ``None`` when the task
is called.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hunter.domain import Value
from hunter.errors import InvalidConfig

NONE = "None"
"""How ``None``, the value of an optional parameter left unset, is written in a space."""

RESERVED = frozenset({"seed"})
"""Task arguments that are neither attributes nor fixed: the seed is each run's own."""

MAX_METADATA_TEXT = 200
"""Longer strings in sample metadata are prompts or documents: kept short when shown."""


def as_attribute(value: Any) -> Any:
    """A task argument's value as a scenario attribute (``None`` as :data:`NONE`)."""
    return NONE if value is None else value


def is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def split_task_args(
    task_args: Mapping[str, Any], passed: Mapping[str, Any], names: Iterable[str]
) -> tuple[dict[str, Value], dict[str, Any]]:
    """Scenario attributes (the arguments ``names`` declares, defaults included) and fixed
    arguments (the other ones the eval was given explicitly; defaults stay defaults)."""
    declared = set(names)
    attributes = {
        k: as_attribute(v) for k, v in task_args.items() if k in declared and k not in RESERVED
    }
    fixed = {k: v for k, v in passed.items() if k not in declared and k not in RESERVED}
    return attributes, fixed


def sample_metadata(metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    """A sample's metadata as recorded with its run: JSON values, long text shortened."""
    out: dict[str, Any] = {}
    for key, value in (metadata or {}).items():
        if isinstance(value, str) and len(value) > MAX_METADATA_TEXT:
            value = value[:MAX_METADATA_TEXT] + "..."
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            value = repr(value)[:MAX_METADATA_TEXT]
        out[str(key)] = value
    return out


def parse_task_overrides(pairs: Sequence[str]) -> dict[str, Any]:
    """``-T NAME=VALUE`` options parsed exactly as ``inspect eval -T`` parses them.

    Inspect's own parser (YAML values, ``a,b`` as a list) is used rather than a copy, so a value
    means the same thing to hunter as to ``inspect eval``.

    Raises:
        InvalidConfig: an option with no ``=`` or no name.
    """
    for pair in pairs:
        name = pair.split("=", 1)[0].strip()
        if "=" not in pair or not name:
            raise InvalidConfig(f"-T {pair!r} must be NAME=VALUE, as for inspect eval -T")
    try:
        from inspect_ai._util.config import parse_cli_args
    except ImportError:  # the parser is private to Inspect: a release may move it
        return _parse_like_inspect(pairs)
    return parse_cli_args(list(pairs))


def _parse_like_inspect(pairs: Sequence[str]) -> dict[str, Any]:
    """The rules of ``inspect eval -T`` (Inspect 0.3.285), for when its parser cannot be imported.

    A name's dashes become underscores; a value is read as YAML; a plain string with commas is
    a list of strings.
    """
    import yaml

    parsed: dict[str, Any] = {}
    for pair in pairs:
        name, text = pair.split("=", 1)
        value = yaml.safe_load(text)
        if isinstance(value, str) and "," in value:
            value = value.split(",")
        parsed[name.replace("-", "_")] = value
    return parsed


def misread_word(value: Any, legal: Iterable[Value]) -> str | None:
    """The legal word that Inspect's ``-T`` read as ``value``, or None.

    Inspect reads ``-T`` values as YAML, so ``-T x=no`` gives the task ``False`` and
    ``-T x=1.0`` a number, where the task's parameter wants the words ``no`` and ``1.0``.
    """
    if isinstance(value, str):
        return None
    for word in legal:
        if not isinstance(word, str):
            continue
        read = parse_task_overrides([f"x={word}"])["x"]
        if type(read) is type(value) and read == value:
            return word
    return None


def minus_t(name: str, word: str) -> str:
    """The ``-T`` option that gives the task the text ``word``: quoted when Inspect would
    otherwise read it as something else (``no`` as false)."""
    if parse_task_overrides([f"{name}={word}"]).get(name) == word:
        return f"-T {name}={word}"
    return f"-T '{name}=\"{word}\"'"


def misread_hint(name: str, value: Any, legal: Iterable[Value]) -> str | None:
    """Why ``value``, given as ``-T``, is not a legal word, and what to type instead."""
    word = misread_word(value, legal)
    if word is None:
        return None
    return f"Inspect read -T {name}={word} as {value!r}: quote it, {minus_t(name, word)}"


def check_overrides(
    overrides: Mapping[str, Any],
    params: frozenset[str],
    any_params: bool,
    attributes: Iterable[str],
    task: str,
    origin: Mapping[str, Any],
) -> None:
    """Refuse ``-T`` names the task does not take, and other values than the origin's
    (``origin``, its attributes) for names the hunt varies.

    Raises:
        InvalidConfig: naming the first bad ``-T`` and what would be valid.
    """
    varied = set(attributes)
    for name, value in overrides.items():
        if name in RESERVED:
            raise InvalidConfig(f"-T {name}: the seed is each run's own, it cannot be fixed")
        if name in varied:
            if name in origin and as_attribute(value) == origin[name]:
                continue
            held = origin.get(name)
            hint = misread_hint(name, value, [held]) if isinstance(held, str) else None
            shown = minus_t(name, held) if isinstance(held, str) else f"-T {name}={held}"
            raise InvalidConfig(
                f"-T {name}: {name!r} is a scenario attribute the hunt varies; -T can hold it"
                f" only at the origin's value: {shown}" + (f" ({hint})" if hint else "")
            )
        if not any_params and name not in params:
            names = ", ".join(sorted(params - varied - RESERVED)) or "none"
            raise InvalidConfig(
                f"-T {name}: task {task!r} has no parameter {name!r} (fixed ones: {names})"
            )
