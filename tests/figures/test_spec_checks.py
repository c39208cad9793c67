"""Pose data that would be drawn other than written is refused when it is checked: props a
drawing cannot read, too many of them, lists without an end (attack 3)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from generator.figures.kinematics import POINTS
from generator.figures.spec import REACH_PARTS, FigureSpec, Prop
from generator.limits import MAX_CONTACTS, MAX_PROPS

FRAME = {"pelvis": {"pitch": 90}}


def figure(**fields: Any) -> dict[str, Any]:
    return {"start": FRAME, "end": FRAME, "moving": "right_knee", **fields}


def problems(kind: type, data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        kind.model_validate(data)
    return [(tuple(error["loc"]), error["msg"]) for error in caught.value.errors()]


def test_a_towel_needs_the_point_it_loops_round() -> None:
    assert problems(Prop, {"kind": "towel"}) == [
        (("around",), "Value error, a towel needs around: the body point it loops round, "
                      "e.g. around: right_knee (the hands hold its ends)")]


@pytest.mark.parametrize("kind", ["mat", "step", "chair", "rail"])
@pytest.mark.parametrize(("name", "value"), [("around", "right_knee"), ("toward", "right_hip"),
                                             ("t", 0.5)])
def test_a_box_refuses_what_only_a_towel_reads(kind: str, name: str, value: object) -> None:
    assert problems(Prop, {"kind": kind, name: value}) == [
        ((name,), f"Value error, a {kind} has no {name} (only a towel has around, toward and "
                  f"t); a {kind} is placed and sized by x, z, width, depth and height")]


@pytest.mark.parametrize(("name", "value"), [("x", 10), ("x", "pelvis"), ("z", 5), ("width", 30),
                                             ("depth", 30), ("height", 30)])
def test_a_towel_refuses_a_place_or_a_size(name: str, value: object) -> None:
    found = problems(Prop, {"kind": "towel", "around": "right_knee", name: value})
    assert found == [((name,), f"Value error, a towel has no {name}: it runs from the hands "
                               "round the body point named by around (only a mat, step, chair "
                               "or rail has x, z, width, depth and height)")]


def test_a_towels_t_needs_toward() -> None:
    assert problems(Prop, {"kind": "towel", "around": "right_knee", "t": 0.4}) == [
        (("t",), "Value error, t slides the loop from around toward the point named by "
                 "toward: give toward too, or leave t out")]


def test_every_problem_of_every_prop_is_reported_at_once() -> None:
    found = problems(FigureSpec, figure(props=[{"kind": "mat", "around": "head", "t": 0.2},
                                              {"kind": "towel", "height": 3}]))
    assert [location for location, _ in found] == [
        ("props", 0, "around"), ("props", 0, "t"), ("props", 1, "around"),
        ("props", 1, "height")]


def test_what_each_kind_reads_still_loads_and_dumps_back() -> None:
    props = [{"kind": "towel", "around": "right_knee", "toward": "right_hip", "t": 0.45},
             {"kind": "towel", "around": "left_knee"},
             {"kind": "mat"}, {"kind": "step", "x": "right_heel"},
             {"kind": "rail", "x": 22, "z": -14, "width": 36, "depth": 4, "height": 90},
             {"kind": "chair", "x": "pelvis", "t": 0, "z": 0}]  # defaults written out are harmless
    spec = FigureSpec.model_validate(figure(props=props))
    assert FigureSpec.model_validate(spec.model_dump()) == spec  # every field dumped, defaults too


def test_a_figure_has_at_most_a_handful_of_props() -> None:
    assert MAX_PROPS == 8
    FigureSpec.model_validate(figure(props=[{"kind": "mat"}] * MAX_PROPS))
    assert problems(FigureSpec, figure(props=[{"kind": "mat"}] * (MAX_PROPS + 1))) == [
        (("props",), "Tuple should have at most 8 items after validation, not 9")]


def test_a_keyframe_names_each_reach_and_contact_at_most_once_over() -> None:
    assert MAX_CONTACTS == len(POINTS)
    everything = {"contacts": list(POINTS),
                  "reach": [{"part": part, "to": "chest"} for part in REACH_PARTS]}
    FigureSpec.model_validate(figure(start={**FRAME, **everything}))
    too_many = {"contacts": list(POINTS) * 1000,
                "reach": [{"part": "left_hand", "to": "chest"}] * (len(REACH_PARTS) + 1)}
    found = problems(FigureSpec, figure(end={**FRAME, **too_many}))
    assert found == [
        (("end", "reach"), "Tuple should have at most 4 items after validation, not 5"),
        (("end", "contacts"), "Tuple should have at most 22 items after validation, not 22000")]


@pytest.mark.parametrize(("where", "value"), [
    (("camera", "yaw"), True), (("camera", "pitch"), "65"), (("start", "spine"), "10"),
    (("start", "pelvis", "x"), False), (("start", "left_hip", "flex"), True),
    (("arrow_gap",), "3"), (("props", 0, "width"), "30")])
def test_numbers_are_numbers_not_yes_or_quoted_text(where: tuple[Any, ...], value: object) -> None:
    data = figure(camera={"yaw": 20}, start={**FRAME, "pelvis": {"pitch": 90}, "left_hip": {}},
                  props=[{"kind": "step"}])
    holder = data
    for key in where[:-1]:
        holder = holder[key]
    holder[where[-1]] = value
    assert problems(FigureSpec, data) == [(where, "Input should be a valid number")]
    holder[where[-1]] = 1  # a whole number is a number
    FigureSpec.model_validate(data)
