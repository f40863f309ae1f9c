"""The launcher: ``manage.py benchmark`` makes a workspace and a production-like environment
and runs the measuring process (``python -m dashboard.benchmark``) in it; see harness.py."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from dashboard.benchmark.options import Options
from dashboard.benchmark.processes import (
    BASE_DIR,
    stop,
    stop_leftover_gunicorn,
    terminate_with_parent,
)

# Environment variables that would make the measured server differ from the one described by
# the options; they are removed, then set explicitly where needed.
_INHERITED_BLOCKLIST = (
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "CREDENTIALS_KEYS",
    "ALLOWED_HOSTS",
    "DATA_DIR",
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "PORT",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_CMD_ARGS",
    "SECURE_SSL_REDIRECT",
    "UPSTREAM_ALLOW_PRIVATE",
)


def launch(options: Options, err: TextIO = sys.stderr) -> int:
    """Run the benchmark in a fresh workspace; the exit code is the measuring process's."""
    workspace = Path(tempfile.mkdtemp(prefix="dashboard-benchmark-"))
    env = measuring_environment(options, workspace)
    process: subprocess.Popen | None = None
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "dashboard.benchmark"],
            cwd=BASE_DIR,
            env=env,
            # Safe here: the launcher has no threads.
            preexec_fn=terminate_with_parent,
        )
        return process.wait()
    except KeyboardInterrupt:
        # Ctrl-C reaches the whole foreground group: the measuring process is already
        # cleaning up; give it time to stop gunicorn and the sites.
        err.write("benchmark: interrupted, cleaning up\n")
        if process is not None:
            stop(process, grace=30)
        return 130
    finally:
        if process is not None and process.poll() is None:
            stop(process, grace=30)
        stop_leftover_gunicorn(workspace)
        shutil.rmtree(workspace, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)


def measuring_environment(options: Options, workspace: Path) -> dict[str, str]:
    """Production settings, pointed at the workspace, for both the measuring process and
    gunicorn: they must agree on the database, the caches and the credentials key."""
    env = {k: v for k, v in os.environ.items() if k not in _INHERITED_BLOCKLIST}
    data_dir = workspace / "data"
    data_dir.mkdir()
    from cryptography.fernet import Fernet

    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "dashboard.benchmark.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "CREDENTIALS_KEYS": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "UPSTREAM_ALLOW_PRIVATE": "true",
            "DATA_DIR": str(data_dir),
            "DATABASE_URL": f"sqlite:///{data_dir / 'dashboard.sqlite3'}",
            "BENCHMARK_STATIC_ROOT": str(workspace / "static"),
            "BENCHMARK_WORKSPACE": str(workspace),
            "BENCHMARK_OPTIONS": options.to_json(),
            "GUNICORN_THREADS": str(options.threads),
            "PYTHONUNBUFFERED": "1",
        }
    )
    if options.redis_url:
        env["REDIS_URL"] = options.redis_url
        # A prefix of its own keeps this run's keys apart from anything else in that Redis.
        env["CACHE_KEY_PREFIX"] = f"benchmark-{secrets.token_hex(4)}"
    return env


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
