"""A local stand-in for arXiv, Crossref, DBLP and Semantic Scholar, speaking their real formats.

One threaded HTTP server on 127.0.0.1 answers, from fixture records (``tests/data/api/*.json``):

* arXiv      ``GET  /api/query?id_list=...&max_results=...``  Atom, classic or 2025 rendering
* Crossref   ``GET  /works/{doi}``, ``GET /works?filter=doi:..``,
             ``GET /works?query.bibliographic=..``
* DBLP       ``GET  /search/publ/api?q=...&format=json``
* S2         ``POST /graph/v1/paper/batch?fields=...``  JSON array with ``null`` for unknown ids

It counts requests per service, keeps a log, adds latency, and plays faults queued per service
(429/503/500 with ``Retry-After``, malformed bodies, dropped connections, slow answers).
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape, quoteattr

from awesome_bib.records.model import Record

DATA = Path(__file__).parent / "data" / "api"
SERVICES = ("arxiv", "crossref", "dblp", "semanticscholar")
ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
_ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")
_S2_KEYS = {"ARXIV": "ArXiv", "DOI": "DOI", "ACL": "ACL", "DBLP": "DBLP"}


@dataclass
class Fixtures:
    """The records the fake services know, in each service's own shape."""

    arxiv: list[dict[str, Any]] = field(default_factory=list)
    crossref: list[dict[str, Any]] = field(default_factory=list)
    dblp: list[dict[str, Any]] = field(default_factory=list)
    semanticscholar: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, directory: Path = DATA) -> Fixtures:
        return cls(
            **{
                name: json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
                for name in SERVICES
            }
        )


def list_record(record_id: str, csl: dict[str, Any]) -> Record:
    """A record as the list gives it: status ``listed``, every field from the list."""
    provenance = {}
    for name, value in csl.items():
        if name == "custom":
            provenance.update({f"custom.{key}": {"source": "list"} for key in value})
        elif name != "id":
            provenance[name] = {"source": "list"}
    return Record(record_id, json.loads(json.dumps(csl)), provenance=provenance)


def load_records(path: Path = DATA / "records.json") -> list[Record]:
    """The list-derived records the resolve tests start from."""
    return [list_record(item["id"], item["csl"]) for item in json.loads(path.read_text("utf-8"))]


@dataclass
class Fault:
    """What to do instead of answering: a status, a broken body, a dropped connection, a stall."""

    status: int = 200
    retry_after: str | None = None
    body: str | None = None
    drop: bool = False
    delay: float = 0.0


@dataclass
class Logged:
    service: str
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]


class FakeAPI:
    """Use as ``with FakeAPI(Fixtures.load()) as api:``; ``api.env()`` points awesome-bib here."""

    def __init__(
        self,
        fixtures: Fixtures,
        *,
        latency: float = 0.0,
        rendering: str = "classic",
        shuffle_s2: bool = False,
    ) -> None:
        self.latency = latency
        self.rendering = rendering
        self.shuffle_s2 = shuffle_s2
        self.arxiv_refuses: set[str] = set()
        self.counts: Counter[str] = Counter()
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        self.log: list[Logged] = []
        self._faults: dict[str, list[Fault]] = {name: [] for name in SERVICES}
        self._down: dict[str, Fault] = {}
        self._chaos: dict[str, tuple[float, list[Fault], random.Random]] = {}
        self._lock = threading.Lock()
        self._index(fixtures)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def _index(self, fixtures: Fixtures) -> None:
        self.arxiv = {entry["id"]: entry for entry in fixtures.arxiv}
        self.works = {work["DOI"].lower(): work for work in fixtures.crossref}
        self.dblp = fixtures.dblp
        self.papers = {
            (prefix, str(paper["externalIds"][key]).lower()): paper
            for paper in fixtures.semanticscholar
            for prefix, key in _S2_KEYS.items()
            if paper.get("externalIds", {}).get(key)
        }

    # -- control -------------------------------------------------------------------------------

    def __enter__(self) -> FakeAPI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def env(self) -> dict[str, str]:
        """Environment variables that send every service here, with no politeness delay."""
        env = {
            "AWESOME_BIB_ARXIV_API": f"{self.url}/api/query",
            "AWESOME_BIB_CROSSREF_API": self.url,
            "AWESOME_BIB_DBLP_API": f"{self.url}/search/publ/api",
            "AWESOME_BIB_S2_API": f"{self.url}/graph/v1",
        }
        for prefix in ("ARXIV", "CROSSREF", "DBLP", "S2"):
            env[f"AWESOME_BIB_{prefix}_DELAY"] = "0"
        return env

    def fail(self, service: str, *faults: Fault) -> None:
        """Play ``faults`` on the next requests to ``service``, one per request."""
        with self._lock:
            self._faults[service].extend(faults)

    def take_down(self, service: str, fault: Fault | None = None) -> None:
        """Answer every request to ``service`` with ``fault`` (default: 503)."""
        self._down[service] = fault or Fault(503)

    def bring_up(self, service: str) -> None:
        """Answer ``service`` normally again after :meth:`take_down` or :meth:`misbehave`."""
        self._down.pop(service, None)
        self._chaos.pop(service, None)

    def misbehave(self, service: str, rate: float, faults: list[Fault], seed: int = 0) -> None:
        """Answer a share ``rate`` of the requests to ``service`` with one of ``faults`` (drawn
        from a generator seeded with ``seed``), the others normally."""
        self._chaos[service] = (rate, faults, random.Random(seed))

    def requests(self, service: str) -> list[Logged]:
        return [entry for entry in self.log if entry.service == service]

    def _next_fault(self, service: str) -> Fault | None:
        with self._lock:
            if self._faults[service]:
                return self._faults[service].pop(0)
            if service in self._chaos:
                rate, faults, draw = self._chaos[service]
                if draw.random() < rate:
                    return draw.choice(faults)
        return self._down.get(service)

    # -- services ------------------------------------------------------------------------------

    def answer(
        self, service: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, str, bytes]:
        """(status, content type, body) for one request."""
        if service == "arxiv":
            return self._arxiv(query)
        if service == "crossref":
            return self._crossref(path, query)
        if service == "dblp":
            return self._dblp(query)
        return self._s2(query, body)

    def _arxiv(self, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        ids = [i for i in _one(query, "id_list").split(",") if i]
        max_results = int(_one(query, "max_results") or 10)
        for arxiv_id in ids:
            if not _ARXIV_ID.match(arxiv_id) or arxiv_id in self.arxiv_refuses:
                return 400, "application/atom+xml", _atom_error(arxiv_id)
        known = [self.arxiv.get(re.sub(r"v\d+$", "", i)) for i in ids]
        entries = sorted((e for e in known if e), key=lambda e: e["published"], reverse=True)
        unknown = [i for i, e in zip(ids, known, strict=True) if e is None]
        body = atom_feed(entries[:max_results], unknown, self.rendering)
        return 200, "application/atom+xml; charset=utf-8", body.encode()

    def _crossref(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        if path.startswith("/works/"):
            work = self.works.get(unquote(path[len("/works/") :]).lower())
            if work is None:
                return 404, "text/plain", b"Resource not found."
            return (
                200,
                "application/json",
                _json(
                    {
                        "status": "ok",
                        "message-type": "work",
                        "message-version": "1.0.0",
                        "message": work,
                    }
                ),
            )
        rows = int(_one(query, "rows") or 20)
        if _one(query, "filter"):
            dois = [
                part.split(":", 1)[1].lower()
                for part in _one(query, "filter").split(",")
                if part.startswith("doi:")
            ]
            items = [self.works[doi] for doi in dois if doi in self.works]
        else:
            items = _ranked(_one(query, "query.bibliographic"), self.works.values(), _work_text)
        items = items[:rows]
        select = [s for s in _one(query, "select").split(",") if s]
        if select:
            items = [{k: v for k, v in item.items() if k in select} for item in items]
        return (
            200,
            "application/json",
            _json(
                {
                    "status": "ok",
                    "message-type": "work-list",
                    "message-version": "1.0.0",
                    "message": {
                        "facets": {},
                        "total-results": len(items),
                        "items": items,
                        "items-per-page": rows,
                        "query": {"start-index": 0},
                    },
                }
            ),
        )

    def _dblp(self, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        if _one(query, "format") != "json":
            return 200, "text/xml", b"<result/>"
        words = _one(query, "q").lower().split()
        hits = [info for info in self.dblp if _dblp_matches(words, info)][
            : int(_one(query, "h") or 30)
        ]
        return (
            200,
            "application/json",
            _json(
                {
                    "result": {
                        "query": _one(query, "q"),
                        "status": {"@code": "200", "text": "OK"},
                        "hits": {
                            "@total": str(len(hits)),
                            "@computed": str(len(hits)),
                            "@sent": str(len(hits)),
                            "@first": "0",
                            **(
                                {
                                    "hit": [
                                        {
                                            "@score": "1",
                                            "@id": str(n),
                                            "info": info,
                                            "url": f"URL#{n}",
                                        }
                                        for n, info in enumerate(hits)
                                    ]
                                }
                                if hits
                                else {}
                            ),
                        },
                    }
                }
            ),
        )

    def _s2(self, query: dict[str, list[str]], body: Any) -> tuple[int, str, bytes]:
        fields = [f for f in _one(query, "fields").split(",") if f]
        ids = body.get("ids") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not fields:
            return 400, "application/json", _json({"error": "Unacceptable query params"})
        if len(ids) > 500:
            return (
                400,
                "application/json",
                _json({"error": "Can only process 500 paper ids at a time"}),
            )
        answer = []
        for paper_id in ids:
            prefix, _, value = str(paper_id).partition(":")
            paper = self.papers.get((prefix.upper(), value.lower()))
            answer.append(
                {k: v for k, v in paper.items() if k in fields or k == "paperId"} if paper else None
            )
        if self.shuffle_s2:
            random.Random(len(ids)).shuffle(answer)
        return 200, "application/json", _json(answer)


def atom_feed(entries: list[dict[str, Any]], unknown: list[str], rendering: str) -> str:
    """An arXiv API answer in the classic or the 2025 rendering."""
    new = rendering == "2025"
    scheme = "https" if new else "http"
    opensearch = "" if new else f' xmlns:opensearch="{OPENSEARCH_NS}"'
    total = len(entries) + (0 if new else len(unknown))
    parts = [
        "<?xml version='1.0' encoding='UTF-8'?>"
        if new
        else '<?xml version="1.0" encoding="UTF-8"?>',
        f'<feed xmlns="{ATOM_NS}" xmlns:opensearch="{OPENSEARCH_NS}" xmlns:arxiv="{ARXIV_NS}">'
        if new
        else f'<feed xmlns="{ATOM_NS}">',
        f"  <id>{scheme}://arxiv.org/api/fake</id>",
        "  <title>arXiv Query results</title>",
        f"  <opensearch:totalResults{opensearch}>{total}</opensearch:totalResults>",
        f"  <opensearch:startIndex{opensearch}>0</opensearch:startIndex>",
        f"  <opensearch:itemsPerPage{opensearch}>{total}</opensearch:itemsPerPage>",
    ]
    parts += [_atom_entry(entry, new) for entry in entries]
    if not new:  # the classic API answers an unknown id with an entry that has nothing in it
        parts += [
            f"  <entry>\n    <id>http://arxiv.org/abs/{escape(i)}</id>\n    <title/>\n  </entry>"
            for i in unknown
        ]
    parts.append("</feed>")
    return "\n".join(parts)


def _atom_entry(entry: dict[str, Any], new: bool) -> str:
    scheme = "https" if new else "http"
    versioned = f"{entry['id']}v{entry.get('version', 1)}"
    ns = "" if new else f' xmlns:arxiv="{ARXIV_NS}"'
    title = escape(entry["title"]) if new else escape(_wrap(entry["title"]))
    lines = [
        "  <entry>",
        f"    <id>{scheme}://arxiv.org/abs/{versioned}</id>",
        f"    <updated>{entry['updated']}</updated>",
        f"    <published>{entry['published']}</published>",
        f"    <title>{title}</title>",
        f"    <summary>  {escape(_wrap(entry.get('summary', '')))}\n</summary>",
    ]
    lines += [
        f"    <author>\n      <name>{escape(name)}</name>\n    </author>"
        for name in entry["authors"]
    ]
    for tag in ("doi", "journal_ref", "comment"):
        if entry.get(tag):
            lines.append(f"    <arxiv:{tag}{ns}>{escape(entry[tag])}</arxiv:{tag}>")
    lines += [
        f'    <link href="{scheme}://arxiv.org/abs/{versioned}" rel="alternate" type="text/html"/>',
        f'    <link title="pdf" href="{scheme}://arxiv.org/pdf/{versioned}" rel="related" '
        'type="application/pdf"/>',
        f"    <arxiv:primary_category{ns} term={quoteattr(entry['primary_category'])} "
        f'scheme="http://arxiv.org/schemas/atom"/>',
    ]
    lines += [
        f'    <category term={quoteattr(c)} scheme="http://arxiv.org/schemas/atom"/>'
        for c in entry.get("categories", [])
    ]
    lines.append("  </entry>")
    return "\n".join(lines)


def _atom_error(arxiv_id: str) -> bytes:
    anchor = f"http://arxiv.org/api/errors#incorrect_id_format_for_{escape(arxiv_id)}"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="{ATOM_NS}">\n'
        f"  <entry>\n    <id>{anchor}</id>\n    <title>Error</title>\n"
        f"    <summary>incorrect id format for {escape(arxiv_id)}</summary>\n"
        f'    <link href="{anchor}" rel="alternate" type="text/html"/>\n'
        "    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>\n</feed>\n"
    ).encode()


def _wrap(text: str, width: int = 60) -> str:
    """The classic API wraps long titles and abstracts over lines, indented by two spaces."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n  ".join([*lines, line])


def _ranked(query: str, items: Iterable[dict[str, Any]], text: Any) -> list[dict[str, Any]]:
    """Items sharing words with the query, most shared first, each with a relevance ``score``."""
    words = set(_words(query))
    scored = []
    for item in items:
        overlap = len(words & set(_words(text(item))))
        if overlap:
            scored.append({**item, "score": round(10.0 * overlap / max(len(words), 1), 3)})
    return sorted(scored, key=lambda item: (-item["score"], item["DOI"]))


def _work_text(work: dict[str, Any]) -> str:
    authors = " ".join(
        f"{a.get('given', '')} {a.get('family', '')}" for a in work.get("author", [])
    )
    year = str(work.get("issued", {}).get("date-parts", [[""]])[0][0])
    return " ".join([*work.get("title", []), authors, year])


def _dblp_matches(words: list[str], info: dict[str, Any]) -> bool:
    """DBLP's search: every query word is a prefix of some word of the record."""
    authors = info.get("authors", {}).get("author", [])
    authors = [authors] if isinstance(authors, dict) else authors
    text = " ".join(
        [info.get("title", ""), info.get("venue", ""), info.get("year", "")]
        + [a["text"] for a in authors]
    )
    record = _words(text)
    return bool(words) and all(any(w.startswith(q) for w in record) for q in words)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _one(query: dict[str, list[str]], name: str) -> str:
    return query.get(name, [""])[0]


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def _route(method: str, path: str) -> str | None:
    if method == "GET" and path == "/api/query":
        return "arxiv"
    if method == "GET" and (path == "/works" or path.startswith("/works/")):
        return "crossref"
    if method == "GET" and path == "/search/publ/api":
        return "dblp"
    if method == "POST" and path == "/graph/v1/paper/batch":
        return "semanticscholar"
    return None


def _handler(api: FakeAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body leave in separate writes

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the log lives in ``api.log``."""

        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            service = _route(method, url.path)
            if service is None:
                self._send(404, "text/plain", b"no such endpoint")
                return
            query = parse_qs(url.query, keep_blank_values=True)
            with api._lock:
                api.counts[service] += 1
                api.log.append(Logged(service, method, url.path, query, body, dict(self.headers)))
                api.in_flight[service] += 1
                api.max_in_flight[service] = max(api.max_in_flight[service], api.in_flight[service])
            try:
                self._answer(service, method, url.path, query, body)
            finally:
                with api._lock:
                    api.in_flight[service] -= 1

        def _answer(
            self, service: str, method: str, path: str, query: dict[str, list[str]], body: Any
        ) -> None:
            time.sleep(api.latency)
            fault = api._next_fault(service)
            if fault is not None:
                time.sleep(fault.delay)
                if fault.drop:
                    self.close_connection = True
                    return
                if fault.status != 200 or fault.body is not None:
                    headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                    content = (fault.body or f"{fault.status} error").encode()
                    kind = "application/json" if service != "arxiv" else "application/atom+xml"
                    self._send(fault.status, kind, content, headers)
                    return
            status, kind, content = api.answer(service, path, query, body)
            self._send(status, kind, content)

        def _send(
            self, status: int, kind: str, content: bytes, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(content)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(content)

    return Handler
