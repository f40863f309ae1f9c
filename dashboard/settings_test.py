"""Settings for the test suite: the production module with a few test-only overrides."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("CREDENTIALS_KEYS", "n8ZC1Xl4Yk2mY4iQpC1l0aY8xTqzZ3h0C2Vb2v2m5oA=")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("UPSTREAM_ALLOW_PRIVATE", "true")
# Each test run gets its own data folder so upstream cache files never leak between runs.
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="dashboard-test-"))

from dashboard.settings import *  # noqa: F403

# The manifest storage needs collectstatic; tests serve plain files.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come straight from the source folders, as with runserver.
STATIC_ROOT = Path(os.environ["DATA_DIR"]) / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The test client and the browser speak plain HTTP to the live server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Short timeouts keep fault tests quick; they still exercise the same code paths.
UPSTREAM_CONNECT_TIMEOUT = 1.0
UPSTREAM_READ_TIMEOUT = 2.0
