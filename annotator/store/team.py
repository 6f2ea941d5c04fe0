"""Team mode on PostgreSQL: database logins as annotators, and rights the server enforces.

`set_up_team` (run once by the database's owner) creates three group roles and row-level
security: everyone reads everything (blindness is the application's), an annotator writes only
rows of their own layers, a reviewer also the gold and the automatic layers and assignments,
an administrator everything, including importing and removing pairs. `add_member` makes a login
in a group and the matching annotator. Whoever connects is identified by the server's
session_user, matched to annotators.name case-insensitively.
"""

from __future__ import annotations

import enum

from sqlalchemy import Connection, text

from annotator.errors import InputError

ADMINS, REVIEWERS, ANNOTATORS = "annotator_admins", "annotator_reviewers", "annotator_annotators"
LAYER_TABLES = ("segments", "beads", "mentions", "links", "decisions")  # rows of one layer
EVERYONE_WRITES = ("layers", *LAYER_TABLES, "audit_events", "embedding_cache")
REVIEWERS_WRITE = ("assignments", "annotators", "projects")
ADMINS_WRITE = ("documents", "pairs", "alembic_version")


class TeamRole(enum.StrEnum):
    """What a login may do on a team server."""

    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
    ADMIN = "admin"


def _member(group: str) -> str:
    return f"pg_has_role(session_user, '{group}', 'member')"


_MY_ID = "(SELECT a.id FROM annotators a WHERE lower(a.name) = lower(session_user))"
_MAY_WRITE_LAYER = f"""
CREATE OR REPLACE FUNCTION annotator_may_write(kind text, owner integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT {_member(ADMINS)}
        OR (kind IN ('gold', 'automatic') AND {_member(REVIEWERS)})
        OR (kind = 'annotator' AND owner = {_MY_ID})
$$;
CREATE OR REPLACE FUNCTION annotator_may_write_layer(layer integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT COALESCE(
        (SELECT annotator_may_write(l.kind, l.annotator_id) FROM layers l WHERE l.id = layer),
        false)
$$;
"""


def _require_postgres(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        raise InputError("team mode needs a PostgreSQL store (--db postgresql+psycopg://…)")


def _quoted(name: str) -> str:
    if not name.strip() or '"' in name or "\x00" in name:
        raise InputError(f"{name!r} cannot be a login name")
    return '"' + name + '"'


def set_up_team(conn: Connection) -> None:
    """Create the group roles, grants and row-level security (idempotent; as the DB owner)."""
    _require_postgres(conn)
    for group in (ADMINS, REVIEWERS, ANNOTATORS):
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": group})
        if exists.first() is None:
            conn.execute(text(f"CREATE ROLE {group} NOLOGIN"))
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    groups = f"{ADMINS}, {REVIEWERS}, {ANNOTATORS}"
    conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO {groups}'))
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {groups}"))
    conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {groups}"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {groups}"))
    for table in EVERYONE_WRITES:
        conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {table} TO {groups}"))
    for table in REVIEWERS_WRITE:
        conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {table} TO {ADMINS}, {REVIEWERS}"))
    for table in ADMINS_WRITE:
        conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {table} TO {ADMINS}"))
    conn.execute(text(_MAY_WRITE_LAYER))
    policies = {"layers": "annotator_may_write(kind, annotator_id)"} | {
        table: "annotator_may_write_layer(layer_id)" for table in LAYER_TABLES
    }
    for table, rule in policies.items():
        conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        for name in ("team_read", "team_write"):
            conn.execute(text(f"DROP POLICY IF EXISTS {name} ON {table}"))
        conn.execute(text(f"CREATE POLICY team_read ON {table} FOR SELECT USING (true)"))
        conn.execute(
            text(f"CREATE POLICY team_write ON {table} FOR ALL USING ({rule}) WITH CHECK ({rule})")
        )


def add_member(conn: Connection, name: str, role: TeamRole, password: str | None) -> None:
    """Create (or update) the login `name` in the group of `role`, and its annotator."""
    _require_postgres(conn)
    login = _quoted(name)
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": name})
    verb = "ALTER" if exists.first() is not None else "CREATE"
    conn.execute(text(f"{verb} ROLE {login} LOGIN"))
    if password is not None:  # a utility statement takes no parameters: a quoted literal
        literal = "'" + password.replace("'", "''") + "'"
        conn.execute(text(f"ALTER ROLE {login} PASSWORD {literal}"))
    groups = {
        TeamRole.ANNOTATOR: [ANNOTATORS],
        TeamRole.REVIEWER: [ANNOTATORS, REVIEWERS],
        TeamRole.ADMIN: [ANNOTATORS, REVIEWERS, ADMINS],
    }[role]
    for group in (ADMINS, REVIEWERS, ANNOTATORS):
        grant = "GRANT" if group in groups else "REVOKE"
        conn.execute(text(f"{grant} {group} {'TO' if grant == 'GRANT' else 'FROM'} {login}"))


def team_role(conn: Connection) -> TeamRole | None:
    """Return what this login may do on a team server (None: not a team server).

    The database's owner and superusers are administrators, as the server treats them.
    """
    if team_login(conn) is None:
        return None
    sql = text(
        "SELECT pg_has_role(session_user, :admins, 'member') OR rolsuper "
        "OR session_user = pg_get_userbyid(d.datdba), pg_has_role(session_user, :reviewers, "
        "'member') FROM pg_roles r, pg_database d "
        "WHERE r.rolname = session_user AND d.datname = current_database()"
    )
    admin, reviewer = conn.execute(sql, {"admins": ADMINS, "reviewers": REVIEWERS}).one()
    if admin:
        return TeamRole.ADMIN
    return TeamRole.REVIEWER if reviewer else TeamRole.ANNOTATOR


def team_identity(conn: Connection, claimed: str | None) -> str | None:
    """Return the login on a team server (None elsewhere); InputError if `claimed` is another."""
    login = team_login(conn)
    if login is not None and claimed and claimed.lower() != login.lower():
        raise InputError(
            f"on this team server you are your login {login!r}; --as {claimed} is refused"
        )
    return login


def team_login(conn: Connection) -> str | None:
    """Return the server login when the store is in team mode (who you are), else None."""
    if conn.dialect.name != "postgresql":
        return None
    secured = conn.execute(
        text("SELECT relrowsecurity FROM pg_class WHERE relname = 'layers'")
    ).scalar()
    if not secured:
        return None
    return str(conn.execute(text("SELECT session_user")).scalar_one())
