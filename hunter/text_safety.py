"""Untrusted text made safe for each place hunter writes it: the one module that does so.

Everything a SUT or a model wrote (check names, evidence, events, attribute values, error
messages, model output) is untrusted. Each output format has one function here, and every
writer calls it rather than escaping by hand:

- :func:`terminal`: control characters (escape sequences that colour, retitle, clear the screen
  or make hyperlinks; bells; backspaces; bidirectional overrides) are made visible as ``\\x1b``
  and the like; rich markup is not interpreted where callers print plain ``Text``.
- :func:`markdown_code` and :func:`markdown_text`: a CommonMark code span whose fence no
  backtick in the text can close, and text whose every punctuation character is
  backslash-escaped (both render as exactly the original text; HTML inside stays inert).
- :func:`html`: HTML-escaped text (the HTML report's jinja2 autoescaping does the same).
- :func:`strict_json`: JSON without ``NaN`` or ``Infinity`` (both become ``null``), which
  browsers, ``jq`` and every strict parser reject.

Known secrets are removed first by :func:`redact`: the model SDK's key from the environment,
values listed in ``HUNTER_SECRETS`` (separated by newlines or commas), and anything shaped like
an Anthropic key. Why by hand: each of these is a few lines of the standard library; markupsafe
(through jinja2) does the HTML.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

REDACTED = "[redacted]"
SECRET_ENV = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "OPENAI_API_KEY")
"""Environment variables whose values are secrets wherever they appear."""
_KEY_SHAPE = re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}")
_MIN_SECRET = 6  # shorter values would redact ordinary words


def secrets() -> tuple[str, ...]:
    """The secret values known now, longest first (so a secret containing another goes whole).

    Read from the environment at every call (a notebook may set a key late), worked out once
    per set of values: every printed segment is redacted, a listing prints a million."""
    return _secrets_of(tuple(os.environ.get(name, "") for name in (*SECRET_ENV, "HUNTER_SECRETS")))


@functools.lru_cache(maxsize=8)
def _secrets_of(values: tuple[str, ...]) -> tuple[str, ...]:
    *keys, listed = values
    found = {value.strip() for value in keys}
    for part in re.split(r"[\n,]", listed):
        found.add(part.strip())
    return tuple(sorted((s for s in found if len(s) >= _MIN_SECRET), key=len, reverse=True))


def redact(text: object) -> str:
    """``text`` as a string with every known secret replaced by ``[redacted]``."""
    s = str(text)
    for secret in secrets():
        s = s.replace(secret, REDACTED)
    return _KEY_SHAPE.sub(REDACTED, s)


def redact_value(value: Any) -> Any:
    """A JSON-like value (dicts, lists, strings) with secrets redacted in every string, keys too."""
    known = secrets()
    if not known and not _has_key_shape(value):
        return value
    return _redact_deep(value)


def _has_key_shape(value: Any) -> bool:
    return "sk-ant-" in json.dumps(value, default=str)


def _redact_deep(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {redact(k) if isinstance(k, str) else k: _redact_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_deep(v) for v in value]
    return value


# -- terminal -------------------------------------------------------------------------------------

_BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}


def _visible(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def is_control(ch: str) -> bool:
    """Whether ``ch`` would act on a terminal rather than show (C0, DEL, C1, bidirectional
    overrides): :func:`terminal` shows it as ``\\xNN``."""
    return ch in _BIDI or unicodedata.category(ch) == "Cc"


def visible(ch: str) -> str:
    """``ch`` as :func:`terminal` shows it: ``\\xNN`` for a control character, else itself."""
    return _visible(ch) if is_control(ch) else ch


def terminal(text: object, *, newlines: bool = False) -> str:
    """``text`` safe to print on a terminal: secrets redacted, every control character (C0,
    DEL, C1, bidirectional overrides) shown as ``\\xNN``; newlines and tabs kept when
    ``newlines``, else printed as spaces so that one record stays on one line."""
    clean = redact(text)
    if clean.isprintable():  # no control character, tab or newline: nothing to show
        return clean
    out = []
    for ch in clean:
        if ch == "\n" or ch == "\t":
            out.append(ch if newlines else " ")
        elif is_control(ch):
            out.append(_visible(ch))
        else:
            out.append(ch)
    return "".join(out)


# -- Markdown -------------------------------------------------------------------------------------

_MD_ACTIVE = re.compile(r"([\\`*\[\]<>&|~!])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
"""Characters that can start Markdown markup mid-line: backslash, code, emphasis, links and
images, HTML and autolinks, entities, table pipes, strikethrough. An underscore inside a word
(``ai_ceo``) starts nothing in CommonMark and is left as it is."""


def markdown_text(text: object, limit: int | None = None) -> str:
    """Text for Markdown prose or a table cell: every character that could start markup
    backslash-escaped (CommonMark renders each escape as the character itself, so the text is
    kept exactly and no HTML, link, emphasis or pipe in it takes effect), controls made
    visible, on one line."""
    s = terminal(text)
    if limit is not None and len(s) > limit:
        s = s[: limit - 1] + "…"
    return _MD_ACTIVE.sub(lambda m: "\\" + m.group(0), s)


def markdown_code(text: object, limit: int | None = None) -> str:
    """A CommonMark code span holding ``text`` exactly (secrets redacted, controls visible, on
    one line): fenced by one more backtick than the longest run inside, padded when the text
    starts or ends with a backtick. HTML inside a code span is shown, never run."""
    s = terminal(text)
    if limit is not None and len(s) > limit:
        s = s[: limit - 1] + "…"
    if not s:
        return "` `"
    longest = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or (s[0] == " " and s[-1] == " ") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


# -- HTML and JSON --------------------------------------------------------------------------------


def html(text: object) -> str:
    """HTML-escaped text (secrets redacted); what the report's autoescaping does, for code that
    builds HTML outside a template."""
    from markupsafe import escape

    return str(escape(redact(text)))


def finite(value: Any) -> Any:
    """A JSON-like value with every NaN or infinite float replaced by None (``null``) and
    anything JSON cannot hold turned into its string."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return finite(value.item())
    return str(value)


def strict_json(value: Any, **kwargs: Any) -> str:
    """``json.dumps`` that never writes ``NaN`` or ``Infinity`` (they become ``null``)."""
    return json.dumps(finite(value), allow_nan=False, **kwargs)


def plot_text(text: object) -> str:
    """A label for a matplotlib figure: secrets redacted, controls visible, and every ``$``
    escaped (two of them would start mathtext, which a malformed formula crashes)."""
    return terminal(text).replace("$", r"\$")
