"""Small configs and cards built in code for the aggregate/render/pages tests."""

from __future__ import annotations

from reportkit.report.aggregate import YearFigure
from reportkit.inputs.config import ReportConfig
from reportkit.model import Card, FreeRow, HistoryEntry, Reprint, ResultRow, ResultsTable

LONG = ("県内中小企業の人材育成を支援するため、専門家による研修会を開催するとともに、"
        "個別企業への巡回指導を実施した。") * 3


def config(**extra) -> ReportConfig:
    data = dict(
        fiscal_year=2013,
        cover={"title": "青森県中小企業振興基本条例に基づく年次報告", "prefecture": "青森県",
               "publication": "平成２６年９月"},
        secretariat="商工政策課",
        first_year=2011,
        policies=[
            {"no": 1, "title": "中小企業の事業活動を担う人材の育成及び確保を図ること", "measures": ["人材育成", "若年者支援"]},
            {"no": 2, "title": "中小企業の経営基盤の強化を図ること", "measures": ["経営支援", "商店街"]},
            {"no": 3, "title": "中小企業の受注の能力の向上を図ること", "measures": ["商談会"]},
            {"no": 4, "title": "中小企業の販路の開拓の推進を図ること", "measures": ["販路開拓"]},
        ],
        chapters=[{"policies": [1]}, {"policies": [2]}, {"policies": [3, 4]}],
        lump_reprints=[{"policy": 4, "into_policy": 3, "label": "④の各事業(再掲）"}],
        divisions=["商工政策課", "地域産業課", "労政・能力開発課"],
    )
    data.update(extra)
    return ReportConfig.model_validate(data)


def card(project_id: str, policy: int, measure: str, cost: int | None, **extra) -> Card:
    data = dict(project_id=project_id, fiscal_year=2013, policy=policy, measure=measure,
                project_name=f"事業{project_id}", description=LONG, cost=cost, department="商工政策課",
                group="振興グループ", period_start=2012, period_end=2014)
    data.update(extra)
    return Card(**data)


def cards() -> list[Card]:
    """A realistic small set: 14 projects, reprints, a lump reprint, results tables and free results."""
    progress = ResultsTable(caption="申込、相談件数など事業実績（経過）", rows=[
        ResultRow(item="相談件数", value="１２０件"),
        ResultRow(item="うち新規", value="４０件", kind="内訳"),
        ResultRow(item="研修会", kind="見出し"),
        ResultRow(item="計", value="１６０件\n（延べ）", kind="計"),
    ])
    free = [FreeRow(kind="見出し", cells=["○経営指導員等設置状況　(26.3.31現在)"]),
            FreeRow(kind="表頭", cells=["区分", "団体数", "経営指導員"]),
            FreeRow(kind="表", cells=["商工会議所", "7", "42人"]),
            FreeRow(kind="文", cells=["巡回指導を行った。"])]
    history = [HistoryEntry(year="平成２２年度", event="事業創設", former_name="旧事業", reason="人材育成のため。")]
    return [
        card("A01", 1, "人材育成", 1237, priority=True, progress=progress, history=history),
        card("A02", 1, "人材育成", None, period_start=1969, period_end=None),
        card("A03", 1, "若年者支援", 5000, new_listing="◎", new_summary="若年者の就職を支援。",
             reprints=[Reprint(policy=2, measure="商店街")]),
        card("A04", 1, "人材育成", 300, new_listing="・"),
        card("B01", 2, "商店街", 2000, results_free=free),
        card("B02", 2, "経営支援", 700),
        card("B03", 2, "経営支援", 800, foundation="△", emergency=True),
        card("C01", 3, "商談会", 100),
        card("C02", 3, "商談会", 200, reprints=[Reprint(policy=1, measure="若年者支援")]),
        card("D01", 4, "販路開拓", 1000, new_listing="・"),
        card("D02", 4, "販路開拓", 2000),
    ]


def multi_year() -> list[YearFigure]:
    return [YearFigure(year, policy, 3 + policy, 1000 * policy + year) for year in (2011, 2012) for policy in (1, 2, 3, 4)]
