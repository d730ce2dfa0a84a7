"""Train, test and deploy as background jobs of the gateway, with progress in Redis.

A job is an asyncio task in the gateway process; the slow parts (Rasa subprocesses, index
building) run in worker threads, so the event loop keeps serving shoppers.  The pipeline
lock is taken before the job is accepted, so a second job gets 409 at once, not a failed
job later.  Progress lines are collected from any thread and written to Redis every
FLUSH_S, where `GET /jobs/{id}` reads them (from this or another gateway process).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from typing import Any

from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.editor.pipeline import DeployRequest, Pipeline
from gateway.editor.versions import now_iso
from gateway.errors import ApiError
from gateway.ops import training

JOB_TTL_S = 7 * 86400
FLUSH_S = 0.3
STOP_WAIT_S = 5.0
log_errors = logging.getLogger(__name__)


class JobStore:
    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def create(self, job: dict[str, Any]) -> None:
        key = self._keys.editor_job(job["id"])
        await self._redis.set(key, json.dumps(job, ensure_ascii=False), ex=JOB_TTL_S)

    async def add_progress(self, job_id: str, lines: list[dict[str, str]]) -> None:
        key = self._keys.editor_job_progress(job_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, *(json.dumps(line, ensure_ascii=False) for line in lines))
            pipe.expire(key, JOB_TTL_S)
            await pipe.execute()

    async def finish(self, job_id: str, state: str, result: dict[str, Any] | None, error: str | None) -> None:
        job = await self.get(job_id, with_progress=False)
        if job is not None:
            job.update(state=state, result=result, error=error, finished_at=now_iso())
            await self.create(job)

    async def get(self, job_id: str, *, with_progress: bool = True) -> dict[str, Any] | None:
        raw = await self._redis.get(self._keys.editor_job(job_id))
        if raw is None:
            return None
        job = json.loads(raw)
        if with_progress:
            lines = await self._redis.lrange(self._keys.editor_job_progress(job_id), 0, -1)
            job["progress"] = [json.loads(line) for line in lines]
        return job


class JobLog:
    """`say` may be called from any thread; lines reach Redis in order, in small batches."""

    def __init__(self, store: JobStore, job_id: str) -> None:
        self._store, self._job_id = store, job_id
        self._lines: list[dict[str, str]] = []
        self._written = 0

    def say(self, message: str) -> None:
        self._lines.append({"ts": now_iso(), "message": message[:500]})  # list.append is atomic

    async def flush(self) -> None:
        pending = self._lines[self._written:]
        if pending:
            await self._store.add_progress(self._job_id, pending)
            self._written += len(pending)

    async def keep_flushing(self, done: asyncio.Event) -> None:
        """Flush every FLUSH_S until `done`; never cancelled mid-write, which could leave a
        pooled Redis connection with an unread reply for the next command."""
        while not done.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), FLUSH_S)
            await self.flush()


class JobRunner:
    def __init__(self, redis: Redis, keys: RedisKeys, pipeline: Pipeline) -> None:
        self.store = JobStore(redis, keys)
        self.pipeline = pipeline
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, kind: str, request: DeployRequest, actor: dict[str, str]) -> dict[str, Any]:
        """Accept a job (409 while another runs) and start it in the background."""
        job_id = f"j-{secrets.token_hex(6)}"
        holding = contextlib.AsyncExitStack()
        await holding.enter_async_context(self.pipeline.locked(f"{kind} job {job_id}"))
        job = {"id": job_id, "kind": kind, "state": "running", "result": None, "error": None, "actor": actor,
               "created_at": now_iso(), "force": request.force, "summary": request.summary, "reason": request.reason}
        try:
            await self.store.create(job)
        except BaseException:
            await holding.aclose()
            raise
        task = asyncio.create_task(self._run(job_id, kind, request, actor, holding))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return {**job, "progress": []}

    async def stop(self) -> None:
        """At shutdown: stop the jobs (their lock is released, or expires within its TTL). Their
        Rasa processes are killed first: a worker thread waiting on one would hold up the exit."""
        self.pipeline.children.stop()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=STOP_WAIT_S)

    async def _run(self, job_id: str, kind: str, request: DeployRequest, actor: dict[str, str],
                   holding: contextlib.AsyncExitStack) -> None:
        log, done = JobLog(self.store, job_id), asyncio.Event()
        flusher = asyncio.create_task(log.keep_flushing(done))
        state, result = "failed", None
        error: str | None = "stopped: the gateway shut down"
        try:
            result = await self._work(kind, request, actor, log)
            state, error = "succeeded", None
        except Exception as exc:  # the job's outcome, reported to whoever polls it
            error = exc.message if isinstance(exc, ApiError) else str(exc) or type(exc).__name__
            log.say(f"failed: {error}")
        finally:
            done.set()
            try:
                await flusher
                await self.store.finish(job_id, state, result, error)
            except Exception:  # Redis gone: the job stays "running" until its key expires
                log_errors.exception("editor job %s: could not record its end", job_id)
            finally:
                await holding.aclose()

    async def _work(self, kind: str, request: DeployRequest, actor: dict[str, str], log: JobLog) -> dict[str, Any]:
        if kind == "train":
            model = await self.pipeline.train(log.say)
            return {"model_file": str(model), "model_hash": training.model_hash(model)}
        if kind == "test":
            report = await self.pipeline.test(log.say)
            return {key: report[key] for key in ("model_hash", "macro_f1", "examples", "method")} | {
                "lang": {lang: s["macro_f1"] for lang, s in report["lang"].items()}}
        return {"version": await self.pipeline.deploy(request, actor, log.say)}
