"""Editor API for train, test, deploy and rollback jobs, versions and NLU reports.

Jobs run in this process (gateway/editor/jobs.py); poll `GET /jobs/{id}` for progress.  The
CLI (`shopassist train | nlu test | deploy | rollback`) runs the same pipeline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from pydantic import Field, StrictBool, model_validator

from gateway.api.models import Strict
from gateway.auth import require_staff
from gateway.editor import nlu_test
from gateway.editor.jobs import JobRunner
from gateway.editor.pipeline import DeployRequest
from gateway.errors import NotFound

router = APIRouter(prefix="/api/v1/editor", tags=["editor"])
VERSION_OR_HASH = r"^(v[0-9]{1,9}|[0-9a-f]{16}|latest)$"


class JobRequest(Strict):
    kind: Literal["train", "test", "deploy"]
    force: StrictBool = False  # as documented: a boolean, not 0/1 or "yes"
    reason: str | None = Field(None, max_length=500)
    summary: str | None = Field(None, max_length=500)

    @model_validator(mode="after")
    def _force_needs_reason(self) -> JobRequest:
        if self.force and not (self.reason or "").strip():
            raise ValueError("force needs a reason: it is recorded with the version")
        return self


class RollbackRequest(Strict):
    version: str | None = Field(None, pattern=r"^v[0-9]{1,9}$")


def _jobs(request: Request) -> JobRunner:
    return request.app.state.services.editor_jobs


@router.post("/jobs", status_code=202, summary="Start a train, test or deploy job (409 while one runs)")
async def start_job(body: JobRequest, request: Request) -> dict[str, Any]:
    member = await require_staff(request, "editor")
    job = await _jobs(request).start(body.kind, DeployRequest(body.force, body.reason, body.summary), member.actor)
    return {"job": job}


@router.get("/jobs/{job_id}", summary="A job's state, progress lines and result")
async def get_job(request: Request, job_id: str = PathParam(pattern=r"^j-[0-9a-f]{12}$")) -> dict[str, Any]:
    await require_staff(request, "editor")
    job = await _jobs(request).store.get(job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    return {"job": job}


@router.get("/versions", summary="Deployed versions, newest first, and which one is live")
async def versions(request: Request) -> dict[str, Any]:
    await require_staff(request, "editor")
    store = _jobs(request).pipeline.versions
    return {"live": await store.live_id(), "versions": await store.all(), "history": await store.history()}


@router.post("/rollback", summary="Make an earlier version live again (default: the previous one)")
async def rollback(body: RollbackRequest, request: Request) -> dict[str, Any]:
    member = await require_staff(request, "editor")
    pipeline = _jobs(request).pipeline
    async with pipeline.locked(f"rollback by {member.name}"):
        version = await pipeline.rollback(body.version, member.actor, lambda _: None)
    return {"version": version}


@router.get("/reports/{version}", summary="NLU test report of a version (vN), a model hash, or `latest`")
async def report(request: Request, version: str = PathParam(pattern=VERSION_OR_HASH)) -> dict[str, Any]:
    await require_staff(request, "editor")
    return json.loads((await _report_dir(request, version) / nlu_test.REPORT).read_text())


@router.get("/reports/{version}/confusion.png", summary="Confusion matrix of a version's NLU test",
            response_class=FileResponse)
async def confusion(request: Request, version: str = PathParam(pattern=VERSION_OR_HASH)) -> FileResponse:
    await require_staff(request, "editor")
    image = await _report_dir(request, version) / nlu_test.CONFUSION
    if not image.is_file():
        raise NotFound(f"no confusion matrix for {version}")
    return FileResponse(image, media_type="image/png")


async def _report_dir(request: Request, version: str) -> Path:
    pipeline = _jobs(request).pipeline
    reports = pipeline.reports_dir
    if version == "latest":
        found = sorted(reports.glob(f"*/{nlu_test.REPORT}"), key=lambda p: p.stat().st_mtime) if reports.is_dir() \
            else []
        if not found:
            raise NotFound("no NLU report yet; run a test job or `shopassist nlu test`")
        return found[-1].parent
    model_hash = version
    if version.startswith("v"):
        record = await pipeline.versions.get(version)
        if record is None:
            raise NotFound(f"no version {version}")
        model_hash = record["model_hash"]
    folder = nlu_test.report_dir(reports, model_hash)
    if not (folder / nlu_test.REPORT).is_file():
        raise NotFound(f"no NLU report for {version}")
    return folder
