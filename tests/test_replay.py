"""Replayed figures: the compacted operators paint the same paths in the same states."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.figures.draw import FigureInks, _operators_of, panel_figure
from generator.layout import replay
from generator.layout.replay import compact_operators
from generator.loading import load_pack
from generator.resources import default_pack

INKS = FigureInks(near="#1d3557", far="#8aa1bd", arrow="#b3261e", prop="#5c5c5c",
                  number="#1d3557")
_STROKED = ("stroke", "width", "cap", "join", "dash")
_USES = {"S": _STROKED, "f*": ("fill",), "f": ("fill",), "B*": ("fill", *_STROKED),
         "B": ("fill", *_STROKED), "n": ()}
_SETS = {"RG": "stroke", "rg": "fill", "w": "width", "J": "cap", "j": "join", "d": "dash"}


def painted(operators: str) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    """Every painted path with the state its paint operator uses, by the PDF's rules
    (q saves the whole state, Q brings it back); identity ``cm`` and ``n`` draw nothing."""
    state: dict[str, str] = {}
    saved: list[dict[str, str]] = []
    paths: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []
    operands: list[str] = []
    path: list[str] = []
    for token in operators.replace("[]", "[ ]").split():
        if token in ("q", "Q"):
            if token == "q":
                saved.append(dict(state))
            else:
                state = saved.pop()
        elif token in _SETS:
            state[_SETS[token]] = " ".join(operands)
        elif token in ("m", "l", "c", "h"):
            path.append(" ".join([*operands, token]))
        elif token in _USES:
            if token != "n":
                paths.append((" ".join(path), token,
                              tuple((name, state.get(name, "page")) for name in _USES[token])))
            path = []
        elif token == "cm":
            assert operands == ["1", "0", "0", "1", "0", "0"]
        else:
            operands.append(token)
            continue
        operands = []
    return paths


def render(operators: str, scale: float) -> bytes:
    """The operators drawn on a page of their own by PDFium, as pixels."""
    import pypdfium2 as pdfium
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(240, 130))
    canvas.translate(5, 5)
    canvas.addLiteral(operators)
    canvas.showPage()
    canvas.save()
    document = pdfium.PdfDocument(buffer.getvalue())
    try:
        bitmap = document[0].render(scale=scale)
        return bytes(bitmap.buffer)
    finally:
        document.close()


def bundled_figures() -> list[tuple[str, float, str]]:
    pack = load_pack(default_pack())
    return [(exercise.id, width, _operators_of(panel_figure(exercise.figure, width, INKS)))
            for exercise in pack.exercises if exercise.figure is not None
            for width in (90.0, 227.0)]


@pytest.fixture(scope="module")
def figures() -> list[tuple[str, float, str]]:
    found = bundled_figures()
    assert len(found) >= 16
    return found


def test_every_bundled_figure_paints_the_same_paths_in_the_same_states(
        figures: list[tuple[str, float, str]]) -> None:
    for name, width, operators in figures:
        compacted = compact_operators(operators)
        assert compacted != operators, name  # each was compacted, not left as drawn
        before, after = painted(operators), painted(_circles_as_drawn(compacted, operators))
        assert before == after, (name, width)
        assert len(compacted) < 0.8 * len(operators), (name, width)


def _circles_as_drawn(compacted: str, original: str) -> str:
    """The compacted stream with each unit circle under its matrix put back as the four
    curves the original drew, in order (so the two can be compared path by path)."""
    circles = [path for path, paint, _ in painted(original) if paint in ("f", "f*")
               and path.count(" c") == 4 and " l" not in path]
    lines = []
    for line in compacted.split("\n"):
        if line.startswith("q ") and " cm " in line:
            lines.append(circles.pop(0))
        elif line.endswith(" Q") and line.split()[0] in ("f", "f*"):
            lines.append(line[:-2])
        else:
            lines.append(line)
    return "\n".join(lines)


def test_compacted_state_renders_pixel_for_pixel(figures: list[tuple[str, float, str]],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay, "_circle", lambda path: None)  # the states only
    for name, width, operators in figures:
        compacted = compact_operators(operators)
        for scale in (1.0, 80 / 72):
            assert render(compacted, scale) == render(operators, scale), (name, width, scale)


def test_circles_under_a_matrix_render_within_one_level_of_grey(
        figures: list[tuple[str, float, str]]) -> None:
    # The matrix moves a circle's points by under 0.00001 pt (the original's seven digits
    # against the exact product): an edge pixel's coverage may round the other way.
    for name, width, operators in figures:
        compacted = compact_operators(operators)
        for scale in (1.0, 80 / 72, 2.0):
            before, after = render(operators, scale), render(compacted, scale)
            changed = [abs(a - b) for a, b in zip(before, after) if a != b]
            assert len(before) == len(after) and max(changed, default=0) <= 1, (name, scale)
            assert len(changed) <= len(before) // 2000, (name, width, scale)  # a few edges


def test_a_state_is_written_only_when_a_painted_path_needs_another_value() -> None:
    drawn = ("q 0 0 0 RG 1 w 0 J 0 j [] 0 d 0 0 0 rg\n"
             "q 1 0 0 RG 2 w n 0 0 m 5 5 l S Q\n"
             "q 1 0 0 RG 2 w n 5 5 m 9 9 l S Q\n"
             "q 0 1 0 rg 3 w n 0 0 m 4 0 l 4 4 l h f* Q\n"
             "q 1 0 0 RG 3 w 1 J n 1 1 m 2 2 l S Q Q")
    compacted = compact_operators(drawn)
    assert painted(compacted) == painted(drawn)
    assert compacted.split("\n") == [
        "q", "1 0 0 RG", "2 w", "0 J", "0 j", "[] 0 d", "0 0 m 5 5 l", "S", "5 5 m 9 9 l", "S",
        "0 1 0 rg", "0 0 m 4 0 l 4 4 l h", "f*", "3 w", "1 J", "1 1 m 2 2 l", "S", "Q"]


def test_a_circle_is_the_unit_circle_under_a_matrix() -> None:
    circle = ("q .1 .2 .3 rg n 22.06 17.9 m 22.06 18.76156 21.36156 19.46 20.5 19.46 c "
              "19.63844 19.46 18.94 18.76156 18.94 17.9 c 18.94 17.03844 19.63844 16.34 20.5 "
              "16.34 c 21.36156 16.34 22.06 17.03844 22.06 17.9 c f* Q")
    assert "q 1.56 0 0 1.56 20.5 17.9 cm 1 0 m" in compact_operators(circle)
    stroked = circle.replace("f* Q", "S Q").replace("rg", "RG")
    assert " cm " not in compact_operators(stroked)  # a stroke would scale with the matrix
    squashed = circle.replace("20.5 19.46 c", "20.5 19.6 c")  # not a circle any more
    assert " cm " not in compact_operators(squashed)
    assert render(compact_operators(circle), 2.0) == render(circle, 2.0)


@pytest.mark.parametrize("operators", [
    "q BT /F1 12 Tf (text) Tj ET Q",  # text
    "q 0 0 10 10 re W n 0 0 m 5 5 l S Q",  # clipping
    "q 2 0 0 2 0 0 cm 0 0 m 5 5 l S Q",  # a transformed group
    "q /GS1 gs 0 0 m 5 5 l S Q",  # a named resource
    "q 0 0 m 5 5 l S",  # unbalanced
    "Q 0 0 m 5 5 l S q",
    "q 1 0 0 RG 0 0 m 5 5 l S Q 0 0 m 5 5 l S",  # the page's colour again, after ours
])
def test_anything_else_is_left_as_drawn(operators: str) -> None:
    assert compact_operators(operators) == operators


_number = st.integers(0, 99).map(str)
_setting = st.sampled_from([("0 0 0", "RG"), ("1 0 0", "RG"), ("0 0 1", "rg"), ("1 1 1", "rg"),
                            ("1", "w"), ("2.5", "w"), ("0", "J"), ("1", "J"), ("0", "j"),
                            ("1", "j"), ("[]  0", "d"), ("[3 3] 0", "d")])


@st.composite
def drawings(draw: st.DrawFn) -> str:
    """Shapes in nested q/Q groups, each setting some of the state before it is painted."""
    parts = ["q 0 0 0 RG 1 w 0 J 0 j [] 0 d 0 0 0 rg"]
    depth = 0
    for _ in range(draw(st.integers(1, 25))):
        action = draw(st.sampled_from(["shape", "shape", "open", "close"]))
        if action == "open":
            parts.append("q")
            depth += 1
        elif action == "close" and depth:
            parts.append("Q")
            depth -= 1
        else:
            for operands, operator in draw(st.lists(_setting, max_size=4)):
                parts.append(f"{operands.replace('  ', ' ')} {operator}")
            points = draw(st.lists(st.tuples(_number, _number), min_size=2, max_size=4))
            parts.append("n " + " ".join(f"{x} {y} {'m' if i == 0 else 'l'}"
                                         for i, (x, y) in enumerate(points)))
            parts.append(draw(st.sampled_from(["S", "f*", "B*", "n"])))
    parts.extend(["Q"] * depth + ["Q"])
    return "\n".join(parts)


@settings(max_examples=200, deadline=None)
@given(drawings())
def test_compacting_keeps_every_painted_path_and_its_state(drawing: str) -> None:
    compacted = compact_operators(drawing)
    assert compacted != drawing
    assert painted(compacted) == painted(drawing)
