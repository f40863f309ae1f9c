"""A faithful simulated WordPress site running Fluent Support and FluentCRM.

Plain Python (no Django): `SimulatedSite` is a WSGI app holding seeded data, and
`SimulatorServer` serves it on a free local port for the demo, the tests and the benchmark.
"""

from __future__ import annotations

from .app import SimulatedSite
from .data import ADMIN_APP_PASSWORD, ADMIN_USERNAME
from .server import SimulatorServer
from .state import FAULT_KINDS, LoggedRequest
from .store import User

__all__ = [
    "ADMIN_APP_PASSWORD",
    "ADMIN_USERNAME",
    "FAULT_KINDS",
    "LoggedRequest",
    "SimulatedSite",
    "SimulatorServer",
    "User",
]
