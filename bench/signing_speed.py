"""Time the signing layer in-process (docs/performance.md, "Signing and verifying"): the first
`sign_pdf` of the process, then the median of N warm calls, for the leader's personal signature
(with the QR code) and the organisation's seal on top of it, and `verify_pdf` of the result.

No HTTP, no gunicorn, no dossier services: documents.signing only, with the benchmark's
credentials (bench/prepare_signing.py installs or reuses the demo signing set-up of the
department in the database of DATABASE_URL) and its one-page result PDF (WeasyPrint).

Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench \\
      .venv/bin/python bench/signing_speed.py [--calls 10] [--profile]

`--profile` prints pyinstrument's tree of the warm personal signatures.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()
logging.getLogger("fontTools").setLevel(logging.WARNING)  # a line per table of every subset


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = call()
    return result, (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10, help="warm calls to time")
    parser.add_argument("--profile", action="store_true", help="pyinstrument the personal ones")
    args = parser.parse_args()

    from bench import prepare_signing
    from motcua.accounts.models import Agency, User
    from motcua.demo.signing import DEMO_PIN
    from motcua.documents.models import SigningCredential
    from motcua.documents.signing import backends, pades
    from motcua.documents.signing.appearance import Appearance
    from motcua.documents.signing.verification import verify_pdf
    from motcua.dossiers.results import personal_credential

    prepare_signing.prepare(runs=[], size=0, with_pool=False, with_sealed=False)
    leader = User.objects.get(username=prepare_signing.LEADER)
    agency = Agency.objects.get(slug=prepare_signing.AGENCY)
    personal = personal_credential(leader)
    seal = (
        SigningCredential.objects.filter(agency=agency, purpose="organisation", active=True)
        .order_by("-created_at", "-id")
        .first()
    )
    assert personal is not None and seal is not None
    pdf = prepare_signing._result_pdf()

    def sign() -> bytes:
        return pades.sign_pdf(
            pdf,
            backend=backends.backend_for(personal, pin=DEMO_PIN),
            appearance=Appearance(
                purpose="personal",
                signer_name=leader.full_name,
                title="Giám đốc",
                image_png=bytes(personal.image_png or b"") or None,
            ),
            field_name="MotCuaPersonalSignature1",
            reason="Ký kết quả",
            qr_url="http://127.0.0.1:8000/xac-thuc/" + "x" * 43 + "/",
        )

    def stamp(signed: bytes) -> Callable[[], bytes]:
        return lambda: pades.sign_pdf(
            signed,
            backend=backends.backend_for(seal),
            appearance=Appearance(
                purpose="organisation",
                signer_name=agency.name,
                image_png=bytes(seal.image_png or b"") or None,
                number_notation="125/QĐ-STP",
            ),
            field_name="MotCuaOrganisationSignature2",
            reason="Phát hành kết quả",
        )

    signed, first_sign = timed(sign)
    sealed, first_seal = timed(stamp(signed))
    verdict, first_verify = timed(lambda: verify_pdf(sealed))
    assert verdict.valid, verdict.problem
    print(
        f"first call: sign {first_sign:.0f} ms, seal {first_seal:.0f} ms, "
        f"verify {first_verify:.0f} ms"
    )
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
    signs = [timed(sign)[1] for _ in range(args.calls)]
    if profiler is not None:
        profiler.stop()
    seals = [timed(stamp(signed))[1] for _ in range(args.calls)]
    verifies = [timed(lambda: verify_pdf(sealed))[1] for _ in range(args.calls)]
    for name, values in (("sign", signs), ("seal", seals), ("verify", verifies)):
        print(
            f"{name:>6}: median {statistics.median(values):.0f} ms, "
            f"min {min(values):.0f}, max {max(values):.0f} ({args.calls} warm calls)"
        )
    print(f"sizes: {len(pdf):,} bytes unsigned, {len(signed):,} signed, {len(sealed):,} sealed")
    if profiler is not None:
        print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
