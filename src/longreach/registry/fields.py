"""The field types registry input is made of, and the errors it reports.

Each type is a field's metadata for a pydantic model: what it accepts (form
posts and CSV cells give strings, the API and JSON give typed values), what it
turns the value into, what it tells a person whose value does not fit, and
what the API's schema says of it. ``field_errors`` turns pydantic's errors into
``FieldError`` paths such as ``acts[1].tactics`` with our own (translated)
messages. The records themselves are in ``validation``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import (
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
)
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from longreach.crypto import normalise
from longreach.geo import countries
from longreach.registry.dates import PartialDate, PartialDateError
from longreach.vocab.models import Term

SHORT = 300  # names, titles, handles, recipients
LONG = 100_000  # narratives, notes, statements
LIST = 50  # acts per incident, targets per act, aliases...
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# JSON can spell half of a UTF-16 pair ("\\ud800"); such a string cannot be encoded to be sealed.
_SURROGATE = re.compile("[\ud800-\udfff]")


# Errors ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class RecordInvalid(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))

    def by_path(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for e in self.errors:
            out.setdefault(e.path, e.message)
        return out


def fail(message: str, field: str = "") -> PydanticCustomError:
    """An error with our own (translated) message; ``field`` names the field a record-level check is about."""
    return PydanticCustomError("longreach", "{message}", {"message": message, "field": field})


def _path(loc: Sequence[Any], prefix: str) -> str:
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out = f"{out}.{str(part)[:40]}" if out else str(part)[:40]
    return out or "record"


def _message(error: Mapping[str, Any]) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "longreach":
        return str(ctx.get("message", error.get("msg", "")))
    if kind == "missing":
        return _("is required")
    if kind == "extra_forbidden":
        return _("is not a field of this record")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("must be an object with named fields")
    if kind == "string_unicode":
        return _("contains a lone surrogate (U+D800 to U+DFFF), which is not a character")
    if kind in ("string_type", "string_sub_type"):
        return _("must be text")
    if kind in ("list_type", "iterable_type"):
        return _("must be a list")
    if kind in ("bool_type", "bool_parsing"):
        return _("must be true or false")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("must be a whole number")
    if kind == "too_long" and "max_length" in ctx:
        return _("has more than %(max)d entries") % {"max": ctx["max_length"]}
    if kind == "string_too_long" and "max_length" in ctx:
        return _("is longer than %(max)d characters") % {"max": ctx["max_length"]}
    return str(error.get("msg", kind))[:300]


def field_errors(errors: Iterable[Mapping[str, Any]], *, prefix: str = "") -> list[FieldError]:
    """Our errors, with our paths and messages, from pydantic's."""
    out = []
    for e in errors:
        loc = list(e.get("loc", ()))
        field = (e.get("ctx") or {}).get("field") if e.get("type") == "longreach" else ""
        out.append(FieldError(_path([*loc, field] if field else loc, prefix), _message(e)))
    return out


# Vocabularies ------------------------------------------------------------------------


class Vocabularies:
    """Active codes per vocabulary, read once per validation."""

    def __init__(self) -> None:
        self._active: dict[str, set[str]] = {}
        self._retired: dict[str, set[str]] = {}

    def _load(self, vocabulary: str) -> None:
        rows = Term.objects.filter(vocabulary__code=vocabulary).values_list("code", "retired_at")
        self._active[vocabulary] = {c for c, r in rows if r is None}
        self._retired[vocabulary] = {c for c, r in rows if r is not None}

    def check(
        self, vocabulary: str, code: str, keep: Iterable[str] = (), *, retired_ok: bool = False
    ) -> str | None:
        """None if ``code`` may be used, else the reason."""
        if vocabulary not in self._active:
            self._load(vocabulary)
        if code in self._active[vocabulary] or code in keep:
            return None
        if code in self._retired[vocabulary]:
            if retired_ok:
                return None
            return _("%(code)s is a retired term of %(vocabulary)s") % {
                "code": code,
                "vocabulary": vocabulary,
            }
        return _("%(code)s is not a code of the %(vocabulary)s vocabulary") % {
            "code": code[:80],
            "vocabulary": vocabulary,
        }


def _vocabulary_problem(info: ValidationInfo, vocabulary: str, code: str) -> str | None:
    context = info.context if isinstance(info.context, dict) else {}
    vocab = context.setdefault("vocab", Vocabularies())
    request = context.get("request")
    return vocab.check(  # type: ignore[no-any-return]
        vocabulary,
        code,
        context.get("keep", ()),
        retired_ok=request is not None and request.method == "PUT",
    )


# Field types -------------------------------------------------------------------------
# Each is the metadata of a model field: what it accepts, what it turns the
# value into, what it tells a person whose value does not fit, and what the
# API's schema says of it.


class Check:
    """A check run before pydantic's own, with the JSON-schema words that describe it."""

    def __init__(self, func: Callable[[Any, ValidationInfo], Any], **schema: Any) -> None:
        self.func, self.schema = func, schema

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.with_info_before_validator_function(
            lambda value, info: self.func(text_only(value), info), handler(source)
        )

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> Any:
        return {**handler(schema), **self.schema}


def text_only(value: Any) -> Any:
    """Refuse what text cannot hold before any other check can quote it back (or seal it)."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and ("\x00" in item or _SURROGATE.search(item)):
            if _SURROGATE.search(item):
                raise fail(_("contains a lone surrogate (U+D800 to U+DFFF), which is not a character"))
            raise fail(_("contains a NUL character"))
    return value


def _plain(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: func(text_only(value))


def _clean_text(value: Any, limit: int, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise fail(_("must be text"))
    value = value.strip()
    if "\x00" in value:
        raise fail(_("contains a NUL character"))
    if _SURROGATE.search(value):
        raise fail(_("contains a lone surrogate (U+D800 to U+DFFF), which is not a character"))
    if len(value) > limit:
        raise fail(_("is %(n)d characters; the limit is %(max)d") % {"n": len(value), "max": limit})
    if required and not value:
        raise fail(_("is required"))
    return str(value)


def text(limit: int = SHORT, *, required: bool = False) -> Check:
    return Check(lambda value, _info: _clean_text(value, limit, required), maxLength=limit)


Short = Annotated[str, text()]
Long = Annotated[str, text(LONG)]


def _clean_strings(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [v for v in (p.strip() for p in value.replace("\n", ";").split(";")) if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(_("must be a list of text values"))
    if len(value) > LIST:
        raise fail(_("has %(n)d entries; the limit is %(max)d") % {"n": len(value), "max": LIST})
    for v in value:
        if len(v) > SHORT or "\x00" in v or _SURROGATE.search(v):
            raise fail(_("an entry is too long or holds a NUL character"))
    return [v.strip() for v in value if v.strip()]


Strings = Annotated[
    list[str], Check(lambda value, _info: _clean_strings(value), description="a list, or text split at ';'")
]


def vocabulary(name: str, *, required: bool = False, default: str = "") -> Check:
    """A code of vocabulary ``name``; an empty value is ``default``."""

    def check(value: Any, info: ValidationInfo) -> str:
        if value in (None, ""):
            if required and not default:
                raise fail(_("is required"))
            return default
        if not isinstance(value, str) or len(value) > 64:
            raise fail(_("must be a code of the %(vocabulary)s vocabulary") % {"vocabulary": name})
        upper = value.strip().upper()
        problem = _vocabulary_problem(info, name, upper)
        if problem:
            raise fail(problem)
        return upper

    return Check(check, description=f"a code of the {name} vocabulary")


def vocabulary_list(name: str, *, required: bool = False) -> Check:
    """Codes of vocabulary ``name``, upper-cased, each once; text is split at ";"."""

    def check(value: Any, info: ValidationInfo) -> list[str]:
        out: list[str] = []
        problems = []
        for v in _clean_strings(value):
            problem = _vocabulary_problem(info, name, v.upper())
            if problem:
                problems.append(problem)
            elif v.upper() not in out:
                out.append(v.upper())
        if problems:
            raise fail("; ".join(problems))
        if required and not out:
            raise fail(_("choose at least one"))
        return out

    return Check(check, description=f"codes of the {name} vocabulary")


def one_of(allowed: list[str], default: str) -> Check:
    """One of ``allowed`` (any case); an empty value is ``default``."""

    def check(value: Any, _info: ValidationInfo) -> str:
        if value in (None, ""):
            return default
        if not isinstance(value, str) or value.strip().upper() not in allowed:
            raise fail(_("must be one of %(allowed)s") % {"allowed": ", ".join(allowed)})
        return value.strip().upper()

    return Check(check, enum=[*allowed, ""] if default == "" else allowed)


def _clean_country(value: Any, required: bool) -> str:
    if value in (None, ""):
        if required:
            raise fail(_("is required"))
        return ""
    try:
        return countries.normalise(value)
    except countries.CountryError:
        raise fail(
            _("%(value)s is not a two-letter ISO 3166-1 country code") % {"value": repr(value)[:20]}
        ) from None


Country = Annotated[
    str, Check(lambda value, _info: _clean_country(value, False), description="ISO 3166-1 alpha-2")
]
RequiredCountry = Annotated[
    str, Check(lambda value, _info: _clean_country(value, True), description="ISO 3166-1 alpha-2")
]


def _clean_partial_date(value: Any) -> PartialDate | None:
    if value in (None, ""):
        return None
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.date):
        value = value.isoformat()
    try:
        parsed = PartialDate.parse(value)
    except PartialDateError as exc:
        raise fail(str(exc)) from None
    if parsed.start > timezone.localdate():
        raise fail(_("is in the future"))
    return parsed


When = Annotated[
    PartialDate | None,
    PlainValidator(_plain(_clean_partial_date), json_schema_input_type=str),
    PlainSerializer(str, when_used="unless-none"),
    Field(description="YYYY, YYYY-MM or YYYY-MM-DD; a leading ~ marks it approximate"),
]


def _required(value: Any) -> Any:
    if value is None:
        raise fail(_("is required"))
    return value


RequiredWhen = Annotated[
    PartialDate,
    PlainValidator(_plain(lambda value: _required(_clean_partial_date(value))), json_schema_input_type=str),
    PlainSerializer(str),
    Field(description="YYYY, YYYY-MM or YYYY-MM-DD; a leading ~ marks it approximate"),
]


def _clean_day(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    written = str(value)
    try:
        if not _ISO_DAY.match(written):
            raise ValueError(written)
        return dt.date.fromisoformat(written)
    except ValueError:
        raise fail(_("must be a date written YYYY-MM-DD")) from None


Day = Annotated[
    dt.date | None,
    PlainValidator(_plain(_clean_day), json_schema_input_type=str),
    Field(description="YYYY-MM-DD"),
]


Today = Annotated[
    dt.date,
    PlainValidator(
        _plain(lambda value: _clean_day(value) or timezone.localdate()), json_schema_input_type=str
    ),
    Field(description="YYYY-MM-DD; today when empty"),
]


def _clean_flag(value: Any) -> bool:
    if value in (None, "", False, "0", "false", "False", "no", "off"):
        return False
    if value in (True, "1", "true", "True", "yes", "on"):
        return True
    raise fail(_("must be true or false"))


RequiredDay = Annotated[
    dt.date, PlainValidator(_plain(lambda value: _required(_clean_day(value))), json_schema_input_type=str)
]
Flag = Annotated[bool, PlainValidator(_plain(_clean_flag), json_schema_input_type=bool)]


def _clean_ref(value: Any) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or len(value) > 16:
        raise fail(_("must be a record code such as P-7KQ2ZD4M"))
    return value.strip()


Ref = Annotated[
    str, Check(lambda value, _info: _clean_ref(value), description="a record code such as P-7KQ2ZD4M")
]


def _clean_items(value: Any) -> list[Any]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise fail(_("must be a list"))
    if len(value) > LIST:
        raise fail(_("has %(n)d entries; the limit is %(max)d") % {"n": len(value), "max": LIST})
    return value


_Item = TypeVar("_Item")
Items = Annotated[list[_Item], Check(lambda value, _info: _clean_items(value), maxItems=LIST)]


def has_letters(value: str) -> bool:
    """Names are found again through a blind index of their letters; one without any has no index."""
    try:
        normalise.name(value)
    except ValueError:
        return False
    return True
