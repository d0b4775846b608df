"""Charts as native Word charts: a DrawingML chart part (word/charts/chartN.xml) with its figures cached.

No drawing library: Word and LibreOffice draw the chart from the numbers in the part (``c:strCache`` and
``c:numCache``), so a chart costs a few kilobytes of XML and no import. The same figures always give
the same bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..report.aggregate import Report
from ..japanese import era_short
from .estimate import PICTURE_EXTRA_PT, PT_PER_MM
from .fast_table import clean, escape
from ..report.printed import nendo, short_nendo

ONE_LINE_YEARS = 7  # up to this many years the trend chart's 「２５年度」 stands on one line under its bar (measured)
MANY_YEARS = 12  # up to this many, 「２５」 over 「年度」 on two lines; more: compact, rotated labels
WIDTH_MM = 150.0
# A figure of section 3 (図４－１ …) is as wide as the text and this high: the edition's pages 155–157
# hold two subsections with their figures each (see ``tables.FIGURE_HEIGHT_MM``).
STATISTICS_HEIGHT_MM = 70.0
EMU_PER_MM = 36_000
FONT = "ＭＳ ゴシック"  # the edition's gothic (reference.docx's major East Asian font)
BAR_COLOUR = "7F9FBF"
LINE_COLOUR = "C0392B"
LINE_COLOURS = ("1F77B4", "FF7F0E", "2CA02C", "D62728", "9467BD", "8C564B", "E377C2", "7F7F7F")

C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
CHART_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CHART_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
DOCPR_BASE = 10_000  # wp:docPr ids of charts: 10001, 10002 … (python-docx numbers pictures from 1)


@dataclass(frozen=True)
class Chart:
    """A chart part's XML and the size it is shown at (its extent in the document)."""

    xml: bytes
    width_mm: float
    height_mm: float
    alt: str = ""  # its alternative text (wp:docPr descr, the PDF's /Alt): the figures it draws, in words

    @property
    def height_pt(self) -> float:
        """What the chart's paragraph takes of the page in the page plan: its extent, plus the picture's extra."""
        return self.height_mm * PT_PER_MM + PICTURE_EXTRA_PT


def trend_chart(report: Report) -> Chart:
    """Project counts (line, 件, right axis) and costs (bars, 億円, left axis) per fiscal year, as the edition draws them."""
    many = len(report.years) > MANY_YEARS
    labels = [year_label(c.year, len(report.years)) for c in report.years]
    amounts = [column.amount / 100_000 for column in report.years]  # 千円 → 億円
    counts = [float(column.count) for column in report.years]
    count_max, count_unit = _nice_max(max(counts + [1.0]) * (1.4 if many else 1.25))
    bars = ('<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
            + _series(0, "事業費（億円）", labels, amounts, "#,##0.0", _fill(BAR_COLOUR))
            + '<c:gapWidth val="25"/><c:axId val="1"/><c:axId val="2"/></c:barChart>')
    labels_xml = ('<c:dLbls><c:numFmt formatCode="#,##0" sourceLinked="0"/><c:spPr><a:noFill/><a:ln><a:noFill/>'
                  f'</a:ln></c:spPr>{_text_properties(700 if many else 800, rotated=many)}<c:dLblPos val="t"/>'
                  '<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/>'
                  '<c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>')
    line = ('<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>'
            + _series(1, "事業数（件）", labels, counts, "#,##0", _line(LINE_COLOUR),
                      marker=_marker(LINE_COLOUR, 5), labels_xml=labels_xml)
            + '<c:marker val="1"/><c:axId val="3"/><c:axId val="4"/></c:lineChart>')
    axes = (_category_axis(1, 2, rotated=many) + _value_axis(2, 1, "l", "（億円）", "#,##0")
            + _category_axis(3, 4, deleted=True)
            + _value_axis(4, 3, "r", "（件）", "#,##0", maximum=count_max, unit=count_unit, crosses="max"))
    alt = "事業数（折れ線、件）と事業費（棒、億円）の年度別推移。" + "、".join(
        f"{nendo(c.year)} {c.count:,}件 {amount:,.1f}億円" for c, amount in zip(report.years, amounts)) + "。"
    return replace(_chart(bars + line + axes, legend="t", height_mm=WIDTH_MM * 3.4 / 6.2), alt=alt)


def year_label(year: int, years: int) -> str:
    """The trend chart's label of ``year`` among ``years``: the edition's 「２５年度」 while a category holds it
    on one line, then 「２５」 over 「年度」 (a label is never broken inside a word: a chart wraps a label too
    wide for its category wherever it likes, 「２５年／度」), beyond MANY_YEARS H19 … R元 … R12 on end."""
    if years > MANY_YEARS:
        return era_short(year)
    label = short_nendo(year)
    return label if years <= ONE_LINE_YEARS else label.replace("年度", "\n年度")


def line_chart(title: str, x_labels: list[str], series: dict[str, list[float | None]], *,
               width_mm: float = WIDTH_MM, height_mm: float = STATISTICS_HEIGHT_MM) -> Chart:
    """A plain line chart of a statistics CSV (first column = x axis; the caption above it carries ``title``)."""
    plots = "".join(_series(i, name, x_labels, values, "General", _line(LINE_COLOURS[i % len(LINE_COLOURS)], 19050),
                            marker=_marker(LINE_COLOURS[i % len(LINE_COLOURS)], 3))
                    for i, (name, values) in enumerate(series.items()))
    line = (f'<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>{plots}'
            '<c:marker val="1"/><c:axId val="1"/><c:axId val="2"/></c:lineChart>')
    axes = _category_axis(1, 2, rotated=len(x_labels) > MANY_YEARS, angle=-2_700_000) + _value_axis(2, 1, "l", "", "General")
    alt = f"{title}の折れ線グラフ。" + "".join(
        f"{name}：" + "、".join(f"{label} {_spoken(value)}" for label, value in zip(x_labels, values)) + "。"
        for name, values in series.items())
    return replace(_chart(line + axes, legend="t", height_mm=height_mm, width_mm=width_mm), alt=alt)


def _spoken(value: float | None) -> str:
    return "値なし" if value is None else f"{value:,g}"


def add_chart(writer, chart: Chart) -> None:
    """Put ``chart`` in its own centred figure paragraph of ``writer``'s document (a new chart part)."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    from . import styles

    document_part = writer.doc.part
    partname = document_part.package.next_partname("/word/charts/chart%d.xml")
    part = Part(PackURI(partname), CHART_CONTENT_TYPE, chart.xml, document_part.package)
    rid = document_part.relate_to(part, CHART_RELATIONSHIP)
    number = int(partname.rsplit("chart", 1)[1].split(".")[0])
    cx, cy = round(chart.width_mm * EMU_PER_MM), round(chart.height_mm * EMU_PER_MM)
    alt = escape(clean(chart.alt)).replace('"', "&quot;")
    drawing = (f'<w:r><w:drawing><wp:inline xmlns:wp="{WP_NS}" xmlns:a="{A_NS}" xmlns:c="{C_NS}" distT="0" distB="0" '
               f'distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
               f'<wp:docPr id="{DOCPR_BASE + number}" name="グラフ {number}" descr="{alt}"/><wp:cNvGraphicFramePr/>'
               f'<a:graphic><a:graphicData uri="{C_NS}"><c:chart r:id="{rid}"/></a:graphicData></a:graphic>'
               '</wp:inline></w:drawing></w:r>')
    writer.add(f'<w:p><w:pPr><w:pStyle w:val="{writer.ids[styles.FIGURE]}"/></w:pPr>{drawing}</w:p>', chart.height_pt)


def chart_values(xml: bytes) -> list[tuple[str, list[str], list[float | None]]]:
    """Read a chart part back: (series name, categories, values) of every series, in order (tests, checks)."""
    from lxml import etree

    root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    ns = {"c": C_NS}
    found = []
    for ser in root.iterfind(".//c:ser", ns):
        name = ser.findtext("c:tx/c:strRef/c:strCache/c:pt/c:v", namespaces=ns) or ""
        categories = _points(ser.find("c:cat/c:strRef/c:strCache", ns), ns)
        values = _points(ser.find("c:val/c:numRef/c:numCache", ns), ns)
        found.append((name, [c or "" for c in categories], [None if v is None else float(v) for v in values]))
    return found


def _points(cache, ns) -> list[str | None]:
    if cache is None:
        return []
    count = int(cache.find("c:ptCount", ns).get("val"))
    points: list[str | None] = [None] * count
    for pt in cache.iterfind("c:pt", ns):
        points[int(pt.get("idx"))] = pt.findtext("c:v", namespaces=ns)
    return points


def _chart(plots_and_axes: str, *, legend: str, height_mm: float, width_mm: float = WIDTH_MM) -> Chart:
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<c:chartSpace xmlns:c="{C_NS}" xmlns:a="{A_NS}" xmlns:r="{R_NS}">'
           '<c:date1904 val="0"/><c:lang val="ja-JP"/><c:roundedCorners val="0"/>'
           '<c:chart><c:autoTitleDeleted val="1"/>'
           f'<c:plotArea><c:layout/>{plots_and_axes}<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr></c:plotArea>'
           f'<c:legend><c:legendPos val="{legend}"/><c:overlay val="0"/>{_text_properties(800)}</c:legend>'
           '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
           '<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>'
           f'{_text_properties(900)}</c:chartSpace>')
    return Chart(xml.encode("utf-8"), width_mm, height_mm)


def _series(index: int, name: str, labels: list[str], values: list[float | None], number_format: str,
            shape: str, *, marker: str = "", labels_xml: str = "") -> str:
    column = chr(ord("B") + index)  # where the figures would stand in the chart's sheet (no workbook is embedded)
    last = len(labels) + 1
    categories = "".join(f'<c:pt idx="{i}"><c:v>{escape(label)}</c:v></c:pt>' for i, label in enumerate(labels))
    points = "".join(f'<c:pt idx="{i}"><c:v>{_number(value)}</c:v></c:pt>'
                     for i, value in enumerate(values) if value is not None)
    return (f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/>'
            f'<c:tx><c:strRef><c:f>Sheet1!${column}$1</c:f><c:strCache><c:ptCount val="1"/>'
            f'<c:pt idx="0"><c:v>{escape(name)}</c:v></c:pt></c:strCache></c:strRef></c:tx>'
            f'{shape}{marker}{labels_xml}'
            f'<c:cat><c:strRef><c:f>Sheet1!$A$2:$A${last}</c:f><c:strCache><c:ptCount val="{len(labels)}"/>'
            f'{categories}</c:strCache></c:strRef></c:cat>'
            f'<c:val><c:numRef><c:f>Sheet1!${column}$2:${column}${last}</c:f><c:numCache>'
            f'<c:formatCode>{escape(number_format)}</c:formatCode><c:ptCount val="{len(values)}"/>{points}'
            '</c:numCache></c:numRef></c:val>'
            + ('<c:smooth val="0"/>' if marker else "") + '</c:ser>')


def _number(value: float) -> str:
    """Shortest exact text of a figure: 118, 215.3379 (never 1e-05)."""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value)) if "e" not in repr(float(value)) else f"{value:.10f}".rstrip("0")


def _nice_max(target: float) -> tuple[float, float]:
    """An axis maximum at or above ``target`` on a round step (1, 2, 2.5 or 5 × 10ⁿ) with 4–8 steps."""
    magnitude = 10 ** math.floor(math.log10(target / 5))
    for step in (1, 2, 2.5, 5, 10):
        unit = step * magnitude
        if target / unit <= 8:
            return math.ceil(target / unit) * unit, unit
    return target, target  # not reached


def _fill(colour: str) -> str:
    return f'<c:spPr><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill><a:ln><a:noFill/></a:ln></c:spPr>'


def _line(colour: str, width_emu: int = 22225) -> str:
    return (f'<c:spPr><a:ln w="{width_emu}" cap="rnd"><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>'
            '<a:round/></a:ln></c:spPr>')


def _marker(colour: str, size: int) -> str:
    return (f'<c:marker><c:symbol val="circle"/><c:size val="{size}"/><c:spPr><a:solidFill><a:srgbClr val="{colour}"/>'
            f'</a:solidFill><a:ln><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill></a:ln></c:spPr></c:marker>')


def _text_properties(size: int, *, rotated: bool = False, angle: int = -5_400_000) -> str:
    rotation = f' rot="{angle}" vert="horz"' if rotated else ' rot="0" vert="horz"'
    return (f'<c:txPr><a:bodyPr{rotation}/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}">'
            f'<a:solidFill><a:srgbClr val="000000"/></a:solidFill><a:latin typeface="{FONT}"/>'
            f'<a:ea typeface="{FONT}"/></a:defRPr></a:pPr><a:endParaRPr lang="ja-JP"/></a:p></c:txPr>')


def _axis_line() -> str:
    return '<c:spPr><a:noFill/><a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln></c:spPr>'


def _category_axis(axis: int, cross: int, *, deleted: bool = False, rotated: bool = False,
                   angle: int = -5_400_000) -> str:
    return (f'<c:catAx><c:axId val="{axis}"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
            f'<c:delete val="{1 if deleted else 0}"/><c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/>'
            '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
            f'{_axis_line()}{_text_properties(800 if rotated else 900, rotated=rotated, angle=angle)}'
            f'<c:crossAx val="{cross}"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
            '<c:lblOffset val="100"/><c:tickLblSkip val="1"/><c:noMultiLvlLbl val="0"/></c:catAx>')


def _value_axis(axis: int, cross: int, position: str, title: str, number_format: str, *,
                maximum: float | None = None, unit: float | None = None, crosses: str = "autoZero") -> str:
    scaling = '<c:orientation val="minMax"/>'
    if maximum is not None:
        scaling += f'<c:max val="{_number(maximum)}"/><c:min val="0"/>'
    title_xml = ""
    if title:
        title_xml = ('<c:title><c:tx><c:rich><a:bodyPr rot="0" vert="horz"/><a:lstStyle/><a:p><a:pPr>'
                     f'<a:defRPr sz="900" b="0"><a:latin typeface="{FONT}"/><a:ea typeface="{FONT}"/></a:defRPr></a:pPr>'
                     f'<a:r><a:rPr lang="ja-JP" sz="900" b="0"><a:latin typeface="{FONT}"/><a:ea typeface="{FONT}"/>'
                     f'</a:rPr><a:t>{escape(title)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>')
    major = f'<c:majorUnit val="{_number(unit)}"/>' if unit is not None else ""
    return (f'<c:valAx><c:axId val="{axis}"/><c:scaling>{scaling}</c:scaling><c:delete val="0"/>'
            f'<c:axPos val="{position}"/>{title_xml}<c:numFmt formatCode="{escape(number_format)}" sourceLinked="0"/>'
            '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
            f'{_axis_line()}{_text_properties(900)}<c:crossAx val="{cross}"/><c:crosses val="{crosses}"/>'
            f'<c:crossBetween val="between"/>{major}</c:valAx>')
