"""The demo data: contracts in every state, invoices on time and late, one authority that pays late."""

from sqlalchemy import select

from safkat.awards.models import Contract
from safkat.execution.models import ContractExecution, Invoice, Milestone


def test_demo_execution(app, db_session, client):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    signed = db_session.scalars(select(Contract).where(Contract.status == "signed")).all()
    states = {
        execution.status if execution else None
        for execution in (
            db_session.scalar(select(ContractExecution).where(ContractExecution.contract_id == c.id)) for c in signed
        )
    }
    assert states == {None, "in_progress", "provisionally_accepted", "finally_accepted"}
    assert {i.status for i in db_session.scalars(select(Invoice))} == {"submitted", "disputed", "ordered", "paid"}
    assert {m.status for m in db_session.scalars(select(Milestone))} == {"accepted", "refused"}
    page = client.get("/stats/authority/AT-ORN")
    assert 'class="red-flag"' in page.text
    assert 'class="red-flag"' not in client.get("/stats/authority/AP-ALG").text
    csv = client.get("/stats/payment-delays.csv").data.decode("utf-8-sig")
    assert "AT-ORN" in csv and "AP-ALG" in csv
