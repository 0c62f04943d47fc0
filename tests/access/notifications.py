"""Routes of the notification centre: every signed-in person has their own; the calendar feed
answers only to a valid private token (404 otherwise, for anyone)."""
from .routes import ALL_ROLES, Route

ROUTES = [
    Route("notifications.index", lambda w: "/notifications", allowed=ALL_ROLES),
    Route("notifications.open_notification", lambda w: "/notifications/999999/open", method="POST",
          allowed=ALL_ROLES, ok=(404,), note="only one's own notifications open; this one is nobody's"),
    Route("notifications.read_all", lambda w: "/notifications/read", method="POST", allowed=ALL_ROLES, ok=(302,)),
    Route("notifications.settings", lambda w: "/notifications/settings", allowed=ALL_ROLES),
    Route("notifications.save_settings", lambda w: "/notifications/settings", method="POST", allowed=ALL_ROLES,
          ok=(302,), data={"email": "someone@example.org"}),
    Route("notifications.reset_calendar", lambda w: "/notifications/calendar/reset", method="POST",
          allowed=ALL_ROLES, ok=(302,)),
    Route("notifications.calendar", lambda w: "/calendar/not-a-token.ics", allowed=ALL_ROLES + ("anonymous",),
          ok=(404,)),
]
