"""« Demander à rejoindre » a registered structure: the requester's public pages, the
administrators' « Demandes en attente », the metropolis agents' pages and the escalation job
(docs/join-requests.md)."""
