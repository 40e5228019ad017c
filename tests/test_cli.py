"""The safkat command."""

from sqlalchemy import func, select

from safkat.accounts.models import ContractingAuthority, Enterprise, User


def test_seed_demo_is_idempotent_and_covers_every_state(app, db_session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "admin@safkat.dz" in first.output and "safkat-demo-2026" in first.output
    counts = [db_session.scalar(select(func.count()).select_from(m)) for m in (User, Enterprise, ContractingAuthority)]
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert [
        db_session.scalar(select(func.count()).select_from(m)) for m in (User, Enterprise, ContractingAuthority)
    ] == counts
    states = set(db_session.scalars(select(Enterprise.status)))
    assert states == {"registered", "pending", "verified", "rejected", "suspended"}
    assert counts[1] >= 12


def test_create_user_by_options(app, db_session, make):
    make.authority(code="AT-ORN")
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "--role",
            "officer",
            "--email",
            "k@at.dz",
            "--name",
            "K",
            "--authority",
            "at-orn",
            "--password",
            "long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db_session.scalar(select(User).where(User.email == "k@at.dz"))
    assert user.role == "officer" and user.authority.code == "AT-ORN"


def test_create_user_interactively(app, db_session):
    result = app.test_cli_runner().invoke(
        args=["create-user"], input="admin\nboss@safkat.dz\nThe Boss\nlong enough password\nlong enough password\n"
    )
    assert result.exit_code == 0, result.output
    assert db_session.scalar(select(User.role).where(User.email == "boss@safkat.dz")) == "admin"


def test_create_user_refuses_unknown_authority_and_short_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "--role",
            "officer",
            "--email",
            "x@y.dz",
            "--name",
            "X",
            "--authority",
            "NOPE",
            "--password",
            "long enough password",
        ]
    )
    assert result.exit_code != 0 and "No authority" in result.output
    result = runner.invoke(
        args=["create-user", "--role", "admin", "--email", "x@y.dz", "--name", "X", "--password", "short"]
    )
    assert result.exit_code != 0 and "at least 10" in result.output
