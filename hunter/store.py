"""The run store: one SQLite file in WAL mode under the store folder.

Why SQLite: the store must survive a hunt killed at any point (each simulation is committed as it
returns), be a single file a user can copy, and need no server. One process writes (the campaign
or hunt that owns it); workers only return results. The store hands out domain values, never rows.

IDs are short and readable: ``r12`` (run), ``c1`` (campaign), ``h3`` (hunt), ``p2`` (proposal).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hunter.domain import Outcome, Run, Scenario, Verdict
from hunter.errors import StoreError, UnknownId
from hunter.records import (
    CampaignRecord,
    HuntRecord,
    HuntResult,
    HuntSettings,
    HuntSetup,
    ProposalRecord,
)
from hunter.text_safety import finite, redact, redact_value, strict_json

DB_NAME = "hunter.db"
LEASE_HEARTBEAT_SECONDS = 5.0
"""How often the process running a hunt renews its lease."""
LEASE_STALE_SECONDS = 60.0
"""A lease not renewed for this long belongs to a dead or stuck process: it is taken over."""
LEASES_TABLE = """
    CREATE TABLE IF NOT EXISTS hunt_leases (
        hunt_id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        heartbeat REAL NOT NULL
    )
"""
"""One row per hunt a live process is running. Created on open rather than as a numbered
migration: it holds nothing to keep, so any store (of any schema version) gets it alike."""
BATCHES_TABLE = """
    CREATE TABLE IF NOT EXISTS hunt_batches (
        hunt_id TEXT NOT NULL,
        batch INTEGER NOT NULL,
        simulations INTEGER NOT NULL,
        background TEXT NOT NULL,
        analysis TEXT,
        PRIMARY KEY (hunt_id, batch)
    )
"""
"""The analysis a hunt made after each batch, so that a resume restores it instead of
analysing every stored batch again. A cache: created on open like the leases (a store without
it, or without a batch's row, has that batch analysed again)."""

# Numbered schema changes, applied in order and recorded in schema_version (sqlite-utils style).
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE campaigns (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        campaign_id TEXT UNIQUE NOT NULL,
        kind TEXT NOT NULL,               -- 'campaign' or 'import'
        config TEXT NOT NULL,             -- JSON: sut, options, map, space, seed, n
        created TEXT NOT NULL
    );
    CREATE TABLE hunts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        hunt_id TEXT UNIQUE NOT NULL,
        run_id TEXT NOT NULL,
        seed INTEGER NOT NULL,
        budget INTEGER NOT NULL,
        config TEXT NOT NULL,             -- JSON: sut, options, map, space, strategy settings
        fingerprint TEXT NOT NULL,        -- identifies "the same command" for resume
        status TEXT NOT NULL,             -- 'running' or 'done'
        result TEXT,                      -- JSON hunt result (contract section 4) once done
        created TEXT NOT NULL,
        finished TEXT
    );
    CREATE INDEX hunts_fingerprint ON hunts(fingerprint);
    CREATE TABLE runs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT UNIQUE NOT NULL,
        attributes TEXT NOT NULL,
        seed INTEGER NOT NULL,
        sut TEXT NOT NULL,
        failed INTEGER NOT NULL,
        error TEXT,
        verdicts TEXT NOT NULL,
        events TEXT NOT NULL,
        extra TEXT NOT NULL,
        campaign_id TEXT,
        hunt_id TEXT,
        parent_run_id TEXT,
        strategy TEXT,
        batch INTEGER,
        created TEXT NOT NULL
    );
    CREATE INDEX runs_campaign ON runs(campaign_id);
    CREATE INDEX runs_hunt ON runs(hunt_id);
    CREATE TABLE proposals (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        proposal_id TEXT UNIQUE NOT NULL,
        hunt_id TEXT NOT NULL,
        region_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL,
        map_path TEXT,
        status TEXT NOT NULL,             -- 'pending', 'accepted', 'rejected'
        decided_by TEXT,
        decided_at TEXT,
        reason TEXT,
        new_map_path TEXT,
        created TEXT NOT NULL
    );
    """,
    # 2: one pending proposal per refinement: every (hunt, region) that proposed it, the first
    # being the proposal's own hunt_id and region_id (copied over for stores written before)
    """
    CREATE TABLE proposal_support (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        proposal_id TEXT NOT NULL,
        hunt_id TEXT NOT NULL,
        region_id TEXT NOT NULL,
        created TEXT NOT NULL,
        UNIQUE (proposal_id, hunt_id, region_id)
    );
    INSERT INTO proposal_support (proposal_id, hunt_id, region_id, created)
        SELECT proposal_id, hunt_id, region_id, created FROM proposals ORDER BY seq;
    CREATE INDEX proposals_status ON proposals(status)
    """,
    # 3: rechecks: the verdicts of `hunter recheck` on a hunt's regions, whose runs are the
    # campaign (kind 'recheck') it names; IF NOT EXISTS so that stores written while this was
    # numbered differently open too
    """
    CREATE TABLE IF NOT EXISTS rechecks (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        recheck_id TEXT UNIQUE NOT NULL,
        hunt_id TEXT NOT NULL,
        campaign_id TEXT NOT NULL,
        result TEXT NOT NULL,             -- JSON: the recheck of the hunt's regions
        created TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS rechecks_hunt ON rechecks(hunt_id)
    """,
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """The run store of one folder (or ``:memory:`` for tests).

    Not thread-safe by design: only the owning process's main thread writes.
    """

    def __init__(self, path: str | Path = "runs", *, create: bool = True) -> None:
        """Open the store in folder ``path``.

        Args:
            path: the store's folder, or ``:memory:``.
            create: make the folder and an empty store when there is none (what commands that
                write want); False refuses instead, so a mistyped ``--store`` given to a
                command that only reads is an error, not a new empty store.

        Raises:
            StoreError: no store there (``create=False``), or one that cannot be created or read.
        """
        self.folder: Path | None
        if str(path) == ":memory:":
            self.folder = None
            target = ":memory:"
        else:
            self.folder = Path(path)
            if not create and not (self.folder / DB_NAME).is_file():
                raise StoreError(f"no run store at {self.folder} ({DB_NAME} not found)")
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create store folder {self.folder}: {exc}") from None
            target = str(self.folder / DB_NAME)
        self.read_only = self.folder is not None and not _writable(self.folder / DB_NAME)
        self.target = target
        self._leases: dict[str, _Lease] = {}
        try:
            if self.read_only:
                # A store on a read-only file system, or someone else's: readable, never written.
                # immutable: in a folder it cannot write, SQLite could not make its WAL index
                path = (self.folder / DB_NAME).resolve()  # type: ignore[operator]
                flags = "mode=ro" if os.access(path.parent, os.W_OK) else "mode=ro&immutable=1"
                uri = f"{path.as_uri()}?{flags}"
                self._db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
                self._db.execute("PRAGMA query_only=ON")
                self._check_schema()
            else:
                self._db = sqlite3.connect(target, isolation_level=None, timeout=30)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._migrate()
                self._db.execute(LEASES_TABLE)
                self._db.execute(BATCHES_TABLE)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open run store {target}: {exc}") from None

    def close(self) -> None:
        for hunt_id in list(self._leases):
            self.release_hunt(hunt_id)
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------------

    def _migrate(self) -> None:
        self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = self._db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        current = row[0] or 0
        if current > len(MIGRATIONS):
            raise StoreError(
                f"run store schema version {current} is newer than this hunter understands"
            )
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            with self.atomic():
                for statement in script.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute("INSERT INTO schema_version VALUES (?)", (number,))

    def _check_schema(self) -> None:
        """A read-only store must already be at this hunter's schema (it cannot be upgraded)."""
        try:
            row = self._db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        except sqlite3.OperationalError:
            raise StoreError(f"{self.target} is read-only and holds no run store") from None
        current = row[0] or 0
        if current != len(MIGRATIONS):
            raise StoreError(
                f"run store {self.target} is read-only and at schema version {current}, not"
                f" {len(MIGRATIONS)}: open it once where it is writable to upgrade it"
            )

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction; a failure inside rolls back everything written in the block.

        Nested blocks are savepoints (as in sqlite-utils): an inner failure rolls back the
        inner block only, and nothing is committed before the outermost block ends.
        """
        if self.read_only:
            raise StoreError(f"run store {self.target} is read-only: nothing can be stored")
        if self._db.in_transaction:
            name = f"sp{id(object())}"
            self._db.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                self._db.execute(f"ROLLBACK TO {name}")
                self._db.execute(f"RELEASE {name}")
                raise
            self._db.execute(f"RELEASE {name}")
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _next_id(self, table: str, prefix: str) -> str:
        # Called inside BEGIN IMMEDIATE: this process is the only writer, and AUTOINCREMENT never
        # reuses a seq, so prefix + next seq is unique and stays short.
        row = self._db.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)
        ).fetchone()
        return f"{prefix}{(row[0] if row else 0) + 1}"

    # -- campaigns ------------------------------------------------------------------------------

    def add_campaign(
        self,
        setup: HuntSetup,
        *,
        kind: str = "campaign",
        seed: int | None = None,
        n: int | None = None,
        logs: Sequence[str] = (),
    ) -> CampaignRecord:
        """Record a campaign (or an import of logs, ``kind="import"``) before its runs."""
        with self.atomic():
            cid = self._next_id("campaigns", "c")
            record = CampaignRecord(cid, kind, setup, seed, n, tuple(logs), _now())
            self._db.execute(
                "INSERT INTO campaigns (campaign_id, kind, config, created) VALUES (?, ?, ?, ?)",
                (cid, kind, json.dumps(record.config_json()), record.created),
            )
        return record

    def campaign(self, campaign_id: str) -> CampaignRecord:
        row = self._db.execute(
            "SELECT campaign_id, kind, config, created FROM campaigns WHERE campaign_id = ?",
            (campaign_id,),
        ).fetchone()
        if row is None:
            raise UnknownId(f"unknown campaign ID {campaign_id!r}")
        return CampaignRecord.from_stored(row[0], row[1], _stored_json(row[2]), row[3])

    def campaigns(self, kind: str | None = None) -> list[CampaignRecord]:
        """Every campaign (of ``kind``), in the order they were made."""
        sql = "SELECT campaign_id, kind, config, created FROM campaigns"
        rows = self._db.execute(
            sql + (" WHERE kind = ? ORDER BY seq" if kind else " ORDER BY seq"),
            (kind,) if kind else (),
        ).fetchall()
        return [CampaignRecord.from_stored(r[0], r[1], _stored_json(r[2]), r[3]) for r in rows]

    # -- runs -----------------------------------------------------------------------------------

    _RUN_COLUMNS = (
        "run_id, attributes, seed, sut, failed, error, verdicts, events, extra, campaign_id, "
        "hunt_id, parent_run_id, strategy, created"
    )

    def add_run(
        self,
        outcome: Outcome,
        *,
        sut: str,
        campaign_id: str | None = None,
        hunt_id: str | None = None,
        parent_run_id: str | None = None,
        strategy: str | None = None,
        batch: int | None = None,
    ) -> Run:
        """Store one simulation's outcome in its own transaction and return it as a Run."""
        traj = outcome.trajectory
        if traj is not None:  # secrets never reach the disk, NaN never reaches JSON
            traj = replace(
                traj,
                verdicts=tuple(
                    replace(v, check=redact(v.check), evidence=redact(v.evidence))
                    for v in traj.verdicts
                ),
                events=tuple(finite(redact_value(dict(e))) for e in traj.events),
                extra=finite(redact_value(dict(traj.extra))),
            )
        if outcome.error is not None:
            outcome = replace(outcome, error=redact(outcome.error))
        run = Run(
            run_id="",
            scenario=outcome.scenario,
            sut=sut,
            failed=outcome.failed,
            error=outcome.error,
            verdicts=traj.verdicts if traj else (),
            events=traj.events if traj else (),
            extra={
                **(dict(traj.extra) if traj else {}),
                "seconds": round(outcome.seconds, 4),
                **({"batch": batch} if batch is not None else {}),
                **({"attempts": outcome.attempts} if outcome.attempts > 1 else {}),
            },
            campaign_id=campaign_id,
            hunt_id=hunt_id,
            parent_run_id=parent_run_id,
            strategy=strategy,
            created=_now(),
        )
        self._check_lease(hunt_id)
        with self.atomic():
            run_id = self._next_id("runs", "r")
            self._db.execute(
                "INSERT INTO runs (run_id, attributes, seed, sut, failed, error, verdicts, events,"
                " extra, campaign_id, hunt_id, parent_run_id, strategy, batch, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    json.dumps(run.attributes()),
                    run.seed,
                    sut,
                    int(run.failed),
                    run.error,
                    json.dumps([v.to_dict() for v in run.verdicts]),
                    strict_json([dict(e) for e in run.events]),
                    strict_json(dict(run.extra)),
                    campaign_id,
                    hunt_id,
                    parent_run_id,
                    strategy,
                    batch,
                    run.created,
                ),
            )
        return _replace_id(run, run_id)

    def run(self, run_id: str) -> Run:
        """The stored run with this ID.

        Raises:
            UnknownId: when the store has no such run.
        """
        row = self._db.execute(
            f"SELECT {self._RUN_COLUMNS} FROM runs WHERE run_id = ?", (run_id,)
        ).fetchone()
        if row is None:
            raise UnknownId(f"unknown run ID {run_id!r} in this store")
        return _run_from_row(row, events=True)

    def runs(
        self,
        *,
        failed: bool | None = None,
        campaign_id: str | None = None,
        hunt_id: str | None = None,
        sut: str | None = None,
        campaigns_only: bool = False,
        events: bool = False,
        limit: int | None = None,
        latest: bool = False,
    ) -> list[Run]:
        """Runs in the order they were stored, filtered; ``limit`` keeps the first ones (the
        ``latest`` ones), read as such: a long listing need not build every run."""
        where, args = _run_filter(failed, campaign_id, hunt_id, sut, campaigns_only)
        cols = self._RUN_COLUMNS if events else self._RUN_COLUMNS.replace("events", "'[]'")
        sql = f"SELECT {cols} FROM runs{where} ORDER BY seq{' DESC' if latest else ''}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        runs = [_run_from_row(r, events=events) for r in self._db.execute(sql, args)]
        return runs[::-1] if latest else runs

    def count_runs(
        self,
        *,
        failed: bool | None = None,
        campaign_id: str | None = None,
        hunt_id: str | None = None,
    ) -> int:
        """How many runs :meth:`runs` would give with these filters (and no limit)."""
        where, args = _run_filter(failed, campaign_id, hunt_id, None, False)
        return int(self._db.execute(f"SELECT COUNT(*) FROM runs{where}", args).fetchone()[0])

    def campaign_runs_stamp(self, sut: str) -> tuple[int, int]:
        """``(count, last seq)`` of the SUT's campaign runs (as ``runs(campaigns_only=True)``
        selects them): it changes whenever one is added, so what is computed from them can be
        kept until it does."""
        row = self._db.execute(
            "SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM runs WHERE sut = ? AND campaign_id IN"
            " (SELECT campaign_id FROM campaigns WHERE kind NOT IN ('recheck', 'run'))",
            (sut,),
        ).fetchone()
        return int(row[0]), int(row[1])

    # -- hunts ----------------------------------------------------------------------------------

    def add_hunt(
        self, run_id: str, setup: HuntSetup, settings: HuntSettings, fingerprint: str
    ) -> HuntRecord:
        """Record a hunt before its first simulation; ``fingerprint`` finds it again on resume."""
        with self.atomic():
            hid = self._next_id("hunts", "h")
            record = HuntRecord(hid, run_id, setup, settings, "running", None, _now())
            self._db.execute(
                "INSERT INTO hunts (hunt_id, run_id, seed, budget, config, fingerprint, status,"
                " created) VALUES (?, ?, ?, ?, ?, ?, 'running', ?)",
                (
                    hid,
                    run_id,
                    settings.seed,
                    settings.budget,
                    json.dumps(record.config_json()),
                    fingerprint,
                    record.created,
                ),
            )
        return record

    def unfinished_hunt(self, fingerprint: str) -> HuntRecord | None:
        """The latest hunt started by the same command that never finished, if any."""
        row = self._db.execute(
            "SELECT hunt_id FROM hunts WHERE fingerprint = ? AND status = 'running'"
            " ORDER BY seq DESC LIMIT 1",
            (fingerprint,),
        ).fetchone()
        return self.hunt(row[0]) if row else None

    def finished_hunt(
        self, fingerprint: str, *, early_stop: bool | None = None
    ) -> HuntRecord | None:
        """The latest finished hunt started by the same command, if any (with the same
        ``early_stop`` too when given: the fingerprint leaves it out, as it shapes no batch)."""
        rows = self._db.execute(
            "SELECT hunt_id FROM hunts WHERE fingerprint = ? AND status = 'done'"
            " AND result IS NOT NULL ORDER BY seq DESC",
            (fingerprint,),
        ).fetchall()
        for (hunt_id,) in rows:
            record = self.hunt(hunt_id)
            if early_stop is None or record.settings.early_stop == early_stop:
                return record
        return None

    def hunts_of_run(self, run_id: str, seed: int) -> list[tuple[HuntRecord, str]]:
        """The hunts of ``run_id`` with ``seed``, newest first, each with its fingerprint."""
        rows = self._db.execute(
            "SELECT hunt_id, fingerprint FROM hunts WHERE run_id = ? AND seed = ?"
            " ORDER BY seq DESC",
            (run_id, seed),
        ).fetchall()
        return [(self.hunt(hunt_id), key) for hunt_id, key in rows]

    def reopen_hunt(self, hunt_id: str, settings: HuntSettings, fingerprint: str) -> HuntRecord:
        """Set a hunt running again under new settings (continuing it with a larger budget):
        its stored result is dropped until it finishes again, its runs stay."""
        record = replace(self.hunt(hunt_id), settings=settings, status="running", result=None)
        with self.atomic():
            self._db.execute(
                "UPDATE hunts SET status = 'running', budget = ?, config = ?, fingerprint = ?,"
                " result = NULL, finished = NULL WHERE hunt_id = ?",
                (settings.budget, json.dumps(record.config_json()), fingerprint, hunt_id),
            )
        return record

    def hunt(self, hunt_id: str) -> HuntRecord:
        row = self._db.execute(
            "SELECT hunt_id, run_id, seed, budget, config, status, result, created FROM hunts"
            " WHERE hunt_id = ?",
            (hunt_id,),
        ).fetchone()
        if row is None:
            raise UnknownId(f"unknown hunt ID {hunt_id!r} in this store")
        config = _stored_json(row[4])
        result = None
        if row[6]:
            result = HuntResult.from_json(_stored_json(row[6]), self._attributes(row[1]))
        return HuntRecord(
            hunt_id=row[0],
            run_id=row[1],
            setup=HuntSetup.from_json(config),
            settings=HuntSettings.from_stored(row[2], row[3], config),
            status=row[5],
            result=result,
            created=row[7],
        )

    def _attributes(self, run_id: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT attributes FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return _stored_json(row[0]) if row else None

    def hunts(self) -> list[HuntRecord]:
        ids = [r[0] for r in self._db.execute("SELECT hunt_id FROM hunts ORDER BY seq")]
        return [self.hunt(h) for h in ids]

    def finish_hunt(self, result: HuntResult) -> None:
        with self.atomic():
            self._db.execute(
                "UPDATE hunts SET status = 'done', result = ?, finished = ? WHERE hunt_id = ?",
                (strict_json(result.to_json()), _now(), result.hunt_id),
            )

    # -- batch analyses (a cache for resumes) ---------------------------------------------------

    def add_batch_analysis(
        self,
        hunt_id: str,
        batch: int,
        simulations: int,
        background: Mapping[str, Any],
        analysis: Mapping[str, Any] | None,
    ) -> None:
        """Keep what the hunt concluded after ``batch`` (None: it made no full analysis)."""
        if self.read_only:
            return
        self._check_lease(hunt_id)
        with self.atomic():
            self._db.execute(
                "INSERT OR REPLACE INTO hunt_batches (hunt_id, batch, simulations, background,"
                " analysis) VALUES (?, ?, ?, ?, ?)",
                (
                    hunt_id,
                    batch,
                    simulations,
                    strict_json(background, sort_keys=True),
                    None if analysis is None else strict_json(analysis),
                ),
            )

    def batch_analyses(self, hunt_id: str) -> dict[int, tuple[int, str, dict[str, Any] | None]]:
        """``batch -> (simulations, background JSON, analysis JSON or None)`` kept for a hunt."""
        try:
            rows = self._db.execute(
                "SELECT batch, simulations, background, analysis FROM hunt_batches"
                " WHERE hunt_id = ?",
                (hunt_id,),
            ).fetchall()
        except sqlite3.OperationalError:  # a read-only store from before the cache
            return {}
        return {
            int(b): (int(n), str(bg), None if a is None else _stored_json(a))
            for b, n, bg, a in rows
        }

    # -- one live process per hunt --------------------------------------------------------------

    def acquire_hunt(self, hunt_id: str, *, stale_after: float = LEASE_STALE_SECONDS) -> None:
        """Take the lease on ``hunt_id`` for this process (as Optuna's heartbeat does for
        trials): only its holder simulates for the hunt. A thread renews it; a lease not renewed
        for ``stale_after`` seconds belongs to a dead or stuck process and is taken over.

        Raises:
            StoreError: naming the live process that holds it.
        """
        if self.folder is None or hunt_id in self._leases:
            return
        owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        now = time.time()
        with self.atomic():
            row = self._db.execute(
                "SELECT owner, pid, host, heartbeat FROM hunt_leases WHERE hunt_id = ?", (hunt_id,)
            ).fetchone()
            if row is not None and now - row[3] < stale_after and _alive(row[1], row[2]):
                raise StoreError(
                    f"hunt {hunt_id} is being run by process {row[1]} on {row[2]} (heartbeat"
                    f" {now - row[3]:.0f}s ago); wait for it to end, or stop that process;"
                    f" its lease is taken over {stale_after:.0f}s after its last heartbeat"
                )
            self._db.execute(
                "INSERT OR REPLACE INTO hunt_leases (hunt_id, owner, pid, host, heartbeat)"
                " VALUES (?, ?, ?, ?, ?)",
                (hunt_id, owner, os.getpid(), socket.gethostname(), now),
            )
        self._leases[hunt_id] = _Lease(self.target, hunt_id, owner)

    def live_hunts(self, *, stale_after: float = LEASE_STALE_SECONDS) -> set[str]:
        """Hunts a live process holds the lease on now: a ``running`` hunt outside this set was
        stopped (interrupted, killed, or ended by an error) and waits to be resumed."""
        now = time.time()
        try:
            rows = self._db.execute("SELECT hunt_id, pid, host, heartbeat FROM hunt_leases")
            return {
                h for h, pid, host, beat in rows if now - beat < stale_after and _alive(pid, host)
            }
        except sqlite3.OperationalError:  # a read-only store opened before leases existed
            return set()

    def release_hunt(self, hunt_id: str) -> None:
        """Give the lease on ``hunt_id`` back (when the hunt ends, however it ends)."""
        lease = self._leases.pop(hunt_id, None)
        if lease is None:
            return
        lease.stop()
        with contextlib.suppress(sqlite3.Error):
            self._db.execute(
                "DELETE FROM hunt_leases WHERE hunt_id = ? AND owner = ?", (hunt_id, lease.owner)
            )

    def _check_lease(self, hunt_id: str | None) -> None:
        lease = self._leases.get(hunt_id or "")
        if lease is not None and lease.lost:
            raise StoreError(
                f"hunt {hunt_id}'s lease was taken over by another process (this one stalled"
                " past its heartbeat timeout); nothing more is stored from here"
            )

    # -- proposals ------------------------------------------------------------------------------

    def add_proposal(
        self,
        hunt_id: str,
        region_id: str,
        kind: str,
        detail: Mapping[str, Any],
        map_path: str | None,
    ) -> str:
        """Store a hunt region's proposal; returns its ID, which may be an existing one's.

        The same refinement of the same map lineage (:meth:`ProposalRecord.refinement_key`) is
        one proposal: while one is pending, a new hunt (or region) proposing it is recorded as
        supporting it, and its numbers join the pending one's
        (:meth:`ProposalRecord.merged_detail`: accepting then keeps every region's cut). A hunt
        that proposes again what it proposed before (resumed or continued) gets its earlier
        proposal back, whatever became of it; while that one is pending and no other region
        supports it, it takes the hunt's new numbers (a resumed hunt's edge moves, and
        accepting must write where it now lies).
        """
        key = ProposalRecord.refinement_key(kind, detail, map_path)
        with self.atomic():
            match = self._matching_proposal(key, kind, hunt_id, region_id)
            pid = match[0] if match else None
            if match is not None and match[1] is not None:  # another region's, pending
                merged = ProposalRecord.merged_detail(kind, match[1], detail)
                self._db.execute(
                    "UPDATE proposals SET detail = ? WHERE proposal_id = ?",
                    (json.dumps(merged), pid),
                )
            elif pid is not None:  # this region's own: renewed while only it stands behind it
                self._db.execute(
                    "UPDATE proposals SET detail = ? WHERE proposal_id = ? AND status = 'pending'"
                    " AND NOT EXISTS (SELECT 1 FROM proposal_support s WHERE s.proposal_id = ?"
                    " AND (s.hunt_id != ? OR s.region_id != ?))",
                    (json.dumps(dict(detail)), pid, pid, hunt_id, region_id),
                )
            if pid is None:
                pid = self._next_id("proposals", "p")
                self._db.execute(
                    "INSERT INTO proposals (proposal_id, hunt_id, region_id, kind, detail,"
                    " map_path, status, created) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                    (pid, hunt_id, region_id, kind, json.dumps(detail), map_path, _now()),
                )
            self._db.execute(
                "INSERT OR IGNORE INTO proposal_support (proposal_id, hunt_id, region_id, created)"
                " VALUES (?, ?, ?, ?)",
                (pid, hunt_id, region_id, _now()),
            )
        return pid

    def withdraw_support(self, hunt_id: str, keep: Collection[str], reason: str) -> list[str]:
        """Drop ``hunt_id``'s support of the pending proposals it no longer makes (other than
        ``keep``): a continued hunt whose region moved stands behind what it proposes now. A
        pending proposal no hunt supports any more is withdrawn (status ``withdrawn``, with
        ``reason``), so it is neither listed as pending nor accepted. Returns those IDs."""
        withdrawn = []
        with self.atomic():
            rows = self._db.execute(
                "SELECT DISTINCT s.proposal_id FROM proposal_support s JOIN proposals p"
                " ON p.proposal_id = s.proposal_id WHERE s.hunt_id = ? AND p.status = 'pending'",
                (hunt_id,),
            ).fetchall()
            for (pid,) in rows:
                if pid in keep:
                    continue
                self._db.execute(
                    "DELETE FROM proposal_support WHERE proposal_id = ? AND hunt_id = ?",
                    (pid, hunt_id),
                )
                (left,) = self._db.execute(
                    "SELECT COUNT(*) FROM proposal_support WHERE proposal_id = ?", (pid,)
                ).fetchone()
                if not left:
                    self._db.execute(
                        "UPDATE proposals SET status = 'withdrawn', decided_by = 'hunter',"
                        " decided_at = ?, reason = ? WHERE proposal_id = ?",
                        (_now(), reason, pid),
                    )
                    withdrawn.append(str(pid))
        return withdrawn

    def _matching_proposal(
        self, key: str, kind: str, hunt_id: str, region_id: str
    ) -> tuple[str, dict[str, Any] | None] | None:
        """The proposal this region's refinement belongs to, if any: its ID, and its stored
        detail when it is another region's pending proposal (the one new numbers join)."""
        rows = self._db.execute(
            "SELECT p.proposal_id, p.detail, p.map_path, p.status,"
            " EXISTS (SELECT 1 FROM proposal_support s WHERE s.proposal_id = p.proposal_id"
            " AND s.hunt_id = ? AND s.region_id = ?)"
            " FROM proposals p WHERE p.kind = ? ORDER BY p.seq",
            (hunt_id, region_id, kind),
        ).fetchall()
        same = []
        for pid, text, map_path, status, own in rows:
            stored = _stored_json(text)
            if ProposalRecord.refinement_key(kind, stored, map_path) == key:
                same.append((pid, stored, status, own))
        for pid, _, _, own in same:
            if own:
                return str(pid), None
        for pid, stored, status, _ in same:
            if status == "pending":
                return str(pid), stored
        return None

    def proposal(self, proposal_id: str) -> ProposalRecord:
        row = self._db.execute(
            "SELECT proposal_id, hunt_id, region_id, kind, detail, map_path, status, decided_by,"
            " decided_at, reason, new_map_path, created FROM proposals WHERE proposal_id = ?",
            (proposal_id,),
        ).fetchone()
        if row is None:
            raise UnknownId(f"unknown proposal ID {proposal_id!r} in this store")
        support = tuple(
            (str(h), str(r))
            for h, r in self._db.execute(
                "SELECT hunt_id, region_id FROM proposal_support WHERE proposal_id = ?"
                " ORDER BY seq",
                (proposal_id,),
            )
        )
        return ProposalRecord(
            proposal_id=row[0],
            hunt_id=row[1],
            region_id=row[2],
            kind=row[3],
            detail=_stored_json(row[4]),
            map_path=row[5],
            status=row[6],
            decided_by=row[7],
            decided_at=row[8],
            reason=row[9],
            new_map_path=row[10],
            created=row[11],
            supported_by=support,
        )

    def proposals(self, status: str | None = None) -> list[ProposalRecord]:
        sql = "SELECT proposal_id FROM proposals"
        args: Sequence[Any] = ()
        if status is not None:
            sql += " WHERE status = ?"
            args = (status,)
        ids = [r[0] for r in self._db.execute(sql + " ORDER BY seq", args)]
        return [self.proposal(p) for p in ids]

    def decide_proposal(
        self,
        proposal_id: str,
        status: str,
        *,
        who: str,
        reason: str | None,
        new_map_path: str | None = None,
    ) -> None:
        self.decide_proposals(
            [proposal_id], status, who=who, reason=reason, new_map_path=new_map_path
        )

    def decide_proposals(
        self,
        proposal_ids: Sequence[str],
        status: str,
        *,
        who: str,
        reason: str | None,
        new_map_path: str | None = None,
    ) -> None:
        """Decide pending proposals together: all of them, or (one is no longer pending) none.

        Raises:
            StoreError: one of them was decided meanwhile (by another reviewer).
        """
        with self.atomic():
            for pid in proposal_ids:
                cursor = self._db.execute(
                    "UPDATE proposals SET status = ?, decided_by = ?, decided_at = ?, reason = ?,"
                    " new_map_path = ? WHERE proposal_id = ? AND status = 'pending'",
                    (status, who, _now(), reason, new_map_path, pid),
                )
                if cursor.rowcount != 1:
                    raise StoreError(f"proposal {pid} is no longer pending; nothing was decided")

    # -- rechecks -------------------------------------------------------------------------------

    def add_recheck(self, hunt_id: str, campaign_id: str, result: Mapping[str, Any]) -> str:
        """Store the verdicts of a recheck of ``hunt_id`` (its runs are ``campaign_id``'s);
        returns its ID (``v1``, ``v2``...)."""
        with self.atomic():
            vid = self._next_id("rechecks", "v")
            self._db.execute(
                "INSERT INTO rechecks (recheck_id, hunt_id, campaign_id, result, created)"
                " VALUES (?, ?, ?, ?, ?)",
                (vid, hunt_id, campaign_id, json.dumps(result, allow_nan=False), _now()),
            )
        return vid

    def rechecks(self, hunt_id: str | None = None) -> list[dict[str, Any]]:
        """Stored rechecks, oldest first: each its stored JSON plus ``recheck_id``,
        ``hunt_id``, ``campaign_id`` and ``created``."""
        sql = "SELECT recheck_id, hunt_id, campaign_id, result, created FROM rechecks"
        args: tuple[Any, ...] = ()
        if hunt_id is not None:
            sql += " WHERE hunt_id = ?"
            args = (hunt_id,)
        return [
            {
                **_stored_json(result),
                "recheck_id": vid,
                "hunt_id": hid,
                "campaign_id": cid,
                "created": created,
            }
            for vid, hid, cid, result, created in self._db.execute(sql + " ORDER BY seq", args)
        ]


def _alive(pid: int, host: str) -> bool:
    """Whether the lease holder may be alive: on another host, assume so until its lease goes
    stale; on this one, a process ID that no longer exists (killed) frees the lease at once."""
    if host != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _writable(db_path: Path) -> bool:
    """Whether the store can be written: its database file (and folder, for SQLite's WAL and
    journal files) writable by this process."""
    folder = db_path.parent
    if db_path.exists():
        return os.access(db_path, os.W_OK) and os.access(folder, os.W_OK)
    return True  # a new store: created (or refused with its own message) on open


class _Lease:
    """Renews one hunt's lease from a thread with its own connection, and notices when another
    process took the lease over."""

    def __init__(self, target: str, hunt_id: str, owner: str) -> None:
        self.hunt_id = hunt_id
        self.owner = owner
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._renew, args=(target,), daemon=True, name=f"lease-{hunt_id}"
        )
        self._thread.start()

    def _renew(self, target: str) -> None:
        db = sqlite3.connect(target, isolation_level=None, timeout=30)
        try:
            while not self._stop.wait(LEASE_HEARTBEAT_SECONDS):
                cursor = db.execute(
                    "UPDATE hunt_leases SET heartbeat = ? WHERE hunt_id = ? AND owner = ?",
                    (time.time(), self.hunt_id, self.owner),
                )
                if cursor.rowcount != 1:
                    self.lost = True
                    return
        except sqlite3.Error:  # the store went away: the main thread will say so
            return
        finally:
            db.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(LEASE_HEARTBEAT_SECONDS + 5)


def _replace_id(run: Run, run_id: str) -> Run:
    return replace(run, run_id=run_id)


def _run_filter(
    failed: bool | None,
    campaign_id: str | None,
    hunt_id: str | None,
    sut: str | None,
    campaigns_only: bool,
) -> tuple[str, list[Any]]:
    """The ``WHERE`` clause (with its leading space, or empty) and arguments of a runs query."""
    where: list[str] = []
    args: list[Any] = []
    if failed is not None:
        where.append("failed = ? AND error IS NULL")
        args.append(int(failed))
    if campaign_id is not None:
        where.append("campaign_id = ?")
        args.append(campaign_id)
    if hunt_id is not None:
        where.append("hunt_id = ?")
        args.append(hunt_id)
    if sut is not None:
        where.append("sut = ?")
        args.append(sut)
    if campaigns_only:
        # Recheck runs are packed into known regions, and one-off runs (``hunter run``) are
        # chosen by hand: neither is background for a hunt's fluke test nor coverage of the map.
        where.append(
            "campaign_id IN (SELECT campaign_id FROM campaigns"
            " WHERE kind NOT IN ('recheck', 'run'))"
        )
    return (" WHERE " + " AND ".join(where) if where else ""), args


def _run_from_row(row: Sequence[Any], *, events: bool) -> Run:
    return Run(
        run_id=row[0],
        scenario=Scenario.of(_stored_json(row[1]), row[2]),
        sut=row[3],
        failed=bool(row[4]),
        error=row[5],
        verdicts=tuple(_stored_verdict(v) for v in _stored_json(row[6])),
        events=tuple(_stored_json(row[7])) if events else (),
        extra=_stored_json(row[8]),
        campaign_id=row[9],
        hunt_id=row[10],
        parent_run_id=row[11],
        strategy=row[12],
        created=row[13],
    )


def _stored_verdict(raw: Any) -> Verdict:
    """A verdict as this store wrote it (:meth:`Verdict.to_dict`, validated when the run was
    stored), built as it is: validating it again on every read was half the cost of listing a
    large store. Anything else is validated as new."""
    if (
        type(raw) is dict
        and _VERDICT_KEYS - {"event_ids"} <= raw.keys() <= _VERDICT_KEYS
        and type(raw["failed"]) is bool
    ):
        ids = raw.get("event_ids")
        return Verdict(
            raw["check"], raw["failed"], raw["severity"], raw["evidence"], tuple(ids or ())
        )
    return Verdict.from_dict(raw)


_VERDICT_KEYS = frozenset({"check", "failed", "severity", "evidence", "event_ids"})


def _stored_json(text: str | bytes) -> Any:
    """A JSON column of the store, read back.

    Raises:
        StoreError: the column is not JSON: the store was changed outside hunter.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise StoreError(
            f"a row of the run store is not valid JSON ({exc}); it is damaged or was changed"
            " outside hunter: restore it from a copy, or give another --store"
        ) from None
