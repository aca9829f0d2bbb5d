"""The back-office of metropolis agents (``/agents/``): the legacy registry, concessions, structures."""
