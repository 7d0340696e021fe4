"""The SVG charts: valid SVG, labelled for screen readers, bars proportional, lines through
their points, empty data and one point handled, labels escaped, numbers as the language
writes them."""

import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from motcua.reporting.charts import WIDTH, bar_chart, line_chart, number

SVG = "{http://www.w3.org/2000/svg}"
TEXTS = {"title": "Tỷ lệ đúng hạn", "description": "Theo cơ quan", "label_heading": "Cơ quan"}


def parse(chart) -> ET.Element:
    # raises on markup that is not well-formed XML
    root = ET.fromstring(str(chart.svg))  # noqa: S314 (our own markup, in a test)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart.id}-title {chart.id}-desc"
    assert root.find(f"{SVG}title").get("id") == f"{chart.id}-title"
    assert root.find(f"{SVG}desc").get("id") == f"{chart.id}-desc"
    assert root.get("viewBox").startswith(f"0 0 {WIDTH} ")
    assert root.get("width") is None  # scales to its column
    return root


def bars(**changes):
    values = {"items": [("A", 50), ("B", 100), ("C", 25)], "chart_id": "c", "value_heading": "%"}
    return bar_chart(**(values | TEXTS | changes))


def line(**changes):
    values = {"points": [("1/2026", 80), ("2/2026", 90)], "chart_id": "t", "value_heading": "%"}
    return line_chart(**(values | TEXTS | changes))


def test_bars_are_proportional_to_the_largest_value():
    root = parse(bars())
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[1] > 0
    assert widths[0] == pytest.approx(widths[1] / 2)
    assert widths[2] == pytest.approx(widths[1] / 4)


def test_bars_against_a_fixed_maximum():
    root = parse(bars(items=[("A", 50), ("B", 150)], max_value=100))
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[1] == pytest.approx(widths[0] * 2)  # capped at the maximum
    assert widths[1] < WIDTH


@pytest.mark.parametrize(
    ("items", "rows"),
    [
        ([], ()),
        ([("A", 0), ("B", 0)], (("A", "0"), ("B", "0"))),
        ([("A", None)], (("A", "–"),)),
    ],
)
def test_bars_without_data(items, rows):
    chart = bars(items=items)
    root = parse(chart)
    assert all(float(rect.get("width")) == 0 for rect in root.iter(f"{SVG}rect"))
    assert chart.rows == rows
    assert chart.empty is (not items)
    if not items:
        assert "Không có số liệu" in "".join(root.itertext())


def test_labels_are_escaped():
    label = '<b>"A"</b>&</svg><script>x()</script>'
    chart = bars(items=[(label, 10)], title="<T>", description="a & b")
    root = parse(chart)
    assert root.find(f"{SVG}script") is None
    assert label in "".join(root.itertext())
    assert root.find(f"{SVG}title").text == "<T>"
    html = render_to_string("reporting/charts/chart.html", {"chart": chart})
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_long_labels_are_shortened_in_the_svg_only():
    label = "Ủy ban nhân dân phường Hồng Gai, thành phố Hạ Long, tỉnh Quảng Ninh (mới)"
    chart = bars(items=[(label, 10)])
    drawn = [t.text for t in parse(chart).iter(f"{SVG}text") if t.get("class") == "mc-chart__label"]
    assert drawn[0].endswith("…")
    assert len(drawn[0]) < len(label)
    assert chart.rows[0][0] == label


def test_line_goes_through_its_points_left_to_right_and_up():
    root = parse(line(points=[("1", 0), ("2", 50), ("3", 100)], y_max=100))
    (polyline,) = root.iter(f"{SVG}polyline")
    points = [tuple(map(float, p.split(","))) for p in polyline.get("points").split()]
    xs, ys = zip(*points, strict=True)
    assert list(xs) == sorted(xs)
    assert ys[0] > ys[1] > ys[2]  # SVG's y grows downwards
    assert ys[0] - ys[1] == pytest.approx(ys[1] - ys[2])


def test_a_missing_month_breaks_the_line():
    root = parse(line(points=[("1", 10), ("2", 20), ("3", None), ("4", 30), ("5", 40)]))
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
    assert len(list(root.iter(f"{SVG}circle"))) == 4


def test_one_point_is_a_dot():
    chart = line(points=[("11/2026", 75.5)])
    root = parse(chart)
    assert not list(root.iter(f"{SVG}polyline"))
    assert len(list(root.iter(f"{SVG}circle"))) == 1
    assert chart.rows == (("11/2026", "75,5"),)  # Vietnamese by default


def test_a_line_without_values_says_so():
    chart = line(points=[("1", None), ("2", None)])
    root = parse(chart)
    assert not list(root.iter(f"{SVG}circle"))
    assert "Không có số liệu" in "".join(root.itertext())
    assert chart.rows == (("1", "–"), ("2", "–"))


def test_empty_line():
    root = parse(line(points=[]))
    assert "Không có số liệu" in "".join(root.itertext())


@pytest.mark.parametrize(
    ("language", "value", "decimals", "unit", "text"),
    [
        ("vi", 95.5, 1, "%", "95,5%"),
        ("en", 95.5, 1, "%", "95.5%"),
        ("vi", 95.0, 1, "", "95"),
        ("vi", 12345.678, 2, "", "12.345,68"),
        ("vi", None, 1, "%", "–"),
    ],
)
def test_numbers_follow_the_language(language, value, decimals, unit, text):
    with translation.override(language):
        assert number(value, decimals=decimals, unit=unit) == text


def test_chart_template_has_the_table_fallback():
    with translation.override("vi"):
        chart = bars(unit="%")
        html = render_to_string("reporting/charts/chart.html", {"chart": chart})
    assert "<details" in html
    assert "<table" in html
    assert '<th scope="row">B</th><td>100%</td>' in html
    assert str(chart.svg) in html
