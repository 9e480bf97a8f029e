"""The organisation's seal on the signed weekly sheets: a PAdES signature made with pyHanko.

The seal is an invisible PDF signature (PAdES baseline B-B: a CMS signature over the whole file
with the signing certificate among its signed attributes) by the organisation's certificate, a
PKCS#12 file at SEAL_CERTIFICATE opened with SEAL_PASSWORD. Any byte changed in the sealed file
then shows in a PDF reader as a broken signature.

`tracker init` makes a self-signed certificate there when there is none, for development: a
reader checks that the file is intact but cannot tell who sealed it, as no authority vouches for
the organisation's name. A real deployment configures the organisation's own certificate.
"""

import asyncio
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app

from tracker import timeutil
from tracker.files import private_folder, write_atomically

FIELD_NAME = "Seal"
SELF_SIGNED_YEARS = 5
RSA_KEY_BITS = 3072


class SealUnavailable(Exception):
    """The sheets cannot be sealed: no certificate, one that cannot be opened, or expired.

    The message is for the administrator who configures the server (it names the file).
    """


@dataclass(frozen=True)
class Seal:
    """The organisation's certificate, opened, ready to seal."""

    signer: Any  # pyHanko's SimpleSigner
    subject: str
    # SHA-256 of the certificate (DER): the proof file names it.
    fingerprint: str
    not_after: datetime
    self_signed: bool


# pyHanko takes half a second to import, cryptography a tenth: the `tracker` command imports
# this module for every command, so only the functions that seal or make a certificate import
# them.
@cache
def _kept_key_signer() -> type:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash

    class KeptKeySigner(signers.SimpleSigner):
        """pyHanko's signer, with the private key read once rather than at every signature.

        pyHanko reads the key anew for each signature it makes (two per document: one to
        measure the room to reserve); reading an RSA key checks it, a tenth of a second.
        """

        def __init__(self, private_key, **kwargs) -> None:
            super().__init__(**kwargs)
            self._private_key = private_key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            """Sign the signed attributes with the kept key (RSA PKCS#1 v1.5 or ECDSA)."""
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
            key = self._private_key
            if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
                return key.sign(data, PKCS1v15(), hash_algorithm)
            if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
                return key.sign(data, ec.ECDSA(hash_algorithm))
            return super().sign_raw(data, digest_algorithm)

    return KeptKeySigner


def certificate_path() -> Path:
    """Return where the organisation's certificate is configured (SEAL_CERTIFICATE)."""
    return Path(current_app.config["SEAL_CERTIFICATE"])


def _password() -> bytes | None:
    password = current_app.config.get("SEAL_PASSWORD")
    if password is None or password == "":
        return None
    return password.encode() if isinstance(password, str) else bytes(password)


_opened: dict[tuple, Seal] = {}
_opened_lock = threading.Lock()


def open_seal() -> Seal:
    """Open the configured certificate, once per version of its file; else SealUnavailable."""
    path = certificate_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise SealUnavailable(
            f"No certificate to seal the signed sheets with: {path} does not exist. "
            "Set SEAL_CERTIFICATE (or TRACKER_SEAL_CERTIFICATE) to the organisation's PKCS#12 "
            "file and SEAL_PASSWORD to its password, or run `tracker init` to make a "
            "self-signed one for development."
        ) from None
    password = _password()
    key = (str(path), stat.st_mtime_ns, stat.st_size, password)
    with _opened_lock:
        seal = _opened.get(key)
        if seal is None:
            seal = _open(path, password)
            _opened.clear()
            _opened[key] = seal
    if timeutil.utc_now() > seal.not_after:
        raise SealUnavailable(
            f"The certificate {path} expired on {seal.not_after:%Y-%m-%d}: configure a new one."
        )
    return seal


def _open(path: Path, password: bytes | None) -> Seal:
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    try:
        private_key, certificate, others = pkcs12.load_key_and_certificates(
            path.read_bytes(), password
        )
    except (ValueError, TypeError, OSError) as error:
        raise SealUnavailable(
            f"The certificate {path} cannot be opened ({error}): is it a PKCS#12 file, and "
            "SEAL_PASSWORD its password?"
        ) from None
    if private_key is None or certificate is None:
        raise SealUnavailable(f"The file {path} holds no private key with its certificate.")
    der = serialization.Encoding.DER
    signer = _kept_key_signer()(
        private_key,
        signing_cert=asn1_x509.Certificate.load(certificate.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            private_key.private_bytes(
                der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        # The chain up to the authority, when the file holds it: embedded in the signature.
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(other.public_bytes(der)) for other in others]
        ),
    )

    return Seal(
        signer=signer,
        subject=certificate.subject.rfc4514_string(),
        fingerprint=certificate.fingerprint(hashes.SHA256()).hex(),
        not_after=certificate.not_valid_after_utc,
        self_signed=certificate.subject == certificate.issuer,
    )


def seal_pdf(pdf: bytes, seal: Seal, reason: str) -> bytes:
    """Return the PDF sealed: an incremental update carrying the organisation's signature."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
    )

    def sign() -> bytes:
        return signers.sign_pdf(writer, metadata, signer=seal.signer).getvalue()

    # pyHanko's sign_pdf runs its coroutine with asyncio.run, which refuses to start where an event
    # loop already runs in this thread (an asynchronous worker, or a test driving a browser): the
    # sealing then takes a thread of its own.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return sign()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(sign).result()


def make_self_signed(path: Path, organisation: str, password: bytes | None) -> datetime:
    """Write a self-signed certificate for the organisation at a path; return its end of validity.

    RSA 3072, valid five years, for signing documents (digital signature, non-repudiation),
    in a PKCS#12 file readable by its owner only (encrypted when there is a password).
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, organisation[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
        ]
    )
    now = datetime.now(UTC)
    not_after = now + timedelta(days=365 * SELF_SIGNED_YEARS + 1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
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
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    content = pkcs12.serialize_key_and_certificates(
        organisation.encode(), key, certificate, None, encryption
    )
    write_atomically(private_folder(path.parent) / path.name, content)
    return not_after


def ensure_certificate() -> str:
    """Make a self-signed certificate at SEAL_CERTIFICATE when none is there; say what was done."""
    path = certificate_path()
    if path.exists():
        try:
            seal = open_seal()
        except SealUnavailable as problem:
            return f"Warning: the signed sheets cannot be sealed. {problem}"
        kind = "a SELF-SIGNED certificate, for development only" if seal.self_signed else ""
        return (
            f"The signed sheets are sealed with {kind or 'the certificate'} {path} "
            f"({seal.subject}, valid until {seal.not_after:%Y-%m-%d})."
        )
    organisation = current_app.config["ORGANISATION_NAME"]
    not_after = make_self_signed(path, organisation, _password())
    return (
        f"Made a SELF-SIGNED certificate for sealing the signed sheets: {path} "
        f"({organisation}, valid until {not_after:%Y-%m-%d}). It is for development only: a "
        "PDF reader shows that a sealed sheet is intact but cannot vouch for who sealed it. "
        "For real sheets, set SEAL_CERTIFICATE (environment: TRACKER_SEAL_CERTIFICATE) to the "
        "organisation's PKCS#12 certificate, issued by a qualified authority, and SEAL_PASSWORD "
        "(TRACKER_SEAL_PASSWORD) to its password."
    )
