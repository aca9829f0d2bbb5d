"""HTTP to the register: timeouts, retries with exponential backoff on 429/503 and network
errors (honouring ``Retry-After``), every attempt through the rate limiter."""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from portal_adapter.sirene.errors import RegisterRateLimited, RegisterUnavailable
from portal_adapter.sirene.rate_limit import RateLimiter

log = logging.getLogger(__name__)
USER_AGENT = "hariane-pro-portal-adapter/0.1 (Le Havre Seine Metropole)"


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class UpstreamHttp:
    name: str
    limiter: RateLimiter
    timeout: float = 5.0
    retries: int = 2
    backoff: float = 0.5
    max_retry_after: float = 5.0
    session: requests.Session = field(default_factory=requests.Session)
    sleep: Callable[[float], None] = time.sleep

    def get(self, url: str, *, headers: dict[str, str] | None = None, params: dict | None = None) -> requests.Response:
        """The response of a GET that is neither 429 nor 503 (after retries), else an error."""
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            self.limiter.acquire()
            try:
                response = self.session.get(
                    url, headers=headers, params=params, timeout=self.timeout, allow_redirects=False
                )
            except requests.RequestException as error:
                log.warning("%s: %s (attempt %d)", self.name, type(error).__name__, attempt + 1)
                if last:
                    raise RegisterUnavailable() from error
                self.sleep(self.backoff * 2**attempt)
                continue
            if response.status_code not in (429, 503):
                return response
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            wait = self.backoff * 2**attempt if wait is None else wait
            log.warning(
                "%s: HTTP %d, retry after %.1f s (attempt %d)", self.name, response.status_code, wait, attempt + 1
            )
            if last or wait > self.max_retry_after:
                if response.status_code == 429:
                    raise RegisterRateLimited(retry_after=wait)
                raise RegisterUnavailable()
            self.sleep(wait)
        raise RegisterUnavailable()  # not reached
