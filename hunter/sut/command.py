"""``cmd:COMMAND``: a program that reads a scenario as JSON on stdin and prints a trajectory.

Any language can be a SUT this way. The program runs once per simulation, so it may crash, hang or
print garbage without harming the hunt: each of those is a SUT error with a one-line reason.

Each run is a process group of its own (a new session), killed whole once the program exits or
its time is up: a background child that keeps stdout open neither turns a valid answer into a
timeout nor outlives the simulation. Exit status 75 (``EX_TEMPFAIL``) marks a transient error,
tried again under ``--retries``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

from hunter.domain import AttributeDict, Trajectory
from hunter.errors import InvalidConfig, MalformedTrajectory, SutError, SutTimeout, SutTransient
from hunter.records import SutOptions
from hunter.sut.base import Sut

EX_TEMPFAIL = 75
"""Exit status with which a ``cmd:`` SUT says "try again" (sysexits.h)."""


class CommandSut(Sut):
    io_bound = True

    def __init__(self, spec: str, options: SutOptions) -> None:
        super().__init__(spec, options)
        command = spec.removeprefix("cmd:").strip()
        try:
            self.argv = shlex.split(command)
        except ValueError as exc:
            raise InvalidConfig(f"SUT {spec!r}: cannot parse the command ({exc})") from None
        if not self.argv:
            raise InvalidConfig("SUT 'cmd:' needs a command after the colon")
        program = self.argv[0]
        if os.sep in program:
            found = Path(program).is_file() and os.access(program, os.X_OK)
        else:
            found = shutil.which(program) is not None
        if not found:
            raise InvalidConfig(f"SUT {spec!r}: program {program!r} not found or not executable")

    def run(self, attributes: AttributeDict, seed: int) -> Trajectory:
        payload = json.dumps({"attributes": attributes, "seed": seed}).encode()
        limit = int(self.options.max_trajectory_mb * 2**20)
        try:
            proc = subprocess.Popen(
                self.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            raise SutError(f"command cannot start: {exc.strerror or exc}") from None
        stdout, stderr = _Reader(proc.stdout, limit), _Reader(proc.stderr, 64 * 1024)
        try:
            _feed(proc, payload)
            try:
                code = proc.wait(self.options.timeout)
            except subprocess.TimeoutExpired:
                raise SutTimeout(f"command timed out after {self.options.timeout:g}s") from None
        finally:
            _kill_group(proc)
            stdout.join()
            stderr.join()
        if stdout.overflow:
            raise SutError(
                f"command printed more than {self.options.max_trajectory_mb:g} MB"
                " (--max-trajectory-mb); not stored"
            )
        if code != 0:
            lines = stderr.text().strip().splitlines() or [""]
            message = f"command exited with status {code}: {lines[-1][:300]}".rstrip(": ")
            if code == EX_TEMPFAIL:
                raise SutTransient(message)
            raise SutError(message)
        out = stdout.text()
        try:
            raw = json.loads(out)
        except json.JSONDecodeError:
            raise MalformedTrajectory(
                f"command printed no JSON trajectory: {out.strip()[:120]!r}"
            ) from None
        return Trajectory.from_json(raw)


def _feed(proc: subprocess.Popen[bytes], payload: bytes) -> None:
    assert proc.stdin is not None
    with contextlib.suppress(OSError):  # a program that never reads its input
        proc.stdin.write(payload)
    with contextlib.suppress(OSError):
        proc.stdin.close()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the program's whole process group (its background children too)."""
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)


class _Reader:
    """Drains a pipe on a thread (so a chatty program never blocks on a full pipe), keeping at
    most ``limit`` bytes; reading stops at EOF, which the group kill guarantees."""

    def __init__(self, pipe: object, limit: int) -> None:
        self._pipe = pipe
        self._limit = limit
        self._chunks: list[bytes] = []
        self._size = 0
        self.overflow = False
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        read = self._pipe.read1  # type: ignore[attr-defined]
        with contextlib.suppress(OSError, ValueError):
            while chunk := read(65536):
                if self._size + len(chunk) > self._limit:
                    self.overflow = True
                    continue  # keep draining, store no more
                self._chunks.append(chunk)
                self._size += len(chunk)

    def join(self) -> None:
        deadline = time.monotonic() + 5
        self._thread.join(max(0.0, deadline - time.monotonic()))

    def text(self) -> str:
        return b"".join(self._chunks).decode("utf-8", errors="replace")
