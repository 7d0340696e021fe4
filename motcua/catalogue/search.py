"""Diacritic-insensitive, typo-tolerant procedure search.

One Python pipeline for both databases:
1. the query is folded (`motcua.core.text.fold`) into tokens;
2. each token is matched against the vocabulary of the catalogue: an unknown token is replaced by
   known tokens at edit distance 1 (2 for long tokens) or by its i/y spelling variant (ký/kí);
   the last token also matches as a prefix, for people still typing;
3. the database's full-text index finds and ranks the procedures (FTS5 bm25 on SQLite,
   tsvector ts_rank on PostgreSQL) over the stored `search_text` column;
4. names that equal, start with or contain the whole phrase come first.
"""

import re
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Max, QuerySet

from motcua.core.text import fold

from .models import Procedure

NATIONAL_CODE_RE = re.compile(r"^\d\.\d{6}$")
TOKEN_RE = re.compile(r"[a-z0-9]+")
MAX_TOKENS = 12
MAX_CANDIDATES = 500


def procedure_search_text(procedure: Procedure) -> str:
    """The folded text a procedure is found by: name, codes, field and results."""
    parts = [
        procedure.name,
        procedure.national_code,
        procedure.local_code,
        procedure.field.name if procedure.field_id else "",
        " ".join(str(r) for r in procedure.results),
    ]
    return fold(" ".join(p for p in parts if p))


def tokens_of(text: str) -> list[str]:
    return TOKEN_RE.findall(fold(text))


def index(*, procedure_id: int, text: str) -> None:
    """Put a procedure's search text into the full-text index.

    PostgreSQL indexes the column itself; SQLite keeps a separate FTS5 table in step here.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalogue_procedure_fts WHERE rowid = %s", [procedure_id])
        cursor.execute(
            "INSERT INTO catalogue_procedure_fts(rowid, search_text) VALUES (%s, %s)",
            [procedure_id, text],
        )


def unindex(*, procedure_ids: list[int]) -> None:
    """Drop deleted procedures from the SQLite full-text table."""
    if connection.vendor != "sqlite" or not procedure_ids:
        return
    with connection.cursor() as cursor:
        for procedure_id in procedure_ids:
            cursor.execute("DELETE FROM catalogue_procedure_fts WHERE rowid = %s", [procedure_id])


# ---------------------------------------------------------------- vocabulary and typo correction

_vocabulary_cache: dict[tuple[int, str], Counter[str]] = {}


def _vocabulary() -> Counter[str]:
    """Token → number of procedures containing it; rebuilt when the catalogue changes."""
    stats = Procedure.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    key = (stats["count"], str(stats["latest"]))
    cached = _vocabulary_cache.get(key)
    if cached is None:
        cached = Counter()
        for text in Procedure.objects.values_list("search_text", flat=True).iterator():
            cached.update(set(TOKEN_RE.findall(text)))
        _vocabulary_cache.clear()
        _vocabulary_cache[key] = cached
    return cached


def _within_one_edit(a: str, b: str) -> bool:
    """Damerau distance ≤ 1: one substitution, insertion, deletion or adjacent swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def _within_two_edits(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 2:
        return False
    for i in range(len(a) + 1):
        for candidate in (a[:i] + a[i + 1 :], a[:i] + a[i:]):
            if _within_one_edit(candidate, b):
                return True
    return False


def _iy_variants(token: str) -> set[str]:
    """Vietnamese writes ký/kí, lý/lí, mỹ/mĩ: a final i and y are interchangeable."""
    if token.endswith("y"):
        return {token, token[:-1] + "i"}
    if token.endswith("i"):
        return {token, token[:-1] + "y"}
    return {token}


@dataclass(frozen=True)
class Term:
    """One query token and the catalogue words it stands for."""

    words: frozenset[str]
    prefix: bool  # also match words starting with `words` (the token being typed)


def correct(token: str, *, vocabulary: Counter[str], last: bool) -> Term | None:
    """Map a query token to catalogue words, or None when nothing is close enough."""
    known = {w for w in _iy_variants(token) if w in vocabulary}
    if known:
        return Term(frozenset(known), prefix=last)
    if last and any(w.startswith(token) for w in vocabulary):
        return Term(frozenset({token}), prefix=True)
    if len(token) < 3 or token.isdigit():
        return None
    if len(token) >= 6:
        close = {w for w in vocabulary if _within_two_edits(token, w)}
    else:
        close = {w for w in vocabulary if len(w) >= 2 and _within_one_edit(token, w)}
    if not close:
        return None
    best = max(vocabulary[w] for w in close)
    return Term(frozenset(w for w in close if vocabulary[w] == best), prefix=False)


# ---------------------------------------------------------------- backends


def _fts5_query(terms: list[Term], *, operator: str) -> str:
    groups = []
    for term in terms:
        words = [f'"{w}"' + ("*" if term.prefix else "") for w in sorted(term.words)]
        groups.append("(" + " OR ".join(words) + ")")
    return f" {operator} ".join(groups)


def _tsquery(terms: list[Term], *, operator: str) -> str:
    groups = []
    for term in terms:
        words = [w + (":*" if term.prefix else "") for w in sorted(term.words)]
        groups.append("(" + " | ".join(words) + ")")
    return f" {operator} ".join(groups)


def _ranked_ids(terms: list[Term], *, match_all: bool) -> list[tuple[int, float]]:
    """(procedure id, score) from the full-text index; a lower score is better."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = _tsquery(terms, operator="&" if match_all else "|")
            cursor.execute(
                "SELECT id, -ts_rank(to_tsvector('simple', search_text), q) AS score "
                "FROM catalogue_procedure, to_tsquery('simple', %s) AS q "
                "WHERE to_tsvector('simple', search_text) @@ q",
                [query],
            )
        else:
            query = _fts5_query(terms, operator="AND" if match_all else "OR")
            cursor.execute(
                "SELECT rowid, bm25(catalogue_procedure_fts) FROM catalogue_procedure_fts "
                "WHERE catalogue_procedure_fts MATCH %s",
                [query],
            )
        return [(int(row[0]), float(row[1])) for row in cursor.fetchall()]


def _phrase_rank(name: str, phrase: str) -> tuple[int, int, int]:
    """Names equal to the phrase first, then names starting with it, then containing it
    (earlier and in shorter names first), then the rest."""
    # Many published names start with "Thủ tục" ("procedure"), which nobody types.
    folded = fold(name).removeprefix("thu tuc ")
    words = len(folded.split())
    if folded == phrase:
        return (0, 0, words)
    position = folded.find(phrase)
    if position == 0:
        return (1, 0, words)
    if position > 0:
        return (2, position, words)
    return (3, 0, words)


def search(queryset: QuerySet[Procedure], query: str) -> list[Procedure]:
    """Procedures of `queryset` matching `query`, best first."""
    folded = fold(query)
    if NATIONAL_CODE_RE.match(folded):
        return list(queryset.filter(national_code=folded))
    raw_tokens = TOKEN_RE.findall(folded)[:MAX_TOKENS]
    if not raw_tokens:
        return []
    vocabulary = _vocabulary()
    pairs = [
        (token, term)
        for i, token in enumerate(raw_tokens)
        if (term := correct(token, vocabulary=vocabulary, last=i == len(raw_tokens) - 1))
    ]
    if not pairs:
        return []
    terms = [term for _, term in pairs]
    scored = _ranked_ids(terms, match_all=True) or _ranked_ids(terms, match_all=False)
    scores = dict(sorted(scored, key=lambda item: item[1])[:MAX_CANDIDATES])
    candidates = list(queryset.filter(pk__in=scores.keys()))
    phrase = " ".join(_phrase_word(token, term) for token, term in pairs)
    candidates.sort(key=lambda p: (*_phrase_rank(p.name, phrase), scores[p.pk], p.pk))
    return candidates


def _phrase_word(token: str, term: Term) -> str:
    return token if token in term.words else min(term.words)
