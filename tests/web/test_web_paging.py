"""The web search at size (saidwhat.web through FastAPI's TestClient): 1,500 statements, many of them
on the same date, so that pages follow one order (newest first, undated last, then document order)
across the date-index walk and the ranked candidates, and the total is capped. The database is
filled by hand (SQLAlchemy Core); test_web_pg.py collects these tests again on PostgreSQL."""
from __future__ import annotations

import warnings

import pytest

pytest.importorskip("fastapi")
with warnings.catch_warnings():  # starlette's note about httpx2; httpx is what it supports today
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: E402

from saidwhat.store import Store  # noqa: E402

MANY = 1_500


def fill_many(db: str) -> str:
    """MANY statements in MANY/10 documents of two outlets, 40 distinct dates (so many ties),
    every quote with 'corridor', every third with 'border', every tenth undated; written with
    SQLAlchemy Core (fast)."""
    from saidwhat.store.schema import documents, statements

    docs, rows = [], []
    for d in range(MANY // 10):
        docs.append({"id": f"m{d:05d}", "source": f"/m/{d}.txt", "name": f"{d}.txt",
                     "outlet": "Outlet A" if d % 3 else "Outlet B", "language": "en",
                     "title": f"T{d}", "text": "x" * 400, "published": f"2023-01-{1 + d % 28:02d}"})
        for k in range(10):
            i = d * 10 + k
            quote = "corridor talks" + (" border" if i % 3 == 0 else "") + " word" * (i % 7)
            rows.append({"id": f"s{(i * 7919) % 100003:06d}", "doc_id": f"m{d:05d}",
                         "kind": ("direct", "indirect")[i % 2], "quote": quote, "start": 40 * k,
                         "end": 40 * k + len(quote), "speaker": f"Speaker {i % 5}",
                         "date": None if i % 10 == 9 else f"2023-{1 + i % 4:02d}-{1 + i % 10:02d}",
                         "targets": "[]", "target_actors": "[]", "negated": False,
                         "confidence": 0.5})
    with Store(db) as store, store.engine.begin() as conn:
        conn.execute(documents.insert(), docs)
        conn.execute(statements.insert(), rows)
    return db


@pytest.fixture(scope="module")
def many_client(tmp_path_factory):
    from saidwhat.web import create_app

    db = fill_many(str(tmp_path_factory.mktemp("many") / "many.db"))
    with TestClient(create_app(db)) as c:
        yield c


def _expected(client, **where) -> list[str]:
    """Every statement passing ``where`` (a Python predicate per column), newest first, undated
    last, then document order: the order the search promises."""
    import sqlalchemy as sa

    from saidwhat.store.schema import documents, statements

    with client.app.state.store.engine.connect() as conn:
        rows = conn.execute(sa.select(statements, documents.c.outlet)
                            .join(documents, statements.c.doc_id == documents.c.id)).mappings()
        rows = [r for r in rows if all(test(r[col]) for col, test in where.items())]
    def doc_order(r):
        return (r["doc_id"], r["start"], r["id"])

    dated = sorted((r for r in rows if r["date"]), key=doc_order)
    dated.sort(key=lambda r: r["date"], reverse=True)  # stable: ties stay in document order
    undated = sorted((r for r in rows if not r["date"]), key=doc_order)
    return [r["id"] for r in dated + undated]


@pytest.mark.parametrize("params, where", [
    ({"q": "corridor"}, {}),                                          # dense: walks the date index
    ({"q": "border"}, {"quote": lambda q: "border" in q}),            # 500 matches: not dense
    ({"q": "corridor", "kind": "direct"}, {"kind": lambda k: k == "direct"}),
    ({"q": "border", "outlet": "Outlet B"}, {"quote": lambda q: "border" in q,
                                             "outlet": lambda o: o == "Outlet B"}),
    ({"q": "talks", "outlet": "Outlet A"}, {"outlet": lambda o: o == "Outlet A"}),
    ({"kind": "indirect"}, {"kind": lambda k: k == "indirect"}),      # no words at all
])
def test_search_pages_follow_one_order_and_counts_cap(many_client, params, where):
    want = _expected(many_client, **where)
    assert len(want) > 100
    got = []
    for page in range(1, 6):
        data = many_client.get("/api/search", params={**params, "limit": 50, "page": page}).json()
        got += [s["id"] for s in data["statements"]]
    assert got == want[:250]
    last = (len(want) - 1) // 50 + 1
    if len(want) <= 1000:
        assert (data["total"], data["capped"], data["pages"]) == (len(want), False, last)
        tail = many_client.get("/api/search", params={**params, "limit": 50, "page": last}).json()
        assert [s["id"] for s in tail["statements"]] == want[(last - 1) * 50:]
    else:
        assert (data["total"], data["capped"]) == (1000, True)
        deep = many_client.get("/api/search", params={**params, "limit": 50, "page": 25}).json()
        assert [s["id"] for s in deep["statements"]] == want[1200:1250]  # past the count's cap


def test_relevance_pages_are_ranked_and_disjoint(many_client):
    seen, scores = set(), []
    for page in (1, 2, 3):
        data = many_client.get("/api/search", params={"q": "border", "sort": "relevance",
                                                      "limit": 40, "page": page}).json()
        ids = [s["id"] for s in data["statements"]]
        assert len(ids) == 40 and not seen & set(ids)
        seen |= set(ids)
        scores += [s["score"] for s in data["statements"]]
        assert all("border" in s["quote"] for s in data["statements"])
    assert scores == sorted(scores)
    # the shortest quotes ("corridor talks border") rank first on both backends
    assert data and scores[0] < scores[-1]
    first = many_client.get("/api/search", params={"q": "border", "sort": "relevance"}).json()
    assert all(s["quote"] == "corridor talks border" for s in first["statements"][:5])
