"""Environment, shared-file and credential_process providers, alone and through the chain.

Every chain built here has AWS_EC2_METADATA_DISABLED=true and no container
variables in its environment, so no test can fall through to instance or
container metadata.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import pytest

from bedrockpage.auth.credentials import Credentials
from bedrockpage.auth.providers import resolve_credential_source
from bedrockpage.auth.providers.env import EnvProvider
from bedrockpage.auth.providers.files import ConfigFileProvider, SharedCredentialsFileProvider
from bedrockpage.auth.providers.process import ProcessProvider
from bedrockpage.auth.refresh import RefreshableCredentials
from bedrockpage.config import SharedFiles
from bedrockpage.exceptions import ConfigError, CredentialRetrievalError, NoCredentialsError
from tests.support.aws_files import FakeClock, write_shared_files

SECRET = "SENTINEL-SECRET-do-not-print"
TOKEN = "SENTINEL-TOKEN-do-not-print"


def offline_environ(**variables: str) -> dict[str, str]:
    """Return an environment with instance metadata disabled plus `variables`."""
    return {"AWS_EC2_METADATA_DISABLED": "true", "BOTO_CONFIG": os.devnull, **variables}


# --- environment -------------------------------------------------------------------------


def test_env_static_keys() -> None:
    environ = {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": SECRET}

    loaded = EnvProvider(environ).load()

    assert loaded == Credentials("AKIDENV", SECRET, None, method="env")


def test_env_session_token() -> None:
    environ = {
        "AWS_ACCESS_KEY_ID": "AKIDENV",
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_SESSION_TOKEN": TOKEN,
    }

    loaded = EnvProvider(environ).load()

    assert isinstance(loaded, Credentials)
    assert loaded.token == TOKEN


def test_env_security_token_wins() -> None:
    environ = {
        "AWS_ACCESS_KEY_ID": "AKIDENV",
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_SECURITY_TOKEN": "older-name",
        "AWS_SESSION_TOKEN": "newer-name",
    }

    loaded = EnvProvider(environ).load()

    assert isinstance(loaded, Credentials)
    assert loaded.token == "older-name"


def test_env_empty_access_key() -> None:
    environ = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": SECRET}

    assert EnvProvider(environ).load() is None


def test_env_missing_secret() -> None:
    with pytest.raises(CredentialRetrievalError) as raised:
        EnvProvider({"AWS_ACCESS_KEY_ID": "AKIDENV"}).load()

    assert "AWS_SECRET_ACCESS_KEY" in str(raised.value)


def test_env_expiration_refreshes() -> None:
    clock = FakeClock()
    environ = {
        "AWS_ACCESS_KEY_ID": "AKIDFIRST",
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_CREDENTIAL_EXPIRATION": clock.iso_in(3600),
    }
    loaded = EnvProvider(environ, clock=clock).load()
    assert isinstance(loaded, RefreshableCredentials)
    assert loaded.get_frozen().access_key == "AKIDFIRST"

    environ["AWS_ACCESS_KEY_ID"] = "AKIDSECOND"
    environ["AWS_CREDENTIAL_EXPIRATION"] = clock.iso_in(7200)
    clock.advance(3600 - 5 * 60)

    assert loaded.get_frozen().access_key == "AKIDSECOND"


def test_chain_env_beats_aws_profile(tmp_path: Path) -> None:
    files = write_shared_files(
        tmp_path, credentials="[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s\n"
    )
    environ = offline_environ(
        AWS_ACCESS_KEY_ID="AKIDENV", AWS_SECRET_ACCESS_KEY=SECRET, AWS_PROFILE="dev", **files
    )

    source = resolve_credential_source(environ=environ)

    assert source.get_frozen().access_key == "AKIDENV"
    assert source.method == "env"


def test_chain_named_profile_skips_env(tmp_path: Path) -> None:
    files = write_shared_files(
        tmp_path, credentials="[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s\n"
    )
    environ = offline_environ(AWS_ACCESS_KEY_ID="AKIDENV", AWS_SECRET_ACCESS_KEY=SECRET, **files)

    source = resolve_credential_source(profile_name="dev", environ=environ)

    assert source.get_frozen().access_key == "AKIDDEV"
    assert source.method == "shared-credentials-file"


def test_chain_explains_ignored_env_keys(tmp_path: Path) -> None:
    files = write_shared_files(tmp_path, config="[profile dev]\nregion = us-east-1\n")
    environ = offline_environ(AWS_ACCESS_KEY_ID="AKIDENV", AWS_SECRET_ACCESS_KEY=SECRET, **files)

    with pytest.raises(NoCredentialsError) as raised:
        resolve_credential_source(profile_name="dev", environ=environ)

    assert "AWS_ACCESS_KEY_ID was ignored" in str(raised.value)
    assert SECRET not in str(raised.value)


# --- shared credentials and config files -------------------------------------------------

CREDENTIALS_FILE = f"""
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = {SECRET}

[temporary]
aws_access_key_id = ASIATEMP
aws_secret_access_key = {SECRET}
aws_session_token = {TOKEN}

[legacy-token]
aws_access_key_id = ASIALEGACY
aws_secret_access_key = {SECRET}
aws_security_token = older-name
aws_session_token = newer-name

[partial]
aws_access_key_id = AKIDPARTIAL
"""

CONFIG_FILE = f"""
[default]
region = us-east-1

[profile in-config]
aws_access_key_id = AKIDCONFIG
aws_secret_access_key = {SECRET}

[profile both]
aws_access_key_id = AKIDCONFIGSIDE
aws_secret_access_key = {SECRET}
"""


@pytest.fixture
def shared_files(tmp_path: Path) -> SharedFiles:
    credentials = CREDENTIALS_FILE + "\n[both]\naws_access_key_id = AKIDCREDSIDE\n"
    credentials += f"aws_secret_access_key = {SECRET}\n"
    return SharedFiles(write_shared_files(tmp_path, config=CONFIG_FILE, credentials=credentials))


def test_credentials_file_default_profile(shared_files: SharedFiles) -> None:
    loaded = SharedCredentialsFileProvider(shared_files, "default").load()

    assert loaded == Credentials("AKIDDEFAULT", SECRET, None, method="shared-credentials-file")


def test_credentials_file_session_token(shared_files: SharedFiles) -> None:
    loaded = SharedCredentialsFileProvider(shared_files, "temporary").load()

    assert isinstance(loaded, Credentials)
    assert loaded.access_key == "ASIATEMP"
    assert loaded.token == TOKEN


def test_credentials_file_security_token(shared_files: SharedFiles) -> None:
    loaded = SharedCredentialsFileProvider(shared_files, "legacy-token").load()

    assert isinstance(loaded, Credentials)
    assert loaded.token == "older-name"


def test_credentials_file_partial_keys(shared_files: SharedFiles) -> None:
    with pytest.raises(CredentialRetrievalError) as raised:
        SharedCredentialsFileProvider(shared_files, "partial").load()

    assert "aws_secret_access_key" in str(raised.value)


def test_credentials_file_other_profile(shared_files: SharedFiles) -> None:
    assert SharedCredentialsFileProvider(shared_files, "in-config").load() is None


def test_config_file_profile_keys(shared_files: SharedFiles) -> None:
    loaded = ConfigFileProvider(shared_files, "in-config").load()

    assert loaded == Credentials("AKIDCONFIG", SECRET, None, method="config-file")


def test_chain_credentials_file_first(shared_files: SharedFiles) -> None:
    environ = offline_environ(**dict(shared_files.environ))

    source = resolve_credential_source(profile_name="both", environ=environ)

    assert source.get_frozen().access_key == "AKIDCREDSIDE"


def test_chain_missing_named_profile(shared_files: SharedFiles) -> None:
    environ = offline_environ(**dict(shared_files.environ))

    with pytest.raises(ConfigError) as raised:
        resolve_credential_source(profile_name="nope", environ=environ)

    assert "(nope)" in str(raised.value)
    assert shared_files.config_path in str(raised.value)


def test_chain_missing_profile_from_aws_profile(shared_files: SharedFiles) -> None:
    environ = offline_environ(AWS_PROFILE="nope", **dict(shared_files.environ))

    with pytest.raises(ConfigError):
        resolve_credential_source(environ=environ)


def test_chain_nothing_found(tmp_path: Path) -> None:
    environ = offline_environ(**write_shared_files(tmp_path))

    with pytest.raises(NoCredentialsError) as raised:
        resolve_credential_source(environ=environ)

    assert "AWS_EC2_METADATA_DISABLED" in str(raised.value)


# --- credential_process ------------------------------------------------------------------


def process_profile(tmp_path: Path, script: str, *, profile: str = "proc") -> SharedFiles:
    """Write `script` as a Python program and a profile whose credential_process runs it."""
    script_path = tmp_path / f"{profile}.py"
    script_path.write_text(script, encoding="utf-8")
    command = f"{shlex.quote(sys.executable)} {shlex.quote(str(script_path))}"
    config = f"[profile {profile}]\ncredential_process = {command}\n"
    return SharedFiles(write_shared_files(tmp_path, config=config))


def printing(payload: str, *, exit_status: int = 0, stderr: str = "") -> str:
    return (
        "import sys\n"
        f"sys.stdout.write({payload!r})\n"
        f"sys.stderr.write({stderr!r})\n"
        f"sys.exit({exit_status})\n"
    )


def test_process_version_1_static(tmp_path: Path) -> None:
    payload = f'{{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "{SECRET}"}}'
    files = process_profile(tmp_path, printing(payload))

    loaded = ProcessProvider(files, "proc").load()

    assert loaded == Credentials("AKIDPROC", SECRET, None, method="custom-process")


def test_process_session_token_and_expiration(tmp_path: Path) -> None:
    clock = FakeClock()
    payload = (
        f'{{"Version": 1, "AccessKeyId": "ASIAPROC", "SecretAccessKey": "{SECRET}", '
        f'"SessionToken": "{TOKEN}", "Expiration": "{clock.iso_in(3600)}"}}'
    )
    files = process_profile(tmp_path, printing(payload))

    loaded = ProcessProvider(files, "proc", clock=clock).load()

    assert isinstance(loaded, RefreshableCredentials)
    assert loaded.get_frozen().token == TOKEN
    assert loaded.expiry_time == clock.now.replace(hour=13)


def test_process_refresh_runs_command_again(tmp_path: Path) -> None:
    clock = FakeClock()
    counter = tmp_path / "runs"
    counter.write_text("0")
    script = (
        "import json, pathlib\n"
        f"counter = pathlib.Path({str(counter)!r})\n"
        "runs = int(counter.read_text()) + 1\n"
        "counter.write_text(str(runs))\n"
        "print(json.dumps({'Version': 1, 'AccessKeyId': f'ASIARUN{runs}',\n"
        f"    'SecretAccessKey': 's', 'Expiration': {clock.iso_in(3600)!r}}}))\n"
    )
    files = process_profile(tmp_path, script)
    loaded = ProcessProvider(files, "proc", clock=clock).load()
    assert isinstance(loaded, RefreshableCredentials)
    assert loaded.get_frozen().access_key == "ASIARUN1"

    clock.advance(30 * 60)
    assert loaded.get_frozen().access_key == "ASIARUN1"
    assert counter.read_text() == "1"


def test_process_refresh_inside_advisory_window(tmp_path: Path) -> None:
    clock = FakeClock()
    counter = tmp_path / "runs"
    counter.write_text("0")
    script = (
        "import json, pathlib, sys\n"
        f"counter = pathlib.Path({str(counter)!r})\n"
        "runs = int(counter.read_text()) + 1\n"
        "counter.write_text(str(runs))\n"
        f"expiry = {clock.iso_in(3600)!r} if runs == 1 else {clock.iso_in(7200)!r}\n"
        "print(json.dumps({'Version': 1, 'AccessKeyId': f'ASIARUN{runs}',\n"
        "    'SecretAccessKey': 's', 'Expiration': expiry}))\n"
    )
    files = process_profile(tmp_path, script)
    loaded = ProcessProvider(files, "proc", clock=clock).load()
    assert isinstance(loaded, RefreshableCredentials)

    clock.advance(3600 - 14 * 60)

    assert loaded.get_frozen().access_key == "ASIARUN2"
    assert counter.read_text() == "2"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ('{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "S"}', "Unsupported version 2"),
        ('{"AccessKeyId": "A", "SecretAccessKey": "S"}', "<Version key not provided>"),
        ('{"Version": 1, "SecretAccessKey": "S"}', "AccessKeyId"),
        ('{"Version": 1, "AccessKeyId": "A"}', "SecretAccessKey"),
        ('[{"Version": 1}]', "JSON list"),
        (
            '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "S", "Expiration": "soon"}',
            "Invalid Expiration timestamp 'soon'",
        ),
    ],
    ids=["version-2", "no-version", "no-access-key", "no-secret", "json-list", "bad-expiration"],
)
def test_process_contract_errors(tmp_path: Path, payload: str, expected: str) -> None:
    files = process_profile(tmp_path, printing(payload))

    with pytest.raises(CredentialRetrievalError) as raised:
        ProcessProvider(files, "proc").load()

    assert expected in str(raised.value)


def test_process_invalid_json_hides_stdout(tmp_path: Path) -> None:
    payload = f'{{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "{SECRET}"'
    files = process_profile(tmp_path, printing(payload))

    with pytest.raises(CredentialRetrievalError) as raised:
        ProcessProvider(files, "proc").load()

    assert "not valid JSON" in str(raised.value)
    assert SECRET not in str(raised.value)
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is None or SECRET not in str(raised.value.__context__)


def test_process_nonzero_exit_hides_stdout(tmp_path: Path) -> None:
    payload = f'{{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "{SECRET}"}}'
    script = printing(payload, exit_status=3, stderr="token expired, run login")
    files = process_profile(tmp_path, script)

    with pytest.raises(CredentialRetrievalError) as raised:
        ProcessProvider(files, "proc").load()

    message = str(raised.value)
    assert "exited with status 3" in message
    assert "token expired, run login" in message
    assert SECRET not in message


def test_process_missing_program(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-program"
    files = SharedFiles(
        write_shared_files(tmp_path, config=f"[profile proc]\ncredential_process = {missing}\n")
    )

    with pytest.raises(CredentialRetrievalError) as raised:
        ProcessProvider(files, "proc").load()

    assert str(missing) in str(raised.value)


def test_process_in_credentials_file(tmp_path: Path) -> None:
    script_path = tmp_path / "print.py"
    payload = '{"Version": 1, "AccessKeyId": "AKIDCREDPROC", "SecretAccessKey": "s"}'
    script_path.write_text(printing(payload), encoding="utf-8")
    command = f"{shlex.quote(sys.executable)} {shlex.quote(str(script_path))}"
    files = SharedFiles(
        write_shared_files(tmp_path, credentials=f"[proc]\ncredential_process = {command}\n")
    )

    loaded = ProcessProvider(files, "proc").load()

    assert isinstance(loaded, Credentials)
    assert loaded.access_key == "AKIDCREDPROC"


def test_chain_file_keys_beat_process(tmp_path: Path) -> None:
    payload = '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "s"}'
    files = process_profile(tmp_path, printing(payload))
    credentials_path = Path(files.credentials_path)
    credentials_path.write_text("[proc]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n")

    source = resolve_credential_source(
        profile_name="proc", environ=offline_environ(**dict(files.environ))
    )

    assert source.get_frozen().access_key == "AKIDFILE"
