"""Starting and stopping the benchmark's child processes (the measuring process, gunicorn) so
that none outlives the run, and the Procfile's web command."""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
GUNICORN_PID_FILE = "gunicorn.pid"
# The web line of the Procfile, used should the Procfile ever lack one.
DEFAULT_WEB_LINE = (
    "gunicorn dashboard.wsgi --threads ${GUNICORN_THREADS:-4} --worker-class gthread "
    "--access-logfile - --forwarded-allow-ips '*'"
)


def terminate_with_parent() -> None:
    """In a child: receive SIGTERM when the parent dies, however it dies (Linux only)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)


def stop(
    process: subprocess.Popen, *, grace: float, group: bool = False, sig: int = signal.SIGTERM
) -> None:
    """Send ``sig``, wait up to ``grace`` seconds, then SIGKILL (the whole group if ``group``)."""
    if process.poll() is not None:
        return

    def send(sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if group:
                os.killpg(process.pid, sig)
            else:
                process.send_signal(sig)

    send(sig)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait(timeout=10)


def stop_leftover_gunicorn(workspace: Path) -> None:
    """Kill a gunicorn the measuring process could not stop, if it is still ours."""
    pid_file = workspace / GUNICORN_PID_FILE
    try:
        pid = int(pid_file.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except (OSError, ValueError):
        return
    if "gunicorn" in cmdline:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


def web_command(env: dict[str, str]) -> list[str]:
    """The Procfile's web command, its ``${VAR:-default}`` expanded from ``env`` and its leading
    variable assignments set in ``env``, run with this interpreter (``python -m gunicorn`` is
    the installed ``gunicorn`` script)."""
    line = DEFAULT_WEB_LINE
    with contextlib.suppress(OSError):
        for raw in (BASE_DIR / "Procfile").read_text().splitlines():
            if raw.startswith("web:"):
                line = raw[len("web:") :].strip()
                break

    def expand(match: re.Match) -> str:
        return env.get(match.group(1)) or (match.group(2) or "")

    argv = shlex.split(re.sub(r"\$\{(\w+)(?::-([^}]*))?\}", expand, line))
    # Leading NAME=value words set the command's environment, as the shell running a Procfile
    # line does (MALLOC_ARENA_MAX, say): they go into ``env``.
    while argv and re.match(r"[A-Za-z_]\w*=", argv[0]):
        name, _, value = argv.pop(0).partition("=")
        env[name] = value
    if argv and argv[0] == "gunicorn":
        argv = [sys.executable, "-m", "gunicorn", *argv[1:]]
    return argv


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
