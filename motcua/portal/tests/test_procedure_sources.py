"""Procedure pages carry no research notes (issue 14, item 5): where a catalogue entry comes
from (`source`, and the English `source_note` of whoever compiled it) is for the administrators
and the docs; citizens read plain Vietnamese, or English under /en/."""

from django.utils.html import escape

from motcua.catalogue.models import Procedure


def test_procedure_pages_do_not_show_the_sources(client, demo_catalogue):
    noted = [
        p
        for p in Procedure.objects.filter(status="published").exclude(source_note="")
        if p.source or p.source_note
    ]
    assert len(noted) > 10
    for procedure in noted[:25]:
        for prefix in ("", "/en"):
            response = client.get(f"{prefix}/thu-tuc/{procedure.national_code}/")
            if response.status_code == 404:  # not valid today
                continue
            html = response.content.decode()
            assert procedure.name in html
            for note in filter(None, (procedure.source, procedure.source_note)):
                assert escape(note[:40]) not in html, procedure.national_code
            assert 'id="source"' not in html
            assert ">Nguồn<" not in html and ">Source<" not in html
