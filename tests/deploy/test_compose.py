"""docker-compose.yml and the Dockerfiles, checked without a Docker engine (none runs on these
machines): Debian's docker-compose renders and validates the file (`docker-compose config`), and
the tests check what the rendered topology promises. That the same topology works is shown by
tests/e2e/test_production_stores_e2e.py, which runs it without Docker.
"""

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {"POSTGRES_PASSWORD": "pg-test-secret", "REDIS_PASSWORD": "redis-test-secret", "RASA_AUTH_TOKEN": "rasa-test-token"}
SERVICES = {"postgres", "redis", "actions", "rasa", "api"}


def compose_config(tmp_path, values: dict[str, str]) -> subprocess.CompletedProcess:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail("docker-compose is missing: run the tests through scripts/test.sh, which installs it")
    env_file = tmp_path / "test.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return subprocess.run([binary, "--project-directory", str(ROOT), "--env-file", str(env_file),
                           "-f", str(ROOT / "docker-compose.yml"), "config"],
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    result = compose_config(tmp_path_factory.mktemp("compose"), SECRETS)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_the_five_services_and_only_the_gateway_is_published(rendered):
    services = rendered["services"]
    assert set(services) == SERVICES
    assert [name for name, s in services.items() if s.get("ports")] == ["api"]
    assert rendered["networks"]["backend"]["internal"] is True
    for name in SERVICES - {"api"}:
        assert set(services[name]["networks"]) == {"backend"}, name
    assert set(services["api"]["networks"]) == {"backend", "frontend"}


def test_every_variable_of_the_production_endpoints_is_given_to_rasa(rendered):
    endpoints = (ROOT / "bot" / "endpoints.production.yml").read_text()
    needed = set(re.findall(r"\$\{(\w+)\}", endpoints))
    rasa = rendered["services"]["rasa"]
    assert needed <= set(rasa["environment"]), needed - set(rasa["environment"])
    assert rasa["command"][rasa["command"].index("--endpoints") + 1] == "endpoints.production.yml"
    assert rasa["environment"]["POSTGRES_PASSWORD"] == SECRETS["POSTGRES_PASSWORD"]
    assert rasa["environment"]["REDIS_PASSWORD"] == SECRETS["REDIS_PASSWORD"]
    assert rasa["command"][rasa["command"].index("--auth-token") + 1] == SECRETS["RASA_AUTH_TOKEN"]
    stores = yaml.safe_load(endpoints)
    assert stores["tracker_store"]["dialect"] == "postgresql"
    assert stores["lock_store"]["type"] == "coalitie_rasa.lock_store.AtomicRedisLockStore"


def test_services_find_each_other_by_their_compose_names(rendered):
    services = rendered["services"]
    urls = [services["rasa"]["environment"]["ACTION_ENDPOINT_URL"],
            services["api"]["environment"]["RASA_URL"], services["api"]["environment"]["ACTION_SERVER_URL"]]
    assert {urlparse(u).hostname for u in urls} <= SERVICES
    assert services["rasa"]["environment"]["POSTGRES_HOST"] == "postgres"
    assert services["rasa"]["environment"]["REDIS_HOST"] == "redis"
    assert services["api"]["environment"]["RASA_AUTH_TOKEN"] == SECRETS["RASA_AUTH_TOKEN"]
    for name, dependencies in [("rasa", {"postgres", "redis", "actions"}), ("api", {"rasa"})]:
        assert set(services[name]["depends_on"]) == dependencies
        assert all(d["condition"] == "service_healthy" for d in services[name]["depends_on"].values())
    assert all("healthcheck" in s for s in services.values())


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_no_default_for_a_secret(tmp_path, missing):
    result = compose_config(tmp_path, {k: v for k, v in SECRETS.items() if k != missing})
    assert result.returncode != 0
    assert f"set {missing} in .env" in result.stderr


def test_env_example_names_every_required_secret_and_holds_none():
    example = dict(line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    required = set(re.findall(r"\$\{(\w+):\?", (ROOT / "docker-compose.yml").read_text()))
    assert required == set(SECRETS)
    assert all(example[name] == "" for name in required)


def _copies(dockerfile: Path) -> list[str]:
    sources = []
    for line in dockerfile.read_text().splitlines():
        if line.startswith("COPY "):
            sources += line.split()[1:-1]
    return sources


@pytest.mark.parametrize("dockerfile", ["docker/rasa.Dockerfile", "docker/api.Dockerfile"])
def test_what_the_images_copy_exists_and_is_not_excluded(rendered, dockerfile):
    assert any(s.get("build", {}).get("dockerfile") == dockerfile for s in rendered["services"].values())
    ignored = [p.rstrip("/") for p in (ROOT / ".dockerignore").read_text().split() if not p.startswith("#")]
    for source in _copies(ROOT / dockerfile):
        assert (ROOT / source).exists(), source
        assert not any(source == p or source.startswith(p + "/") for p in ignored), source


def test_images_run_the_python_each_environment_needs(rendered):
    assert re.search(r"^FROM python:3\.10\.", (ROOT / "docker/rasa.Dockerfile").read_text(), re.M)
    assert re.search(r"^FROM python:3\.11\.", (ROOT / "docker/api.Dockerfile").read_text(), re.M)
    # the model the rasa service starts is the one the image trains
    rasa_dockerfile = (ROOT / "docker/rasa.Dockerfile").read_text()
    name = re.search(r"--fixed-model-name (\S+)", rasa_dockerfile).group(1)
    command = rendered["services"]["rasa"]["command"]
    assert command[command.index("--model") + 1] == f"models/{name}.tar.gz"
