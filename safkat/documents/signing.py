"""Signing documents (PAdES, with pyHanko) with the platform's certificate, and checking them.

The certificate and its key come from a PKCS#12 file (``SAFKAT_DOCUMENT_P12``, with
``SAFKAT_DOCUMENT_P12_PASSWORD``) when one is configured: a certificate issued by a
recognised authority makes the signature trusted by PDF readers. Otherwise, on the first
run, a self-signed certificate is created in the instance folder
(``document-signing.pem``, key and certificate, mode 0600); PDF readers then show the
signature as valid but of unknown identity, and anyone can compare it with the
certificate published at ``/documents/signing-certificate.pem``.

Signatures are PAdES baseline B-B (no time-stamp authority: the platform reaches none);
each is a certification signature that allows no change to the document.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from safkat.config import ConfigError

CERTIFICATE_FILE = "document-signing.pem"
SIGNATURE_FIELD = "SafkatSignature"
SUBJECT_NAME = "Safkat — signature des documents officiels"


class SigningError(RuntimeError):
    """The document could not be signed; nothing was issued."""


@dataclass(frozen=True)
class PlatformSigner:
    """The platform's signing certificate and key, ready to sign PDFs."""

    signer: signers.SimpleSigner
    certificate_pem: bytes

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return self.signer.signing_cert

    @property
    def subject(self) -> str:
        return self.certificate.subject.human_friendly

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the certificate (DER), in hex: what to compare with a published value."""
        return self.certificate.sha256.hex()

    def sign(self, pdf: bytes, *, reason: str, location: str = "Algérie") -> bytes:
        """The PDF with a PAdES certification signature; :class:`SigningError` if it cannot."""
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            metadata = signers.PdfSignatureMetadata(
                field_name=SIGNATURE_FIELD,
                md_algorithm="sha256",
                subfilter=fields.SigSeedSubFilter.PADES,
                certify=True,
                docmdp_permissions=fields.MDPPerm.NO_CHANGES,
                reason=reason,
                location=location,
                name="Safkat",
            )
            pdf_signer = signers.PdfSigner(metadata, signer=self.signer)
            output = _outside_event_loop(lambda: pdf_signer.sign_pdf(writer))
            return output.getvalue()
        except Exception as error:  # pyHanko raises many kinds; all mean "not signed"
            raise SigningError(f"the document could not be signed: {error}") from error


def _outside_event_loop(function):
    """pyHanko's synchronous API runs its own asyncio loop; where a loop already runs in
    this thread (an async server, Playwright's sync API in tests), do it in a worker thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


def load_signer(instance_path: Path, p12_path: str | None = None, p12_password: str | None = None) -> PlatformSigner:
    """The configured PKCS#12 signer, or the instance folder's own (created on first run)."""
    if p12_path:
        return _from_pkcs12(Path(p12_path), p12_password)
    path = Path(instance_path) / CERTIFICATE_FILE
    if not path.exists():
        _create_self_signed(path)
    return _from_pem(path)


def _from_pkcs12(path: Path, password: str | None) -> PlatformSigner:
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(
            path.read_bytes(), password.encode() if password else None
        )
    except (OSError, ValueError) as error:
        raise ConfigError(
            f"SAFKAT_DOCUMENT_P12 ({path}) cannot be read with SAFKAT_DOCUMENT_P12_PASSWORD: {error}"
        ) from None
    if key is None or certificate is None:
        raise ConfigError(f"SAFKAT_DOCUMENT_P12 ({path}) holds no private key and certificate.")
    return _platform_signer(key, certificate, others)


def _from_pem(path: Path) -> PlatformSigner:
    data = path.read_bytes()
    key = serialization.load_pem_private_key(data, password=None)
    return _platform_signer(key, x509.load_pem_x509_certificate(data))


def _platform_signer(key, certificate: x509.Certificate, chain=()) -> PlatformSigner:
    def asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    key_der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signing_cert = asn1(certificate)
    signer = _KeptKeySigner(
        key,
        signing_cert=signing_cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([signing_cert, *(asn1(c) for c in chain)]),
    )
    return PlatformSigner(signer, certificate.public_bytes(serialization.Encoding.PEM))


_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class _KeptKeySigner(signers.SimpleSigner):
    """pyHanko's in-memory signer, keeping the parsed key: ``SimpleSigner`` parses it again
    for every signature, which costs about 150 ms for an RSA key."""

    def __init__(self, private_key, **kwargs):
        super().__init__(**kwargs)
        self._private_key = private_key

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        digest = _HASHES.get(digest_algorithm.lower())
        if digest is not None and mechanism == "rsassa_pkcs1v15" and isinstance(self._private_key, rsa.RSAPrivateKey):
            return self._private_key.sign(data, padding.PKCS1v15(), digest())
        if digest is not None and mechanism == "ecdsa" and isinstance(self._private_key, ec.EllipticCurvePrivateKey):
            return self._private_key.sign(data, ec.ECDSA(digest()))
        return await super().async_sign_raw(data, digest_algorithm, dry_run)


def _create_self_signed(path: Path) -> None:
    """Write a new key and self-signed certificate to ``path`` (mode 0600), unless another
    process wrote one first: the file appears whole or not at all."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, SUBJECT_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Safkat"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DZ"),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # non-repudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ) + certificate.public_bytes(serialization.Encoding.PEM)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".document-signing-")
    try:
        with os.fdopen(fd, "wb") as handle:  # mkstemp creates the file with mode 0600
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails if another process created it meanwhile: keep theirs
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)


# --- checking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko says of a PDF's signature."""

    is_signed: bool
    is_intact: bool = False  # the signed bytes were not altered
    is_valid: bool = False  # the cryptographic signature is correct
    is_trusted: bool = False  # by this platform's certificate
    covers_whole_file: bool = False  # nothing was appended after the signature
    signer: str = ""
    problem: str = ""

    @property
    def is_ok(self) -> bool:
        return self.is_intact and self.is_valid and self.is_trusted and self.covers_whole_file


def check_signature(pdf: bytes, signer: PlatformSigner) -> SignatureCheck:
    """Check the PDF's first signature against the platform's certificate."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # not a PDF, or a broken one
        return SignatureCheck(is_signed=False, problem=f"not a readable PDF: {error}")
    if not signatures:
        return SignatureCheck(is_signed=False, problem="the PDF carries no signature")
    context = ValidationContext(trust_roots=[signer.certificate], allow_fetching=False)
    try:
        status = _outside_event_loop(lambda: validate_pdf_signature(signatures[0], context))
    except (SignatureValidationError, ValueError) as error:
        return SignatureCheck(is_signed=True, problem=str(error))
    coverage = getattr(status, "coverage", None)
    return SignatureCheck(
        is_signed=True,
        is_intact=bool(status.intact),
        is_valid=bool(status.valid),
        is_trusted=bool(status.trusted),
        covers_whole_file=coverage is not None and coverage.name == "ENTIRE_FILE",
        signer=status.signing_cert.subject.human_friendly,
        problem="" if status.bottom_line else "the signature does not validate",
    )
