from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "longreach.registry"
    label = "registry"
