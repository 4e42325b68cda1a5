from django.apps import AppConfig


class KeysConfig(AppConfig):
    name = "longreach.keys"
    label = "keys"
