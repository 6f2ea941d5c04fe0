"""`annotator team init|add`: team mode on a PostgreSQL server, rights enforced by the server."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from annotator.cli.app import actor, app, err, open_store, out
from annotator.errors import InputError


class TeamRoleName(StrEnum):
    """The team roles (annotator.store.team.TeamRole, which would load the store at --help)."""

    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
    ADMIN = "admin"


team_app = typer.Typer(
    help="Team mode on PostgreSQL: `team init` once (as the database owner), `team add NAME`.",
    no_args_is_help=True,
)
app.add_typer(team_app, name="team")


@team_app.command("init")
def team_init() -> None:
    """Set up the server's roles and row-level security for this store (run as its owner)."""
    from annotator.store.team import set_up_team

    store = open_store()
    with store.engine.begin() as conn:
        set_up_team(conn)
    out.print(
        f"team mode set up in {store.describe()}: add people with "
        "`annotator team add NAME --role annotator|reviewer|admin`"
    )


@team_app.command("add")
def team_add(
    name: Annotated[str, typer.Argument(help="The login, also the annotator's name.")],
    role: Annotated[
        TeamRoleName, typer.Option("--role", help="annotator, reviewer or admin.")
    ] = TeamRoleName.ANNOTATOR,
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            help="Their password, for scripts (on a terminal you are asked for it, unseen).",
        ),
    ] = None,
) -> None:
    """Create a login in a team role, and the annotator it signs in as (run as the owner)."""
    from annotator.audit import record
    from annotator.model import Role
    from annotator.projects import get_or_create_annotator
    from annotator.store.team import TeamRole, add_member

    store = open_store()
    if password is None and sys.stdin.isatty():
        password = ask_new_password(name)
    with store.engine.begin() as conn:
        add_member(conn, name, TeamRole(role.value), password)
    app_role = Role.ANNOTATOR if role is TeamRoleName.ANNOTATOR else Role.REVIEWER
    with store.write() as session:
        person = get_or_create_annotator(session, name, app_role, actor=actor())
        if person.role != app_role.value:
            person.role = app_role.value
            record(session, actor(), "set_role", name=person.name, role=app_role.value)
    how = "" if password else " (no password set: only as the server's own rules allow)"
    out.print(f"{name} can sign in as {role.value}{how}")


def ask_new_password(name: str) -> str | None:
    """Ask twice on the terminal for a new login's password; None when none is given."""
    import getpass

    for _ in range(3):
        first = getpass.getpass(f"Password for {name} (empty: none): ")
        if not first:
            return None
        if getpass.getpass("Again: ") == first:
            return first
        err.print("the two differ; once more")
    raise InputError(f"no password set for {name}: the two entries differed three times")
