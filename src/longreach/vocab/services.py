"""Local changes to vocabularies: add, retire and restore terms (administrators)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from longreach.accounts.errors import NotAllowed, ServiceError
from longreach.accounts.models import User
from longreach.accounts.roles import allowed
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.vocab.codebook import CODE, LANG, MAX_TEXT
from longreach.vocab.models import Term, Vocabulary


def _check(acting_user: User | str) -> None:
    if isinstance(acting_user, User) and not allowed(acting_user, "vocab.manage"):
        raise NotAllowed("only administrators change vocabularies")


@transaction.atomic
def term_add(
    *,
    vocabulary: str,
    code: str,
    label: str,
    definition: str = "",
    labels: dict[str, str] | None = None,
    family: str = "",
    acting_user: User | str,
) -> Term:
    _check(acting_user)
    vocab = Vocabulary.objects.filter(code=vocabulary).first()
    if vocab is None:
        raise ServiceError(f"no vocabulary {vocabulary!r}")
    if not CODE.match(code):
        raise ServiceError(f"code {code!r} must be UPPER_SNAKE_CASE (letters, digits, _; at most 64)")
    if Term.objects.filter(vocabulary=vocab, code=code).exists():
        raise ServiceError(f"{vocabulary} already has a term {code}")
    if not label.strip() or len(label) > 200:
        raise ServiceError("a term needs a label of 1 to 200 characters")
    if len(definition) > MAX_TEXT:
        raise ServiceError(f"the definition is longer than {MAX_TEXT} characters")
    labels = labels or {}
    bad = [k for k, v in labels.items() if not LANG.match(k) or not v.strip() or len(v) > 200]
    if bad:
        raise ServiceError(f"labels for {', '.join(bad)} must use a language code and 1 to 200 characters")
    if family and not Term.objects.filter(vocabulary__code=f"{vocabulary}_family", code=family).exists():
        raise ServiceError(f"family {family!r} is not a term of {vocabulary}_family")
    position = (
        Term.objects.filter(vocabulary=vocab).order_by("-position").values_list("position", flat=True).first()
        or 0
    ) + 1
    term = Term.objects.create(
        vocabulary=vocab,
        code=code,
        label=label.strip(),
        definition=definition.strip(),
        labels=labels,
        family=family,
        position=position,
        shipped=False,
    )
    audit_record(
        Event.TERM_ADDED,
        actor=acting_user,
        object_type="term",
        detail={"vocabulary": vocabulary, "code": code},
    )
    return term


def term_retire(*, term: Term, acting_user: User | str) -> None:
    """Hide a term from forms; records already coded with it keep it."""
    _set_retired(term, True, acting_user)


def term_restore(*, term: Term, acting_user: User | str) -> None:
    _set_retired(term, False, acting_user)


@transaction.atomic
def _set_retired(term: Term, retired: bool, acting_user: User | str) -> None:
    _check(acting_user)
    if (term.retired_at is not None) == retired:
        raise ServiceError(f"{term.code} is {'already' if retired else 'not'} retired")
    term.retired_at = timezone.now() if retired else None
    term.save(update_fields=["retired_at"])
    audit_record(
        Event.TERM_RETIRED if retired else Event.TERM_RESTORED,
        actor=acting_user,
        object_type="term",
        detail={"vocabulary": term.vocabulary.code, "code": term.code},
    )
