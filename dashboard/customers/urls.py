from django.urls import path

from dashboard.customers import crm_actions, new_ticket, panel, views

app_name = "customers"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("panel/<site:site_id>/<int:customer_id>/", panel.panel, name="panel"),
    path("contact/<site:site_id>/<int:customer_id>/", panel.contact, name="contact"),
    path(
        "crm/<site:site_id>/<int:contact_id>/segments/", crm_actions.segments, name="crm_segments"
    ),
    path("crm/<site:site_id>/<int:contact_id>/status/", crm_actions.status, name="crm_status"),
    path("crm/<site:site_id>/<int:contact_id>/notes/", crm_actions.notes, name="crm_notes"),
    path(
        "crm/<site:site_id>/<int:contact_id>/notes/add/", crm_actions.add_note, name="crm_add_note"
    ),
    path(
        "crm/<site:site_id>/<int:contact_id>/activity/", crm_actions.activity, name="crm_activity"
    ),
    path("crm/<site:site_id>/options/", crm_actions.segment_options, name="crm_options"),
    path("crm/<site:site_id>/create/", crm_actions.create, name="crm_create"),
    path("new-ticket/", new_ticket.new_ticket, name="new_ticket"),
    path("new-ticket/customers/", new_ticket.customer_options, name="customer_options"),
    path("<site:site_id>/<int:customer_id>/", views.customer, name="customer"),
    path("<site:site_id>/<int:customer_id>/edit/", views.customer_edit, name="edit"),
    path("<site:site_id>/<int:customer_id>/delete/", views.customer_delete, name="delete"),
]
