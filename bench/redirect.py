"""Benchmark: 10,000 clicks through the portal's counting redirect /r/<id>, against /healthz in the same run.

Starts the real portal (`jointcampaign portal serve`) on a private output folder holding the demo
campaign's tracked links, then sends CLICKS requests from CLIENTS keep-alive connections, spread
over the campaign's link ids, with a phone's user agent (so every click is recorded). Prints
requests/s and p50/p99 latency for the redirect and for /healthz (the baseline: same server, same
client, no lookup and no database write), the ratio between them, and checks that the database
holds exactly one row per click.
Run: .venv/bin/python bench/redirect.py   [CLICKS=10000 CLIENTS=4 METRICS_DB=postgresql://USER@HOST:PORT/EMPTY_DB]
(METRICS_DB: count into that database instead of the portal's SQLite file; it should be empty.)
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO)]

from jointcampaign.metrics.store import MetricsStore  # noqa: E402
from jointcampaign.pipeline.measure import load_for_measuring, publish_plan, tracked_links  # noqa: E402

CLICKS = int(os.environ.get("CLICKS", "10000"))
CLIENTS = int(os.environ.get("CLIENTS", "4"))
METRICS_DB = os.environ.get("METRICS_DB")
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def hammer(port: int, paths: list[str], expect: int) -> tuple[float, list[float]]:
    """Send every path once over CLIENTS keep-alive connections; (seconds, per-request latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    errors: list[str] = []

    def client(share: list[str]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for path in share:
            started = time.perf_counter()
            connection.request("GET", path, headers={"User-Agent": PHONE})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != expect:
                errors.append(f"{path}: {response.status}")
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(paths[i::CLIENTS],)) for i in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"{len(errors)} unexpected answers, e.g. {errors[0]}")
    return time.perf_counter() - started, latencies


def describe(name: str, seconds: float, latencies: list[float]) -> float:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    rate = len(latencies) / seconds
    print(f"{name:<10} {len(latencies):>6} requests  {rate:8.0f} requests/s  "
          f"p50 {statistics.median(ordered) * 1000:6.2f} ms  p99 {p99 * 1000:6.2f} ms")  # fmt: skip
    return rate


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="jointcampaign-bench-redirect-"))
    out, db = scratch / "out", scratch / "portal.sqlite3"
    loaded = load_for_measuring(REPO / "campaigns" / "demo-cafe-florist")
    publish_plan(loaded, out / loaded.slug)
    ids = [link.id for link in tracked_links(loaded)]
    port = free_port()
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}:{REPO}", "JOINTCAMPAIGN_HOME": str(scratch / "home")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jointcampaign.cli.portal", "serve", "--out", str(out), "--db", str(db),
         "--port", str(port), *(["--metrics-db", METRICS_DB] if METRICS_DB else [])],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        hammer(port, ["/healthz"] * 200, 200)  # warm up
        base_seconds, base_latencies = hammer(port, ["/healthz"] * CLICKS, 200)
        clicks = [f"/r/{ids[i % len(ids)]}" for i in range(CLICKS)]
        seconds, latencies = hammer(port, clicks, 302)
    finally:
        server.terminate()
        server.wait(timeout=30)
    where = METRICS_DB or db
    backend = "PostgreSQL" if str(where).startswith("postgresql") else "SQLite"
    print(f"portal on 127.0.0.1, {CLIENTS} keep-alive clients, {len(ids)} link ids, clicks into {backend}")
    baseline = describe("/healthz", base_seconds, base_latencies)
    rate = describe("/r/<id>", seconds, latencies)
    print(f"redirect throughput is {rate / baseline:.2f}× the /healthz baseline")
    with MetricsStore(where) as store:
        recorded = len(store.clicks(loaded.slug))
    print(f"clicks recorded: {recorded} of {CLICKS}")
    if recorded != CLICKS:
        raise SystemExit("the database does not hold one row per click")


if __name__ == "__main__":
    main()
