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
