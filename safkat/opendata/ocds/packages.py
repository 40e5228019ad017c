"""Release packages: one tender's releases, a page of them, or all of them streamed to a file."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import IO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safkat.opendata.models import OcdsRelease
from safkat.opendata.ocds.publisher import BID_EXTENSION, OCDS_VERSION, Publisher
from safkat.opendata.ocds.storage import bulk_query
from safkat.opendata.ocds.values import dumps, iso


def package_metadata(uri: str, publisher: Publisher, published: datetime, extensions: Sequence[str]) -> dict:
    """What a release or record package says of itself, before its releases or records."""
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": list(extensions),
        "publishedDate": iso(published),
        "publisher": publisher.package_publisher(),
    }


def iter_release_package(metadata: dict, releases: Iterable[str]) -> Iterator[str]:
    """A release package as JSON text, in pieces: stored releases are copied, not re-encoded."""
    head = dumps(metadata)
    yield head[:-1] + ',"releases":[\n'
    for index, text in enumerate(releases):
        yield (",\n" if index else "") + text
    yield "\n]}\n"


def release_package_text(metadata: dict, releases: Iterable[str]) -> str:
    return "".join(iter_release_package(metadata, releases))


class BulkExport:
    """Every release dated ``since`` or later, as one release package, streamed.

    The releases to export are fixed when the export is created (those recorded while it
    runs are left for the next one); :meth:`write` reads them in batches and copies each
    one to the output, never holding them all in memory.
    """

    def __init__(self, session: Session, since: datetime | None = None, batch_size: int = 500):
        self.session, self.since, self.batch_size = session, since, batch_size
        self.up_to_id = session.scalar(select(func.max(OcdsRelease.id)))
        summary = (
            bulk_query(since, self.up_to_id)
            .order_by(None)
            .with_only_columns(func.count(OcdsRelease.id), func.max(OcdsRelease.date))
        )
        self.count, self.latest = session.execute(summary).one()

    def _texts(self, on_release) -> Iterator[str]:
        query = bulk_query(self.since, self.up_to_id).with_only_columns(OcdsRelease.release)
        for text in self.session.scalars(query.execution_options(yield_per=self.batch_size)):
            yield text
            if on_release is not None:
                on_release()

    def write(self, out: IO[str], *, uri: str, publisher: Publisher, on_release=None) -> int:
        """Write the package into ``out``; returns how many releases it holds (none: nothing written)."""
        if not self.count:
            return 0
        metadata = package_metadata(uri, publisher, self.latest, [BID_EXTENSION])
        for piece in iter_release_package(metadata, self._texts(on_release)):
            out.write(piece)
        return self.count
