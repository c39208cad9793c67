"""Figure drawings, pictures in their place, and the clinicians' review sheet."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
import yaml
from PIL import Image

from generator.errors import UserError
from generator.figures import MARGIN, exercise_figure, fit, pose_drawing, render_review_sheet
from generator.fonts import register_fonts
from generator.model import Exercise
from generator.scene import build_scene

EXERCISES = Path(__file__).resolve().parents[1] / "data" / "sciatica" / "exercises"
IDS = ("knee-to-chest", "standing-hamstring", "piriformis", "cobra", "pelvic-tilt",
       "glute-bridge", "clamshell", "bird-dog")


def load_exercise(exercise_id: str) -> Exercise:
    data = yaml.safe_load((EXERCISES / f"{exercise_id}.yaml").read_text(encoding="utf-8"))
    return Exercise.model_validate(data)


@pytest.fixture(scope="module")
def exercises() -> list[Exercise]:
    loaded = [load_exercise(exercise_id) for exercise_id in IDS]
    assert all(exercise.figure is not None for exercise in loaded)
    return loaded


@pytest.fixture(scope="module")
def sheet(exercises: list[Exercise]) -> bytes:
    return render_review_sheet(exercises, register_fonts())


def _plain(exercise: Exercise, **update: object) -> Exercise:
    return exercise.model_copy(update={"figure": None, "image": None, **update})


@pytest.mark.parametrize(("width", "height"), [(240.0, 150.0), (120.0, 200.0), (500.0, 90.0)])
def test_figure_is_exactly_the_requested_size_and_fits_with_a_margin(
        exercises: list[Exercise], width: float, height: float) -> None:
    for exercise in exercises:
        flowable = exercise_figure(exercise, width, height)
        assert flowable.wrap(1000, 1000) == (width, height)
        scene = build_scene(exercise.figure)
        scale, dx, dy = fit(scene, width, height)
        x0, y0, x1, y1 = scene.box
        margin = MARGIN * min(width, height)
        assert x0 * scale + dx >= margin - 1e-6 and x1 * scale + dx <= width - margin + 1e-6
        assert y0 * scale + dy >= margin - 1e-6 and y1 * scale + dy <= height - margin + 1e-6
        # The box is honest: ReportLab's own bounds (stroke centres) lie inside the frame too.
        bx0, by0, bx1, by1 = pose_drawing(exercise.figure, width, height).getBounds()
        assert bx0 >= 0 and by0 >= 0 and bx1 <= width and by1 <= height, exercise.id


def test_figures_are_cached_per_spec_and_size(exercises: list[Exercise]) -> None:
    spec = exercises[0].figure
    assert pose_drawing(spec, 200.0, 120.0) is pose_drawing(spec, 200.0, 120.0)
    assert pose_drawing(spec, 200.0, 120.0) is not pose_drawing(spec, 201.0, 120.0)


def test_drawing_uses_one_ink_tints_and_round_caps(exercises: list[Exercise]) -> None:
    drawing = pose_drawing(exercises[0].figure, 240.0, 150.0, "#1d3557")
    shapes = list(drawing.getContents())
    widths = {round(s.strokeWidth, 2) for s in shapes if type(s).__name__ == "PolyLine"
              and s.strokeColor.hexval() != "0xffffff" and s.strokeWidth > 4}
    assert len(widths) == 1, widths  # one uniform limb weight
    caps = {s.strokeLineCap for s in shapes if type(s).__name__ == "PolyLine"}
    assert caps == {1}


def test_empty_slot_when_no_picture(exercises: list[Exercise]) -> None:
    flowable = exercise_figure(_plain(exercises[0]), 180, 120)
    assert flowable.wrap(1000, 1000) == (180, 120)


def test_image_is_scaled_into_the_frame_keeping_its_shape(exercises: list[Exercise], tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    Image.new("RGB", (400, 100), (200, 30, 30)).save(path)
    flowable = exercise_figure(_plain(exercises[0], image=path), 300, 300)
    assert flowable.wrap(1000, 1000) == (300, 300)
    w, h = flowable.image_size
    assert w / h == pytest.approx(4.0)
    assert w <= 300 and w > 250  # fills the width, less the margin


@pytest.mark.parametrize("content", [None, b"not a picture at all", b"\x89PNG\r\n\x1a\n" + b"\0" * 40])
def test_unreadable_image_names_the_file(exercises: list[Exercise], tmp_path: Path,
                                         content: bytes | None) -> None:
    path = tmp_path / "broken.png"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UserError, match="picture") as error:
        exercise_figure(_plain(exercises[0], image=path), 200, 200)
    assert str(path) in str(error.value)
    assert error.value.problems[0].path == path


def test_review_sheet_labels_every_exercise_once(sheet: bytes, exercises: list[Exercise]) -> None:
    reader = pypdf.PdfReader(io.BytesIO(sheet))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for exercise in exercises:
        assert text.count(f"({exercise.id})") == 1, exercise.id
        assert " ".join(exercise.name.split()) in text


def test_review_sheet_embeds_only_truetype_fonts(sheet: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(sheet))
    seen = 0
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            seen += 1
            assert "Helvetica" not in str(font["/BaseFont"])
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:  # composite font: the descriptor sits on the descendant
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor.get_object(), font["/BaseFont"]
    assert seen >= 2
    assert b"Helvetica" not in sheet


def test_eight_figures_cost_under_30_kb(sheet: bytes, exercises: list[Exercise]) -> None:
    empty = render_review_sheet([_plain(exercise) for exercise in exercises], register_fonts())
    added = len(sheet) - len(empty)
    assert 1_000 < added < 30_000, added


def test_an_arrow_swept_by_the_head_runs_clear_of_the_head(exercises: list[Exercise]) -> None:
    import math

    from generator.skeleton import HEAD_RADIUS
    spec = next(exercise.figure for exercise in exercises if exercise.id == "standing-hamstring")
    assert "head" in spec.moving
    scene = build_scene(spec)
    heads = [mark.points[0] for mark in scene.marks if mark.kind == "head"]
    arrows = [mark for mark in scene.marks if mark.kind == "arrow"]
    assert arrows
    closest = min(math.dist(point, head) for arrow in arrows for point in arrow.points for head in heads)
    assert closest >= HEAD_RADIUS + arrows[0].radius, closest


def test_every_arrow_stays_clear_of_the_solid_head(exercises: list[Exercise]) -> None:
    import math

    from generator.skeleton import HEAD_RADIUS
    for exercise in exercises:
        scene = build_scene(exercise.figure)
        head = [mark.points[0] for mark in scene.marks if mark.kind == "head"][-1]  # the end pose's
        for arrow in (mark for mark in scene.marks if mark.kind == "arrow"):
            closest = min(math.dist(point, head) for point in arrow.points)
            # The arrowhead is about three shaft radii wide each side.
            assert closest >= HEAD_RADIUS + 3 * arrow.radius - 1e-6, (exercise.id, closest)


def test_emphasised_far_limb_is_solid_cased_and_on_top(exercises: list[Exercise]) -> None:
    from generator.pose import project, solve
    from generator.scene import END_NEAR

    spec = next(exercise.figure for exercise in exercises if exercise.id == "piriformis")
    assert spec.emphasis == ("right_leg",)
    end = {name: project(p, spec.camera) for name, p in solve(spec, "end").items()}
    assert end["right_hip"][2] < end["left_hip"][2]  # it is the far leg
    leg = tuple(end[p][:2] for p in ("right_hip", "right_knee", "right_ankle", "right_heel", "right_toe"))
    marks = build_scene(spec).marks
    index = next(i for i, mark in enumerate(marks) if mark.kind == "limb" and mark.points == leg)
    assert marks[index].tone == END_NEAR
    assert marks[index - 1].kind == "casing" and marks[index - 1].points == leg
    assert marks[index - 1].radius > marks[index].radius
    later = [mark.kind for mark in marks[index + 1:]]
    assert "limb" not in later and "torso" not in later  # drawn over the held thigh
    drawing = pose_drawing(spec, 240.0, 150.0)
    assert sum(type(s).__name__ == "PolyLine" and s.strokeColor.hexval() == "0xffffff"
               for s in drawing.getContents()) >= 2  # the casing is printed, start and end


def test_lift_arrow_rises_straight_from_just_above_the_lifted_part(exercises: list[Exercise]) -> None:
    import math

    from generator.pose import project, solve
    from generator.skeleton import body_samples

    spec = next(exercise.figure for exercise in exercises if exercise.id == "glute-bridge")
    assert spec.arrow == "lift"
    end = {name: project(p, spec.camera) for name, p in solve(spec, "end").items()}
    (arrow,) = [mark for mark in build_scene(spec).marks if mark.kind == "arrow"]
    (x0, y0), (x1, y1) = arrow.points[0], arrow.points[-1]
    assert x0 == pytest.approx(x1) == pytest.approx(end["pelvis"][0])
    assert y1 - y0 >= 26 and y0 > end["pelvis"][1]  # upward, above the hips
    # Shaft, casing and head all clear of the solid body.
    for _, point, radius in body_samples(end):
        for t in (i / 20 for i in range(21)):
            p = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
            assert math.dist(p, point[:2]) >= radius + arrow.radius * 2.5, (point, p)
