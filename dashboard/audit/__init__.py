"""The audit trail: who wrote what through the dashboard, when, on which site, and how it went.

One middleware records every write (``middleware.py``), named by the registry of write routes
(``actions.py``); team leads read and filter it at ``/audit/``; rows older than
``AUDIT_RETENTION_DAYS`` are pruned (``retention.py``). Rows hold short, safe details only:
never a message's text, a password, a token or anything else a form carried.
"""
