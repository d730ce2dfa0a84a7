"""Every Redis key the gateway writes, built in one place.

A conversation's keys share the hash tag ``{conv:<id>}`` so they live in one Cluster slot
and can be changed together in one MULTI.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GatewayKeys:
    prefix: str

    def conversation(self, conversation_id: str) -> str:
        return f"{self.prefix}:{{conv:{conversation_id}}}:meta"

    def transcript(self, conversation_id: str) -> str:
        return f"{self.prefix}:{{conv:{conversation_id}}}:log"

    def client_message(self, conversation_id: str, client_msg_id: str) -> str:
        return f"{self.prefix}:{{conv:{conversation_id}}}:cmid:{client_msg_id}"

    def turn_lock(self, conversation_id: str) -> str:
        return f"{self.prefix}:{{conv:{conversation_id}}}:turn"

    def relayed_event(self, event_id: str) -> str:
        return f"{self.prefix}:relayed:{event_id}"

    def typing(self, conversation_id: str) -> str:
        """Pub/sub channel for typing indicators (not stored)."""
        return f"{self.prefix}:{{conv:{conversation_id}}}:typing"

    def rate(self, scope: str, subject: str, window: int) -> str:
        return f"{self.prefix}:rate:{scope}:{subject}:{window}"

    def insights_events(self) -> str:
        """Stream of facts for the support dashboard and /metrics (bot/insights/), copied into SQLite."""
        return f"{self.prefix}:insights:events"

    def customer_conversations(self, customer_id: str) -> str:
        """Sorted set: the customer's conversation ids by creation time (for export and erasure)."""
        return f"{self.prefix}:{{cust:{customer_id}}}:conversations"

    def conversation_consent(self, conversation_id: str) -> str:
        """List, newest first: the conversation's consent changes (JSON records)."""
        return f"{self.prefix}:{{conv:{conversation_id}}}:consent"

    def customer_consent(self, customer_id: str) -> str:
        return f"{self.prefix}:{{cust:{customer_id}}}:consent"

    def visitor_consent(self, visitor_id: str) -> str:
        """Consent given before a conversation exists (proactive prompts), in the visitor's hash tag."""
        return f"{self.prefix}:{{vis:{visitor_id}}}:consent"

    def conversation_pattern(self, conversation_id: str) -> str:
        """SCAN pattern for every key in a conversation's hash tag, whoever wrote it (gateway, actions)."""
        return f"{self.prefix}:{{conv:{conversation_id}}}:*"

    def customer_pattern(self, customer_id: str) -> str:
        return f"{self.prefix}:{{cust:{customer_id}}}:*"

    def visitor_pattern(self, visitor_id: str) -> str:
        return f"{self.prefix}:{{vis:{visitor_id}}}:*"
    # --- editors: versions, deploy lock, jobs ---------------------------------------------
    def editor_versions(self) -> str:
        """Hash: version id -> JSON record of a deploy."""
        return f"{self.prefix}:editor:versions"

    def editor_version_order(self) -> str:
        """List of version ids, oldest first."""
        return f"{self.prefix}:editor:versions:order"

    def editor_version_seq(self) -> str:
        return f"{self.prefix}:editor:versions:seq"

    def editor_live(self) -> str:
        """The live version id."""
        return f"{self.prefix}:editor:live"

    def editor_live_log(self) -> str:
        """List of JSON entries: which version went live, how (deploy/rollback), who, when."""
        return f"{self.prefix}:editor:live:log"

    def editor_pipeline_lock(self) -> str:
        """Held by the one train, test, deploy or rollback running (SET NX with expiry)."""
        return f"{self.prefix}:editor:pipeline:lock"

    def editor_job(self, job_id: str) -> str:
        return f"{self.prefix}:editor:job:{job_id}"

    def editor_job_progress(self, job_id: str) -> str:
        return f"{self.prefix}:editor:job:{job_id}:progress"

    # --- editors: miss inbox ---------------------------------------------------------------
    def editor_misses(self) -> str:
        """Stream of masked shopper messages the bot could not answer (no conversation id)."""
        return f"{self.prefix}:editor:misses"

    def editor_kb_questions(self) -> str:
        """Stream of masked questions the bot searched the FAQ for, replayed by the preview."""
        return f"{self.prefix}:editor:kb_questions"

    def editor_resolutions(self) -> str:
        """Hash: cluster id -> JSON of the resolved cluster (its resolution, actor, ts)."""
        return f"{self.prefix}:editor:resolutions"

    def editor_resolved_misses(self) -> str:
        """Hash: miss (stream entry) id -> id of the cluster that resolved it."""
        return f"{self.prefix}:editor:resolved_misses"

    def editor_changes(self) -> str:
        """List (newest first, bounded) of JSON records of source edits: who, when, what, which files."""
        return f"{self.prefix}:editor:changes"
