"""Start the three services - action server, Rasa, gateway - as subprocesses, and stop them.

Used by scripts/run.sh (`python scripts/services.py run`) and by the end-to-end tests, so both
start exactly the same topology. Standard library only. Rasa and the action server listen on
127.0.0.1; only the gateway faces users.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Config:
    rasa_env: Path
    api_env: Path
    model: Path
    data_dir: Path
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    rasa_port: int = 5005
    actions_port: int = 5055
    log_dir: Path | None = None
    extra_env: dict = field(default_factory=dict)
    # bot/endpoints.yml: SQLite, one process; bot/endpoints.production.yml: PostgreSQL and Redis
    endpoints: str = "endpoints.yml"

    @property
    def gateway_url(self) -> str:
        return f"http://{self.gateway_host}:{self.gateway_port}"


def auth_token(data_dir: Path) -> str:
    """RASA_AUTH_TOKEN from the environment, else one generated once and kept in the data dir."""
    if os.environ.get("RASA_AUTH_TOKEN"):
        return os.environ["RASA_AUTH_TOKEN"]
    path = data_dir / "rasa_auth_token"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Services:
    def __init__(self, config: Config):
        self.config = config
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.token = config.extra_env.get("RASA_AUTH_TOKEN") or auth_token(config.data_dir)

    def _env(self) -> dict:
        c = self.config
        c.data_dir.mkdir(parents=True, exist_ok=True)
        token = self.token
        env = dict(os.environ)
        env.update({
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SANIC_HOST": "127.0.0.1",  # the action server binds here, not on every interface
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{c.actions_port}/webhook",
            "RASA_TRACKER_DB": str(c.data_dir / "rasa_tracker.sqlite3"),
            "RASA_URL": f"http://127.0.0.1:{c.rasa_port}",
            "RASA_AUTH_TOKEN": token,
            "ACTION_SERVER_URL": f"http://127.0.0.1:{c.actions_port}",
            "COALITIECOACH_DATA_DIR": str(c.data_dir),
        })
        env.update(c.extra_env)
        return env

    def commands(self) -> dict[str, tuple[list[str], Path]]:
        c, token = self.config, self.token
        return {
            "actions": ([str(c.rasa_env / "bin" / "python"), "-m", "rasa_sdk", "--actions", "actions",
                         "-p", str(c.actions_port), "--quiet"], ROOT),
            "rasa": ([str(c.rasa_env / "bin" / "rasa"), "run", "--model", str(c.model),
                      "--endpoints", c.endpoints, "--credentials", "credentials.yml",
                      "--enable-api", "--auth-token", token, "-i", "127.0.0.1", "-p", str(c.rasa_port),
                      "--quiet"], ROOT / "bot"),
            "gateway": ([str(c.api_env / "bin" / "uvicorn"), "app.main:create_app", "--factory",
                         "--host", c.gateway_host, "--port", str(c.gateway_port), "--no-access-log"],
                        ROOT / "api"),
        }

    def start(self, names: list[str] | None = None) -> None:
        env = self._env()
        log_dir = self.config.log_dir or self.config.data_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        for name, (argv, cwd) in self.commands().items():
            if names and name not in names:
                continue
            self.logs[name] = log_dir / f"{name}.log"
            with open(self.logs[name], "ab") as log:
                self.procs[name] = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                                    start_new_session=True)

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.config.gateway_url}/ready", timeout=5) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait_ready(self, timeout: float = 180) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} stopped (exit {proc.returncode}); see {self.logs[name]}:\n"
                                       + self.logs[name].read_text()[-3000:])
            if self.ready():
                return time.monotonic() - start
            time.sleep(0.5)
        raise TimeoutError(f"services not ready after {timeout} s; logs in {self.config.data_dir / 'logs'}")

    def stop(self, names: list[str] | None = None) -> None:
        for name, proc in list(self.procs.items()):
            if names and name not in names:
                continue
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            del self.procs[name]

    def rss_mb(self) -> dict[str, float]:
        """Resident memory per service (the process group's total), from /proc."""
        out = {}
        for name, proc in self.procs.items():
            total = 0
            for pid_dir in Path("/proc").iterdir():
                if not pid_dir.name.isdigit():
                    continue
                try:
                    if os.getpgid(int(pid_dir.name)) != proc.pid:
                        continue
                    for line in (pid_dir / "status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
                except (OSError, ProcessLookupError):
                    continue
            out[name] = round(total / 1024, 1)
        return out


def config_from_env() -> Config:
    return Config(
        rasa_env=Path(os.environ["RASA_ENV"]),
        api_env=Path(os.environ["API_ENV"]),
        model=Path(os.environ["RASA_MODEL"]),
        data_dir=Path(os.environ.get("COALITIECOACH_DATA_DIR", ROOT / "var")),
        gateway_host=os.environ.get("GATEWAY_HOST", "127.0.0.1"),
        gateway_port=int(os.environ.get("GATEWAY_PORT", "8000")),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["run"])
    parser.parse_args()
    services = Services(config_from_env())
    # `kill` (SIGTERM) stops the three services too, like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    services.start()
    try:
        seconds = services.wait_ready()
        print(json.dumps({"ready_after_s": round(seconds, 1), "rss_mb": services.rss_mb()}))
        print(f"\nCoalitiecoach is ready: {services.config.gateway_url}/  (stop with Ctrl-C)\n", flush=True)
        while all(p.poll() is None for p in services.procs.values()):
            time.sleep(1)
        print("A service stopped; see the logs in " + str(services.config.data_dir / "logs"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        services.stop()


if __name__ == "__main__":
    sys.exit(main())
