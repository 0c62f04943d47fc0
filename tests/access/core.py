"""Routes of the foundation: landing, login, admin, registry."""
from committee_app.extensions import db
from committee_app.registry.models import Compound

from .routes import ALL_ROLES, READERS_OF_A, Route


PERSONAL_DATA_OF_A = ("admin", "officer", "community_officer", "organiser")


def code_of(world, name="a"):
    return db.session.get(Compound, getattr(world, name)).code


ROUTES = [
    Route("web.index", lambda w: "/", allowed=ALL_ROLES + ("anonymous",), ok=(200, 302)),
    Route("web.healthz", lambda w: "/healthz", allowed=ALL_ROLES + ("anonymous",)),
    Route("web.set_language", lambda w: "/language", method="POST", allowed=ALL_ROLES + ("anonymous",), ok=(302,),
          data={"locale": "en"}),
    Route("accounts.login", lambda w: "/login", allowed=ALL_ROLES + ("anonymous",)),
    Route("accounts.logout", lambda w: "/logout", method="POST", allowed=ALL_ROLES + ("anonymous",), ok=(302,)),
    Route("accounts.users", lambda w: "/admin/users", allowed=("admin",)),
    Route("accounts.create_user", lambda w: "/admin/users", method="POST", allowed=("admin",), ok=(302,)),
    Route("accounts.user", lambda w: f"/admin/users/{w.users['owner']}", allowed=("admin",)),
    Route("accounts.grant", lambda w: f"/admin/users/{w.users['owner']}/grants", method="POST", allowed=("admin",),
          ok=(302,)),
    Route("accounts.compound_units", lambda w: f"/admin/compounds/{w.a}/units", allowed=("admin",)),
    Route("accounts.revoke", lambda w: "/admin/grants/999999/revoke", method="POST", allowed=("admin",), ok=(404,)),
    Route("registry.admin_registry", lambda w: "/admin/registry", allowed=("admin",)),
    Route("registry.create_street", lambda w: "/admin/streets", method="POST", allowed=("admin",), ok=(302,)),
    Route("registry.create_community", lambda w: "/admin/communities", method="POST", allowed=("admin",), ok=(302,)),
    Route("registry.create_compound", lambda w: "/admin/compounds", method="POST", allowed=("admin",), ok=(302,)),
    Route("registry.compounds", lambda w: "/compounds", allowed=READERS_OF_A + ("outside_officer", "outside_mentor", "other_organiser")),
    Route("registry.compound", lambda w: f"/compounds/{code_of(w)}", allowed=READERS_OF_A + ("owner",)),
    # policy.Ability.PERSONAL_DATA: the full roll is for admin, the organiser and a street officer in scope
    Route("registry.roll", lambda w: f"/compounds/{code_of(w)}/roll", allowed=PERSONAL_DATA_OF_A),
    Route("registry.import_roll", lambda w: f"/compounds/{code_of(w)}/roll", method="POST",
          allowed=("admin", "organiser"), ok=(400,)),
]

ANYONE = ALL_ROLES + ("anonymous",)


def _first_notice_id(world):
    from committee_app.notices.models import Notice
    from committee_app.notices.operations import post_notice
    from committee_app import clock

    notice = db.session.scalar(db.select(Notice).where(Notice.compound_id == world.a))
    if notice is None:
        notice = post_notice(db.session.get(Compound, world.a), kind="other", title="测试公告",
                             posted_on=clock.today(), publicity_days=7, pdf=b"%PDF-1.4 test")
        db.session.commit()
    return notice.id


ROUTES += [
    Route("notices.board", lambda w: f"/board/{code_of(w)}", allowed=ANYONE, anonymous=(200,)),
    Route("notices.notice", lambda w: f"/board/{code_of(w)}/notices/{_first_notice_id(w)}", allowed=ANYONE,
          anonymous=(200,)),
    Route("notices.notice_pdf", lambda w: f"/board/{code_of(w)}/notices/{_first_notice_id(w)}.pdf", allowed=ANYONE,
          anonymous=(200,)),
]
