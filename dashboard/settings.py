"""Settings for Support Dashboard.

One flat module: every deploy knob is an environment variable, with embedded defaults that let a
newcomer run everything on a laptop (SQLite, files instead of Redis, generated keys). With
``DEBUG`` off the defaults turn strict: ``SECRET_KEY`` and ``CREDENTIALS_KEYS`` must be given,
cookies are secure and HTTPS is enforced behind the host's proxy.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
import django
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from dashboard.datadir import make_private
from dashboard.envconfig import _local_secret, env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG", False)

# The local data folder holds the SQLite database, the upstream cache and development keys.
DATA_DIR = make_private(Path(env_str("DATA_DIR") or BASE_DIR / "var"))

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (50+ characters), or set DEBUG=true for local development."
        )
    SECRET_KEY = _local_secret(DATA_DIR / "secret_key.txt", lambda: secrets.token_urlsafe(64))

# Keys that encrypt stored Application Passwords, newest first. Kept apart from SECRET_KEY so that
# rotating the session secret never makes stored credentials unreadable.
CREDENTIALS_KEYS = env_list("CREDENTIALS_KEYS")
if not CREDENTIALS_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            'CREDENTIALS_KEYS is not set. Generate one with: python -c "from '
            'cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" and '
            "set CREDENTIALS_KEYS to it (comma-separated, newest first, when rotating)."
        )
    CREDENTIALS_KEYS = [
        _local_secret(DATA_DIR / "credentials_key.txt", lambda: Fernet.generate_key().decode())
    ]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Django 5.2 LTS and Django 6 agree on everything here but two things Django 6 took into core:
# template partials (from django-template-partials) and the Content-Security-Policy header (in
# the shape of SECURE_CSP below). On 5.2 the package and dashboard/csp.py stand in for them; the
# templates and the policy are the same on both. Drop this branch when 5.2 support ends.
if django.VERSION >= (6, 0):
    PARTIALS_APPS: list[str] = []
    PARTIALS_TAGS: list[str] = []
    CSP_MIDDLEWARE = "django.middleware.csp.ContentSecurityPolicyMiddleware"
    CSP_CONTEXT_PROCESSOR = "django.template.context_processors.csp"
    TEMPLATE_LOADERS = [
        (
            "django.template.loaders.cached.Loader",
            [
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        )
    ]
else:
    PARTIALS_APPS = ["template_partials.apps.SimpleAppConfig"]
    PARTIALS_TAGS = ["template_partials.templatetags.partials"]
    CSP_MIDDLEWARE = "dashboard.csp.ContentSecurityPolicyMiddleware"
    CSP_CONTEXT_PROCESSOR = "dashboard.csp.nonce"
    # Its loader lets a view render one piece of a page ("page.html#rows"), as Django 6 does.
    TEMPLATE_LOADERS = [
        (
            "template_partials.loader.Loader",
            [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
        )
    ]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    *PARTIALS_APPS,
    "dashboard",
    "dashboard.accounts",
    "dashboard.sites",
    "dashboard.tickets",
    "dashboard.customers",
    "dashboard.queues",
    "dashboard.reports",
    "dashboard.workflow",
    "dashboard.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dashboard.compression.TextGZipMiddleware",
    CSP_MIDDLEWARE,
    "dashboard.middleware.SecurityHeadersMiddleware",
    "dashboard.middleware.UpstreamTimingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dashboard.accounts.middleware.SessionSecurityMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "dashboard.audit.middleware.AuditMiddleware",  # after auth, inside the upstream trace
    "django.contrib.messages.middleware.MessageMiddleware",
    "dashboard.accounts.middleware.TemporaryPasswordMiddleware",
    "dashboard.middleware.UserTimezoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dashboard.middleware.NotConnectedMiddleware",
]

ROOT_URLCONF = "dashboard.urls"
WSGI_APPLICATION = "dashboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # A view may render one piece of a page: "page.html#rows".
            "loaders": TEMPLATE_LOADERS,
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dashboard.context_processors.navigation",
                "dashboard.context_processors.upstream_notices",
                "dashboard.context_processors.debug_timing",
                CSP_CONTEXT_PROCESSOR,
            ],
            # Partials are available in every template without {% load %}, as on Django 6.
            "builtins": [
                *PARTIALS_TAGS,
                "dashboard.templatetags.ui",
                "dashboard.templatetags.urls",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'dashboard.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql") and env_bool("DATABASE_SSL_REQUIRE"):
    DATABASES["default"].setdefault("OPTIONS", {})["sslmode"] = "require"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite serves one writer at a time; a busy timeout and immediate transactions keep
    # threaded gunicorn workers from failing with "database is locked". Connections persist
    # (CONN_MAX_AGE) like PostgreSQL's: opening one per request cost a quarter of a warm page.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "dashboard"),
        }
    }
else:
    CACHES = {
        "default": {
            # Django's file cache, culled by expiry and now and then (dashboard/filecache.py).
            "BACKEND": "dashboard.filecache.FileCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20_000)},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Failed logins allowed per username and per client address in 15 minutes.
LOGIN_FAILURES_PER_USER = env_int("LOGIN_FAILURES_PER_USER", 5)
LOGIN_FAILURES_PER_IP = env_int("LOGIN_FAILURES_PER_IP", 20)
# Proxies in front of the app that append the client's address to X-Forwarded-For (the Heroku
# router is one). The login throttle reads that many entries from the right; 0 uses the peer.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Security. Production sits behind the host's TLS-terminating proxy, which says so in
# X-Forwarded-Proto; without SECURE_PROXY_SSL_HEADER the SSL redirect would loop.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)
# Seconds without a request from the person (timed refreshes do not count) before a login ends;
# each request slides it. 0 turns it off, leaving only SESSION_COOKIE_AGE.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 60 * 30)
CSRF_COOKIE_HTTPONLY = True  # htmx reads the token from the page, never from the cookie.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Cross-Origin-Opener-Policy: same-origin is Django's default (SECURE_CROSS_ORIGIN_OPENER_POLICY).
# Content-Security-Policy: no inline scripts and no eval; htmx is configured (see base.html's
# htmx-config meta) to need neither. Avatars come from Gravatar and similar hosts, hence https:
# images. The values are the quoted keywords of Django 6's django.utils.csp.CSP, written out
# because 5.2 has no such module; a page that needs a nonce adds "<CSP_NONCE_SENTINEL>"
# (CSP.NONCE) to a directive and uses {{ csp_nonce }}.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # Images come from the dashboard itself (attachment previews, initials), plus Gravatar
    # when AVATARS=gravatar (added below): no other host learns who reads a ticket.
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# The upstream WordPress sites.
UPSTREAM_ALLOW_PRIVATE = env_bool("UPSTREAM_ALLOW_PRIVATE", DEBUG)
UPSTREAM_CONNECT_TIMEOUT = env_float("UPSTREAM_CONNECT_TIMEOUT", 3.0)
UPSTREAM_READ_TIMEOUT = env_float("UPSTREAM_READ_TIMEOUT", 10.0)
# Upstream calls one worker process runs at once (threads waiting on the network): enough for
# an agency's thirty sites' inbox pages in one round rather than two.
UPSTREAM_MAX_WORKERS = env_int("UPSTREAM_MAX_WORKERS", 48)
# Seconds a page waits for its sites in all; past it a page shows the last good copies of what
# has not arrived and names the late sites (dashboard/fluent/trace.py).
UPSTREAM_PAGE_DEADLINE = env_float("UPSTREAM_PAGE_DEADLINE", 4.0)
UPSTREAM_CACHE_PATH = DATA_DIR / "upstream-cache.sqlite"
# Seconds each kind of upstream data stays fresh; see dashboard/fluent/client.py for the kinds.
UPSTREAM_CACHE_TTL = {
    "ticket_list": env_int("CACHE_TTL_TICKET_LIST", 30),
    "ticket": env_int("CACHE_TTL_TICKET", 15),
    "reference": env_int("CACHE_TTL_REFERENCE", 600),
    "customer": env_int("CACHE_TTL_CUSTOMER", 60),
    "contact": env_int("CACHE_TTL_CONTACT", 300),
    "report": env_int("CACHE_TTL_REPORT", 60),
    "identity": env_int("CACHE_TTL_IDENTITY", 300),
    "live": 0,
}
# How long an expired answer may still be shown (marked stale) when the site is unreachable.
UPSTREAM_STALE_MAX_AGE = env_int("UPSTREAM_STALE_MAX_AGE", 60 * 60 * 24 * 7)

# Avatars: "initials" (no picture is fetched from anywhere, so no customer's email hash leaves
# the dashboard) or "gravatar" (Gravatar pictures the sites give, by the browser from Gravatar).
AVATARS = env_str("AVATARS", "initials").lower()
if AVATARS not in ("initials", "gravatar"):
    raise ImproperlyConfigured(f"AVATARS must be initials or gravatar, not {AVATARS!r}.")
if AVATARS == "gravatar":
    SECURE_CSP["img-src"].append("https://www.gravatar.com")

# Waiting-time thresholds (hours) for highlighting and the team-lead buckets.
WAITING_THRESHOLDS_HOURS = [
    int(h) for h in env_list("WAITING_THRESHOLDS_HOURS", "4,24,72") if h.isdigit()
]

# Days the audit trail keeps its rows (0: for ever); checked by dashboard/audit/apps.py.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secrets": {"()": "dashboard.logging.RedactSecretsFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["stdout"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {
            "handlers": ["stdout"],
            "level": env_str("LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        # requests-cache logs a full traceback at WARNING each time it serves a stale answer for
        # a down site; the dashboard reports that itself, so only its errors are worth a line.
        "requests_cache": {"level": "ERROR"},
        "urllib3": {"level": "WARNING"},
        # At DEBUG this logger writes whole template contexts (CSRF tokens, customers' emails)
        # for every missing variable; nothing in it is worth that, whatever LOG_LEVEL says.
        "django.template": {"level": "INFO"},
    },
}
# Error pages and reports hide posted and local secrets even with DEBUG on.
DEFAULT_EXCEPTION_REPORTER_FILTER = "dashboard.logging.SecretsExceptionReporterFilter"
CSRF_FAILURE_VIEW = "dashboard.views.csrf_failure"
