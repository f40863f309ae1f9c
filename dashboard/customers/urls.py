from django.urls import path

from dashboard.customers import new_ticket, panel, views

app_name = "customers"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("panel/<int:site_id>/<int:customer_id>/", panel.panel, name="panel"),
    path("contact/<int:site_id>/<int:customer_id>/", panel.contact, name="contact"),
    path("new-ticket/", new_ticket.new_ticket, name="new_ticket"),
    path("new-ticket/customers/", new_ticket.customer_options, name="customer_options"),
    path("<int:site_id>/<int:customer_id>/", views.customer, name="customer"),
    path("<int:site_id>/<int:customer_id>/edit/", views.customer_edit, name="edit"),
    path("<int:site_id>/<int:customer_id>/delete/", views.customer_delete, name="delete"),
]
