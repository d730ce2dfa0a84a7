"""Service settings, read once at the entry point and passed down as a plain object.

Every value comes from an environment variable prefixed ``SHOPASSIST_`` (or a ``.env``
file in the working directory).  All problems are reported together at start-up, so an
operator fixes a broken configuration in one go instead of one restart per mistake.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.settings import ACTION_SERVER_DEFAULTS as SHARED
from contracts.settings import ENV_PREFIX, MIN_SECRET_CHARS, REPO_ROOT, env_name, parse_hours, parse_zone

SECRETS_FILE = REPO_ROOT / "var" / "secrets.env"
# Generated into SECRETS_FILE by `make run` when unset (gateway/ops/secrets_file.py).
GENERATED_SECRETS = ("rasa_token", "rasa_channel_secret", "actions_token", "identity_secret", "proactive_shop_secret")


class SettingsError(Exception):
    """The configuration is invalid; the message lists every problem found."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=(SECRETS_FILE, ".env"), extra="forbid", frozen=True
    )

    # --- where things live -------------------------------------------------------
    var_dir: Path = Field(REPO_ROOT / "var", description="Runtime data: models, index, logs, embedded Redis.")
    redis_url: str | None = Field(
        None,
        description="Redis to use (redis:// or rediss://, with an ACL user: docs/security.md). Unset: 127.0.0.1:6379 "
                    "if it answers, else an embedded Redis under var/.",
    )
    key_prefix: str = Field(SHARED.key_prefix, description="Prefix of every Redis key we write (tests use their own).")

    # --- processes ----------------------------------------------------------------
    gateway_host: str = Field("127.0.0.1", description="Interface the gateway listens on.")
    gateway_port: int = Field(8000, ge=1, le=65535, description="Port of the gateway (REST API, /docs).")
    rasa_url: str = Field("http://127.0.0.1:5005", description="Rasa server, bound to loopback.")
    rasa_token: SecretStr = Field(
        SecretStr(""), description="Auth token for Rasa's HTTP API. `make run` generates one under var/."
    )
    rasa_channel_secret: SecretStr = Field(
        SecretStr(""), description="HMAC key the gateway signs each turn for Rasa's chat channel with. Generated.")
    actions_url: str = Field("http://127.0.0.1:5055", description="Rasa SDK action server (loopback).")
    actions_token: SecretStr = Field(
        SecretStr(""), description="Bearer token Rasa presents to the action server. `make run` generates one.")

    # --- shopper API ----------------------------------------------------------------
    identity_secret: SecretStr = Field(
        SecretStr(""),
        description="HMAC-SHA256 key for `user_hash` (identity verification). `make run` generates one.",
    )
    max_message_chars: int = Field(2000, ge=1, le=100_000, description="Longest shopper message accepted.")
    messages_per_minute: int = Field(30, ge=1, description="Shopper messages per conversation per minute.")
    conversations_per_minute: int = Field(30, ge=1, description="New conversations per client IP per minute.")
    turn_timeout_s: float = Field(20.0, gt=0, description="How long the gateway waits for Rasa per turn.")
    conversation_ttl_days: int = Field(30, ge=1, description="Conversations untouched this long expire.")

    # --- handoff ------------------------------------------------------------------------
    agent_lease_s: float = Field(60.0, gt=0, description="An agent's claim lapses this long after its last heartbeat.")
    max_lost_leases: int = Field(3, ge=1, description="Lapsed leases before a ticket goes to the dead-letter list.")
    handback_cooldown_s: float = Field(300.0, ge=0, description="No new escalation this long after a handback.")

    # --- action server (validated here, passed to it by `shopassist run`) ------------
    shop_api_url: str = Field(SHARED.shop_api_url,
                              description="A real shop's API (actions/shop/http_api.py). Empty: the demo shop.")
    shop_api_token: SecretStr = Field(SecretStr(SHARED.shop_api_token), description="Bearer token for the shop API.")
    escalate_order_value: int = Field(SHARED.escalate_order_value, ge=0,
                                      description="Order value (KRW) above which a problem goes to a human.")
    support_hours: str = Field("", pattern=r"^$|^\d{1,2}-\d{1,2}$",  # "" is SHARED.support_hours, None
                               description="Agents' hours, e.g. 09-18, in support_timezone. Empty: always open.")
    support_timezone: str = Field(SHARED.support_timezone, description="Time zone of support_hours.")
    nps_sample_rate: float = Field(SHARED.nps_sample_rate, ge=0, le=1,
                                   description="Share of resolved conversations asked for NPS.")

    # --- knowledge base ---------------------------------------------------------------
    embedding_model: str = Field(
        SHARED.embedding_model, description="Sentence-transformers model folder. Empty: the packaged all-MiniLM-L6-v2."
    )
    kb_source_dir: Path = Field(REPO_ROOT / "faq", description="FAQ YAML sources.")
    kb_index_dir: Path = Field(SHARED.kb_index_dir, description="Versioned index folders + `current`.")

    # --- web -------------------------------------------------------------------------
    cors_origins: tuple[str, ...] = Field(
        (), description='Shop origins allowed to call the shopper API from a browser (JSON list, e.g. ["https://shop.example"]).'
    )
    trusted_proxies: tuple[str, ...] = Field(
        (), description='Proxies whose X-Forwarded-For names the client (JSON list of addresses or networks, '
                        'e.g. ["10.0.0.0/8"]; "*" trusts every peer). Empty: the peer address is the client.')
    ws_connections_per_minute: int = Field(60, ge=1, description="New WebSocket connections per client IP per minute.")

    # --- proactive ---------------------------------------------------------------------
    proactive_rules_path: Path = Field(
        REPO_ROOT / "proactive_rules.yml", description="Proactive rules (YAML, docs/proactive.md), re-read on change.")
    proactive_rules_check_s: float = Field(5.0, gt=0, description="How often the rules file is checked for changes.")
    proactive_holdout_share: float = Field(
        0.1, ge=0, le=1, description="Share of matching visitors held out (no prompt) to measure lift.")
    proactive_daily_budget: int = Field(3, ge=0, description="Proactive prompts per visitor per UTC day, all rules.")
    proactive_shop_secret: SecretStr = Field(
        SecretStr(""), description="Bearer secret of the shop's server for shop-events and the report (16+ chars).")
    proactive_max_batch: int = Field(50, ge=1, description="Most events in one batch (413 beyond).")
    proactive_max_event_age_s: float = Field(3600.0, gt=0, description="Events older than this are dropped.")
    proactive_batches_per_minute: int = Field(60, ge=1, description="Event batches per visitor per minute.")
    proactive_typing_s: float = Field(5.0, gt=0, description="Silence after a typing event.")
    proactive_pending_ttl_s: int = Field(900, ge=1, description="How long a prompt waits for a conversation.")
    proactive_session_gap_s: float = Field(1800.0, gt=0, description="Inactivity that starts a new visitor session.")
    proactive_visitor_ttl_days: int = Field(30, ge=1, description="Visitor records untouched this long expire.")

    # --- privacy (docs/privacy.md) ----------------------------------------------------------
    consent_required: tuple[Literal["personalisation", "proactive"], ...] = Field(
        (), description='Consents the widget asks for (JSON list, e.g. ["personalisation","proactive"]); '
                        "a required consent not given (or absent) is treated as refused.")
    privacy_notice_version: str = Field(
        "1", pattern=r"^[A-Za-z0-9._-]{1,32}$",
        description="Version of the privacy notice; consent given to an older one is asked for again.")
    privacy_notice_url: dict[str, str] = Field(
        {}, description='Link to the privacy notice per language (JSON, e.g. {"en": "https://shop.example/privacy"}).')
    privacy_notice_text: dict[str, str] = Field(
        {"en": "We use this chat to help you with your orders. Read how we handle your data in our privacy notice.",
         "ko": "이 채팅은 주문 관련 상담에 사용됩니다. 개인정보 처리 방침에서 데이터 처리 방법을 확인하세요."},
        description="Short privacy notice shown in the widget, per language (JSON object).")
    retention_transcripts_days: int = Field(
        90, ge=1, description="Conversations, transcripts and Rasa trackers idle this long are deleted by the sweeper.")
    retention_events_days: int = Field(400, ge=1, description="Insights events older than this are deleted.")
    retention_tickets_days: int = Field(
        7, ge=1, description="Closed handoff tickets and their audit entries older than this are deleted.")
    retention_misses_days: int = Field(90, ge=1, description="Editors' miss inbox entries older than this are deleted.")
    retention_feedback_days: int = Field(400, ge=1, description="CSAT/NPS answers older than this are deleted.")
    retention_sweep_s: float = Field(3600.0, gt=0, description="How often the retention sweeper runs.")

    # --- insights (support dashboard, /metrics, reports) ---------------------------------
    insights_db: Path | None = Field(
        None, description="SQLite file the dashboard and reports read (WAL). Empty: var/insights.sqlite3.")
    insights_max_days: int = Field(
        366, ge=1, le=3660, description="Longest period one dashboard query or report may span.")
    metrics_token: SecretStr = Field(
        SecretStr(""), description="Bearer token for /metrics. Empty: /metrics answers loopback clients only.")
    # --- editors: train, test, deploy ----------------------------------------------------
    rasa_project_dir: Path = Field(
        REPO_ROOT, description="Folder with config.yml, domain.yml, nlu_data/ that `train` and `deploy` read.")
    deploy_max_f1_drop: float = Field(
        0.02, ge=0, le=1,
        description="A deploy is refused when macro-F1 (overall or per language) drops more than this.")
    deploy_intent_f1_floor: float = Field(
        0.5, ge=0, le=1, description="A deploy is refused when any intent's held-out F1 falls below this.")

    # --- editors: miss inbox and content --------------------------------------------------
    editor_cluster_similarity: float = Field(
        0.5, gt=0, le=1,
        description="Similarity (half embedding cosine, half token overlap) at which a miss joins a cluster.")
    editor_suggestion_floor: float = Field(
        0.7, ge=0, le=1,
        description="An inbox suggestion's intent confidence below this is shown as a hint, never pre-selected.")
    editor_preview_questions: int = Field(
        500, ge=1, le=5000, description="Latest real FAQ questions an article preview replays.")

    rasa_env: Path = Field(REPO_ROOT / ".venv-rasa", description="Virtualenv with Rasa (Python 3.10).")
    log_level: str = Field("INFO", description="DEBUG shows message text; INFO and above never do.")

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
        return upper

    @field_validator("support_hours")
    @classmethod
    def _hours_in_a_day(cls, value: str) -> str:
        """The action server's rule (contracts/settings.py), checked here too so `run` fails at once."""
        try:
            parse_hours(value)
        except ValueError:
            raise ValueError("must be START-END with 0 <= START < END <= 24, e.g. 09-18") from None
        return value

    @field_validator("support_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            return parse_zone(value)
        except (ValueError, LookupError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name such as Asia/Seoul)") from None

    @field_validator("key_prefix")
    @classmethod
    def _simple_prefix(cls, value: str) -> str:
        if not value or not value.replace("-", "").replace("_", "").isalnum():
            raise ValueError("must be letters, digits, '-' or '_'")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            if entry != "*":
                try:
                    ipaddress.ip_network(entry, strict=False)
                except ValueError:
                    raise ValueError(f"{entry!r} is not an IP address or network") from None
        return value

    @field_validator("rasa_url", "actions_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @property
    def insights_path(self) -> Path:
        return self.insights_db or self.var_dir / "insights.sqlite3"

    def require_secrets(self) -> None:
        """Serving without these would leave Rasa's API, its chat channel, the action server or
        identity checks open."""
        missing = [
            env_name(name)
            for name in GENERATED_SECRETS if name != "proactive_shop_secret"
            if len(getattr(self, name).get_secret_value()) < MIN_SECRET_CHARS
        ]
        if missing:
            raise SettingsError(
                f"missing or too short ({MIN_SECRET_CHARS}+ characters): " + ", ".join(missing)
                + " — `make run` generates them into var/secrets.env"
            )


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings, turning pydantic's report into one readable error."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]  # pydantic validates each value
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = env_name("_".join(str(part) for part in error["loc"]))
            problems.append(f"  {name}: {error['msg']}")
        raise SettingsError("invalid settings:\n" + "\n".join(problems)) from None
