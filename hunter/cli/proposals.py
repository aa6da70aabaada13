"""``hunter proposals``: review the map refinements hunts propose."""

from __future__ import annotations

import getpass

import click

from hunter.cli.app import (
    cli,
    json_option,
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
    """List pending map refinements; accept or reject them."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = store_dir
        return
    with open_store(store_dir) as store:
        items = store.proposals(None if show_all else "pending")
    if as_json:
        print_json([p.to_json() for p in items])
        return
    from hunter.cli.render import proposals_renderable

    out.print(proposals_renderable(items))


@proposals.command("accept")
@click.argument("proposal_id")
@click.option("--by", "who", default=None, help="Who accepts (default: the current user).")
@click.option("--reason", default=None, help="Why.")
@store_option
@click.pass_context
def accept(
    ctx: click.Context, proposal_id: str, who: str | None, reason: str | None, store_dir: str
) -> None:
    """Accept a proposal: write the map's next version beside the old one."""
    from hunter.flow.review import accept_proposal

    store_dir = ctx.obj if store_dir == "runs" and ctx.obj else store_dir
    with open_store(store_dir) as store:
        path, diff = accept_proposal(store, proposal_id, who or getpass.getuser(), reason)
    out.print(diff, markup=False, highlight=False)
    out.print(f"accepted {proposal_id}: wrote {path}")


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
