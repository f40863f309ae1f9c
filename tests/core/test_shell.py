from __future__ import annotations

import re

import django
from django.conf import settings
from django.template import engines
from django.urls import reverse


def test_every_page_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_health_check_answers_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_shell_has_navigation_user_menu_and_csrf_for_htmx(agent_client, user):
    response = agent_client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-label="Main"' in html
    assert f"Account menu for {user.username}" in html
    token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", html)
    assert token and len(token.group(1)) >= 32


def test_logout_is_a_post_and_ends_the_session(agent_client):
    assert agent_client.get(reverse("logout")).status_code == 405
    agent_client.post(reverse("logout"))
    assert agent_client.get("/").status_code == 302


def test_login_page_shows_error_for_wrong_password(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_security_headers_forbid_inline_scripts_and_framing(agent_client):
    response = agent_client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_page_has_no_inline_script(agent_client):
    html = agent_client.get("/").content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag


def test_vendored_htmx_is_the_stable_2_line():
    vendor = settings.BASE_DIR / "static" / "vendor"
    files = sorted(p.name for p in vendor.glob("htmx-*.min.js"))
    assert files and all(re.fullmatch(r"htmx-2\.\d+\.\d+\.min\.js", name) for name in files)
    version = files[0].removeprefix("htmx-").removesuffix(".min.js")
    assert f'version:"{version}"' in (vendor / files[0]).read_text()


def test_partials_need_no_load_and_render_alone():
    # Django 6 has partials in core; on 5.2 the package's tags are builtins. Either way a
    # template uses {% partialdef %} without {% load %} and a view can render one partial.
    engine = engines["django"]
    page = engine.from_string("<p>{% partialdef name inline %}{{ who }}{% endpartialdef %}</p>")
    assert page.render({"who": "Olivia"}) == "<p>Olivia</p>"
    stats = engine.get_template("queues/overview.html#stats")
    assert "<html" not in stats.render({"overview": None})
    for name in settings.TEMPLATES[0]["OPTIONS"].get("builtins", []):
        assert name != "template_partials.templatetags.partials" or django.VERSION < (6, 0)


def test_unknown_page_is_a_friendly_404(agent_client):
    response = agent_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_debug_footer_shows_upstream_timing_only_with_debug(agent_client, acme, sim, settings):
    assert "debug-footer" not in agent_client.get("/").content.decode()
    settings.DEBUG = True
    sim.acme.site.clear_log()
    html = agent_client.get(f"/?site={acme.slug}&refresh=1").content.decode()
    assert 'class="debug-footer"' in html
    # The footer counts exactly the calls the site received (all refreshed, none cached).
    calls = sim.acme.site.count()
    assert calls >= 2
    assert f"upstream: {calls} calls, 0 cached" in html
