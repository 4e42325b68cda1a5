from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "longreach.site"
    label = "site"
