from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "longreach.geo"
    label = "geo"
