"""The editor content services (miss inbox, source writer, preview), built once in the gateway's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from bot.editor.changes import ChangeLog
from bot.editor.clustering import MissClusterer
from bot.editor.inbox import MissInbox
from bot.editor.misses import MissStore
from bot.editor.preview import KbPreview
from bot.editor.sources import SourcePaths, SourceWriter
from bot.editor.suggestions import Suggester
from bot.keys import GatewayKeys
from bot.rasa_client import RasaClient
from bot.settings import Settings
from kb_index import KnowledgeBase


@dataclass(frozen=True)
class EditorContent:
    inbox: MissInbox
    sources: SourceWriter
    preview: KbPreview
    changes: ChangeLog


def editor_content(settings: Settings, redis: Redis, keys: GatewayKeys, rasa: RasaClient,
                   kb: KnowledgeBase) -> EditorContent:
    sources = SourceWriter(SourcePaths(
        project_dir=settings.rasa_project_dir, faq_dir=settings.kb_source_dir,
        lock_file=settings.var_dir / "editor-sources.lock", rasa_env=settings.rasa_env))
    changes = ChangeLog(redis, keys)
    clusterer = MissClusterer(kb.encode, kb.tokenizer.tokens, settings.editor_cluster_similarity)
    inbox = MissInbox(MissStore(redis, keys), clusterer, Suggester(rasa, kb), sources, changes)
    return EditorContent(inbox, sources, KbPreview(redis, keys, kb, sources, settings.editor_preview_questions),
                         changes)
