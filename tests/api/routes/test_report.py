"""GET /api/v1/sessions/{session_id}/report: the printable report (HTML, and PDF through Chromium)."""

import html
import os
import re
import shutil
import sqlite3
import subprocess
import time
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from knowledge import get_knowledge
from knowledge.engine import diagnose

from app.core import radar
from app.core.config import Settings

from ..support import FakeRasa, assert_problem, build_app, make_settings

CHAT = "/api/v1/chat"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

ANSWERS = {
    "u_elkaar_nodig": 2, "u_thema_belangrijk": "nauwelijks", "u_doelen_eens": 4, "u_belangen_botsen": 2,
    "v_afspraken": {"value": 4, "text": "best goed"}, "v_open_bespreken": 4, "v_halen_brengen": 2,
    "v_informatie_delen": 5, "o_aantal_partners": "een stuk of twaalf",
    "o_soorten_partners": ["inwoners", "welzijnsorganisatie"], "o_partijen_ontbreken": "ja",
    "o_kern_en_schil": "deels", "o_omvang_oordeel": "te_klein", "c_verantwoordelijk": 3, "c_eigen_initiatief": 2,
    "c_tijd_middelen": "weet_niet", "c_opkomst": 4, "c_vaste_mensen": 3, "f_verkennen_toegezegd": "ja",
    "f_ambitie_uitgewerkt": "ja", "f_rollen_vastgelegd": "deels", "f_procesregie": "ja",
    "f_intentieverklaring": "nee", "f_activiteiten_lopen": "nee", "f_herijking": "nee", "f_energie_daalt": "nee",
    "f_fase_genoemd": "weet_niet",
}


def report_url(session_id: str, fmt: str | None = None) -> str:
    return f"/api/v1/sessions/{session_id}/report" + (f"?format={fmt}" if fmt else "")


def turn(client: TestClient, fake_rasa: FakeRasa, *reply: dict[str, Any]) -> str:
    fake_rasa.reply(*reply)
    response = client.post(CHAT, json={"text": "scan"})
    assert response.status_code == 200, response.text
    return response.json()["session_id"]


def engine_result() -> dict[str, Any]:
    """A completed result from the real engine; its second step marked as our inference."""
    result = diagnose(get_knowledge(), ANSWERS)
    assert result["completed"] and len(result["advice"]) >= 3
    result["advice"][1]["basis"] = "inference"
    return result


def store_result(client: TestClient, fake_rasa: FakeRasa, result: dict[str, Any]) -> str:
    return turn(client, fake_rasa, {"text": "Klaar!"}, {"custom": {"type": "diagnosis", "result": result}})


def set_completed_at(settings: Settings, session_id: str, moment: datetime) -> None:
    with sqlite3.connect(settings.database_path) as conn:
        conn.execute("UPDATE sessions SET completed_at = ? WHERE id = ?", (moment.timestamp(), session_id))


def polygon_points(page: str) -> list[tuple[float, float]]:
    match = re.search(r'<polygon class="scores" id="radar-scores" points="([^"]+)"', page)
    assert match, "no score polygon in the report"
    return [tuple(float(v) for v in pair.split(",")) for pair in match.group(1).split()]  # type: ignore[misc]


def simple_result(scores: dict[str, float | None]) -> dict[str, Any]:
    levels = {None: None, 1: "onvoldoende", 2.5: "matig", 4: "voldoende", 5: "voldoende", 3: "matig"}
    return {
        "completed": True, "progress": {"answered": 27, "total": 27},
        "dimensions": {d: {"score": s, "level": levels.get(s, "matig"), "confidence": 1.0, "subdimensions": {},
                           "answers": []} for d, s in scores.items()},
        "phase": None, "role": None, "also_roles": [], "advice": [], "caveats": [],
    }


# --- HTML -----------------------------------------------------------------------------------------


def test_completed_report_has_the_radar_the_table_and_the_steps_with_sources(
    client: TestClient, fake_rasa: FakeRasa, settings: Settings
) -> None:
    kb = get_knowledge()
    result = engine_result()
    session_id = store_result(client, fake_rasa, result)
    set_completed_at(settings, session_id, datetime(2026, 3, 5, 9, 30, tzinfo=ZoneInfo("Europe/Amsterdam")))

    response = client.get(report_url(session_id))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page = response.text
    assert '<html lang="nl">' in page
    assert "5 maart 2026" in page and 'datetime="2026-03-05"' in page
    assert "nog niet afgerond" not in page
    # the radar: an accessible SVG with one axis and one label per dimension, and the data table next to it
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert 'role="img"' in svg and '<title id="radar-title">' in svg and '<desc id="radar-desc">' in svg
    assert svg.count('<line class="axis"') == 4
    assert re.findall(r'data-axis="([a-z_]+)"', svg) == ["urgentiebesef", "vertrouwen", "omvang", "commitment"]
    assert len(polygon_points(page)) == 4
    table = page[page.index('<table id="dimension-table">'):]
    table = table[:table.index("</table>")]
    for dim_id, dim in result["dimensions"].items():
        label = html.escape(kb.item("dimensions", dim_id)["label"])
        assert label in svg and label in table
        assert f"{dim['score']:.1f}".replace(".", ",") in table
    # the steps, each with its source; the inference marked as such
    steps = page[page.index('<ol class="steps" id="steps">'):]
    steps = steps[:steps.index("</ol>")]
    items = steps.split("<li>")[1:]
    assert len(items) == len(result["advice"])
    for item, advice in zip(items, result["advice"]):
        assert html.escape(advice["text"]) in item
        assert html.escape(kb.source_label(advice["source"])) in item
        if advice["basis"] == "inference":
            assert "naar onze inschatting" in item and "Naar onze inschatting, op basis van:" in item
        else:
            assert "Bron: " in item and "naar onze inschatting" not in item
    # phase, role, caveats, answers, sources
    assert html.escape(result["phase"]["label"]) in page
    assert html.escape(result["role"]["rationale"]) in page
    for caveat in result["caveats"]:
        assert html.escape(caveat) in page
    assert "“best goed”" in page  # the user's own words beside the answer
    assert "“weet_niet”" not in page and "“te_klein”" not in page  # canonical values are not "own words"
    footer = page[page.index('<footer class="sources">'):]
    for doc_id in {a["source"]["document"] for a in result["advice"]}:
        assert html.escape(kb.item("documents", doc_id)["title"]) in footer


def test_report_loads_nothing_from_elsewhere(client: TestClient, fake_rasa: FakeRasa) -> None:
    page = client.get(report_url(store_result(client, fake_rasa, engine_result()))).text

    assert "<script" not in page and "<link" not in page and "src=" not in page
    assert re.findall(r"https?://[^\s\"']+", page) == ["http://www.w3.org/2000/svg"]  # only the SVG namespace
    assert "@media print" in page and "@page" in page


def test_polygon_points_follow_the_scores(client: TestClient, fake_rasa: FakeRasa) -> None:
    cx, cy = radar.CENTER
    r = radar.RADIUS
    first = store_result(client, fake_rasa, simple_result(
        {"urgentiebesef": 5, "vertrouwen": 2.5, "omvang": 1, "commitment": 4}))
    second = store_result(client, fake_rasa, simple_result(
        {"urgentiebesef": 1, "vertrouwen": 5, "omvang": 4, "commitment": 2.5}))

    points = polygon_points(client.get(report_url(first)).text)
    other = polygon_points(client.get(report_url(second)).text)

    # axes clockwise from the top; a score s lies at RADIUS * s / 5 from the centre
    assert points == [(cx, cy - r), (cx + r * 0.5, cy), (cx, cy + r * 0.2), (cx - r * 0.8, cy)]
    assert other == [(cx, cy - r * 0.2), (cx + r, cy), (cx, cy + r * 0.8), (cx - r * 0.5, cy)]


def test_partial_report_says_the_scan_is_not_finished(client: TestClient, fake_rasa: FakeRasa) -> None:
    answers = {k: ANSWERS[k] for k in list(ANSWERS)[:9]}
    session_id = turn(client, fake_rasa, {"text": "Vraag 10"},
                      {"custom": {"type": "progress", "answered": 9, "total": 27, "answers": answers}})
    diagnosis = client.get(f"/api/v1/sessions/{session_id}/diagnosis").json()

    page = client.get(report_url(session_id)).text

    assert '<div class="notice" role="note" id="not-finished">' in page
    assert "De scan is nog niet afgerond." in page and "9 van de 27 vragen" in page
    assert "Tussenstand" in page
    # the same data as GET …/diagnosis: scored dimensions in the chart, the others without a score
    assert diagnosis["dimensions"]["omvang"]["score"] is None
    assert re.search(r'data-axis="omvang"[^>]*>\s*<tspan class="name">Omvang en diversiteit</tspan>\s*'
                     r'<tspan[^>]*>geen score</tspan>', page)
    urgentie = f"{diagnosis['dimensions']['urgentiebesef']['score']:.1f}".replace(".", ",")
    assert f"{urgentie} · {diagnosis['dimensions']['urgentiebesef']['level']}" in page
    for advice in diagnosis["advice"]:
        assert html.escape(advice["text"]) in page


def test_user_text_is_escaped(client: TestClient, fake_rasa: FakeRasa) -> None:
    result = engine_result()
    result["dimensions"]["vertrouwen"]["answers"][0]["text"] = "<script>alert('x')</script>"
    result["caveats"] = ["<img src=x onerror=alert(1)>"]

    page = client.get(report_url(store_result(client, fake_rasa, result))).text

    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


def test_a_sparse_stored_result_still_makes_a_report(client: TestClient, fake_rasa: FakeRasa) -> None:
    session_id = store_result(client, fake_rasa, {"completed": True, "dimensions": {"vertrouwen": {"score": 3.5}}})

    response = client.get(report_url(session_id))

    assert response.status_code == 200, response.text
    assert "Er is nog te weinig beantwoord om de fase in te schatten." in response.text
    assert "Nog geen stappen" in response.text


def test_unknown_session_or_no_scan_is_404(client: TestClient, fake_rasa: FakeRasa) -> None:
    assert_problem(client.get(report_url("bestaat-niet")), 404)
    assert_problem(client.get(report_url("bestaat-niet", "pdf")), 404)
    session_id = turn(client, fake_rasa, {"text": "De netwerkdip is ..."})

    problem = assert_problem(client.get(report_url(session_id)), 404)

    assert problem["detail"] == "In dit gesprek is nog geen scan gestart."


def test_unknown_format_is_422(client: TestClient, fake_rasa: FakeRasa) -> None:
    session_id = store_result(client, fake_rasa, engine_result())

    problem = assert_problem(client.get(report_url(session_id, "docx")), 422)

    assert problem["errors"][0]["field"] == "format"


# --- PDF ------------------------------------------------------------------------------------------


def pdf_client(tmp_path: Path, fake_rasa: FakeRasa, **overrides: Any) -> TestClient:
    return TestClient(build_app(make_settings(tmp_path / "data", **overrides), fake_rasa))


def test_pdf_without_chromium_is_503(tmp_path: Path, fake_rasa: FakeRasa) -> None:
    with pdf_client(tmp_path, fake_rasa, chromium_path=tmp_path / "geen-chromium") as client:
        session_id = store_result(client, fake_rasa, engine_result())

        problem = assert_problem(client.get(report_url(session_id, "pdf")), 503)
        html_report = client.get(report_url(session_id))

    assert "PDF" in problem["detail"] and "niet beschikbaar" in problem["detail"]
    assert problem["type"].endswith("pdf-unavailable")
    assert html_report.status_code == 200  # the HTML report does not need Chromium


def fake_chromium(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-chromium"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return script


def test_pdf_engine_that_makes_no_pdf_is_503(tmp_path: Path, fake_rasa: FakeRasa) -> None:
    engine = fake_chromium(tmp_path, "echo 'crashed' >&2; exit 1")
    with pdf_client(tmp_path, fake_rasa, chromium_path=engine) as client:
        session_id = store_result(client, fake_rasa, engine_result())

        problem = assert_problem(client.get(report_url(session_id, "pdf")), 503)

    assert problem["type"].endswith("pdf-failed")


def test_pdf_engine_that_hangs_is_stopped_after_the_timeout(tmp_path: Path, fake_rasa: FakeRasa) -> None:
    marker = tmp_path / "still-running"
    # a child that would outlive its parent: the whole process group must be killed
    engine = fake_chromium(tmp_path, f"(sleep 1.5; touch {marker}) & sleep 30")
    with pdf_client(tmp_path, fake_rasa, chromium_path=engine, pdf_timeout_seconds=0.5) as client:
        session_id = store_result(client, fake_rasa, engine_result())
        started = time.monotonic()

        problem = assert_problem(client.get(report_url(session_id, "pdf")), 503)

    assert time.monotonic() - started < 10
    assert problem["type"].endswith("pdf-failed")
    time.sleep(1.5)
    assert not marker.exists()


def pgm_ink(pgm: bytes) -> tuple[int, int, float]:
    """(width, height, share of pixels darker than near-white) of a binary PGM (P5, 8 bit)."""
    match = re.match(rb"P5\s+(?:#[^\n]*\n\s*)*(\d+)\s+(\d+)\s+(\d+)\s", pgm)
    assert match, pgm[:20]
    width, height, maxval = (int(v) for v in match.groups())
    assert maxval == 255
    pixels = pgm[match.end():match.end() + width * height]
    assert len(pixels) == width * height
    return width, height, sum(1 for p in pixels if p < 235) / len(pixels)


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert zlib.crc32(png[12:29]) == int.from_bytes(png[29:33], "big")  # the IHDR chunk is intact
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


@pytest.mark.skipif(not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)),
                    reason="Chromium is not installed (apt-get install -y --no-install-recommends chromium); "
                           "the PDF report cannot be rendered here")
def test_pdf_is_rendered_by_chromium_and_page_one_is_not_blank(
    client: TestClient, fake_rasa: FakeRasa, settings: Settings, tmp_path: Path
) -> None:
    assert shutil.which("pdftoppm"), "pdftoppm is missing: apt-get install -y --no-install-recommends poppler-utils"
    result = engine_result()
    session_id = store_result(client, fake_rasa, result)
    set_completed_at(settings, session_id, datetime(2026, 11, 3, 14, 0, tzinfo=ZoneInfo("Europe/Amsterdam")))

    response = client.get(report_url(session_id, "pdf"))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="coalitiescan-2026-11-03.pdf"'
    assert response.content.startswith(b"%PDF")
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(response.content)
    # page 1 in grey: A4 at 40 dpi is about 331 x 468 pixels, and the report has ink on it
    gray = subprocess.run(["pdftoppm", "-gray", "-r", "40", "-f", "1", "-l", "1", str(pdf)],
                          capture_output=True, check=True, timeout=60).stdout
    width, height, ink = pgm_ink(gray)
    assert (width, height) in {(331, 468), (330, 468), (331, 467)}, (width, height)
    assert 0.03 < ink < 0.6, f"{ink:.1%} of page 1 is not white"
    # the text on page 1 is the report's (Chromium drew text, not a blank or an error page)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
                              capture_output=True, check=True, timeout=60, text=True).stdout
        assert "Coalitiescan" in text and "3 november 2026" in text and "Vertrouwen" in text
    # keep page 1 as a PNG for people to look at (tests/artifacts/ is not committed)
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(ARTIFACTS / "report-page-1")], check=True, timeout=60)
    assert png_size((ARTIFACTS / "report-page-1.png").read_bytes()) == (744, 1053)
