from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "longreach.insight"
    default_auto_field = "django.db.models.BigAutoField"
