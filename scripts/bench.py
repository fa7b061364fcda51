"""Print the project's figures (not a test; nothing here fails a build).

  - training time of the Rasa model (a fresh `rasa train --force` into a temporary folder)
  - time to ready after start, and the memory (RSS) of each service
  - intent macro-F1 on the held-out Dutch set tests/nlu/heldout_nlu.yml (via Rasa's /model/parse),
    on the whole set and on the utterances that do not also occur in the training data
  - retrieval top-1 / top-3 accuracy on the question sets tests/nlu/retrieval_questions*.yml
    (in-process search), and how many of their unanswerable questions are refused
  - chat-turn latency p50/p95, open-loop at a fixed rate, through the gateway and directly to
    Rasa's REST channel, in the same run (after a warm-up, in A-B-B-A order)

Run in the gateway environment after `source scripts/lib.sh && prepare`:
    "$API_ENV/bin/python" scripts/bench.py [--skip-train] [--rate 20] [--seconds 15]
"""

from __future__ import annotations

import argparse
import itertools
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


def utterances(path: Path) -> list[tuple[str, str]]:
    """(intent, text) for every example of a Rasa NLU file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(block["intent"], line.strip()[2:].strip()) for block in data["nlu"] if "examples" in block
            for line in block["examples"].splitlines() if line.strip().startswith("- ")]


def macro_f1_of(pairs: list[tuple[str, str]], predicted: list[str]) -> tuple[float, dict]:
    per_intent = {}
    for intent in sorted({i for i, _ in pairs}):
        tp = sum(1 for (g, _), p in zip(pairs, predicted) if g == intent and p == intent)
        fp = sum(1 for (g, _), p in zip(pairs, predicted) if g != intent and p == intent)
        fn = sum(1 for (g, _), p in zip(pairs, predicted) if g == intent and p != intent)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        per_intent[intent] = round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0
    return statistics.mean(per_intent.values()), per_intent


def macro_f1(services: Services) -> dict:
    pairs = utterances(ROOT / "tests" / "nlu" / "heldout_nlu.yml")
    url = f"http://127.0.0.1:{services.config.rasa_port}/model/parse?token={services.token}"
    predicted = []
    for _, text in pairs:
        req = urllib.request.Request(url, data=json.dumps({"text": text}).encode(), method="POST")
        with urllib.request.urlopen(req, timeout=30) as r:
            predicted.append(json.load(r)["intent"]["name"])
    f1, per_intent = macro_f1_of(pairs, predicted)
    # Utterances that also occur in the training data say nothing about generalisation.
    trained = {text.lower() for f in (ROOT / "bot" / "data" / "nlu").glob("*.yml") for _, text in utterances(f)}
    unseen = [(pair, p) for pair, p in zip(pairs, predicted) if pair[1].lower() not in trained]
    f1_unseen, _ = macro_f1_of([pair for pair, _ in unseen], [p for _, p in unseen])
    errors = [(g, p, t) for (g, t), p in zip(pairs, predicted) if g != p]
    return {"f1": f1, "n": len(pairs), "f1_unseen": f1_unseen, "n_unseen": len(unseen),
            "per_intent": per_intent, "errors": errors}


def retrieval(path: Path) -> dict:
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


def open_loop(url: str, make_body, rate: float, seconds: float) -> list[float]:
    """Send requests at a fixed rate whatever the replies do (open loop); latencies (ms) of the successful ones."""
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
    failed = sum(1 for _, status in results if status != 200)
    if failed:
        print(f"  {failed} of {total} requests to {url} failed", flush=True)
    return [ms for ms, status in results if status == 200]


def summary(latencies: list[float]) -> dict:
    q = statistics.quantiles(sorted(latencies), n=100) if len(latencies) > 1 else [float("nan")] * 99
    return {"requests": len(latencies), "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1)}


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
            detail = macro_f1(services)
            figures["intent_macro_f1"] = round(detail["f1"], 3)
            print(f"intent macro-F1 on {detail['n']} held-out utterances: {detail['f1']:.3f}; "
                  f"on the {detail['n_unseen']} of them not in the training data: {detail['f1_unseen']:.3f}")
            print("  per intent: " + ", ".join(f"{k} {v}" for k, v in detail["per_intent"].items()))
            for gold, pred, text in detail["errors"]:
                print(f"  miss: {text!r}: {gold} -> {pred}")
            for path in sorted((ROOT / "tests" / "nlu").glob("retrieval_questions*.yml")):
                ret = retrieval(path)
                print(f"retrieval, {path.name}, {ret['questions']} questions: top-1 {ret['top1']} "
                      f"(right and answered with confidence {ret['top1_confident']}), "
                      f"top-3 {ret['top3']}; unanswerable refused {ret['unanswerable_refused']}")
                for q, expect, got in ret["misses"]:
                    print(f"  top-1 miss: {q!r}: expected {expect}, got {got}")
            gateway = f"{services.config.gateway_url}/api/v1/chat"
            direct = f"http://127.0.0.1:{services.config.rasa_port}/webhooks/rest/webhook"
            text = "hallo"
            # every request a new conversation on both sides, as the gateway makes one per "hallo"
            senders = itertools.count()
            targets = {"direct to Rasa": (direct, lambda n: {"sender": f"bench-d{next(senders)}", "message": text}),
                       "through the gateway": (gateway, lambda n: {"text": text})}
            for url, body in targets.values():  # warm-up, not counted
                open_loop(url, body, args.rate, 3)
            # Both targets measured in the same run, in A-B-B-A order, so a drift of the machine's
            # load over the run does not favour either side.
            pooled: dict[str, list[float]] = {name: [] for name in targets}
            for name in ["direct to Rasa", "through the gateway", "through the gateway", "direct to Rasa"]:
                url, body = targets[name]
                pooled[name] += open_loop(url, body, args.rate, args.seconds / 2)
            for name, latencies in pooled.items():
                figures[name] = summary(latencies)
                print(f"chat turn {name}: {figures[name]}", flush=True)
            for q in ("p50_ms", "p95_ms"):
                overhead = figures["through the gateway"][q] - figures["direct to Rasa"][q]
                print(f"gateway overhead at {q[:3]}: {overhead:.1f} ms "
                      f"({overhead / figures['direct to Rasa'][q] * 100:.0f} %)")
        finally:
            services.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
