"""What every page shares: login and logout (OIDC), login sessions and the realm's back-channel
logout, French error pages, health endpoints, browser security headers, CSRF, who may call the
API (`api_auth`, for every `/api/*` blueprint), log lines that a
request cannot forge."""
