"""A throwaway PostgreSQL cluster on loopback for the central tests.

The server binaries come from the Debian packages (scripts/system-packages.txt lists
``postgresql``); Debian keeps them in /usr/lib/postgresql/<version>/bin, off the PATH. The
cluster lives in a temporary directory, listens on a free loopback port (and a unix socket in
that directory), trusts local connections, and is removed when the test session ends.

initdb and postgres refuse to run as root, so when the tests run as root the cluster belongs
to an unprivileged account (``postgres`` if the packages created it, else ``nobody``) and its
commands run through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from tests.sync.centralserver import free_port

SUPERUSER = "postgres"


def find_bin_dir() -> Path | None:
    """The directory holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    candidates = []
    for name in ("initdb", "pg_ctl"):
        found = shutil.which(name)
        if found:
            candidates.append(Path(os.path.realpath(found)).parent)
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: _version_key(Path(p).parent.name),
                      reverse=True)
    candidates += [Path(p) for p in versions]
    for d in candidates:
        if (d / "initdb").is_file() and (d / "pg_ctl").is_file() and (d / "postgres").is_file():
            return d
    return None


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _run_as() -> str | None:
    """The account to run the server as: None to run it as ourselves (when we are not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root and neither the postgres nor the nobody account exists")


class PgCluster:
    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.user = _run_as()
        # Not under pytest's tmp_path: that lies in a root-only directory the server account cannot enter.
        self.dir = Path(tempfile.mkdtemp(prefix="central-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.started = False
        self._template: str | None = None

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        return ["runuser", "-u", self.user, "--", *cmd] if self.user else cmd

    def _run(self, *args: str, timeout: float = 120) -> None:
        proc = subprocess.run(self._cmd(*args), capture_output=True, text=True, timeout=timeout,
                              cwd=self.dir, check=False)
        if proc.returncode != 0:
            log = self.dir / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed ({proc.returncode}): "
                               f"{proc.stderr[-2000:]}{tail}")

    def start(self) -> None:
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8",
                  "--locale=C", "--no-sync")
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"), "-o", options, "-w",
                  "-t", "60", "start")
        self.started = True

    def stop(self) -> None:
        try:
            if self.started:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
        finally:
            self.started = False
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)

    def create_database(self, *, empty: bool = False) -> str:
        """A new central database at the newest schema revision (``empty``: with no tables); returns
        its name. Copied with ``CREATE DATABASE … TEMPLATE`` from one migrated once per cluster."""
        name = "central_" + uuid.uuid4().hex[:12]
        if empty:
            self._admin(f'CREATE DATABASE "{name}"')
        else:
            # The default strategy (WAL_LOG): a copy made with FILE_COPY made event ingestion in
            # tests/sync/test_kill.py about twice as slow, enough to fail it on a loaded machine.
            self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.migrated_template()}"')
        return name

    def migrated_template(self) -> str:
        """The name of a database migrated to the newest revision; only ever copied, never connected to
        afterwards (PostgreSQL copies a template only while nobody is connected to it)."""
        if self._template is None:
            from central.db import Database

            name = "central_template_" + uuid.uuid4().hex[:8]
            self._admin(f'CREATE DATABASE "{name}"')
            db = Database(self.url(name))
            try:
                db.migrate()
            finally:
                db.dispose()
            self._template = name
        return self._template

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
