"""A reader that stops early (`hunter runs | head`) is not an error of hunter's."""

from __future__ import annotations

import subprocess
import sys

import pytest

HUNTER = [sys.executable, "-c", "import sys; from hunter.cli import main; sys.exit(main())"]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("pipe") / "store")
    subprocess.run(
        [*HUNTER, "campaign", "--sut", "builtin:ceo", "--n", "20", "--store", path],
        check=True,
        capture_output=True,
    )
    return path


@pytest.mark.parametrize("command", [["runs"], ["runs", "--json"], ["show", "r1"]])
def test_a_closed_pipe_exits_zero_and_quietly(store, command):
    writer = subprocess.Popen(
        [*HUNTER, *command, "--store", store], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert writer.stdout is not None
    writer.stdout.close()  # the reader is gone before hunter writes its first line
    _, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err.decode()
    assert err.decode() == ""
