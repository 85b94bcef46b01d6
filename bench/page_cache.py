"""The published decision page and its PDF against static copies of themselves,
served by the same gunicorn (2 sync workers, DEBUG off) and WhiteNoise, measured
interleaved with wrk (issue 12: page >= 0.5x, PDF >= 0.8x the static copy).

    DATABASE_URL=... SECRET_KEY=... AUDIT_HMAC_KEY=... ALLOWED_HOSTS=127.0.0.1 \\
        SECURE_SSL_REDIRECT=0 .venv/bin/python bench/page_cache.py [--root DIR] \\
        [--port 8131] [--seconds 5] [--rounds 3] [--slug pcd-1620]

The database must be migrated with the demo loaded, and collectstatic run in ROOT
(the checkout measured: another worktree measures "before"). Needs `wrk`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loopback import _stop, get, wait_until_answers


def gunicorn(root: Path, port: int, env: dict) -> subprocess.Popen:
    command = [
        str(root / ".venv" / "bin" / "gunicorn"),
        "-c",
        str(root / "deploy" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--log-level",
        "warning",
        "--access-logfile",
        "/dev/null",
        # No recycling mid-run: at thousands of requests a second, max_requests = 1000
        # (deploy/gunicorn.conf.py) restarts each worker every second or so, and a
        # restart (loading Django) would dominate both sides of the comparison.
        "--max-requests",
        "0",
    ]
    process = subprocess.Popen(command, cwd=root, env=env)  # noqa: S603
    wait_until_answers(f"http://127.0.0.1:{port}/decisions/")
    return process


def wrk(url: str, seconds: int) -> float:
    out = subprocess.run(  # noqa: S603
        ["wrk", "-t2", "-c4", f"-d{seconds}s", url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--port", type=int, default=8131)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--slug", default="pcd-1620")
    args = parser.parse_args()
    root = args.root.resolve()
    env = {**os.environ, "DEBUG": "0"}
    base = f"http://127.0.0.1:{args.port}"
    page, pdf = f"/decisions/{args.slug}/", f"/decisions/{args.slug}/pdf/"
    # The static copies must exist when WhiteNoise indexes STATIC_ROOT at start-up.
    process = gunicorn(root, args.port, env)
    try:
        copies = {path: get(base + path)[2] for path in (page, pdf)}
    finally:
        _stop(process)
    static = root / "staticfiles" / "bench-copy"
    static.mkdir(parents=True, exist_ok=True)
    (static / "page.html").write_bytes(copies[page])
    (static / "decision.pdf").write_bytes(copies[pdf])
    pairs = {
        "page": (page, "/static/bench-copy/page.html"),
        "pdf": (pdf, "/static/bench-copy/decision.pdf"),
    }
    results: dict[str, list[float]] = {f"{k}{s}": [] for k in pairs for s in ("", "-static")}
    process = gunicorn(root, args.port, env)
    try:
        for path, _ in pairs.values():
            status, headers, body = get(base + path)
            print(
                f"{path}: {status}, {len(body)} bytes, Cache-Control {headers.get('Cache-Control')}"
            )
        for _ in range(args.rounds):
            for name, (dynamic, copy) in pairs.items():
                results[name].append(wrk(base + dynamic, args.seconds))
                results[f"{name}-static"].append(wrk(base + copy, args.seconds))
    finally:
        _stop(process)
        shutil.rmtree(static, ignore_errors=True)
    for name in pairs:
        dynamic = statistics.median(results[name])
        copy = statistics.median(results[f"{name}-static"])
        rounds = ", ".join(
            f"{d:.0f}/{s:.0f}"
            for d, s in zip(results[name], results[f"{name}-static"], strict=True)
        )
        print(
            f"{name}: {dynamic:.0f} req/s vs static {copy:.0f} req/s: "
            f"{dynamic / copy:.3f}x  (rounds {rounds})"
        )


if __name__ == "__main__":
    main()
