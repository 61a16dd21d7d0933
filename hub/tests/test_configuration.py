"""Bad configuration gives one clear line naming the variable, never a traceback wall or a password."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.db import connection
from django.db.utils import OperationalError

from hub.settings.environment import (
    base_url_from_env,
    database_from_env,
    log_level,
    positive_int,
    search_backends_from_env,
)
from search.backends import DATABASE_BACKEND, OPENSEARCH_BACKEND, search_backends_for

REPO_ROOT = Path(__file__).resolve().parents[2]
SECRET = "Hemligt-lösen-42"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run manage.py as an operator would, with the hub's usual environment plus `env`."""
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; an operator's shell never has it.
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {**inherited, "DJANGO_SETTINGS_MODULE": "hub.settings.test", **env}
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "manage.py"), *args],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def closed_port() -> int:
    """A local TCP port nothing listens on: bind, read the number, release it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def assert_one_clear_line(result: subprocess.CompletedProcess[str], prefix: str, variable: str) -> str:
    stderr = result.stderr.strip()
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith(prefix), stderr
    assert variable in stderr
    return stderr


# --- DATABASE_URL ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"postgres://hub:{SECRET}@127.0.0.1:notaport/hub",
        "postgres://[::1/hub",
        "just-some-text",
    ],
)
def test_malformed_database_url_names_the_variable_and_hides_the_password(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured) as raised:
        database_from_env(tmp_path / "db.sqlite3")
    message = str(raised.value)
    assert "DATABASE_URL" in message
    assert SECRET not in message
    assert "\n" not in message


@pytest.mark.parametrize("scheme", ["mysql", "oracle", "mssql"])
def test_unsupported_database_scheme_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, scheme: str) -> None:
    monkeypatch.setenv("DATABASE_URL", f"{scheme}://hub:{SECRET}@db.example.se:1234/hub")
    with pytest.raises(ImproperlyConfigured) as raised:
        database_from_env(tmp_path / "db.sqlite3")
    message = str(raised.value)
    assert "DATABASE_URL" in message
    assert scheme in message
    assert SECRET not in message


def test_database_url_unset_means_the_embedded_sqlite_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_from_env(tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "db.sqlite3")


def test_postgres_database_url_is_parsed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://hub:pw@db.example.se:6543/hubdb")
    config = database_from_env(tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], int(config["PORT"]), config["NAME"], config["USER"]) == (
        "db.example.se",
        6543,
        "hubdb",
        "hub",
    )


# --- HUB_BASE_URL ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["ftp://hub.example.se", "hub.example.se", "https://", f"https://admin:{SECRET}@hub.example.se"]
)
def test_bad_hub_base_url_names_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("HUB_BASE_URL", value)
    with pytest.raises(ImproperlyConfigured) as raised:
        base_url_from_env("http://127.0.0.1:8000")
    assert "HUB_BASE_URL" in str(raised.value)
    assert SECRET not in str(raised.value)


def test_hub_base_url_loses_its_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_BASE_URL", " https://hub.example.se/ ")
    assert base_url_from_env("http://127.0.0.1:8000") == "https://hub.example.se"
    monkeypatch.delenv("HUB_BASE_URL")
    assert base_url_from_env("http://127.0.0.1:8000") == "http://127.0.0.1:8000"


# --- OPENSEARCH_URL --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["localhost:9200", "ftp://127.0.0.1:9200", "http://", "opensearch"])
def test_bad_opensearch_url_names_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    with pytest.raises(ImproperlyConfigured) as raised:
        search_backends_for(value)
    assert "OPENSEARCH_URL" in str(raised.value)
    monkeypatch.setenv("OPENSEARCH_URL", value)
    with pytest.raises(ImproperlyConfigured, match="OPENSEARCH_URL"):
        search_backends_from_env()


def test_opensearch_url_chooses_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENSEARCH_URL", raising=False)
    assert search_backends_from_env()["default"]["BACKEND"] == DATABASE_BACKEND
    monkeypatch.setenv("OPENSEARCH_URL", "http://127.0.0.1:9200")
    backends = search_backends_from_env()
    assert backends["default"]["BACKEND"] == OPENSEARCH_BACKEND
    assert backends["default"]["URLS"] == ["http://127.0.0.1:9200"]
    # The database backend stays configured so the hub can answer without OpenSearch.
    assert backends["database"]["BACKEND"] == DATABASE_BACKEND


def test_opensearch_shards_and_replicas_default_to_one_node(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENSEARCH_URL", "http://127.0.0.1:9200")
    for name in ("OPENSEARCH_SHARDS", "OPENSEARCH_REPLICAS"):
        monkeypatch.delenv(name, raising=False)
    index = search_backends_from_env()["default"]["INDEX_SETTINGS"]["settings"]["index"]
    assert (index["number_of_shards"], index["number_of_replicas"]) == (1, 0)
    monkeypatch.setenv("OPENSEARCH_SHARDS", "2")
    monkeypatch.setenv("OPENSEARCH_REPLICAS", "1")
    index = search_backends_from_env()["default"]["INDEX_SETTINGS"]["settings"]["index"]
    assert (index["number_of_shards"], index["number_of_replicas"]) == (2, 1)
    # The Swedish analysis stays beside them.
    assert (
        "swedish_decompounder"
        in search_backends_from_env()["default"]["INDEX_SETTINGS"]["settings"]["analysis"]["filter"]
    )


@pytest.mark.parametrize(
    ("name", "value"), [("OPENSEARCH_SHARDS", "0"), ("OPENSEARCH_REPLICAS", "-1"), ("OPENSEARCH_SHARDS", "två")]
)
def test_bad_shards_or_replicas_name_the_variable(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv("OPENSEARCH_URL", "http://127.0.0.1:9200")
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        search_backends_from_env()


# --- numbers and levels ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["lots", "0", "-5", "1.5", "200MB"])
def test_bad_upload_limit_names_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CATALOGUE_MAX_UPLOAD_BYTES", value)
    with pytest.raises(ImproperlyConfigured, match="CATALOGUE_MAX_UPLOAD_BYTES"):
        positive_int("CATALOGUE_MAX_UPLOAD_BYTES", 1024)


def test_upload_limit_reads_whole_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CATALOGUE_MAX_UPLOAD_BYTES", " 50_000_000 ")
    assert positive_int("CATALOGUE_MAX_UPLOAD_BYTES", 1024) == 50_000_000
    monkeypatch.delenv("CATALOGUE_MAX_UPLOAD_BYTES")
    assert positive_int("CATALOGUE_MAX_UPLOAD_BYTES", 1024) == 1024


def test_log_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "info")
    assert log_level() == "INFO"
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    with pytest.raises(ImproperlyConfigured, match="LOG_LEVEL"):
        log_level()


# --- manage.py, as an operator sees it -------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", f"postgres://hub:{SECRET}@127.0.0.1:notaport/hub"),
        ("DATABASE_URL", f"mysql://hub:{SECRET}@127.0.0.1/hub"),
        ("HUB_BASE_URL", "ftp://hub.example.se"),
        ("OPENSEARCH_URL", "localhost:9200"),
        ("CATALOGUE_MAX_UPLOAD_BYTES", "lots"),
        ("LOG_LEVEL", "LOUD"),
    ],
)
def test_manage_py_check_reports_bad_configuration_in_one_line(variable: str, value: str) -> None:
    result = run_manage("check", **{variable: value})
    stderr = assert_one_clear_line(result, "Configuration error:", variable)
    assert SECRET not in stderr


def test_manage_py_migrate_on_unreachable_postgres_gives_one_line() -> None:
    port = closed_port()
    result = run_manage("migrate", "--noinput", DATABASE_URL=f"postgres://hub:{SECRET}@127.0.0.1:{port}/hub")
    stderr = assert_one_clear_line(result, "Database error:", "DATABASE_URL")
    assert f"127.0.0.1:{port}" in stderr
    assert SECRET not in stderr


def test_manage_py_migrate_on_unwritable_sqlite_path_gives_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "db.sqlite3"
    result = run_manage("migrate", "--noinput", DATABASE_URL=f"sqlite:///{missing}")
    stderr = assert_one_clear_line(result, "Database error:", "DATABASE_URL")
    assert str(missing) in stderr
    assert not missing.exists()


def _load_script(path: Path) -> ModuleType:
    """A script that is not in a package (manage.py, bench/run_all.py), loaded as a module."""
    spec = importlib.util.spec_from_file_location(f"hub_script_{path.stem}", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _raise_from(function_name: str) -> OperationalError:
    # A function with the given name raises, so the traceback shows where the error came from.
    def raiser() -> None:
        raise OperationalError("boom")

    raiser.__code__ = raiser.__code__.replace(co_name=function_name)
    try:
        raiser()
    except OperationalError as exc:
        return exc
    raise AssertionError("expected OperationalError")


def test_only_connection_failures_are_shortened() -> None:
    """A failing query keeps its full traceback; only a failure to connect becomes one line."""
    manage = _load_script(REPO_ROOT / "manage.py")
    assert manage.failed_to_connect(_raise_from("get_new_connection"))
    assert not manage.failed_to_connect(_raise_from("execute"))


@pytest.mark.django_db
def test_sqlite_connection_is_in_wal_mode_with_a_busy_timeout() -> None:
    """The web server and the task worker share one SQLite file: readers must not block writers."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 20_000
    assert connection.transaction_mode == "IMMEDIATE"  # type: ignore[attr-defined]  # Django 5.1+, not in django-stubs


# --- Production settings ---------------------------------------------------------------------------


def test_check_deploy_with_production_settings_reports_nothing() -> None:
    done = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="hub.settings.production",
        SECRET_KEY=get_random_secret_key(),
        ALLOWED_HOSTS="hub.example.se",
        HUB_BASE_URL="https://hub.example.se",
        HUB_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def production_setting(name: str, **env: str) -> str:
    done = run_manage(
        "shell",
        "-c",
        f"from django.conf import settings; print(repr(settings.{name}))",
        DJANGO_SETTINGS_MODULE="hub.settings.production",
        SECRET_KEY=get_random_secret_key(),
        **env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_proxy_header_csrf_origins_and_hsts_come_from_the_environment() -> None:
    assert production_setting("SECURE_PROXY_SSL_HEADER", HUB_PROXY_SSL_HEADER="X-Forwarded-Proto") == repr(
        ("HTTP_X_FORWARDED_PROTO", "https")
    )
    assert production_setting("SECURE_PROXY_SSL_HEADER") == "None"  # no proxy trusted unless named
    assert production_setting("CSRF_TRUSTED_ORIGINS", HUB_BASE_URL="https://hub.example.se/") == repr(
        ["https://hub.example.se"]
    )
    assert production_setting(
        "CSRF_TRUSTED_ORIGINS", CSRF_TRUSTED_ORIGINS="https://hub.example.se, https://inkop.example.se"
    ) == repr(["https://hub.example.se", "https://inkop.example.se"])
    assert production_setting("SECURE_HSTS_SECONDS", HUB_HSTS_SECONDS="600") == "600"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HUB_PROXY_SSL_HEADER", "X-Forwarded Proto"),
        ("CSRF_TRUSTED_ORIGINS", "hub.example.se"),
        ("CSRF_TRUSTED_ORIGINS", "https://hub.example.se/path"),
        ("HUB_HSTS_SECONDS", "a year"),
    ],
)
def test_bad_production_variables_give_one_line_naming_them(variable: str, value: str) -> None:
    done = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="hub.settings.production",
        SECRET_KEY=get_random_secret_key(),
        **{variable: value},
    )
    assert done.returncode == 2
    assert done.stderr.startswith("Configuration error:")
    assert variable in done.stderr
    assert "Traceback" not in done.stderr


# --- Benchmarks ----------------------------------------------------------------------------------


def test_make_bench_runs_every_bench_script_there_is() -> None:
    """`make bench` runs bench/run_all.py; each bench there is listed once and exists."""
    run_all = _load_script(REPO_ROOT / "bench" / "run_all.py")
    listed = [script for script, _full, _quick in run_all.BENCHES]
    on_disk = sorted(path.name for path in (REPO_ROOT / "bench").glob("*_bench.py"))
    assert sorted(listed) == on_disk
    # Every other script there (old/new comparisons) is at least checked by --quick.
    compared = [script for script, _quick in run_all.COMPARISONS]
    others = sorted(
        path.name for path in (REPO_ROOT / "bench").glob("*.py") if path.name not in {*on_disk, "run_all.py"}
    )
    assert sorted(compared) == others
    assert "bench/run_all.py" in (REPO_ROOT / "Makefile").read_text()


def test_the_models_and_their_migrations_agree() -> None:
    """A model change without its migration fails here, in both CI runs, not on an operator's migrate."""
    done = run_manage("makemigrations", "--check", "--dry-run")
    assert done.returncode == 0, done.stdout + done.stderr


def test_check_names_missing_official_rules_and_the_command_that_installs_them(tmp_path) -> None:
    done = run_manage("check", HUB_STANDARDS_DIR=str(tmp_path / "nothing-here"))
    output = done.stdout + done.stderr
    for name in ("Peppol T19", "Peppol T58", "UBL Catalogue", "UBL ApplicationResponse"):
        assert f"Regelfilen för {name} saknas" in output, output
    assert output.count("catalogue.W001") == 4
    assert "make standards" in output
    installed = run_manage("check")
    assert "catalogue.W001" not in installed.stdout + installed.stderr
