"""The drawing for getting down to the floor: three numbered panels from pose data, placed
in the handout's "Getting down to the floor and up again" section."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import pytest
import yaml

from generator.build import Resources, render_handout, render_story
from generator.resources import default_pack
from generator.figures import DRAWINGS, FigureInks, floor_transfer_figure, floor_transfer_spec
from generator.figures.draw import MAX_HEIGHT, panel_figure
from generator.figures.scene import build_scene
from generator.figures.spec import prop_boxes, solve
from generator.prescription import BuildOptions
from tests.figures.geometry import body_samples, clearance, contact_gap

STYLES = yaml.safe_load((Path(__file__).resolve().parents[2] / "templates" / "styles.yaml")
                        .read_text(encoding="utf-8"))
INKS = FigureInks(**STYLES["figure"])
FRAMES = ("start", "middle", "end")
TOUCH = 1.5


def test_three_numbered_panels_in_order_and_no_arrow() -> None:
    spec = floor_transfer_spec()
    scene = build_scene(spec)
    assert len(scene.panels) == 3
    assert not [mark for mark in scene.marks if mark.kind == "arrow"]  # the numbers give the order
    drawing = panel_figure(spec, 480.0, INKS)
    assert drawing.width == 480.0 and drawing.height <= MAX_HEIGHT * 480.0


@pytest.mark.parametrize("frame", FRAMES)
def test_each_position_rests_on_the_floor_and_nothing_sinks(frame: str) -> None:
    spec = floor_transfer_spec()
    keyframe = getattr(spec, frame)
    points = solve(spec, keyframe)
    boxes = [(low, high) for _, low, high in prop_boxes(spec)]
    for name in keyframe.contacts:
        assert abs(contact_gap(points, name, boxes)) <= TOUCH, (frame, name)
    assert min(clearance(p, radius, boxes) for _, p, radius in body_samples(points)) >= -1e-6, frame


def test_kneeling_on_one_knee_with_a_hand_on_the_chair_back_then_all_fours_then_on_the_side() -> None:
    spec = floor_transfer_spec()
    kneel, fours, side = (solve(spec, getattr(spec, frame)) for frame in FRAMES)
    (_, low, high), = prop_boxes(spec)
    back_top = (low[0], high[1] + 44)  # the chair's back stands at its near edge
    assert math.dist(kneel["right_hand"][:2], back_top) < 8  # the hand on the chair's back
    assert kneel["left_knee"][1] < 10 and kneel["right_knee"][1] > 40  # one knee down, one up
    assert max(p[0] for p in kneel.values()) < low[0] + 3  # in front of the chair, not on it
    assert all(fours[name][1] < 10 for name in ("left_hand", "right_hand", "left_knee", "right_knee"))
    assert abs(side["left_shoulder"][2] - side["right_shoulder"][2]) < 4  # shoulders stacked
    assert side["right_shoulder"][1] > side["left_shoulder"][1] + 20  # lying on the left side


def test_the_function_takes_a_width_and_the_handout_places_it(resources: Resources,
                                                              tmp_path: Path) -> None:
    figure = floor_transfer_figure(300, INKS)
    assert figure.wrap(300, 1000)[0] == 300
    assert DRAWINGS["floor-transfer"] is floor_transfer_figure
    # The bundled "Before you start" box draws it under the section's heading.
    options = BuildOptions(date=dt.date(2026, 11, 24))
    story = render_story(resources, resources.prescribe(options))
    section = re.search(r'<h2 id="section-getting-down-and-up"[^>]*>.*?</h2>\s*(<figure[^>]*/>)',
                        story, re.S)
    assert section and section.group(1) == '<figure drawing="floor-transfer"/>'
    # A template folder that leaves it out draws a smaller page: the drawing's operators
    # were in it.
    bundled = (Path(__file__).resolve().parents[2] / "templates" / "before-you-start.xml.j2"
               ).read_text(encoding="utf-8")
    assert '<figure drawing="floor-transfer"/>' in bundled
    (tmp_path / "before-you-start.xml.j2").write_text(
        bundled.replace('<figure drawing="floor-transfer"/>', ""), encoding="utf-8")
    own = Resources.load(default_pack(), templates_dir=tmp_path)
    without_drawing = render_handout(options, own)
    with_drawing = render_handout(options, resources)
    assert len(with_drawing) > len(without_drawing) + 500
