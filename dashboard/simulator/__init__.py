"""A faithful simulated WordPress site running Fluent Support and FluentCRM.

Plain Python (no Django): `SimulatedSite` is a WSGI app holding seeded data, and
`SimulatorServer` serves it on a free local port for the demo, the tests and the benchmark.
"""

from __future__ import annotations

from .app import FAULT_KINDS, LoggedRequest, SimulatedSite
from .data import ADMIN_APP_PASSWORD, ADMIN_USERNAME, User
from .server import SimulatorServer

__all__ = [
    "ADMIN_APP_PASSWORD",
    "ADMIN_USERNAME",
    "FAULT_KINDS",
    "LoggedRequest",
    "SimulatedSite",
    "SimulatorServer",
    "User",
]
