"""What a tender's page shows of the tender, its lots, criteria and sectors, read in the
tender's own statement as plain rows.

The tender itself is a :class:`ListedTender`: its columns and what is shown of its authority,
not an ORM object. Through the session, the statement went through the ORM's execution
(its compile state, its loading context, the identity map): about a third of the
statement's CPU on PostgreSQL (0.7 → 0.5 ms a page, issue 16), for a page that only reads.

Nearly every tender has lots and sectors, and a weighted one criteria: read on their own,
each cost a statement (on PostgreSQL a round trip too) and ORM objects, more than the
SQL itself (issue 16). Here each collection is one column of the tender's statement: the
rows as a JSON array (:class:`json_rows`, PostgreSQL's ``json_agg`` or SQLite's
``json_group_array``), or the sectors as joined strings; each item becomes a small frozen
object with the attributes the page and the API read. They are not put in the tender's
relationships (``tender.lots`` etc. stay unloaded): only ORM objects belong there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import JSON, Row, ScalarSelect, func, literal, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from safkat.accounts.models import ContractingAuthority, Sector
from safkat.tenders.models import CODES_SEPARATOR, Lot, TechnicalCriterion, Tender, codes_of, tender_sectors


class json_rows(FunctionElement):  # noqa: N801 (an SQL function, named as SQLAlchemy's are)
    """``json_rows(name, column, name, column…)``: the group's rows as a JSON array of
    objects (in no particular order; ``[]`` or NULL when there is none)."""

    type = JSON()
    inherit_cache = True
    name = "json_rows"


@compiles(json_rows, "postgresql")
def _json_agg(element, compiler, **kw):
    return f"json_agg(json_build_object({compiler.process(element.clauses, **kw)}))"


@compiles(json_rows, "sqlite")
def _json_group_array(element, compiler, **kw):
    return f"json_group_array(json_object({compiler.process(element.clauses, **kw)}))"


def _rows_of_this_tender(tender_id_column, **columns) -> ScalarSelect:
    pairs = [part for name, column in columns.items() for part in (literal_column(f"'{name}'"), column)]
    return select(json_rows(*pairs)).where(tender_id_column == Tender.id).correlate(Tender).scalar_subquery()


@dataclass(frozen=True, slots=True)
class ListedLot:
    number: int
    title_fr: str
    title_ar: str | None
    description: str
    estimated_amount: int | None
    is_reserved: bool


@dataclass(frozen=True, slots=True)
class ListedCriterion:
    position: int
    label: str
    label_ar: str | None
    max_points: int


@dataclass(frozen=True, slots=True)
class ListedSector:
    code: str
    name_fr: str
    name_ar: str
    name_en: str
    name = Sector.name  # the same choice of language as a sector's


@dataclass(frozen=True, slots=True)
class ListedAuthority:
    code: str
    name_fr: str
    name_ar: str
    name = ContractingAuthority.name  # the same choice of language as an authority's


# The tender's own columns come first in its statement: a ListedTender takes them in order.
TENDER_COLUMNS = tuple(Tender.__table__.c)
_TENDER_KEYS = tuple(column.key for column in TENDER_COLUMNS)
_AUTHORITIES = ContractingAuthority.__table__
AUTHORITY = (
    _AUTHORITIES.c.code.label("authority_code"),
    _AUTHORITIES.c.name_fr.label("authority_fr"),
    _AUTHORITIES.c.name_ar.label("authority_ar"),
)


class ListedTender:
    """A public tender as its page and the API detail read it: every column of the tender
    (same names, same Python values), ``authority``, the wilaya codes, and what
    :func:`safkat.tenders.detail.load` read beside it: all its lots (their number is
    ``lots_count``), its sectors (their codes are ``listed_sector_codes``), its documents,
    amendments and questions. Read only: no session holds it, nothing loads lazily and
    nothing is written back."""

    title = Tender.title
    description = Tender.description
    url_reference = Tender.url_reference
    current_documents = Tender.current_documents

    def __init__(self, row: Row, lots: tuple, sectors: tuple, documents: list, amendments: list, questions: list):
        self.__dict__.update(zip(_TENDER_KEYS, row, strict=False))  # the row's first columns
        self.authority = ListedAuthority(row.authority_code, row.authority_fr, row.authority_ar)
        self.listed_wilaya_codes = codes_of(row.wilayas_joined)
        self.lots, self.lots_count = lots, len(lots)
        self.listed_sector_codes = [sector.code for sector in sectors]  # by code, as codes_of() gives them
        self.documents, self.amendments, self.questions = documents, amendments, questions


LOTS = _rows_of_this_tender(
    Lot.tender_id,
    number=Lot.number,
    title_fr=Lot.title_fr,
    title_ar=Lot.title_ar,
    description=Lot.description,
    estimated_amount=Lot.estimated_amount,
    is_reserved=Lot.is_reserved,
)
CRITERIA = _rows_of_this_tender(
    TechnicalCriterion.tender_id,
    position=TechnicalCriterion.position,
    label=TechnicalCriterion.label,
    label_ar=TechnicalCriterion.label_ar,
    max_points=TechnicalCriterion.max_points,
)
# Each sector as "code␟French␟Arabic␟English", the sectors joined by the record separator
# (forms strip control characters: no name holds either).
SECTOR_SEPARATOR = "\x1e"
_FIELD = literal(CODES_SEPARATOR)
SECTORS = (
    select(
        func.aggregate_strings(
            Sector.code.concat(_FIELD)
            .concat(Sector.name_fr)
            .concat(_FIELD)
            .concat(Sector.name_ar)
            .concat(_FIELD)
            .concat(Sector.name_en),
            SECTOR_SEPARATOR,
        )
    )  # fmt: skip
    .join_from(tender_sectors, Sector, tender_sectors.c.sector_id == Sector.id)
    .where(tender_sectors.c.tender_id == Tender.id)
    .correlate(Tender)
    .scalar_subquery()
)


def lots_of(rows: list[dict] | None) -> tuple[ListedLot, ...]:
    """The lots :data:`LOTS` read, by number (SQLite gives ``is_reserved`` as 0 or 1)."""
    lots = (ListedLot(**row | {"is_reserved": bool(row["is_reserved"])}) for row in rows or ())
    return tuple(sorted(lots, key=lambda lot: lot.number))


def criteria_of(rows: list[dict] | None) -> tuple[ListedCriterion, ...]:
    """The criteria :data:`CRITERIA` read, by position."""
    return tuple(sorted((ListedCriterion(**row) for row in rows or ()), key=lambda criterion: criterion.position))


def sectors_of(joined: str | None) -> tuple[ListedSector, ...]:
    """The sectors :data:`SECTORS` joined, by code."""
    sectors = (ListedSector(*one.split(CODES_SEPARATOR)) for one in (joined or "").split(SECTOR_SEPARATOR) if one)
    return tuple(sorted(sectors, key=lambda sector: sector.code))
