"""Routes of voting (C5): organisers run the vote, readers read the count, owners and
anyone with a code use the ballot page, anyone reads the public ballot box."""
from committee_app.extensions import db
from committee_app.registry.models import Compound

from .routes import ALL_ROLES, READERS_OF_A, Route

MANAGERS = ("admin", "organiser")
# policy.Ability.REPRINT_LETTER: those who deliver the letters
REPRINTERS = ("admin", "organiser")
# policy.Ability.READ_BALLOT: admin and a street officer in scope (inspections), never the organiser
BALLOT_READERS = ("admin", "officer", "community_officer")
ANYONE = ALL_ROLES + ("anonymous",)


def _vote(world, title="访问测试选举", state="open"):
    from committee_app.voting import operations
    from committee_app.voting.models import Candidate, Vote

    vote = db.session.scalar(db.select(Vote).where(Vote.compound_id == world.a, Vote.title == title))
    if vote is None:
        compound = db.session.get(Compound, world.a)
        vote = operations.create_election(compound, title=title, seats=2, is_by_election=True)
        # the ballot's names as rows: compound A may be in a procedure (other features' routes), where
        # typed names are refused and only the finalised list may be added
        for position, name in enumerate(["甲", "乙", "丙"], start=1):
            db.session.add(Candidate(vote_id=vote.id, name=name, position=position))
        db.session.flush()
        if state != "draft":
            operations.open_vote(vote, compound, enforce_gate=False)
        if state in ("closed", "counted"):
            operations.close_vote(vote, compound)
        db.session.commit()
    return vote.id


def base(world, title="访问测试选举", state="open"):
    return f"/compounds/A/votes/{_vote(world, title, state)}"


ROUTES = [
    Route("voting.index", lambda w: "/compounds/A/votes", allowed=READERS_OF_A),
    Route("voting.create", lambda w: "/compounds/A/votes", method="POST", allowed=MANAGERS, ok=(400,)),
    Route("voting.detail", lambda w: base(w), allowed=READERS_OF_A),
    Route("voting.add_candidate", lambda w: base(w) + "/candidates", method="POST", allowed=MANAGERS, ok=(302,)),
    Route("voting.add_finalised", lambda w: base(w) + "/candidates/finalised", method="POST", allowed=MANAGERS,
          ok=(302,)),
    Route("voting.remove_candidate", lambda w: base(w) + "/candidates/999999/remove", method="POST",
          allowed=MANAGERS, ok=(404,)),
    Route("voting.set_times", lambda w: base(w, "草稿表决", "draft") + "/times", method="POST", allowed=MANAGERS,
          ok=(302,)),
    Route("voting.transition", lambda w: base(w, "草稿表决", "draft") + "/count", method="POST", allowed=MANAGERS,
          ok=(302,), note="counting a draft is refused with a message"),
    Route("voting.letter_batches", lambda w: base(w) + "/letters", allowed=MANAGERS),
    Route("voting.reprint_letter", lambda w: base(w) + "/letters/reprint", method="POST", allowed=REPRINTERS,
          ok=(302,), note="no unit named: refused with a message"),
    Route("voting.inspect_ballot", lambda w: base(w) + "/ballot-inspection", allowed=BALLOT_READERS),
    Route("voting.inspect_ballot", lambda w: base(w) + "/ballot-inspection", method="POST", allowed=BALLOT_READERS,
          ok=(400,), note="no unit named: refused, nothing read"),
    Route("voting.meeting_notice", lambda w: base(w) + "/meeting-notice", method="POST", allowed=MANAGERS,
          ok=(302,), note="an open vote's notice is refused with a message"),
    Route("voting.ballot_paper", lambda w: base(w) + "/ballot-paper.pdf", allowed=READERS_OF_A),
    Route("voting.paper", lambda w: base(w) + "/paper", allowed=MANAGERS),
    Route("voting.enter_paper", lambda w: base(w) + "/paper", method="POST", allowed=MANAGERS, ok=(400,)),
    Route("voting.import_paper", lambda w: base(w) + "/paper/import", method="POST", allowed=MANAGERS, ok=(400,)),
    Route("voting.resolve", lambda w: base(w) + "/paper/999999/resolve", method="POST", allowed=MANAGERS,
          ok=(302,)),
    Route("voting.proxy_document", lambda w: base(w) + "/ballots/999999/proxy-document", allowed=MANAGERS,
          ok=(404,)),
    Route("voting.count", lambda w: base(w) + "/count", allowed=READERS_OF_A),
    Route("voting.result_notice", lambda w: base(w) + "/result-notice", method="POST", allowed=MANAGERS,
          ok=(302,)),
    Route("voting.install_committee", lambda w: base(w) + "/committee", method="POST", allowed=MANAGERS,
          ok=(302,)),
    Route("voting.ballot", lambda w: f"/ballot/{_vote(w)}", allowed=ANYONE, anonymous=(200,)),
    Route("voting.confirm", lambda w: f"/ballot/{_vote(w)}/confirm", method="POST", allowed=ANYONE,
          ok=(200, 400), anonymous=(400,), note="the owner of A reaches the confirmation of a blank ballot"),
    Route("voting.cast", lambda w: f"/ballot/{_vote(w)}/cast", method="POST", allowed=ANYONE, ok=(400,),
          anonymous=(400,), note="nothing is cast without the confirmation step"),
    Route("voting.box", lambda w: f"/board/A/votes/{_vote(w, '已截止选举', 'closed')}", allowed=ANYONE,
          anonymous=(200,)),
    Route("voting.receipt_pdf", lambda w: f"/ballot/{_vote(w)}/receipt.pdf", method="POST", allowed=ANYONE,
          ok=(404,), anonymous=(404,), data={"receipt": "ABCD-EFGH-JKLM-NPQR"},
          note="public like the ballot box: whoever holds a receipt code prints it; an unknown code prints nothing"),
]
