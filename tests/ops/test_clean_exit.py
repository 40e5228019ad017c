"""A command that issued documents exits with status 0 (cron watches exit codes)."""

from tests.ops.test_sigkill import Worker, _post, members, presence, submitted_bids, tender_with_firms


def test_open_due_issues_the_minutes_and_exits_cleanly(instances, tmp_path):
    # Pango's font objects, kept per thread for speed, once outlived their library at
    # interpreter exit: the job did its work, then died of a segmentation fault.
    instance, tender, firms = tender_with_firms(instances("sqlite"))
    submitted_bids(instance, tender, firms)
    for member in members(instance, tender)[:2]:  # the commission opens the bids
        assert instance.client(member).post(**_post(presence(instance, tender, member))).status_code == 302
    result = Worker(instance, tmp_path, "command", command=["open-due"]).result()  # asserts exit status 0
    assert f"Tender {tender.id}: minutes issued: fr, ar" in result["output"]
