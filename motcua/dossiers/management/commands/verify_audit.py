"""Verify audit hash chains: one dossier's, every dossier's, or the global chain."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core import audit
from motcua.core.models import AuditChainHead
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_get_any

REASONS = {
    "content": "its content no longer matches its hash (edited)",
    "link": "it does not link to the event before it (inserted or replaced)",
    "missing": "the event is missing (deleted)",
}


class Command(BaseCommand):
    help = (
        "Verify audit hash chains and report the first broken link of each. "
        "Exit status 1 when any chain is broken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dossiers", nargs="*", help="dossier codes or references (uid)")
        parser.add_argument("--all", action="store_true", help="every chain: global and dossiers")

    def handle(self, *args: Any, **options: Any) -> None:
        chains = self._chains(options["dossiers"], options["all"])
        broken = 0
        for chain in chains:
            link = audit.first_broken_link(chain)
            name = chain or "global"
            if link is None:
                self.stdout.write(f"OK      {name}")
                continue
            broken += 1
            event = f" (event id {link.event_id})" if link.event_id else ""
            self.stdout.write(
                f"BROKEN  {name}: first broken link at #{link.seq}{event}: {REASONS[link.reason]}"
            )
        summary = f"{len(chains)} chain(s) checked, {broken} broken."
        if broken:
            raise CommandError(summary)
        self.stdout.write(summary)

    def _chains(self, keys: list[str], everything: bool) -> list[str]:
        if everything:
            return list(AuditChainHead.objects.order_by("chain").values_list("chain", flat=True))
        if not keys:
            return [audit.GLOBAL_CHAIN]
        chains = []
        for key in keys:
            try:
                dossier = dossier_get_any(key=key)
            except Dossier.DoesNotExist:
                raise CommandError(f"No dossier with code or reference {key!r}.") from None
            chains.append(audit.chain_of(dossier))
        return chains
