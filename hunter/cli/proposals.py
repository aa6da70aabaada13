"""``hunter proposals``: review the map refinements hunts propose."""

from __future__ import annotations

import getpass
from typing import Any

import click

from hunter.cli.app import (
    cli,
    json_option,
    no_store_yet,
    open_store,
    out,
    print_json,
    store_option,
)


@cli.group(invoke_without_command=True)
@json_option
@store_option
@click.option("--all", "show_all", is_flag=True, help="Also decided proposals.")
@click.pass_context
def proposals(ctx: click.Context, as_json: bool, store_dir: str, show_all: bool) -> None:
    """List pending map refinements (--all: decided ones too); accept or reject them."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = store_dir
        return
    items: list[Any] = []
    hidden = 0
    if not no_store_yet(store_dir):
        with open_store(store_dir, create=False) as store:
            items = store.proposals(None if show_all else "pending")
            hidden = 0 if show_all else len(store.proposals()) - len(items)
    from hunter.analysis.proposal_words import proposal_words

    if as_json:
        print_json([{**p.to_json(), "words": proposal_words(p.kind, p.detail)} for p in items])
        return
    from rich.text import Text

    from hunter.cli.render import proposals_renderable
    from hunter.flow.review import pending_notes

    if items:
        out.print(proposals_renderable(items, pending_notes(items)))
    else:
        out.print(Text("no pending proposals" if not show_all else "no proposals"))
    if hidden:
        out.print(Text(f"{hidden} decided proposal(s) not shown (--all shows them)"))


@proposals.command("accept")
@click.argument("proposal_ids", nargs=-1, required=True)
@click.option("--by", "who", default=None, help="Who accepts (default: the current user).")
@click.option("--reason", default=None, help="Why.")
@store_option
@click.pass_context
def accept(
    ctx: click.Context,
    proposal_ids: tuple[str, ...],
    who: str | None,
    reason: str | None,
    store_dir: str,
) -> None:
    """Accept proposals: apply them, in order, to the newest version of their map and write
    the next version beside it (several IDs make one version)."""
    from rich.text import Text

    from hunter.flow.review import accept_proposals

    store_dir = ctx.obj if store_dir == "runs" and ctx.obj else store_dir
    with open_store(store_dir) as store:
        done = accept_proposals(store, list(proposal_ids), who or getpass.getuser(), reason)
    out.print(Text(done.diff), end="")
    out.print(
        Text(
            f"accepted {', '.join(done.proposal_ids)}: wrote {done.new_path}"
            f" (version {done.version}, from {done.old_path.name})"
        )
    )


@proposals.command("reject")
@click.argument("proposal_id")
@click.option("--by", "who", default=None, help="Who rejects (default: the current user).")
@click.option("--reason", default=None, help="Why.")
@store_option
@click.pass_context
def reject(
    ctx: click.Context, proposal_id: str, who: str | None, reason: str | None, store_dir: str
) -> None:
    """Reject a proposal, recording why."""
    from hunter.flow.review import reject_proposal

    store_dir = ctx.obj if store_dir == "runs" and ctx.obj else store_dir
    with open_store(store_dir) as store:
        reject_proposal(store, proposal_id, who or getpass.getuser(), reason)
    out.print(f"rejected {proposal_id}")
