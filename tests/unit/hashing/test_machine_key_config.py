"""The machineKey of encrypted Membership passwords is configured as a secret reference, never in clear."""

from __future__ import annotations

import pytest

from cognito_migrate import secrets
from cognito_migrate.config import Settings, settings_from_mapping
from cognito_migrate.errors import ConfigError
from cognito_migrate.hashing import Verdict
from cognito_migrate.models import Credential
from cognito_migrate.wiring import build_verifier, required_extras
from tests.unit.hashing.test_dotnet import MACHINE_KEY_AES, MEMBERSHIP_SALT, _dotnet_encrypted

STORE = {"type": "sql", "url": "sqlite:///x.db", "preset": "aspnet_identity"}


def _settings(params: dict[str, object]) -> Settings:
    return settings_from_mapping(
        {"store": STORE, "hashing": {"scheme": "aspnet_membership", "params": params}}, environ={}
    )


def test_a_key_written_in_clear_is_refused_when_the_configuration_loads() -> None:
    with pytest.raises(ConfigError) as info:
        _settings({"password_format": 2, "decryption_key": MACHINE_KEY_AES})
    assert info.value.key == "hashing.params.decryption_key"
    assert MACHINE_KEY_AES not in str(info.value)


def test_encrypted_rows_without_a_key_are_refused_when_the_configuration_loads() -> None:
    with pytest.raises(ConfigError) as info:
        _settings({"password_format": "encrypted"})
    assert info.value.key == "hashing.params.decryption_key"


def test_a_referenced_key_is_resolved_at_the_first_encrypted_row(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets.clear_cache()
    settings = _settings({"password_format": 2, "decryption_key": "env:LEGACY_MACHINE_KEY"})
    verifier = build_verifier(settings)  # built before the variable exists: not resolved yet
    monkeypatch.setenv("LEGACY_MACHINE_KEY", MACHINE_KEY_AES)
    stored = _dotnet_encrypted("Corr3ct-Horse", MEMBERSHIP_SALT, MACHINE_KEY_AES, "AES")
    credential = Credential(stored=stored, scheme=None, params={})
    assert Verdict.MATCH is verifier.check("Corr3ct-Horse", credential)[0]
    assert Verdict.MISMATCH is verifier.check("wrong", credential)[0]
    assert "aspnet" in required_extras(settings)
    secrets.clear_cache()
