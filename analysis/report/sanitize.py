"""Untrusted text (anything a SUT or a model wrote) in the Markdown report, free of keys.

The names the report modules call; the escaping itself is :mod:`hunter.text_safety`, the one
place per output format.
"""

from __future__ import annotations

from hunter.text_safety import markdown_code, markdown_text, terminal
from hunter.text_safety import redact as _redact


def redact(text: object) -> str:
    """Known secrets (the SDK's key, ``HUNTER_SECRETS``, key-shaped strings) removed."""
    return _redact(text)


def visible(text: object) -> str:
    """Secrets removed and control characters shown (``\\x1b``), newlines kept: for HTML."""
    return terminal(text, newlines=True)


def code(text: object, limit: int = 300) -> str:
    """An inline code span holding ``text`` exactly, which no backtick, newline or HTML in it
    can break out of."""
    return markdown_code(text, limit)


def cell(text: object, limit: int = 120) -> str:
    """Text for a Markdown table cell or prose, every punctuation character escaped."""
    return markdown_text(text, limit)
