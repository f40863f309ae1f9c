"""Seeded, in-memory data of one simulated WordPress site.

Rows are plain dicts shaped like the plugin's database rows (ints and aware UTC datetimes);
`serialize.py` turns them into the exact JSON the plugins answer. Everything is drawn from
one `random.Random(seed)` so the same seed and `now` always give the same site.
"""

from __future__ import annotations

import hashlib
import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from .attachments import seed as seed_files
from .hostile import VECTORS
from .scale import add_agents, add_tags, more_names
from .store import Store, User, add_response, md5, person_row, slugify, ticket_tag_row

ADMIN_USERNAME = "admin"
ADMIN_APP_PASSWORD = "abcd efgh ijkl mnop qrst uvwx"  # noqa: S105 - a documented demo credential

ADMIN_PERMISSIONS = [
    "fst_view_dashboard",
    "fst_manage_own_tickets",
    "fst_manage_unassigned_tickets",
    "fst_manage_other_tickets",
    "fst_delete_tickets",
    "fst_assign_agents",
    "fst_manage_settings",
    "fst_sensitive_data",
    "fst_manage_workflows",
    "fst_run_workflows",
    "fst_view_all_reports",
    "fst_manage_saved_replies",
    "fst_view_activity_logs",
    "fst_merge_tickets",
    "fst_split_ticket",
    "fst_agent_today_performance",
    "fst_approve_draft_reply",
    "administrator",
]
AGENT_PERMISSIONS = [
    "fst_view_dashboard",
    "fst_manage_own_tickets",
    "fst_manage_unassigned_tickets",
    "fst_manage_other_tickets",
    "fst_delete_tickets",
    "fst_assign_agents",
    "fst_sensitive_data",
    "fst_view_all_reports",
    "fst_manage_saved_replies",
    "fst_approve_draft_reply",
]
LIMITED_PERMISSIONS = [
    "fst_view_dashboard",
    "fst_manage_own_tickets",
    "fst_manage_unassigned_tickets",
]

STATUSES = ("new", "active", "closed")
PRIORITIES = ("normal", "medium", "critical")


# WordPress user ids of people who are not Fluent Support persons start far above the
# persons table, so they never collide with an agent or customer id.
EDITOR_WP_USER_ID = 9001


def make_app_password(rng: random.Random) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return " ".join("".join(rng.choice(alphabet) for _ in range(4)) for _ in range(6))


FIRST_NAMES = [
    "Amelia", "Sebastian", "Chloe", "Mateo", "Zoe", "Hiro", "Fatima", "Lars", "Ingrid", "Kwame",
    "Aisha", "Diego", "Yuki", "Tomasz", "Leilani", "Harper", "Aiden", "Evelyn", "Jackson",
    "Abigail", "Noah", "Sofia", "Ravi", "Elena", "Oscar", "Mei", "Lucas", "Nadia", "Felix",
    "Grace", "Omar", "Hannah", "Emil", "Priyanka", "Jonas", "Clara", "Mohammed", "Freya",
    "Tariq", "Isla", "Marcus", "Beatriz", "Kenji", "Astrid", "Samuel", "Lina",
]  # fmt: skip
LAST_NAMES = [
    "Lindqvist", "Kowalczyk", "Vasquez-Hale", "Calloway", "Farrow", "Castellano", "Delacroix",
    "Fairbanks", "Iwasaki", "Marchetti", "Sorensen", "Okonkwo", "Petrovic", "Rasmussen",
    "Montague", "Oyelaran", "Stroud", "Oduya", "Wexley", "Moreau", "Brennan", "Achterberg",
    "Nakamura", "Quist", "Halvorsen", "Abernathy", "Ferreira", "Gallagher", "Thorne",
    "Yilmaz", "Kaur", "Lindgren", "Mbeki", "Novak", "O'Sullivan", "Park", "Reyes", "Schmidt",
    "Takahashi", "Varga", "Whitfield", "Zielinski",
]  # fmt: skip
EMAIL_DOMAINS = [
    "example.com", "example.org", "example.net", "brightlane.test", "contoso.test",
    "fabrikam.test", "northwind.test", "mail.test",
]  # fmt: skip
CUSTOMER_TITLES = ["", "", "Owner", "Office Manager", "Ops Lead", "CTO", "IT Administrator"]
PLACES = [
    ("Austin", "TX", "73301", "US"), ("Denver", "CO", "80202", "US"),
    ("Portland", "OR", "97201", "US"), ("Leeds", "", "LS1 4AP", "GB"),
    ("Lyon", "", "69002", "FR"), ("Melbourne", "VIC", "3000", "AU"),
    ("Toronto", "ON", "M5H 2N2", "CA"), ("Berlin", "", "10115", "DE"),
    ("Osaka", "", "530-0001", "JP"), ("Lisbon", "", "1100-148", "PT"),
]  # fmt: skip
STREETS = ["King St", "Elm St", "Maple St", "Harbour Rd", "Station Ave", "Mill Lane"]

# (title, opening message, product index, mailbox index, tag slugs)
TOPICS = [
    (
        "Webhook deliveries failing with 502",
        "<p>Since yesterday all webhook deliveries to our endpoint fail with <code>502</code>. "
        "Nothing changed on our side &mdash; can you check?</p>",
        2,
        0,
        ["bug", "urgent"],
    ),
    (
        "Invoice PDF shows wrong VAT number",
        "<p>The VAT number on invoice INV-{n} is wrong &mdash; should be DE{n}{n}.</p>",
        3,
        1,
        ["billing"],
    ),
    (
        "Widgets missing from dashboard after update",
        "<p>After updating, half of my widgets are missing from the dashboard. "
        "Is there a way to restore them?</p>",
        0,
        0,
        ["bug"],
    ),
    (
        "Two-factor codes not arriving by SMS",
        "<p>I'm not receiving the 2FA SMS codes anymore. Phone number ends in &hellip;{n}.</p>",
        1,
        0,
        ["login-issue", "urgent"],
    ),
    (
        "API rate limit too low for our integration",
        "<p>We hit <strong>429 Too Many Requests</strong> at ~600 req/min. "
        "Can the limit be raised for our account?</p>",
        2,
        2,
        ["feature-request"],
    ),
    (
        "Update billing address on invoices",
        "<p>Please change the billing address on future invoices to our new office:</p>\n"
        "<p>{n} Harbour Rd, Suite 4</p>",
        3,
        1,
        ["billing"],
    ),
    (
        "App crashes when exporting CSV",
        "<p>The desktop app crashes every time I export more than 5,000 rows to CSV.</p>",
        0,
        0,
        ["bug"],
    ),
    (
        "Refund for duplicate charge",
        "<p>We were charged twice for order #{n}. Please refund the duplicate payment.</p>",
        3,
        1,
        ["refund", "billing"],
    ),
    (
        "Cannot log in after password reset",
        "<p>I reset my password but the login page keeps saying &ldquo;invalid "
        "credentials&rdquo;.</p>",
        1,
        0,
        ["login-issue"],
    ),
    (
        "Hub firmware update stuck at 80%",
        "<p>Our WH-200 hub has been stuck at 80% for two hours during the firmware update.</p>",
        4,
        0,
        ["bug", "urgent"],
    ),
    (
        "Feature request: dark mode for the mobile app",
        "<p>Would love a dark mode in the mobile app &mdash; our night shift uses it a lot.</p>",
        1,
        0,
        ["feature-request"],
    ),
    (
        "Onboarding call for new team members",
        "<p>We added 12 seats this month. Could we schedule an onboarding call?</p>",
        None,
        2,
        ["onboarding", "vip"],
    ),
    (
        "Sync between desktop and cloud is slow",
        "<p>Changes made on the desktop take 10+ minutes to show up in the cloud dashboard.</p>",
        0,
        0,
        [],
    ),
    (
        "Question about volume pricing",
        "<p>Do you offer volume pricing above 500 seats?</p>",
        None,
        1,
        [],
    ),
    (
        "Export of all tickets for audit",
        "<p>Our auditors need an export of all support conversations from last quarter.</p>",
        None,
        2,
        ["vip"],
    ),
]

CUSTOMER_FOLLOWUPS = [
    "<p>Still not working on my side, unfortunately. Same error as before.</p>",
    "<p>Any update on this? It is blocking our team.</p>",
    "<p>Thanks! I tried that but now I get a different error message.</p>",
    "<p>Here is a screenshot of what I see. Let me know if you need logs.</p>",
    "<p>Ok, I tried again and it works now. You can close this.</p>",
    "<p>Could you also check whether this affects our second account?</p>",
]
AGENT_REPLIES = [
    "<p>Hi {first},</p>\n<p>Thanks for reaching out &mdash; I'm looking into this now.</p>",
    "<p>Hi {first},</p>\n<p>Could you send us the exact time this happened and your "
    "account ID?</p>",
    "<p>Hi {first},</p>\n<p>We deployed a fix for this. Could you try again and let us know?</p>",
    "<p>Hi {first},</p>\n<p>I've escalated this to our engineering team and will update you "
    "within a day.</p>",
    "<p>Hi {first},</p>\n<p>That is done on our side. Anything else we can help with?</p>",
]
NOTES = [
    "<p>Reproduced on staging. Looks related to last week's release.</p>",
    "<p>Customer is on the enterprise plan &mdash; prioritise.</p>",
    "<p>Checked the logs: requests time out at the load balancer.</p>",
    "<p>Waiting for engineering, ticket ENG-{n}.</p>",
]

CRM_TAGS = [
    "Customer", "Lead", "VIP", "Newsletter", "Churn Risk", "Beta Tester", "Webinar Attendee",
]  # fmt: skip
CRM_LISTS = ["Product Updates", "Monthly Newsletter", "Enterprise Customers", "Beta Program"]
CRM_STATUSES = [
    ("subscribed", 60), ("pending", 15), ("unsubscribed", 12), ("bounced", 8), ("complained", 5),
]  # fmt: skip
CUSTOM_FIELDS = [
    {
        "field_key": "select-one",
        "type": "select-one",
        "label": "Company Size",
        "slug": "company_size",
        "options": ["1-10", "11-50", "51-200", "201-1000", "1000+"],
        "group": "Company",
    },
    {
        "field_key": "select-one",
        "type": "select-one",
        "label": "Plan",
        "slug": "plan",
        "options": ["Starter", "Growth", "Business", "Enterprise"],
        "group": "Subscription",
    },
    {
        "field_key": "text",
        "type": "text",
        "label": "Account Manager",
        "slug": "account_manager",
        "group": "Company",
    },
    {
        "field_key": "date",
        "type": "date",
        "label": "Renewal Date",
        "slug": "renewal_date",
        "group": "Subscription",
    },
    {
        "field_key": "number",
        "type": "number",
        "label": "NPS Score",
        "slug": "nps_score",
        "group": "Feedback",
    },
]


def _weighted(rng: random.Random, pairs: list[tuple[Any, float]]) -> Any:
    total = sum(weight for _, weight in pairs)
    pick = rng.random() * total
    for value, weight in pairs:
        pick -= weight
        if pick <= 0:
            return value
    return pairs[-1][0]


def build_store(
    *,
    seed: int,
    name: str,
    now: datetime,
    tickets: int,
    customers: int,
    contacts: int,
    hostile: bool,
    admin_username: str = ADMIN_USERNAME,
    admin_password: str = ADMIN_APP_PASSWORD,
    staff_domain: str | None = None,
    agents: int = 0,
    tags: int = 0,
) -> Store:
    """Build the whole site from the seed; the same arguments always give the same rows.

    The staff's emails are on the site's own domain, or on ``staff_domain``: sites given the
    same one share a team, each agent the same person (same email) on each of them. ``agents``
    and ``tags`` above the seed's own (five and eight) make a larger team and tag list
    (scale.py), whose agents share the tickets."""
    rng = random.Random(seed)
    now = now.astimezone(UTC).replace(microsecond=0)
    slug = slugify(name)
    domain = f"{slug}.test"
    brand = name.split()[0] if name.split() else "Acme"
    store = Store(site_name=name, domain=domain, now=now)
    installed = now - timedelta(days=75)

    staff = staff_domain or domain
    _build_agents(store, rng, admin_username, admin_password, installed, staff)
    _build_settings(store, brand, domain, installed)
    _build_customers(store, rng, customers, installed)
    weights = None
    if agents > 5:
        add_agents(store, agents, installed)
        weights = [(pid, 1.0) for pid, p in store.persons.items() if p["person_type"] == "agent"]
    add_tags(store, tags, installed)
    _build_tickets(store, rng, tickets, now, weights)
    _build_crm(store, rng, contacts, installed)
    # Attachments are placed after everything else and draw nothing from the seed's random
    # stream, so every other row stays as it was before files existed.
    seed_files(store)
    _add_nameless_agent(store, installed, staff)
    if hostile:
        _inject_hostile(store)
    return store


def _build_agents(
    store: Store,
    rng: random.Random,
    admin_username: str,
    admin_password: str,
    at: datetime,
    staff_domain: str,
) -> None:
    specs = [
        (admin_username, "Alex", "Admin", "admin", None, "administrator", ADMIN_PERMISSIONS),
        ("maria", "Maria", "Ortega", "maria.agent", "Support Engineer", "agent", None),
        ("tom", "Tom", "Becker", "tom.agent", "Senior Support Engineer", "agent", None),
        ("priya", "Priya", "Nair", "priya.agent", "Billing Specialist", "agent", None),
    ]
    for pid, (username, first, last, local, title, role, perms) in enumerate(specs, start=1):
        email = f"{local}@{staff_domain}"
        limited = username == "maria"
        if perms is None:
            perms = LIMITED_PERMISSIONS if limited else AGENT_PERMISSIONS
        password = admin_password if role == "administrator" else make_app_password(rng)
        store.persons[pid] = person_row(pid, first, last, email, "agent", at, title=title)
        store.users[username] = User(
            username=username,
            app_password=password,
            role=role,
            person_id=pid,
            limited=limited,
            permissions=list(perms),
            first_name=first,
            last_name=last,
            email=email,
            crm_access=role == "administrator",
        )
    store.next_person_id = len(specs) + 1
    # A WordPress editor who was never added to Fluent Support's staff: signs in, is no agent.
    store.users["editor"] = User(
        username="editor",
        app_password=make_app_password(rng),
        role="editor",
        person_id=EDITOR_WP_USER_ID,
        limited=False,
        permissions=[],
        first_name="Eddie",
        last_name="Editor",
        email=f"editor@{store.domain}",
        crm_access=False,
    )


def _add_nameless_agent(store: Store, at: datetime, staff_domain: str) -> None:
    """An agent whose WordPress user has no first or last name, as on the real second site:
    the plugin then gives `""` names everywhere and only /agents, /me and ticket rows carry an
    email. Added last, with a password derived from the domain, so the seeded random data and
    every other id stay as they were."""
    pid = store.next_person_id
    store.next_person_id += 1
    email = f"sam.agent@{staff_domain}"
    store.persons[pid] = person_row(pid, "", "", email, "agent", at, title=None)
    digest = hashlib.sha256(f"nameless:{store.domain}".encode()).hexdigest()
    store.users["sam"] = User(
        username="sam",
        app_password=" ".join(digest[i : i + 4] for i in range(0, 24, 4)),
        role="agent",
        person_id=pid,
        limited=False,
        permissions=list(AGENT_PERMISSIONS),
        first_name="",
        last_name="",
        email=email,
        crm_access=False,
    )


def _build_settings(store: Store, brand: str, domain: str, at: datetime) -> None:
    boxes = [
        (f"{brand} Support", "support", "yes"),
        (f"{brand} Billing", "billing", "no"),
        ("Enterprise Success", "enterprise", "no"),
    ]
    for mid, (box_name, local, default) in enumerate(boxes, start=1):
        email = f"{local}@{domain}"
        store.mailboxes[mid] = {
            "id": mid,
            "name": box_name,
            "slug": slugify(box_name),
            "box_type": "web",
            "email": email,
            "mapped_email": "",
            "email_footer": f"<p>&mdash; {box_name} team</p>",
            "settings": {"admin_email_address": email},
            "avatar": None,
            "created_by": None,
            "is_default": default,
            "created_at": at,
            "updated_at": at,
        }
    products = [
        (f"{brand} Desktop", "Desktop app for managing fleets (Windows/macOS)."),
        (f"{brand} Mobile", "iOS and Android companion app."),
        (f"{brand} Cloud API", "REST API and webhooks for integrators."),
        (f"{brand} Billing Portal", "Invoices, subscriptions and payment methods."),
        (f"{brand} Hardware Hub", "The physical WH-200 hub and its firmware."),
    ]
    for pid, (title, description) in enumerate(products, start=1):
        store.products[pid] = {
            "id": pid,
            "source_uid": None,
            "mailbox_id": None,
            "title": title,
            "description": description,
            "settings": None,
            "source": "local",
            "created_by": None,
            "created_at": at,
            "updated_at": at,
        }
    tags = ["bug", "feature-request", "refund", "urgent", "login-issue", "billing", "onboarding"]
    for tid, title in enumerate([*tags, "vip"], start=1):
        store.ticket_tags[tid] = ticket_tag_row(tid, title, at)


def _build_customers(store: Store, rng: random.Random, count: int, at: datetime) -> None:
    pairs = [(f, last) for f in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(pairs)
    # A fixed first customer: her CRM twin and a near-miss address make lookup traps.
    chosen = [("Olivia", "Thornbury", "example.com")]
    used = {("Olivia", "Thornbury")}
    for first, last in pairs:
        if len(chosen) >= count:
            break
        if (first, last) in used:
            continue
        used.add((first, last))
        chosen.append((first, last, rng.choice(EMAIL_DOMAINS)))
    suffixes = [""] * len(chosen)
    if len(chosen) < count:
        # More customers than distinct names (a large site): names repeat, emails do not.
        for first, last, email_domain, suffix in more_names(FIRST_NAMES, LAST_NAMES, EMAIL_DOMAINS):
            if len(chosen) >= count:
                break
            chosen.append((first, last, email_domain))
            suffixes.append(suffix)
    for (first, last, email_domain), suffix in zip(chosen[:count], suffixes, strict=False):
        pid = store.next_person_id
        store.next_person_id += 1
        local = re.sub(r"[^a-z.-]", "", f"{first}.{last}".lower()) + suffix
        city, state, zip_code, country = rng.choice(PLACES)
        created = at + timedelta(minutes=pid)
        store.persons[pid] = person_row(
            pid,
            first,
            last,
            f"{local}@{email_domain}",
            "customer",
            created,
            title=rng.choice(CUSTOMER_TITLES),
            address_line_1=f"{rng.randint(10, 250)} {rng.choice(STREETS)}",
            city=city,
            state=state,
            zip=zip_code,
            country=country,
            note=rng.choice(["", "", "Prefers email contact.", "Key account."]),
        )
        store.tickets_by_customer[pid] = []


def _spread(start: datetime, end: datetime, count: int, rng: random.Random) -> list[datetime]:
    """Return `count` increasing instants between start and end, unevenly spaced."""
    if count <= 0:
        return []
    span = max((end - start).total_seconds(), count * 60.0)
    weights = [rng.uniform(0.3, 1.7) for _ in range(count)]
    total = sum(weights) * rng.uniform(1.0, 1.3)
    out: list[datetime] = []
    elapsed = 0.0
    for weight in weights:
        elapsed += span * weight / total
        out.append(start + timedelta(seconds=int(elapsed)))
    return out


def _build_tickets(
    store: Store,
    rng: random.Random,
    count: int,
    now: datetime,
    agent_weights: list[tuple[int, float]] | None = None,
) -> None:
    customer_ids = [pid for pid, p in store.persons.items() if p["person_type"] == "customer"]
    if not customer_ids or count <= 0:
        return
    window = timedelta(days=60).total_seconds()
    agent_weights = agent_weights or [(1, 0.2), (2, 0.3), (3, 0.27), (4, 0.23)]
    tag_by_slug = {t["slug"]: tid for tid, t in store.ticket_tags.items()}
    for index in range(count):
        tid = index + 1
        # Tickets arrive steadily over 60 days; the newest few arrived minutes ago.
        position = (index + 0.5) / count
        created = now - timedelta(seconds=window * (1 - position))
        created += timedelta(seconds=rng.randint(-1800, 1800))
        if index >= count - 3:
            created = now - timedelta(minutes=rng.randint(4, 90) + (count - index) * 20)
        created = min(created, now - timedelta(minutes=3))
        age = 1 - position
        status = _weighted(
            rng, [("closed", 0.08 + 0.4 * age), ("new", 0.38 - 0.2 * age), ("active", 0.48)]
        )
        if status == "new":
            agent_id = None if rng.random() < 0.65 else _weighted(rng, agent_weights)
        else:
            agent_id = _weighted(rng, agent_weights)
        topic = TOPICS[rng.randrange(len(TOPICS))]
        title, opening, product_index, mailbox_index, tag_slugs = topic
        customer_id = rng.choice(customer_ids)
        customer = store.persons[customer_id]
        number = str(1000 + tid * 7)
        # Customers sign their messages, as on the real site: the plugin's search matches the
        # opening message, so a customer's first name finds the tickets they signed.
        content = opening.replace("{n}", number) + f"<p>Thanks,<br>{customer['first_name']}</p>"
        ticket = {
            "id": tid,
            "customer_id": customer_id,
            "agent_id": agent_id,
            "mailbox_id": mailbox_index + 1,
            "product_id": None if product_index is None else product_index + 1,
            "product_source": "local",
            "privacy": "private",
            "priority": _weighted(rng, [("normal", 0.55), ("medium", 0.28), ("critical", 0.17)]),
            "client_priority": _weighted(
                rng, [("normal", 0.5), ("medium", 0.3), ("critical", 0.2)]
            ),
            "status": status,
            "title": title,
            "slug": f"{slugify(title)}-{int(created.timestamp())}",
            "hash": md5(f"ticket-{tid}-{created.isoformat()}")[:10],
            "content_hash": md5(content),
            "message_id": None
            if rng.random() < 0.6
            else f"<{md5(str(tid))[:6]}.{md5(title)[:12]}@{customer['email'].split('@')[1]}>",
            "source": rng.choice(["web", None, "email"]),
            "content": content,
            "secret_content": None,
            "last_agent_response": None,
            "last_customer_response": created,
            "waiting_since": created,
            "response_count": 0,
            "first_response_time": None,
            "total_close_time": None,
            "resolved_at": None,
            "closed_by": None,
            "created_at": created,
            "updated_at": created,
            "tag_ids": [tag_by_slug[s] for s in tag_slugs if rng.random() < 0.7],
        }
        if rng.random() < 0.1:
            extra = rng.choice(list(store.ticket_tags))
            if extra not in ticket["tag_ids"]:
                ticket["tag_ids"].append(extra)
        store.tickets[tid] = ticket
        store.responses_by_ticket[tid] = []
        store.tickets_by_customer.setdefault(customer_id, []).append(tid)
        _build_conversation(store, rng, ticket, now)
    store.next_ticket_id = count + 1


def _build_conversation(
    store: Store, rng: random.Random, ticket: dict[str, Any], now: datetime
) -> None:
    """Write the thread of one ticket and the ticket columns that summarise it."""
    customer = store.persons[ticket["customer_id"]]
    status = ticket["status"]
    agent_id = ticket["agent_id"]
    plan: list[tuple[str, int]] = []  # (conversation_type, person_id)
    if agent_id is not None and rng.random() < 0.5:
        plan.append(("internal_info", 1))
    if status == "new":
        if rng.random() < 0.3:
            plan.append(("response", customer["id"]))
    else:
        rounds = rng.randint(1, 3)
        for round_index in range(rounds):
            plan.append(("response", agent_id))
            if rng.random() < 0.3:
                plan.append(("note", agent_id))
            last_round = round_index == rounds - 1
            if not last_round or (status == "active" and rng.random() < 0.6):
                plan.append(("response", customer["id"]))
        if status == "closed":
            if plan[-1][1] == customer["id"] and rng.random() < 0.5:
                plan.append(("response", agent_id))
            plan.append(("internal_info", agent_id))
    # Recent tickets keep their thread close to now; older ones spread over a few days.
    limit = min(now - timedelta(minutes=1), ticket["created_at"] + timedelta(days=6))
    times = _spread(ticket["created_at"] + timedelta(minutes=2), limit, len(plan), rng)
    for (kind, person_id), at in zip(plan, times, strict=True):
        if kind == "internal_info":
            if status == "closed" and person_id == agent_id and at == times[-1]:
                text = "Ticket has been closed"
            else:
                agent = store.persons[agent_id]
                text = (
                    f"Alex Admin assigned {agent['first_name']} {agent['last_name']} in this ticket"
                )
        elif kind == "note":
            text = rng.choice(NOTES).replace("{n}", str(rng.randint(100, 999)))
        elif person_id == customer["id"]:
            text = rng.choice(CUSTOMER_FOLLOWUPS)
        else:
            text = rng.choice(AGENT_REPLIES).replace("{first}", customer["first_name"])
        add_response(store, ticket, person_id, kind, text, at)
    if status == "closed":
        closed_at = times[-1] if times else ticket["created_at"]
        ticket["resolved_at"] = closed_at
        ticket["closed_by"] = agent_id
        ticket["total_close_time"] = int((closed_at - ticket["created_at"]).total_seconds())
        ticket["waiting_since"] = closed_at
        ticket["updated_at"] = closed_at


def _build_crm(store: Store, rng: random.Random, count: int, at: datetime) -> None:
    for tid, title in enumerate(CRM_TAGS, start=1):
        store.crm_tags[tid] = {
            "id": tid,
            "title": title,
            "slug": slugify(title),
            "description": f"{title} contacts",
            "created_at": at,
            "updated_at": at,
        }
    for lid, title in enumerate(CRM_LISTS, start=1):
        store.crm_lists[lid] = {
            "id": lid,
            "title": title,
            "slug": slugify(title),
            "description": f"{title} list",
            "is_public": 0,
            "created_at": at,
            "updated_at": at,
        }
    store.custom_fields = [dict(f) for f in CUSTOM_FIELDS]
    customers = [p for p in store.persons.values() if p["person_type"] == "customer"]
    shared = min(len(customers), int(count * 0.6))
    people: list[tuple[str, str, str, str]] = []  # first, last, email, contact_type
    for person in customers[:shared]:
        people.append((person["first_name"], person["last_name"], person["email"], "customer"))
    if people and count > len(people):
        # The near-miss address: a partial search for Olivia finds two contacts.
        people.append(("Olivia", "Thornbury", "olivia.thornbury@example.com.au", "lead"))
    lead = 0
    while len(people) < count:
        lead += 1
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        local = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
        people.append((first, last, f"{local}.lead{lead}@example.io", "lead"))
    statuses = [(s, float(w)) for s, w in CRM_STATUSES]
    for cid, (first, last, email, contact_type) in enumerate(people[:count], start=1):
        city, state, zip_code, country = rng.choice(PLACES)
        created = at + timedelta(hours=cid)
        values: dict[str, Any] = {}
        if rng.random() < 0.7:
            values = {
                "company_size": rng.choice(CUSTOM_FIELDS[0]["options"]),
                "plan": rng.choice(CUSTOM_FIELDS[1]["options"]),
                "account_manager": rng.choice(["Tom Becker", "Priya Nair", ""]),
                "renewal_date": (at + timedelta(days=rng.randint(30, 400))).strftime("%Y-%m-%d"),
                "nps_score": str(rng.randint(0, 10)),
            }
        store.contacts[cid] = {
            "id": cid,
            "user_id": None,
            "hash": md5(f"contact-{email}"),
            "contact_owner": None,
            "company_id": None,
            "prefix": None,
            "first_name": first,
            "last_name": last,
            "email": email,
            "timezone": None,
            "address_line_1": f"{rng.randint(1, 99)} {rng.choice(STREETS)}",
            "address_line_2": None,
            "postal_code": zip_code,
            "city": city,
            "state": state,
            "country": country,
            "ip": None,
            "latitude": None,
            "longitude": None,
            "total_points": 0,
            "life_time_value": rng.choice([0, 0, 49, 199, 1290]),
            "phone": f"+1-555-{100 + cid:04d}",
            "status": "subscribed" if cid == 1 else _weighted(rng, statuses),
            "contact_type": contact_type,
            "source": rng.choice(["web", "import", "fluent-support"]),
            "avatar": None,
            "date_of_birth": f"{rng.randint(1960, 2000)}-{rng.randint(1, 12):02d}-"
            f"{rng.randint(1, 28):02d}",
            "created_at": created,
            "last_activity": None if rng.random() < 0.5 else created + timedelta(days=3),
            "updated_at": created,
            "tag_ids": sorted(rng.sample(list(store.crm_tags), rng.randint(0, 3))),
            "list_ids": sorted(rng.sample(list(store.crm_lists), rng.randint(1, 3))),
            "custom_values": values,
            "stats": {
                "emails": (emails := rng.randint(0, 40)),
                "opens": (opens := rng.randint(0, emails)),
                "clicks": rng.randint(0, opens),
            },
        }
        notes = []
        if rng.random() < 0.25:
            notes.append(
                {
                    "id": cid * 10,
                    "subscriber_id": cid,
                    "parent_id": None,
                    "created_by": 1,
                    "status": "open",
                    "type": rng.choice(["note", "call", "email"]),
                    "is_private": 1,
                    "title": "Call about renewal",
                    "description": "<p>Discussed the renewal; follow up next month.</p>",
                    "created_at": created + timedelta(days=1),
                    "updated_at": created + timedelta(days=1),
                }
            )
        store.contact_notes[cid] = notes


def _inject_hostile(store: Store) -> None:
    """Place every vector at least once, spread over the fields a user can write."""
    slots: list[tuple[dict[str, Any], str]] = []
    tickets = list(store.tickets.values())
    customers = [p for p in store.persons.values() if p["person_type"] == "customer"]
    contacts = list(store.contacts.values())
    responses = list(store.responses.values())
    notes = [r for r in responses if r["conversation_type"] == "note"]
    replies = [r for r in responses if r["conversation_type"] == "response"]
    rounds = max(len(tickets), len(customers), len(contacts), 1)
    for i in range(rounds):
        if i < len(tickets):
            slots.append((tickets[i], "title" if i % 2 == 0 else "content"))
        if i < len(replies):
            slots.append((replies[i], "content"))
        if i < len(notes):
            slots.append((notes[i], "content"))
        if i < len(customers):
            slots.append((customers[i], ("first_name", "last_name", "title", "note")[i % 4]))
        if i < len(contacts):
            slots.append((contacts[i], ("first_name", "last_name", "address_line_1")[i % 3]))
            slots.append((contacts[i], "custom_values.account_manager"))
    for tag in store.ticket_tags.values():
        slots.append((tag, "title"))
    for tag in store.crm_tags.values():
        slots.append((tag, "title"))
    # File names come from whoever uploaded or mailed the file.
    for attachment in store.attachments.values():
        slots.append((attachment, "title"))
    for index, (row, key) in enumerate(slots):
        vector = VECTORS[index % len(VECTORS)]
        if key.startswith("custom_values."):
            row["custom_values"][key.split(".", 1)[1]] = vector
        elif key == "content":
            row[key] = f"<p>{vector}</p>\n"
        else:
            row[key] = vector
