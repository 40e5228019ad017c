"""Checking ZIP files (and .docx, .xlsx, .odt, which are ZIPs) before they are accepted.

Safkat never extracts an archive, but the officers and firms who download one do, on their
own computers: an archive that expands to gigabytes (a "ZIP bomb") or that writes outside
the folder it is extracted to (``../../``, an absolute path, a symbolic link) is refused
on arrival. The declared sizes are not trusted: every member is decompressed, with the
total bounded, so a member that lies about its size fails its CRC check or the bound.

The checks run on what a file *is*, not on the type its first bytes claim: a PDF or an
image followed by (or holding) a ZIP archive is a ZIP to every unzip tool, which looks for
the end-of-central-directory record, not at the first bytes. :func:`check_archives` finds
every such record in the file and checks the archive it closes (issue 18).
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from safkat.errors import N_
from safkat.storage import CHUNK, UploadRejected


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 5_000
    max_total_bytes: int = 512 * 1024 * 1024  # expanded, all members together
    max_ratio: int = 200  # expanded size / compressed size, for the archive as a whole
    free_bytes: int = 16 * 1024 * 1024  # a small archive may expand this much whatever its ratio


LIMITS = ZipLimits()
ZIP_TYPE = "application/zip"
DAMAGED = N_("This ZIP file is damaged or cannot be checked.")
POLYGLOT = N_(
    "This file is also a ZIP archive that cannot be checked. Such ambiguous files are refused: "
    "send the document and the archive as separate files."
)
EOCD = b"PK\x05\x06"  # end of central directory: where an unzip tool starts reading
EOCD_SIZE = 22
MAX_ARCHIVES = 16  # more archive ends in one file than this is refused unchecked
MAX_SIGNATURES = 1_000  # end signatures looked at, plausible or not


class EocdScanner:
    """Notes, chunk by chunk, whether a stream holds an end-of-central-directory signature:
    the cheap test that decides whether a file must go through :func:`check_archives`."""

    def __init__(self) -> None:
        self.seen, self._tail = False, b""

    def feed(self, chunk: bytes) -> None:
        if not self.seen:
            self.seen = EOCD in self._tail + chunk
            self._tail = chunk[-(len(EOCD) - 1) :]


def must_check(content_type: str | None, scanner: EocdScanner) -> bool:
    return content_type == ZIP_TYPE or scanner.seen


def check_archives(file: BinaryIO, content_type: str | None, limits: ZipLimits = LIMITS) -> None:
    """Refuse ``file`` unless every ZIP archive it holds is safe, whatever type it claims.

    A ZIP is checked whole (a damaged one is refused); any other file is checked for each
    archive that ends inside it, and refused as an ambiguous polyglot when such an archive
    cannot be checked. Leaves ``file`` positioned at its start.
    """
    size = file.seek(0, 2)
    ends = archive_ends(file, size)
    if content_type == ZIP_TYPE:
        ends.add(size)
    if len(ends) > MAX_ARCHIVES:
        raise UploadRejected(POLYGLOT)
    try:
        for end in sorted(ends):
            try:
                check_zip(_Prefix(file, end), limits)
            except UploadRejected as refused:
                if content_type != ZIP_TYPE and refused.message == DAMAGED:
                    raise UploadRejected(POLYGLOT) from None
                raise
    finally:
        file.seek(0)


def archive_ends(file: BinaryIO, size: int) -> set[int]:
    """Where the archives held in ``file`` end: after each plausible end-of-central-directory
    record (its central directory right before it, its comment inside the file). A file
    holding more than :data:`MAX_SIGNATURES` such signatures is refused."""
    found, position, tail = [], 0, b""
    file.seek(0)
    while chunk := file.read(CHUNK):
        data, start = tail + chunk, position - len(tail)
        at = data.find(EOCD)
        while at != -1:
            found.append(start + at)
            if len(found) > MAX_SIGNATURES:  # bytes made to cost time, not a document
                raise UploadRejected(POLYGLOT)
            at = data.find(EOCD, at + 1)
        position += len(chunk)
        tail = data[-(len(EOCD) - 1) :]
    return {end for at in found if (end := _record_end(file, at, size)) is not None}


def _record_end(file: BinaryIO, at: int, size: int) -> int | None:
    file.seek(at)
    record = file.read(EOCD_SIZE)
    if len(record) < EOCD_SIZE:
        return None
    _sig, disk, cd_disk, on_disk, total, cd_size, _cd_offset, comment = struct.unpack("<4s4H2LH", record)
    end = at + EOCD_SIZE + comment
    if end > size:
        return None
    if at >= 20:
        file.seek(at - 20)
        if file.read(4) == b"PK\x06\x07":  # ZIP64: the real figures are in the ZIP64 record
            return end
    if disk or cd_disk or on_disk != total or cd_size > at:
        return None
    if total == 0:
        return end if cd_size == 0 else None
    file.seek(at - cd_size)
    return end if file.read(4) == b"PK\x01\x02" else None


class _Prefix(io.RawIOBase):
    """The first ``end`` bytes of a file, as a seekable file of their own: the archive that a
    record ending there closes, as an unzip tool sees it."""

    def __init__(self, file: BinaryIO, end: int):
        self.file, self.end, self.position = file, end, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        target = offset + (0, self.position, self.end)[whence]
        if target < 0:
            raise OSError("negative seek position")
        self.position = target
        return target

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.end - self.position)
        if count <= 0:
            return 0
        self.file.seek(self.position)
        data = self.file.read(count)
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


def check_zip(file: BinaryIO, limits: ZipLimits = LIMITS) -> None:
    """Refuse ``file`` (seekable, positioned anywhere) unless it is a well-formed, safe archive.

    Leaves ``file`` positioned at its start.
    """
    try:
        _check(file, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError, RuntimeError):
        # A damaged archive, an unknown compression or an encrypted member: it cannot be checked.
        raise UploadRejected(DAMAGED) from None
    finally:
        file.seek(0)


def _check(file: BinaryIO, limits: ZipLimits) -> None:
    file.seek(0, 2)
    archive_size = max(file.tell(), 1)
    file.seek(0)
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise UploadRejected(N_("This ZIP file holds too many files (at most %(n)s)."), n=limits.max_members)
        budget = min(limits.max_total_bytes, max(archive_size * limits.max_ratio, limits.free_bytes))
        for member in members:
            if not is_safe_name(member.filename) or _is_link(member):
                raise UploadRejected(N_("This ZIP file would write outside its folder when extracted."))
            budget -= member.file_size
            if budget < 0:
                raise UploadRejected(N_("This ZIP file expands to far more than its size: it is refused."))
        for member in members:
            if member.is_dir():
                continue
            with archive.open(member) as data:  # checks the CRC and the declared size at the end
                while data.read(CHUNK):
                    pass


def is_safe_name(name: str) -> bool:
    """A member name that extracts inside the target folder on Windows and Unix alike."""
    if not name or "\x00" in name:
        return False
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or (len(normalised) > 1 and normalised[1] == ":"):
        return False  # absolute: /etc/passwd, C:/Windows
    return ".." not in normalised.split("/")


def _is_link(member: zipfile.ZipInfo) -> bool:
    """A symbolic link (Unix mode in the high bits of the external attributes)."""
    return member.create_system == 3 and stat.S_ISLNK(member.external_attr >> 16)
