"""Fixtures shared by the end-to-end tests (tests/e2e) and the browser tests (tests/browser): the
real action server, Rasa and gateway, started once per test session with scripts/services.py
(the same code scripts/run.sh uses), on free ports and a fresh data dir.

Needs RASA_ENV, API_ENV and RASA_MODEL in the environment; scripts/test.sh sets them. Test
folders that do not ask for these fixtures (unit tests in either environment) start nothing.
"""

import os
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


_handed_out: set[int] = set()


def free_port() -> int:
    """A port nothing listens on, and not one this process handed out before (the kernel may
    offer a just-closed port again before the service it was meant for has bound it)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def services_config(data_dir: Path, **changes):
    """scripts/services.py's Config for the real services on free ports, with a fresh auth token."""
    missing = [v for v in ("RASA_ENV", "API_ENV", "RASA_MODEL") if not os.environ.get(v)]
    if missing:
        pytest.fail(f"run the end-to-end and browser tests through scripts/test.sh (missing {', '.join(missing)})")
    sys.path.insert(0, str(ROOT / "scripts"))
    from services import Config

    extra_env = {"RASA_AUTH_TOKEN": "e2e-" + os.urandom(8).hex()} | changes.pop("extra_env", {})
    return Config(rasa_env=Path(os.environ["RASA_ENV"]), api_env=Path(os.environ["API_ENV"]),
                  model=Path(os.environ["RASA_MODEL"]), data_dir=data_dir, gateway_port=free_port(),
                  rasa_port=free_port(), actions_port=free_port(), extra_env=extra_env, **changes)


def running_services(config):
    """Start the three services, yield them once ready, stop them at the end (a fixture's body)."""
    from services import Services

    svc = Services(config)
    svc.start()
    try:
        svc.wait_ready(timeout=240)
        yield svc
    finally:
        svc.stop()


@pytest.fixture(scope="session")
def services(tmp_path_factory):
    yield from running_services(services_config(tmp_path_factory.mktemp("e2e-data")))


@pytest.fixture(scope="session")
def base_url(services):
    return services.config.gateway_url
