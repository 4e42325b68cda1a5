"""What is known and what is suspicious about a link, without ever following it. No Django.

Two kinds of judgement:

- **Indicators**: lists of known-bad URLs, hosts, domains, e-mail addresses
  and IP addresses, loaded from STIX 2 bundles (the format Amnesty Tech's and
  the Mobile Verification Toolkit's indicator files use) or from plain lists.
  A link matches by its exact URL, its host, or any domain above its host
  down to the registrable one (an indicator ``evil.example`` matches
  ``login.evil.example``).
- **Heuristics**: a look-alike of a domain the community trusts (typing
  slips, digits for letters, the real name inside another domain, letters
  from another script), a link shortener, an app package, an archive sent
  with its password, a bare IP address.

No link is fetched, resolved or sent anywhere: every judgement is made from
the text of the link alone.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any

import ijson
import jellyfish
from confusable_homoglyphs import confusables

from longreach.messages.identifiers import Link, link_of

RULES = Path(__file__).parent / "rules"
MAX_INDICATOR_FILE_BYTES = 512 * 1024 * 1024
MAX_VALUE_CHARS = 2048
KEEP_PROBLEMS = 20

APP_SUFFIXES = (".apk", ".xapk", ".apks", ".aab", ".ipa", ".mobileconfig", ".exe", ".msi", ".dmg", ".scr")
ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".tar.gz", ".tgz", ".tar")
# "password" in the tagger's languages: an archive link sent with its password is how malware passes scanners.
_PASSWORD = re.compile(
    r"password|passcode|pass:|pwd|密码|密碼|口令|пароль|şifre|sifre|parola|كلمة السر|كلمة المرور|رمز عبور|"
    r"گذرواژه|پارول|پارۇل|ئىم",
    re.IGNORECASE,
)
_DIGIT_SWAPS = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"})


class IndicatorError(ValueError):
    """An indicator file cannot be read; the message names the file and the place."""


@dataclass(frozen=True)
class Indicator:
    kind: str  # url, host (matches the host and everything under it), email, ip
    value: str
    label: str  # what it indicates: the malware or campaign the bundle names, else its own name
    source: str  # the file it came from


@dataclass(frozen=True)
class Flag:
    code: str  # lookalike, shortener, app_package, archive_with_password, ip_host
    detail: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "detail": self.detail} if self.detail else {"code": self.code}


@dataclass
class LoadReport:
    loaded: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)

    def skip(self, where: str, reason: str) -> None:
        self.skipped += 1
        if len(self.problems) < KEEP_PROBLEMS:
            self.problems.append(f"{where}: {reason}")


@dataclass
class Indicators:
    """Known-bad values, looked up by exact value."""

    urls: dict[str, list[Indicator]] = field(default_factory=dict)
    hosts: dict[str, list[Indicator]] = field(default_factory=dict)
    emails: dict[str, list[Indicator]] = field(default_factory=dict)
    ips: dict[str, list[Indicator]] = field(default_factory=dict)

    def add(self, indicator: Indicator) -> None:
        table = {"url": self.urls, "host": self.hosts, "email": self.emails, "ip": self.ips}[indicator.kind]
        table.setdefault(indicator.value, []).append(indicator)

    def __len__(self) -> int:
        return sum(len(v) for t in (self.urls, self.hosts, self.emails, self.ips) for v in t.values())

    def match(self, link: Link) -> list[Indicator]:
        found = list(self.urls.get(url_key(link.url), []))
        if link.host in self.ips or _is_ip(link.host):
            found += self.ips.get(link.host, [])
        for name in _hosts_up_to(link.host, link.domain):
            found += self.hosts.get(name, [])
        return list(dict.fromkeys(found))

    def match_email(self, address: str) -> list[Indicator]:
        address = address.lower()
        return list(self.emails.get(address, [])) + [
            i for name in _hosts_up_to(address.rsplit("@", 1)[-1], "") for i in self.hosts.get(name, [])
        ]


def url_key(url: str) -> str:
    """A URL as indicators are compared: no scheme, host in lower case, no trailing slash."""
    bare = re.sub(r"^[a-z]+://", "", url.strip(), flags=re.IGNORECASE)
    host, _, rest = bare.partition("/")
    return (host.lower() + ("/" + rest if rest else "")).rstrip("/")


def _hosts_up_to(host: str, domain: str) -> Iterator[str]:
    """The host and each domain above it, down to the registrable domain."""
    labels = host.split(".")
    for i in range(len(labels) - 1 if len(labels) > 1 else 1):
        name = ".".join(labels[i:])
        yield name
        if name == domain and domain != host:  # a host with no public suffix is walked to its last two labels
            return


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def indicator_for(value: str, label: str, source: str, kind: str | None = None) -> Indicator | None:
    """An indicator from a value written in a list or a bundle, or None when it is not one."""
    value = value.strip()
    if not value or len(value) > MAX_VALUE_CHARS or any(c.isspace() for c in value):
        return None
    if kind in (None, "ip") and _is_ip(value):
        return Indicator("ip", value.strip("[]").lower(), label, source)
    if kind in (None, "email") and "@" in value and "/" not in value:
        return Indicator("email", value.lower(), label, source)
    if kind in (None, "url") and "/" in value:
        return Indicator("url", url_key(value), label, source)
    if kind in (None, "host") and re.fullmatch(r"(?:[\w-]{1,63}\.)+[\w-]{2,63}\.?", value):
        return Indicator("host", value.lower().rstrip("."), label, source)
    return None


# STIX patterns are full expressions; indicator files use only equality on a value, joined by OR.
_COMPARISON = re.compile(
    r"(?P<object>domain-name|url|ipv4-addr|ipv6-addr|email-addr|email-message:from_ref)"
    r"(?::value|\.value)\s*=\s*'(?P<value>(?:[^'\\]|\\.)*)'"
)
_KIND = {
    "domain-name": "host",
    "url": "url",
    "ipv4-addr": "ip",
    "ipv6-addr": "ip",
    "email-addr": "email",
    "email-message:from_ref": "email",
}


def load_stix(fh: IO[bytes], source: str, report: LoadReport) -> Iterator[Indicator]:
    """Indicators of a STIX 2 bundle, streamed; labelled by the malware or campaign they indicate."""
    names: dict[str, str] = {}
    labels: dict[str, str] = {}  # indicator id -> what it indicates
    pending: list[tuple[str, str, str]] = []  # (indicator id, kind, value)
    seen_objects = 0
    try:
        for obj in ijson.items(fh, "objects.item"):
            seen_objects += 1
            if not isinstance(obj, dict):
                report.skip(f"object {seen_objects}", "not a STIX object")
                continue
            kind, ident = obj.get("type"), str(obj.get("id", ""))
            if kind in ("malware", "campaign", "intrusion-set", "threat-actor", "tool") and obj.get("name"):
                names[ident] = str(obj["name"])[:200]
            elif kind == "relationship" and obj.get("relationship_type") == "indicates":
                labels.setdefault(str(obj.get("source_ref")), str(obj.get("target_ref")))
            elif kind == "indicator":
                pattern = obj.get("pattern")
                if not isinstance(pattern, str) or obj.get("pattern_type", "stix") != "stix":
                    report.skip(ident or f"object {seen_objects}", "an indicator without a STIX pattern")
                    continue
                values = [(m["object"], m["value"]) for m in _COMPARISON.finditer(pattern)]
                if not values or " AND " in pattern.upper() or "FOLLOWEDBY" in pattern.upper():
                    report.skip(ident, f"a pattern this version does not match on: {pattern[:120]}")
                    continue
                if obj.get("name"):
                    names.setdefault(f"own:{ident}", str(obj["name"])[:200])
                for obj_kind, value in values:
                    pending.append((ident, _KIND[obj_kind], value.replace("\\'", "'").replace("\\\\", "\\")))
    except ijson.common.IncompleteJSONError as exc:
        raise IndicatorError(f"{source}: not valid JSON: {exc}") from None
    except UnicodeDecodeError:
        raise IndicatorError(f"{source}: not UTF-8 text") from None
    if not seen_objects:
        raise IndicatorError(f'{source}: not a STIX 2 bundle (no "objects" list)')
    for ident, kind, value in pending:
        label = names.get(labels.get(ident, ""), "") or names.get(f"own:{ident}", "") or Path(source).stem
        indicator = indicator_for(value, label, source, kind)
        if indicator is None:
            report.skip(ident, f"not a usable {kind}: {value[:120]!r}")
        else:
            yield indicator


def load_list(fh: IO[bytes], source: str, report: LoadReport, lenient: bool) -> Iterator[Indicator]:
    """Indicators from a plain list: one URL, domain, e-mail address or IP address per line; # comments."""
    label = Path(source).stem
    for number, raw in enumerate(fh, 1):
        if len(raw) > MAX_VALUE_CHARS + 2:
            _refuse(
                report, lenient, f"{source}: line {number}", f"longer than {MAX_VALUE_CHARS:,} characters"
            )
            continue
        try:
            line = raw.decode("utf-8").split("#", 1)[0].strip()
        except UnicodeDecodeError:
            _refuse(report, lenient, f"{source}: line {number}", "not UTF-8 text")
            continue
        if not line:
            continue
        indicator = indicator_for(line, label, source)
        if indicator is None:
            _refuse(
                report,
                lenient,
                f"{source}: line {number}",
                f"not a URL, domain, e-mail or IP address: {line!r}",
            )
            continue
        yield indicator


def _refuse(report: LoadReport, lenient: bool, where: str, reason: str) -> None:
    if not lenient:
        raise IndicatorError(f"{where}: {reason}")
    report.skip(where, reason)


def load_file(path: Path, report: LoadReport, *, lenient: bool = False) -> list[Indicator]:
    """Indicators from a STIX 2 bundle (JSON) or a plain list, recognised by the first character."""
    try:
        size = path.stat().st_size
        if size > MAX_INDICATOR_FILE_BYTES:
            raise IndicatorError(f"{path}: larger than {MAX_INDICATOR_FILE_BYTES:,} bytes")
        with path.open("rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
            fh.seek(0)
            if head.startswith(b"{"):
                found = list(load_stix(fh, str(path), report))
            else:
                found = list(load_list(fh, str(path), report, lenient))
    except OSError as exc:
        raise IndicatorError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    report.loaded += len(found)
    return found


def read_domain_list(path: Path) -> frozenset[str]:
    with path.open(encoding="utf-8") as fh:
        return frozenset(
            line.split("#", 1)[0].strip().lower() for line in fh if line.split("#", 1)[0].strip()
        )


@cache
def shipped_shorteners() -> frozenset[str]:
    return read_domain_list(RULES / "shorteners.txt")


@cache
def shipped_community_domains() -> frozenset[str]:
    return read_domain_list(RULES / "community_domains.txt")


@dataclass(frozen=True)
class Heuristics:
    community: frozenset[str]
    shorteners: frozenset[str]

    @classmethod
    def shipped(cls, extra_community: Iterable[str] = ()) -> Heuristics:
        return cls(shipped_community_domains() | frozenset(extra_community), shipped_shorteners())

    def flags(self, link: Link, text: str = "") -> list[Flag]:
        """What is suspicious about a link; ``text`` is the message it came in (for archive passwords)."""
        out: list[Flag] = []
        imitated = self.imitates(link)
        if imitated:
            out.append(Flag("lookalike", imitated))
        if link.domain in self.shorteners or link.host in self.shorteners:
            out.append(Flag("shortener", link.domain))
        path = re.split(r"[?#]", link.url, maxsplit=1)[0].lower()
        if "/" in re.sub(r"^[a-z]+://", "", path):
            if path.endswith(APP_SUFFIXES):
                out.append(Flag("app_package", path.rsplit(".", 1)[-1]))
            elif path.endswith(ARCHIVE_SUFFIXES) and _PASSWORD.search(text):
                out.append(Flag("archive_with_password"))
        if _is_ip(link.host):
            out.append(Flag("ip_host"))
        return out

    def imitates(self, link: Link) -> str:
        """The trusted domain this link's domain imitates, or ""."""
        return self._imitates(link.host, link.domain)

    @functools.lru_cache(maxsize=4096)  # noqa: B019  the heuristics live as long as the process; links repeat
    def _imitates(self, host_name: str, domain: str) -> str:
        link = Link(host_name, host_name, domain, False)
        if link.domain in self.community:
            return ""
        host = _unicode_host(link.host)
        if not host.isascii():
            skeleton = _latin_skeleton(host)
            sk = link_of("https://" + skeleton)
            if sk is not None and sk.domain in self.community:
                return sk.domain
        label = link.domain.split(".", 1)[0]
        tokens = set(re.split(r"[.\-_]", link.host))
        for trusted in sorted(self.community):
            name = trusted.split(".", 1)[0]
            if len(name) >= 3 and name in tokens and link.domain != trusted:
                return trusted  # the real name inside another domain: google.com-login.info, bbc-persian.news
            if len(name) >= 5 and label != name:
                if label.translate(_DIGIT_SWAPS).replace("rn", "m").replace("vv", "w") == name:
                    return trusted
                limit = 2 if len(name) >= 9 else 1
                if (
                    abs(len(label) - len(name)) <= limit
                    and jellyfish.damerau_levenshtein_distance(label, name) <= limit
                ):
                    return trusted
        return ""


def _unicode_host(host: str) -> str:
    if "xn--" not in host:
        return host
    try:
        return host.encode("ascii").decode("idna")
    except UnicodeError:
        return host


def _latin_skeleton(host: str) -> str:
    found = confusables.is_confusable(host, greedy=True, preferred_aliases=["latin"]) or []
    swap = {item["character"]: item["homoglyphs"][0]["c"] for item in found if item.get("homoglyphs")}
    return "".join(swap.get(c, c) for c in host).lower()


def link_report(
    link: Link, indicators: Indicators | None, heuristics: Heuristics, text: str
) -> dict[str, Any]:
    """A link as ``longreach tag`` writes it: where it goes, what flags it and which indicators it matches."""
    out: dict[str, Any] = {"url": link.url, "host": link.host, "domain": link.domain}
    if link.defanged:
        out["defanged"] = True
    flags = heuristics.flags(link, text)
    if flags:
        out["flags"] = [f.as_dict() for f in flags]
    matched = indicators.match(link) if indicators is not None else []
    if matched:
        out["indicators"] = [{"label": i.label, "source": i.source, "matched": i.value} for i in matched]
    return out
