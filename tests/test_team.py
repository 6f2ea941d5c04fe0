"""Team mode on a real PostgreSQL server: logins are annotators, and the server enforces rights.

Each check connects with a real login and writes through SQL directly, around the application:
what the server refuses is refused whatever program an annotator uses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from annotator.errors import PermissionDeniedError
from annotator.layers import ensure_annotator_layer, find_layer, new_layer
from annotator.model import DocumentPair, LayerKind, Mention
from annotator.projects import get_or_create_annotator
from annotator.store import Store
from annotator.store.team import TeamRole, team_role
from tests.conftest import SEED_AR, SEED_EN
from tests.pg_server import PostgresServer
from tests.test_cli import run


@pytest.fixture
def team(
    pg_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> Iterator[tuple[PostgresServer, str, dict[str, int]]]:
    """A team store: Sami an annotator, Rania a reviewer, each with a layer; and a gold layer."""
    url = pg_server.database()
    owner = ["--db", url, "--as", "postgres"]
    assert run(capsys, *owner, "team", "init")[0] == 0
    for name, role in (("Sami", "annotator"), ("Rania", "reviewer")):
        assert run(capsys, *owner, "team", "add", name, "--role", role)[0] == 0
    assert run(capsys, *owner, "init", "news", "-s", "en", "-t", "ar")[0] == 0
    assert run(capsys, *owner, "import", SEED_EN, SEED_AR)[0] == 0
    store = Store.open(url)
    with store.write() as session:
        pair = session.scalars(select(DocumentPair)).one()
        layers = {
            name: ensure_annotator_layer(session, pair, get_or_create_annotator(session, name)).id
            for name in ("Sami", "Rania")
        }
        layers["gold"] = new_layer(session, pair, LayerKind.GOLD).id
        layers["automatic"] = find_layer(session, pair, LayerKind.AUTOMATIC).id  # type: ignore[union-attr]
    store.close()
    database = make_url(url).database
    assert database is not None
    yield pg_server, database, layers


def _as(server: PostgresServer, database: str, login: str) -> psycopg.Connection:
    return psycopg.connect(
        host=str(server.socket), port=5432, user=login, dbname=database, autocommit=True
    )


INSERT = (
    "INSERT INTO mentions (layer_id, side, start_char, end_char, label, surface, "
    "no_counterpart, created_at) VALUES (%s, 'source', 0, 5, 'PER', 'Lloyd', false, now())"
)


def test_an_annotator_writes_their_own_layer_and_nothing_else(
    team: tuple[PostgresServer, str, dict[str, int]],
) -> None:
    server, database, layers = team
    with _as(server, database, "Sami") as sami:
        sami.execute(INSERT, (layers["Sami"],))  # their own layer: allowed
        for other in ("Rania", "gold", "automatic"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                sami.execute(INSERT, (layers[other],))
        # Rania's rows are out of reach: an update or delete touches none of them
        assert sami.execute("UPDATE mentions SET label = 'ORG' WHERE layer_id = %s",
                            (layers["Rania"],)).rowcount == 0  # fmt: skip
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            sami.execute("DELETE FROM pairs")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            sami.execute("UPDATE annotators SET role = 'reviewer'")


def test_a_reviewer_also_writes_the_gold_but_not_another_annotators_layer(
    team: tuple[PostgresServer, str, dict[str, int]],
) -> None:
    server, database, layers = team
    with _as(server, database, "Rania") as rania:
        rania.execute(INSERT, (layers["gold"],))
        rania.execute(INSERT, (layers["Rania"],))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            rania.execute(INSERT, (layers["Sami"],))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            rania.execute("DELETE FROM pairs")


def test_the_application_works_under_a_login(
    team: tuple[PostgresServer, str, dict[str, int]],
) -> None:
    from annotator.commands import Editor
    from annotator.commands.entities import TagMention

    server, database, layers = team
    store = Store.open(server.url(database, user="Sami"))
    with store.read() as session:
        text = session.get(DocumentPair, 1).source.text  # type: ignore[union-attr]
    start = text.index("Gaza")
    Editor(store, layers["Sami"], "Sami").execute(TagMention("source", start, start + 4, "GPE"))
    with pytest.raises(PermissionDeniedError, match="refused this change to your login"):
        Editor(store, layers["Rania"], "Sami").execute(
            TagMention("source", start, start + 4, "GPE")
        )
    with store.read() as session:
        owners = session.execute(select(Mention.layer_id, Mention.surface)).all()
    store.close()
    assert owners == [(layers["Sami"], "Gaza")]


def test_on_a_team_server_you_are_your_login(
    team: tuple[PostgresServer, str, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    server, database, _ = team
    url = server.url(database, user="Sami")
    code, _, err = run(capsys, "--db", url, "--as", "Rania", "list")
    assert code == 2 and "on this team server you are your login 'Sami'" in err
    code, out, err = run(capsys, "--db", url, "list", "--mine")
    assert code == 0 and out.strip() == "no pairs are assigned to Sami", err
    code, _, err = run(capsys, "--db", url, "assign", "1", "--to", "Sami")
    assert code == 2 and "only a reviewer may assign pairs; Sami is not one" in err


def test_a_refusal_by_the_server_exits_like_one_by_the_application(
    team: tuple[PostgresServer, str, dict[str, int]],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """Only an admin imports on a team server: an annotator gets code 2 and no change."""
    server, database, _ = team
    url = server.url(database, user="Sami")
    (tmp_path / "a.en.txt").write_text("Gaza is a city.\n", encoding="utf-8")
    (tmp_path / "a.ar.txt").write_text("غزة مدينة.\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", url, "import", str(tmp_path))
    assert code == 2, err
    assert err.strip().endswith("the server refused this change to your login"), err
    assert len(err.strip().splitlines()) == 1
    code, out, _ = run(capsys, "--db", url, "list", "--json")
    assert code == 0 and len(json.loads(out)) == 1


def test_each_login_knows_its_role(
    team: tuple[PostgresServer, str, dict[str, int]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server, database, _ = team
    owner = ["--db", server.url(database), "--as", "postgres"]
    assert run(capsys, *owner, "team", "add", "Ada", "--role", "admin")[0] == 0
    roles = {}
    for login in ("postgres", "Ada", "Rania", "Sami"):
        store = Store.open(server.url(database, user=login))
        with store.engine.connect() as conn:
            roles[login] = team_role(conn)
        store.close()
    assert roles == {
        "postgres": TeamRole.ADMIN,
        "Ada": TeamRole.ADMIN,
        "Rania": TeamRole.REVIEWER,
        "Sami": TeamRole.ANNOTATOR,
    }
    store = Store.open(tmp_path / "alone.sqlite3")
    with store.engine.connect() as conn:
        assert team_role(conn) is None  # not a team server: the application's roles apply
    store.close()
