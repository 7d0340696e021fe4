"""Generate a realistic province's dossiers in bulk, for benchmarks and demos at scale.

Builds on the demo catalogue (or whatever agencies and procedures the database holds): N dossiers
received over the last `years` years by the agencies that may number dossiers (those with an
identifier code), with components, fees, appointment history, step records (where the procedure
has a published internal process at the agency) and each dossier's audit events in its own hash
chain, written with bulk inserts in batches, one transaction per batch.

Rows are written directly, not through dossiers.services (which takes row locks and writes one
event at a time: about 100 dossiers a second). What the services would compute is computed the same
way here: due dates from the agency's working calendar, codes `<identifier>-<YYMMDD>-<NNNN>` from
the day counters (left at the highest number given), the judgement against the due time, and the
events' hashes exactly as core.audit seals them, so `manage.py verify_audit --all` passes.

The mix is an ASSUMPTION for load testing, not a statistic: about 60 % online, 35 % at the
counter and 5 % by post; of the dossiers whose time has run, most are returned (early, on time or
late), a few refused at intake or withdrawn; about 8 % paused once for a supplement, 4 % transferred
to another agency and back.
"""

import hashlib
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from functools import partial
from typing import Any, TextIO

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.accounts.models import Agency, Membership, User
from motcua.catalogue.constants import Channel, PublicationStatus
from motcua.catalogue.models import Procedure
from motcua.catalogue.selectors import procedure_legal_period
from motcua.core.audit import GENESIS_HASH
from motcua.core.models import AuditChainHead, AuditEvent
from motcua.deadlines.calendar import VN_TZ, Period, WorkingCalendar, judge, judge_step, local
from motcua.deadlines.selectors import calendar_for
from motcua.payments.models import PaymentRequest
from motcua.workflow import engine
from motcua.workflow.models import Process, ProcessStatus, ProcessStep

from . import generator_payments
from .act_clock import period_json
from .codes import numbering_agency, numbering_filter
from .constants import DossierStatus, FeeStatus, PauseKind, ReturnMethod
from .models import (
    MAX_DAILY_NUMBER,
    AppointmentChange,
    Dossier,
    DossierCodeCounter,
    DossierComponent,
    DossierFee,
    DossierPause,
    StepRecord,
)
from .pause_history import pauses_from_events
from .pauses import resumed_due
from .references import ALPHABET as REFERENCE_ALPHABET
from .references import LENGTH as REFERENCE_LENGTH

S = DossierStatus
SUBJECT_TYPE = Dossier._meta.label_lower

# Assumptions (see the module doc), not measured shares.
CHANNEL_WEIGHTS = ((Channel.ONLINE, 60), (Channel.DIRECT, 35), (Channel.POST, 5))
REFUSED_SHARE = 0.03  # refused at intake (online and post only; the counter refuses on the spot)
WITHDRAWN_SHARE = 0.015
PAUSE_SHARE = 0.08
TRANSFER_SHARE = 0.04
# How long processing takes, as a share of the legal time: early, on the due day, late.
PACE_WEIGHTS = (("early", 62), ("on_time", 28), ("late", 10))

FAMILY_NAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE_NAMES = ("Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Hữu", "Thanh")
GIVEN_NAMES = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam")
PLACES = ("Hạ Long", "Cẩm Phả", "Uông Bí", "Móng Cái", "Đông Triều", "Quảng Yên", "Vân Đồn")


@dataclass
class Options:
    count: int = 1_000_000
    seed: int = 2026
    years: int = 2
    batch: int = 5000
    now: datetime | None = None
    citizen_dossiers: int = 25  # dossiers of the demo citizen ("congdan"), for "my dossiers"
    days: int | None = None  # spread over this many days instead of `years`
    agencies: tuple[str, ...] = ()  # receiving agencies by key (slug); empty: all that number
    procedures: tuple[str, ...] = ()  # national codes; empty: every published procedure


@dataclass
class Result:
    dossiers: int = 0
    rows: int = 0
    seconds: float = 0.0
    agencies: list[str] = field(default_factory=list)  # receiving agencies by key (slug)
    codes: list[str] = field(default_factory=list)  # the identifier codes they number with


@dataclass
class _ProcedureInfo:
    procedure: Procedure
    channels: list[str]
    periods: dict[str, Period | None]
    components: list[tuple[int, str]]
    fees: dict[str, list[tuple[int, str, int]]]
    resume_mode: str


@dataclass
class _Pending:
    """One dossier being built with what hangs off it until it has a primary key."""

    dossier: Dossier
    events: list[tuple[datetime, int | None, str, dict[str, Any]]]
    components: list[DossierComponent]
    fees: list[DossierFee]
    steps: list[StepRecord]
    appointments: list[tuple[int, datetime | None, datetime | None, str, datetime]]


def digest(
    *,
    previous_hash: str,
    occurred_at: datetime,
    actor_id: int | None,
    action: str,
    subject_id: str,
    data: dict[str, Any],
    chain: str,
    seq: int,
) -> str:
    """core.audit._digest for a per-subject chain, without building a model instance."""
    payload = {
        "previous": previous_hash,
        "occurred_at": occurred_at.isoformat(),
        "actor": actor_id,
        "action": action,
        "subject_type": SUBJECT_TYPE,
        "subject_id": subject_id,
        "data": data,
        "chain": chain,
        "seq": seq,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Progress:
    """A one-line text progress bar on a stream (stderr), redrawn at most 4 times a second."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total, self.stream, self.started, self.shown = total, stream, time.monotonic(), 0.0
        self.finished = False

    def update(self, done: int, rows: int) -> None:
        now = time.monotonic()
        if self.stream is None or self.finished or (now - self.shown < 0.25 and done < self.total):
            return
        self.finished = done >= self.total
        self.shown = now
        elapsed = max(now - self.started, 1e-6)
        share = done / self.total if self.total else 1.0
        bar = "#" * int(share * 30)
        eta = (elapsed / share - elapsed) if share else 0
        self.stream.write(
            f"\r[{bar:<30}] {share:6.1%} {done:>9,}/{self.total:,} dossiers "
            f"{rows / elapsed:>8,.0f} rows/s  ETA {eta:5.0f} s"
        )
        if done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


# How online applicants ask for their result, drawn with these odds (counter first).
ONLINE_DELIVERY = (ReturnMethod.COUNTER, ReturnMethod.COUNTER, ReturnMethod.POST)


class Generator:
    def __init__(self, options: Options, *, progress: TextIO | None = None) -> None:
        self.o = options
        self.rng = random.Random(options.seed)  # noqa: S311 (reproducible fake data)
        self.accounts = generator_payments.accounts_by_agency()
        self.payment_references = set(PaymentRequest.objects.values_list("reference", flat=True))
        self.now = options.now or timezone.now()
        self.start = self.now - timedelta(days=options.days or 365 * options.years)
        self.progress_stream = progress
        self.rows = 0

    def _reference(self) -> str:
        while True:
            candidate = "".join(
                self.rng.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH)
            )
            if candidate not in self.references:
                self.references.add(candidate)
                return candidate

    # --- set-up --------------------------------------------------------------------------------

    def _load(self) -> None:
        # Online submissions carry their short reference (dossiers.references), unique among
        # those already in the database and those drawn in this run.
        self.references = set(
            Dossier.objects.exclude(reference=None).values_list("reference", flat=True)
        )
        agencies = Agency.objects.filter(
            numbering_filter(), Q(valid_to__isnull=True) | Q(valid_to__gte=local(self.now).date())
        ).select_related("parent__parent__parent")
        if self.o.agencies:
            agencies = agencies.filter(slug__in=self.o.agencies)
        self.agencies = list(agencies)
        # Whose code and counter number each agency's dossiers (dossiers.codes).
        self.numbering = {a.pk: numbering_agency(a) for a in self.agencies}
        if not self.agencies:
            raise ValueError("No agency has an identifier code, so none can number dossiers.")
        others = list(
            Agency.objects.exclude(pk__in=[a.pk for a in self.agencies]).filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=local(self.now).date())
            )
        )
        self.transfer_targets = others or self.agencies
        procedures = (
            Procedure.objects.filter(status=PublicationStatus.PUBLISHED)
            .prefetch_related("channels__fees", "components")
            .order_by("pk")
        )
        if self.o.procedures:
            procedures = procedures.filter(national_code__in=self.o.procedures)
        self.procedures = [self._info(p) for p in procedures]
        self.procedures = [p for p in self.procedures if p.channels]
        if not self.procedures:
            raise ValueError("No published procedure: load the catalogue first (load_demo).")
        # A few procedures take most dossiers (a Zipf-like popularity).
        weights = {id(p): 1 / (rank + 1) for rank, p in enumerate(self.procedures)}
        # The channel is drawn first, then a procedure offered through it, so the channel mix
        # holds even though many procedures are not offered online.
        self.by_channel: dict[str, tuple[list[_ProcedureInfo], list[float]]] = {}
        for channel in Channel.values:
            offered = [p for p in self.procedures if channel in p.channels] or self.procedures
            self.by_channel[channel] = (offered, [weights[id(p)] for p in offered])
        years = range(self.start.year, self.now.year + 2)
        self.calendars: dict[int, WorkingCalendar] = {
            a.pk: calendar_for(a, years=years) for a in self.agencies
        }
        self.processes: dict[tuple[int, int], tuple[Process, list[ProcessStep]]] = {}
        for process in Process.objects.filter(
            status=ProcessStatus.PUBLISHED, agency__in=self.agencies
        ).prefetch_related("steps", "moves"):
            self.processes[(process.procedure_id, process.agency_id)] = (
                process,
                self._path(process),
            )
        self.reception = self._officer(Role.RECEPTION_OFFICER)
        self.specialist = self._officer(Role.SPECIALIST) or self.reception
        self.citizen = User.objects.filter(username="congdan").first()
        self.counters: dict[tuple[int, date], int] = {
            (c.agency_id, c.day): c.last_number
            for c in DossierCodeCounter.objects.filter(
                agency__in=[n for n in self.numbering.values() if n is not None]
            )
        }
        self.touched: set[tuple[int, date]] = set()

    def _info(self, procedure: Procedure) -> _ProcedureInfo:
        channels = [c.channel for c in procedure.channels.all()]
        return _ProcedureInfo(
            procedure=procedure,
            channels=channels,
            periods={
                ch: procedure_legal_period(procedure=procedure, channel=ch) for ch in Channel.values
            },
            components=[(c.pk, c.name) for c in procedure.components.all()][:8],
            fees={
                c.channel: [(f.pk, f.description, f.amount) for f in c.fees.all() if f.amount]
                for c in procedure.channels.all()
            },
            resume_mode=procedure.resume_mode,
        )

    @staticmethod
    def _path(process: Process) -> list[ProcessStep]:
        """The steps a dossier walks through when every forward move takes the first target
        at the home agency (an inter-agency step only when there is no other)."""
        step = engine.first_step(process)
        path = [step]
        while not engine.is_last(process, step) and len(path) < 20:
            targets = engine.forward_targets(process, step)
            step = next((t for t in targets if not t.is_transfer), targets[0])
            path.append(step)
        return path

    def _officer(self, role: str) -> int | None:
        """An official with `role`, at one of the receiving agencies if any holds it."""
        memberships = Membership.objects.filter(role=role).order_by("pk")
        membership = memberships.filter(agency__in=self.agencies).first() or memberships.first()
        return membership.user_id if membership else None

    # --- the run ---------------------------------------------------------------------------------

    def run(self) -> Result:
        started = time.monotonic()
        self._load()
        progress = Progress(self.o.count, self.progress_stream)
        citizen_every = max(self.o.count // max(self.o.citizen_dossiers, 1), 1)
        done = 0
        batch: list[_Pending] = []
        for index, submitted_at in enumerate(self._submission_times()):
            pending = self._dossier(submitted_at)
            if self.citizen is not None and index % citizen_every == citizen_every // 2:
                pending.dossier.applicant_user = self.citizen
                pending.dossier.applicant_name = self.citizen.full_name or "Công dân (demo)"
            batch.append(pending)
            if len(batch) >= self.o.batch:
                self._write(batch)
                done += len(batch)
                batch = []
                progress.update(done, self.rows)
        if batch:
            self._write(batch)
            done += len(batch)
        self._write_counters()
        progress.update(done, self.rows)
        return Result(
            dossiers=done,
            rows=self.rows,
            seconds=time.monotonic() - started,
            agencies=[a.slug for a in self.agencies],
            codes=sorted({n.identifier for n in self.numbering.values() if n is not None}),
        )

    def _submission_times(self) -> Iterator[datetime]:
        """`count` moments, in order, spread over the working days of the period (a few on days
        off, online), more in the mornings; busier toward the end (the online share grows)."""
        first, last = local(self.start).date(), local(self.now).date()
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        calendar = next(iter(self.calendars.values()))
        weights = [
            (1.0 if calendar.is_working_day(d) else 0.08) * (0.8 + 0.4 * n / len(days))
            for n, d in enumerate(days)
        ]
        total = sum(weights)
        remaining, carried = self.o.count, 0.0
        for n, (day, weight) in enumerate(zip(days, weights, strict=True)):
            share = self.o.count * weight / total + carried
            today = remaining if n == len(days) - 1 else min(int(share), remaining)
            carried = share - today
            remaining -= today
            moments = sorted(self._moment(day, calendar.is_working_day(day)) for _ in range(today))
            for moment in moments:
                yield min(moment, self.now - timedelta(minutes=1)).astimezone(UTC)

    def _moment(self, day: date, working: bool) -> datetime:
        if working and self.rng.random() < 0.85:
            minute = self.rng.choice((self.rng.randint(450, 690), self.rng.randint(780, 1020)))
        else:
            minute = self.rng.randint(0, 1439)
        second = self.rng.randint(0, 59)
        moment = datetime.combine(day, clock(minute // 60, minute % 60, second), tzinfo=VN_TZ)
        return moment.astimezone(UTC)

    # --- one dossier ---------------------------------------------------------------------------

    def _dossier(self, submitted_at: datetime) -> _Pending:
        rng = self.rng
        agency = rng.choice(self.agencies)
        calendar = self.calendars[agency.pk]
        channel: str = rng.choices(
            [c for c, _w in CHANNEL_WEIGHTS], weights=[w for _c, w in CHANNEL_WEIGHTS]
        )[0]
        if channel == Channel.DIRECT and not calendar.is_working_day(local(submitted_at).date()):
            channel = Channel.ONLINE  # the counter is closed on days off
        offered, weights = self.by_channel[channel]
        info = rng.choices(offered, weights=weights)[0]
        if channel not in info.channels:
            channel = Channel.DIRECT if Channel.DIRECT in info.channels else info.channels[0]
        name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"
        dossier = Dossier(
            procedure=info.procedure,
            receiving_agency=agency,
            current_agency=agency,
            channel=channel,
            status=S.REGISTERED,
            applicant_name=name,
            applicant_id_number=f"022{rng.randint(0, 10**9 - 1):09d}",
            applicant_phone=f"09{rng.randint(0, 10**8 - 1):08d}",
            applicant_address=f"{rng.randint(1, 300)} đường {rng.choice(PLACES)}, Quảng Ninh",
            submitted_at=submitted_at,
            created_at=submitted_at,
            updated_at=submitted_at,
        )
        if channel == Channel.ONLINE:
            dossier.reference = self._reference()
            dossier.result_delivery = rng.choice(ONLINE_DELIVERY)
            if dossier.result_delivery == ReturnMethod.POST:
                dossier.result_delivery_address = dossier.applicant_address
        p = _Pending(dossier, [], [], [], [], [])
        intake_actor = None if channel == Channel.ONLINE else self.reception
        p.events.append(
            (submitted_at, intake_actor, "register", {"to": S.REGISTERED, "channel": channel})
        )
        for position, (component_id, component_name) in enumerate(info.components, start=1):
            p.components.append(
                DossierComponent(
                    component_id=component_id,
                    position=position,
                    name=component_name,
                    originals=1,
                    copies=rng.randint(0, 1),
                )
            )
        self._life(p, info, calendar, intake_actor)
        dossier.updated_at = max(e[0] for e in p.events)
        dossier.version = len(p.events) - 1
        return p

    def _life(
        self,
        p: _Pending,
        info: _ProcedureInfo,
        calendar: WorkingCalendar,
        intake_actor: int | None,
    ) -> None:
        rng, d, now = self.rng, p.dossier, self.now
        # Acceptance: on the spot at the counter; online and post within about a working day.
        if d.channel == Channel.DIRECT:
            accepted_at = d.submitted_at + timedelta(minutes=rng.randint(3, 20))
        else:
            accepted_at = calendar.add_working_time(
                calendar.counted_from(d.submitted_at), timedelta(minutes=rng.randint(10, 900))
            )
        if accepted_at >= now:
            return  # still waiting for the one-stop officer
        if d.channel != Channel.DIRECT and rng.random() < REFUSED_SHARE:
            d.status, d.closed_at = S.NOT_ACCEPTED, accepted_at
            self._event(
                p,
                accepted_at,
                self.reception,
                "refuse",
                S.REGISTERED,
                S.NOT_ACCEPTED,
                reason="Hồ sơ không thuộc thẩm quyền",
            )
            return
        code = self._code(d.receiving_agency, accepted_at)
        if code is None:
            return  # the day's 9,999 numbers are used up: it waits for acceptance
        d.code, d.accepted_at, d.status = code, accepted_at, S.ACCEPTED
        period = info.periods.get(d.channel) or info.periods.get(Channel.DIRECT)
        d.legal_time = period_json(period)
        d.resume_mode = info.resume_mode
        due = calendar.due(accepted_at, period) if period else None
        d.due_at = due
        accept_event = self._event(
            p,
            accepted_at,
            self.reception,
            "accept",
            S.REGISTERED,
            S.ACCEPTED,
            code=code,
            due_at=_iso(due),
        )
        p.appointments.append((accept_event, None, due, "accept", accepted_at))
        fees = info.fees.get(d.channel) or info.fees.get(Channel.DIRECT) or []
        for fee_id, description, amount in fees:
            p.fees.append(
                DossierFee(
                    fee_id=fee_id,
                    description=description,
                    amount=amount,
                    status=FeeStatus.PAID,
                    paid_at=accepted_at,
                )
            )
        path = self.processes.get((d.procedure_id, d.receiving_agency_id))
        if path is not None:
            d.process = path[0]
        # How long the work takes, against the legal time (at least two working hours).
        legal = (
            calendar.working_time_between(accepted_at, due) if due else timedelta(hours=40)
        ) or timedelta(hours=8)
        pace = rng.choices([k for k, _w in PACE_WEIGHTS], weights=[w for _k, w in PACE_WEIGHTS])[0]
        if pace == "early":
            work = legal * rng.uniform(0.15, 0.75)
        elif pace == "on_time":
            work = legal * rng.uniform(0.93, 1.0)
        else:
            work = legal + timedelta(hours=rng.choice((2, 6, 8, 16, 24, 40, 80)))
        work = max(work, timedelta(hours=2))
        moment, status = accepted_at, S.ACCEPTED
        # A pause for a supplement somewhere in the first half.
        if rng.random() < PAUSE_SHARE:
            paused_at = calendar.add_working_time(moment, work * rng.uniform(0.1, 0.5))
            if paused_at >= now:
                return self._running(p, status, calendar, moment)
            self._walk(p, calendar, moment, paused_at)
            self._event(
                p,
                paused_at,
                self.specialist,
                "request_supplement",
                status,
                S.SUPPLEMENT_REQUESTED,
                missing=["Bản sao giấy tờ tùy thân"],
            )
            resumed_at = calendar.add_working_time(
                paused_at, timedelta(hours=rng.choice((4, 8, 16, 24, 48)))
            )
            if resumed_at >= now or rng.random() < WITHDRAWN_SHARE * 4:
                if resumed_at < now:  # gave up: withdrawn while paused
                    return self._withdraw(p, S.SUPPLEMENT_REQUESTED, resumed_at)
                d.status, d.paused_at = S.SUPPLEMENT_REQUESTED, paused_at
                self._close_steps(p, paused_at, open_at_end=True)
                return None
            new_due = due
            if due is not None and period is not None:
                new_due = resumed_due(
                    calendar,
                    due_at=due,
                    paused_at=paused_at,
                    resumed_at=resumed_at,
                    period=period,
                    kind=PauseKind.SUPPLEMENT,
                    procedure_mode=info.resume_mode,
                )
            resume_event = self._event(
                p,
                resumed_at,
                self.reception,
                "receive_supplement",
                S.SUPPLEMENT_REQUESTED,
                S.ACCEPTED,
                due_at=_iso(new_due),
            )
            if new_due != due:
                p.appointments.append(
                    (resume_event, due, new_due, "receive_supplement", resumed_at)
                )
                due = d.due_at = new_due
            work -= calendar.working_time_between(moment, paused_at)
            moment = resumed_at
        # A transfer to another agency (liên thông) and back.
        if rng.random() < TRANSFER_SHARE:
            sent_at = calendar.add_working_time(moment, work * 0.3)
            if sent_at >= now:
                return self._running(p, status, calendar, moment)
            self._walk(p, calendar, moment, sent_at)
            other = rng.choice(self.transfer_targets)
            self._event(
                p, sent_at, self.specialist, "transfer", status, S.IN_TRANSFER, to_agency=other.pk
            )
            back_at = calendar.add_working_time(sent_at, work * 0.4)
            if back_at >= now:
                d.status, d.current_agency = S.IN_TRANSFER, other
                return None
            self._event(p, back_at, self.specialist, "receive_back", S.IN_TRANSFER, S.IN_PROCESSING)
            work -= calendar.working_time_between(moment, back_at)
            moment, status = back_at, S.IN_PROCESSING
        if rng.random() < WITHDRAWN_SHARE:
            withdrawn_at = calendar.add_working_time(moment, work * 0.5)
            if withdrawn_at < now:
                return self._withdraw(p, status, withdrawn_at)
        finished_at = calendar.add_working_time(moment, max(work, timedelta(hours=1)))
        if finished_at >= now:
            return self._running(p, status, calendar, moment)
        self._walk(p, calendar, moment, finished_at)
        self._close_steps(p, finished_at)
        d.finished_at = finished_at
        d.judgement = judge(finished_at, due) if due else ""
        d.result_number = f"{rng.randint(1, 9999)}/GP"
        source = S.IN_PROCESSING if p.steps else status
        self._event(
            p,
            finished_at,
            self.specialist,
            "finish",
            source,
            S.PROCESSED,
            result_number=d.result_number,
            judgement=d.judgement,
        )
        d.status, d.current_step = S.PROCESSED, None
        returned_at = calendar.add_working_time(finished_at, timedelta(hours=rng.randint(1, 24)))
        if returned_at >= now:
            return None
        returns: dict[str, str] = {Channel.POST: ReturnMethod.POST}
        method = returns.get(d.channel, ReturnMethod.COUNTER)
        d.status, d.returned_at, d.closed_at, d.return_method = (
            S.RESULT_RETURNED,
            returned_at,
            returned_at,
            method,
        )
        if method == ReturnMethod.POST:
            d.post_tracking_number = f"EB{rng.randint(10**8, 10**9 - 1)}VN"
        else:
            d.result_recipient_name = d.applicant_name
        self._event(
            p,
            returned_at,
            self.reception,
            "return_result",
            S.PROCESSED,
            S.RESULT_RETURNED,
            return_method=method,
            recipient=d.result_recipient_name,
            originals_collected="",
            tracking_number=d.post_tracking_number,
        )
        return None

    def _running(
        self, p: _Pending, status: str, calendar: WorkingCalendar, moment: datetime
    ) -> None:
        """Still at work now: accepted, or in processing when it went through a step."""
        self._walk(p, calendar, moment, self.now)
        if p.steps and p.dossier.status == S.ACCEPTED:
            p.dossier.status = S.IN_PROCESSING
        elif status != S.ACCEPTED:
            p.dossier.status = status

    def _withdraw(self, p: _Pending, status: str, at: datetime) -> None:
        d = p.dossier
        self._close_steps(p, at)
        d.status, d.closed_at, d.paused_at = S.WITHDRAWN, at, None
        d.current_step, d.current_agency = None, d.receiving_agency
        self._event(p, at, None, "withdraw", status, S.WITHDRAWN, reason="Công dân rút hồ sơ")

    def _walk(self, p: _Pending, calendar: WorkingCalendar, start: datetime, end: datetime) -> None:
        """Step records of the internal process from `start` until `end`: each step gets its
        share of the legal time and hands on when it is spent (the last step stays open)."""
        d = p.dossier
        if d.process is None:
            return
        process, path = self.processes[(d.procedure_id, d.receiving_agency_id)]
        shares = engine.step_shares(process)
        hours = _nominal_hours(d.legal_time)
        moment = p.steps[-1].started_at if p.steps else start
        index = len(p.steps)
        if p.steps:
            index -= 1
        while index < len(path):
            step = path[index]
            agency_id = step.agency_id or process.agency_id
            if not p.steps or p.steps[-1].step_id != step.pk:
                due = calendar.add_working_time(
                    moment, timedelta(hours=float(shares[step.pk]) * hours)
                )
                p.steps.append(
                    StepRecord(
                        step=step,
                        agency_id=agency_id,
                        role=step.role,
                        started_at=moment,
                        due_at=due,
                    )
                )
                d.current_step, d.current_agency_id = step, agency_id
            record = p.steps[-1]
            leave = calendar.add_working_time(
                record.started_at,
                ((record.due_at or moment) - record.started_at) * self.rng.uniform(0.3, 1.1),
            )
            if index == len(path) - 1 or leave >= end:
                return
            record.ended_at, record.end_act = leave, "forward"
            record.judgement = judge_step(leave, record.due_at) if record.due_at else ""
            record.ended_by_id = self.specialist
            moment, index = leave, index + 1

    def _close_steps(self, p: _Pending, at: datetime, *, open_at_end: bool = False) -> None:
        if not p.steps or open_at_end:
            return
        record = p.steps[-1]
        if record.ended_at is None:
            record.ended_at, record.ended_by_id, record.end_act = at, self.specialist, "finish"
            record.judgement = judge_step(at, record.due_at) if record.due_at else ""

    def _event(
        self,
        p: _Pending,
        at: datetime,
        actor: int | None,
        act: str,
        source: str,
        target: str,
        **data: Any,
    ) -> int:
        at = at.astimezone(UTC)
        p.events.append((at, actor, act, {"from": str(source), "to": str(target), **data}))
        return len(p.events) - 1

    def _code(self, agency: Agency, accepted_at: datetime) -> str | None:
        day = local(accepted_at).date()
        numbering = self.numbering[agency.pk]
        assert numbering is not None  # self.agencies can all number (numbering_filter)
        key = (numbering.pk, day)
        number = self.counters.get(key, 0) + 1
        if number > MAX_DAILY_NUMBER:
            return None
        self.counters[key] = number
        self.touched.add(key)
        return f"{numbering.identifier}-{day:%y%m%d}-{number:04d}"

    # --- writing -------------------------------------------------------------------------------

    def _write(self, batch: list[_Pending]) -> None:
        with transaction.atomic():
            Dossier.objects.bulk_create([p.dossier for p in batch])
            events, heads, components, fees, steps = [], [], [], [], []
            event_rows: list[list[AuditEvent]] = []
            for p in batch:
                pk = p.dossier.pk
                chain, previous, mine = f"{SUBJECT_TYPE}:{pk}", GENESIS_HASH, []
                for seq, (at, actor, act, extra) in enumerate(p.events, start=1):
                    code = "" if act in ("register", "refuse") else p.dossier.code or ""
                    data = {"code": code, "at": at.isoformat(), **extra}
                    data = json.loads(json.dumps(data, default=str))
                    action = f"dossier.{act}"
                    sealed = digest(
                        previous_hash=previous,
                        occurred_at=at,
                        actor_id=actor,
                        action=action,
                        subject_id=str(pk),
                        data=data,
                        chain=chain,
                        seq=seq,
                    )
                    mine.append(
                        AuditEvent(
                            occurred_at=at,
                            actor_id=actor,
                            action=action,
                            subject_type=SUBJECT_TYPE,
                            subject_id=str(pk),
                            data=data,
                            chain=chain,
                            seq=seq,
                            previous_hash=previous,
                            hash=sealed,
                        )
                    )
                    previous = sealed
                events.extend(mine)
                event_rows.append(mine)
                heads.append(AuditChainHead(chain=chain, last_hash=previous, last_seq=len(mine)))
                for component in p.components:
                    component.dossier = p.dossier
                for fee in p.fees:
                    fee.dossier = p.dossier
                for record in p.steps:
                    record.dossier = p.dossier
                components += p.components
                fees += p.fees
                steps += p.steps
            paid = generator_payments.paid_requests(
                [(p.dossier, p.fees) for p in batch],
                rng=self.rng,
                accounts=self.accounts,
                taken=self.payment_references,
            )
            PaymentRequest.objects.bulk_create([request for request, _ in paid])
            for request, paid_fees in paid:
                for fee in paid_fees:
                    fee.payment_request = request
            AuditEvent.objects.bulk_create(events)
            AuditChainHead.objects.bulk_create(heads)
            DossierComponent.objects.bulk_create(components)
            DossierFee.objects.bulk_create(fees)
            StepRecord.objects.bulk_create(steps)
            changes = [
                AppointmentChange(
                    dossier=p.dossier,
                    previous_due_at=before,
                    new_due_at=after,
                    act=act,
                    changed_at=at,
                    event=rows[index],
                )
                for p, rows in zip(batch, event_rows, strict=True)
                for index, before, after, act, at in p.appointments
            ]
            AppointmentChange.objects.bulk_create(changes)
            pauses = [
                pause
                for p, rows in zip(batch, event_rows, strict=True)
                for pause in pauses_from_events(rows, partial(DossierPause, dossier=p.dossier))
            ]
            DossierPause.objects.bulk_create(pauses)
        self.rows += len(batch) + len(events) * 2 + len(components) + len(fees) + len(steps)
        self.rows += len(paid)
        self.rows += len(changes) + len(pauses)

    def _write_counters(self) -> None:
        rows = [
            DossierCodeCounter(
                agency_id=agency_id, day=day, last_number=self.counters[(agency_id, day)]
            )
            for agency_id, day in sorted(self.touched)
        ]
        with transaction.atomic():
            DossierCodeCounter.objects.bulk_create(
                rows,
                batch_size=2000,
                update_conflicts=True,
                unique_fields=["agency", "day"],
                update_fields=["last_number"],
            )
        self.rows += len(rows)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _nominal_hours(legal_time: dict[str, Any] | None) -> int:
    if not legal_time:
        return 8
    if legal_time.get("working_hours") is not None:
        return int(legal_time["working_hours"])
    days = legal_time.get("working_days")
    if days is None:
        days = legal_time.get("calendar_days")
    return max(int(days or 0), 1) * 8


def generate(options: Options, *, progress: TextIO | None = sys.stderr) -> Result:
    return Generator(options, progress=progress).run()
