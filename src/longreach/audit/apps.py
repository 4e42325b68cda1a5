from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "longreach.audit"
    label = "audit"
