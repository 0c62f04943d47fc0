"""Demo: contact details for the demo accounts, then the notifications due on the demo's day,
so each role logs in to a bell that speaks about its own compounds. Nothing is sent here:
``flask notify run`` with SMTP configured delivers the e-mails once."""
from __future__ import annotations

from . import operations


def seed_notifications(ctx) -> None:
    for username, user in ctx.users.items():
        operations.save_preferences(user.id, email=f"{username}@example.org", phone=None,
                                    stops_optional=False, choices={})
    created = operations.deliver(ctx.today)
    ctx.notes.append(f"notifications: {len(created)} due on {ctx.today.isoformat()}")
