"""A throwaway PostgreSQL server for the tests, started from the machine's server binaries.

The binaries are found in $ANNOTATOR_PG_BIN, else the newest /usr/lib/postgresql/*/bin (Debian),
else `pg_config --bindir`, else on PATH. The server listens on a Unix socket in a temporary
folder only, with trust authentication, and is removed at the end of the session. PostgreSQL
refuses to run as root: as root, it runs as the `postgres` user (the Debian package makes one).
Each test gets a new database copied from a migrated template: milliseconds, not a migration.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

PASSWORD_GROUP = "password_logins"
INSTALL_HINT = (
    "PostgreSQL server binaries not found: the PostgreSQL half of the suite did not run. "
    "Install them (Debian/Ubuntu: apt-get install postgresql) or set ANNOTATOR_PG_BIN."
)
REQUIRE_VAR = "ANNOTATOR_REQUIRE_POSTGRES"  # CI sets it: a missing server fails instead


def find_binaries() -> Path | None:
    """Return the folder holding initdb and pg_ctl, or None."""
    override = os.environ.get("ANNOTATOR_PG_BIN")
    candidates = [Path(override)] if override else []
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True
    ) if Path("/usr/lib/postgresql").is_dir() else []  # fmt: skip
    candidates += debian
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidates.append(Path(found.stdout.strip()))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


class PostgresServer:
    """One server for the session: start(), database() per test, stop()."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.root = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "socket"
        self.names = itertools.count(1)
        self.template: str | None = None
        self.user = None if os.geteuid() != 0 else pwd.getpwnam("postgres")

    def _run(self, *args: str) -> None:
        def drop() -> None:  # as root: run the server as postgres
            assert self.user is not None
            os.setgid(self.user.pw_gid)
            os.setuid(self.user.pw_uid)

        result = subprocess.run(
            [str(self.binaries / args[0]), *args[1:]],
            capture_output=True, text=True, preexec_fn=drop if self.user else None,
            cwd=self.root,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {result.stderr.strip()[-500:]}")

    def start(self) -> None:
        """Create the cluster and start the server on a socket of its own."""
        self.socket.mkdir(parents=True)
        if self.user is not None:
            for path in (self.root, self.socket):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        hba = self.data / "pg_hba.conf"  # members of PASSWORD_GROUP sign in with a password
        hba.write_text(f"local all +{PASSWORD_GROUP} scram-sha-256\n" + hba.read_text())
        self.resume()

    def resume(self) -> None:
        """Start the server (again) on its cluster."""
        options = (
            f"-c listen_addresses='' -c unix_socket_directories={self.socket} -c port=5432 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-l",
                  str(self.root / "server.log"), "start")  # fmt: skip

    def pause(self) -> None:
        """Shut the server down as an administrator would, keeping its cluster to resume."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str, user: str = "postgres") -> str:
        """Return the SQLAlchemy URL of a database on this server."""
        return f"postgresql+psycopg://{user}@/{database}?host={self.socket}&port=5432"

    def execute(self, sql: str, database: str = "postgres") -> None:
        """Run one statement as the superuser, outside a transaction."""
        import psycopg

        with psycopg.connect(
            host=str(self.socket), port=5432, user="postgres", dbname=database, autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def template_name(self) -> str:
        """Return the name of a migrated empty store database, made on first use."""
        if self.template is None:
            from annotator.store import Store

            self.template = "annotator_template"
            self.execute(f"CREATE DATABASE {self.template}")
            Store.open(self.url(self.template)).close()
        return self.template

    def database(self, template: str | None = None) -> str:
        """Return the URL of a new store database: a copy of `template`, else migrated empty."""
        name = f"t{next(self.names)}"
        self.execute(f"CREATE DATABASE {name} TEMPLATE {template or self.template_name()}")
        return self.url(name)

    def empty_database(self) -> str:
        """Return the URL of a new database with no schema at all."""
        name = f"e{next(self.names)}"
        self.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and remove its files."""
        try:
            if (self.data / "postmaster.pid").exists():  # not paused
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
