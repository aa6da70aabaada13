"""Minimal edits of a coverage map's YAML text: the reviewer's file stays the reviewer's file.

A refinement appends one entry to a top-level list (``dimensions``, ``crosses``, ``weights``),
changes one weight or bumps ``version``. The text is parsed with ruamel.yaml's round-trip
composer, whose nodes carry their exact positions; the new entry alone is rendered by ruamel in
the file's own indentation and flow style (copied from its siblings) and spliced in after the
last entry. Nothing else is re-emitted, so comments, blank lines, key order, quoting and spacing
survive byte for byte (re-dumping the whole document would move a comment that follows the last
entry of a list below the new entry, and normalise spacing the author chose).

Pure: text in, text out. A string PyYAML would read as something else (``off``, ``yes``, ``1e3``)
is quoted, because hunter loads maps with PyYAML (YAML 1.1) while ruamel writes YAML 1.2.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import SingleQuotedScalarString

from hunter.errors import InvalidConfig

NULL_TAG = "tag:yaml.org,2002:null"


class FlowMap(Exception):
    """The map is written in a form these splices do not edit (a flow-style document)."""


def _start(node: Node) -> int:
    return int(node.start_mark.index)


def _end(node: Node) -> int:
    return int(node.end_mark.index)


def _column(node: Node) -> int:
    return int(node.start_mark.column)


def _compose(text: str, source: str) -> MappingNode:
    try:
        root = YAML(typ="rt").compose(text)
    except YAMLError as exc:
        raise InvalidConfig(f"{source}: not valid YAML ({exc})") from None
    if not isinstance(root, MappingNode):
        raise InvalidConfig(f"{source}: a coverage map must be a mapping")
    if root.flow_style:
        raise FlowMap(source)
    return root


def _entry(root: MappingNode, key: str) -> tuple[Node, Node] | None:
    for k, v in root.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return k, v
    return None


def _content_end(node: Node, text: str) -> int:
    """The index just past the last significant character of ``node``."""
    if isinstance(node, MappingNode) and not node.flow_style and node.value:
        key, value = node.value[-1]
        if isinstance(value, ScalarNode) and _end(value) == _start(value):
            return _end(key)  # `key:` with nothing after it
        return max(_content_end(value, text), _end(key))
    if isinstance(node, SequenceNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1], text)
    end: int = _end(node)
    while end > _start(node) and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _after_line(text: str, index: int) -> tuple[str, int]:
    """The offset of the line after the one holding ``index`` (adding a final newline)."""
    nl = text.find("\n", index)
    if nl < 0:
        return text + "\n", len(text) + 1
    return text, nl + 1


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _dash_column(text: str, item: Node) -> int:
    """The column of the ``-`` that introduces a block sequence item."""
    i = _start(item) - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i >= 0 and text[i] == "-":
        return i - _line_start(text, i)
    return max(0, _column(item) - 2)


def _pyyaml_safe(value: Any) -> Any:
    """``value`` with every string PyYAML would not read back as itself single-quoted."""
    if isinstance(value, str):
        try:
            back = yaml.safe_load(value)
        except yaml.YAMLError:
            back = None
        return value if back == value else SingleQuotedScalarString(value)
    if isinstance(value, Mapping):
        return {_pyyaml_safe(k): _pyyaml_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_pyyaml_safe(v) for v in value]
    return value


def _styled(value: Any, like: Node | None) -> Any:
    """``value`` as ruamel collections, flow or block like ``like`` (flow when there is none)."""
    if isinstance(value, Mapping):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _styled(v, _child(like, k))
        _set_style(out, like, default_flow=all(_scalar(v) for v in value.values()))
        return out
    if isinstance(value, list):
        seq = CommentedSeq(_styled(v, _child(like, i)) for i, v in enumerate(value))
        _set_style(seq, like, default_flow=all(_scalar(v) for v in value))
        return seq
    return value


def _scalar(value: Any) -> bool:
    return not isinstance(value, Mapping | list)


def _child(like: Node | None, key: Any) -> Node | None:
    if isinstance(like, MappingNode):
        found: list[Node] = [
            v for k, v in like.value if isinstance(k, ScalarNode) and k.value == key
        ]
        return found[0] if found else None
    if isinstance(like, SequenceNode) and isinstance(key, int) and like.value:
        items: list[Node] = like.value
        return items[min(key, len(items) - 1)]
    return None


def _set_style(node: CommentedMap | CommentedSeq, like: Node | None, default_flow: bool) -> None:
    flow = like.flow_style if isinstance(like, MappingNode | SequenceNode) else default_flow
    if flow:
        node.fa.set_flow_style()
    else:
        node.fa.set_block_style()


def _sibling_like(items: Sequence[Node], value: Any) -> Node | None:
    """An existing entry to copy styles from: one of the same shape, preferring shared keys."""
    if isinstance(value, Mapping):
        maps = [n for n in items if isinstance(n, MappingNode)]
        if not maps:
            return None

        def shared(n: MappingNode) -> int:
            return sum(isinstance(k, ScalarNode) and k.value in value for k, _ in n.value)

        return max(maps, key=shared)
    if isinstance(value, list):
        seqs = [n for n in items if isinstance(n, SequenceNode)]
        return seqs[0] if seqs else None
    return None


def _merged_like(items: Sequence[Node], value: Any) -> Node | None:
    """For a mapping entry, each key's style taken from the first sibling that has that key."""
    if not isinstance(value, Mapping):
        return _sibling_like(items, value)
    first = _sibling_like(items, value)
    if not isinstance(first, MappingNode):
        return first
    pairs: list[tuple[Node, Node]] = []
    for key in value:
        for n in items:
            if isinstance(n, MappingNode):
                child = _child(n, key)
                if child is not None:
                    pairs.append((ScalarNode("tag:yaml.org,2002:str", key), child))
                    break
    return MappingNode(first.tag, pairs, flow_style=first.flow_style)


@dataclass(frozen=True)
class _Indents:
    """How the file indents what it nests: a block mapping's keys under their key, and a
    block sequence's dash under its key (``offset``)."""

    mapping: int = 2
    offset: int = 0


def _indents(text: str, root: MappingNode) -> _Indents:
    """Learnt from the file's nested collections, those inside list entries first."""
    mappings: list[tuple[int, int]] = []  # (depth, indent)
    offsets: list[tuple[int, int]] = []

    def walk(node: Node, depth: int) -> None:
        if isinstance(node, MappingNode) and not node.flow_style:
            for key, value in node.value:
                if (
                    isinstance(value, MappingNode)
                    and not value.flow_style
                    and value.value
                    and _start(value.value[0][0]) > _end(key)  # on a line of its own
                ):
                    mappings.append((depth, _column(value) - _column(key)))
                if isinstance(value, SequenceNode) and not value.flow_style and value.value:
                    offsets.append((depth, _dash_column(text, value.value[0]) - _column(key)))
                walk(value, depth + 1)
        elif isinstance(node, SequenceNode) and not node.flow_style:
            for item in node.value:
                walk(item, depth + 1)

    walk(root, 0)

    def pick(found: list[tuple[int, int]], default: int, low: int) -> int:
        usable = sorted((-d, v) for d, v in found if low <= v <= 8)
        return usable[0][1] if usable else default

    return _Indents(mapping=pick(mappings, 2, 1), offset=pick(offsets, 0, 0))


class _Representer(RoundTripRepresenter):
    """ruamel's round-trip representer, floats written the way PyYAML reads them back."""


def _float_as_pyyaml(representer: Any, value: float) -> Any:
    # YAML 1.2 writes 1e-05, which PyYAML (YAML 1.1, hunter's loader) reads as a string
    text = yaml.safe_dump(value).split("\n", 1)[0]
    return representer.represent_scalar("tag:yaml.org,2002:float", text)


_Representer.add_representer(float, _float_as_pyyaml)


def _emitter() -> YAML:
    """ruamel's round-trip emitter without line folding."""
    emitter = YAML(typ="rt")
    emitter.Representer = _Representer
    emitter.width = 4096
    return emitter


def _render_item(value: Any, like: Node | None, gap: int, indents: _Indents) -> list[str]:
    """One block sequence item (``- ...``), its content ``gap`` columns after the dash."""
    emitter = _emitter()
    gap = max(2, gap)
    emitter.indent(mapping=indents.mapping, sequence=indents.offset + gap, offset=indents.offset)
    buf = io.StringIO()
    emitter.dump([_styled(_pyyaml_safe(value), like)], buf)
    return [line[indents.offset :] for line in buf.getvalue().splitlines()]


def _render_flow(value: Any) -> str:
    emitter = _emitter()
    buf = io.StringIO()
    seq = _styled(_pyyaml_safe(value), None)
    if isinstance(seq, CommentedMap | CommentedSeq):
        seq.fa.set_flow_style()
    emitter.dump(seq, buf)
    return buf.getvalue().strip()


def _comment(note: str | None) -> str:
    if not note:
        return ""
    return "  # " + " ".join(note.split())


def append_entry(
    text: str,
    key: str,
    value: Any,
    note: str | None,
    *,
    after: Sequence[str] = (),
    source: str = "<map>",
) -> str:
    """``text`` with ``value`` appended to the top-level list ``key``, ``note`` as its comment.

    A missing (or empty) ``key`` is created after the first of ``after`` the map has (else at
    the end), indented like the map's ``dimensions``.
    """
    root = _compose(text, source)
    found = _entry(root, key)
    indents = _indents(text, root)
    if found is not None and isinstance(found[1], SequenceNode) and found[1].value:
        seq = found[1]
        if seq.flow_style:
            # `key: [[a, b], [c, d]]`: add `, [e, f]` before the closing bracket
            close = text.rfind("]", _start(seq), _end(seq))
            new = text[:close] + ", " + _render_flow(value) + text[close:]
            return _note_above(new, found[0], note)
        dash = _dash_column(text, seq.value[0])
        gap = _column(seq.value[0]) - dash
        lines = _render_item(value, _merged_like(seq.value, value), gap, indents)
        return _insert_lines(text, _content_end(seq, text), lines, dash, note)
    # no entries yet: `key:` with a null or an empty list, or no key at all
    dash, gap = _new_list_indent(text, root)
    lines = _render_item(value, None, gap, indents)
    column = _column(root)
    if found is not None:
        key_node, val = found
        start, end = _start(val), _end(val)
        if not (isinstance(val, ScalarNode) and val.tag == NULL_TAG) and not (
            isinstance(val, SequenceNode) and not val.value
        ):
            raise InvalidConfig(f"{source}: field {key!r} must be a list")
        if end > start:  # `key: ~` or `key: []`: drop the empty value, keep any comment
            while start > _end(key_node) + 1 and text[start - 1] in " \t":
                start -= 1
            text = text[:start] + text[end:]
        return _insert_lines(text, _end(key_node), lines, column + dash, note)
    anchor = next((e for e in (_entry(root, a) for a in after) if e is not None), None)
    at = _content_end(anchor[1], text) if anchor else _content_end(root, text)
    header = [" " * column + f"{key}:"]
    text, pos = _after_line(text, at)
    body = _indented(lines, column + dash, note)
    return text[:pos] + "\n".join(header + body) + "\n" + text[pos:]


def _new_list_indent(text: str, root: MappingNode) -> tuple[int, int]:
    """(dash offset from its key, content gap after the dash) of the map's first block list."""
    for _, v in root.value:
        if isinstance(v, SequenceNode) and not v.flow_style and v.value:
            dash = _dash_column(text, v.value[0])
            return dash - _column(root), _column(v.value[0]) - dash
    return 2, 2


def _indented(lines: Sequence[str], column: int, note: str | None) -> list[str]:
    out = [" " * column + line if line else line for line in lines]
    if out and note:
        out[0] += _comment(note)
    return out


def _insert_lines(text: str, at: int, lines: Sequence[str], column: int, note: str | None) -> str:
    text, pos = _after_line(text, at)
    return text[:pos] + "\n".join(_indented(lines, column, note)) + "\n" + text[pos:]


def _note_above(text: str, key_node: Node, note: str | None) -> str:
    if not note:
        return text
    start = _line_start(text, _start(key_node))
    return text[:start] + " " * _column(key_node) + _comment(note).lstrip() + "\n" + text[start:]


def set_scalar(
    text: str, key: str, value: Any, *, after: str | None = None, source: str = "<map>"
) -> str:
    """``text`` with the top-level scalar ``key`` set to ``value`` (added after ``after``)."""
    root = _compose(text, source)
    rendered = _render_flow([value])[1:-1]
    found = _entry(root, key)
    if found is not None:
        val = found[1]
        if not isinstance(val, ScalarNode):
            raise InvalidConfig(f"{source}: field {key!r} must be a scalar")
        start, end = _start(val), _end(val)
        if end == start:
            rendered = " " + rendered
        return text[:start] + rendered + text[end:]
    anchor = _entry(root, after) if after else None
    line = " " * _column(root) + f"{key}: {rendered}"
    if anchor is None:
        start = _line_start(text, _start(root.value[0][0])) if root.value else 0
        return text[:start] + line + "\n" + text[start:]
    text, pos = _after_line(text, _content_end(anchor[1], text))
    return text[:pos] + line + "\n" + text[pos:]


def set_in_entry(
    text: str,
    key: str,
    index: int,
    field: str,
    value: Any,
    note: str | None,
    *,
    source: str = "<map>",
) -> str:
    """``text`` with ``field`` of entry ``index`` of the top-level list ``key`` set to ``value``.

    ``note`` becomes the line's comment, replacing any comment it had.
    """
    root = _compose(text, source)
    found = _entry(root, key)
    if found is None or not isinstance(found[1], SequenceNode) or index >= len(found[1].value):
        raise InvalidConfig(f"{source}: no entry {index + 1} in {key!r}")
    entry = found[1].value[index]
    target = _child(entry, field)
    if not isinstance(target, ScalarNode):
        raise InvalidConfig(f"{source}: entry {index + 1} of {key!r} has no scalar {field!r}")
    start, end = _start(target), _end(target)
    rendered = _render_flow([value])[1:-1]
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    rest = text[end:line_end]
    if note and (not rest.strip() or rest.lstrip().startswith("#")):
        rest = _comment(note)
    elif note and "#" not in rest:
        rest += _comment(note)
    return text[:start] + rendered + rest + text[line_end:]
