"""Untrusted text (anything a SUT or a model wrote) made safe for Markdown and free of keys.

Markdown gets untrusted text in code spans and code blocks, which CommonMark never reads as
markup or HTML, so the text is shown exactly as it was written (``->`` stays ``->``, ``<b>``
stays ``<b>``), however long; only API keys are redacted. The fence is always longer than any
run of backticks in the text, so nothing inside can close it.
"""

from __future__ import annotations

import re

from hunter.text_safety import terminal

_KEY = re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}")
_TICKS = re.compile(r"`+")


def redact(text: object) -> str:
    """Known secrets removed (the SDK's key, ``HUNTER_SECRETS``, anything key-shaped) and
    control characters shown (``\\x1b``), newlines kept: :mod:`hunter.text_safety` decides."""
    return _KEY.sub("[redacted]", terminal(text, newlines=True))


def _fence(text: str, least: int) -> str:
    longest = max((len(m) for m in _TICKS.findall(text)), default=0)
    return "`" * max(least, longest + 1)


def code(text: object, limit: int | None = None) -> str:
    """An inline code span that shows ``text`` exactly (line breaks read as spaces, as inside
    any code span): no backtick, newline or HTML in ``text`` can break out of it. The report
    never cuts evidence; ``limit`` (characters) is for callers that must."""
    s = redact(text).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    if limit is not None:
        s = s[:limit]
    if not s:
        return "``"
    fence = _fence(s, 1)
    # CommonMark strips one space on each side when both are there: pad text that touches
    # a backtick or a space at either end, so what is shown is exactly ``s``.
    if s[0] in "` " or s[-1] in "` ":
        s = f" {s} "
    return f"{fence}{s}{fence}"


def code_block(text: object, indent: str = "") -> list[str]:
    """A fenced code block showing ``text`` exactly, line for line (for multi-line text)."""
    s = redact(text)
    fence = _fence(s, 3)
    return [f"{indent}{fence}text", *(f"{indent}{line}" for line in s.splitlines()), indent + fence]


def code_cell(text: object, limit: int | None = None) -> str:
    """Untrusted text for a Markdown table cell, exactly: a code span whose pipes are escaped
    (GitHub's tables split cells on ``|`` even inside code spans, and show ``\\|`` there as
    ``|``)."""
    return code(" ".join(redact(text).split()), limit).replace("|", "\\|")


def cell(text: object, limit: int = 120) -> str:
    """Text for a Markdown table cell or a link, as plain text (the triage report's cells)."""
    s = " ".join(redact(text).split())[:limit]
    for ch, rep in (("|", "\\|"), ("<", "&lt;"), (">", "&gt;"), ("`", "'")):
        s = s.replace(ch, rep)
    return s
