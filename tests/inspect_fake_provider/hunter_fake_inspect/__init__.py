"""An Inspect AI model provider for hunter's tests: ``hunterfake/agent`` and ``hunterfake/grader``.

Registered the way Inspect documents custom providers: a ``@modelapi`` in a module named by an
``inspect_ai`` entry point (see ``pyproject.toml``), so ``--model hunterfake/agent`` works from
``inspect eval`` and from hunter alike, offline and free.
"""
