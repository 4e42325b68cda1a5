"""Benchmarks for message parsing, each against a peer measured in the same run.

1. Parsing a WhatsApp export of 1,000,000 lines (Android, day-first 24-hour
   headers; one message in five runs over several lines) with Longreach's
   parser (``longreach parse-chat``'s code: the date order decided from the
   whole file, then a streaming pass) against the ``whatstk`` package
   (``df_from_whatsapp`` with the header format given, its fastest path) on
   the same file. Goal: at least 5x its throughput, with identical message
   counts. Each side runs in a process of its own, so peak memory (RSS) is
   each one's own. A second file adds system lines (encryption notice,
   joins, number changes), which have no sender: the counts show what each
   parser keeps of them.

2. Campaign detection on 1,000,000 messages in which 40 templates (coercion
   scripts in six scripts) are planted 250 times each with the edits real
   copies show: a name or number changed, a typing slip, a word dropped, a
   greeting added. Longreach's ``campaigns`` (numpy MinHash over 4-character
   shingles, 64 permutations in 16 bands, clusters joined as stars) against
   a straightforward ``datasketch`` pipeline: one ``MinHash(num_perm=64)``
   per message over the same shingles, ``MinHashLSH(threshold=0.5)``, a
   query per message, candidates kept when their estimated similarity is at
   least 0.5 (as Longreach checks its own), and union-find. Goal: the same recall of the planted
   templates (a template counts as found when one cluster holds at least 90%
   of its copies), at least 2x faster, bounded memory. Both sides leave out
   texts under 20 characters, as Longreach does when it reads a chat.

Run: make bench   (or .venv/bin/python benchmarks/messages.py [--lines N] [--messages N] [--rounds N])
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SENDERS = ["+86 138 0013 8000", "Officer Wang", "Dilnur", "+90 555 000 00 00", "Ayşe", "王警官", "Мурат"]
TEXTS = [
    "Think of your family.",
    "We can reach you wherever you are.",
    "Your mother is well. For now.",
    "Come back and everything will be forgiven.",
    "Tell us who goes to the meetings in Istanbul.",
    "想想你的家人",
    "ok",
    "Why are you doing this?",
]
SYSTEM = [
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or"
    " listen to them. Tap to learn more.",
    "Officer Wang added +90 555 000 00 00",
    "+86 138 0013 8000 changed to +86 139 0000 0001",
    "Dilnur left",
]


def make_chat(path: Path, lines: int, system_share: float, seed: int = 11) -> None:
    rng = random.Random(seed)
    minute = 0
    written = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        while written < lines:
            minute += rng.randint(0, 90)
            day, rest = divmod(minute, 1440)
            date = f"{1 + day % 28:02d}/{1 + day // 28 % 12:02d}/{2019 + day // 336}"
            stamp = f"{date}, {rest // 60:02d}:{rest % 60:02d}"
            if rng.random() < system_share:
                fh.write(f"{stamp} - {rng.choice(SYSTEM)}\n")
                written += 1
                continue
            extra = rng.randint(1, 4) if rng.random() < 0.2 else 0
            fh.write(f"{stamp} - {rng.choice(SENDERS)}: {rng.choice(TEXTS)}\n")
            for _ in range(extra):
                fh.write(f"{rng.choice(TEXTS)}\n")
            written += 1 + extra


# Peak memory of this process since it started (VmHWM): getrusage's maximum would
# include the benchmark's own memory, which the child had until it exec'd.
PEAK = """
def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
"""

OURS = (
    PEAK
    + """
import json, sys, time
from longreach.messages import whatsapp
path = sys.argv[1]
t = time.perf_counter()
n = sum(1 for _ in whatsapp.parse(lambda: open(path, "rb")))
print(json.dumps({"seconds": time.perf_counter() - t, "messages": n, "rss_mb": peak_mb()}))
"""
)

PEER = (
    PEAK
    + """
import json, sys, time
from whatstk.whatsapp.parser import df_from_whatsapp
path = sys.argv[1]
t = time.perf_counter()
df = df_from_whatsapp(path, auto_header=False, hformat="%d/%m/%Y, %H:%M - %name:", max_size=None)
print(json.dumps({"seconds": time.perf_counter() - t, "messages": len(df), "rss_mb": peak_mb()}))
"""
)


def run(code: str, path: Path, *extra: Path) -> dict[str, float]:
    done = subprocess.run(  # noqa: S603  our own interpreter and our own code
        [sys.executable, "-c", code, str(path), *map(str, extra)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def compare(path: Path, lines: int, rounds: int, label: str) -> None:
    size = path.stat().st_size / 1e6
    ours, peer = [], []
    for _ in range(rounds):  # taking turns, so both meet the same spells of load
        ours.append(run(OURS, path))
        peer.append(run(PEER, path))
    o = statistics.median(r["seconds"] for r in ours)
    p = statistics.median(r["seconds"] for r in peer)
    print(f"  {label}: {lines:,} lines, {size:,.0f} MB, median of {rounds} rounds")
    print(
        f"    longreach {o:.2f} s ({lines / o:,.0f} lines/s), {int(ours[0]['messages']):,} messages, "
        f"peak RSS {max(r['rss_mb'] for r in ours):,.0f} MB"
    )
    print(
        f"    whatstk   {p:.2f} s ({lines / p:,.0f} lines/s), {int(peer[0]['messages']):,} messages, "
        f"peak RSS {max(r['rss_mb'] for r in peer):,.0f} MB"
    )
    same = "identical counts" if ours[0]["messages"] == peer[0]["messages"] else "counts DIFFER"
    print(f"    throughput ratio {p / o:.1f}x (goal >= 5x), {same}")


TEMPLATES = [
    "{name}, think of your family. Your parents are getting old and need you.",
    "We know you live in {city}. We can reach you wherever you are.",
    "Send us a photo of your passport and your address in {city} before {n} May.",
    "Tell us who attended the meeting on Saturday and send their phone numbers.",
    "If you cooperate with us, you can talk to your mother on video next week, {name}.",
    "Come back home, nothing will happen to you. Go to the embassy in {city} and register.",
    "Stop posting about the camps or your brother will be the one who pays.",
    "Your account will be suspended in {n} hours. Verify your password at the link below.",
    "Work for us and we will make sure your family is looked after, {name}.",
    "Delete the video you posted on {n} June and write that you were wrong.",
    "{name}，想想你的家人，你父母年纪大了。",
    "把你的护照照片和你在{city}的住址发给我们。",
    "告诉我们周六聚会上都有谁，把他们的名字和电话发过来。",
    "回国吧，回来什么事都没有。去{city}的大使馆登记一下。",
    "别再发关于集中营的帖子了，不然你哥哥要承担后果。",
    "ئائىلەڭنى ئويلا {name}، ئاتا-ئاناڭ قېرىپ قالدى.",
    "پاسپورتىڭنىڭ سۈرىتىنى ۋە {city} دىكى ئادرېسىڭنى ئەۋەتىپ بەر.",
    "ۋەتەنگە قايتىپ كەل، ھېچ ئىش بولمايدۇ. ئەلچىخانىغا بېرىپ تىزىملات.",
    "بىز بىلەن ھەمكارلاشساڭ، ساڭا ھەر ئايدا {n} دوللار بېرىمىز.",
    "يىغىلىشقا كىملەر كەلدى؟ ئۇلارنىڭ ئىسمى ۋە تېلېفون نومۇرىنى ئەۋەت.",
    "{name}, подумай о своей семье. Родители уже старые.",
    "Пришли нам фото паспорта и свой адрес в городе {city}.",
    "Возвращайся домой, тебе ничего не будет. Приходи в посольство {n} числа.",
    "Удали видео и перестань писать про республику, иначе брату будет плохо.",
    "Мы тебя найдём где угодно, даже в {city}.",
    "Aileni düşün {name}, annen baban yaşlandı.",
    "Pasaportunun fotoğrafını ve {city} adresini gönder.",
    "Türkiye'ye geri dön, sana bir şey olmaz. {n} Mayıs'ta konsolosluğa gel.",
    "Paylaşımlarını sil ve yazmayı bırak, yoksa ailen zarar görecek.",
    "Toplantıya kimlerin katıldığını ve isimlerini bize bildir.",
    "فكر في عائلتك يا {name}، والداك كبرا في السن.",
    "أرسل لنا صورة جواز سفرك وعنوانك في {city}.",
    "ارجع إلى البلد، لن يحدث لك شيء. تعال إلى السفارة يوم {n}.",
    "احذف التغريدات وتوقف عن الكتابة وإلا ستندم.",
    "نريد أسماء الأشخاص الذين حضروا الاجتماع في {city}.",
    "به فکر خانواده‌ات باش {name}، پدر و مادرت پیر شده‌اند.",
    "عکس پاسپورت و آدرست در {city} را برای ما بفرست.",
    "به ایران برگرد، اتفاقی برایت نمی‌افتد. روز {n} به سفارت بیا.",
    "برای آن رسانه کار نکن و پست‌هایت را پاک کن.",
    "اسم کسانی که در جلسه {city} بودند را به ما بگو.",
]
NAMES = [
    "Aziz",
    "Dilnur",
    "Murat",
    "Ayşe",
    "Leyla",
    "Arman",
    "Gulnar",
    "Timur",
    "Zahra",
    "Ilham",
    "王芳",
    "Нурлан",
]
CITIES = ["Istanbul", "Munich", "Almaty", "Toronto", "Amsterdam", "Sydney", "Paris", "Dubai", "Kyiv", "Tokyo"]
GREETINGS = ["Hello. ", "Salam. ", "你好。", "Здравствуй. ", "Merhaba. ", "سلام. "]
COPIES = 250


def _edited(rng: random.Random, template: str) -> str:
    text = template.format(name=rng.choice(NAMES), city=rng.choice(CITIES), n=rng.randint(1, 99))
    words = text.split(" ")
    if rng.random() < 0.3 and len(words) > 4:
        del words[rng.randrange(1, len(words))]
    text = " ".join(words)
    if rng.random() < 0.5 and len(text) > 10:
        i = rng.randrange(1, len(text) - 2)
        text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if rng.random() < 0.3:
        text = rng.choice(GREETINGS) + text
    return text


def make_messages(path: Path, count: int, seed: int = 7) -> None:
    """JSON lines {"text", "template"}: planted copies among background chatter, shuffled."""
    rng = random.Random(seed)
    syllables = [
        "ka",
        "lo",
        "mi",
        "ne",
        "ru",
        "sa",
        "ti",
        "vo",
        "ya",
        "ze",
        "ба",
        "ли",
        "то",
        "ма",
        "ال",
        "ير",
        "سا",
    ]
    vocabulary = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(20_000)]
    chatter = ["ok", "thanks", "where are you?", "call me", "好的", "спасибо", "tamam", "شكرا"]
    planted = [(t, k) for t in range(len(TEMPLATES)) for k in range(COPIES)]
    background = count - len(planted)
    rows: list[tuple[int, int]] = [(-1, i) for i in range(background)] + planted
    rng.shuffle(rows)
    with open(path, "w", encoding="utf-8") as fh:
        for template, _ in rows:
            if template >= 0:
                text = _edited(rng, TEMPLATES[template])
            elif rng.random() < 0.05:
                text = rng.choice(chatter)
            else:
                text = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(3, 16)))
            fh.write(json.dumps({"text": text, "template": template}, ensure_ascii=False) + "\n")


CLUSTER_OURS = (
    PEAK
    + """
import json, os, sys, time
import numpy as np
from longreach.messages import campaigns
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
t = time.perf_counter()
# As when Longreach reads a chat: texts under 20 characters ("ok", "call me") make no campaign.
texts = [text if len(text.strip()) >= 20 else "" for text in texts]
hasher = campaigns.Hasher(os.urandom(32))
labels = campaigns.clusters(hasher.signatures(texts))
seconds = time.perf_counter() - t
np.save(sys.argv[2], labels)
print(json.dumps({"seconds": seconds, "messages": len(texts), "rss_mb": peak_mb()}))
"""
)

CLUSTER_PEER = (
    PEAK
    + """
import json, sys, time
import numpy as np
from datasketch import MinHash, MinHashLSH
from longreach.messages.campaigns import normal
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
t = time.perf_counter()
lsh = MinHashLSH(threshold=0.5, num_perm=64)
hashes = {}
for i, text in enumerate(texts):
    if len(text.strip()) < 20:  # the same rule as Longreach's side
        continue
    n = normal(text).ljust(4)
    m = MinHash(num_perm=64)
    m.update_batch([n[j : j + 4].encode("utf-8") for j in range(len(n) - 3)])
    lsh.insert(i, m)
    hashes[i] = m
parent = list(range(len(texts)))
def find(x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x
for i, m in hashes.items():
    for j in lsh.query(m):
        if j == i or m.jaccard(hashes[j]) < 0.5:  # the same check Longreach makes on its candidates
            continue
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
labels = np.array([find(i) if i in hashes else -1 for i in range(len(texts))])
seconds = time.perf_counter() - t
np.save(sys.argv[2], labels)
print(json.dumps({"seconds": seconds, "messages": len(texts), "rss_mb": peak_mb()}))
"""
)


def recall(path: Path, labels_path: Path) -> tuple[int, float, int]:
    """(templates found, share of planted copies in their template's main cluster, other clusters of 20+)."""
    import numpy as np

    labels = np.load(labels_path)
    templates = np.array([json.loads(line)["template"] for line in open(path, encoding="utf-8")])
    found, placed = 0, 0
    planted_clusters = set()
    for t in range(len(TEMPLATES)):
        mine = labels[templates == t]
        values, counts = np.unique(mine, return_counts=True)
        best = int(values[counts.argmax()])
        planted_clusters.add(best)
        placed += int(counts.max())
        # Found: one cluster holds 90% of the copies, and it is this template's (not merged with chatter).
        others = int(np.count_nonzero((labels == best) & (templates != t)))
        if counts.max() >= 0.9 * COPIES and others <= 0.05 * COPIES:
            found += 1
    values, counts = np.unique(labels[labels >= 0], return_counts=True)
    other = sum(1 for v, c in zip(values, counts, strict=True) if c >= 20 and int(v) not in planted_clusters)
    return found, placed / (len(TEMPLATES) * COPIES), other


def compare_campaigns(path: Path, count: int, rounds: int, folder: Path) -> None:
    ours, peer = [], []
    for k in range(rounds):
        ours.append(run(CLUSTER_OURS, path, folder / f"ours-{k}.npy"))
        peer.append(run(CLUSTER_PEER, path, folder / f"peer-{k}.npy"))
    o = statistics.median(r["seconds"] for r in ours)
    p = statistics.median(r["seconds"] for r in peer)
    of, oc, oo = recall(path, folder / "ours-0.npy")
    pf, pc, po = recall(path, folder / "peer-0.npy")
    total = len(TEMPLATES)
    print(
        f"  campaign detection: {count:,} messages, {total} templates x {COPIES} edited copies, "
        f"median of {rounds}"
    )
    print(
        f"    longreach  {o:.2f} s, templates found {of}/{total}, copies placed {oc:.1%}, "
        f"other groups of 20+ {oo}, peak RSS {max(r['rss_mb'] for r in ours):,.0f} MB"
    )
    print(
        f"    datasketch {p:.2f} s, templates found {pf}/{total}, copies placed {pc:.1%}, "
        f"other groups of 20+ {po}, peak RSS {max(r['rss_mb'] for r in peer):,.0f} MB"
    )
    verdict = "the same" if of == pf else "higher" if of > pf else "LOWER"
    print(f"    speed ratio {p / o:.1f}x (goal >= 2x), recall of the planted templates {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=("parse", "campaigns"))
    args = parser.parse_args()
    try:
        import datasketch  # noqa: F401
        import whatstk  # noqa: F401
    except ImportError:
        raise SystemExit("the peers are missing: .venv/bin/pip install -e '.[bench]'") from None
    folder = Path(tempfile.mkdtemp(prefix="longreach-messages-bench-"))
    try:
        print("Message benchmarks")
        if args.only != "campaigns":
            plain = folder / "chat.txt"
            make_chat(plain, args.lines, system_share=0.0)
            compare(plain, args.lines, args.rounds, "WhatsApp export, user messages")
            mixed = folder / "chat-with-system-lines.txt"
            make_chat(mixed, args.lines, system_share=0.02)
            compare(mixed, args.lines, 1, "the same with 2% system lines (no sender)")
        if args.only != "parse":
            messages = folder / "messages.jsonl"
            make_messages(messages, args.messages)
            compare_campaigns(messages, args.messages, args.rounds, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
