"""Pose data that would be drawn other than written is refused when it is checked (attack 3):
props a drawing cannot read, too many of them, lists without an end, yes or quoted text
for a number, and a panel camera that blows its panel up or sees the movement end-on."""

from __future__ import annotations

import re
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
                                             ("t", 0.5), ("band", "solid")])
def test_a_box_refuses_what_only_a_towel_reads(kind: str, name: str, value: object) -> None:
    assert problems(Prop, {"kind": kind, name: value}) == [
        ((name,), f"Value error, a {kind} has no {name} (only a towel has around, toward, t "
                  f"and band); a {kind} is placed and sized by x, z, width, depth and height")]


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


@pytest.mark.parametrize("kind", ["mat", "step", "chair"])
def test_only_a_rail_rises(kind: str) -> None:
    assert problems(Prop, {"kind": kind, "rise": 30}) == [
        (("rise",), f"Value error, a {kind} has no rise: only a rail slopes (a stair's handrail)")]
    assert problems(Prop, {"kind": "towel", "around": "right_knee", "rise": 30}) == [
        (("rise",), "Value error, a towel has no rise: only a rail slopes (a stair's handrail)")]
    assert Prop.model_validate({"kind": "rail", "rise": 28}).rise == 28
    assert problems(Prop, {"kind": "rail", "rise": 75})[0][0] == ("rise",)  # steeper than a stair


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
             {"kind": "rail", "x": 85, "width": 110, "height": 118, "rise": 28},
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


STANDING: dict[str, Any] = {}
LYING = {"pelvis": {"pitch": 90}}


@pytest.mark.parametrize(("frame", "pose", "camera"), [
    ("end", STANDING, {"yaw": 0, "pitch": 90}),   # a standing body seen from above
    ("start", LYING, {"yaw": 90, "pitch": 0}),   # a lying body seen end-on
    ("middle", LYING, {"yaw": -90, "pitch": 10})])
def test_a_keyframe_camera_that_would_blow_its_panel_up_is_refused(
        frame: str, pose: dict[str, Any], camera: dict[str, Any]) -> None:
    data = figure(start=pose, end=pose, middle=pose)
    data[frame] = {**pose, "camera": camera}
    [(where, message)] = problems(FigureSpec, data)
    zoom = re.fullmatch(rf"Value error, {frame}'s panel, seen from its own camera, shows the body "
                        r"(\d+\.\d) times smaller than another panel's camera would, so it would be "
                        r"drawn \1 times larger than the others; choose views nearer each other "
                        r"\(at most 1\.5 times smaller\)", message)
    assert where == (frame,) and zoom is not None and float(zoom[1]) > 2.5, message


def test_a_figure_camera_that_would_blow_up_the_panels_drawn_with_it_is_refused() -> None:
    """Attack 4: the view refused on a keyframe passed when it was the figure's camera and a
    keyframe had a side view of its own: the panels drawn with the figure's were the blob."""
    data = figure(start=STANDING, end=STANDING)
    data["camera"] = {"yaw": 0, "pitch": 90}
    data["start"] = {**STANDING, "camera": {"yaw": 0, "pitch": 0}}
    [(where, message)] = problems(FigureSpec, data)
    assert where == ("end",) and message.startswith(
        "Value error, end's panel, seen from the figure's camera, shows the body "), message


def test_a_last_panel_camera_that_sees_the_movement_end_on_is_refused() -> None:
    bent = {**LYING, "right_hip": 100, "right_knee": 90}
    data = figure(start=LYING, end={**bent, "camera": {"yaw": -90, "pitch": 40}})
    found = problems(FigureSpec, data)
    assert len(found) == 1 and found[0][0] == ("moving",)
    assert found[0][1].startswith("Value error, the last panel's own camera (end.camera) sees "
                                  "right_knee's movement end-on (only ")
    assert found[0][1].endswith("of its path shows), so its arrow would be a bare head; turn "
                                "that camera (yaw, pitch) to see the movement from the side")
    data["end"]["camera"] = {"yaw": 20, "pitch": 40}  # from the side: the arrow reads
    FigureSpec.model_validate(data)


def test_the_figure_camera_that_sees_the_movement_end_on_is_refused_when_a_panel_has_its_own() -> None:
    """Attack 4: the end-on view passed as the figure's camera with a side view on start."""
    bent = {**LYING, "right_hip": 100, "right_knee": 90}
    data = figure(start={**LYING, "camera": {"yaw": 20, "pitch": 40}}, end=bent)
    data["camera"] = {"yaw": -90, "pitch": 40}
    found = [problem for problem in problems(FigureSpec, data) if problem[0] == ("moving",)]
    assert len(found) == 1 and found[0][1].startswith(
        "Value error, the last panel's camera (the figure's) sees right_knee's movement end-on"), found
    del data["start"]["camera"]  # one camera for every panel: the author's view, drawn as asked
    FigureSpec.model_validate(data)


@pytest.mark.parametrize("camera", [{"yaw": 10, "pitch": 75}, {"yaw": 45, "pitch": 30},
                                    {"yaw": -30, "pitch": 60}])
def test_a_lying_figure_seen_from_above_on_one_panel_is_fine(camera: dict[str, Any]) -> None:
    """As the bundled figure 4's panel 1: the body looks as large as from the side."""
    FigureSpec.model_validate(figure(start={**LYING, "camera": camera}, end=LYING))


def test_an_easier_version_in_three_panels_is_refused() -> None:
    """Attack 4: drawn in the small column beside "Too hard?", its panels were 11 mm wide."""
    found = problems(FigureSpec, figure(start={}, end={}, easier=figure(start={}, end={}, middle={})))
    assert len(found) == 1 and "an easier version is drawn small beside \"Too hard?\": two panels, " \
        "start and end; leave out its middle" in found[0][1], found
