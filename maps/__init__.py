"""Coverage maps shipped with hunter as ``hunter.maps`` (``ai_ceo`` is the built-in world's map)."""
