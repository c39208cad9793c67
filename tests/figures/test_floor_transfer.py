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


def test_the_function_takes_a_width_and_a_template_can_place_it(resources: Resources, tmp_path: Path) -> None:
    figure = floor_transfer_figure(300, INKS)
    assert figure.wrap(300, 1000)[0] == 300
    assert DRAWINGS["floor-transfer"] is floor_transfer_figure
    # A template override puts it under the section's heading (the bundled templates do
    # not yet: it costs the three-exercise handout its fifth page, see docs/figures.md).
    bundled = (Path(__file__).resolve().parents[2] / "templates" / "safety.xml.j2").read_text(encoding="utf-8")
    heading = '<h2 id="section-{{ section.id }}">{{ section.title }}</h2>\n'
    assert heading in bundled
    (tmp_path / "safety.xml.j2").write_text(bundled.replace(
        heading, heading + '{% if section.id == "getting-down-and-up" %}<figure drawing="floor-transfer"/>{% endif %}\n'),
        encoding="utf-8")
    options = BuildOptions(date=dt.date(2026, 11, 24))
    own = Resources.load(default_pack(), templates_dir=tmp_path)
    story = render_story(own, own.prescribe(options))
    section = re.search(r'<h2 id="section-getting-down-and-up">.*?</h2>\s*(<figure[^>]*/>)', story, re.S)
    assert section and section.group(1) == '<figure drawing="floor-transfer"/>'
    with_drawing = render_handout(options, own)
    plain = render_handout(BuildOptions(date=dt.date(2026, 11, 24)), resources)
    assert len(with_drawing) > len(plain) + 2000  # the drawing's vector operators are in the page
