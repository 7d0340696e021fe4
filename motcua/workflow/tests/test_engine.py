"""The pure engine, on processes built in memory (no database): moves, shares, validation."""

from decimal import Decimal

import pytest
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.core.errors import DomainError
from motcua.workflow import engine
from motcua.workflow.constants import MoveKind
from motcua.workflow.engine import MoveNotAllowed
from motcua.workflow.models import Process, ProcessMove, ProcessStep

HOME, OTHER, THIRD = 1, 2, 3
F, B = MoveKind.FORWARD, MoveKind.BACK


def build(steps, moves=(), *, home=HOME):
    """steps: (position, agency id or None, hours); moves: (source pos, target pos, kind).
    Step ids are 100 + position (200 + position for a repeated position); a target position of
    0 points outside the process."""
    process = Process(pk=1, agency_id=home, version=1)
    seen: set[int] = set()
    rows = [
        ProcessStep(
            pk=(200 if position in seen or seen.add(position) else 100) + position,
            process=process,
            position=position,
            name=f"B{position}",
            role=Role.SPECIALIST,
            agency_id=agency,
            hours=Decimal(hours),
        )
        for position, agency, hours in steps
    ]
    links = [
        ProcessMove(pk=i, process=process, source_id=100 + s, target_id=100 + t, kind=kind)
        for i, (s, t, kind) in enumerate(moves, start=1)
    ]
    process._prefetched_objects_cache = {"steps": rows, "moves": links}
    return process


def step(process, position):
    return next(s for s in process.steps.all() if s.position == position)


def positions(steps):
    return [s.position for s in steps]


LINE = [(1, None, 4), (2, None, 24), (3, None, 8), (4, None, 4)]  # 40 h = 5 working days
TRANSFER = [(1, None, 4), (2, OTHER, 16), (3, HOME, 16), (4, None, 4)]


@pytest.mark.parametrize(
    ("steps", "moves", "at", "forward", "back"),
    [
        # defaults: next by position; back to every earlier home step, nearest first
        (LINE, [], 1, [2], []),
        (LINE, [], 2, [3], [1]),
        (LINE, [], 4, [], [3, 2, 1]),
        # positions need not be consecutive
        ([(10, None, 4), (20, None, 4), (30, None, 4)], [], 10, [20], []),
        # an inter-agency step is not a default back target
        (TRANSFER, [], 4, [], [3, 1]),
        (TRANSFER, [], 2, [3], [1]),
        # explicit moves replace the defaults of their kind only
        (LINE, [(1, 3, F)], 1, [3], []),
        (LINE, [(2, 3, F), (2, 4, F)], 2, [3, 4], [1]),
        (LINE, [(4, 2, B)], 4, [], [2]),
        (LINE, [(4, 1, B), (4, 3, B)], 4, [], [3, 1]),
        (LINE, [(4, 1, B)], 3, [4], [2, 1]),
    ],
)
def test_targets(steps, moves, at, forward, back):
    process = build(steps, moves)
    assert positions(engine.forward_targets(process, step(process, at))) == forward
    assert positions(engine.back_targets(process, step(process, at))) == back
    assert engine.is_last(process, step(process, at)) is (not forward)


def test_first_step_is_the_lowest_position():
    process = build([(3, None, 4), (1, None, 4), (2, None, 4)])
    assert engine.first_step(process).position == 1


def test_first_step_of_an_empty_process_is_an_error():
    with pytest.raises(DomainError):
        engine.first_step(build([]))


@pytest.mark.parametrize(
    ("moves", "at", "kind", "target", "expected"),
    [
        ([], 1, F, None, 2),  # one target: may be omitted
        ([], 1, F, 102, 2),  # ... or must be that one
        ([], 1, F, "102", 2),  # ids from a form are strings
        ([(2, 3, F), (2, 4, F)], 2, F, 104, 4),  # several: target_id picks
        ([], 4, B, 101, 1),
        ([], 3, B, 102, 2),
    ],
)
def test_resolve_move(moves, at, kind, target, expected):
    process = build(LINE, moves)
    assert engine.resolve_move(process, step(process, at), kind, target).position == expected


@pytest.mark.parametrize(
    ("moves", "at", "kind", "target"),
    [
        ([], 4, F, None),  # the last step has no forward move
        ([], 1, B, None),  # the first has no back move
        ([], 1, F, 103),  # not the allowed target
        ([(2, 3, F), (2, 4, F)], 2, F, None),  # several targets need a choice
        ([(2, 3, F), (2, 4, F)], 2, F, 101),  # a target outside the choices
        ([], 3, B, None),  # two earlier steps: a choice is needed
        ([], 3, B, 999),
    ],
)
def test_resolve_move_refused(moves, at, kind, target):
    process = build(LINE, moves)
    with pytest.raises(MoveNotAllowed) as caught:
        engine.resolve_move(process, step(process, at), kind, target)
    assert caught.value.code == "move_not_allowed"
    assert "B" in caught.value.message


def test_move_not_allowed_is_translated_and_lists_choices():
    process = build(LINE, [(2, 3, F), (2, 4, F)])
    with translation.override("vi"), pytest.raises(MoveNotAllowed) as caught:
        engine.resolve_move(process, step(process, 2), F, None)
    assert "“B3”, “B4”" in caught.value.message
    assert "Chọn" in caught.value.message
    assert positions(caught.value.targets) == [3, 4]


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        (LINE, {101: "0.1", 102: "0.6", 103: "0.2", 104: "0.1"}),
        ([(1, None, 1), (2, None, 3)], {101: "0.25", 102: "0.75"}),
        ([(1, None, 0), (2, None, 0)], {101: "0.5", 102: "0.5"}),  # unfinished draft
    ],
)
def test_step_shares(steps, expected):
    shares = engine.step_shares(build(steps))
    assert shares == {pk: Decimal(value) for pk, value in expected.items()}
    assert sum(shares.values()) == 1


def test_is_transfer():
    process = build(TRANSFER)
    assert [s.is_transfer for s in process.steps.all()] == [False, True, False, False]


# Validation: each rule with a failing and a passing case -------------------------------------

OK = []


@pytest.mark.parametrize(
    ("steps", "moves", "legal", "expected"),
    [
        # at least one step
        ([], [], 40, ["Quy trình chưa có bước nào."]),
        (LINE, [], 40, OK),
        # unique positions
        ([(1, None, 20), (1, None, 16), (2, None, 4)], [], 40, ["thứ tự 1", "“B1” không thể"]),
        ([(1, None, 20), (2, None, 16), (3, None, 4)], [], 40, OK),
        # hours > 0
        ([(1, None, 40), (2, None, 0)], [], 40, ["“B2” chưa có số giờ"]),
        ([(1, None, 40), (2, None, -1)], [], 39, ["“B2” chưa có số giờ"]),
        ([(1, None, 40), (2, None, "0.25")], [], None, OK),
        # the sum equals the legal time, naming both numbers
        (
            [(1, None, 4), (2, None, 24), (3, None, 8)],
            [],
            40,
            ["Các bước cộng lại 36 giờ làm việc, thời hạn giải quyết là 40 giờ (5 ngày làm việc)."],
        ),
        (
            [(1, None, 2), (2, None, "1.5")],
            [],
            4,
            ["Các bước cộng lại 3,5 giờ làm việc, thời hạn giải quyết là 4 giờ."],
        ),
        (LINE, [], None, OK),  # no legal time stated: any sum
        ([(1, None, 4), (2, None, 4)], [], 8, OK),
        # first and last step at home
        ([(1, OTHER, 4), (2, None, 4)], [], 8, ["Bước đầu tiên"]),
        ([(1, None, 4), (2, OTHER, 4)], [], 8, ["Bước cuối cùng"]),
        ([(1, HOME, 4), (2, HOME, 4)], [], 8, OK),  # the home agency named explicitly
        # an inter-agency step is followed by a home step
        (
            [(1, None, 4), (2, OTHER, 4), (3, THIRD, 4), (4, None, 4)],
            [],
            16,
            ["liên thông “B2”"],
        ),
        (
            [(1, None, 4), (2, OTHER, 4), (3, None, 4), (4, THIRD, 4), (5, None, 4)],
            [],
            20,
            OK,
        ),
        (TRANSFER, [(1, 2, F), (1, 3, F), (2, 4, F)], 40, OK),  # explicit, to a home step
        (
            [(1, None, 4), (2, None, 4), (3, OTHER, 4), (4, None, 4)],
            [(3, 2, B), (3, 4, F)],
            16,
            OK,
        ),
        (
            [(1, None, 4), (2, OTHER, 4), (3, None, 4), (4, THIRD, 4), (5, None, 4)],
            [(4, 2, B)],
            20,
            ["liên thông “B4”"],  # back to another agency's step
        ),
        # forward moves go later, back moves earlier
        (LINE, [(3, 2, F)], 40, ["chuyển tiếp “B3” → “B2”", "“B4” không thể"]),
        (LINE, [(2, 3, B)], 40, ["trả lại “B2” → “B3”"]),
        (LINE, [(2, 4, F), (2, 3, F), (4, 1, B)], 40, OK),
        # a move's steps belong to this process
        (LINE, [(2, 0, F), (1, 2, F)], 40, ["bước của quy trình khác"]),
        # every step reachable by forward moves
        (LINE, [(1, 3, F)], 40, ["“B2” không thể đi tới"]),
        (LINE, [(1, 3, F), (1, 2, F)], 40, OK),
    ],
)
def test_validate(steps, moves, legal, expected):
    with translation.override("vi"):
        errors = engine.validate(build(steps, moves), legal)
    assert len(errors) == len(expected), errors
    for error, fragment in zip(errors, expected, strict=True):
        assert fragment in error


def test_validate_in_english_names_the_numbers():
    process = build([(1, None, 4), (2, None, 4)])
    with translation.override("en"):
        (error,) = engine.validate(process, 16)
    assert error == (
        "The steps add up to 8 working hours; the legal time is 16 hours (2 working days)."
    )
