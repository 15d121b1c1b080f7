"""Fixtures of the import tests: a fresh content-check state and JSON lines."""

import json

import pytest

from cms.contentchecks import automata


@pytest.fixture(autouse=True)
def fresh_automata():
    """Content-check automata are kept per process; no test sees another's terms."""
    automata.reset_local()
    yield
    automata.reset_local()


def line(**item) -> str:
    return json.dumps(item, ensure_ascii=False)


def news(external_id, **item) -> dict:
    return {
        "external_id": external_id,
        "kind": "news",
        "title": f"新闻{external_id}",
        "body": "<p>全省经济运行稳中向好。</p>",
        "published": "2019-05-12",
        "source": "省政府办公厅",
        **item,
    }


def policy_document(external_id, **item) -> dict:
    return {
        "external_id": external_id,
        "kind": "policy_document",
        "title": f"关于优化营商环境的通知{external_id}",
        "body": "各市人民政府，省政府各厅委、各直属机构：现将有关事项通知如下。",
        "published": "2019-05-12T09:30:00",
        "source": "省政府办公厅",
        "document_number": "辽政办发[2019]12号",
        "issuing_organ": "辽宁省人民政府办公厅",
        "written": "2019-05-10",
        "normative": False,
        **item,
    }


def interpretation(external_id, **item) -> dict:
    return {
        "external_id": external_id,
        "kind": "interpretation",
        "title": f"政策解读{external_id}",
        "body": "一图读懂优化营商环境的通知。",
        "published": "2019-05-13",
        "source": "省政府办公厅",
        **item,
    }
