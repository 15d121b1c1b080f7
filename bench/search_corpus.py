"""A synthetic corpus of government text for the search benchmarks.

Words come from real government vocabulary (the search dictionary's terms and the
common words of policy documents and news); titles are unpunctuated phrases, as
Chinese titles are. A fixed seed makes every run index the same text.
"""

from __future__ import annotations

import dataclasses
import datetime
import random

from search.analysis import dictionary_words

COMMON = (
    "政府 工作 服务 发展 建设 推进 加强 管理 落实 改革 企业 群众 经济 社会 全面 "
    "实施 部门 政策 创新 提升 优化 环境 项目 安全 重点 保障 机制 质量 体系 城市 "
    "农村 民生 教育 医疗 就业 养老 住房 交通 生态 文化 旅游 科技 人才 投资 市场 "
    "监管 审批 办理 窗口 事项 材料 申请 公开 信息 平台 数据 资金 补贴 标准 规划 "
    "会议 通知 意见 方案 办法 规定 措施 行动 计划 任务 目标 考核 督查 检查 整改"
).split()
ORGANS = (
    "省人民政府 市人民政府 县人民政府 发展改革委 教育厅 卫生健康委 人力资源社会保障厅 "
    "住房城乡建设厅 交通运输厅 农业农村厅 商务厅 市场监管局 医保局 营商环境建设局"
).split()
CONNECTORS = "关于 进一步 做好 全力 扎实 持续 深入 切实 加快 积极".split()


@dataclasses.dataclass
class CorpusItem:
    n: int
    site_id: int
    title: str
    body: str
    published_at: datetime.datetime


def vocabulary() -> tuple[list[str], list[str]]:
    """(common words, rare terms): rare terms are the dictionary's own terms."""
    rare = [w for w in dictionary_words() if w not in COMMON]
    return COMMON, rare


def items(count: int, sites: int, *, seed: int = 20_261_201):
    """``count`` items spread over ``sites`` site ids (1..sites)."""
    rng = random.Random(seed)
    common, rare = vocabulary()
    now = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    for n in range(count):
        title_words = [
            rng.choice(ORGANS),
            rng.choice(CONNECTORS),
            *rng.choices(common, k=rng.randint(2, 4)),
        ]
        if rng.random() < 0.02:
            title_words.insert(2, rng.choice(rare))
        title_words.append(rng.choice(("的通知", "的意见", "工作方案", "情况")))
        sentences = []
        for _ in range(rng.randint(10, 16)):
            words = rng.choices(common, k=rng.randint(5, 9))
            if rng.random() < 0.03:
                words.insert(rng.randrange(len(words)), rng.choice(rare))
            sentences.append("".join(words) + "。")
        yield CorpusItem(
            n=n,
            site_id=rng.randint(1, sites),
            title="".join(title_words),
            body="".join(sentences),
            published_at=now - datetime.timedelta(minutes=rng.randint(0, 5 * 525_600)),
        )


# Words the index was not built around: places, verbs and objects of everyday
# government news, numbers, dates, Latin abbreviations and varied punctuation.
EVERYDAY = (
    "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 铁岭 朝阳 盘锦 葫芦岛 "
    "街道 社区 乡镇 村委会 居民 志愿者 网格员 老年人 儿童 学生 教师 医生 护士 "
    "召开 举行 部署 调研 走访 慰问 宣传 培训 座谈 签约 开工 竣工 验收 通报 "
    "道路 桥梁 供暖 供水 燃气 污水 垃圾分类 停车场 菜市场 公交线路 地铁 高铁 "
    "医保报销 社保卡 公积金 不动产登记 营业执照 身份证 户口 居住证 驾驶证 "
    "秋收 春耕 防汛 森林防火 安全生产 食品安全 疫苗接种 义务教育 职业技能 "
    "数字化 智慧城市 新能源 产业园 招商引资 中小企业 个体工商户 消费券"
).split()
LATIN = ("APP", "5G", "GDP", "PM2.5", "AI", "WiFi", "12345", "CPI")


def _sentence(rng: random.Random, common: list[str], rare: list[str]) -> str:
    words = [
        rng.choice(EVERYDAY) if rng.random() < 0.45 else rng.choice(common)
        for _ in range(rng.randint(6, 14))
    ]
    if rng.random() < 0.05:
        words.insert(rng.randrange(len(words)), rng.choice(rare))
    if rng.random() < 0.15:
        words.insert(rng.randrange(len(words)), rng.choice(LATIN))
    if rng.random() < 0.2:
        words.insert(
            rng.randrange(len(words)),
            f"{rng.randint(2018, 2026)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        )
    if rng.random() < 0.1:
        words.insert(
            rng.randrange(len(words)), f"{rng.randint(1, 99)}.{rng.randint(0, 9)}%"
        )
    cut = rng.randrange(2, len(words))
    mark = rng.choice("，、；：")
    quoted = rng.random() < 0.1
    head, tail = "".join(words[:cut]), "".join(words[cut:])
    if quoted:
        tail = f"“{tail}”"
    return f"{head}{mark}{tail}{rng.choice('。。。！；')}"


@dataclasses.dataclass
class PageText:
    n: int
    kind: str  # "article", "policy_document", "interpretation"
    title: str
    paragraphs: list[str]
    heading: str
    document_number: str
    issuing_organ: str
    published_at: datetime.datetime

    @property
    def chars(self) -> int:
        return (
            len(self.title)
            + sum(len(p) for p in self.paragraphs)
            + len(self.heading)
            + len(self.document_number)
            + len(self.issuing_organ)
        )


def page_texts(count: int, *, seed: int = 20_261_205):
    """``count`` pages of realistic length (about 1,000 characters: a 3 KB
    article), 80% articles, 15% policy documents, 5% interpretations."""
    rng = random.Random(seed)
    common, rare = vocabulary()
    now = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    for n in range(count):
        roll = rng.random()
        kind = (
            "article"
            if roll < 0.8
            else "policy_document"
            if roll < 0.95
            else "interpretation"
        )
        organ = rng.choice(ORGANS)
        title = "".join(
            [
                rng.choice(EVERYDAY) if rng.random() < 0.5 else organ,
                rng.choice(CONNECTORS),
                *rng.choices(common + EVERYDAY, k=rng.randint(2, 4)),
                rng.choice(("的通知", "的意见", "工作方案", "情况", "会议召开")),
            ]
        )
        paragraphs = [
            "".join(_sentence(rng, common, rare) for _ in range(rng.randint(4, 8)))
            for _ in range(rng.randint(4, 8))
        ]
        number = ""
        if kind == "policy_document":
            number = (
                f"辽{organ[:2]}发〔{rng.randint(2018, 2026)}〕{rng.randint(1, 300)}号"
            )
            paragraphs.append(f"根据{number}文件精神，现将有关事项通知如下。")
        yield PageText(
            n=n,
            kind=kind,
            title=title[:120],
            paragraphs=paragraphs,
            heading=rng.choice(
                ("一、总体要求", "二、主要任务", "三、保障措施", "附则")
            ),
            document_number=number,
            issuing_organ=organ if kind == "policy_document" else "",
            published_at=now - datetime.timedelta(minutes=rng.randint(0, 5 * 525_600)),
        )
