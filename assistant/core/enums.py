"""Every mode the application has, as a string enum: a settings type, a Typer option type and
a value the code compares against, so a wrong value is an error naming the choices."""

from __future__ import annotations

from enum import StrEnum

from ingest.config import (
    EmbeddingBackend,
    IngestRuntime,
    QueryRuntime,
    SentenceDtype,
    SentenceVectors,
)


class AnswerMode(StrEnum):
    EXTRACTIVE = "extractive"  # verbatim sentences of the sources (offline default)
    LLM = "llm"  # a chat model writes the answer; every sentence is checked


class RetrievalMode(StrEnum):
    HYBRID = "hybrid"  # dense and BM25 fused by reciprocal rank
    DENSE = "dense"  # FAISS passages and their best sentences
    SPARSE = "sparse"  # BM25 only


class LLMProvider(StrEnum):
    NONE = "none"
    OPENAI = "openai"  # any OpenAI-compatible server (vLLM, llama.cpp's server, a hosted API)
    OLLAMA = "ollama"
    LOCAL = "local"  # the installed model behind `policy-assistant model serve` (OpenAI API)
    LLAMACPP = "llamacpp"  # a GGUF file loaded in-process by llama-cpp-python
    IMPORT = "import"  # any LangChain chat model class, by import path


class StoreKind(StrEnum):
    LOCAL = "local"  # the index folder: FAISS + BM25 files (one machine, the default)
    POSTGRES = "postgres"  # tables in PostgreSQL with pgvector (several replicas, one database)


class CitationRole(StrEnum):
    """What a citation stands for in its answer."""

    EVIDENCE = "evidence"  # a quotation that answers
    NEAREST = "nearest"  # the closest an institution that does not address the topic comes
    DOCUMENT = "document"  # a document named in a catalogue answer (opens it)


class StreamKind(StrEnum):
    TOKEN = "token"  # a piece of the draft answer
    RESET = "reset"  # the engine starts over (an LLM failed; the extractive answer follows)
    ANSWER = "answer"  # the final, checked Answer


__all__ = ["AnswerMode", "CitationRole", "EmbeddingBackend", "IngestRuntime", "LLMProvider", "QueryRuntime",
           "RetrievalMode", "SentenceDtype", "SentenceVectors", "StoreKind", "StreamKind"]
