"""The performance benchmark behind ``manage.py benchmark``.

``harness`` builds a self-contained run (workspace, simulated sites, gunicorn as in the
Procfile, logged-in clients), ``measurements`` and ``soak`` take the figures with a real HTTP
client, ``report`` prints them against their targets.
"""
