"""`annotator team init|add`: team mode on a PostgreSQL server, rights enforced by the server."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from annotator.cli.app import actor, app, open_store, out


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
        str | None, typer.Option("--password", help="Their password (else set it on the server).")
    ] = None,
) -> None:
    """Create a login in a team role, and the annotator it signs in as (run as the owner)."""
    from annotator.audit import record
    from annotator.model import Role
    from annotator.projects import get_or_create_annotator
    from annotator.store.team import TeamRole, add_member

    store = open_store()
    with store.engine.begin() as conn:
        add_member(conn, name, TeamRole(role.value), password)
    app_role = Role.ANNOTATOR if role is TeamRoleName.ANNOTATOR else Role.REVIEWER
    with store.write() as session:
        person = get_or_create_annotator(session, name, app_role, actor=actor())
        if person.role != app_role.value:
            person.role = app_role.value
            record(session, actor(), "set_role", name=person.name, role=app_role.value)
    out.print(f"{name} can sign in as {role.value}")
