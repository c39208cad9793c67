"""Figure drawings: two numbered panels, the tone rule, inks that read, sizes on the card,
pictures in their place, and the guard that keeps NaN out of the PDF."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from reportlab.graphics.shapes import Circle, Group, Polygon, PolyLine, Rect
from reportlab.lib import colors
from reportlab.lib.units import mm

from generator.errors import UserError
from generator.figures.draw import (MARGIN, MAX_HEIGHT, FigureBug, FigureInks, check_operators, exercise_figure,
                                    panel_figure, panel_geometry)
from generator.figures.kinematics import HEAD_RADIUS, LIMB_RADIUS, SHIN, TRUNK_SAMPLES
from generator.figures.scene import ARROW_WIDTH, CASING, HAND_RADIUS, build_scene
from generator.figures.spec import FigureSpec, project, prop_boxes, solve
from generator.model import Exercise
from generator.resources import default_pack

EXERCISES = default_pack() / "exercises"
IDS = ("knee-to-chest", "standing-hamstring", "piriformis", "cobra", "pelvic-tilt",
       "glute-bridge", "clamshell", "bird-dog")
STYLES = yaml.safe_load((Path(__file__).resolve().parents[2] / "templates" / "styles.yaml")
                        .read_text(encoding="utf-8"))
INKS = FigureInks(**STYLES["figure"])


def load_exercise(exercise_id: str) -> Exercise:
    data = yaml.safe_load((EXERCISES / f"{exercise_id}.yaml").read_text(encoding="utf-8"))
    return Exercise.model_validate(data)


@pytest.fixture(scope="module")
def exercises() -> list[Exercise]:
    loaded = [load_exercise(exercise_id) for exercise_id in IDS]
    assert all(exercise.figure is not None for exercise in loaded)
    return loaded


def _plain(exercise: Exercise, **update: object) -> Exercise:
    return exercise.model_copy(update={"figure": None, "image": None, **update})


def _shapes(node: object) -> list[object]:
    """Every leaf shape of a drawing or group, in drawing order."""
    out = []
    for shape in node.getContents():  # type: ignore[attr-defined]
        out += _shapes(shape) if isinstance(shape, Group) else [shape]
    return out


def _arrow_groups(node: object) -> list[Group]:
    """The arrows' groups (a group with a leaf in the arrow ink), at any depth: a framed
    figure's panel is a clipped group holding its marks."""
    arrow_ink = INKS.colour("arrow")
    found = []
    for shape in node.getContents():  # type: ignore[attr-defined]
        if isinstance(shape, Group):
            leaves = [leaf for leaf in shape.getContents() if not isinstance(leaf, Group)]
            if any(getattr(leaf, "strokeColor", None) == arrow_ink for leaf in leaves):
                found.append(shape)
            else:
                found += _arrow_groups(shape)
    return found


def _luminance(colour: colors.Color) -> float:
    channel = lambda c: c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4  # noqa: E731
    return 0.2126 * channel(colour.red) + 0.7152 * channel(colour.green) + 0.0722 * channel(colour.blue)


def _contrast_on_white(colour: colors.Color) -> float:
    return 1.05 / (_luminance(colour) + 0.05)


@pytest.mark.parametrize("width", [120.0, 228.0, 300.0, 500.0])
def test_figure_is_the_width_asked_and_at_most_half_as_tall(exercises: list[Exercise], width: float) -> None:
    for exercise in exercises:
        for variant in ("main", "easier"):
            figure = exercise_figure(exercise, width, INKS, variant)  # type: ignore[arg-type]
            if figure is None:
                assert variant == "easier" and exercise.figure.easier is None, exercise.id
                continue
            w, h = figure.wrap(1000, 1000)
            assert w == width and 0.2 * width < h <= MAX_HEIGHT * width + 1e-9, (exercise.id, variant, h)
            # The box is honest: ReportLab's own bounds (stroke centres) lie inside the frame.
            spec = exercise.figure if variant == "main" else exercise.figure.easier
            bx0, by0, bx1, by1 = panel_figure(spec, width, INKS).getBounds()
            assert bx0 >= 0 and by0 >= 0 and bx1 <= width + 1e-6 and by1 <= h + 1e-6, exercise.id


def test_every_panel_is_present_numbered_and_only_the_last_has_the_arrow(exercises: list[Exercise]) -> None:
    for exercise in exercises:
        scene = build_scene(exercise.figure)
        count = 2 + (exercise.figure.middle is not None)  # the lying figure 4 has three
        assert len(scene.panels) == count, exercise.id
        for panel in scene.panels:
            kinds = [mark.kind for mark in panel]
            assert kinds.count("head") == 1 and kinds.count("trunk") >= 3, exercise.id
            assert kinds.count("limb") >= 5 and kinds.count("hand") >= 2, exercise.id
        assert not any(mark.kind == "arrow" for panel in scene.panels[:-1] for mark in panel), exercise.id
        assert any(mark.kind == "arrow" for mark in scene.panels[-1]), exercise.id
        drawing = panel_figure(exercise.figure, 228.0, INKS)
        shapes = _shapes(drawing)
        outlines = [s for s in shapes if isinstance(s, Rect)]
        assert len(outlines) == count, exercise.id
        assert all(b.x >= a.x + a.width for a, b in zip(outlines, outlines[1:])), exercise.id  # side by side
        badge = panel_geometry(build_scene(exercise.figure), 228.0).badge
        badges = [s for s in shapes if isinstance(s, Circle) and s.r == badge]
        assert len(badges) == count, exercise.id
        assert all(o.x <= b.cx <= o.x + o.width for o, b in zip(outlines, badges))  # in movement order
        assert all(b.cy > o.y + o.height / 2 for o, b in zip(outlines, badges))  # at the top


def test_no_tone_means_start_both_panels_use_the_same_inks(exercises: list[Exercise]) -> None:
    for exercise in exercises:
        scene = build_scene(exercise.figure)
        body = [{(m.kind, m.ink) for m in panel if m.kind in ("trunk", "head")} for panel in scene.panels]
        assert body[0] == body[1] == {("trunk", "near"), ("head", "near")}, exercise.id


def test_every_colour_drawn_has_3_to_1_contrast_with_the_paper(exercises: list[Exercise]) -> None:
    seen: set[str] = set()
    for exercise in exercises:
        for spec in filter(None, (exercise.figure, exercise.figure.easier)):
            for shape in _shapes(panel_figure(spec, 228.0, INKS)):
                for attribute in ("fillColor", "strokeColor"):
                    colour = getattr(shape, attribute, None)
                    if colour is None or colour == colors.white:  # the paper: the gaps between limbs
                        continue
                    if attribute == "strokeColor" and not getattr(shape, "strokeWidth", 0):
                        continue
                    seen.add(colour.hexval())
                    assert _contrast_on_white(colour) >= 3.0, (exercise.id, colour.hexval())
    # Every ink of the tone rule is actually used, so the check above covered it.
    assert {colors.HexColor(getattr(INKS, role)).hexval() for role in ("near", "far", "arrow", "prop")} <= seen


def test_the_inks_stay_apart_in_greyscale() -> None:
    greys = {role: _luminance(colors.HexColor(getattr(INKS, role))) for role in ("near", "far", "arrow")}
    contrast = lambda a, b: (max(a, b) + 0.05) / (min(a, b) + 0.05)  # noqa: E731
    assert contrast(greys["far"], greys["near"]) >= 2.5
    assert contrast(greys["arrow"], greys["near"]) >= 2.0


def test_far_limbs_are_lighter_and_near_limbs_parted_by_white(exercises: list[Exercise]) -> None:
    spec = next(e.figure for e in exercises if e.id == "bird-dog")
    end = {name: project(p, spec.camera) for name, p in solve(spec, "end").items()}
    marks = build_scene(spec).panels[-1]
    by_points = {mark.points: mark for mark in marks if mark.kind == "limb"}
    leg = lambda side: tuple(end[f"{side}_{p}"][:2] for p in ("hip", "knee", "ankle", "heel", "toe"))  # noqa: E731
    near, far = ("right", "left") if end["right_hip"][2] > end["left_hip"][2] else ("left", "right")
    assert by_points[leg(near)].ink == "near" and by_points[leg(far)].ink == "far"
    assert any(mark.kind == "casing" and mark.ink == "paper" for mark in marks)


def test_the_head_has_a_nose_that_shows_which_way_the_person_faces(exercises: list[Exercise]) -> None:
    for exercise_id, up in (("knee-to-chest", True), ("cobra", False)):
        spec = next(e.figure for e in exercises if e.id == exercise_id)
        panel = build_scene(spec).panels[0]
        head = next(m for m in panel if m.kind == "head").points[0]
        nose = next(m for m in panel if m.kind == "nose").points[1]
        assert (nose[1] > head[1]) == up, exercise_id  # on the back the face looks up
        assert math.dist(nose, head) > HEAD_RADIUS


def test_hands_that_hold_are_drawn_over_what_they_hold(exercises: list[Exercise]) -> None:
    spec = next(e.figure for e in exercises if e.id == "knee-to-chest")
    marks = build_scene(spec).panels[-1]
    hands = [i for i, mark in enumerate(marks) if mark.kind == "hand" and mark.ink != "paper"]
    last_limb = max(i for i, mark in enumerate(marks) if mark.kind == "limb")
    assert len(hands) == 2 and min(hands) > last_limb
    assert marks[min(hands) - 1].kind == "hand" and marks[min(hands) - 1].ink == "paper"  # a white rim


def test_where_both_hands_hold_the_near_hand_is_drawn_over_the_far_one(exercises: list[Exercise]) -> None:
    # Round 2: the far hand, a light circle drawn last by the knee, read as "a kneecap?".
    # Session 9: the far hand beside the near one, their white rims touching, reads "two hands,
    # one dark, one light" (rounds 304-311); peeking from under it, one reader saw "one arm".
    spec = next(e.figure for e in exercises if e.id == "knee-to-chest")
    hands = [mark.ink for mark in build_scene(spec).panels[-1] if mark.kind == "hand" and mark.ink != "paper"]
    assert hands[-2:] == ["far", "near"]
    end = _flat(spec, "end")
    assert math.dist(end["left_hand"], end["right_hand"]) < 2 * (HAND_RADIUS + CASING)  # side by side


def test_the_knee_to_chest_leg_that_stays_down_is_lighter_and_apart_from_the_raised_one(
        exercises: list[Exercise]) -> None:
    # Round 3: the raised foot touched the resting knee, both dark: "both knees hugged?".
    spec = next(e.figure for e in exercises if e.id == "knee-to-chest")
    end = _flat(spec, "end")
    limbs = {mark.points: mark.ink for mark in build_scene(spec).panels[-1] if mark.kind == "limb"}
    leg = lambda side: tuple(end[f"{side}_{p}"][:2] for p in ("hip", "knee", "ankle", "heel", "toe"))  # noqa: E731
    assert limbs[leg("right")] == "near" and limbs[leg("left")] == "far"
    raised = [end[f"right_{p}"][:2] for p in ("ankle", "heel", "toe")]
    assert min(math.dist(p, end["left_knee"][:2]) for p in raised) > 2 * LIMB_RADIUS + 4  # a white gap


def test_the_knee_to_chest_raised_thigh_shows_and_the_near_arm_hugs_it(exercises: list[Exercise]) -> None:
    # Session 7's final reading saw the two hands as "a ball": the thigh lay under the trunk (same
    # ink) and the cased near arm, so only the shin and two knobs showed. The raised leg is drawn
    # over the trunk and the far arm, in its white casing. Session 8's readers still saw "the hands
    # a small circle, a ball, a ring": both arms lay hidden under the leg, so the two knobs floated
    # on it. Session 9: the near arm is drawn over the leg too, in its own white casing, its elbow
    # up beyond the knee (off the thigh, toward the head) and its forearm over the knee, so the
    # hands sit at the end of an arm that hugs the leg (rounds 300-311).
    spec = next(e.figure for e in exercises if e.id == "knee-to-chest")
    end = _flat(spec, "end")
    marks = build_scene(spec).panels[-1]
    raised = tuple(end[f"right_{p}"][:2] for p in ("hip", "knee", "ankle", "heel", "toe"))
    at = next(i for i, mark in enumerate(marks) if mark.kind == "limb" and mark.points == raised)
    assert marks[at].ink == "near"
    assert marks[at - 1].kind == "casing" and marks[at - 1].ink == "paper"
    assert at > max(i for i, mark in enumerate(marks) if mark.kind == "trunk")
    arm = lambda side: tuple(end[f"{side}_{p}"][:2] for p in ("shoulder", "elbow", "hand"))  # noqa: E731
    near = next(i for i, mark in enumerate(marks) if mark.kind == "limb" and mark.points == arm("right"))
    far = next(i for i, mark in enumerate(marks) if mark.kind == "limb" and mark.points == arm("left"))
    assert far < at < near and marks[near].ink == "near"
    assert marks[near - 1].kind == "casing" and marks[near - 1].ink == "paper"
    assert all(mark.kind == "hand" for mark in marks[near + 1:] if mark.kind != "arrow")
    # The elbow up beyond the knee, toward the head: the upper arm shows off the thigh.
    elbow, knee, hip = end["right_elbow"], end["right_knee"], end["right_hip"]
    assert elbow[0] < knee[0] - LIMB_RADIUS and elbow[1] > hip[1] + 3 * LIMB_RADIUS


def test_the_figure_4_lighter_leg_is_the_far_one_drawn_under_and_only_its_resting_foot_on_top(
        exercises: list[Exercise]) -> None:
    # Rounds 4-5 drew the crossed leg light but on top: it broke "light is the far side". Seen
    # from the held leg's side (rounds 30-32), the crossed leg is the far one: light, drawn
    # under the dark held leg. Round 31: drawn wholly under it, its foot lay hidden under the
    # knee it rests on ("the pale leg hidden behind the near knee erases the figure-4 cue"), so
    # only that foot (the end of the shin, the ankle, the foot) is drawn again on top, cased in
    # white, as a holding hand is.
    spec = next(e.figure for e in exercises if e.id == "piriformis")
    for number, frame in _crossed_frames(spec):
        points = _flat(spec, frame)
        depth = {name: project(point, getattr(spec, frame).camera or spec.camera)[2]
                 for name, point in solve(spec, frame).items()}
        marks = build_scene(spec).panels[number]
        leg = lambda side: tuple(points[f"{side}_{p}"] for p in ("hip", "knee", "ankle", "heel", "toe"))  # noqa: E731
        index = {(mark.kind, mark.points): i for i, mark in enumerate(marks)}
        crossed, held = index["limb", leg("right")], index["limb", leg("left")]
        assert depth["right_hip"] < depth["left_hip"], frame  # the crossed leg is the far one
        assert marks[crossed].ink == "far" and marks[held].ink == "near" and crossed < held, frame
        [foot] = [i for i, mark in enumerate(marks) if mark.kind == "foot"]
        assert marks[foot].ink == "far" and foot > held and marks[foot - 1].kind == "casing", frame
        assert marks[foot].points[1:] == leg("right")[2:], frame  # the ankle, heel and toe
        assert math.dist(marks[foot].points[1], points["left_knee"]) < 2 * LIMB_RADIUS, frame  # on the knee


def test_the_figure_4_shows_the_ankle_on_the_knee_and_a_gap_between_the_thighs(exercises: list[Exercise]) -> None:
    # Round 8: the crossed ankle sat on the thigh below the knee, its foot hidden, and the
    # crossed knee sat over the held knee, so the legs merged into one dark block.
    spec = next(e.figure for e in exercises if e.id == "piriformis")
    for _, frame in _crossed_frames(spec):
        points = _flat(spec, frame)
        held_thigh = (points["left_hip"], points["left_knee"])
        held_shin = (points["left_knee"], points["left_ankle"])
        # The crossed ankle rests on the held knee (their drawn limbs touch) ...
        assert math.dist(points["right_ankle"], points["left_knee"]) < 2 * LIMB_RADIUS, frame
        # ... (its foot clear of the held leg: the test below) ...
        # ... and the crossed knee is out to the side, a white gap from the held thigh: the "4".
        gap = _to_segment(points["right_knee"], *held_thigh) - 2 * LIMB_RADIUS
        assert gap > 2 * CASING + LIMB_RADIUS / 2, frame


def test_the_figure_4_crossed_foot_shows_past_the_held_knee(exercises: list[Exercise]) -> None:
    # Round 8: the crossed ankle sat on the thigh, its foot hidden; rounds 31-32: the crossed
    # foot lay over the held knee, hiding it ("the crossed shin hides the knee it rests on");
    # round 87: the foot seen end-on on the knee, "a heart-shaped blob". In the set-up panel
    # (the held foot still down) the crossed foot, drawn on top of the held leg (the resting
    # foot), carries on past the held knee along the crossed shin by more than a limb's width,
    # so the knee's point shows beside the ankle and the foot reads as a foot (session 7: the
    # foot may lie over the held shin; round 88's readers saw "the ankle rests on the knee").
    spec = next(e.figure for e in exercises if e.id == "piriformis")
    checked = 0
    for number, frame in _crossed_frames(spec):
        if "left_toe" not in getattr(spec, frame).contacts:
            continue  # the held thigh pulled up: the foot rides on it (the tone test checks it is on top)
        points = _flat(spec, frame)
        knee, ankle, toe, held = points["right_knee"], points["right_ankle"], points["right_toe"], points["left_knee"]
        along = (ankle[0] - knee[0], ankle[1] - knee[1])
        past = ((toe[0] - held[0]) * along[0] + (toe[1] - held[1]) * along[1]) / math.hypot(*along)
        assert past > 2 * LIMB_RADIUS, (frame, past)
        marks = build_scene(spec).panels[number]
        leg = tuple(points[f"left_{p}"] for p in ("hip", "knee", "ankle", "heel", "toe"))
        held_limb = next(i for i, m in enumerate(marks) if m.kind == "limb" and m.points == leg)
        assert any(m.kind == "foot" for m in marks[held_limb:]), frame  # drawn over the held leg
        checked += 1
    assert checked


def test_the_figure_4_hands_hold_the_held_thigh_away_from_the_crossed_leg(exercises: list[Exercise]) -> None:
    # Round 8: the hands seemed to hold the crossed leg, so a patient might pull on the
    # crossed knee; round 88: the hands sat by the crossed ankle, "crowded". In the last panel
    # each hand is on the held thigh, nearer to it than to the crossed thigh, and touches no
    # part of the crossed leg past its thigh's first half: its knee, its shin, the outer half
    # of its thigh. (Seen from the held side the two thighs start side by side at the hips,
    # under the trunk; a hand on the held thigh is near the crossed thigh's root there.)
    spec = next(e.figure for e in exercises if e.id == "piriformis")
    points = _flat(spec, "end")
    held_thigh = (points["left_hip"], points["left_knee"])
    crossed_thigh = (points["right_hip"], points["right_knee"])
    middle = tuple((a + b) / 2 for a, b in zip(*crossed_thigh))
    crossed = [(middle, points["right_knee"]), (points["right_knee"], points["right_ankle"])]
    holding = [reach.part for reach in spec.end.reach if reach.part.endswith("hand")]
    assert sorted(holding) == ["left_hand", "right_hand"]
    for hand in holding:
        on = _to_segment(points[hand], *held_thigh)
        assert on < LIMB_RADIUS + HAND_RADIUS and on < _to_segment(points[hand], *crossed_thigh), hand
        assert min(_to_segment(points[hand], *segment) for segment in crossed) > LIMB_RADIUS + HAND_RADIUS, hand
    # Round 10: with no arm in sight the hands read as "a ball? a knee?". The near arm (the held
    # leg's side) is drawn in the near ink, cased in white, reaching to its hand on the thigh.
    marks = build_scene(spec).panels[-1]
    arm = tuple(points[f"left_{p}"] for p in ("shoulder", "elbow", "hand"))
    [limb] = [mark for mark in marks if mark.kind == "limb" and mark.points == arm]
    assert limb.ink == "near"
    assert any(mark.kind == "casing" and mark.points[-1] == arm[-1] for mark in marks)


def _to_segment(point: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    """The distance from ``point`` to the segment from ``a`` to ``b`` (on the page)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    t = max(0.0, min(1.0, ((point[0] - a[0]) * dx + (point[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    return math.dist(point, (a[0] + dx * t, a[1] + dy * t))


def test_no_limb_in_the_far_ink_is_drawn_over_one_in_the_near_ink(exercises: list[Exercise]) -> None:
    # A far foot that rests on the body is drawn again over it (a "foot" mark, as a holding
    # hand is a "hand"): test_only_a_far_foot_that_rests_on_the_body_is_drawn_again_on_top.
    for exercise in exercises:
        for spec in filter(None, (exercise.figure, exercise.figure.easier)):
            for panel in build_scene(spec).panels:
                inks = [mark.ink for mark in panel if mark.kind == "limb" and mark.ink in ("near", "far")]
                assert "far" not in inks[inks.index("near"):] if "near" in inks else True, exercise.id


def test_a_knee_arrow_starts_by_the_knee_not_over_the_foot(exercises: list[Exercise]) -> None:
    # Round 5: the knee-to-chest arcs began over the raised foot ("pull the foot to the face?").
    for exercise_id in ("knee-to-chest", "piriformis"):
        spec = next(e.figure for e in exercises if e.id == exercise_id)
        [arrow] = _arrows(spec)
        length = sum(math.dist(a, b) for a, b in zip(arrow, arrow[1:]))
        end = _flat(spec, "end")
        side = spec.moving[0].split("_")[0]
        assert length <= 33.5, exercise_id
        assert math.dist(arrow[0], end[f"{side}_toe"]) > 3 * LIMB_RADIUS, exercise_id  # clear of the foot


def test_the_easier_versions_are_drawn_for_three_exercises(exercises: list[Exercise]) -> None:
    with_easier = {e.id for e in exercises if exercise_figure(e, 200.0, INKS, "easier") is not None}
    assert with_easier == {"knee-to-chest", "piriformis", "cobra"}
    towel = next(e.figure.easier for e in exercises if e.id == "knee-to-chest")
    assert any(mark.kind == "towel" for mark in build_scene(towel).panels[-1])
    chair = next(e.figure.easier for e in exercises if e.id == "piriformis")
    assert [prop.kind for prop in chair.props] == ["chair"]


def test_the_seated_figure_4_shows_the_crossed_shin_lying_across_the_lap(exercises: list[Exercise]) -> None:
    # Rounds 5-19 (yaw 30, pitch 10): the crossed shin, seen half end-on (about half its
    # length), read as "a leg held straight out" (round 19's worst safety item). Seen a little
    # more from above (round 24's yaw 45, pitch 20; round 26's yaw 28, pitch 28), it shows
    # most of its length across the lap, the ankle on the other knee: read blind both times.
    spec = next(e.figure.easier for e in exercises if e.id == "piriformis")
    for frame in ("start", "end"):
        points = _flat(spec, frame)
        assert math.dist(points["right_knee"], points["right_ankle"]) > 0.65 * SHIN, frame
        assert math.dist(points["right_ankle"], points["left_knee"]) < 2 * LIMB_RADIUS + 4, frame
    # Final5: the near hand holding the end-on knee, ringed in white, read as "a hand or a
    # ball"; it rests on the crossed leg, set off from it, unringed (session 8: on the crossed
    # thigh near the hip in both panels, off the shin and the knee, where the forearm closed
    # the "4" into one dark V).
    for panel in build_scene(spec).panels:
        assert not [mark for mark in panel if mark.kind == "hand" and mark.ink == "paper"]


def test_the_seated_figure_4_leans_from_the_hips_with_a_straight_back(exercises: list[Exercise]) -> None:
    # Rounds 24 and final5 (a safety point, three readers): seen half from the front (yaw 45)
    # the lean came toward the viewer and showed on screen as 33 degrees, the back
    # foreshortened, and read as "hunched, rounded, the head dropped", against the card's
    # "lean forward from the hips with a straight back". Round 26 read this one as a straight
    # back (both readers): the lean shows as a plain diagonal, the head up, in line.
    spec = next(e.figure.easier for e in exercises if e.id == "piriformis")
    points = _flat(spec, "end")
    lean = math.degrees(math.atan2(abs(points["chest"][0] - points["pelvis"][0]),
                                   points["chest"][1] - points["pelvis"][1]))
    neck = math.degrees(math.atan2(abs(points["head"][0] - points["chest"][0]), points["head"][1] - points["chest"][1]))
    assert lean >= 40  # a lean that shows, not one coming toward the viewer
    assert neck <= lean - 15  # the head up, not dropped below the line of the back
    assert spec.end.spine <= 0 and spec.end.pelvis.pitch <= -35  # the hips hinge; the back does not round


def _crossed_frames(spec: FigureSpec) -> list[tuple[int, str]]:
    """The lying figure 4's panels with the ankle on the knee, (index, keyframe): all but a
    first panel with the legs still uncrossed (three panels), else both."""
    frames = ["start", *(["middle"] if spec.middle is not None else []), "end"]
    crossed = [(i, f) for i, f in enumerate(frames)]
    return crossed[1:] if len(frames) == 3 and not getattr(spec, "start").reach else crossed


def _flat(spec: FigureSpec, frame: str) -> dict[str, tuple[float, float]]:
    """The keyframe's points as its own panel's camera sees them."""
    camera = getattr(spec, frame).camera or spec.camera
    return {name: project(point, camera)[:2] for name, point in solve(spec, frame).items()}


def _arrows(spec: FigureSpec) -> list[tuple[tuple[float, float], ...]]:
    return [mark.points for mark in build_scene(spec).panels[-1] if mark.kind == "arrow"]


def test_a_press_arrow_runs_down_through_the_part_to_its_underside(exercises: list[Exercise]) -> None:
    # Round 1's arrow stopped over the stomach and was read as "press on your tummy".
    tilt = next(e.figure for e in exercises if e.id == "pelvic-tilt")
    spec = tilt.model_copy(update={"arrow": "press", "moving": ("low_back",)})
    low_back = _flat(spec, "end")["low_back"]
    [(tail, tip)] = _arrows(spec)
    assert tail[0] == pytest.approx(tip[0]) == pytest.approx(low_back[0])
    assert tail[1] > low_back[1] + LIMB_RADIUS  # it starts above the body
    assert low_back[1] - LIMB_RADIUS <= tip[1] < low_back[1]  # and ends at the back's underside


def test_a_press_arrow_has_no_white_casing_to_notch_the_body(exercises: list[Exercise]) -> None:
    # Round 4: the casing of the arrow down through the low back cut a white V into the
    # trunk, "a break in the body".
    tilt = next(e.figure for e in exercises if e.id == "pelvic-tilt")
    spec = tilt.model_copy(update={"arrow": "press", "moving": ("low_back",)})
    drawing = panel_figure(spec, 240.0, INKS)
    groups = _arrow_groups(drawing)
    assert len(groups) == 1
    assert all(getattr(leaf, "strokeColor", None) != colors.white for leaf in _shapes(groups[0]))
    # Other arrows keep theirs: they cross limbs.
    knee = next(e.figure for e in exercises if e.id == "knee-to-chest")
    cased = _arrow_groups(panel_figure(knee, 240.0, INKS))
    assert any(getattr(leaf, "strokeColor", None) == colors.white for leaf in _shapes(cased[0]))


def test_a_tilt_arrow_curls_round_the_tail_end_not_onto_the_belly(exercises: list[Exercise]) -> None:
    # Round 3 drew the pelvic tilt with it (read as "lift your bottom"); the arrow kind stays
    # for a clinic's own poses: it curls round the pelvis's far end.
    tilt = next(e.figure for e in exercises if e.id == "pelvic-tilt")
    spec = tilt.model_copy(update={"arrow": "tilt", "moving": ("pelvis",)})
    end = _flat(spec, "end")
    pelvis, low_back = end["pelvis"], end["low_back"]
    [arrow] = _arrows(spec)
    radii = [math.dist(p, pelvis) for p in arrow]
    assert max(radii) - min(radii) < 0.5 and min(radii) > 2 * LIMB_RADIUS  # an arc round the pelvis
    away = (pelvis[0] - low_back[0], pelvis[1] - low_back[1])
    # Every point lies on the tail side of the pelvis, none over the belly or the low back.
    assert all((p[0] - pelvis[0]) * away[0] + (p[1] - pelvis[1]) * away[1] > 0 for p in arrow)
    assert arrow[0][1] > pelvis[1] - LIMB_RADIUS  # it starts above the floor, beside the buttock
    assert arrow[-1][1] > arrow[0][1] + 2 * LIMB_RADIUS  # the tail end curls up
    # It turns the way the pelvis turns from 1 to 2 (counter-clockwise, head on the left).
    _assert_turns_with_the_pelvis(spec, arrow)


def test_the_pelvic_tilt_hands_rest_by_the_sides_off_the_stomach(exercises: list[Exercise]) -> None:
    spec = next(e.figure for e in exercises if e.id == "pelvic-tilt")
    for frame in ("start", "end"):
        points = solve(spec, frame)
        for side in ("left", "right"):
            assert points[f"{side}_hand"][1] < points["low_back"][1] + LIMB_RADIUS, (frame, side)


def test_the_pelvic_tilt_shows_a_gap_under_the_low_back_that_closes(exercises: list[Exercise]) -> None:
    spec = next(e.figure for e in exercises if e.id == "pelvic-tilt")
    gaps = []
    for frame in ("start", "end"):
        points = solve(spec, frame)
        waist = min(points[f"trunk_waist_{i}"][1] for i in range(TRUNK_SAMPLES))
        hips = min(points[f"trunk_hips_{i}"][1] for i in range(TRUNK_SAMPLES))
        shoulders = min(points[f"trunk_shoulders_{i}"][1] for i in range(TRUNK_SAMPLES))
        gaps.append(waist - max(hips, shoulders))
    # Round 4: the hollow is drawn larger than life, so it shows at card size (rounds 1-3's
    # 5-unit gap, about a millimetre on the card, was read as "nothing moves"). Rounds 19-25
    # read a 13-unit gap as overdone; round 40 read this 8-unit one as the low back pressing
    # flat (small, but seen).
    assert gaps[0] > 7 and abs(gaps[1]) < 2, gaps


def test_the_pelvic_tilt_arches_gently_not_in_a_sharp_kink(exercises: list[Exercise]) -> None:
    # Session 10: the hollow's old arch, the back bent 45 degrees at the waist (the lumbar up
    # 24, the upper back down 21.5), read as "a sharp zig-zag, a broken body, or the hips
    # lifted". The bend is now shared with the pelvis (spine -16) and the waist's corner is
    # about 32 degrees; the gap still shows (above) and the magnified circle shows it larger.
    spec = next(e.figure for e in exercises if e.id == "pelvic-tilt")
    points = solve(spec, "start")
    lumbar = math.atan2(points["low_back"][1] - points["pelvis"][1], abs(points["low_back"][0] - points["pelvis"][0]))
    thoracic = math.atan2(points["chest"][1] - points["low_back"][1], abs(points["chest"][0] - points["low_back"][0]))
    assert math.degrees(lumbar - thoracic) < 35


def test_bird_dog_arrows_run_on_from_the_held_out_limbs_pointing_outward(exercises: list[Exercise]) -> None:
    # Round 1's arcs swept up from the floor and were read as "lift the leg high"; round
    # 19 read an arrow under the held-out arm, beside the supporting arm, as "move that hand".
    spec = next(e.figure for e in exercises if e.id == "bird-dog")
    points = _flat(spec, "end")
    roots = {"right_hand": "right_shoulder", "left_toe": "left_hip"}
    arrows = _arrows(spec)
    assert len(arrows) == len(spec.moving) == 2
    for name, (tail, tip) in zip(spec.moving, arrows):
        root, end = points[roots[name]], points[name]
        limb = (end[0] - root[0], end[1] - root[1])
        arrow = (tip[0] - tail[0], tip[1] - tail[1])
        cosine = (limb[0] * arrow[0] + limb[1] * arrow[1]) / (math.hypot(*limb) * math.hypot(*arrow))
        assert cosine > 0.99, name  # parallel to the limb, toward its end
        # In line with the limb, starting just past its tip (clear of the hand's knob).
        along = (limb[0] * (tail[0] - end[0]) + limb[1] * (tail[1] - end[1])) / math.hypot(*limb)
        off = (limb[0] * (tail[1] - end[1]) - limb[1] * (tail[0] - end[0])) / math.hypot(*limb)
        assert HAND_RADIUS < along < HAND_RADIUS + 3 * LIMB_RADIUS, name
        assert abs(off) < 1, name


def test_the_cobra_lift_arrow_stands_over_the_shoulders_clear_of_the_head(exercises: list[Exercise]) -> None:
    # Rounds 19 and 21 read the lift arrow over the head as "lift your head" (neck extension).
    spec = next(e.figure for e in exercises if e.id == "cobra")
    points = _flat(spec, "end")
    [(tail, tip)] = _arrows(spec)
    head, pelvis = points["head"], points["pelvis"]
    assert tail[0] == tip[0] and tip[1] > tail[1]  # straight up
    # Back toward the hips from the head by more than the head and the arrow's head ...
    assert head[0] - tail[0] > HEAD_RADIUS + 3 * LIMB_RADIUS * ARROW_WIDTH
    # ... but still over the upper trunk, nearer the chest than the hips.
    assert abs(tail[0] - points["chest"][0]) < abs(tail[0] - pelvis[0])


def test_a_lift_arrow_without_a_gap_stands_over_its_part(exercises: list[Exercise]) -> None:
    spec = next(e.figure for e in exercises if e.id == "glute-bridge")
    assert spec.arrow == "lift" and spec.arrow_gap == 0
    [(tail, _)] = _arrows(spec)
    assert tail[0] == pytest.approx(_flat(spec, "end")[spec.moving[0]][0])


def test_the_clamshell_shows_the_knees_bent_and_the_top_hand_as_a_hand_on_its_arm(
        exercises: list[Exercise]) -> None:
    spec = next(e.figure for e in exercises if e.id == "clamshell")
    # Round 21: seen from in front the knees' bend was in depth, "a straight-leg lift".
    for frame in ("start", "end"):
        points = _flat(spec, frame)
        hip, knee, ankle = points["right_hip"], points["right_knee"], points["right_ankle"]
        thigh = (knee[0] - hip[0], knee[1] - hip[1])
        shin = (ankle[0] - knee[0], ankle[1] - knee[1])
        cosine = (thigh[0] * shin[0] + thigh[1] * shin[1]) / (math.hypot(*thigh) * math.hypot(*shin))
        assert math.degrees(math.acos(cosine)) > 45, frame  # the knee bends on screen
    # Rounds 19, 23 and 25 read a white-ringed hand at the hip as a hip joint or a ball to
    # hold: the top hand is the end of its cased arm, not a ringed knob.
    for panel in build_scene(spec).panels:
        assert not [mark for mark in panel if mark.kind == "hand" and mark.ink == "paper"]


def test_a_touching_leg_is_cased_only_to_the_middle_of_its_shin(exercises: list[Exercise]) -> None:
    spec = next(e.figure for e in exercises if e.id == "clamshell")
    assert spec.touching == ("right_leg",) and "right_arm" in spec.emphasis
    # Session 10: the white line between the feet read as "do the feet touch?"; with the top
    # leg cased only to the middle of its shin, its foot lies on the pale one.
    for index, frame in enumerate(("start", "end")):
        points = _flat(spec, frame)
        knee, ankle, toe = points["right_knee"], points["right_ankle"], points["right_toe"]
        mid = ((knee[0] + ankle[0]) / 2, (knee[1] + ankle[1]) / 2)
        cased = [mark.points for mark in build_scene(spec).panels[index] if mark.kind == "casing"]
        assert any(line[-1] == pytest.approx(mid) for line in cased)
        assert not any(pytest.approx(toe) in line for line in cased)
        bare = [mark.points for mark in build_scene(spec.model_copy(update={"touching": ()})).panels[index]
                if mark.kind == "casing"]
        assert any(line[-1] == pytest.approx(toe) for line in bare)  # the default: cased to the toe


def test_the_hamstring_rail_is_a_rising_handrail_by_a_single_low_step(exercises: list[Exercise]) -> None:
    # Round 19 read a level bar on two posts as a stool or a table, round 21 a railing as a
    # table or a bed end, round 23 a rail at hip height as a counter to perch on, round 25
    # and the final reading a rail on wall brackets as a floating bench: the rail rises, a
    # stair's handrail. Three stairs under it read as a step-up or climbing (every reading
    # of rounds 50-221); round 273 drew one low step and read high / high with no word of
    # stairs, so the heel rests on a single low step.
    spec = next(e.figure for e in exercises if e.id == "standing-hamstring")
    [rail] = [prop for prop in spec.props if prop.kind == "rail"]
    steps = [high[1] for kind, _, high in prop_boxes(spec) if kind == "step"]
    assert steps == [pytest.approx(20)]  # one low step
    assert 20 <= rail.rise <= 35
    for panel in build_scene(spec).panels:
        props = [mark for mark in panel if mark.kind == "prop"]
        floating = [mark for mark in props if min(y for _, y in mark.points) > 1]
        assert len(floating) == 3  # the bar and two brackets
        bar = max(floating, key=lambda mark: max(x for x, _ in mark.points) - min(x for x, _ in mark.points))
        left, right = min(bar.points), max(bar.points)
        assert right[1] - left[1] > 0.4 * (right[0] - left[0])  # it rises to the right, up the stairs
    start = solve(spec, "start")
    assert rail.height > start["pelvis"][1] + LIMB_RADIUS
    # One hand on the rail, the other on the raised thigh: step 4 slides the free hand down.
    for frame in ("start", "end"):
        parts = {reach.part: reach for reach in getattr(spec, frame).reach}
        assert parts["right_hand"].to == "right_knee" and parts["right_hand"].toward == "right_hip"
    assert (next(r for r in spec.end.reach if r.part == "right_hand").t
            < next(r for r in spec.start.reach if r.part == "right_hand").t)  # toward the knee


def test_the_hamstring_hinges_with_a_straight_back_the_far_arm_reaching_on_along_the_rail(
        exercises: list[Exercise]) -> None:
    # Session 9: every reader of the hinge saw "the back rounded, the head drops" with the far
    # elbow bent and the hand by the face ("forearms on the rail, the head dropped to the
    # rail"); session 10 (rounds 450-469): the back drawn straight and the far arm reaching on
    # along a lower rail, the hand ahead of the head and below it: 5 of 12 readers (was 3 of 4).
    spec = next(e.figure for e in exercises if e.id == "standing-hamstring")
    assert spec.start.back == spec.end.back == "straight"
    points = _flat(spec, "end")
    head, hand, shoulder = points["head"], points["left_hand"], points["left_shoulder"]
    assert hand[0] > head[0] + 3 * HEAD_RADIUS  # well ahead of the head (session 9: 2.4 radii)
    assert hand[1] < head[1] - HEAD_RADIUS  # and below it: the head is not down at the hand
    elbow = points["left_elbow"]
    bend = math.degrees(math.atan2(elbow[1] - shoulder[1], elbow[0] - shoulder[0])
                        - math.atan2(hand[1] - elbow[1], hand[0] - elbow[0]))
    assert abs(bend) < 45  # the arm almost straight, not folded to the face (session 9: 87 degrees)
    rail_top = [high[1] for kind, _, high in prop_boxes(spec) if kind == "rail"][0]
    assert rail_top < solve(spec, "end")["chest"][1]  # the rail below the shoulders in the hinge


def _towel(marks: tuple, hands: tuple) -> tuple[list[int], int, dict]:
    """The towel's marks in a panel: the indexes of its grey pieces, the index of the loop
    (the widest piece, round the limb), and each fist's strand as (fist, the loop's end)."""
    pieces = [i for i, mark in enumerate(marks) if mark.kind == "towel"]
    loop = max(pieces, key=lambda i: (marks[i].radius, len(marks[i].points)))
    ends = (marks[loop].points[0], marks[loop].points[-1])
    strands = {hand: min(ends, key=lambda end: math.dist(end, hand)) for hand in hands}
    return pieces, loop, strands


def test_the_hamstring_heel_rests_on_the_bottom_step_with_the_toes_up_in_the_air(
        exercises: list[Exercise]) -> None:
    # At ankle 30 the foot folded back toward the shin: a knob at the end of the leg, and a
    # reader asked "is the foot flat on the step or only the heel?" (interim reading, session
    # 7). The foot stands off the shin as an "L", the toes in the air, clear of any next riser.
    spec = next(e.figure for e in exercises if e.id == "standing-hamstring")
    steps = sorted((high[1], low[0], high[0]) for kind, low, high in prop_boxes(spec) if kind == "step")
    (bottom, left, right) = steps[0]
    riser = steps[1][1] if len(steps) > 1 else math.inf
    for frame in ("start", "end"):
        points = solve(spec, frame)
        heel, toe, ankle, knee = (points[f"right_{part}"] for part in ("heel", "toe", "ankle", "knee"))
        assert left + LIMB_RADIUS < heel[0] < right - LIMB_RADIUS, frame  # on the tread
        assert heel[1] - LIMB_RADIUS == pytest.approx(bottom, abs=1.5), frame  # resting on it
        assert toe[1] > heel[1] + 8, frame  # the toes up, off the step
        assert toe[0] + LIMB_RADIUS < riser - 4, frame  # air between the toes and the next step
        shin = (knee[0] - ankle[0], knee[1] - ankle[1])
        foot = (toe[0] - ankle[0], toe[1] - ankle[1])
        between = math.degrees(math.acos((shin[0] * foot[0] + shin[1] * foot[1])
                                         / (math.hypot(*shin) * math.hypot(*foot))))
        assert between > 75, frame  # an "L", not folded onto the shin


def _assert_turns_with_the_pelvis(spec: FigureSpec, arc: list) -> None:
    """The arc, drawn in the last panel, sweeps round the pelvis the way the pelvis turns from
    the first panel to the last (the low back's direction seen from the pelvis)."""
    start, end = _flat(spec, "start"), _flat(spec, "end")
    pelvis = end["pelvis"]
    swept = sum((a[0] - pelvis[0]) * (b[1] - pelvis[1]) - (a[1] - pelvis[1]) * (b[0] - pelvis[0])
                for a, b in zip(arc, arc[1:]))
    before, after = (math.atan2(frame["low_back"][1] - frame["pelvis"][1], frame["low_back"][0] - frame["pelvis"][0])
                     for frame in (start, end))
    assert swept * math.remainder(after - before, math.tau) > 0


def test_the_towel_is_a_loop_round_the_leg_not_a_bar(exercises: list[Exercise]) -> None:
    spec = next(e.figure.easier for e in exercises if e.id == "knee-to-chest")
    points = _flat(spec, "end")
    [prop] = [prop for prop in spec.props if prop.kind == "towel"]
    knee, hip = points["right_knee"], points["right_hip"]
    around = (knee[0] + (hip[0] - knee[0]) * prop.t, knee[1] + (hip[1] - knee[1]) * prop.t)
    marks = build_scene(spec).panels[-1]
    hands = (points["left_hand"], points["right_hand"])
    pieces, _, _ = _towel(marks, hands)
    towel = [p for i in pieces for p in marks[i].points]
    mid = ((hands[0][0] + hands[1][0]) / 2, (hands[0][1] + hands[1][1]) / 2)
    # It goes round the far side of the leg (further from the hands than the knee) ...
    assert max(math.dist(p, mid) for p in towel) > math.dist(around, mid) + LIMB_RADIUS
    # ... and its two strands stay a leg's width apart, so it cannot read as one stick.
    ux, uy = around[0] - mid[0], around[1] - mid[1]
    norm = math.hypot(ux, uy)
    across = [((p[0] - mid[0]) * -uy + (p[1] - mid[1]) * ux) / norm for p in towel]
    assert max(across) - min(across) > 2 * LIMB_RADIUS


def test_the_towel_is_a_grey_band_narrow_in_each_fist_wide_round_the_thigh_pulled_toward_the_chest(
        exercises: list[Exercise]) -> None:
    # Rounds 8-15: a short loop, striped hanging ends, solid grey and white dashes read as a
    # ball, a bottle, fingers, the floor, zips or forearms. Readers asked for a long band
    # whose two ends run to both hands, the hands pulling. Rounds 16-20's grey outline with
    # white inside read as a ball, a cushion or motion lines; round 22's plain grey band, long
    # from each fist, was named blind ("a band behind the thigh, an end in each hand"), but
    # until session 7 always with "or the forearms?" (a band as wide as a limb, or thinner,
    # round 113). Session 7: a band narrow in each fist that widens to the loop round the
    # thigh (a forearm tapers the other way) was named a towel blind (rounds 115-117).
    spec = next(e.figure.easier for e in exercises if e.id == "knee-to-chest")
    reach, pull = {}, {}
    for number, frame in enumerate(("start", "end")):
        points = _flat(spec, frame)
        marks = build_scene(spec).panels[number]
        hands = (points["left_hand"], points["right_hand"])
        pieces, loop, strands = _towel(marks, hands)
        for index in pieces:
            towel = marks[index]
            assert towel.ink == "prop"
            # Solid grey (the tone rule's prop ink), parted from the body by white, with
            # nothing white inside it: every piece's white casing is drawn before any piece.
            assert any(m.ink == "paper" and m.kind == "casing" and m.points == towel.points
                       and m.radius > towel.radius for m in marks[:pieces[0]])
            assert not any(m.points == towel.points and m.radius < towel.radius for m in marks[index + 1:])
        assert marks[loop].radius > LIMB_RADIUS  # spread round the thigh, wider than a limb
        for hand in hands:  # gathered in each fist: narrower than a forearm there
            at_fist = [marks[i] for i in pieces if hand in marks[i].points]
            assert at_fist and max(m.radius for m in at_fist) < LIMB_RADIUS / 2, frame
        assert math.dist(*hands) > 2 * HAND_RADIUS, frame  # two fists, one on each end
        reach[frame] = min(math.dist(hand, end) for hand, end in strands.items())
        # The strands open into a V from the loop to the fists, held apart: side by side
        # they read as "a rolling pin, a foam roller" (the final reading of session 5).
        angles = [math.atan2(hand[1] - end[1], hand[0] - end[0]) for hand, end in strands.items()]
        assert abs(math.degrees(math.remainder(angles[0] - angles[1], math.tau))) > 20, frame
        pull[frame] = sum(math.dist(hand, points["chest"]) for hand in hands) / 2
        thigh = math.dist(points["right_hip"], points["right_knee"])
        # The near arm shows to its fist: drawn in the near ink over the trunk.
        assert any(m.kind == "limb" and m.ink == "near" and m.points[-1] == points["right_hand"] for m in marks)
    # In 2 the fists have pulled back toward the chest, the band long from each to the loop.
    assert pull["end"] < pull["start"] - HAND_RADIUS
    assert reach["end"] > 0.5 * thigh and reach["end"] > reach["start"] - LIMB_RADIUS


def test_the_towel_raised_foot_is_clear_of_the_other_knee(exercises: list[Exercise]) -> None:
    # Rounds 20 and 26 and the final reading of session 5: the raised foot resting on the
    # other knee read as a lying figure 4. It never comes near that knee: in 1 it is on the
    # floor (round 118: the start from the foot down, as the plain knee-to-chest's), in 2 in
    # the air, well above that knee.
    spec = next(e.figure.easier for e in exercises if e.id == "knee-to-chest")
    for frame in ("start", "end"):
        points = _flat(spec, frame)
        knee = points["left_knee"]
        foot = [points[f"right_{part}"] for part in ("ankle", "heel", "toe")]
        assert min(math.dist(p, knee) for p in foot) > 4 * LIMB_RADIUS, frame
    assert {"right_heel", "right_toe"} <= set(spec.start.contacts)
    assert min(p[1] for p in foot) > knee[1] + 2 * LIMB_RADIUS


def test_the_towel_goes_round_the_thigh_not_the_knee_and_the_thigh_runs_through_it(
        exercises: list[Exercise]) -> None:
    # Round 9: the loop sat round the knee ("pulling there loads the knee") and, drawn over
    # the leg, read as a ring or a bubble. Round 22: round the thigh near the knee, so the
    # strands to the fists run long.
    spec = next(e.figure.easier for e in exercises if e.id == "knee-to-chest")
    for number, frame in enumerate(("start", "end")):
        points = _flat(spec, frame)
        marks = build_scene(spec).panels[number]
        pieces, towel, _ = _towel(marks, (points["left_hand"], points["right_hand"]))
        loop = marks[towel].points  # the piece round the thigh, without the strands
        hip, knee = points["right_hip"], points["right_knee"]
        thigh = math.dist(hip, knee)
        centre = _centroid_of(loop)
        assert 0.1 * thigh < math.dist(centre, knee) < 0.5 * thigh, frame  # on the thigh, by the knee
        through = [mark for mark in marks[max(pieces):] if mark.kind == "limb" and mark.ink == "near"]
        assert any(_to_segment(_centroid_of(mark.points), hip, knee) < 1.0
                   and math.dist(_centroid_of(mark.points), centre) < LIMB_RADIUS for mark in through), frame


def _centroid_of(points: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def test_the_figure_4_arrow_runs_clear_of_the_legs(exercises: list[Exercise]) -> None:
    # Round 9: the arrow and its white casing lay over the held knee and thigh, "the part
    # being pulled". In panel 2 its shaft keeps clear of every leg, and its tip stops
    # outside them.
    spec = next(e.figure for e in exercises if e.id == "piriformis")
    [arrow] = _arrows(spec)
    points = _flat(spec, "end")
    legs = [(points[f"{side}_{a}"], points[f"{side}_{b}"]) for side in ("left", "right")
            for a, b in (("hip", "knee"), ("knee", "ankle"), ("ankle", "toe"))]
    shaft = LIMB_RADIUS + LIMB_RADIUS * ARROW_WIDTH
    assert min(_to_segment(p, *leg) for p in arrow[:-1] for leg in legs) > shaft
    assert min(_to_segment(arrow[-1], *leg) for leg in legs) > LIMB_RADIUS


def test_figures_are_cached_per_spec_width_and_inks(exercises: list[Exercise]) -> None:
    spec = exercises[0].figure
    assert panel_figure(spec, 200.0, INKS) is panel_figure(spec, 200.0, INKS)
    assert panel_figure(spec, 200.0, INKS) is not panel_figure(spec, 201.0, INKS)


def test_limbs_share_one_weight_and_round_caps(exercises: list[Exercise]) -> None:
    shapes = _shapes(panel_figure(exercises[0].figure, 240.0, INKS))
    near = colors.HexColor(INKS.near)
    widths = {round(s.strokeWidth, 2) for s in shapes if isinstance(s, PolyLine) and s.strokeColor == near}
    neck_and_limbs = sorted(widths)
    assert len(neck_and_limbs) == 2, widths  # the neck, and one uniform limb weight
    assert {s.strokeLineCap for s in shapes if isinstance(s, PolyLine)} == {1}


def test_old_style_pose_data_still_draws() -> None:
    old = {"layout": "overlay", "highlight": "low_back", "moving": "low_back",
           "start": {"pelvis": {"pitch": 90}}, "end": {"pelvis": {"pitch": 90}, "spine": 10}}
    spec = FigureSpec.model_validate(old)
    assert len(build_scene(spec).panels) == 2
    assert panel_figure(spec, 200.0, INKS).height <= 100


def test_empty_slot_when_no_picture(exercises: list[Exercise]) -> None:
    flowable = exercise_figure(_plain(exercises[0]), 180, INKS)
    w, h = flowable.wrap(1000, 1000)
    assert w == 180 and 0 < h <= 90
    assert exercise_figure(_plain(exercises[0]), 180, INKS, "easier") is None


def test_image_is_scaled_into_the_frame_keeping_its_shape(exercises: list[Exercise], tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    Image.new("RGB", (400, 100), (200, 30, 30)).save(path)
    flowable = exercise_figure(_plain(exercises[0], image=path), 300, INKS)
    w, h = flowable.wrap(1000, 1000)
    assert w == 300 and h <= 150
    iw, ih = flowable.image_size
    assert iw / ih == pytest.approx(4.0)
    assert 250 < iw <= 300  # fills the width, less the margin


@pytest.mark.parametrize("content", [None, b"not a picture at all", b"\x89PNG\r\n\x1a\n" + b"\0" * 40])
def test_unreadable_image_names_the_file(exercises: list[Exercise], tmp_path: Path,
                                         content: bytes | None) -> None:
    path = tmp_path / "broken.png"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UserError, match="picture") as error:
        exercise_figure(_plain(exercises[0], image=path), 200, INKS)
    assert str(path) in str(error.value)
    assert error.value.problems[0].path == path


@pytest.mark.parametrize("operators", ["1 0 0 1 -nan 3 cm", "inf 2 m", "10 NaN l", "0 0 m -Infinity 1 l"])
def test_the_drawing_guard_refuses_numbers_that_are_not_finite(operators: str) -> None:
    with pytest.raises(FigureBug):
        check_operators(operators)
    assert not isinstance(FigureBug("x"), UserError)  # a bug keeps its traceback
    check_operators("q 1 0 0 1 10.5 20 cm 0.114 0.208 0.341 RG Q")  # ordinary operators pass


def test_a_nan_that_slipped_past_validation_is_a_bug_not_a_silent_pdf(exercises: list[Exercise]) -> None:
    good = exercises[0].figure
    pelvis = good.start.pelvis.model_construct(**{**good.start.pelvis.model_dump(), "x": float("nan")})
    start = good.start.model_construct(**{**dict(good.start), "pelvis": pelvis})
    broken = good.model_construct(**{**dict(good), "start": start})
    with pytest.raises(FigureBug):
        panel_figure(broken, 210.0, INKS).getBounds()


def test_panel_geometry_keeps_a_margin_and_the_height_cap(exercises: list[Exercise]) -> None:
    for exercise in exercises:
        scene = build_scene(exercise.figure)
        for width in (160.0, 228.0, 400.0):
            g = panel_geometry(scene, width)
            for (x0, y0, x1, y1), scale, dx, dy in zip(scene.boxes, g.scales, g.dxs, g.dys):
                assert x0 * scale + dx >= 0 and x1 * scale + dx <= g.panel_width + 1e-6
                assert y0 * scale + dy >= 0 and y1 * scale + dy <= g.height - 2 * g.badge
            assert g.height <= MAX_HEIGHT * width + 1e-9
            assert g.lefts[1] - g.lefts[0] >= g.panel_width


@pytest.mark.parametrize(("width", "height"), [(482.0, 66.0), (400.0, 90.0), (530.0, 60.0)])
def test_a_low_wide_figure_puts_each_number_beside_its_drawing(exercises: list[Exercise], width: float,
                                                                height: float) -> None:
    for exercise in exercises:
        scene = build_scene(exercise.figure)
        wide = panel_geometry(scene, width, height)
        assert wide.height <= height + 1e-9, exercise.id
        for (x0, y0, x1, y1), scale, dx, dy in zip(scene.boxes, wide.scales, wide.dxs, wide.dys):
            # The drawing keeps clear of the number's column on its left, and inside the frame.
            assert x0 * scale + dx >= 2 * wide.badge - 1e-6 and x1 * scale + dx <= wide.panel_width + 1e-6
            assert y0 * scale + dy >= 0 and y1 * scale + dy <= wide.height + 1e-6, exercise.id
        if (width, height) == (482.0, 66.0) and exercise.figure.middle is not None:
            # About the card's: three panels drawn larger than in the card's figure column.
            column = panel_geometry(scene, 227.0)
            assert all(w > 1.3 * c for w, c in zip(wide.scales, column.scales)), exercise.id
        figure = exercise_figure(exercise, width, INKS, "main", height)
        assert figure is not None and figure.wrap(width, 1000) == (width, wide.height)
        bx0, by0, bx1, by1 = panel_figure(exercise.figure, width, INKS, height).getBounds()
        assert bx0 >= 0 and by0 >= 0 and bx1 <= width + 1e-6 and by1 <= wide.height + 1e-6, exercise.id


def test_a_framed_low_wide_figure_keeps_half_the_margin_above_and_below(exercises: list[Exercise]) -> None:
    # In the card's low, wide row a framed view (cut at its panel's outline anyway) keeps half
    # the margin above and below it, so it is drawn larger; the whole margin keeps an unframed
    # view (drawn whole) clear of its outline, and every view clear of the number beside it.
    lying = next(e.figure for e in exercises if e.id == "piriformis")
    whole = lying.model_copy(update={"frame": ()})
    for spec, share in ((lying, 0.5), (whole, 1.0)):
        scene = build_scene(spec)
        g = panel_geometry(scene, 482.0, 66.0)
        margin = MARGIN * g.panel_width
        tops, bottoms = [], []
        for (x0, y0, x1, y1), scale, dx, dy in zip(scene.boxes, g.scales, g.dxs, g.dys):
            assert x0 * scale + dx >= 2 * g.badge + margin - 1e-6 and x1 * scale + dx <= g.panel_width - margin + 1e-6
            bottoms.append(y0 * scale + dy)
            tops.append(y1 * scale + dy)
        assert min(bottoms) == pytest.approx(share * margin) and max(tops) == pytest.approx(66.0 - share * margin)
        if share < 1:  # larger than the whole margin would draw it (height-limited: 66 pt)
            x0, y0, x1, y1 = scene.boxes[0]
            assert g.scales[0] > 1.1 * (66.0 - 2 * margin) / (y1 - y0)


def test_a_height_of_half_the_width_or_more_changes_nothing(exercises: list[Exercise]) -> None:
    for exercise in exercises[:3]:
        for height in (114.0, 300.0):
            assert panel_figure(exercise.figure, 228.0, INKS, height).getBounds() == \
                panel_figure(exercise.figure, 228.0, INKS).getBounds(), exercise.id


@pytest.mark.parametrize(("page_size", "large_print", "at_least_mm"),
                         [("a4", False, 80), ("letter", False, 80), ("a4", True, 80), ("letter", True, 80)])
def test_panels_are_at_least_80_mm_wide_on_the_card(monkeypatch: pytest.MonkeyPatch, resources: object,
                                                    page_size: str, large_print: bool, at_least_mm: float) -> None:
    import generator.figures.draw as draw
    from generator.build import BuildOptions, render_handout

    asked: list[tuple[str, float, float]] = []
    original = draw.exercise_figure

    def recording(exercise: Exercise, width: float, inks: FigureInks, variant: str = "main",
                  max_height: float | None = None) -> object:
        figure = original(exercise, width, inks, variant, max_height)  # type: ignore[arg-type]
        if figure is not None:
            height = figure.wrap(width, 1000)[1]
            assert max_height is None or height <= max_height + 1e-9, (exercise.id, height, max_height)
            asked.append((exercise.id, width, height))
        return figure

    monkeypatch.setattr(draw, "exercise_figure", recording)
    render_handout(BuildOptions(page_size=page_size, large_print=large_print), resources)  # type: ignore[arg-type]
    assert {exercise_id for exercise_id, _, _ in asked} == set(IDS)
    for exercise_id, width, height in asked:
        assert height <= MAX_HEIGHT * width + 1e-9
    # Each exercise is drawn small on the My plan page and full size on its card.
    card_widths = {exercise_id: max(w for i, w, _ in asked if i == exercise_id) for exercise_id in IDS}
    for exercise_id, width in card_widths.items():
        assert width >= at_least_mm * mm, (exercise_id, width / mm)
    # A figure of three panels spans the card: about twice the column's width (the lying
    # figure 4 again since session 7's round 88: 1 knees bent, 2 the ankle placed on the knee,
    # 3 the pull; test_a_figure_with_a_middle_position_spans_the_card checks the choice itself).
    # So does one with a magnified detail (the pelvic tilt's hollow under the low back, session 9).
    figures = {i: resources.pack.exercise(i).figure for i in IDS}  # type: ignore[attr-defined]
    three = {i for i in IDS if figures[i].middle is not None}
    wide = three | {i for i in IDS if figures[i].inset is not None}
    assert three == {"piriformis"} and wide == {"piriformis", "pelvic-tilt"}
    for exercise_id in IDS:
        assert (card_widths[exercise_id] > 2 * min(card_widths.values()) - 1) == (exercise_id in wide), exercise_id


def test_eyes_show_only_on_the_side_of_the_head_that_faces_the_viewer(exercises: list[Exercise]) -> None:
    eyes = {e.id: sum(m.kind == "eye" for m in build_scene(e.figure).panels[0]) for e in exercises}
    assert eyes["clamshell"] == 2  # lying on the side, facing us
    assert eyes["knee-to-chest"] == eyes["cobra"] == 1  # seen from the side


@settings(max_examples=40, deadline=None)
@given(position=st.tuples(*[st.floats(-400, 400)] * 3), offset=st.tuples(*[st.floats(-100, 100)] * 3),
       knee=st.floats(0, 150), hip=st.floats(-30, 135), spine=st.floats(-60, 90),
       pitch=st.floats(-180, 180), camera=st.floats(0, 90))
def test_any_pose_in_range_draws_finite_operators(position: tuple[float, float, float],
                                                  offset: tuple[float, float, float], knee: float, hip: float,
                                                  spine: float, pitch: float, camera: float) -> None:
    from generator.figures.draw import _operators_of

    x, y, z = position
    frame = {"pelvis": {"x": x, "y": y, "z": z, "pitch": pitch}, "spine": spine, "left_knee": knee,
             "right_hip": hip, "reach": [{"part": "left_hand", "to": "right_knee", "offset": list(offset)}]}
    spec = FigureSpec.model_validate({"camera": {"pitch": camera}, "start": {}, "end": frame,
                                      "moving": "left_hand", "props": [{"kind": "mat"}]})
    drawing = panel_figure(spec, 200.0, INKS)
    check_operators(_operators_of(drawing))  # raises FigureBug on NaN or infinity
    assert 0 < drawing.height <= 100


def _views(spec: FigureSpec) -> FigureSpec:
    """``spec`` with its own camera on the start keyframe only: from above, as the lying
    figure 4's panel 1."""
    return spec.model_copy(update={"start": spec.start.model_copy(
        update={"camera": spec.camera.model_copy(update={"pitch": 75.0})})})


def test_a_panel_with_its_own_camera_has_its_own_box_and_scale_and_stays_in_frame(
        exercises: list[Exercise]) -> None:
    for exercise in exercises:
        shared, own = build_scene(exercise.figure), build_scene(_views(exercise.figure))
        # Without a keyframe camera every panel shares one box (the body stays in place).
        rest = len(shared.panels) - 1
        frames = (exercise.figure.start, exercise.figure.middle, exercise.figure.end)
        if all(frame is None or frame.camera is None for frame in frames):
            assert len(set(shared.boxes)) == 1 and shared.views == (0,) * (rest + 1), exercise.id
        # Panel 1 seen from above has its own; the others still share one with each other.
        assert own.views == (0,) + (1,) * rest and own.boxes[0] != own.boxes[1], exercise.id
        assert len(set(own.boxes[1:])) == 1, exercise.id
        assert own.floor_ys[0] is None  # seen from above: no floor line, the mat shows it
        for width in (160.0, 228.0, 400.0):
            g = panel_geometry(own, width)
            assert g.height <= MAX_HEIGHT * width + 1e-9
            for left, (x0, y0, x1, y1), scale, dx, dy in zip(g.lefts, own.boxes, g.scales, g.dxs, g.dys):
                assert 0 <= x0 * scale + dx and x1 * scale + dx <= g.panel_width + 1e-6, exercise.id
                assert 0 <= y0 * scale + dy and y1 * scale + dy <= g.height - 2 * g.badge + 1e-6, exercise.id
            # Each view as large as its panel allows: it touches the panel's width or the height cap.
            room = g.height - 2 * g.badge - 3 * 0.04 * g.panel_width
            for (x0, y0, x1, y1), scale in zip(own.boxes, g.scales):
                assert ((x1 - x0) * scale > 0.9 * (1 - 2 * 0.04) * g.panel_width
                        or (y1 - y0) * scale > 0.9 * room), exercise.id


def test_panels_with_their_own_cameras_are_both_present_numbered_and_in_the_ink_rule(
        exercises: list[Exercise]) -> None:
    for spec in (_views(e.figure) for e in exercises):
        scene = build_scene(spec)
        assert len(scene.panels) == 2 + (spec.middle is not None)
        for panel in scene.panels:
            kinds = [mark.kind for mark in panel]
            assert kinds.count("head") == 1 and kinds.count("trunk") >= 3 and kinds.count("hand") >= 2
        assert not any(m.kind == "arrow" for m in scene.panels[0])
        assert any(m.kind == "arrow" for m in scene.panels[-1])
        drawing = panel_figure(spec, 228.0, INKS)
        shapes = _shapes(drawing)
        outlines = [s for s in shapes if isinstance(s, Rect)]
        assert len(outlines) == len(scene.panels)
        assert all(b.x >= a.x + a.width for a, b in zip(outlines, outlines[1:]))
        bx0, by0, bx1, by1 = drawing.getBounds()
        assert bx0 >= 0 and by0 >= 0 and bx1 <= 228.0 + 1e-6 and by1 <= drawing.height + 1e-6
        for shape in shapes:
            for attribute in ("fillColor", "strokeColor"):
                colour = getattr(shape, attribute, None)
                if colour is not None and colour != colors.white and getattr(shape, "strokeWidth", 1):
                    assert _contrast_on_white(colour) >= 3.0, colour.hexval()


def test_the_figure_4_shows_the_crossed_knee_out_and_the_shin_across(exercises: list[Exercise]) -> None:
    # Rounds 9-16: in a side view the ankle on the knee "looks like a shin held in the air",
    # and readers saw a double knee hug; rounds 20-32 asked for the crossed knee pointing out
    # to the side. In every panel the crossed knee lies out past its own hip, further out than
    # the held knee and a white gap from the held thigh (the "4"'s opening); the crossed shin
    # shows most of its length (not end-on, round 19's "leg held straight out") and runs across
    # to the held knee; with the held foot still down (panel 1) the foot lies past that knee.
    spec = next(e.figure for e in exercises if e.id == "piriformis")
    for _, frame in _crossed_frames(spec):
        points = _flat(spec, frame)
        hips = (points["left_hip"], points["right_hip"])
        side = (hips[1][0] - hips[0][0], hips[1][1] - hips[0][1])  # from the held hip to the crossed one
        out = lambda p: ((p[0] - hips[1][0]) * side[0] + (p[1] - hips[1][1]) * side[1]) / math.hypot(*side)  # noqa: E731,B023
        assert out(points["right_knee"]) > max(0.0, out(points["left_knee"]) + 2 * LIMB_RADIUS), frame
        assert _to_segment(points["right_knee"], points["left_hip"], points["left_knee"]) > \
            2 * LIMB_RADIUS + 2 * CASING, frame
        assert math.dist(points["right_knee"], points["right_ankle"]) > 0.65 * SHIN, frame
        assert math.dist(points["right_ankle"], points["left_knee"]) < 2 * LIMB_RADIUS, frame  # on the knee
        # (the foot past the held knee: test_the_figure_4_crossed_foot_shows_past_the_held_knee)
    # One camera for all panels: readers could not connect a view from above with one from the side.
    assert all(getattr(spec, frame).camera is None for frame in ("start", "middle", "end")
               if getattr(spec, frame) is not None)
    assert set(build_scene(spec).views) == {0}


@pytest.mark.parametrize(("width", "height"), [(60.0, None), (100.0, None), (482.0, 40.0), (250.0, 40.0)])
def test_the_smallest_figures_the_styles_allow_still_draw_inside_their_frames(
        exercises: list[Exercise], width: float, height: float | None) -> None:
    """The styles' lower bounds (plan.figure_width 60, card.wide_figure_height 40): lower,
    the drawings came out mirrored or as specks and hung out of their panels (attack 4)."""
    for exercise in exercises:
        for spec in filter(None, (exercise.figure, exercise.figure.easier)):
            geometry = panel_geometry(build_scene(spec), width, height)
            assert min(geometry.scales) > 0 and geometry.panel_width > 2 * geometry.badge, exercise.id
            bx0, by0, bx1, by1 = panel_figure(spec, width, INKS, height).getBounds()
            assert bx0 >= 0 and by0 >= 0 and bx1 <= width + 1e-6 and by1 <= geometry.height + 1e-6


def test_a_figure_with_no_room_for_its_drawings_is_a_bug_not_a_mirror_image(exercises: list[Exercise]) -> None:
    with pytest.raises(FigureBug, match="leaves its drawings no room"):
        panel_geometry(build_scene(exercises[0].figure), 482.0, 10.0)


def test_a_figure_with_a_middle_position_spans_the_card(resources: object) -> None:
    """A figure of three panels (a middle position) is given the card's whole width
    (``<figure size="wide">``, the lying figure 4's three panels since session 7); one of two
    panels sits in the figure column."""
    from generator.i18n import Translator
    from generator.prescription import PrescribedExercise
    from generator.view import _exercise

    three = resources.pack.exercise("piriformis")  # type: ignore[attr-defined]
    assert three.figure.middle is not None
    two = three.model_copy(update={"figure": three.figure.model_copy(update={"middle": None})})
    wide = lambda e: _exercise(1, PrescribedExercise(e, e.dose), Translator())["figure_wide"]  # noqa: E731
    assert wide(three) and not wide(two)


def test_only_a_far_foot_that_rests_on_the_body_is_drawn_again_on_top(exercises: list[Exercise]) -> None:
    """The scene draws the far side's limbs first; a far foot placed on the body (an ankle
    ``reach``, like a hand that holds) is drawn again over what it rests on. A near foot is on
    top already, and a foot that is not placed is not drawn again."""
    spec = next(e.figure for e in exercises if e.id == "piriformis")
    feet = lambda s: [sum(m.kind == "foot" for m in panel) for panel in build_scene(s).panels]  # noqa: E731
    # Panel 1 has the legs still uncrossed; in 2 and 3 the crossed (far) foot rests on the held knee.
    assert feet(spec) == [0, 1, 1]
    assert feet(spec.easier) == [0, 0]  # seated: the crossed leg is the near one
    loose = spec.model_copy(update={name: getattr(spec, name).model_copy(update={"reach": tuple(
        r for r in getattr(spec, name).reach if not r.part.endswith("ankle"))}) for name in ("start", "middle", "end")})
    assert feet(loose) == [0, 0, 0]
    mirrored = spec.model_copy(update={"camera": spec.camera.model_copy(update={"near": "right"})})
    assert feet(mirrored) == [0, 0, 0]  # seen from the crossed side, that leg is near and on top


def test_a_framed_figure_is_drawn_closer_and_cut_at_the_panel_edge(exercises: list[Exercise]) -> None:
    # `frame` names the points each panel is scaled to (the pelvic tilt's head and knees, so
    # the hollow under the low back is larger on the page without a larger arch); the body
    # beyond them is cut at the panel's outline, not drawn over the next panel.
    tilt = next(e.figure for e in exercises if e.id == "pelvic-tilt").model_copy(update={"inset": None})
    whole = tilt.model_copy(update={"frame": ()})
    framed = tilt.model_copy(update={"frame": ("head", "right_knee")})
    scene, plain = build_scene(framed), build_scene(whole)
    assert scene.framed and not plain.framed
    assert panel_geometry(scene, 228.0).scales[0] > 1.3 * panel_geometry(plain, 228.0).scales[0]
    # The box: the framed points with their radius, and the arrow, which is never cut.
    x0, y0, x1, y1 = scene.boxes[-1]
    end = _flat(framed, "end")
    assert x0 < end["head"][0] - HEAD_RADIUS and x1 > end["right_knee"][0] + LIMB_RADIUS
    for tail_or_tip in _arrows(framed)[0]:
        assert x0 <= tail_or_tip[0] <= x1 and y0 <= tail_or_tip[1] <= y1
    assert end["right_toe"][0] > x1  # the feet run out of the frame
    # Each panel's marks are cut at its outline (as geometry: the replayed operators stay
    # plain paths): nothing is drawn past a panel, and the cut shins reach its edge.
    geometry = panel_geometry(scene, 228.0)
    drawing = panel_figure(framed, 228.0, INKS)
    rules = [shape for shape in drawing.getContents() if isinstance(shape, Rect)]
    assert len(rules) == 2
    near = INKS.colour("near")
    for left, rule in zip(geometry.lefts, rules):
        inside = [shape for shape in drawing.getContents() if not isinstance(shape, (Rect, Group))
                  and left - 1 < shape.getBounds()[0] < left + geometry.panel_width]
        for shape in inside:
            bx0, by0, bx1, by1 = shape.getBounds()
            assert left <= bx0 - 1e-6 and bx1 <= left + geometry.panel_width + 1e-6, shape
            assert by0 >= -1e-6 and by1 <= geometry.height + 1e-6, shape
        reach = max(shape.getBounds()[2] for shape in inside
                    if getattr(shape, "fillColor", None) == near or getattr(shape, "strokeColor", None) == near)
        assert reach > left + geometry.panel_width - 3.0
    assert not any(isinstance(shape, Group) and shape.contents and getattr(shape.contents[0], "isClipPath", 0)
                   for shape in drawing.getContents())


def test_each_moving_point_may_have_its_own_arrow_kind(exercises: list[Exercise]) -> None:
    # Rounds 41-42's readers of the pelvic tilt asked for "a short rotation arrow at the
    # pelvis plus a press-down arrow at the low back": `arrow` may list a kind per point.
    tilt = next(e.figure for e in exercises if e.id == "pelvic-tilt")
    data = yaml.safe_load((EXERCISES / "pelvic-tilt.yaml").read_text(encoding="utf-8"))["figure"]
    spec = FigureSpec.model_validate({**data, "moving": ["low_back", "pelvis"], "arrow": ["press", "turn"]})
    assert spec.arrow_kinds() == ("press", "turn")
    press, turn = _arrows(spec)
    end = _flat(spec, "end")
    pelvis, low_back = end["pelvis"], end["low_back"]
    assert len(press) == 2 and press[0][0] == pytest.approx(low_back[0]) and press[1][1] < low_back[1]
    radii = [math.dist(p, pelvis) for p in turn]
    assert max(radii) - min(radii) < 0.5 and min(radii) < 3 * LIMB_RADIUS  # a short arc round the pelvis
    # Its middle lies on the tail side, away from the low back and the press arrow.
    middle = turn[len(turn) // 2]
    away = (pelvis[0] - low_back[0], pelvis[1] - low_back[1])
    assert (middle[0] - pelvis[0]) * away[0] + (middle[1] - pelvis[1]) * away[1] > 0
    # It turns the way the pelvis turns from 1 to 2 (counter-clockwise, head on the left).
    _assert_turns_with_the_pelvis(spec, turn)
    # One kind for every point, as before; a list must give one kind per moving point.
    assert FigureSpec.model_validate({**data, "moving": ["low_back"], "arrow": "press"}).arrow_kinds() == ("press",)
    with pytest.raises(ValueError, match="one kind per moving point"):
        FigureSpec.model_validate({**data, "moving": ["low_back", "pelvis"], "arrow": ["press"]})
    with pytest.raises(ValueError, match="moving must be a point out along one"):
        FigureSpec.model_validate({**data, "moving": ["low_back", "pelvis"], "arrow": ["press", "reach"]})
    # Both arrows run down into the body: neither has a white casing to notch it (round 4).
    assert all(not mark.cased for mark in build_scene(spec).panels[-1] if mark.kind == "arrow")


def test_a_body_lying_on_a_side_on_mat_touches_its_edge(exercises: list[Exercise]) -> None:
    # The near limbs' white casings cut a gap in the mat's edge under the legs and hips,
    # read as "the hips are not clearly on the floor" (session 8's final reading of the
    # cobra): the mat's top edge is drawn again over the casings, under the body.
    from generator.figures.scene import RIM

    drawn = 0
    for exercise in exercises:
        spec = exercise.figure
        mats = [(low, high) for kind, low, high in prop_boxes(spec) if kind == "mat"]
        for panel in build_scene(spec).panels:
            rims = [i for i, mark in enumerate(panel) if mark.kind == "rim"]
            if spec.camera.pitch or not mats:  # seen from above, the mat is a shape of its own
                assert not rims, exercise.id
                continue
            [at] = rims
            rim, trunk = panel[at], min(i for i, mark in enumerate(panel) if mark.kind == "trunk")
            assert rim.ink == "prop" and rim.radius == RIM, exercise.id
            assert at < trunk, exercise.id  # under the body ...
            assert all(mark.kind != "casing" for mark in panel[at:trunk]), exercise.id  # ... over the casings
            (x0, y0), (x1, y1) = rim.points
            low, high = mats[0]
            assert y0 == y1 == pytest.approx(project((0, high[1], high[2]), spec.camera)[1])
            assert x0 == pytest.approx(low[0] + RIM) and x1 == pytest.approx(high[0] - RIM)  # round ends inside
            drawn += 1
    assert drawn >= 8  # the knee-to-chest, the cobra, the pelvic tilt and the glute bridge, two panels each


def test_a_low_row_draws_each_panel_outline_over_its_drawing(exercises: list[Exercise]) -> None:
    """In a low row across the card a panel's outline comes after everything drawn in the
    panel (just before its number): the lying figure 4's arrow, near the top, has a white
    casing that cut a notch in the outline when the outline was drawn first (session 10,
    rounds 436-437). In the figure column the outline is drawn first, as before."""
    for exercise in exercises:
        for width, height, low in ((482.0, 66.0, True), (228.0, None, False)):
            contents = panel_figure(exercise.figure, width, INKS, height).getContents()
            outlines = [i for i, shape in enumerate(contents) if isinstance(shape, Rect)]
            assert len(outlines) == len(build_scene(exercise.figure).panels), exercise.id
            # Low: each panel's drawing, its outline, its number (a Group). Else the outline first.
            assert all(isinstance(contents[i + 1], Group) for i in outlines) == low, exercise.id
            assert isinstance(contents[0], Rect) != low, exercise.id
