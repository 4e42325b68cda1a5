"""Bring the database's vocabularies in line with a codebook file.

Used by the data migration (with historical models) and by ``longreach vocab
sync``. It adds what is missing and updates shipped wording; it never deletes
or retires, so records coded with a term keep their meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from longreach.vocab.codebook import VocabularyData


@dataclass
class SyncReport:
    vocabularies_added: int = 0
    terms_added: int = 0
    terms_updated: int = 0


def sync(vocabulary_model: Any, term_model: Any, vocabularies: list[VocabularyData]) -> SyncReport:
    report = SyncReport()
    for vdata in vocabularies:
        vocab, created = vocabulary_model.objects.get_or_create(
            code=vdata.code, defaults={"label": vdata.label, "definition": vdata.definition}
        )
        report.vocabularies_added += int(created)
        if not created and (vocab.label, vocab.definition) != (vdata.label, vdata.definition):
            vocab.label, vocab.definition = vdata.label, vdata.definition
            vocab.save(update_fields=["label", "definition"])
        existing = {t.code: t for t in term_model.objects.filter(vocabulary=vocab)}
        for position, tdata in enumerate(vdata.terms):
            fields = {
                "label": tdata.label,
                "definition": tdata.definition,
                "family": tdata.family,
                "labels": tdata.labels,
                "position": position,
            }
            term = existing.get(tdata.code)
            if term is None:
                term_model.objects.create(vocabulary=vocab, code=tdata.code, shipped=True, **fields)
                report.terms_added += 1
            elif term.shipped and any(getattr(term, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(term, k, v)
                term.save(update_fields=list(fields))
                report.terms_updated += 1
    return report
