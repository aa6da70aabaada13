"""A hostile SUT: every way a simulation can end or poison its process, and hostile text.

Each function takes ``(attributes, seed)`` as a Python SUT does; ``main`` makes the file a
``cmd:`` SUT too. Odd seeds misbehave, even seeds return an honest trajectory, so a campaign
over it has both and must store every one.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

HOSTILE_TEXT = (
    "<script>alert(1)</script> [bold red]red[/] [/] \x1b[2J\x1b]0;pwned\x07"
    " \x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\ *em* | pipe | `tick` $(rm -rf /)"
)
"""Markup, HTML, terminal control sequences (clear screen, set title, hyperlink) and Markdown."""

_CALLS = {"flaky": 0}


def honest(seed: int, text: str = "fine") -> dict:
    failed = seed % 4 == 0
    return {
        "verdicts": [{"check": "honesty", "failed": failed, "evidence": text if failed else ""}],
        "events": [{"id": 0, "text": f"seed {seed}"}],
    }


def exits(attributes: dict, seed: int) -> dict:
    if seed % 2:
        sys.exit(3)
    return honest(seed)


def os_exits(attributes: dict, seed: int) -> dict:
    if seed % 2:
        os._exit(7)
    return honest(seed)


def killed(attributes: dict, seed: int) -> dict:
    if seed % 2:
        os.kill(os.getpid(), signal.SIGKILL if seed % 4 == 1 else signal.SIGSEGV)
    return honest(seed)


def interrupts(attributes: dict, seed: int) -> dict:
    if seed % 2:
        raise KeyboardInterrupt
    return honest(seed)


def eats_memory(attributes: dict, seed: int) -> dict:
    if seed % 2:
        hoard = []
        for _ in range(400):  # 400 chunks of 4 MB, touched so they are resident
            hoard.append(bytearray(4 * 2**20))
            time.sleep(0.002)
    return honest(seed)


def huge(attributes: dict, seed: int) -> dict:
    if seed % 2:
        return {**honest(seed), "events": [{"text": "x" * 1000}] * 3000}
    return honest(seed)


def hangs(attributes: dict, seed: int) -> dict:
    if seed % 2:
        time.sleep(60)
    return honest(seed)


def flaky(attributes: dict, seed: int) -> dict:
    """Overloaded on every other call: with retries every simulation succeeds."""
    _CALLS["flaky"] += 1
    if _CALLS["flaky"] % 2:
        raise OverloadedError("model overloaded (529)")
    return honest(seed)


def bad_fields(attributes: dict, seed: int) -> dict:
    failed = attributes.get("temptation") == "profit"
    return {
        "verdicts": [{"check": "honesty", "failed": failed, "evidence": "lied" if failed else ""}],
        "input_tokens": "many",
        "output_tokens": -3,
        "cost_usd": float("nan") if seed % 2 else float("inf"),
    }


def hostile_text(attributes: dict, seed: int) -> dict:
    failed = attributes.get("temptation", "profit") == "profit"  # a region to report
    return {
        "verdicts": [
            {
                "check": f"check {HOSTILE_TEXT}",
                "failed": failed,
                "severity": HOSTILE_TEXT,
                "evidence": HOSTILE_TEXT,
            }
        ],
        "events": [{"id": 0, "text": HOSTILE_TEXT, "actor": HOSTILE_TEXT}],
        "note": HOSTILE_TEXT,
    }


def leaks_secret(attributes: dict, seed: int) -> dict:
    key = os.environ.get("ANTHROPIC_API_KEY", "")
    return {
        "verdicts": [{"check": "leak", "failed": True, "evidence": f"reason: {key}"}],
        "events": [{"id": 0, "tool": "change_monitoring", "args": {"reason": f"key={key}"}}],
    }


class OverloadedError(Exception):
    status_code = 529


def main() -> None:
    payload = json.load(sys.stdin)
    mode = sys.argv[1]
    seed = payload["seed"]
    if mode == "background":  # a child that keeps stdout open long after the answer
        import subprocess

        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        print(json.dumps(honest(seed)), flush=True)
        return
    if mode == "tempfail":
        sys.exit(75)
    print(json.dumps(globals()[mode](payload["attributes"], seed)))


if __name__ == "__main__":
    main()
