"""The answer layer's own configuration, derived from the application settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.core.enums import LLMProvider
from assistant.core.settings import Settings


@dataclass(frozen=True)
class AnswerConfig:
    top_k: int = 5  # passages the answer reads
    max_sentences: int = 5  # excerpts in an extractive answer
    refusal_threshold: float = 0.30  # evidence score the best sentence must reach
    evidence_floor: float = 0.37  # what counts as an institution addressing a topic
    support_threshold: float = 0.59  # support score an LLM sentence must reach

    @classmethod
    def from_settings(cls, s: Settings) -> AnswerConfig:
        return cls(top_k=s.top_k, max_sentences=s.max_answer_sentences,
                   refusal_threshold=s.refusal_threshold, evidence_floor=s.evidence_floor,
                   support_threshold=s.support_threshold)


@dataclass(frozen=True)
class LLMConfig:
    provider: LLMProvider = LLMProvider.NONE
    model: str = ""
    base_url: str = ""
    api_key: str = ""
    temperature: float = 0.0
    max_tokens: int = 384
    timeout_s: float = 60.0
    first_token_timeout_s: float = 30.0
    server_port: int = 8765  # of `model serve`, for provider "local"
    kwargs: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, s: Settings) -> LLMConfig:
        return cls(provider=s.llm_provider, model=s.llm_model, base_url=s.llm_base_url,
                   api_key=s.llm_api_key, temperature=s.llm_temperature,
                   max_tokens=s.llm_max_tokens, timeout_s=s.llm_timeout_s,
                   first_token_timeout_s=s.llm_first_token_timeout_s,
                   server_port=s.llm_server_port,
                   kwargs=dict(s.llm_kwargs))

    @property
    def enabled(self) -> bool:
        return self.provider is not LLMProvider.NONE
