"""Concurrent load from keep-alive clients: many threads, each with its own connection.

``http.client`` rather than ``requests`` keeps the client's own cost per request small (the
client shares the machine with the server), and it is still a real HTTP/1.1 client over TCP.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from dashboard.benchmark.http import ServerTiming

# A reused keep-alive connection the server has just closed fails like this on the next request;
# browsers retry such a request once on a new connection, and so do these clients.
_STALE_CONNECTION = (
    http.client.RemoteDisconnected,
    ConnectionResetError,
    BrokenPipeError,
    http.client.CannotSendRequest,
)


@dataclass
class LoadGroup:
    """``clients`` threads, each cycling through ``requests`` (path and extra headers, such as
    htmx's for a fragment) as fast as answers come."""

    name: str
    clients: int
    requests: list[tuple[str, dict[str, str] | None]]


@dataclass
class GroupResult:
    name: str
    clients: int
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    exceptions: Counter = field(default_factory=Counter)
    reconnects: int = 0
    upstream_calls: int = 0  # summed from the answers' Server-Timing headers

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + sum(self.exceptions.values())

    @property
    def errors(self) -> int:
        """Answers other than 200, and requests that got no answer at all."""
        failed = sum(count for status, count in self.statuses.items() if status != 200)
        return failed + sum(self.exceptions.values())

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    def percentile(self, fraction: float) -> float | None:
        return percentile(self.latencies_ms, fraction)


@dataclass
class LoadResult:
    seconds: float
    groups: list[GroupResult]
    client_cpu_seconds: float

    @property
    def requests(self) -> int:
        return sum(group.requests for group in self.groups)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def run_load(
    host: str, port: int, cookie_header: str, groups: list[LoadGroup], seconds: float
) -> LoadResult:
    results = [GroupResult(group.name, group.clients) for group in groups]
    threads: list[threading.Thread] = []
    clients = sum(group.clients for group in groups)
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]
    lock = threading.Lock()

    def client(group: LoadGroup, result: GroupResult, index: int) -> None:
        latencies: list[float] = []
        statuses: Counter = Counter()
        exceptions: Counter = Counter()
        reconnects = 0
        upstream_calls = 0
        headers = {"Cookie": cookie_header, "User-Agent": "SupportDashboardBenchmark/1"}
        connection = http.client.HTTPConnection(host, port, timeout=60)
        fresh = True
        turn = index
        start.wait()
        while time.perf_counter() < stop_at[0]:
            path, extra = group.requests[turn % len(group.requests)]
            turn += 1
            request_headers = {**headers, **extra} if extra else headers
            began = time.perf_counter()
            try:
                try:
                    status, timing = _get(connection, path, request_headers)
                except _STALE_CONNECTION:
                    if fresh:
                        raise
                    reconnects += 1
                    connection.close()
                    connection = http.client.HTTPConnection(host, port, timeout=60)
                    status, timing = _get(connection, path, request_headers)
                fresh = False
            except Exception as exc:  # Any failure to get an answer is an error of the run.
                exceptions[type(exc).__name__] += 1
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
                fresh = True
                continue
            latencies.append((time.perf_counter() - began) * 1000.0)
            statuses[status] += 1
            upstream_calls += timing.upstream_calls or 0
        connection.close()
        with lock:
            result.latencies_ms.extend(latencies)
            result.statuses.update(statuses)
            result.exceptions.update(exceptions)
            result.reconnects += reconnects
            result.upstream_calls += upstream_calls

    for group, result in zip(groups, results, strict=True):
        for index in range(group.clients):
            thread = threading.Thread(
                target=client, args=(group, result, index), name=f"load-{group.name}-{index}"
            )
            thread.daemon = True
            thread.start()
            threads.append(thread)
    cpu_before = time.process_time()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start.wait()
    try:
        for thread in threads:
            thread.join()
    finally:
        # Interrupted: the clients stop after their current request.
        stop_at[0] = 0.0
    elapsed = time.perf_counter() - began
    return LoadResult(
        seconds=elapsed,
        groups=results,
        client_cpu_seconds=time.process_time() - cpu_before,
    )


def _get(
    connection: http.client.HTTPConnection, path: str, headers: dict[str, str]
) -> tuple[int, ServerTiming]:
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    timing = ServerTiming.parse(response.getheader("Server-Timing", ""))
    if response.will_close:
        connection.close()
    return response.status, timing
