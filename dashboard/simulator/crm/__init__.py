"""The simulated FluentCRM 2.9 (namespace fluent-crm/v2): one module per plugin controller,
the route table in routes.py."""
