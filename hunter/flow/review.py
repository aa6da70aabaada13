"""The review workflow: accepting writes the map's next version; rejecting records why.

A map's versions are one *lineage*: ``NAME.yaml``, ``NAME.v2.yaml``, ``NAME.v3.yaml``... in one
folder. A proposal is made against whichever version its hunt used, but accepting applies it to
the *newest* version on disk and writes the one after, so proposals stack: accept one, then
another, and get v2 then v3; accept several at once and get one version with all of them. A
proposal the newest version already covers (an earlier acceptance added the same dimension) is
refused, naming why, and nothing is written.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from hunter.analysis.refine import ProposalDoesNotApply, apply_proposal, refine_map_text
from hunter.coverage import CoverageMap, load_map
from hunter.errors import HunterError, InvalidConfig
from hunter.records import ProposalRecord
from hunter.regions import MapProposal, Region
from hunter.store import Store

MAX_NOTED_HUNTS = 3


@dataclass(frozen=True)
class Acceptance:
    """What accepting wrote: the new version, the version it was made from, and the diff."""

    proposal_ids: tuple[str, ...]
    old_path: Path
    new_path: Path
    version: int
    diff: str


def as_stored(region: Region, stored: Mapping[str, ProposalRecord]) -> Region:
    """``region`` with its proposal as the store holds it now (``stored``, by ID): a hunt's
    result keeps the proposal as it stood when the hunt finished, but a later region's numbers
    may have joined it, and an accepted one is what its map version wrote; reports, triages
    and ``hunter proposals`` must all say what accepting writes (or wrote)."""
    proposal = region.proposal
    if proposal is None or not proposal.id or proposal.id not in stored:
        return region
    detail = stored[proposal.id].detail
    return replace(region, proposal=MapProposal(proposal.kind, detail, proposal.id))


def next_version_path(path: Path, version: int) -> Path:
    """``ai_ceo.yaml`` (v1) -> ``ai_ceo.v2.yaml``; ``ai_ceo.v2.yaml`` -> ``ai_ceo.v3.yaml``."""
    stem = re.sub(r"\.v\d+$", "", path.stem)
    return path.with_name(f"{stem}.v{version}{path.suffix}")


def lineage_versions(map_path: str | Path) -> list[tuple[int, Path]]:
    """The lineage's files on disk as (number, path), oldest first; ``NAME.yaml`` is 1."""
    base = Path(ProposalRecord.map_lineage(str(map_path)) or map_path)
    pattern = re.compile(rf"{re.escape(base.stem)}\.v(\d+){re.escape(base.suffix)}")
    found = [(1, base)] if base.is_file() else []
    try:
        names = os.listdir(base.parent)
    except OSError:
        names = []
    for name in names:
        match = pattern.fullmatch(name)
        if match and (base.parent / name).is_file():
            found.append((int(match[1]), base.parent / name))
    return sorted(found)


def newest_version(map_path: str | Path) -> tuple[int, Path]:
    """The newest file of the map's lineage.

    Raises:
        InvalidConfig: no file of the lineage is left.
    """
    versions = lineage_versions(map_path)
    if not versions:
        raise InvalidConfig(f"map {map_path} is gone, and no later version of it is beside it")
    return versions[-1]


def _note(record: ProposalRecord, who: str, reason: str | None) -> str:
    hunts = [f"{h} {r}" for h, r in record.supporters]
    shown = ", ".join(hunts[:MAX_NOTED_HUNTS])
    if len(hunts) > MAX_NOTED_HUNTS:
        shown += f" +{len(hunts) - MAX_NOTED_HUNTS} more"
    note = f"{record.proposal_id} from hunt {shown}; accepted by {who}"
    return note + (f": {reason}" if reason else "")


def _pending(store: Store, proposal_id: str) -> ProposalRecord:
    record = store.proposal(proposal_id)
    if record.status == "accepted":
        into = f" into {record.new_map_path}" if record.new_map_path else ""
        raise InvalidConfig(f"proposal {proposal_id} is already accepted{into}")
    if record.status != "pending":
        raise InvalidConfig(f"proposal {proposal_id} is already {record.status}")
    if not record.map_path:
        raise InvalidConfig(f"proposal {proposal_id} has no map file to refine (hunt had no map)")
    return record


def accept_proposals(
    store: Store, proposal_ids: list[str] | tuple[str, ...], who: str, reason: str | None
) -> Acceptance:
    """Apply pending proposals, in order, to the newest version of their map; write the next.

    Raises:
        UnknownId: no such proposal. InvalidConfig: one is not pending, they refine different
        maps, one no longer applies (or does not fit), or the folder cannot be written. In
        every case nothing is written and nothing is decided.
    """
    ids = tuple(dict.fromkeys(proposal_ids))
    if not ids:
        raise InvalidConfig("name at least one proposal to accept")
    records = [_pending(store, pid) for pid in ids]
    lineages = {r.lineage for r in records}
    if len(lineages) > 1:
        names = ", ".join(sorted(Path(str(x)).name for x in lineages))
        raise InvalidConfig(
            f"proposals {', '.join(ids)} refine different maps ({names}); accept them one map"
            " at a time"
        )
    number, old_path = newest_version(str(records[0].map_path))
    old_map = load_map(old_path)
    version = max(number, old_map.version) + 1
    new_path = next_version_path(old_path, version)
    old_text = _read(old_path)
    steps = [
        (MapProposal(r.kind, r.detail, r.proposal_id), _note(r, who, reason))  # type: ignore[arg-type]
        for r in records
    ]
    try:
        new_text, _ = refine_map_text(old_text, steps, version=version, source=str(old_path))
    except ProposalDoesNotApply as exc:
        pid = exc.proposal_id or ", ".join(ids)
        raise InvalidConfig(
            f"proposal {pid} no longer applies to {old_path.name}: {exc}; nothing written"
            f" (reject it with: hunter proposals reject {pid} --reason ...)"
        ) from None
    _write_new(new_path, new_text)
    try:
        store.decide_proposals(ids, "accepted", who=who, reason=reason, new_map_path=str(new_path))
    except BaseException:
        new_path.unlink(missing_ok=True)
        raise
    diff = "".join(
        difflib.unified_diff(
            old_text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=str(old_path),
            tofile=str(new_path),
        )
    )
    return Acceptance(ids, old_path, new_path, version, diff)


def accept_proposal(
    store: Store, proposal_id: str, who: str, reason: str | None
) -> tuple[Path, str]:
    """Accept one proposal (:func:`accept_proposals`): the new file's path and the diff."""
    done = accept_proposals(store, [proposal_id], who, reason)
    return done.new_path, done.diff


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidConfig(f"{path}: cannot read file ({exc.strerror or exc})") from None


def _write_new(path: Path, text: str) -> None:
    """Create ``path`` (never overwriting a version) or say in one line why it cannot be."""
    try:
        handle = path.open("x", encoding="utf-8")
    except FileExistsError:
        raise InvalidConfig(
            f"{path} was written meanwhile (another accept?); run the command again"
        ) from None
    except OSError as exc:
        raise InvalidConfig(f"cannot write the map's next version {path}: {exc.strerror}") from None
    try:
        with handle:
            handle.write(text)
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise InvalidConfig(f"cannot write the map's next version {path}: {exc.strerror}") from None


def reject_proposal(store: Store, proposal_id: str, who: str, reason: str | None) -> None:
    record = store.proposal(proposal_id)
    if record.status != "pending":
        raise InvalidConfig(f"proposal {proposal_id} is already {record.status}")
    store.decide_proposal(proposal_id, "rejected", who=who, reason=reason)


def pending_notes(records: list[ProposalRecord]) -> dict[str, str]:
    """For pending proposals the newest version of their map already covers, why (by ID).

    Read-only: a listing shows such a proposal as stale rather than letting the reviewer find
    out on accepting it. A map that cannot be read is noted too.
    """
    notes: dict[str, str] = {}
    newest: dict[str | None, tuple[Path, CoverageMap] | str] = {}
    for record in records:
        if record.status != "pending" or not record.map_path:
            continue
        lineage = record.lineage
        if lineage not in newest:
            try:
                _, path = newest_version(record.map_path)
                newest[lineage] = (path, load_map(path))
            except HunterError as exc:
                newest[lineage] = str(exc)
        current = newest[lineage]
        if isinstance(current, str):
            notes[record.proposal_id] = current
            continue
        path, cmap = current
        proposal = MapProposal(record.kind, record.detail, record.proposal_id)  # type: ignore[arg-type]
        try:
            apply_proposal(cmap, proposal)
        except ProposalDoesNotApply as exc:
            notes[record.proposal_id] = f"no longer applies to {path.name}: {exc}"
        except InvalidConfig as exc:
            notes[record.proposal_id] = f"does not fit {path.name}: {exc}"
    return notes


__all__ = [
    "Acceptance",
    "accept_proposal",
    "accept_proposals",
    "as_stored",
    "lineage_versions",
    "newest_version",
    "next_version_path",
    "pending_notes",
    "reject_proposal",
]
