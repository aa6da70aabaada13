"""docs/reference.md documents every command and option the command line has."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from hunter.cli import cli

REFERENCE = (Path(__file__).parents[1] / "docs" / "reference.md").read_text(encoding="utf-8")
EVERYWHERE = {"--store", "--help", "-h"}  # stated once for every command


def _leaves(group: click.Group, path: str) -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            if any(isinstance(p, click.Option) for p in command.params):
                found.append((f"{path} {name}", command))
            found += _leaves(command, f"{path} {name}")
        else:
            found.append((f"{path} {name}", command))
    return found


COMMANDS = _leaves(cli, "hunter")


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_reference_documents_command_and_options(path: str, command: click.Command) -> None:
    commands = REFERENCE[REFERENCE.index("\n## Commands") : REFERENCE.index("\n## What hunter")]
    start = commands.find(f"`{path} ")
    assert start >= 0, f"docs/reference.md never shows `{path} ...`"
    section = commands[start:]
    section = section[: section.find("\n### ")] if "\n### " in section else section
    names = [
        [o for o in p.opts if o.startswith("--")] or list(p.opts)  # -T has no long name
        for p in command.params
        if isinstance(p, click.Option)
    ]
    missing = [
        opt
        for group in names
        for opt in group
        if opt not in EVERYWHERE and not re.search(rf"{re.escape(opt)}\b", section)
    ]
    assert not missing, f"{path}: options missing from its section: {', '.join(missing)}"


def test_reference_links_stay_inside_the_repository() -> None:
    root = Path(__file__).parents[1]
    for target in re.findall(r"\]\(([^)#]+)", REFERENCE):
        assert "://" not in target, target
        assert (root / "docs" / target).exists(), target
