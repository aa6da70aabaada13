from __future__ import annotations

from reliability.helpers import campaign_of  # noqa: F401 - the fixture
