"""Where exact search stops being cheap: single-query IndexFlatIP latency by vector count.

    .venv/bin/python bench/kb_flat_scan.py

Justifies `kb_index.dense.HNSW_THRESHOLD`: below it, exact inner product fits the retrieval
budget with perfect recall; above it, HNSW keeps latency flat (recall in kb_bench.py).
"""

from __future__ import annotations

import time

import faiss
import numpy as np

SIZES = (20_000, 65_000, 200_000, 650_000)
DIM, DEPTH, QUERIES = 384, 200, 50


def main() -> None:
    faiss.omp_set_num_threads(1)
    rng = np.random.default_rng(0)
    queries = rng.normal(size=(QUERIES, DIM)).astype(np.float32)
    for n in SIZES:
        index = faiss.IndexFlatIP(DIM)
        index.add(rng.normal(size=(n, DIM)).astype(np.float32))
        times = []
        for i in range(QUERIES):
            start = time.perf_counter()
            index.search(queries[i : i + 1], DEPTH)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{n:>8} vectors  flat p50 {np.percentile(times, 50):6.2f} ms  p95 {np.percentile(times, 95):6.2f} ms")


if __name__ == "__main__":
    main()
