"""The measuring process: ``python -m dashboard.benchmark``, started by ``manage.py benchmark``
with the workspace's environment (see ``launcher.launch``); not meant to be run by hand."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
import traceback
from pathlib import Path

# None of these imports Django at import time (they do inside their functions), so they may come
# before django.setup() below.
from dashboard.benchmark.harness import Harness
from dashboard.benchmark.options import Options
from dashboard.benchmark.run import run


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM (from the launcher, or because it died) unwinds like Ctrl-C, so every
    # ``finally`` runs and gunicorn and the sites are stopped.
    raise KeyboardInterrupt


def main() -> int:
    if "BENCHMARK_WORKSPACE" not in os.environ:
        sys.stderr.write("Run the benchmark with: python manage.py benchmark\n")
        return 2
    signal.signal(signal.SIGTERM, _terminate)
    launcher = os.getppid()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.benchmark.settings")
    import django

    django.setup()

    options = Options.from_json(os.environ["BENCHMARK_OPTIONS"])
    workspace = Path(os.environ["BENCHMARK_WORKSPACE"])
    started = time.perf_counter()
    harness = Harness(options, workspace)
    try:
        with harness:
            harness.setup()
            run(harness, started=started)
    except KeyboardInterrupt:
        sys.stderr.write("benchmark: interrupted\n")
        return 130
    except Exception:
        sys.stderr.write("benchmark: the harness failed\n")
        traceback.print_exc()
        tail = harness.gunicorn_log_tail()
        if tail:
            sys.stderr.write(f"gunicorn's last lines:\n{tail}\n")
        return 1
    finally:
        # The launcher removes the workspace; if it died, nobody else will.
        if os.getppid() != launcher:
            shutil.rmtree(workspace, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
