"""The app's own HTTP routes beside Chainlit's, under ``/pa/``: an answer as clean text for
the copy button and the marker previews (``/pa/answer/<message id>``).

Answers are looked up among the recent answers of this process, then in the chat database
(the JSON kept with each message). With a login on (passwords or the local single-user mode),
only the user who owns the conversation gets its answers.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

from assistant import feedback
from assistant.ui import plain

RECENT_LIMIT = 2000  # answers of this process kept in memory (the database has the rest)
_RECENT: OrderedDict[str, tuple[str, dict[str, Any]]] = OrderedDict()


def remember(message_id: str, owner: str, data: dict[str, Any]) -> None:
    """Keep an answer's JSON for its message (before the database has it)."""
    _RECENT[message_id] = (owner, data)
    _RECENT.move_to_end(message_id)
    while len(_RECENT) > RECENT_LIMIT:
        _RECENT.popitem(last=False)


def find_answer(db: Path, message_id: str) -> tuple[str, dict[str, Any]] | None:
    return _RECENT.get(message_id) or feedback.answer_of_message(db, message_id)


def answer_payload(data: dict[str, Any]) -> dict[str, Any]:
    return {"text": plain.answer_text(data), "html": plain.answer_html(data),
            "sources": plain.previews(data)}


def allowed(owner: str, user: Any) -> bool:
    """Without any login every answer is readable (there are no users); with one, only the
    owner's."""
    if user is None:
        return True
    return bool(owner) and owner == getattr(user, "identifier", None)


def mount(db: Path) -> None:
    """Add the routes to Chainlit's FastAPI app, ahead of its catch-all page route."""
    from chainlit.auth import get_current_user
    from chainlit.server import app
    from fastapi import APIRouter, Depends, HTTPException

    router = APIRouter(prefix="/pa")

    @router.get("/answer/{message_id}")
    async def answer(message_id: str,
                     user: Any = Depends(get_current_user)) -> dict[str, Any]:  # noqa: B008
        found = find_answer(db, message_id)
        if found is None or not allowed(found[0], user):
            raise HTTPException(status_code=404, detail="no such answer")
        return answer_payload(found[1])

    if getattr(app.state, "pa_routes", False):
        return  # mounted already (the app module was imported again)
    app.state.pa_routes = True
    routes = app.router.routes
    before = len(routes)
    app.include_router(router)
    # Chainlit serves its page for every unknown path ("/{full_path:path}"): put ours first.
    added = routes[before:]
    del routes[before:]
    routes[0:0] = added
