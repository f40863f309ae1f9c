"""A URL map for browser journeys: the whole dashboard, plus one page that places the workflow
pieces the way the thread page will (composer textarea with the saved-reply picker, SLA badge
and snooze control in the header, the notifications toggle), so the journeys exercise the real
endpoints, templates and script before the lead wires them into the thread page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from dashboard import urls as dashboard_urls
from dashboard.fluent import support
from dashboard.pages import user_site
from dashboard.sites.services import client_for

PAGE = """{% extends "base.html" %}{% load workflow %}
{% block title %}#{{ ticket.id }} {{ ticket.title }}{% endblock %}
{% block extra_head %}{% include "workflow/head.html" %}{% endblock %}
{% block content %}
<header class="page-head">
  <h1>#{{ ticket.id }} {{ ticket.title }}</h1>
  {% sla_badge site ticket %}
  <div class="actions">{% snooze_form site ticket %}</div>
</header>
<form id="composer" class="card card-body" method="post" action="{{ request.path }}">
  {% csrf_token %}
  <label for="composer-text">Message</label>
  <textarea id="composer-text" name="text" rows="8" data-saved-replies>Hello</textarea>
  <p>{% include "workflow/picker.html" with site=site ticket=ticket %}
     <button type="submit" class="btn btn-primary">Send</button></p>
</form>
<div class="menu">{% include "workflow/notify_toggle.html" %}</div>
{% endblock %}
"""


def composer_page(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    if request.method == "POST":
        return HttpResponse(f"sent: {request.POST.get('text', '')}", content_type="text/plain")
    ticket = support.ticket_get(client_for(site), ticket_id=ticket_id).ticket
    template = engines["django"].from_string(PAGE)
    return HttpResponse(template.render({"site": site, "ticket": ticket}, request))


urlpatterns = [
    path("harness/<int:site_id>/<int:ticket_id>/", composer_page),
    *dashboard_urls.urlpatterns,
]
handler500 = dashboard_urls.handler500
