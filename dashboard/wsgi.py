"""WSGI entry point used by gunicorn (see Procfile)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")

application = get_wsgi_application()

# What is loaded by now lives as long as the worker: leave it out of the collector's full passes,
# which otherwise walk all of it, tens of milliseconds now and then in the middle of a page.
gc.freeze()
