"""The entry point Inspect imports: registers the ``hunterfake`` provider, nothing heavy."""

from inspect_ai.model import ModelAPI, modelapi


@modelapi(name="hunterfake")
def hunterfake() -> type[ModelAPI]:
    from hunter_fake_inspect.provider import FakeModel

    return FakeModel
