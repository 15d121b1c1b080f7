"""Content checks: 10,000 terms over a 100,000-character body.

The Aho-Corasick automaton (``cms.contentchecks.matcher``) beside what it replaces,
measured in the same run: a loop of ``str.find`` over the body for each term (every
occurrence, overlapping ones included: the same answer, checked), and one big ``re``
alternation (fewer answers: it cannot report overlapping matches). Then
``check_content`` itself on a bench database: the first call (10,000 rows loaded,
automaton built) and later calls (automaton kept; one cache read and the match).

Terms and body are random strings over 3,500 CJK code points (about the size of the
common-character list) from a fixed seed, the terms in no particular order (as rows
come from the database); 200 terms are planted in the body. A row of pyahocorasick
used on the characters as they are shows why ``matcher.py`` spells them out.
"""

from __future__ import annotations

import random
import re

import ahocorasick

from .common import header, median_ms, row, setup_django

DATABASE = "govplatform_bench_checks"
TERMS = 10_000
BODY_CHARS = 100_000
ARTICLE_CHARS = 5_000
PLANTED = 200
SEED = 20_240_601
ALPHABET = [chr(0x4E00 + i) for i in range(3_500)]


def _corpus() -> tuple[list[str], str]:
    rng = random.Random(SEED)
    terms: set[str] = set()
    while len(terms) < TERMS:
        terms.add("".join(rng.choices(ALPHABET, k=rng.randint(2, 6))))
    # In no particular order, as rows come from the database.
    shuffled = sorted(terms)
    rng.shuffle(shuffled)
    body = rng.choices(ALPHABET, k=BODY_CHARS)
    for term in rng.sample(shuffled, PLANTED):
        at = rng.randrange(BODY_CHARS - len(term))
        body[at : at + len(term)] = term
    return shuffled, "".join(body)


def _naive(terms: list[str], body: str) -> list[tuple[int, str]]:
    found = []
    for term in terms:
        at = body.find(term)
        while at != -1:
            found.append((at, term))
            at = body.find(term, at + 1)
    return found


def _automaton(matcher, body: str) -> list[tuple[int, str]]:
    return [(start, entry.term) for start, _end, entry in matcher.find(body)]


def _pure(terms: list[str], body: str) -> float:
    from cms.contentchecks.matcher import Entry, Matcher

    def build():
        return Matcher(Entry(term) for term in terms)

    build_ms = median_ms(build, repeat=5, warmup=1)
    matcher = build()
    expected = sorted(_naive(terms, body))
    assert sorted(_automaton(matcher, body)) == expected
    assert len(expected) >= PLANTED

    naive_ms = median_ms(lambda: _naive(terms, body), repeat=5, warmup=1)
    ours_ms = median_ms(lambda: _automaton(matcher, body), repeat=21, warmup=3)
    article = body[:ARTICLE_CHARS]
    naive_article_ms = median_ms(lambda: _naive(terms, article), repeat=11, warmup=1)
    ours_article_ms = median_ms(lambda: _automaton(matcher, article), repeat=51)
    pattern = re.compile("|".join(map(re.escape, sorted(terms, key=len)[::-1])))
    regex_ms = median_ms(lambda: list(pattern.finditer(body)), repeat=3, warmup=1)
    # pyahocorasick as it comes, on the characters themselves (see matcher.py).
    unspelled = ahocorasick.Automaton()
    for term in terms:
        unspelled.add_word(term, term)
    unspelled.make_automaton()
    assert sorted((end + 1 - len(t), t) for end, t in unspelled.iter(body)) == expected
    unspelled_ms = median_ms(lambda: list(unspelled.iter(body)), repeat=21, warmup=3)

    header(f"checks: {TERMS:,} terms, {BODY_CHARS:,}-character body (pure matcher)")
    print(f"  occurrences found: {len(expected)} (automaton and str.find agree)")
    row(f"automaton build, {TERMS:,} terms (median of 5)", build_ms)
    row("str.find loop per term, whole body (baseline, median of 5)", naive_ms)
    row("one re alternation, whole body (no overlaps, median of 3)", regex_ms)
    row(
        "automaton on the characters as they are, whole body",
        unspelled_ms,
        baseline=naive_ms,
    )
    row("automaton match, whole body (median of 21)", ours_ms, baseline=naive_ms)
    row(
        f"str.find loop, first {ARTICLE_CHARS:,} characters (baseline)",
        naive_article_ms,
    )
    row(
        f"automaton match, first {ARTICLE_CHARS:,} characters",
        ours_article_ms,
        baseline=naive_article_ms,
    )
    return ours_ms


def _database(terms: list[str], body: str, match_ms: float) -> None:
    setup_django(DATABASE, fresh=True)

    from cms.contentchecks import automata
    from cms.contentchecks.models import PlatformTerm
    from cms.contentchecks.services import check_content
    from sites.services import SiteDetails, site_provision

    site = site_provision(
        details=SiteDetails(
            code="2100000001",
            name="辽宁省人民政府",
            level="province",
            host="ln.bench.localhost",
            division_code="210000",
        )
    )
    PlatformTerm.objects.bulk_create(
        PlatformTerm(term=term, action="warn" if i % 2 else "block")
        for i, term in enumerate(terms)
    )
    automata.platform_terms_changed()  # bulk_create sends no signals
    fields = {"标题": body[:40], "正文": body, "附件名称": "附件1.pdf"}

    def cold():
        automata.reset_local()
        return check_content(site=site, fields=fields)

    report = check_content(site=site, fields=fields)
    assert report.blocks and report.warnings
    cold_ms = median_ms(cold, repeat=5, warmup=1)
    warm_ms = median_ms(lambda: check_content(site=site, fields=fields), repeat=11)

    header("checks: check_content on the database (platform list of 10,000 terms)")
    print(f"  findings: {len(report.blocks)} blocking, {len(report.warnings)} warnings")
    row("first call: load terms, build, match (median of 5)", cold_ms)
    row(
        "later calls: version read, match, report (median of 11)",
        warm_ms,
        baseline=match_ms,
    )


def main():
    terms, body = _corpus()
    match_ms = _pure(terms, body)
    _database(terms, body, match_ms)
