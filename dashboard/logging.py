"""Logging helpers: make sure no credential ever reaches a log line."""

from __future__ import annotations

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

# HTTP Basic credentials and WordPress Application Passwords (six groups of four, with or
# without spaces) are masked wherever they appear in a message or its arguments.
_PATTERNS = [
    re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(basic|bearer)\s+[A-Za-z0-9+/=._-]+"),
    re.compile(r"\b[A-Za-z0-9]{4}(?: [A-Za-z0-9]{4}){5}\b"),
    re.compile(r"(?i)(app_password|password|passwd)(['\"]?\s*[:=]\s*['\"]?)[^\s'\",}]+"),
]


def redact(text: str) -> str:
    text = _PATTERNS[0].sub(r"\1\2 [redacted]", text)
    text = _PATTERNS[1].sub("[redacted]", text)
    return _PATTERNS[2].sub(r"\1\2[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # A broken format string must not lose the record.
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks are formatted later; pre-format and redact them here.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class SecretsExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hide secrets on Django's error page and in error reports, with DEBUG on as well.

    Django's own filter steps aside when DEBUG is on, so a developer's error page showed the
    Application Password that was being posted or probed. This one always applies
    ``sensitive_post_parameters``/``sensitive_variables``, and also hides any frame variable
    whose name says it holds a secret (``auth`` is how requests passes Basic credentials).
    """

    hidden_variables = re.compile(r"(?i)pass|secret|token|key|auth|credential|signature")

    def is_active(self, request) -> bool:
        return True

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, self.cleansed_substitute if self.hidden_variables.search(name) else value)
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]
