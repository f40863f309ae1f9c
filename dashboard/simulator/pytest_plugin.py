"""pytest fixtures that serve three simulated WordPress sites for the whole test session.

`sim_sites` starts the servers once; `sim` resets every site (data, faults, latency, request
log) before handing them to a test, so tests never see each other's writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from .app import SimulatedSite
from .server import SimulatorServer


@dataclass
class SimSite:
    """One running site: its in-memory state and the server in front of it."""

    site: SimulatedSite
    server: SimulatorServer

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def rest_url(self) -> str:
        return self.server.base_url + "/wp-json/"


@dataclass
class SimSites:
    """The three standard sites: two with FluentCRM, one without."""

    acme: SimSite
    academy: SimSite
    beta: SimSite

    def all(self) -> list[SimSite]:
        return [self.acme, self.academy, self.beta]

    def reset(self) -> None:
        for entry in self.all():
            entry.site.reset()


def start_sites() -> SimSites:
    specs = {
        "acme": SimulatedSite(seed=1, name="Acme Store", crm=True, tickets=150),
        "academy": SimulatedSite(
            seed=2, name="Acme Academy", crm=True, tickets=60, customers=35, contacts=50
        ),
        "beta": SimulatedSite(seed=3, name="Beta Labs", crm=False, tickets=25, customers=15),
    }
    running = {}
    for key, site in specs.items():
        server = SimulatorServer(site).start()
        running[key] = SimSite(site=site, server=server)
    return SimSites(**running)


@pytest.fixture(scope="session")
def sim_sites() -> Iterator[SimSites]:
    sites = start_sites()
    try:
        yield sites
    finally:
        for entry in sites.all():
            entry.server.stop()


@pytest.fixture
def sim(sim_sites: SimSites) -> SimSites:
    sim_sites.reset()
    return sim_sites


@pytest.fixture(scope="session")
def hostile_site() -> Iterator[SimSite]:
    """A site whose data is full of XSS vectors (titles, bodies, names, tags, CRM fields)."""
    site = SimulatedSite(seed=7, name="Hostile Labs", crm=True, tickets=40, hostile=True)
    server = SimulatorServer(site).start()
    try:
        yield SimSite(site=site, server=server)
    finally:
        server.stop()


@pytest.fixture
def hostile(hostile_site: SimSite) -> SimSite:
    hostile_site.site.reset()
    return hostile_site
