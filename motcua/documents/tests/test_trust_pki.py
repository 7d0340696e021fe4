"""The test PKI itself: certificates as other tests expect them, services answering over HTTP."""

import urllib.request

from asn1crypto import crl, x509

from motcua.documents.models import TrustedCertificate


def test_certificates_carry_vietnamese_names_and_service_urls(test_pki):
    leader = x509.Certificate.load(test_pki.cert_der("leader"))
    assert leader.subject.native["common_name"] == "Nguyễn Văn An"
    assert leader.ocsp_urls == [test_pki.ocsp_url]
    assert leader.issuer == x509.Certificate.load(test_pki.cert_der("interm")).subject
    org = x509.Certificate.load(test_pki.cert_der("org"))
    assert org.subject.native["organization_name"] == "Sở Tư pháp tỉnh Thái Nguyên"
    outsider = x509.Certificate.load(test_pki.cert_der("outsider"))
    assert outsider.issuer == x509.Certificate.load(test_pki.outsider_root_der).subject
    tsa = x509.Certificate.load(test_pki.cert_der("tsa"))
    assert tsa.extended_key_usage_value.native == ["time_stamping"]


def test_crl_is_served_over_http_and_lists_the_revoked_certificate(test_pki):
    with urllib.request.urlopen(test_pki.crl_url(), timeout=10) as response:  # noqa: S310
        served = crl.CertificateList.load(response.read())
    revoked_serial = x509.Certificate.load(test_pki.cert_der("revoked")).serial_number
    serials = [
        entry["user_certificate"].native
        for entry in served["tbs_cert_list"]["revoked_certificates"]
    ]
    assert serials == [revoked_serial]


def test_trust_store_fixture_loads_root_and_intermediate(trust_store, settings):
    kinds = sorted(TrustedCertificate.objects.values_list("kind", flat=True))
    assert kinds == ["intermediate", "root"]
    assert trust_store.tsa_url == settings.MOTCUA_TSA_URL
