"""Outbox delivery: senders drain the outbox at each platform's rate limit, exactly once."""
