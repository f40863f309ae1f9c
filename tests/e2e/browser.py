"""Browser journeys: pytest-playwright driving Debian's Chromium.

The browser is found at ``CHROMIUM_PATH``, else ``/usr/bin/chromium``, else Playwright's own
download. When none exists the journeys are skipped with a reason saying how to install one,
unless ``E2E_REQUIRED=1`` (CI), where a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from django.test.client import AsyncClientHandler, ClientHandler

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from
# such a thread unless told that this is deliberate (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

INSTALL_HINT = (
    "no Chromium found: install Debian's (apt-get install -y chromium), set CHROMIUM_PATH, "
    "or run `playwright install chromium`"
)


def chromium_executable() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _playwright_has_own_browser() -> bool:
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH", Path.home() / ".cache/ms-playwright"))
    return cache.exists() and any(cache.glob("chromium*"))


def browser_available() -> bool:
    return bool(
        chromium_executable() or _playwright_has_own_browser() or shutil.which("chromium-browser")
    )


def pytest_collection_modifyitems(config, items):
    # Without a browser the journeys are marked skipped, with the reason saying how to get one;
    # with E2E_REQUIRED=1 (CI) they run and fail, because a missing browser is a broken setup.
    if browser_available() or os.environ.get("E2E_REQUIRED") == "1":
        return
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.skipif(True, reason=INSTALL_HINT))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = chromium_executable()
    if executable:
        return {**browser_type_launch_args, "executable_path": executable}
    if browser_available():
        return browser_type_launch_args
    pytest.fail(INSTALL_HINT)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}, "locale": "en-GB"}


@pytest.fixture
def logged_in_page(page, live_server, user, password):
    """A Chromium page logged in as ``user`` through the real login form."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


class _InFlight:
    """Requests the live server is still answering: a journey that ends on a click leaves its
    last request (the next ticket, a presence poll) running, and the database must not be
    flushed under it (SQLite answers "table is locked", PostgreSQL waits)."""

    def __init__(self) -> None:
        self.count = 0
        self.idle = threading.Condition()

    @staticmethod
    def _served(sender) -> bool:
        # The test client's requests are not the server's: a streamed answer a test never reads
        # never finishes, and must not hold every later journey up.
        return isinstance(sender, type) and not issubclass(
            sender, (ClientHandler, AsyncClientHandler)
        )

    def started(self, sender, **kwargs) -> None:
        if not self._served(sender):
            return
        with self.idle:
            self.count += 1

    def finished(self, sender, **kwargs) -> None:
        if not self._served(sender):
            return
        with self.idle:
            self.count = max(0, self.count - 1)
            self.idle.notify_all()

    def wait(self, timeout: float) -> bool:
        with self.idle:
            return self.idle.wait_for(lambda: self.count == 0, timeout=timeout)


IN_FLIGHT = _InFlight()
request_started.connect(IN_FLIGHT.started, dispatch_uid="e2e-in-flight-started")
# Connected after Django's own receiver, which closes the request's database connection.
request_finished.connect(IN_FLIGHT.finished, dispatch_uid="e2e-in-flight-finished")


@pytest.fixture(autouse=True)
def _live_server_settles(request):
    """Set up before the browser page (autouse), so torn down after it is closed and before the
    test database is flushed: waits for the server's last requests to finish."""
    yield
    if "live_server" in request.fixturenames:
        IN_FLIGHT.wait(timeout=5)
