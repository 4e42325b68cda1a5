"""A model exercising every sealed field type, as registry models will."""

import uuid

from django.db import models

from longreach.keys.fields import BlindIndexField, SealedDateField, SealedJSONField, SealedTextField


class Record(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.CASCADE)
    text = SealedTextField()
    data = SealedJSONField()
    when = SealedDateField()
    phone = SealedTextField()
    phone_index = BlindIndexField(source="phone", kind="phone")
    sender_index = BlindIndexField(source="phone", kind="phone", scope="linkage")
