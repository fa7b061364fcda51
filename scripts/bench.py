"""Print the project's figures (not a test; nothing here fails a build).

  - training time of the Rasa model (a fresh `rasa train --force` into a temporary folder)
  - time to ready after start, and the memory (RSS) of each service
  - intent macro-F1 on the held-out Dutch set tests/nlu/heldout_nlu.yml (via Rasa's /model/parse)
  - retrieval top-1 / top-3 accuracy on tests/nlu/retrieval_questions.yml (in-process search)
  - chat-turn latency p50/p95, open-loop at a fixed rate, through the gateway and directly to
    Rasa's REST channel, in the same run

Run in the gateway environment after `source scripts/lib.sh && prepare`:
    "$API_ENV/bin/python" scripts/bench.py [--skip-train] [--rate 20] [--seconds 15]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from services import ROOT, Config, Services  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, body: dict, timeout: float = 30) -> tuple[float, int]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            r.read()
            status = r.status
    except Exception:  # noqa: BLE001 - a failed request is counted, not raised
        status = 0
    return (time.perf_counter() - start) * 1000, status


def train_time(rasa_env: Path) -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.monotonic()
        subprocess.run([str(rasa_env / "bin" / "rasa"), "train", "--domain", "domain", "--data", "data",
                        "--config", "config.yml", "--out", out, "--force", "--quiet"],
                       cwd=ROOT / "bot", check=True, capture_output=True)
        return time.monotonic() - start


def macro_f1(services: Services) -> tuple[float, int, dict]:
    data = yaml.safe_load((ROOT / "tests" / "nlu" / "heldout_nlu.yml").read_text(encoding="utf-8"))
    pairs = [(block["intent"], line[2:].strip()) for block in data["nlu"]
             for line in block["examples"].splitlines() if line.strip().startswith("- ")]
    url = f"http://127.0.0.1:{services.config.rasa_port}/model/parse?token={services.token}"
    predicted = []
    for _, text in pairs:
        req = urllib.request.Request(url, data=json.dumps({"text": text}).encode(), method="POST")
        with urllib.request.urlopen(req, timeout=30) as r:
            predicted.append(json.load(r)["intent"]["name"])
    per_intent = {}
    for intent in sorted({i for i, _ in pairs}):
        tp = sum(1 for (g, _), p in zip(pairs, predicted) if g == intent and p == intent)
        fp = sum(1 for (g, _), p in zip(pairs, predicted) if g != intent and p == intent)
        fn = sum(1 for (g, _), p in zip(pairs, predicted) if g == intent and p != intent)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        per_intent[intent] = round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0
    errors = [(g, p, t) for (g, t), p in zip(pairs, predicted) if g != p]
    return statistics.mean(per_intent.values()), len(pairs), {"per_intent": per_intent, "errors": errors}


def retrieval() -> dict | None:
    path = ROOT / "tests" / "nlu" / "retrieval_questions.yml"
    if not path.exists():
        return None
    from knowledge import get_knowledge
    from knowledge.search import index_for

    index = index_for(get_knowledge())
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    answerable = [r for r in rows if r["expect"]]
    top1 = top1_any = top3 = 0
    misses = []
    for row in answerable:
        result = index.search(row["q"])
        ids = [f"{h.kind}:{h.id}" for h in result.hits]
        top1_any += bool(ids[:1]) and ids[0] in row["expect"]
        top1 += bool(ids[:1]) and ids[0] in row["expect"] and result.confident
        top3 += any(i in row["expect"] for i in ids[:3])
        if not (ids[:1] and ids[0] in row["expect"]):
            misses.append((row["q"], row["expect"], ids[:3]))
    unanswerable = [r for r in rows if not r["expect"]]
    refused = sum(1 for r in unanswerable if not index.search(r["q"]).confident)
    return {"questions": len(answerable), "top1": round(top1_any / len(answerable), 3),
            "top1_confident": round(top1 / len(answerable), 3),
            "top3": round(top3 / len(answerable), 3),
            "unanswerable_refused": f"{refused}/{len(unanswerable)}", "misses": misses}


def open_loop(url: str, make_body, rate: float, seconds: float) -> dict:
    """Send requests at a fixed rate whatever the replies do (open loop); latency per request."""
    results: list[tuple[float, int]] = []
    lock = threading.Lock()
    threads = []
    interval, total = 1.0 / rate, int(rate * seconds)
    start = time.perf_counter()
    for n in range(total):
        delay = start + n * interval - time.perf_counter()
        if delay > 0:
            time.sleep(delay)

        def one(n=n):
            result = post(url, make_body(n))
            with lock:
                results.append(result)
        t = threading.Thread(target=one)
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    ok = sorted(ms for ms, status in results if status == 200)
    q = statistics.quantiles(ok, n=100) if len(ok) > 1 else [float("nan")] * 99
    return {"requests": total, "ok": len(ok), "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-train", action="store_true")
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    rasa_env, api_env = Path(os.environ["RASA_ENV"]), Path(os.environ["API_ENV"])
    figures: dict = {}
    if not args.skip_train:
        figures["train_seconds"] = round(train_time(rasa_env), 1)
        print(f"training: {figures['train_seconds']} s", flush=True)

    with tempfile.TemporaryDirectory() as data_dir:
        services = Services(Config(rasa_env=rasa_env, api_env=api_env, model=Path(os.environ["RASA_MODEL"]),
                                   data_dir=Path(data_dir), gateway_port=free_port(), rasa_port=free_port(),
                                   actions_port=free_port()))
        services.start()
        try:
            figures["ready_seconds"] = round(services.wait_ready(timeout=300), 1)
            figures["rss_mb"] = services.rss_mb()
            print(f"ready after start: {figures['ready_seconds']} s; RSS MB: {figures['rss_mb']}", flush=True)
            f1, n, detail = macro_f1(services)
            figures["intent_macro_f1"] = round(f1, 3)
            print(f"intent macro-F1 on {n} held-out utterances: {f1:.3f}")
            print("  per intent: " + ", ".join(f"{k} {v}" for k, v in detail["per_intent"].items()))
            for gold, pred, text in detail["errors"]:
                print(f"  miss: {text!r}: {gold} -> {pred}")
            ret = retrieval()
            if ret:
                print(f"retrieval on {ret['questions']} questions: top-1 {ret['top1']} "
                      f"(of which answered with confidence {ret['top1_confident']}), "
                      f"top-3 {ret['top3']}; unanswerable refused {ret['unanswerable_refused']}")
                for q, expect, got in ret["misses"]:
                    print(f"  top-1 miss: {q!r}: expected {expect}, got {got}")
            gateway = f"{services.config.gateway_url}/api/v1/chat"
            direct = f"http://127.0.0.1:{services.config.rasa_port}/webhooks/rest/webhook"
            text = "hallo"
            for name, url, body in [("direct to Rasa", direct, lambda n: {"sender": f"bench-d{n}", "message": text}),
                                    ("through the gateway", gateway, lambda n: {"text": text})]:
                stats = open_loop(url, body, args.rate, args.seconds)
                figures[name] = stats
                print(f"chat turn {name}: {stats}", flush=True)
            overhead = figures["through the gateway"]["p50_ms"] - figures["direct to Rasa"]["p50_ms"]
            print(f"gateway overhead at p50: {overhead:.1f} ms "
                  f"({overhead / figures['direct to Rasa']['p50_ms'] * 100:.0f} %)")
        finally:
            services.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
