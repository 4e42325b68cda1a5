"""Reads of messages, campaigns and alerts, always scoped to the compartments the user may read.

A campaign may span compartments the user cannot read: its page then shows
only how many other compartments and cases it reaches, never their names,
cases or messages.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from longreach.accounts import access
from longreach.accounts.models import Compartment, User
from longreach.core.codes import is_code
from longreach.messages import learning
from longreach.messages.models import (
    Alert,
    Campaign,
    CampaignMember,
    CampaignName,
    ChatImport,
    Message,
    MessageAttachment,
    MessageIdentifier,
    TagJudgement,
    TagModel,
)
from longreach.registry import selectors as registry_selectors
from longreach.registry.models import Case
from longreach.vault.models import EvidenceItem

PAGE = 200  # messages on one page of a timeline
SENDERS = 200  # senders offered in a timeline's filter, most frequent first


def message_for_user(*, user: User, code: str) -> Message:
    """The message, or 404 for absent and forbidden alike (the refusal is audited)."""
    return access.record_for_user(
        Message.objects.select_related("case", "chat_import__item"),
        user=user,
        code=code,
        action="case.read",
        kind="message",
    )


def import_for_user(*, user: User, code: str) -> ChatImport:
    return access.record_for_user(
        ChatImport.objects.select_related("case", "item"),
        user=user,
        code=code,
        action="case.read",
        kind="chat-import",
    )


@dataclass(frozen=True)
class TimelineFilters:
    tag: str = ""
    flag: str = ""
    sender: str = ""  # a sender's message code: messages with the same sender
    since: dt.date | None = None
    until: dt.date | None = None
    system: bool = True  # system messages shown


def case_messages(*, case: Case, filters: TimelineFilters) -> QuerySet[Message]:
    """A case's messages in time order (the caller has the case from ``case_for_user``)."""
    qs = Message.objects.filter(case=case).select_related("chat_import")
    if filters.tag:
        qs = qs.filter(tag_codes__contains=f"|{filters.tag}|")
    if filters.flag:
        qs = qs.filter(flag_codes__contains=f"|{filters.flag}|")
    if filters.since:
        qs = qs.filter(sent_at__date__gte=filters.since)
    if filters.until:
        qs = qs.filter(sent_at__date__lte=filters.until)
    if not filters.system:
        qs = qs.filter(system=False)
    if filters.sender:
        anchor = (
            Message.objects.filter(case=case, code=filters.sender).first()
            if is_code(filters.sender)
            else None
        )
        if anchor is None:
            return qs.none()
        qs = qs.filter(sender_group=anchor.sender_group) if anchor.sender_group else qs.none()
    return qs.order_by("sent_at", "position")


def case_message_summary(case: Case) -> dict[str, Any]:
    """Counts for a case's messages section: per tag, per flag, and the imports."""
    tags: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    total = 0
    for tag_codes, flag_codes in Message.objects.filter(case=case).values_list("tag_codes", "flag_codes"):
        total += 1
        tags.update(c for c in tag_codes.split("|") if c)
        flags.update(c for c in flag_codes.split("|") if c)
    return {
        "total": total,
        "tags": sorted(tags.items(), key=lambda kv: (-kv[1], kv[0])),
        "flags": sorted(flags.items(), key=lambda kv: (-kv[1], kv[0])),
        "imports": ChatImport.objects.filter(case=case).select_related("item").order_by("-created_at"),
    }


def case_section(*, user: User, case: Case) -> dict[str, int]:
    """What the case page shows of its messages: how many, and alerts this user has not seen."""
    return {
        "total": Message.objects.filter(case=case).count(),
        "alerts": alerts_for_case(user=user, case=case).count(),
    }


def case_senders(case: Case) -> list[tuple[str, str, int]]:
    """(sender, code of their first message, messages) for a case's filter, most frequent first.

    Grouped by the sender's blind index, so only one message per sender is opened (to show the name).
    """
    groups = (
        Message.objects.filter(case=case)
        .exclude(sender_group="")
        .values("sender_group")
        .annotate(n=Count("id"))
        .order_by("-n")[:SENDERS]
    )
    firsts = []
    for group in groups:
        same = Message.objects.filter(case=case, sender_group=group["sender_group"])
        first = same.order_by("sent_at", "position")[0]
        firsts.append((-group["n"], first.sent_at, first.position, first))
    firsts.sort(key=lambda t: t[:3])  # most messages first; among equals, who wrote first
    return [(first.sender, first.code, -n) for n, _at, _pos, first in firsts]


def alerts_for_case(*, user: User, case: Case) -> QuerySet[Alert]:
    return Alert.objects.filter(case=case).exclude(seen_by=user).select_related("message", "campaign")


def alerts_for_user(user: User) -> QuerySet[Alert]:
    """Unseen alerts of the cases the user works on: assigned to them, or any case of theirs if unassigned."""
    mine = Q(case__assigned=user) | Q(case__assigned__isnull=True)
    return (
        Alert.objects.filter(compartment__in=access.compartments(user, "case.read"))
        .filter(mine)
        .exclude(seen_by=user)
        .select_related("case", "campaign")
        .distinct()
    )


def alert_for_user(*, user: User, code: str) -> Alert:
    return access.record_for_user(Alert, user=user, code=code, action="case.read", kind="alert")


def message_campaign(message: Message) -> Campaign | None:
    member = getattr(message, "campaign_member", None)
    return member.campaign if member is not None else None


def campaign_names(user: User, codes: list[str]) -> dict[str, dict[str, str]]:
    """Campaign code -> compartment code -> the name that compartment gave it, for the user's own
    compartments only (sealed; opened here)."""
    names: dict[str, dict[str, str]] = {}
    for row in (
        CampaignName.objects.filter(
            campaign_code__in=codes, compartment__in=access.compartments(user, "case.read")
        )
        .select_related("compartment")
        .order_by("named_at")
    ):
        names.setdefault(row.campaign_code, {})[row.compartment.code] = row.name
    return names


def campaigns_for_user(user: User) -> QuerySet[Campaign]:
    """Campaigns with at least one message the user may read."""
    return Campaign.objects.filter(
        members__message__compartment__in=access.compartments(user, "case.read")
    ).distinct()


@dataclass
class CampaignView:
    campaign: Campaign
    messages: list[Message]  # the ones the user may read, in time order
    cases: list[Case]  # readable cases (their codes are the victims' pseudonyms)
    hidden_compartments: int  # compartments the user cannot read: counted, never named
    hidden_cases: int
    hidden_messages: int
    compartments: list[Compartment] = field(default_factory=list)
    senders: list[tuple[str, int]] = field(default_factory=list)
    links: list[tuple[str, int]] = field(default_factory=list)
    template: str = ""
    graph: dict[str, Any] = field(default_factory=dict)


def campaign_for_user(*, user: User, code: str) -> CampaignView:
    campaign = Campaign.objects.filter(code=code).first() if is_code(code) else None
    readable = set(access.compartments(user, "case.read").values_list("pk", flat=True))
    if campaign is None:
        raise Http404("not found")
    all_members = list(
        Message.objects.filter(campaign_member__campaign=campaign)
        .select_related("case", "compartment")
        .order_by("sent_at", "position")
    )
    mine = [m for m in all_members if m.compartment_id in readable]
    if not mine:
        raise Http404("not found")
    others = [m for m in all_members if m.compartment_id not in readable]
    cases = list({m.case_id: m.case for m in mine}.values())
    compartments = list({m.compartment_id: m.compartment for m in mine}.values())
    senders: Counter[str] = Counter(m.sender for m in mine if m.sender)
    link_counts: Counter[str] = Counter(
        ident.value
        for ident in MessageIdentifier.objects.filter(message__in=mine, kind=MessageIdentifier.Kind.URL)
    )
    texts: Counter[str] = Counter(m.text for m in mine if m.text and not m.system)
    view = CampaignView(
        campaign=campaign,
        messages=mine,
        cases=cases,
        hidden_compartments=len({m.compartment_id for m in others}),
        hidden_cases=len({m.case_id for m in others}),
        hidden_messages=len(others),
        compartments=compartments,
        senders=senders.most_common(20),
        links=link_counts.most_common(20),
        template=texts.most_common(1)[0][0] if texts else "",
    )
    view.graph = _graph(mine)
    return view


GRAPH_MESSAGES = 2000  # messages drawn in the campaigns list's graph (the most recent campaigns' first)


def campaigns_graph(*, user: User, campaigns: list[Campaign]) -> dict[str, Any]:
    """Senders, victims and link domains of the listed campaigns, from the messages the user may read."""
    shown = list(
        Message.objects.filter(
            campaign_member__campaign__in=campaigns, compartment__in=access.compartments(user, "case.read")
        )
        .select_related("case")
        .order_by("-sent_at")[:GRAPH_MESSAGES]
    )
    return _graph(shown)


def _graph(messages: list[Message]) -> dict[str, Any]:
    """Senders, victims (cases) and links as nodes; an edge for each pair seen in one message."""
    nodes: dict[tuple[str, str], int] = {}
    edges: Counter[tuple[int, int]] = Counter()

    def node(kind: str, label: str) -> int:
        return nodes.setdefault((kind, label), len(nodes))

    for m in messages:
        victim = node("case", m.case.code)
        if m.sender:
            edges[(node("sender", m.sender), victim)] += 1
        for link in m.links:
            edges[(victim, node("link", link.get("domain") or link.get("host", "")))] += 1
    # Three columns, senders | victims | links, each in the order first seen: readable without a script.
    columns = {"sender": 0, "case": 1, "link": 2}
    rows: Counter[str] = Counter()
    placed = []
    for (kind, label), i in nodes.items():
        placed.append(
            {"id": i, "kind": kind, "label": label, "x": 120 + 260 * columns[kind], "y": 30 + 36 * rows[kind]}
        )
        rows[kind] += 1
    by_id = {n["id"]: n for n in placed}
    return {
        "nodes": placed,
        "edges": [
            {"x1": by_id[a]["x"], "y1": by_id[a]["y"], "x2": by_id[b]["x"], "y2": by_id[b]["y"], "n": n}
            for (a, b), n in edges.items()
        ],
        "height": 60 + 36 * max(rows.values(), default=1),
    }


# Tag judgements and the compartment's model ---------------------------------------------------------


@dataclass
class TagReview:
    """What the message page shows of its tags: the rules', what analysts said, what the model suggests."""

    rules: list[dict[str, Any]]  # the message's tags, each with "judgement": the latest TagJudgement or None
    added: list[TagJudgement]  # codes analysts added that the rules did not set (latest says it carries)
    suggestions: list[learning.Suggestion]  # the model's, for codes neither the rules nor anyone set
    model: TagModel | None


def tag_review(message: Message) -> TagReview:
    """For a message the caller may read (``message_for_user``)."""
    latest: dict[str, TagJudgement] = {}
    for judgement in TagJudgement.objects.filter(message=message).select_related("by").order_by("at"):
        latest[judgement.tag] = judgement
    rules = [{**t, "judgement": latest.get(t["code"])} for t in message.tags]
    by_rules = {t["code"] for t in rules}
    added = [j for code, j in latest.items() if code not in by_rules and j.carries]
    model = TagModel.objects.filter(compartment_id=message.compartment_id).first()
    suggestions: list[learning.Suggestion] = []
    if model is not None and model.weights:
        learned = learning.TagModel.from_dict(model.weights)
        if learned is not None:
            suggestions = learned.suggest(message.text, leave_out=by_rules | latest.keys())
    return TagReview(rules, added, suggestions, model)


@dataclass
class TagModelSummary:
    model: TagModel | None
    scores: list[learning.CodeScore]
    needed: int = learning.MIN_EACH


def tag_model_summary(*, user: User, compartment_id: Any) -> TagModelSummary:
    """The compartment's model and its cross-validated scores per code, for a member who may read cases."""
    access.require(user, "case.read", compartment_id)
    model = TagModel.objects.filter(compartment_id=compartment_id).first()
    scores = [learning.CodeScore(**s) for s in (model.scores or {}).values()] if model is not None else []
    return TagModelSummary(model, sorted(scores, key=lambda s: s.code))


def campaign_arrivals(since: dt.datetime, until: dt.datetime) -> list[tuple[str, uuid.UUID, dt.datetime]]:
    """(campaign code, compartment, sent at) of every campaign message sent in the span: what the
    surge watch counts, for every compartment (the watch tells each lead counts only)."""
    return list(
        CampaignMember.objects.filter(message__sent_at__gte=since, message__sent_at__lt=until).values_list(
            "campaign__code", "message__compartment_id", "message__sent_at"
        )
    )


def messages_text_search(*, user: User, query: str, limit: int = 100) -> list[Message]:
    """Messages whose text or sender contains ``query`` (the newest the user may read, opened in the
    request only)."""
    window = access.scoped(Message, user, "case.read").select_related("case").order_by("-sent_at")
    return registry_selectors.sealed_search(window, ("text", "sender"), query, limit)


def attachment_items(messages: list[Message]) -> list[tuple[Any, EvidenceItem]]:
    """(message id, evidence item) for the files that came with these messages and are still kept."""
    return [
        (a.message_id, a.item)
        for a in MessageAttachment.objects.filter(message__in=messages, item__status="active")
        .select_related("item")
        .order_by("pk")
    ]
