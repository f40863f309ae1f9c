"""Settings behave as documented: strict in production, friendly on a laptop."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "CREDENTIALS_KEYS": "n8ZC1Xl4Yk2mY4iQpC1l0aY8xTqzZ3h0C2Vb2v2m5oA=",
    "ALLOWED_HOSTS": "support.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://support.example.com",
}


def manage(*args: str, env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    # The laptop defaults: a CI pass on PostgreSQL + Redis must not leak into these processes.
    laptop = {"DATABASE_URL", "REDIS_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k not in laptop}
    for name in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        clean.pop(name, None)
    clean["DATA_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_in_production_names_the_variable(tmp_path):
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_missing_credentials_keys_in_production_names_the_variable(tmp_path):
    env = {**PRODUCTION_ENV, "CREDENTIALS_KEYS": ""}
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "CREDENTIALS_KEYS is not set" in result.stderr


def test_laptop_defaults_need_no_configuration(tmp_path):
    result = manage("check", env={"DEBUG": "true"}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key.txt").exists()
    assert (tmp_path / "credentials_key.txt").exists()


def test_production_settings_enforce_https_behind_the_proxy():
    # The test settings are the production module (DEBUG off) with the SSL redirect disabled
    # for the plain-HTTP test client.
    assert settings.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert settings.SESSION_COOKIE_SECURE is False  # overridden for tests only
    assert settings.SECURE_HSTS_SECONDS >= 31536000


def test_the_web_process_does_not_trust_forwarded_headers_from_anyone():
    # With --forwarded-allow-ips '*' gunicorn lets any client set the scheme and forwarder
    # headers; Django reads X-Forwarded-Proto and X-Forwarded-For itself, counting proxies.
    procfile = (settings.BASE_DIR / "Procfile").read_text()
    assert "--forwarded-allow-ips" not in procfile


def test_the_web_process_caps_the_allocators_arenas_and_the_benchmark_runs_it_so():
    # glibc gives each thread that allocates an arena of its own (up to 8 per core); the upstream
    # pool's threads then leave the workers holding memory freed long ago. Two arenas keep the
    # worker's memory near what it uses (the benchmark's RSS figure) at no measured cost.
    from dashboard.benchmark.processes import web_command

    env: dict[str, str] = {}
    argv = web_command(env)
    assert env == {"MALLOC_ARENA_MAX": "2"}
    assert argv[1:4] == ["-m", "gunicorn", "dashboard.wsgi"]
    assert web_command({"MALLOC_ARENA_MAX": "4"}) == argv


def test_heroku_trusts_exactly_its_router():
    import json

    app = json.loads((settings.BASE_DIR / "app.json").read_text())
    assert app["env"]["TRUSTED_PROXY_COUNT"]["value"] == "1"


@contextlib.contextmanager
def usual_umask():
    """Start commands as a shell would (umask 022), not with this process's: the dashboard's
    settings, loaded here, set 077."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_everything_in_the_data_folder_is_private(tmp_path):
    data = tmp_path / "data"
    env = {"DEBUG": "true", "DATA_DIR": str(data)}
    with usual_umask():
        assert manage("migrate", "--noinput", env=env, tmp_path=tmp_path).returncode == 0
    # The file cache (login throttle) and one upstream cache, as the dashboard makes them.
    script = (
        "from django.core.cache import cache; cache.set('probe', 1); "
        "from dashboard.fluent.cache import backend as upstream_backend; "
        "backend = upstream_backend('site-1'); backend.responses['probe'] = b'x'"
    )
    with usual_umask():
        result = manage("shell", "-c", script, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    found = {
        path.relative_to(data).as_posix(): path.stat().st_mode & 0o777 for path in data.rglob("*")
    }
    assert "dashboard.sqlite3" in found and "secret_key.txt" in found
    assert any(name.startswith("upstream-cache/") for name in found)
    assert any(name.startswith("cache/") for name in found)
    assert data.stat().st_mode & 0o777 == 0o700
    for name, mode in found.items():
        expected = 0o700 if (data / name).is_dir() else 0o600
        assert mode == expected, f"{name} is {oct(mode)}"


def test_a_data_folder_left_open_by_an_older_version_is_closed(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    manage("check", env={"DEBUG": "true", "DATA_DIR": str(data)}, tmp_path=tmp_path)
    assert data.stat().st_mode & 0o777 == 0o700


def test_collected_static_files_stay_readable_by_the_server(tmp_path):
    static = tmp_path / "static"
    env = {"DEBUG": "true", "DATA_DIR": str(tmp_path / "data"), "STATIC_ROOT": str(static)}
    with usual_umask():
        result = manage("collectstatic", "--noinput", env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    paths = [static, *static.rglob("*")]
    assert len(paths) > 3
    for path in paths:
        mode = path.stat().st_mode & 0o777
        assert mode & 0o044 == 0o044, f"{path} is {oct(mode)}"
