"""``manage.py demo``: a busy port stops a second demo before it touches anything, and two demos
on different ports keep their data apart."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def demo_env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DASHBOARD_"))}
    for name in ("SECRET_KEY", "CREDENTIALS_KEYS", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"):
        env.pop(name, None)
    return {**env, "DEBUG": "true", "DATA_DIR": str(data), "PYTHONUNBUFFERED": "1"}


def demo_command(port: int) -> list[str]:
    manage = str(settings.BASE_DIR / "manage.py")
    return [sys.executable, manage, "demo", "--port", str(port), "--latency-ms", "0"]


class RunningDemo:
    def __init__(self, data: Path, port: int) -> None:
        self.port = port
        self.process = subprocess.Popen(
            demo_command(port),
            env=demo_env(data),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output: list[str] = []
        # The demo prints its sites, then the dashboard's address, then starts serving.
        for line in self.process.stdout:
            self.output.append(line)
            if "Support Dashboard:" in line:
                break
        self._wait_until_serving()

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise AssertionError("demo exited:\n" + "".join(self.output)) from None
                time.sleep(0.1)
        raise AssertionError("demo did not start serving:\n" + "".join(self.output))

    def site_addresses(self, data: Path) -> list[str]:
        own = data / f"demo-{self.port}" / "dashboard.sqlite3"
        # A demo without a folder of its own would use the shared database.
        database = own if own.exists() else data / "dashboard.sqlite3"
        with sqlite3.connect(database) as db:
            return sorted(row[0] for row in db.execute("select base_url from sites_teamsite"))

    def inbox_works(self) -> bool:
        session = requests.Session()
        base = f"http://127.0.0.1:{self.port}"
        form = session.get(f"{base}/login/", timeout=10)
        token = form.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        session.post(
            f"{base}/login/",
            data={"username": "demo", "password": "demo", "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/login/"},
            timeout=10,
        )
        inbox = session.get(f"{base}/", timeout=30)
        return inbox.status_code == 200 and "Acme Store" in inbox.text and "#" in inbox.text

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("demo-data")


@pytest.fixture(scope="module")
def running_demo(demo_data):
    # One demo for the module: starting one takes seconds (migrations, seeding, two sites).
    demo = RunningDemo(demo_data, free_port())
    yield demo
    demo.stop()


def test_a_second_demo_on_a_busy_port_fails_clearly_and_changes_nothing(demo_data, running_demo):
    before = running_demo.site_addresses(demo_data)
    assert len(before) == 2
    second = subprocess.run(
        demo_command(running_demo.port),
        env=demo_env(demo_data),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert running_demo.site_addresses(demo_data) == before
    assert second.returncode != 0
    assert f"Port {running_demo.port} is already in use" in second.stderr
    assert "Simulated site" not in second.stdout
    assert running_demo.inbox_works()


def test_a_busy_port_is_refused_before_any_data_is_made(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            demo_command(port), env=demo_env(tmp_path), capture_output=True, text=True, timeout=60
        )
    assert result.returncode != 0
    assert f"Port {port} is already in use" in result.stderr
    assert not list(tmp_path.rglob("*.sqlite3"))


def test_two_demos_on_different_ports_keep_their_data_apart(demo_data, running_demo):
    first = running_demo.site_addresses(demo_data)
    other = RunningDemo(demo_data, free_port())
    try:
        second = other.site_addresses(demo_data)
        assert len(second) == 2 and not set(first) & set(second)
        assert running_demo.site_addresses(demo_data) == first
        assert running_demo.inbox_works() and other.inbox_works()
    finally:
        other.stop()
