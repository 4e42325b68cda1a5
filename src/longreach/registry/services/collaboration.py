"""Working together on a case: comments with mentions, and who works an incident or a task."""

from __future__ import annotations

import re
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longreach.accounts import access
from longreach.accounts.models import Compartment, User
from longreach.audit.models import Event
from longreach.core.seen import mark_seen
from longreach.registry.fields import FieldError, RecordInvalid
from longreach.registry.models import Case, Comment, Incident, Task
from longreach.registry.services.writing import _audit

COMMENT_CHARS = 5000
# A username after "@" (Django's username characters), not inside an e-mail address.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]{1,150})")


def mentioned_names(body: str) -> list[str]:
    """The usernames a comment mentions, each once, in order (a sentence's full stop is not part of one)."""
    return list(dict.fromkeys(m.rstrip(".") for m in MENTION.findall(body) if m.rstrip(".")))


@transaction.atomic
def comment_add(
    *, user: User, body: str, case: Case | None = None, incident: Incident | None = None
) -> Comment:
    target = case if case is not None else incident
    if target is None:
        raise ValueError("a comment is on a case or an incident")
    access.require(user, "case.write", target.compartment)
    body = body.strip()
    if not body:
        raise RecordInvalid([FieldError("body", _("write something"))])
    if len(body) > COMMENT_CHARS:
        raise RecordInvalid([FieldError("body", _("at most %(n)d characters") % {"n": COMMENT_CHARS})])
    readers = {u.username: u for u in access.members_who_may(target.compartment, "case.read")}
    names = mentioned_names(body)
    unknown = [n for n in names if n not in readers]
    if unknown:
        raise RecordInvalid(
            [
                FieldError(
                    "body",
                    _("nobody who may read this compartment is called %(names)s")
                    % {"names": ", ".join("@" + n for n in unknown)},
                )
            ]
        )
    comment = Comment(
        id=uuid.uuid4(),
        compartment=target.compartment,
        case=case,
        incident=incident,
        author=user,
        created_at=timezone.now(),
    )
    comment.body = body
    comment.save()
    mentioned = [readers[n] for n in names if readers[n].pk != user.pk]
    comment.mentions.set(mentioned)
    _audit(
        Event.RECORD_CREATED,
        user,
        target.compartment,
        "comment",
        comment.code,
        on=target.code,
        mentions=len(mentioned),
    )
    return comment


def mentions_seen(*, user: User, comments: list[Comment]) -> int:
    """Mark seen the comments among ``comments`` (with their mentions and seen_by prefetched, as
    ``selectors.comments_on`` gives them) that mention the user and they had not seen."""
    new = [
        c
        for c in comments
        if any(m.pk == user.pk for m in c.mentions.all()) and all(s.pk != user.pk for s in c.seen_by.all())
    ]
    return mark_seen(new, user)


def _assignee(compartment: Compartment, code: str) -> User | None:
    if not code:
        return None
    found = next((u for u in access.members_who_may(compartment, "case.read") if u.code == code), None)
    if found is None:
        raise RecordInvalid([FieldError("assigned_to", _("is not a member of this compartment"))])
    return found


@transaction.atomic
def incident_assign(*, user: User, incident: Incident, assignee_code: str) -> Incident:
    """Give the incident to a colleague of its compartment (an empty code: to nobody)."""
    access.require(user, "case.write", incident.compartment)
    incident.assigned_to = _assignee(incident.compartment, assignee_code)
    incident.save(update_fields=["assigned_to"])
    _audit(
        Event.RECORD_UPDATED,
        user,
        incident.compartment,
        "incident",
        incident.code,
        assigned=incident.assigned_to is not None,
    )
    return incident


@transaction.atomic
def task_assign(*, user: User, task: Task, assignee_code: str) -> Task:
    """Give the task to a colleague of its compartment (an empty code: to nobody)."""
    access.require(user, "case.write", task.compartment)
    task.assigned_to = _assignee(task.compartment, assignee_code)
    task.save(update_fields=["assigned_to"])
    _audit(
        Event.RECORD_UPDATED, user, task.compartment, "task", task.code, assigned=task.assigned_to is not None
    )
    return task
