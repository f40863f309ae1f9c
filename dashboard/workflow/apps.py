from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "dashboard.workflow"
    label = "workflow"
    verbose_name = "Workflow: saved replies, SLA targets, snoozes"
