"""``cmd:COMMAND``: a program that reads a scenario as JSON on stdin and prints a trajectory.

Any language can be a SUT this way. The program runs once per simulation, so it may crash, hang or
print garbage without harming the hunt: each of those is a SUT error with a one-line reason.
"""

from __future__ import annotations

import json
import shlex
import subprocess

from hunter.domain import AttributeDict, Trajectory
from hunter.errors import InvalidConfig, MalformedTrajectory, SutError, SutTimeout
from hunter.records import SutOptions
from hunter.sut.base import Sut


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

    def run(self, attributes: AttributeDict, seed: int) -> Trajectory:
        payload = json.dumps({"attributes": attributes, "seed": seed})
        try:
            proc = subprocess.run(
                self.argv,
                input=payload,
                capture_output=True,
                text=True,
                timeout=self.options.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise SutTimeout(f"command timed out after {self.options.timeout:g}s") from None
        except OSError as exc:
            raise SutError(f"command cannot start: {exc.strerror or exc}") from None
        if proc.returncode != 0:
            tail = (proc.stderr.strip().splitlines() or [""])[-1][:300]
            raise SutError(f"command exited with status {proc.returncode}: {tail}".rstrip(": "))
        try:
            raw = json.loads(proc.stdout)
        except json.JSONDecodeError:
            raise MalformedTrajectory(
                f"command printed no JSON trajectory: {proc.stdout.strip()[:120]!r}"
            ) from None
        return Trajectory.from_json(raw)
