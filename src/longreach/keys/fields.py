"""Sealed model fields and blind index fields.

``SealedTextField``, ``SealedJSONField`` and ``SealedDateField`` store only
ciphertext. The attribute reads and writes plaintext; encryption happens in
``pre_save`` with the compartment key of the current keyring, bound to
(model, field, row id, compartment). Reading without unlocked keys, or a
ciphertext that belongs elsewhere, raises; it never returns the ciphertext.

A model with sealed fields needs a UUID primary key set before saving and a
``compartment`` foreign key (or ``sealed_compartment_attr`` naming another
attribute that holds the compartment id).

``BlindIndexField(source=..., kind=...)`` fills itself on save from a sealed
source field, through the normalisers, with the compartment's index key
(``scope="compartment"``) or the organisation linkage key (``"linkage"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from django import forms
from longreach.crypto import blind, envelope, normalise, values
from longreach.crypto.values import Kind
from longreach.keys.context import current_keyring


@dataclass(frozen=True)
class _Cipher:
    blob: bytes


@dataclass(frozen=True)
class _Plain:
    value: Any
    blob: bytes | None = None  # the ciphertext it was opened from, if unchanged


def _compartment_id(instance: models.Model) -> Any:
    attr = getattr(instance, "sealed_compartment_attr", "compartment_id")
    cid = getattr(instance, attr)
    if cid is None:
        raise ValueError(f"{type(instance).__name__} has no compartment; sealed fields need one")
    return cid


def field_binding(instance: models.Model, field_name: str) -> bytes:
    if instance.pk is None:
        raise ValueError(f"{type(instance).__name__} needs its primary key before sealing")
    return envelope.binding(
        "field", instance._meta.label_lower, field_name, str(instance.pk), str(_compartment_id(instance))
    )


def seal_value(instance: models.Model, field: SealedField, value: Any) -> bytes:
    keyring = current_keyring()
    version, key = keyring.compartment_key(_compartment_id(instance))
    return envelope.seal(key, values.encode(field.kind, value), field_binding(instance, field.name), version)


def open_value(instance: models.Model, field: SealedField, blob: bytes) -> Any:
    keyring = current_keyring()
    cid = _compartment_id(instance)
    raw = envelope.open_sealed(
        lambda v: keyring.compartment_key(cid, v)[1], blob, field_binding(instance, field.name)
    )
    return values.decode(field.kind, raw)


class _SealedDescriptor:
    def __init__(self, field: SealedField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: type) -> Any:
        if instance is None:
            return self
        name = self.field.attname
        if name not in instance.__dict__:
            instance.refresh_from_db(fields=[name])
        state = instance.__dict__[name]
        if isinstance(state, _Cipher):
            state = _Plain(open_value(instance, self.field, state.blob), state.blob)
            instance.__dict__[name] = state
        return state.value if isinstance(state, _Plain) else state

    def __set__(self, instance: models.Model, value: Any) -> None:
        if isinstance(value, _Cipher | _Plain):
            instance.__dict__[self.field.attname] = value
        else:
            values.encode(self.field.kind, value)  # type errors surface at assignment
            instance.__dict__[self.field.attname] = _Plain(value)


class SealedField(models.BinaryField):  # type: ignore[type-arg]
    kind: Kind = "text"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", True)
        kwargs.setdefault("default", None)
        kwargs["null"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("null", None)
        if kwargs.get("default") is None:
            kwargs.pop("default", None)
        return name, path, args, kwargs

    def contribute_to_class(self, cls: type[models.Model], name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only)
        setattr(cls, self.attname, _SealedDescriptor(self))

    def get_default(self) -> Any:
        return _Plain(super().get_default() if self.has_default() else None)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> _Cipher | None:
        # NULL only arrives through an outer join to a missing row, which Django discards.
        return None if value is None else _Cipher(bytes(value))

    def pre_save(self, model_instance: models.Model, add: bool) -> bytes:
        state = model_instance.__dict__.get(self.attname)
        if isinstance(state, _Cipher):
            return state.blob
        if isinstance(state, _Plain) and state.blob is not None:
            return state.blob
        value = state.value if isinstance(state, _Plain) else None
        return seal_value(model_instance, self, value)

    def get_prep_value(self, value: Any) -> Any:
        # Only ciphertext reaches the database; filtering on plaintext is refused
        # because it could never match and would hint at what is stored.
        if isinstance(value, _Cipher):
            return value.blob
        if isinstance(value, bytes | memoryview):
            return value
        raise TypeError(f"{self.name} is sealed: query it through its blind index, not by value")

    def formfield(self, **kwargs: Any) -> Any:
        return {"text": forms.CharField, "json": forms.JSONField, "date": forms.DateField}[self.kind](
            required=not self.blank, label=self.verbose_name, **kwargs
        )

    def reseal(self, instance: models.Model) -> None:
        """Forget the stored ciphertext so the next save encrypts again (rotation)."""
        value = getattr(instance, self.attname)
        instance.__dict__[self.attname] = _Plain(value)


class SealedTextField(SealedField):
    kind = "text"


class SealedJSONField(SealedField):
    kind = "json"


class SealedDateField(SealedField):
    kind = "date"


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    def __init__(self, *args: Any, source: str, kind: str, scope: str = "compartment", **kwargs: Any) -> None:
        if kind not in normalise.NORMALISERS:
            raise ValueError(f"unknown blind index kind {kind!r}")
        if scope not in ("compartment", "linkage"):
            raise ValueError("scope must be compartment or linkage")
        self.source, self.index_kind, self.scope = source, kind, scope
        kwargs.update(
            max_length=blind.TRUNCATE_BYTES * 2, editable=False, db_index=True, default="", blank=True
        )
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for k in ("max_length", "editable", "db_index", "default", "blank"):
            kwargs.pop(k, None)
        kwargs.update(source=self.source, kind=self.index_kind, scope=self.scope)
        return name, path, args, kwargs

    def index_for(self, compartment_id: Any, raw: str, region: str | None = None) -> str:
        keyring = current_keyring()
        key = keyring.linkage_key() if self.scope == "linkage" else keyring.index_key(compartment_id)
        norm = (
            normalise.phone(raw, region)
            if self.index_kind == "phone"
            else normalise.NORMALISERS[self.index_kind](raw)
        )
        return blind.blind_index(key, self.index_kind, norm)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        raw = getattr(model_instance, self.source)
        value = "" if raw in (None, "") else self.index_for(_compartment_id(model_instance), raw)
        setattr(model_instance, self.attname, value)
        return value


def sealed_fields(model: type[models.Model]) -> list[SealedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, SealedField)]
