"""The production settings, with collected static files kept inside the benchmark's workspace.

Everything else comes from the environment exactly as in production (``DEBUG`` off, the manifest
static storage, secure cookies); only ``STATIC_ROOT``, which the production module fixes to the
checkout's ``staticfiles/``, is moved so that a benchmark run never writes into the checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

from dashboard.settings import *  # noqa: F403

if os.environ.get("BENCHMARK_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCHMARK_STATIC_ROOT"])
