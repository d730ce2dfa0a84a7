"""Every Redis key outside the handoff queue (which keeps its own, handoff/keys.py), built here
and nowhere else: the gateway, the action server and the privacy code all import this module.

Keys about one subject share its hash tag so they live in one Cluster slot and can change together
in one MULTI or script: ``{conv:<id>}`` a conversation, ``{cust:<id>}`` a customer, ``{vis:<id>}``
a visitor.  Erasure and export find a subject's keys by that tag (the ``*_pattern`` methods).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RedisKeys:
    prefix: str

    def all_keys(self) -> str:
        """Pattern of every key written under this prefix (for ACL rules, gateway/ops/redis_acl.py)."""
        return f"{self.prefix}:*"

    def rasa_prefix(self) -> str:
        """Rasa's tracker and lock stores accept only alphanumeric key prefixes."""
        return "".join(ch for ch in self.prefix if ch.isalnum()) or "shopassist"

    def rasa_tracker(self, conversation_id: str) -> str:
        """Rasa's RedisTrackerStore key for a conversation (its sender id), in Rasa's format."""
        return f"{self.rasa_prefix()}:tracker:{conversation_id}"

    def rasa_lock(self, conversation_id: str) -> str:
        """Rasa's RedisLockStore key for a conversation, in Rasa's format."""
        return f"{self.rasa_prefix()}:lock:{conversation_id}"

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

    def queued_noted(self, conversation_id: str) -> str:
        """Set while a queued shopper's last "added to your request" is recent (gateway/turns.py)."""
        return f"{self.prefix}:{{conv:{conversation_id}}}:noted"

    def conversation_feedback(self, conversation_id: str) -> str:
        """Hash written by the action server: csat, csat_at, nps, nps_at (actions/feedback.py)."""
        return f"{self.prefix}:{{conv:{conversation_id}}}:feedback"

    def rate(self, scope: str, subject: str, window: int) -> str:
        return f"{self.prefix}:rate:{scope}:{subject}:{window}"

    def insights_events(self) -> str:
        """Stream of facts for the support dashboard and /metrics (gateway/insights/), copied into SQLite."""
        return f"{self.prefix}:insights:events"

    def customer_conversations(self, customer_id: str) -> str:
        """Sorted set: the customer's conversation ids by creation time (for export and erasure)."""
        return f"{self.prefix}:{{cust:{customer_id}}}:conversations"

    def conversation_consent(self, conversation_id: str) -> str:
        """List, newest first: the conversation's consent changes (JSON records)."""
        return f"{self.prefix}:{{conv:{conversation_id}}}:consent"

    def customer_issues(self, customer_id: str) -> str:
        """Sorted set written by the action server: problems raised recently (actions/escalation/history.py)."""
        return f"{self.prefix}:{{cust:{customer_id}}}:issues"

    def customer_consent(self, customer_id: str) -> str:
        return f"{self.prefix}:{{cust:{customer_id}}}:consent"

    def visitor_consent(self, visitor_id: str) -> str:
        """Consent given before a conversation exists (proactive prompts), in the visitor's hash tag."""
        return f"{self.prefix}:{{vis:{visitor_id}}}:consent"

    def staff_members(self) -> str:
        """Hash: staff account id -> JSON record (editors, leads, admins)."""
        return f"{self.prefix}:staff"

    def staff_tokens(self) -> str:
        """Hash: sha256 of a staff bearer token -> account id."""
        return f"{self.prefix}:staff:tokens"

    def guest_order_checks(self, conversation_id: str) -> str:
        """Failed order-number + email checks of a guest in one conversation (actions/guest_orders.py)."""
        return f"{self.prefix}:{{conv:{conversation_id}}}:guest_checks"

    def order_checks(self, order_id: str) -> str:
        """Failed guest checks of one order number, across conversations (stops guessing its email)."""
        return f"{self.prefix}:order_checks:{order_id}"

    def conversation_pattern(self, conversation_id: str) -> str:
        """SCAN pattern for every key in a conversation's hash tag, whoever wrote it (gateway, actions)."""
        return f"{self.prefix}:{{conv:{conversation_id}}}:*"

    def customer_pattern(self, customer_id: str) -> str:
        return f"{self.prefix}:{{cust:{customer_id}}}:*"

    def visitor_pattern(self, visitor_id: str) -> str:
        return f"{self.prefix}:{{vis:{visitor_id}}}:*"

    def feedback_pattern(self) -> str:
        """SCAN pattern of every conversation's feedback hash (kept apart from transcripts' retention)."""
        return f"{self.prefix}:{{conv:*}}:feedback"

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


@dataclass(frozen=True)
class ProactiveKeys:
    """The proactive feature's keys; a visitor's share the tag ``{vis:<id>}`` so the limits script touches one slot."""

    prefix: str

    def visitor(self, visitor_id: str) -> str:
        return f"{self.prefix}:{{vis:{visitor_id}}}:state"

    def limits(self, visitor_id: str) -> str:
        """Hash: once-per-session marks, cooldown deadlines and daily budget counts."""
        return f"{self.prefix}:{{vis:{visitor_id}}}:limits"

    def typing(self, visitor_id: str) -> str:
        return f"{self.prefix}:{{vis:{visitor_id}}}:typing"

    def pending(self, visitor_id: str) -> str:
        """A prompt waiting for the visitor's conversation to exist."""
        return f"{self.prefix}:{{vis:{visitor_id}}}:pending"

    def visitor_token(self, token_hash: str) -> str:
        return f"{self.prefix}:vtok:{token_hash}"

    def conversation_visitor(self, conversation_id: str) -> str:
        return f"{self.prefix}:{{conv:{conversation_id}}}:visitor"

    def customer(self, customer_id: str) -> str:
        """Hash: the customer's segment and latest visitor."""
        return f"{self.prefix}:{{cust:{customer_id}}}:profile"

    def customer_pending(self, customer_id: str) -> str:
        """List of shop events waiting for the customer's next visit."""
        return f"{self.prefix}:{{cust:{customer_id}}}:pending"

    def metric(self, rule_id: str, day: str, group: str, metric: str) -> str:
        """Set of visitor ids: group is shown|holdout, metric exposed|checkout|order."""
        return f"{self.prefix}:pstats:{rule_id}:{day}:{group}:{metric}"

    def deliveries(self, rule_id: str, day: str) -> str:
        """List of 'conversation_id message_id' of prompts shown, to measure replies."""
        return f"{self.prefix}:pstats:{rule_id}:{day}:deliveries"

    def report_pattern(self) -> str:
        """SCAN pattern of every report set and list (erasure drops a visitor's entries)."""
        return f"{self.prefix}:pstats:*"
