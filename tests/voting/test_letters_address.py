"""Voter letters' QR codes point to the system's public address: in production the app refuses
to print them until PUBLIC_BASE_URL is set (else they would point at the app server itself)."""
import pytest


def test_in_production_letters_need_the_public_address(app):
    from committee_app.voting.operations import VotingError
    from committee_app.voting.util import letters_base_url

    with app.test_request_context("/", base_url="http://127.0.0.1:8000"):
        assert letters_base_url() == "http://127.0.0.1:8000/"  # development and tests: the request's host
        app.config.update(TESTING=False, PUBLIC_BASE_URL="")
        try:
            with pytest.raises(VotingError, match="PUBLIC_BASE_URL"):
                letters_base_url()
            app.config["PUBLIC_BASE_URL"] = "https://yeweihui.example.cn"
            assert letters_base_url() == "https://yeweihui.example.cn/"
        finally:
            app.config.update(TESTING=True, PUBLIC_BASE_URL="")


def test_in_production_the_letters_button_refuses_without_the_address_and_starts_nothing(app, client, world, login_as):
    from committee_app.extensions import db
    from committee_app.jobs.models import Job
    from committee_app.registry.models import Compound
    from committee_app.voting import operations

    with app.app_context():
        vote = operations.create_motion(db.session.get(Compound, world.a), title="续聘表决", subject="other")
        db.session.commit()
        vote_id = vote.id
    login_as("organiser")
    app.config.update(TESTING=False, PUBLIC_BASE_URL="")
    try:
        response = client.post(f"/compounds/A/votes/{vote_id}/letters-job")
    finally:
        app.config.update(TESTING=True)
    assert response.status_code in (302, 303, 400)
    page = client.get(response.headers["Location"]).get_data(as_text=True) if response.status_code != 400 \
        else response.get_data(as_text=True)
    assert "PUBLIC_BASE_URL" in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Job.id))) == 0
