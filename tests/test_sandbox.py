"""The bounded sandbox (generator/sandbox.py): a shared template folder can neither hang a
build nor exhaust memory; its runaways are clean errors at the template's file."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from generator.errors import UserError
from generator.i18n import Translator
from generator.templating import Templates

WORK = "the templates did more than 1,000,000 steps of work"
TOO_BIG = "a value of more than 5,000,000 characters or items"
# Refused before it is made: a render that fails may not have held much more than one
# maximal value (5,000,000 characters) on its way.
PEAK_BYTES = 8_000_000


def render(folder: Path, source: str, context: dict[str, Any] | None = None) -> str:
    (folder / "own.xml.j2").write_text(source, encoding="utf-8")
    return Templates(folder).render("own.xml.j2", context or {}, Translator())


def refused(folder: Path, source: str, context: dict[str, Any] | None = None) -> tuple[str, int]:
    """The error message of a render that must fail, and the most memory it held."""
    tracemalloc.start()
    try:
        with pytest.raises(UserError) as caught:
            render(folder, source, context)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return str(caught.value), peak


# Two nested loops of 1,100 items: 1,210,000 iterations, past the 1,000,000-step budget
# whatever they iterate.
LOOPS = {
    "string": ("{% set a = 'x' * 1100 %}{% for i in a %}{% for j in a %}{% endfor %}{% endfor %}",
               {}),
    "list": ("{% for i in items %}{% for j in items %}{% endfor %}{% endfor %}",
             {"items": list(range(1100))}),
    "dict items": ("{% for k, v in d.items() %}{% for j in d %}{% endfor %}{% endfor %}",
                   {"d": {n: n for n in range(1100)}}),
    "filter result": ("{% set a = 'x' * 1100 %}{% for i in a|list %}{% for j in a|map('upper') %}"
                      "{% endfor %}{% endfor %}", {}),
    "recursive loop": ("{% for node in tree recursive %}{% if node.kids %}{{ loop(node.kids) }}"
                       "{% endif %}{% endfor %}",
                       {"tree": [{"kids": [{"kids": []}] * 1100}] * 1100}),
}


@pytest.mark.parametrize("kind", sorted(LOOPS))
def test_every_loop_iteration_counts_as_work(kind: str, tmp_path: Path) -> None:
    source, context = LOOPS[kind]
    with pytest.raises(UserError) as caught:
        render(tmp_path, source, context)
    message = str(caught.value)
    assert WORK in message
    assert "own.xml.j2:1:" in message


def test_a_loop_writing_text_counts_its_text(tmp_path: Path) -> None:
    """A loop of 50,000 iterations (within the budget by count) that writes 1,000
    characters each time inside a ``{% set %}`` block (never streamed out)."""
    body = "y" * 1000
    message, peak = refused(tmp_path, "{% set x %}{% for i in range(50000) %}" + body
                            + "{% endfor %}{% endset %}")
    assert WORK in message
    assert peak < PEAK_BYTES * 4


VALUES = {
    "concat doubling": "{% set a = 'x' * 100000 %}" + "{% set a = a ~ a %}" * 6,
    "list doubling": "{% set a = ['x' * 100000] %}" + "{% set a = a + a %}" * 7,
    "string plus": "{% set a = 'x' * 100000 %}" + "{% set a = a + a %}" * 6,
    "replace filter": "{% set a = ('x' * 100000)|replace('x', 'y' * 200) %}",
    "replace method": "{% set a = ('x' * 100000).replace('x', 'y' * 200) %}",
    "join of a lazy map": "{% set a = range(150)|map('center', 100000)|join %}",
    "join of repeats": "{% set a = (['x' * 100000] * 100)|join %}",
    "join method": "{% set a = ''.join(['x' * 100000] * 100) %}",
    "percent format": "{% set a = 'x' * 99999 %}{% set b = a * 20 %}"
                      "{% set c = '%s%s%s%s%s' % (b, b, b, b, b) %}",
    "format method": "{% set b = 'x' * 99999 * 20 %}{% set c = '{0}{0}{0}{0}{0}'.format(b) %}",
    "format filter": "{% set b = 'x' * 99999 * 20 %}{% set c = '%s%s%s%s%s'|format(b, b, b, b, b) %}",
    "expandtabs": "{% set a = ('\\t' * 100000).expandtabs(100) %}",
    "indent": "{% set a = ('x\\n' * 50000)|indent(200) %}",
    "written list": "{% set b = 'x' * 99999 * 20 %}{{ [b, b, b, b] }}",
}


@pytest.mark.parametrize("kind", sorted(VALUES))
def test_values_are_bounded_before_they_are_made(kind: str, tmp_path: Path) -> None:
    message, peak = refused(tmp_path, VALUES[kind])
    assert TOO_BIG in message
    assert "own.xml.j2:1:" in message
    assert peak < PEAK_BYTES, f"{peak:,} bytes held before the refusal"


def test_ordinary_work_is_not_refused(tmp_path: Path) -> None:
    source = ("{% set words = ['a', 'b', 'c'] %}{% for w in words %}{{ w ~ '-' ~ loop.index }}"
              "{% endfor %}|{{ words|join(', ') }}|{{ 'x'.replace('x', 'yy') }}|"
              "{{ '%s of %s'|format(1, 2) }}|{{ ('ab' * 3)|center(10) }}|{{ words + ['d'] }}")
    assert render(tmp_path, source) == "a-1b-2c-3|a, b, c|yy|1 of 2|  ababab  |[&#39;a&#39;, &#39;b&#39;, &#39;c&#39;, &#39;d&#39;]"


def test_an_included_template_counts_its_text(tmp_path: Path) -> None:
    """An include of 10,000 characters of text, 10,000 times, into a ``{% set %}`` block."""
    (tmp_path / "big.xml.j2").write_text("y" * 10_000, encoding="utf-8")
    message, peak = refused(tmp_path, "{% set x %}{% for i in range(10000) %}"
                            "{% include 'big.xml.j2' %}{% endfor %}{% endset %}")
    assert WORK in message
    assert peak < PEAK_BYTES * 4


def test_a_string_value_counts_and_is_bounded_by_its_length(tmp_path: Path) -> None:
    # Each value of 200,000 characters is 20,000 steps: 40 fit the budget, 60 do not;
    # a value longer than a whole story is refused when written.
    context = {"text": "x" * 200_000}
    kept = "{% set ns = namespace() %}{% for i in range(COUNT) %}{% set ns.v = text %}{% endfor %}"
    assert render(tmp_path, kept.replace("COUNT", "40") + "{{ ns.v|length }}", context) \
        == "200000"
    message, _ = refused(tmp_path, kept.replace("COUNT", "60"), context)
    assert WORK in message
    message, _ = refused(tmp_path, "{{ text }}", {"text": "x" * 5_000_001})
    assert TOO_BIG in message
