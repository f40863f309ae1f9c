"""Fluent Support reference data: the dropdowns' agents, mailboxes, products and tags, and /me."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache

from dashboard.fluent import errors
from dashboard.fluent.client import SUPPORT, FluentClient
from dashboard.fluent.models import Agent, Essentials, Me
from dashboard.fluent.tickets import TicketQuery, ticket_list


def essentials_get(client: FluentClient, *, refresh: bool = False) -> Essentials:
    # Reference: GET /tickets/ticket-essentials (capture fs_ticket_essentials): agents, products,
    # mailboxes and ticket tags for agents without the admin-only /agents, /mailboxes, /products.
    answer = client.get(f"{SUPPORT}/tickets/ticket-essentials", kind="reference", refresh=refresh)
    essentials = client.parse(Essentials, answer.data)
    _know_agents(client, essentials.agents, refresh=refresh)
    return essentials


# At most this many agents without a name get one ticket read each to learn their email.
NAMELESS_LOOKUPS = 3
# A site's agents are remembered a week per credential (pages that read no reference data name
# people from them); their emails are looked up again once a day, or five minutes after a
# lookup that met a failure, so a passing fault is not remembered for long.
AGENT_MEMO_SECONDS = 7 * 24 * 3600
EMAIL_LOOKUP_SECONDS = 24 * 3600
RETRY_AFTER_FAILURE_SECONDS = 300
MEMO_FIELDS = {"id", "first_name", "last_name", "full_name", "email"}


@dataclass
class KnownAgents:
    """A site's agents as last read (with the emails learned for them), and the email of the
    WordPress user the credential belongs to: what the people across sites are built from on
    pages that read no reference data."""

    agents: list[Agent]
    me_email: str = ""


def _memo_key(credential_key: str) -> str:
    return f"fluent:agents:{credential_key}"


def remembered_agents(credential_keys: list[str]) -> dict[str, KnownAgents]:
    """What ``essentials_get`` last learned for each credential (within a day), from Django's
    cache in one read: no call to any site. A credential missing from the answer was not read."""
    found = cache.get_many([_memo_key(key) for key in credential_keys])
    known = {}
    for key in credential_keys:
        memo = found.get(_memo_key(key))
        if isinstance(memo, dict) and isinstance(memo.get("agents"), list):
            agents = [Agent.model_validate(row) for row in memo["agents"]]
            known[key] = KnownAgents(agents=agents, me_email=str(memo.get("me") or ""))
    return known


def _know_agents(client: FluentClient, agents: list[Agent], *, refresh: bool = False) -> None:
    """Give every agent the email the site shows elsewhere, and remember the site's agents.

    ticket-essentials lists agents without email (and with `""` names for an agent whose
    WordPress user has none), while /me, the admin-only /agents and ticket rows carry it
    (seq_agents_*). The email names a nameless agent (else the same agent would be "#1" in
    dropdowns and an email on rows) and tells which agents of different sites are one person.
    An email outlives the reference data's few minutes: what was learned is kept per
    credential, so a cold essentials read pays the extra reads (/me, then /agents where this
    user may read it, then a ticket per nameless agent still unknown) once a day, or when the
    site's list of agents changes; a failure leaves the fallback name.
    """
    key = _memo_key(client.credential.key)
    memo = None if refresh else cache.get(key)
    if not isinstance(memo, dict) or not isinstance(memo.get("agents"), list):
        memo = None
    known = {
        row["id"]: str(row.get("email") or "")
        for row in (memo or {}).get("agents", [])
        if isinstance(row, dict) and "id" in row
    }
    me_email = str((memo or {}).get("me") or "")
    checked = float((memo or {}).get("checked") or 0)
    if (
        memo is None
        or any(agent.id not in known for agent in agents)
        or time.time() - checked > EMAIL_LOOKUP_SECONDS
    ):
        looked_up, learned, complete = _look_up_emails(client, agents, refresh=refresh)
        me_email = looked_up or me_email
        known = {**known, **{i: e for i, e in learned.items() if e}}
        checked = time.time()
        if not complete:
            checked -= EMAIL_LOOKUP_SECONDS - RETRY_AFTER_FAILURE_SECONDS
    for agent in agents:
        agent.email = agent.email or known.get(agent.id, "")
    fresh = {
        "agents": [a.model_dump(include=MEMO_FIELDS) for a in agents],
        "me": me_email,
        "checked": checked,
    }
    if fresh != memo:
        cache.set(key, fresh, AGENT_MEMO_SECONDS)


def _look_up_emails(
    client: FluentClient, agents: list[Agent], *, refresh: bool = False
) -> tuple[str, dict[int, str], bool]:
    """(the credential's own email, emails learned per agent id, whether nothing failed)."""
    emails: dict[int, str] = {}
    me_email = ""
    complete = True
    try:
        me = me_get(client, refresh=refresh)
        me_email = me.email or (me.person.email if me.person else "")
        if me.person is not None:
            emails[me.person.id] = me.person.email or me.email
        # The admin-only agent list names everyone at once; others learn what /me and the
        # tickets they may read say.
        if me.can("fst_sensitive_data") and any(not emails.get(a.id) for a in agents):
            emails.update({a.id: a.email for a in agents_list(client, refresh=refresh)})
    except errors.UpstreamError:
        complete = False
    nameless = [a.id for a in agents if not a.has_name and not emails.get(a.id)]
    for agent_id in nameless[:NAMELESS_LOOKUPS]:
        query = TicketQuery(status_type="all", agent=str(agent_id))
        try:
            page = ticket_list(client, query=query, per_page=1, refresh=refresh)
        except errors.UpstreamError:
            complete = False
            continue
        for ticket in page.items:
            if ticket.agent is not None and ticket.agent.id == agent_id:
                emails[agent_id] = ticket.agent.email
    return me_email, emails, complete


def agents_list(client: FluentClient, *, refresh: bool = False) -> list[Agent]:
    # Reference: GET /agents (captures seq_agents_1_agents, seq_agents_6_agents_search): every
    # agent with email; needs the "sensitive data" permission (403 otherwise).
    answer = client.get(f"{SUPPORT}/agents", kind="reference", refresh=refresh)
    data = answer.data.get("agents") if isinstance(answer.data, dict) else None
    rows = data.get("data", []) if isinstance(data, dict) else []
    return [client.parse(Agent, row) for row in rows if isinstance(row, dict)]


def me_get(client: FluentClient, *, refresh: bool = False) -> Me:
    # Reference: GET /me (captures fs_me, fs_me_agent_maria): the agent and their permissions.
    answer = client.get(f"{SUPPORT}/me", kind="identity", refresh=refresh)
    return client.parse(Me, answer.data)
