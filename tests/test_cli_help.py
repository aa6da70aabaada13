"""Every command and every option of the command line explains itself (as sqlite-utils'
test_docs.py checks its own): a new option without help text fails here."""

from __future__ import annotations

import click
import pytest

from hunter.cli import cli


def _commands(group: click.Group, path: str = "hunter") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = [(path, group)]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, f"{path} {name}")
        else:
            found.append((f"{path} {name}", command))
    return found


COMMANDS = _commands(cli)


def test_the_walk_finds_every_command() -> None:
    names = {path for path, _ in COMMANDS}
    assert {"hunter hunts", "hunter run", "hunter runs", "hunter proposals accept"} <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_and_options_have_help(path: str, command: click.Command) -> None:
    assert (command.help or "").strip(), f"{path} has no help text"
    missing = [
        "/".join(p.opts)
        for p in command.params
        if isinstance(p, click.Option) and not (p.help or "").strip()
    ]
    assert not missing, f"{path}: options without help: {', '.join(missing)}"
