"""Handoff queue throughput: enqueue -> claim -> resolve cycles per second and latency percentiles with
1, 10 and 100 concurrent agents, next to redis-benchmark's SET rate on the same redis-server in the same run.

    .venv/bin/python bench/handoff_bench.py --out /tmp/handoff.md

Starts its own redis-server (no persistence) on a free port unless --url is given.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from redis import Redis as SyncRedis
from redis.asyncio import Redis

from handoff import HandoffQueue

# the system's redis-server and redis-benchmark, not a copy a Python package may have put on PATH
REDIS_SERVER = shutil.which("redis-server", path="/usr/bin:/usr/local/bin") or "redis-server"
REDIS_BENCHMARK = shutil.which("redis-benchmark", path="/usr/bin:/usr/local/bin") or "redis-benchmark"
CONTEXT = {"history": [{"role": "user", "text": "where is my order?"}], "order_id": "A-1001"}


@dataclass
class Result:
    agents: int
    cycles: int
    seconds: float
    latencies_ms: list[float]
    client_cpu_s: float = 0.0
    redis_cpu_s: float = 0.0
    procs: int = 1

    @property
    def rate(self) -> float:
        return self.cycles / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(port: int, directory: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", directory],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return process
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def redis_benchmark_set(host: str, port: int, clients: int, requests: int) -> float:
    out = subprocess.run(
        [REDIS_BENCHMARK, "-h", host, "-p", str(port), "-t", "set", "-n", str(requests), "-c", str(clients),
         "-r", "100000", "--csv"],
        capture_output=True, text=True, check=True,
    ).stdout
    row = [line for line in out.splitlines() if line.startswith('"SET"')][0]
    return float(row.split(",")[1].strip('"'))


def set_rates(host: str, port: int, agents: int) -> tuple[float, float]:
    """redis-benchmark SET/s with its default 50 clients, and with as many clients as agents."""
    return (redis_benchmark_set(host, port, 50, 200_000),
            redis_benchmark_set(host, port, agents, 50_000 if agents == 1 else 200_000))


async def run_cycles(url: str, agents: int, seconds: float, batch_calls: bool, start_at: float) -> Result:
    """``agents`` concurrent agents in this process; the measured phase starts at wall time ``start_at``."""
    redis = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=1)  # as the gateway's (gateway/services.py)
    queue = HandoffQueue(redis, f"bench-{uuid.uuid4().hex[:8]}", time.time, lease_s=300,
                         batch_calls=batch_calls)
    await queue.connect()
    ids = [(await queue.agents.add(f"agent-{i}", ["orders"], ["en"]))[0].id for i in range(agents)]
    latencies: list[float] = []
    cycles = 0
    stop_at = 0.0

    async def agent(agent_id: str, phase: str) -> None:
        nonlocal cycles
        i = 0
        while time.perf_counter() < stop_at:
            i += 1
            started = time.perf_counter()
            await queue.enqueue(f"{agent_id}-{phase}-{i}", priority=1, reasons=["bench"], skill="orders",
                                lang="en", context=CONTEXT)
            held = await queue.claim(agent_id)
            if held is None:  # another agent took every waiting ticket; ours is still there for someone
                continue
            await queue.resolve(held.id, agent_id, held.lease_token, "answered", "bench")
            latencies.append((time.perf_counter() - started) * 1000)
            cycles += 1

    # a short warm-up, then the measured run
    stop_at = time.perf_counter() + 0.5
    await asyncio.gather(*[agent(a, "warm-up") for a in ids])
    latencies.clear()
    cycles = 0
    await asyncio.sleep(max(0.0, start_at - time.time()))
    client_cpu = time.process_time()
    began = time.perf_counter()
    stop_at = began + seconds
    await asyncio.gather(*[agent(a, "run") for a in ids])
    elapsed = time.perf_counter() - began
    client_cpu = time.process_time() - client_cpu
    await redis.aclose()
    return Result(agents, cycles, elapsed, latencies, client_cpu)


def _worker(url: str, agents: int, seconds: float, batch_calls: bool, start_at: float, loop: str) -> Result:
    loop_factory = None
    if loop == "uvloop":
        import uvloop

        loop_factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        return runner.run(run_cycles(url, agents, seconds, batch_calls, start_at))


def measure(url: str, agents: int, seconds: float, batch_calls: bool, procs: int, loop: str) -> Result:
    """Split the agents over ``procs`` client processes (like gateway workers) and add up what they did."""
    procs = max(1, min(procs, agents))
    shares = [agents // procs + (1 if n < agents % procs else 0) for n in range(procs)]
    start_at = time.time() + 3.0 + 0.02 * agents  # after every process has started and warmed up
    stats = SyncRedis.from_url(url)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=procs, mp_context=context) as pool:
        futures = [pool.submit(_worker, url, share, seconds, batch_calls, start_at, loop) for share in shares]
        time.sleep(max(0.0, start_at - time.time()))
        redis_cpu = _sync_redis_cpu(stats)
        results = [f.result() for f in futures]
        redis_cpu = _sync_redis_cpu(stats) - redis_cpu
    stats.close()
    return Result(agents, sum(r.cycles for r in results), max(r.seconds for r in results),
                  [ms for r in results for ms in r.latencies_ms], sum(r.client_cpu_s for r in results),
                  redis_cpu, procs)


def _sync_redis_cpu(redis: SyncRedis) -> float:
    info = redis.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


@dataclass
class Row:
    """One agent count, measured ``repeat`` times; each repetition has its own redis-benchmark runs."""

    agents: int
    runs: list[tuple[Result, float, float]]  # (result, SET/s at -c agents, SET/s at -c 50)

    def median(self, value: Callable[[Result, float, float], float]) -> float:
        return statistics.median(value(*run) for run in self.runs)


def cpu_us(seconds: float, result: Result) -> float:
    return seconds / result.cycles * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="an existing Redis (default: start a private redis-server)")
    parser.add_argument("--agents", default="1,10,100")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=3,
                        help="repetitions per agent count; the table shows medians (the machines are noisy)")
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="uvloop",
                        help="event loop (uvicorn runs the gateway on uvloop)")
    parser.add_argument("--out", type=Path, help="write the markdown table here")
    parser.add_argument("--no-batch", action="store_true", help="one round trip per call (batch_calls=False)")
    parser.add_argument("--procs", type=int, default=1,
                        help="client processes the agents are split over (like gateway workers)")
    args = parser.parse_args()

    process = None
    if args.url:
        url = args.url
        host, port = url.split("//")[1].split("/")[0].split(":")
    else:
        host, port_number = "127.0.0.1", free_port()
        process = start_redis(port_number, tempfile.mkdtemp(prefix="handoff-bench-"))
        url, port = f"redis://{host}:{port_number}/0", str(port_number)
    rows = []
    try:
        for agents in [int(a) for a in args.agents.split(",")]:
            row = Row(agents, [])
            for attempt in range(1, args.repeat + 1):
                # baselines right before and right after each measurement, averaged: the machine's speed
                # drifts within minutes
                before = set_rates(host, int(port), agents)
                result = measure(url, agents, args.seconds, not args.no_batch, args.procs, args.loop)
                after = set_rates(host, int(port), agents)
                set_50, set_same = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2
                row.runs.append((result, set_same, set_50))
                print(f"{agents} agents, run {attempt}/{args.repeat}: {result.rate:.0f} cycles/s, "
                      f"p50 {result.percentile(50):.2f} ms, p99 {result.percentile(99):.2f} ms; "
                      f"SET -c {agents}: {set_same:.0f}/s, -c 50: {set_50:.0f}/s "
                      f"({result.rate / set_50:.1%}); CPU per cycle: client "
                      f"{cpu_us(result.client_cpu_s, result):.0f} us, "
                      f"redis {cpu_us(result.redis_cpu_s, result):.0f} us",
                      file=sys.stderr)
            rows.append(row)
    finally:
        if process:
            process.terminate()
            process.wait()

    lines = [
        "# Handoff queue benchmark",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()} ({args.loop}), "
        f"{subprocess.run([REDIS_SERVER, '--version'], capture_output=True, text=True).stdout.split()[2]}, "
        f"agents split over at most {args.procs} client process(es), {args.seconds:.0f} s per run, "
        f"batch_calls={not args.no_batch}; medians of {args.repeat} runs per row.",
        "",
        "A cycle is enqueue -> claim -> resolve: three Lua scripts (EVALSHA), each also writing the event "
        "stream. Latency is one whole cycle as seen by the agent. Each run measures redis-benchmark `SET` "
        "(at the same client count and at its default 50) right before and right after the cycles; its "
        "ratios use the mean of the two.",
        "",
        "| agents | cycles/s | p50 ms | p99 ms | SET/s (same -c) | SET/s (-c 50) | cycles / SET (same -c) "
        "| **cycles / SET (-c 50)** | client CPU µs/cycle | redis CPU µs/cycle |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.agents} | {row.median(lambda r, same, c50: r.rate):,.0f} "
            f"| {row.median(lambda r, same, c50: r.percentile(50)):.2f} "
            f"| {row.median(lambda r, same, c50: r.percentile(99)):.2f} "
            f"| {row.median(lambda r, same, c50: same):,.0f} | {row.median(lambda r, same, c50: c50):,.0f} "
            f"| {row.median(lambda r, same, c50: r.rate / same):.1%} "
            f"| **{row.median(lambda r, same, c50: r.rate / c50):.1%}** "
            f"| {row.median(lambda r, same, c50: cpu_us(r.client_cpu_s, r)):.0f} "
            f"| {row.median(lambda r, same, c50: cpu_us(r.redis_cpu_s, r)):.0f} |"
        )
    lines += [
        "",
        "Reproduce: `.venv/bin/python bench/handoff_bench.py --out FILE` "
        "(`--repeat`, `--procs`, `--no-batch`, `--seconds`, `--agents`, `--loop asyncio`, `--url redis://...`).",
        "",
    ]
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text(table)


if __name__ == "__main__":
    main()
