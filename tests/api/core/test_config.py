"""Settings from the environment."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.config import Settings

VARS = ["COALITIECOACH_DATA_DIR", "RASA_URL", "RASA_AUTH_TOKEN", "ACTION_SERVER_URL", "CORS_ORIGINS",
        "MAX_MESSAGE_CHARS", "RASA_TIMEOUT_SECONDS"]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARS:
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = Settings(_env_file=None)

    assert settings.data_dir == Path("var")
    assert settings.database_path == Path("var") / "gateway.sqlite3"
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.rasa_auth_token is None
    assert settings.action_server_url == "http://127.0.0.1:5055"
    assert settings.cors_origins == []
    assert settings.max_message_chars == 2000
    assert settings.rasa_timeout_seconds == 30


def test_read_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COALITIECOACH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RASA_URL", "http://rasa:5005/")
    monkeypatch.setenv("RASA_AUTH_TOKEN", "s3cret")
    monkeypatch.setenv("ACTION_SERVER_URL", "http://actions:5055")
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example/ ,")
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "500")
    monkeypatch.setenv("RASA_TIMEOUT_SECONDS", "2.5")

    settings = Settings(_env_file=None)

    assert settings.database_path == tmp_path / "gateway.sqlite3"
    assert settings.rasa_url == "http://rasa:5005"
    assert settings.rasa_auth_token is not None and settings.rasa_auth_token.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)
    assert settings.action_server_url == "http://actions:5055"
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.max_message_chars == 500
    assert settings.rasa_timeout_seconds == 2.5


def test_empty_variables_mean_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_AUTH_TOKEN", "")
    monkeypatch.setenv("CORS_ORIGINS", "")

    settings = Settings(_env_file=None)

    assert settings.rasa_auth_token is None
    assert settings.cors_origins == []


@pytest.mark.parametrize(("name", "value"), [("RASA_URL", "rasa:5005"), ("MAX_MESSAGE_CHARS", "0"),
                                             ("RASA_TIMEOUT_SECONDS", "-1")])
def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ValidationError):
        Settings(_env_file=None)
