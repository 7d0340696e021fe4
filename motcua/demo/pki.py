"""The demo's certificates: a small public-key infrastructure made at `load_demo`, so that a
newcomer can sign, number and seal an e-result and verify it without a real certification
authority.

Every certificate says in its names that it is a demo ("DEMO", "chứng thư thử nghiệm") and is
worth nothing outside this installation. The layout follows a real one:

- a root certificate authority (the role NEAC's root plays for public digital signatures, or the
  Government Cipher Committee's for officials' "chuyên dùng công vụ" certificates), kept in the
  trust store;
- an intermediate (issuing) authority under it;
- under that, a personal certificate for each demo leader, an organisation certificate for each
  demo agency that signs results, and a time-stamping authority's certificate (RFC 3161).

Each authority also issues an (empty) certificate revocation list, loaded into the trust store
so that a result can be verified with revocation data and no network. Keys are RSA-2048 made
afresh each time (nothing secret is in the repository)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

COUNTRY = "VN"
PROVINCE = "Quảng Ninh"
ROOT_NAME = "MotCua DEMO Root CA (chứng thư thử nghiệm)"
ISSUING_NAME = "MotCua DEMO Issuing CA (chứng thư thử nghiệm)"
TSA_NAME = "MotCua DEMO Time-Stamping Authority (thử nghiệm)"
VALID_YEARS = 3


@dataclass
class Issued:
    """A certificate and its private key."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def pkcs12(self, passphrase: bytes, chain: list["Issued"]) -> bytes:
        """The key, its certificate and the chain above it, encrypted with `passphrase`."""
        return pkcs12.serialize_key_and_certificates(
            name=self.certificate.subject.rfc4514_string().encode(),
            key=self.key,
            cert=self.certificate,
            cas=[link.certificate for link in chain],
            encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
        )


@dataclass
class DemoPki:
    root: Issued
    issuing: Issued
    tsa: Issued
    people: dict[str, Issued] = field(default_factory=dict)  # by user name
    organisations: dict[str, Issued] = field(default_factory=dict)  # by agency slug
    crls: list[tuple[str, bytes]] = field(default_factory=list)  # (issuer name, DER)

    @property
    def chain(self) -> list[Issued]:
        """What sits above an end-entity certificate: the issuing CA, then the root."""
        return [self.issuing, self.root]


def build(
    now: datetime, *, people: dict[str, tuple[str, str]], organisations: dict[str, str]
) -> DemoPki:
    """The demo PKI valid from `now` for VALID_YEARS: `people` maps a user name to (full name,
    agency name), `organisations` an agency slug to its name."""
    start, end = now - timedelta(days=1), now + timedelta(days=365 * VALID_YEARS)
    root_key = _key()
    root_name = _name(ROOT_NAME, organisation="MotCua DEMO")
    root = Issued(_ca(root_name, root_name, root_key, root_key, start, end, path=1), root_key)
    issuing_key = _key()
    issuing_name = _name(ISSUING_NAME, organisation="MotCua DEMO")
    issuing = Issued(
        _ca(issuing_name, root_name, issuing_key, root_key, start, end, path=0), issuing_key
    )
    tsa = _end_entity(issuing, _name(TSA_NAME, organisation="MotCua DEMO"), start, end, tsa=True)
    pki = DemoPki(root=root, issuing=issuing, tsa=tsa)
    for username, (full_name, agency) in people.items():
        pki.people[username] = _end_entity(issuing, _name(full_name, agency), start, end)
    for slug, agency in organisations.items():
        pki.organisations[slug] = _end_entity(issuing, _name(agency, agency), start, end)
    pki.crls = [
        (ROOT_NAME, _crl(root, now)),
        (ISSUING_NAME, _crl(issuing, now)),
    ]
    return pki


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, COUNTRY),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, PROVINCE),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer_key: rsa.RSAPrivateKey,
    start: datetime,
    end: datetime,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), False
        )
    )


def _ca(
    subject: x509.Name,
    issuer: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer_key: rsa.RSAPrivateKey,
    start: datetime,
    end: datetime,
    *,
    path: int,
) -> x509.Certificate:
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    return (
        _builder(subject, issuer, key, issuer_key, start, end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path), critical=True)
        .add_extension(usage, critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def _end_entity(
    issuer: Issued, subject: x509.Name, start: datetime, end: datetime, *, tsa: bool = False
) -> Issued:
    key = _key()
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=not tsa,  # non-repudiation: the signer commits to the document
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    builder = (
        _builder(subject, issuer.certificate.subject, key, issuer.key, start, end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
    )
    if tsa:  # RFC 3161 §2.3: the only extended key usage, and critical
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return Issued(builder.sign(issuer.key, hashes.SHA256()), key)


def _crl(authority: Issued, now: datetime) -> bytes:
    """An empty revocation list of `authority`, valid for a year."""
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(authority.certificate.subject)
        .last_update(now - timedelta(days=1))
        .next_update(now + timedelta(days=365))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()),
            critical=False,
        )
        .sign(authority.key, hashes.SHA256())
    )
    return crl.public_bytes(serialization.Encoding.DER)
