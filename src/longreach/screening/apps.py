from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "longreach.screening"
    default_auto_field = "django.db.models.BigAutoField"
