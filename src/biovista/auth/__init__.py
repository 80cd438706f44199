"""Authentication building blocks: password hashing, signed tokens, login rate limits."""
