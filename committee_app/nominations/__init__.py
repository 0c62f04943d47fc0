"""Nominations, eligibility vetting and the candidate list (C4)."""
ORDER = 30


def init_app(app):
    from flask_babel import lazy_gettext as _l

    from ..features import CompoundPanel, NavItem, hooks
    from ..policy import Ability, can
    from . import models, views  # noqa: F401
    from .seed import seed_demo

    app.register_blueprint(views.bp)
    hooks(app).nav.append(NavItem(_l("候选人"), "nominations.my_candidates",
                                  lambda user: can(user, Ability.VOTE), order=40))
    hooks(app).compound_panels.append(CompoundPanel("nominations/_panel.html", panel_context, order=30))
    hooks(app).seeders.append((30, "nominations", seed_demo))


def panel_context(compound, user):
    from ..policy import Ability, can
    from . import util
    from .models import STATE_LABELS

    can_read = can(user, Ability.READ, compound)
    is_owner = can(user, Ability.VOTE, compound)
    if not (can_read or is_owner):
        return None
    candidate_list = util.current_list_summary(compound)
    state = "none" if candidate_list is None else candidate_list.state
    context = {"state": state, "state_label": STATE_LABELS[state], "can_read": can_read, "is_owner": is_owner,
               "code": compound.code, "nominations": 0, "candidates": 0, "unanswered": 0}
    if candidate_list is not None:
        conditions = util.conditions(compound)
        context.update(nominations=len(util.active_nominations(candidate_list)),
                       candidates=len(util.candidates(candidate_list, conditions)),
                       unanswered=len(util.unanswered_objections(candidate_list)),
                       seats=candidate_list.seats, objection_ends_on=candidate_list.objection_ends_on)
    return context
