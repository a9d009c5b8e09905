"""The Chainlit chat window: callbacks only. Run it with ``policy-assistant serve``.

Everything here delegates: answering to :mod:`assistant.ui.chat` (which calls the same
:class:`assistant.engine.Assistant` as the CLI), briefs to :mod:`assistant.ui.brief`, storage
to :mod:`assistant.ui.conversation`. The Assistant loads once per process (``ui_runtime.runtime()``).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import chainlit as cl
from chainlit.config import config as cl_config
from chainlit.types import ThreadDict

from assistant.ui import auth as ui_auth
from assistant.ui import brief as ui_brief
from assistant.ui import chat as ui_chat
from assistant.ui import conversation as ui_conversation
from assistant.ui import local_user as ui_local
from assistant.ui import offline as ui_offline
from assistant.ui import routes as ui_routes
from assistant.ui.runtime import runtime
from assistant.ui.starters import headings_by_document, starters
from assistant.ui.welcome import write_welcome

ui_offline.install()
RUNTIME = runtime()
USERS = ui_auth.configured_users(RUNTIME.settings)
LOCAL_USER = ui_local.local_user(RUNTIME.settings, USERS,
                                 os.environ.get("CHAINLIT_HOST", "127.0.0.1"))
ui_routes.mount(ui_conversation.target(RUNTIME.settings))
if RUNTIME.ready.is_set() and RUNTIME.assistant is not None:  # else `serve` writes it
    write_welcome(Path(cl_config.root), RUNTIME.documents())


@cl.data_layer
def _data_layer() -> Any:
    return ui_conversation.data_layer(RUNTIME.settings)


@cl.set_starters
async def _starters(user: cl.User | None = None, language: str | None = None) -> list[cl.Starter]:
    a = RUNTIME.assistant if RUNTIME.ready.is_set() else None
    if a is None:  # still loading: the welcome page says so, and a reload shows the starters
        return []
    return [cl.Starter(label=label, message=question)
            for label, question, _doc in starters(a.corpus(), headings_by_document(a.store))]


@cl.on_chat_start
async def _start() -> None:
    await ui_chat.start()


@cl.on_chat_resume
async def _resume(thread: ThreadDict) -> None:
    await ui_chat.resume(thread)


@cl.on_message
async def _message(message: cl.Message) -> None:
    await ui_chat.answer(message)


@cl.action_callback(ui_brief.ADD)
async def _add_to_brief(action: cl.Action) -> None:
    await ui_brief.add(action)


@cl.action_callback(ui_brief.EXPORT)
async def _export_brief(action: cl.Action) -> None:
    await ui_brief.export(action, ui_chat.documents())


if USERS:

    @cl.password_auth_callback
    async def _login(username: str, password: str) -> cl.User | None:
        # argon2 takes tens of milliseconds of CPU: off the event loop, so one login does not
        # stall every other user's chat
        if await asyncio.to_thread(ui_auth.check_password, USERS, username, password):
            return cl.User(identifier=username, metadata={"role": "user", "provider": "password"})
        return None

elif LOCAL_USER:

    @cl.header_auth_callback
    async def _local(headers: Any) -> cl.User | None:
        if not ui_local.request_is_local(headers.get("host")):
            return None
        return cl.User(identifier=str(LOCAL_USER), metadata={"role": "user", "provider": "local"})
