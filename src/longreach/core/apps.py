from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "longreach.core"
    label = "core"
