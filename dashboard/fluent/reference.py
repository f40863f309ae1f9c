"""Fluent Support reference data: the dropdowns' agents, mailboxes, products and tags, and /me."""

from __future__ import annotations

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
    _find_nameless_agents_emails(client, essentials.agents, refresh=refresh)
    return essentials


# At most this many agents without a name get one ticket read each to learn their email.
NAMELESS_LOOKUPS = 3
AGENT_EMAIL_MEMO_SECONDS = 24 * 3600


def _find_nameless_agents_emails(
    client: FluentClient, agents: list[Agent], *, refresh: bool = False
) -> None:
    """Give agents without a name the email the site shows elsewhere (seq_agents_*).

    ticket-essentials lists agents without email, and with `""` names for an agent whose
    WordPress user has none, while ticket rows, /me and the admin-only /agents carry the email:
    without this the same agent would be "#1" in dropdowns and an email on rows. Only sites
    with such an agent pay the extra (cached) reads, and a failure leaves the fallback name.
    """
    nameless = {a.id: a for a in agents if not a.has_name and not a.email}
    if not nameless:
        return
    # An agent's email outlives the reference data's few minutes: what was learned is kept a
    # day per credential, so a cold essentials read pays the extra reads once a day, not each
    # time the reference data expires.
    memo_key = f"fluent:agent-emails:{client.credential.key}"
    known: dict[int, str] = {} if refresh else (cache.get(memo_key) or {})
    if all(known.get(agent_id) for agent_id in nameless):
        for agent_id, agent in nameless.items():
            agent.email = known[agent_id]
        return
    emails: dict[int, str] = dict(known)
    try:
        me = me_get(client, refresh=refresh)
        if me.person is not None:
            emails[me.person.id] = me.email or me.person.email
        # Most often the agent without a name is the signed-in administrator: /me alone names
        # them, and the admin-only agent list is read only when someone is still unnamed.
        if me.can("fst_sensitive_data") and any(not emails.get(i) for i in nameless):
            emails.update({a.id: a.email for a in agents_list(client, refresh=refresh)})
    except errors.UpstreamError:
        pass
    for agent_id in [i for i in nameless if not emails.get(i)][:NAMELESS_LOOKUPS]:
        query = TicketQuery(status_type="all", agent=str(agent_id))
        try:
            page = ticket_list(client, query=query, per_page=1, refresh=refresh)
        except errors.UpstreamError:
            continue
        for ticket in page.items:
            if ticket.agent is not None and ticket.agent.id == agent_id:
                emails[agent_id] = ticket.agent.email
    for agent_id, agent in nameless.items():
        agent.email = emails.get(agent_id, "")
    learned = {i: e for i, e in emails.items() if i in nameless and e}
    if learned:
        cache.set(memo_key, learned, AGENT_EMAIL_MEMO_SECONDS)


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
