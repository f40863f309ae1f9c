"""The simulated Fluent Support 2.0.1 (namespace fluent-support/v2): one module per plugin
controller, the route table in routes.py."""
