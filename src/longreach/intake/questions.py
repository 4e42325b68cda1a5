"""The reporter's questions: steps, plain words for codebook terms, and what each answer means.

The form carries every answer from step to step in hidden fields, so nothing
is stored on the server until the reporter presses "Send" and nothing needs
JavaScript. Each post re-validates all earlier steps: hidden fields are
input like any other.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from django import forms
from longreach.geo import countries
from longreach.intake import urgency
from longreach.vocab.selectors import catalogue

# Codebook tactics in the words a person would use about what happened to them.
PLAIN_TACTICS: list[tuple[str, Any]] = [
    ("DIRECT_THREAT", _("Someone threatened me")),
    ("FAMILY_THREAT", _("They threatened my family")),
    ("FAMILY_DETAINED", _("A relative was detained, questioned or taken away")),
    ("FAMILY_ECONOMIC", _("My relatives lost jobs, pensions or property because of me")),
    ("FAMILY_DENOUNCE", _("My relatives were made to plead with me or denounce me")),
    ("RELATIVES_TRAVEL_BAN", _("My relatives are not allowed to travel")),
    ("FAMILY_CONTACT_OFFER", _("They offered me contact with my family in exchange for something")),
    ("INFO_SELF", _("They asked for information about me (address, work, documents)")),
    ("INFO_OTHERS", _("They asked me for information about other people")),
    ("RECRUITMENT", _("They asked me to work for them or spy")),
    ("RETURN_PRESSURE", _("They told me to go back to my home country")),
    ("SILENCE", _("They told me to stop speaking out or delete posts")),
    ("SURVEILLANCE", _("I was followed, watched or photographed")),
    ("APPROACH_IN_PERSON", _("Someone approached me in person")),
    ("ASSAULT", _("I was attacked or hurt")),
    ("ABDUCTION", _("Someone tried to take me by force")),
    ("DETENTION_HOST", _("I was detained in the country where I live or travelled to")),
    ("INTERPOL_RED_NOTICE", _("I learned of an Interpol notice against me")),
    ("EXTRADITION_REQUEST", _("My home country asked for me to be sent back (extradition)")),
    ("DOCS_DENIED", _("My passport or documents were refused, cancelled or not renewed")),
    ("PHISHING", _("I received a suspicious link or a message asking for a password or code")),
    ("ACCOUNT_COMPROMISE", _("Someone got into my phone, e-mail or social media account")),
    ("SPYWARE", _("I think my phone or computer has spy software")),
    ("DOXXING", _("My address or private details were published")),
    ("ONLINE_HARASSMENT", _("I was harassed or insulted online")),
    ("SMEAR", _("Lies were spread about me in the media or online")),
    ("IMPERSONATION", _("Someone pretended to be me or someone I know")),
]

PLAIN_DEMANDS: list[tuple[str, Any]] = [
    ("STOP_ACTIVISM", _("Stop my activism or work")),
    ("DELETE_POSTS", _("Delete posts or stop posting")),
    ("RETRACT_OR_DENOUNCE", _("Take back what I said or denounce others")),
    ("PROVIDE_OWN_INFO", _("Give information about myself")),
    ("PROVIDE_INFO_ON_OTHERS", _("Give information about other people")),
    ("ATTEND_AND_REPORT", _("Go to events or meetings and report on them")),
    ("PHOTOGRAPH_PEOPLE", _("Take photos of people")),
    ("RETURN_HOME", _("Come back to my home country")),
    ("GO_TO_EMBASSY", _("Go to the embassy or consulate")),
    ("TRAVEL_TO_THIRD_COUNTRY", _("Travel to another country")),
    ("PAY_MONEY", _("Pay money")),
    ("DISOWN_RELATIVE", _("Cut ties with a relative")),
    ("NONE_STATED", _("They did not say what they wanted")),
]

YES, NO, UNSURE = "yes", "no", "unsure"
YES_NO = [(YES, _("Yes")), (NO, _("No"))]
REPORTER_ROLES = [
    ("self", _("It happened to me")),
    ("relative", _("It happened to a relative or friend")),
    ("organisation", _("I work for an organisation helping someone")),
]
RELATIVE_SLOTS = 3
PRECARIOUS = frozenset({"ASYLUM_SEEKER", "VISA_HOLDER", "UNDOCUMENTED", "STATELESS"})
DETENTION_OUTCOMES = frozenset({"DETAINED", "IMPRISONED", "DISAPPEARED", "CAMP"})
_NONCE = re.compile(r"^[0-9a-f]{32}$")


class ListSelect(forms.Select):
    """A select rendered without a template per option: the country lists have 250 options
    and every reporter page carries two of them. Same HTML as Django's Select."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = set(self.format_value(value))
        options = "".join(
            format_html(
                '<option value="{}"{}>{}</option>',
                v,
                mark_safe(" selected") if str(v) in chosen else "",  # noqa: S308 (a constant)
                label,
            )
            for v, label in self.choices
        )
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options))  # noqa: S308 (escaped above)


class CountryField(forms.ChoiceField):
    """ISO 3166-1 countries named in the visitor's language; a posted code is checked against
    a set, so the 250 options are only listed when the select is drawn."""

    def __init__(self, **kwargs: Any) -> None:
        lang = get_language() or "en"
        self._codes = frozenset(countries.all_codes())
        super().__init__(choices=lambda: _blank(countries.choices(lang)), widget=ListSelect, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return str(value) in self._codes


def _blank(choices: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class ReportForm(forms.Form):
    """Every question of every step; ``STEPS`` says which are shown together."""

    STEPS: list[tuple[str, Any, tuple[str, ...]]] = [
        (
            "safety",
            _("Your safety first"),
            (
                "host_country",
                "danger",
                "threat_to_life",
                "removal_soon",
                "self_harm",
                "safe_now",
                "contact_channel",
                "contact_times",
            ),
        ),
        (
            "you",
            _("About you"),
            ("reporter", "name", "origin_state", "community", "immigration_status", "minor"),
        ),
        (
            "what",
            _("What happened"),
            ("tactics", "demands", "year", "month", "day", "repeated", "channels", "knew", "knew_routine"),
        ),
        (
            "family",
            _("Your family"),
            tuple(
                f"rel{i}_{part}"
                for i in range(RELATIVE_SLOTS)
                for part in ("relationship", "outcomes", "recent")
            ),
        ),
        ("words", _("Their exact words"), ("wording", "story")),
        ("help", _("Help and consent"), ("help", "consents")),
        ("send", _("Files and sending"), ()),
    ]

    nonce = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cat = catalogue()
        text = settings.INTAKE_TEXT_CHARS
        f = self.fields
        f["host_country"] = CountryField(label=_("Which country do you live in now?"), required=True)
        f["danger"] = forms.ChoiceField(
            label=_("Are you in danger right now?"), choices=YES_NO, widget=forms.RadioSelect, required=True
        )
        f["threat_to_life"] = forms.BooleanField(
            label=_("The police warned me that my life is in danger"), required=False
        )
        f["removal_soon"] = forms.BooleanField(
            label=_("I may be deported, extradited or made to travel in the next three days"), required=False
        )
        f["self_harm"] = forms.BooleanField(label=_("I am thinking of ending my life"), required=False)
        f["safe_now"] = forms.ChoiceField(
            label=_("Is it safe for you to fill in this form now?"),
            choices=[*YES_NO, (UNSURE, _("I am not sure"))],
            widget=forms.RadioSelect,
            required=False,
        )
        f["contact_channel"] = forms.CharField(
            label=_("A safe way to contact you (optional)"),
            help_text=_("For example a Signal number or an e-mail address only you read."),
            max_length=300,
            required=False,
        )
        f["contact_times"] = forms.CharField(
            label=_("When it is safe to contact you (optional)"), max_length=300, required=False
        )
        f["reporter"] = forms.ChoiceField(
            label=_("Who is reporting?"), choices=REPORTER_ROLES, widget=forms.RadioSelect, required=False
        )
        f["name"] = forms.CharField(
            label=_("What should we call you? (optional, a nickname is fine)"), max_length=300, required=False
        )
        f["origin_state"] = CountryField(
            label=_("Which country is behind this?"),
            help_text=_("Usually the country you or your family come from."),
            required=True,
        )
        f["community"] = forms.ChoiceField(
            label=_("Your community (optional)"),
            choices=_blank(cat.choices.get("community", [])),
            required=False,
        )
        f["immigration_status"] = forms.ChoiceField(
            label=_("Your status in the country where you live (optional)"),
            choices=_blank(cat.choices.get("immigration_status", [])),
            required=False,
        )
        f["minor"] = forms.BooleanField(label=_("A child under 18 is involved"), required=False)
        f["tactics"] = forms.MultipleChoiceField(
            label=_("What happened? Choose all that fit."),
            choices=PLAIN_TACTICS,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        f["demands"] = forms.MultipleChoiceField(
            label=_("What did they want from you?"),
            choices=PLAIN_DEMANDS,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        f["year"] = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100, required=False)
        f["month"] = forms.IntegerField(label=_("Month"), min_value=1, max_value=12, required=False)
        f["day"] = forms.IntegerField(label=_("Day"), min_value=1, max_value=31, required=False)
        f["repeated"] = forms.BooleanField(label=_("It has happened more than once"), required=False)
        f["channels"] = forms.MultipleChoiceField(
            label=_("How did they reach you?"),
            choices=cat.choices.get("channel", []),
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        f["knew"] = forms.CharField(
            label=_("What did they know about you? (optional)"),
            widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            max_length=text,
            required=False,
        )
        f["knew_routine"] = forms.BooleanField(
            label=_("They knew my address or my daily routine"), required=False
        )
        relationships = _blank(cat.choices.get("relationship", []))
        outcomes = cat.choices.get("relative_outcome", [])
        for i in range(RELATIVE_SLOTS):
            f[f"rel{i}_relationship"] = forms.ChoiceField(
                label=_("Relative %(n)d: who?") % {"n": i + 1}, choices=relationships, required=False
            )
            f[f"rel{i}_outcomes"] = forms.MultipleChoiceField(
                label=_("What happened to them?"),
                choices=outcomes,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            f[f"rel{i}_recent"] = forms.BooleanField(label=_("In the last two weeks"), required=False)
        f["wording"] = forms.CharField(
            label=_("Copy their messages exactly, in the language they used (optional)"),
            widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
            max_length=text,
            required=False,
        )
        f["story"] = forms.CharField(
            label=_("Anything else you want us to know (optional)"),
            widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
            max_length=text,
            required=False,
        )
        f["help"] = forms.MultipleChoiceField(
            label=_("What help would you like?"),
            choices=cat.choices.get("referral_type", []),
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        f["consents"] = forms.MultipleChoiceField(
            label=_("You allow us to use what you tell us for:"),
            help_text=_("Each is optional and you can change your mind. Help never depends on it."),
            choices=cat.choices.get("consent_purpose", []),
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        # Honeypot: hidden from people by CSS and from screen readers; only robots fill it in.
        f["website"] = forms.CharField(required=False, max_length=300, label=_("Leave this empty"))

    @classmethod
    def step_index(cls, name: str) -> int:
        for i, (step, _title, _fields) in enumerate(cls.STEPS):
            if step == name:
                return i
        return 0

    @classmethod
    def fields_up_to(cls, index: int) -> set[str]:
        return {f for _s, _t, names in cls.STEPS[: index + 1] for f in names}

    def clean_nonce(self) -> str:
        value = self.cleaned_data.get("nonce", "")
        if not _NONCE.match(value):
            raise forms.ValidationError(_("This form is out of date; please start again."))
        return str(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year, month, day = data.get("year"), data.get("month"), data.get("day")
        if (month and not year) or (day and not month):
            self.add_error("year", _("Give the year (and the month, if you give a day)."))
        elif year:
            try:
                first = dt.date(year, month or 1, day or 1)
            except ValueError:
                self.add_error("day", _("This day does not exist in that month."))
            else:
                if first > timezone.localdate():
                    self.add_error("year", _("This date is in the future."))
        return data

    def step_errors(self, upto: int) -> int | None:
        """The first step (up to ``upto``) with an error, or None."""
        if self.is_valid():
            return None
        for i, (_s, _t, names) in enumerate(self.STEPS[: upto + 1]):
            if any(n in self.errors for n in names):
                return i
        # The rest (the one-time token, a field of a later step) is shown where the reporter is.
        later = self.fields_up_to(len(self.STEPS)) - self.fields_up_to(upto)
        return upto if set(self.errors) - later else None


def describe(values: dict[str, Any]) -> list[tuple[Any, str]]:
    """Answers as (question, answer in words) for review: the reporter's and the volunteer's."""
    form = ReportForm()
    out: list[tuple[Any, str]] = []
    for name, field in form.fields.items():
        value = values.get(name)
        if name in ("nonce", "website") or value in (None, "", [], False):
            continue
        choices = {str(k): v for k, v in (getattr(field, "choices", None) or [])}
        if isinstance(value, list):
            shown = ", ".join(str(choices.get(str(v), v)) for v in value)
        elif value is True:
            shown = str(_("Yes"))
        else:
            shown = str(choices.get(str(value), value))
        out.append((field.label, shown))
    for i, rel in enumerate(values.get("relatives", [])):
        rel_field = form.fields[f"rel{i % RELATIVE_SLOTS}_relationship"]
        outcomes = dict(form.fields[f"rel{i % RELATIVE_SLOTS}_outcomes"].choices)  # type: ignore[attr-defined]
        relationship = dict(rel_field.choices).get(rel.get("relationship"), rel.get("relationship"))  # type: ignore[attr-defined]
        parts = [str(outcomes.get(o, o)) for o in rel.get("outcomes", [])]
        if rel.get("recent"):
            parts.append(str(_("In the last two weeks")))
        out.append((_("Relative %(n)d: who?") % {"n": i + 1}, f"{relationship}: {', '.join(parts) or '—'}"))
    return out


def answers(data: dict[str, Any]) -> dict[str, Any]:
    """The cleaned answers as the JSON sealed into the report (no empty values)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("nonce", "website") or value in (None, "", [], False):
            continue
        if key.startswith("rel") and "_" in key:
            continue
        out[key] = value
    relatives = []
    for i in range(RELATIVE_SLOTS):
        rel = data.get(f"rel{i}_relationship")
        if rel:
            relatives.append(
                {
                    "relationship": rel,
                    "outcomes": list(data.get(f"rel{i}_outcomes") or []),
                    "recent": bool(data.get(f"rel{i}_recent")),
                }
            )
    if relatives:
        out["relatives"] = relatives
    return out


# Why urgency was suggested, in the volunteer's language (keys: urgency.RULES and MODIFIERS).
REASONS: dict[str, Any] = {
    "IMMEDIATE_DANGER": _("in danger right now"),
    "POLICE_THREAT_TO_LIFE": _("police warned of a threat to life"),
    "REMOVAL_WITHIN_72H": _("deportation, extradition or risky travel within 72 hours"),
    "SUICIDAL_THOUGHTS": _("thoughts of suicide"),
    "CREDIBLE_VIOLENCE_THREAT": _("threat or act of violence"),
    "RELATIVE_DETAINED_RECENTLY": _("relative detained or disappeared in the last two weeks"),
    "SPYWARE_OR_ACCOUNT_TAKEOVER": _("spyware or account taken over"),
    "DETAINED_IN_HOST": _("detained in the host country"),
    "RED_NOTICE_OR_EXTRADITION": _("red notice or extradition request"),
    "PHYSICAL_SURVEILLANCE": _("followed, watched or approached in person"),
    "ADDRESS_DOXXED": _("address or private details published"),
    "REPEATED_COERCIVE_CONTACT": _("repeated coercive contact"),
    "PRESSURE_ON_RELATIVES": _("pressure on relatives"),
    "PHISHING_NOT_CLICKED": _("phishing received"),
    "DOCUMENTS_DENIED": _("documents denied"),
    "PRECARIOUS_STATUS": _("precarious immigration status"),
    "MINOR_INVOLVED": _("a minor is involved"),
    "HOST_DETAINS_OR_DEPORTS": _("host country detains or deports to the origin state"),
    "PERPETRATOR_KNOWS_ROUTINE": _("perpetrator knows address or routine"),
}


def triage_facts(report: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Facts and modifiers for the urgency rules (docs/codebook.md §8) from a report's answers."""
    facts = urgency.facts_from_tactics(report.get("tactics", []))
    if report.get("danger") == YES:
        facts.add("IMMEDIATE_DANGER")
    if report.get("threat_to_life"):
        facts.add("POLICE_THREAT_TO_LIFE")
    if report.get("removal_soon"):
        facts.add("REMOVAL_WITHIN_72H")
    if report.get("self_harm"):
        facts.add("SUICIDAL_THOUGHTS")
    if report.get("repeated"):
        facts.add("REPEATED_COERCIVE_CONTACT")
    for rel in report.get("relatives", []):
        facts.add("PRESSURE_ON_RELATIVES")
        if rel.get("recent") and DETENTION_OUTCOMES & set(rel.get("outcomes", [])):
            facts.add("RELATIVE_DETAINED_RECENTLY")
    modifiers = set()
    if report.get("immigration_status") in PRECARIOUS:
        modifiers.add("PRECARIOUS_STATUS")
    if report.get("minor"):
        modifiers.add("MINOR_INVOLVED")
    if report.get("knew_routine"):
        modifiers.add("PERPETRATOR_KNOWS_ROUTINE")
    return facts, modifiers


def suggestion(report: dict[str, Any]) -> urgency.Suggestion:
    facts, modifiers = triage_facts(report)
    return urgency.suggest(facts, modifiers)
