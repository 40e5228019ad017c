"""Full-text search over public tenders, one service over two engines.

The searchable text of a tender (titles, descriptions, lots, reference, authority) is
normalised in Python — lower case, Latin accents and Arabic diacritics removed, Arabic
letter variants folded — and stored in ``tender_search``. SQLite indexes it with an FTS5
table, PostgreSQL with a GIN index on ``body_tsv``, a stored column of the body's words
without their positions, kept in the row: ``strip(to_tsvector('simple', body))``
(migrations 0010 and 0023). Queries are normalised the same way and matched word by word,
each word as a prefix.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    Select,
    String,
    bindparam,
    column,
    delete,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from safkat.tenders.models import Tender, TenderSearch

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
FTS_TABLE = "tender_search_fts"

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_WORD = re.compile(r"\w+", re.UNICODE)


def normalise(value: str) -> str:
    """Fold case, accents and Arabic letter variants so that searches forgive spelling."""
    value = _ARABIC_DIACRITICS.sub("", value or "").translate(_ARABIC_FOLDS)
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c) or "\u0600" <= c <= "\u06ff")
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", stripped)))


def query_terms(query: str | None) -> list[str]:
    """The words of a user's query, normalised; absurdly long queries are cut."""
    return normalise((query or "")[:MAX_QUERY_LENGTH]).split()[:MAX_TERMS]


def searchable_text(tender: Tender) -> str:
    parts = [
        tender.reference or "",
        tender.title_fr,
        tender.title_ar or "",
        tender.description_fr,
        tender.description_ar or "",
        tender.authority.name_fr,
        tender.authority.name_ar,
        tender.authority.code,
    ]
    for lot in tender.lots:
        parts += [lot.title_fr, lot.title_ar or "", lot.description]
    return normalise(" ".join(parts))


def index_tender(session: Session, tender: Tender) -> None:
    """(Re)index a public tender; call after publication and every public change."""
    body = searchable_text(tender)
    row = session.get(TenderSearch, tender.id)
    if row is None:
        session.add(TenderSearch(tender_id=tender.id, body=body))
    else:
        row.body = body
    session.flush()
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": tender.id})
        session.execute(
            text(f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (:id, :body)"), {"id": tender.id, "body": body}
        )


def unindex_tender(session: Session, tender_id: int) -> None:
    session.execute(delete(TenderSearch).where(TenderSearch.tender_id == tender_id))
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": tender_id})


# What a search's statements are made of, built once, the words of a query left as a
# parameter (:func:`bound_words`): see ``safkat.tenders.filters``.
_FTS = table(FTS_TABLE, column("rowid", Integer))
_FTS_COLUMN = literal_column(FTS_TABLE)
_FTS_QUERY = bindparam("fts", type_=String())
_FTS_MATCHES = (
    text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts").bindparams(_FTS_QUERY).columns(rowid=Integer)
)
_TSQUERY = text("to_tsquery('simple', :tsquery)").bindparams(bindparam("tsquery", type_=String()))
_VECTOR = literal_column("tender_search.body_tsv")
# PostgreSQL: a condition on a ``tender_search`` row true when its text holds every word
# of the query (as prefixes).
VECTOR_MATCHES = _VECTOR.op("@@")(_TSQUERY)
# The same condition as a function call, which no index serves: a statement with it walks
# another index in its order and checks each row, its only plan (``word_walks``).
VECTOR_CHECKED = func.ts_match_vq(_VECTOR, _TSQUERY, type_=Boolean())


def bound_words(dialect: str, terms: list[str]) -> dict[str, str]:
    """The parameter of a search's statements for ``terms``: each a prefix, all required."""
    if dialect == "postgresql":
        return {"tsquery": " & ".join(f"{term}:*" for term in terms)}
    return {"fts": " AND ".join(f'"{term}"*' for term in terms)}


def joined_to_matches(dialect: str, query: Select) -> Select:
    """``query`` (of tenders) joined to the search's matches: on SQLite the FTS5 table, which
    then streams its matches (a count stops after the rows it needs, see
    ``queries.IdSets``); on PostgreSQL the same as :func:`matching_condition`."""
    if dialect == "postgresql":
        return query.where(matching_condition(dialect))
    return query.join(_FTS, _FTS.c.rowid == Tender.id).where(_FTS_COLUMN.op("MATCH")(_FTS_QUERY))


def matching_condition(dialect: str, listed: bool = False) -> ColumnElement[bool]:
    """A condition on ``Tender.id`` true for tenders whose text holds the search's words.

    ``listed``: on SQLite, the matching ids are a list that a walk of the page's index in
    its order checks, rather than ids to read the tenders from and sort (see
    ``queries.IdSets``): asking FTS5 per tender instead costs 100 times more.
    """
    if dialect == "postgresql":
        return Tender.id.in_(select(TenderSearch.tender_id).where(VECTOR_MATCHES))
    return (Tender.id + 0 if listed else Tender.id).in_(_FTS_MATCHES)
