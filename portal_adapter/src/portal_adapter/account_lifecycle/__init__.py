"""Accounts over time: inactive accounts warned, disabled, then deleted (docs/account-lifecycle.md)."""
