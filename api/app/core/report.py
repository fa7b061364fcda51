"""The printable report of a session's diagnosis: HTML from a Jinja2 template, PDF through headless Chromium.

:func:`build_report` turns a result (the shape of DESIGN.md §5, as ``GET …/diagnosis`` returns it)
into a small view model with everything already worded in Dutch, so the template only lays it out.
Results stored from the bot are read defensively: a missing part is left out, never a 500.

:func:`render_pdf` prints that HTML with Chromium's own print-to-PDF in a subprocess (its own
process group, killed on timeout) with a throw-away profile; at most :data:`MAX_PARALLEL_PDFS`
run at once.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from knowledge import KnowledgeBase
from knowledge.parsing import value_label

from app.core.radar import Radar, build_radar

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")
LEVEL_LABELS = {"onvoldoende": "onvoldoende", "matig": "matig", "voldoende": "voldoende"}
INFERENCE = "naar onze inschatting"
MAX_PARALLEL_PDFS = 2

# Headless Chromium: no network services, no first-run UI, a fresh profile per run.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps",
    "--mute-audio", "--no-pdf-header-footer",
)

try:
    TIMEZONE: Any = ZoneInfo("Europe/Amsterdam")
except ZoneInfoNotFoundError:  # no tz database: the server's local time
    TIMEZONE = None

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_pdf_slots = threading.BoundedSemaphore(MAX_PARALLEL_PDFS)


class PdfUnavailable(Exception):
    """No PDF engine (Chromium) on this server."""


class PdfFailed(Exception):
    """Chromium ran but made no PDF (crash, timeout, too busy)."""


# --- view model ---------------------------------------------------------------------------------


@dataclass
class AnswerView:
    question: str
    answer: str
    own_words: str | None  # what the user typed, when it differs from the answer's label


@dataclass
class DimensionView:
    id: str
    label: str
    score: float | None
    score_text: str
    level: str | None
    level_text: str
    confidence_text: str
    subdimensions: list[tuple[str, str, str | None]]  # (label, score text, level)
    answers: list[AnswerView]


@dataclass
class RoleView:
    label: str
    rationale: str
    source: str | None
    inference: bool


@dataclass
class StepView:
    text: str
    source: str | None
    inference: bool


@dataclass
class DocumentView:
    short: str
    title: str
    author: str
    publisher: str
    year: int | str


@dataclass
class Report:
    title: str
    date_text: str
    date_iso: str
    completed: bool
    answered: int | None
    total: int | None
    radar: Radar
    dimensions: list[DimensionView]
    phase: dict[str, Any] | None
    role: RoleView | None
    also_roles: list[RoleView]
    steps: list[StepView]
    caveats: list[str]
    documents: list[DocumentView]
    cited_only: bool = True
    generated_text: str = ""


def dutch_date(moment: datetime) -> str:
    """'3 november 2026'."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def local_time(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, TIMEZONE)


def score_text(score: Any) -> str:
    """'3,3' (Dutch decimal comma, one decimal), or 'geen score'."""
    if not isinstance(score, (int, float)) or isinstance(score, bool):
        return "geen score"
    return f"{score:.1f}".replace(".", ",")


def percent(value: Any) -> str:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return "onbekend"
    return f"{round(value * 100)}%"


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _source_text(kb: KnowledgeBase, source: Any, cited: set[str]) -> str | None:
    source = _dict(source)
    document, section = source.get("document"), source.get("section")
    if not isinstance(document, str) or section is None:
        return None
    cited.add(document)
    try:
        return kb.source_label({**source, "section": str(section)})
    except KeyError:  # a document or section this knowledge base does not know
        detail = f" ({source['detail']})" if source.get("detail") else ""
        return f"{document}, §{section}{detail}"


def _answer_view(kb: KnowledgeBase, answer: dict[str, Any]) -> AnswerView:
    question_id, value = answer.get("question_id"), answer.get("value")
    label = _str(answer.get("label"))
    if not label and isinstance(question_id, str) and kb.has("questions", question_id):
        try:
            label = value_label(kb, question_id, value)
        except (KeyError, StopIteration, TypeError):
            label = ""
    text = _str(answer.get("text"))
    label = label or text or "–"
    # the user's own words, when they typed something else than the answer's label or canonical value
    canonical = {label.casefold(), str(value).casefold()} | {str(v).casefold() for v in _list(value)}
    own = text if text and text.casefold() not in canonical else None
    question = _str(answer.get("question"))
    if not question and isinstance(question_id, str) and kb.has("questions", question_id):
        question = kb.question(question_id)["text"].strip()
    return AnswerView(question=question or str(question_id), answer=label, own_words=own)


def _dimension_views(kb: KnowledgeBase, result: dict[str, Any]) -> list[DimensionView]:
    dims = _dict(result.get("dimensions"))
    views = []
    known = [d["id"] for d in kb.items("dimensions")]
    for dim_id in known + [d for d in dims if d not in known]:
        data = _dict(dims.get(dim_id))
        meta = kb.item("dimensions", dim_id) if kb.has("dimensions", dim_id) else {"label": dim_id}
        sub_labels = {s["id"]: s["label"] for s in meta.get("subdimensions", [])}
        subs = []
        for sub_id, sub in _dict(data.get("subdimensions")).items():
            sub = _dict(sub)
            subs.append((sub_labels.get(sub_id, sub_id), score_text(sub.get("score")),
                         sub.get("level") if sub.get("level") in LEVEL_LABELS else None))
        score = data.get("score") if isinstance(data.get("score"), (int, float)) else None
        level = data.get("level") if data.get("level") in LEVEL_LABELS else None
        views.append(DimensionView(
            id=dim_id, label=meta["label"], score=score, score_text=score_text(score), level=level,
            level_text=level or "nog open", confidence_text=percent(data.get("confidence")),
            subdimensions=subs,
            answers=[_answer_view(kb, a) for a in _list(data.get("answers")) if isinstance(a, dict)],
        ))
    return views


def _role_view(kb: KnowledgeBase, role: Any, cited: set[str]) -> RoleView | None:
    role = _dict(role)
    label = _str(role.get("label")) or _str(role.get("id"))
    if not label:
        return None
    return RoleView(label=label, rationale=_str(role.get("rationale")),
                    source=_source_text(kb, role.get("source"), cited),
                    inference=role.get("basis") == "inference")


def _phase_view(kb: KnowledgeBase, phase: Any) -> dict[str, Any] | None:
    phase = _dict(phase)
    label = _str(phase.get("label")) or _str(phase.get("id"))
    if not label:
        return None
    signals = []
    for signal_ in _list(phase.get("signals")):
        text = _str(signal_) or _str(_dict(signal_).get("text"))
        if text:
            signals.append(text)
    stated = phase.get("stated_by_user")
    stated_label = None
    if isinstance(stated, str) and stated:
        stated_label = kb.item("phases", stated)["label"] if kb.has("phases", stated) else stated
    return {"label": label, "confidence_text": percent(phase.get("confidence")), "signals": signals,
            "stated_label": stated_label}


def build_report(kb: KnowledgeBase, result: dict[str, Any], *, timestamp: float, now: float) -> Report:
    """The report's view model for a result made (or last updated) at ``timestamp``."""
    cited: set[str] = set()
    dimensions = _dimension_views(kb, result)
    radar = build_radar([(d.id, d.label, d.score, d.level,
                          f"{d.score_text} · {d.level}" if d.score is not None else "geen score")
                         for d in dimensions])
    role = _role_view(kb, result.get("role"), cited)
    also = [view for r in _list(result.get("also_roles")) if (view := _role_view(kb, r, cited)) is not None]
    steps = []
    for item in _list(result.get("advice")):
        item = _dict(item)
        if _str(item.get("text")):
            steps.append(StepView(text=_str(item.get("text")), source=_source_text(kb, item.get("source"), cited),
                                  inference=item.get("basis") == "inference"))
    progress = _dict(result.get("progress"))
    answered, total = progress.get("answered"), progress.get("total")
    documents = [d for d in kb.items("documents") if d["id"] in cited]
    cited_only = bool(documents)
    if not documents:
        documents = kb.items("documents")
    moment = local_time(timestamp)
    return Report(
        title="Coalitiescan: resultaat en advies",
        date_text=dutch_date(moment),
        date_iso=moment.date().isoformat(),
        completed=result.get("completed") is True,
        answered=answered if isinstance(answered, int) else None,
        total=total if isinstance(total, int) else None,
        radar=radar,
        dimensions=dimensions,
        phase=_phase_view(kb, result.get("phase")),
        role=role,
        also_roles=also,
        steps=steps,
        caveats=[c.strip() for c in _list(result.get("caveats")) if isinstance(c, str) and c.strip()],
        documents=[DocumentView(d["short"], d["title"], d["author"], d["publisher"], d["year"]) for d in documents],
        cited_only=cited_only,
        generated_text=dutch_date(local_time(now)),
    )


def render_html(report: Report) -> str:
    return _environment.get_template("report.html.j2").render(report=report, inference=INFERENCE)


def report_filename(report: Report, extension: str) -> str:
    return f"coalitiescan-{report.date_iso}.{extension}"


# --- PDF ----------------------------------------------------------------------------------------


def pdf_engine(chromium: Path) -> Path:
    """The Chromium executable, or :class:`PdfUnavailable`."""
    if not (chromium.is_file() and os.access(chromium, os.X_OK)):
        raise PdfUnavailable(f"{chromium} is missing or not executable")
    return chromium


def render_pdf(html: str, chromium: Path, *, timeout: float) -> bytes:
    """Print ``html`` to PDF with headless Chromium; raise PdfUnavailable or PdfFailed."""
    engine = pdf_engine(chromium)
    if not _pdf_slots.acquire(timeout=timeout):
        raise PdfFailed("too many PDFs are being made")
    try:
        with tempfile.TemporaryDirectory(prefix="coalitiecoach-pdf-") as tmp:
            page, out, profile = Path(tmp) / "rapport.html", Path(tmp) / "rapport.pdf", Path(tmp) / "profile"
            page.write_text(html, encoding="utf-8")
            command = [str(engine), *CHROMIUM_FLAGS, f"--print-to-pdf={out}", f"--user-data-dir={profile}",
                       page.as_uri()]
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, start_new_session=True,
                                       env={**os.environ, "HOME": tmp})
            try:
                _, stderr = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(process)
                raise PdfFailed(f"Chromium took longer than {timeout:g} s") from None
            finally:
                _kill_group(process)  # Chromium's helpers, if any outlived it
            data = out.read_bytes() if out.is_file() else b""
            if not data.startswith(b"%PDF"):
                tail = stderr.decode(errors="replace").strip().splitlines()[-3:]
                logger.error("Chromium made no PDF (exit %s): %s", process.returncode, " | ".join(tail))
                raise PdfFailed(f"Chromium exited with {process.returncode} and made no PDF")
            return data
    finally:
        _pdf_slots.release()


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if process.returncode is None:
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            logger.error("Chromium (pid %s) did not stop", process.pid)
