"""The review workflow: accepting writes the map's next version; rejecting records why."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from hunter.analysis import apply_proposal
from hunter.coverage import dump_yaml, load_map
from hunter.errors import InvalidConfig
from hunter.regions import MapProposal
from hunter.store import Store


def next_version_path(path: Path, version: int) -> Path:
    """``ai_ceo.yaml`` (v1) -> ``ai_ceo.v2.yaml``; ``ai_ceo.v2.yaml`` -> ``ai_ceo.v3.yaml``."""
    stem = re.sub(r"\.v\d+$", "", path.stem)
    return path.with_name(f"{stem}.v{version}{path.suffix}")


def accept_proposal(
    store: Store, proposal_id: str, who: str, reason: str | None
) -> tuple[Path, str]:
    """Apply a pending proposal to its map file, writing version + 1 beside it.

    Returns:
        The new file's path and a unified diff of the YAML, for the reviewer.

    Raises:
        UnknownId: no such proposal. InvalidConfig: not pending, or its map file is gone.
    """
    record = store.proposal(proposal_id)
    if record.status != "pending":
        raise InvalidConfig(f"proposal {proposal_id} is already {record.status}")
    if not record.map_path:
        raise InvalidConfig(f"proposal {proposal_id} has no map file to refine (hunt had no map)")
    old_path = Path(record.map_path)
    old_map = load_map(old_path)
    proposal = MapProposal(record.kind, record.detail, record.proposal_id)  # type: ignore[arg-type]
    new_map = apply_proposal(old_map, proposal)
    new_path = next_version_path(old_path, new_map.version)
    if new_path.exists():
        raise InvalidConfig(f"{new_path} already exists; refusing to overwrite a map version")
    old_text = old_path.read_text(encoding="utf-8")
    header = (
        f"# version {new_map.version}: {record.kind} from hunt {record.hunt_id}"
        f" ({proposal_id}), accepted by {who}" + (f": {reason}" if reason else "") + "\n"
    )
    new_text = header + dump_yaml(new_map.to_dict())
    load_map_text_check(new_text, new_path)
    new_path.write_text(new_text, encoding="utf-8")
    store.decide_proposal(
        proposal_id, "accepted", who=who, reason=reason, new_map_path=str(new_path)
    )
    diff = "".join(
        difflib.unified_diff(
            old_text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=str(old_path),
            tofile=str(new_path),
        )
    )
    return new_path, diff


def load_map_text_check(text: str, path: Path) -> None:
    """Refuse to write a map version that would not load back."""
    import yaml

    from hunter.coverage import CoverageMap

    CoverageMap.from_dict(yaml.safe_load(text), str(path))


def reject_proposal(store: Store, proposal_id: str, who: str, reason: str | None) -> None:
    record = store.proposal(proposal_id)
    if record.status != "pending":
        raise InvalidConfig(f"proposal {proposal_id} is already {record.status}")
    store.decide_proposal(proposal_id, "rejected", who=who, reason=reason)
