"""What every page shares: login and logout (OIDC), login sessions and the realm's back-channel
logout, French error pages, health endpoints, browser security headers, CSRF, log lines that a
request cannot forge."""
