"""Accounts: users, groups, grants of roles, API tokens, logins (refresh tokens) and the first
admin.
"""
