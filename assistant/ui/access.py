"""Who may try to log in how often, and who may rate which answer.

Routes placed before Chainlit's own ``POST /login``, ``PUT /feedback`` and ``DELETE /feedback``
(which they then call):

* login: after ``PA_LOGIN_MAX_FAILURES`` wrong passwords for a user name or from a client
  address, further attempts get 429 with ``Retry-After`` for a back-off that doubles with each
  failure; every attempt is logged (user, address, outcome; never the password). An attempt
  counts as a failure from the moment it starts, so a burst of parallel guesses is throttled
  too; a success clears the user's count.
* feedback: a logged-in user may rate, change or delete feedback only on their own threads
  (Chainlit stores whatever thread id the request names).
"""

# No ``from __future__ import annotations``: FastAPI reads the routes' parameter types at
# definition time, and they are imported inside the factories (Chainlit loads only when serving).
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from assistant.chatdb import ChatTarget

log = logging.getLogger("assistant.login")
MAX_TRACKED = 10_000  # keys kept in memory; the oldest are forgotten first


class LoginThrottle:
    """Failure counts per key ("user:alice", "addr:10.0.0.5") and the back-off they earn."""

    def __init__(self, max_failures: int, backoff_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.backoff_s = backoff_s
        self.clock = clock
        self.failures: OrderedDict[str, tuple[int, float]] = OrderedDict()

    def wait_s(self, *keys: str) -> float:
        """Seconds before any of ``keys`` may try again (0: now)."""
        now, waits = self.clock(), [0.0]
        for key in keys:
            count, last = self.failures.get(key, (0, 0.0))
            if count >= self.max_failures:
                delay = self.backoff_s * 2 ** min(count - self.max_failures, 6)
                waits.append(last + delay - now)
        return max(waits)

    def attempt(self, *keys: str) -> None:
        """Count an attempt as a failure until :meth:`succeeded` says otherwise."""
        for key in keys:
            count, _last = self.failures.pop(key, (0, 0.0))
            self.failures[key] = (count + 1, self.clock())
        while len(self.failures) > MAX_TRACKED:
            self.failures.popitem(last=False)

    def succeeded(self, user_key: str, address_key: str) -> None:
        self.failures.pop(user_key, None)
        count, last = self.failures.get(address_key, (1, 0.0))
        if count <= 1:
            self.failures.pop(address_key, None)
        else:
            self.failures[address_key] = (count - 1, last)


def _client(request: Any) -> str:
    return request.client.host if request.client else "unknown"


def _login_route(throttle: LoginThrottle) -> Callable[..., Any]:
    import chainlit.server as server
    from fastapi import Depends, HTTPException, Request, Response
    from fastapi.security import OAuth2PasswordRequestForm

    async def guarded_login(request: Request, response: Response,
                            form_data: OAuth2PasswordRequestForm = Depends()) -> Any:  # noqa: B008
        user, address = form_data.username, _client(request)
        keys = (f"user:{user.strip().lower()}", f"addr:{address}")
        wait = throttle.wait_s(*keys)
        if wait > 0:
            log.warning("login refused (too many failures, %.0f s left): user %r from %s",
                        wait, user, address)
            raise HTTPException(status_code=429, detail="Too many failed logins; try later.",
                                headers={"Retry-After": str(math.ceil(wait))})
        throttle.attempt(*keys)
        try:
            result = await server.login(request, response, form_data)
        except HTTPException:
            log.warning("login failed: user %r from %s", user, address)
            raise
        throttle.succeeded(*keys)
        log.info("login: user %r from %s", user, address)
        return result

    return guarded_login


def _owner_check(db: ChatTarget) -> Callable[..., None]:
    from fastapi import HTTPException

    from assistant.feedback import ownership_problem

    def check(user: Any, for_id: str | None, thread_id: str | None,
              feedback_id: str | None) -> None:
        if user is None:  # login is off: one local user
            return
        problem = ownership_problem(db, user.identifier, for_id, thread_id, feedback_id)
        if problem:
            log.warning("feedback refused for user %r: %s", user.identifier, problem)
            raise HTTPException(status_code=403, detail=f"Not allowed: {problem}.")

    return check


def _feedback_routes(db: ChatTarget) -> tuple[Callable[..., Any], Callable[..., Any]]:
    import chainlit.server as server
    from chainlit.server import UserParam
    from chainlit.types import DeleteFeedbackRequest, UpdateFeedbackRequest
    from fastapi import Request

    check = _owner_check(db)

    async def update_feedback(request: Request, update: UpdateFeedbackRequest,
                              current_user: UserParam) -> Any:
        fb = update.feedback
        check(current_user, fb.forId, fb.threadId, fb.id)
        return await server.update_feedback(request, update, current_user)

    async def delete_feedback(request: Request, payload: DeleteFeedbackRequest,
                              current_user: UserParam) -> Any:
        check(current_user, None, None, payload.feedbackId)
        return await server.delete_feedback(request, payload, current_user)

    return update_feedback, delete_feedback


def install(throttle: LoginThrottle, feedback_db: ChatTarget) -> None:
    """Put the guarded routes in front of Chainlit's (before the server starts)."""
    import chainlit.server as server
    from chainlit.config import config
    from fastapi import APIRouter

    router = APIRouter(prefix=config.run.root_path)
    router.add_api_route("/login", _login_route(throttle), methods=["POST"])
    update, delete = _feedback_routes(feedback_db)
    router.add_api_route("/feedback", update, methods=["PUT"])
    router.add_api_route("/feedback", delete, methods=["DELETE"])
    server.app.router.routes[0:0] = router.routes
    log.setLevel(logging.INFO)  # successful logins are logged too
