"""The realm as the adapter sees it: attribute, group, role and claim names, and the admin
client of the adapter's service account."""
