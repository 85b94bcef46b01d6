"""HTTP measurements of `make bench`: gunicorn on a loopback port, wrk throughput,
sequential request latency, and the gunicorn workers' memory (VmRSS in /proc)."""

from __future__ import annotations

import contextlib
import http.client
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field

from bench.loopback import GUNICORN_CONF, ROOT, _stop, wait_until_answers

HOST = "127.0.0.1"
# 2 sync workers, 2 connections each; short runs, interleaved (issue 12).
WORKERS = 2
CONNECTIONS = 4
REQUEST_TIMEOUT = 120.0
WARM_UP_PATH = "/api/decisions/"


@contextlib.contextmanager
def gunicorn_on(port: int, env: dict[str, str]):
    """gunicorn with deploy/gunicorn.conf.py, 2 sync workers on 127.0.0.1:port;
    yields the process (bench/loopback.py's `gunicorn` picks a random port)."""
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-c",
        str(GUNICORN_CONF),
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(WORKERS),
        "--log-level",
        "warning",
        "--access-logfile",
        "/dev/null",
        # No replacement after max_requests: a static run makes a thousand requests in
        # seconds, and a worker restarting (imports, first connection) would be counted
        # against the page measured next; the RSS at the end then covers the whole bench.
        "--max-requests",
        "0",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    try:
        wait_until_answers(f"http://{HOST}:{port}/decisions/", timeout=60)
        yield process
    finally:
        _stop(process)


def worker_pids(master: int) -> list[int]:
    try:
        with open(f"/proc/{master}/task/{master}/children") as children:
            return [int(pid) for pid in children.read().split()]
    except OSError:
        return []


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def workers_rss(master: int) -> dict[int, float]:
    return {pid: mb for pid in worker_pids(master) if (mb := rss_mb(pid)) is not None}


@dataclass
class Sampled:
    """Request outcome: status, body size, timings (ms) of the measured requests."""

    status: int | str
    size: int = 0
    samples_ms: list[float] = field(default_factory=list)
    body: bytes = b""


def _request(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Host": HOST})
    response = connection.getresponse()
    body = response.read()
    if response.getheader("Connection", "").lower() == "close":
        connection.close()  # gunicorn's sync workers close after every response
    return response.status, body, (time.perf_counter() - started) * 1000


def sequential(port: int, path: str, *, budget: float = 6.0, cap: float = 15.0,
               least: int = 3, most: int = 40, keep_body: bool = False) -> Sampled:  # fmt: skip
    """One warm-up request, then sequential requests on one keep-alive client until
    `most` are done, or `budget` seconds and at least `least` requests, or `cap`
    seconds in all (warm-up included) and at least one: slow pages stay bounded."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    started = time.monotonic()
    try:
        try:
            status, body, _ = _request(connection, path)
        except (OSError, http.client.HTTPException) as error:
            return Sampled(type(error).__name__)
        result = Sampled(status, len(body), body=body if keep_body else b"")
        while status == 200 and len(result.samples_ms) < most:
            elapsed, done = time.monotonic() - started, len(result.samples_ms)
            if done and (elapsed > cap or (elapsed > budget and done >= least)):
                break
            try:
                status, body, ms = _request(connection, path)
            except (OSError, http.client.HTTPException) as error:
                result.status = type(error).__name__
                break
            if status != 200:
                result.status = status
                break
            result.samples_ms.append(ms)
        return result
    finally:
        connection.close()


def once(port: int, path: str, master: int) -> tuple[Sampled, float]:
    """One request, with the largest growth of any worker's RSS (MB) while it ran,
    sampled every 20 ms: what serving it costs in memory."""
    # A cheap request or two for each worker first: one just started would otherwise
    # count loading the URLconf and templates as this response's cost.
    with contextlib.suppress(OSError, http.client.HTTPException):
        sequential(port, WARM_UP_PATH, budget=0, most=WORKERS * 2)
    before = workers_rss(master)
    peak: dict[int, float] = dict(before)
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            for pid, mb in workers_rss(master).items():
                peak[pid] = max(peak.get(pid, 0.0), mb)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        status, body, ms = _request(connection, path)
        result = Sampled(status, len(body), [ms], body)
    except (OSError, http.client.HTTPException) as error:
        result = Sampled(type(error).__name__)
    finally:
        connection.close()
        done.set()
        sampler.join()
    for pid, mb in workers_rss(master).items():
        peak[pid] = max(peak.get(pid, 0.0), mb)
    growth = max((peak[pid] - before[pid] for pid in before if pid in peak), default=0.0)
    return result, growth


_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_ERRORS = re.compile(r"Socket errors:.*")


@dataclass
class Throughput:
    rps: float
    problems: str = ""


def wrk(port: int, path: str, seconds: int) -> Throughput:
    """wrk, one thread, CONNECTIONS connections (keep-alive where the server allows)."""
    command = [
        "wrk",
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        f"http://{HOST}:{port}{path}",
    ]
    output = subprocess.run(  # noqa: S603 (fixed command, loopback)
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    rps = _RPS.search(output)
    problems = [m.group(0) for m in (_NON_2XX.search(output), _ERRORS.search(output)) if m]
    return Throughput(float(rps.group(1)) if rps else 0.0, "; ".join(problems))


def interleaved(
    port: int, pairs: list[tuple[str, str]], *, rounds: int, seconds: int
) -> list[tuple[list[float], list[float], str]]:
    """For each (dynamic, static) pair: the throughput of each round, measured
    dynamic, static, dynamic, static … so both see the same machine load."""
    results: list[tuple[list[float], list[float], str]] = [([], [], "") for _ in pairs]
    for _ in range(rounds):
        for index, (dynamic, static) in enumerate(pairs):
            first, second = wrk(port, dynamic, seconds), wrk(port, static, seconds)
            dynamic_runs, static_runs, problems = results[index]
            dynamic_runs.append(first.rps)
            static_runs.append(second.rps)
            found = "; ".join(p for p in (problems, first.problems, second.problems) if p)
            results[index] = (dynamic_runs, static_runs, found)
    return results
