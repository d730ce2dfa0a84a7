"""The editor content services (miss inbox, source writer, preview), built once in the gateway's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from contracts.keys import RedisKeys
from gateway.editor.changes import ChangeLog
from gateway.editor.clustering import MissClusterer
from gateway.editor.inbox import MissInbox
from gateway.editor.misses import MissStore
from gateway.editor.preview import KbPreview
from gateway.editor.sources import SourcePaths, SourceWriter
from gateway.editor.suggestions import Suggester
from gateway.rasa_client import RasaClient
from gateway.settings import Settings
from kb_index import KnowledgeBase


@dataclass(frozen=True)
class EditorContent:
    inbox: MissInbox
    sources: SourceWriter
    preview: KbPreview
    changes: ChangeLog


def editor_content(settings: Settings, redis: Redis, keys: RedisKeys, rasa: RasaClient,
                   kb: KnowledgeBase) -> EditorContent:
    sources = SourceWriter(SourcePaths(
        project_dir=settings.rasa_project_dir, faq_dir=settings.kb_source_dir,
        lock_file=settings.var_dir / "editor-sources.lock", rasa_env=settings.rasa_env))
    changes = ChangeLog(redis, keys)
    clusterer = MissClusterer(kb.encode, kb.tokenizer.tokens, settings.editor_cluster_similarity)
    suggester = Suggester(rasa, kb, settings.editor_suggestion_floor)
    inbox = MissInbox(MissStore(redis, keys), clusterer, suggester, sources, changes)
    return EditorContent(inbox, sources, KbPreview(redis, keys, kb, sources, settings.editor_preview_questions),
                         changes)
