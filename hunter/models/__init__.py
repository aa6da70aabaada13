"""Real models through the anthropic SDK: the agent, the judge, and their costs."""

from __future__ import annotations

from hunter.errors import InvalidConfig
from hunter.records import SutOptions


def model_name(spec: str, flag: str) -> str:
    """``anthropic:MODEL`` -> ``MODEL``.

    Raises:
        InvalidConfig: for any other provider or an empty model name.
    """
    provider, _, model = spec.partition(":")
    if provider != "anthropic" or not model:
        raise InvalidConfig(f"{flag} {spec!r} must be 'anthropic:MODEL'")
    return model


def validate(options: SutOptions) -> None:
    """Check the model specs of ``options`` (a ``scripted`` agent, with or without a profile
    file, is the built-in world's to check: ``hunter.sut.builtin.agent_spec``)."""
    if options.agent != "scripted" and not options.agent.startswith("scripted:"):
        model_name(options.agent, "--agent")
    if options.judge is not None:
        model_name(options.judge, "--judge")
