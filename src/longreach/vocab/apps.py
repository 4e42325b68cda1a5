from django.apps import AppConfig


class VocabConfig(AppConfig):
    name = "longreach.vocab"
    label = "vocab"
