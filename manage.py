#!/usr/bin/env python
"""Django's command-line utility for Support Dashboard."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
    # Commands run from a checkout (demo, runserver, tests) are development unless the host says
    # otherwise; the web process starts through wsgi.py, where DEBUG defaults to off.
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
