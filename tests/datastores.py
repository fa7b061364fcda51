"""Real PostgreSQL and Redis servers on loopback, for the tests of the production stores.

Both come from Debian's packages (scripts/test.sh installs redis-server when missing; PostgreSQL's
server binaries are looked up in /usr/lib/postgresql). Each server gets a fresh directory, a free
port and a random password, and is stopped at the end. PostgreSQL refuses to run as root, so as
root it runs as the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

from .conftest import free_port

DB_USER = DB_NAME = "coalitiecoach"


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(f"PostgreSQL's {name} is missing: install Debian's postgresql package")
    return found[-1]


def _wait_for_port(port: int, proc: subprocess.Popen | None, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server stopped (exit {proc.returncode}):\n{log.read_text()[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s:\n{log.read_text()[-2000:]}")


class Postgres:
    def __init__(self, base: Path):
        self.dir, self.port, self.password = base / "pg", free_port(), secrets.token_urlsafe(16)
        self.log = base / "postgres.log"
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *argv: str) -> str:
        return subprocess.run([*self._as, *argv], check=True, capture_output=True, text=True).stdout

    def start(self) -> None:
        self.dir.mkdir(parents=True)
        pwfile = self.dir.parent / "pgpass"
        pwfile.write_text(self.password + "\n")
        if self._as:
            pg = pwd.getpwnam("postgres")
            for path in (self.dir, pwfile, self.dir.parent):
                os.chown(path, pg.pw_uid, pg.pw_gid)
        self._run(_postgres_bin("initdb"), "-D", str(self.dir / "data"), "-U", DB_USER, f"--pwfile={pwfile}",
                  "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8")
        self._run(_postgres_bin("pg_ctl"), "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log"),
                  "-w", "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", "start")
        _wait_for_port(self.port, None, self.dir / "server.log")
        self.psql("CREATE DATABASE coalitiecoach", db="postgres")

    def psql(self, sql: str, db: str = DB_NAME) -> str:
        env = dict(os.environ, PGPASSWORD=self.password)
        return subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", DB_USER, "-d", db,
                               "-At", "-c", sql], check=True, capture_output=True, text=True, env=env).stdout

    def stop(self) -> None:
        if (self.dir / "data" / "postmaster.pid").exists():
            self._run(_postgres_bin("pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")


class Redis:
    def __init__(self, base: Path):
        self.port, self.password, self.log = free_port(), secrets.token_urlsafe(16), base / "redis.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        server = shutil.which("redis-server")
        if not server:
            raise RuntimeError("redis-server is missing: install Debian's redis-server package")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([server, "--port", str(self.port), "--bind", "127.0.0.1",
                                          "--requirepass", self.password, "--save", "", "--appendonly", "no"],
                                         stdout=log, stderr=subprocess.STDOUT)
        _wait_for_port(self.port, self.proc, self.log)

    def command(self, *args: str) -> str:
        return subprocess.run(["redis-cli", "-p", str(self.port), "--no-auth-warning", "-a", self.password, *args],
                              check=True, capture_output=True, text=True).stdout

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def production_env(pg: Postgres, redis: Redis) -> dict[str, str]:
    """The variables bot/endpoints.production.yml reads, pointing at these two servers."""
    return {"POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": str(pg.port), "POSTGRES_DB": DB_NAME,
            "POSTGRES_USER": DB_USER, "POSTGRES_PASSWORD": pg.password,
            "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis.port), "REDIS_PASSWORD": redis.password}
