import datetime as dt

import pytest

from orgwork.dues import services

D = dt.date


@pytest.mark.django_db
def test_set_base_pay_and_read_the_ledger_through_the_api(api, users, tree, make_member):
    m = make_member(tree.village_a, name="周七")
    c = api(users["sec_a"])
    r = c.post(f"/api/v1/dues/members/{m.pk}/bases/", {"category": "salaried", "base": "5000", "declared_on": "2026-01-05"}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["monthly_amount"] == "50.00"
    today = dt.date.today()
    r = c.post(f"/api/v1/dues/members/{m.pk}/payments/", {"from_month": today.replace(day=1).isoformat(), "paid_on": today.isoformat(), "receipt_no": "A1"}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["amount"] == "50.00" and r.json()["month_list"] == [f"{today:%Y-%m}"]
    again = c.post(f"/api/v1/dues/members/{m.pk}/payments/", {"from_month": today.replace(day=1).isoformat(), "paid_on": today.isoformat()}, format="json")
    assert again.status_code == 400 and again.json()["errors"][0]["code"] == "already_paid"
    ledger = c.get(f"/api/v1/dues/members/{m.pk}/ledger/?year={today.year}").json()
    assert ledger[today.month - 1]["paid"] == "50.00"
    payments = c.get(f"/api/v1/dues/members/{m.pk}/payments/").json()
    assert payments["count"] == 1 and payments["results"][0]["receipt_no"] == "A1"  # a page with its count, never a silent cut


@pytest.mark.django_db
def test_other_branch_member_is_404(api, users, tree, make_member):
    m = make_member(tree.village_b)
    r = api(users["sec_a"]).get(f"/api/v1/dues/members/{m.pk}/ledger/")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


@pytest.mark.django_db
def test_report_and_arrears_endpoints(api, users, tree, make_member, system):
    m = make_member(tree.village_a)
    services.set_base(actor=system, member_id=m.pk, category="farmer", amount="1", declared_on=D(2020, 1, 1))
    c = api(users["county"])
    arrears = c.get("/api/v1/dues/arrears/?months=6").json()
    # the users fixture's member 李四 never had a base: listed first, not flagged for self-exit
    assert [a["member_id"] for a in arrears] == [users["member_a_record"].pk, m.pk]
    assert (arrears[0]["no_base"], arrears[0]["flagged"]) == (True, False)
    assert (arrears[1]["no_base"], arrears[1]["flagged"]) == (False, True)
    rep = c.get("/api/v1/dues/report/?year=2026").json()
    assert rep["rule_version"] == "2008" and rep["total"]["members"] >= 1
    x = c.get("/api/v1/dues/report/?year=2026&export=xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert api(None).get("/api/v1/dues/arrears/").status_code in (401, 403)


@pytest.mark.django_db
def test_console_pages_render(client, users, tree, make_member, system):
    m = make_member(tree.village_a, name="钱八")
    services.set_base(actor=system, member_id=m.pk, category="farmer", declared_on=D(2026, 1, 1))
    client.force_login(users["county"])
    for url in ("/dues/", f"/dues/members/{m.pk}/", "/dues/arrears/?months=3", "/dues/report/", "/dues/report/?year=2026&month=11"):
        r = client.get(url)
        assert r.status_code == 200, url
    assert client.get("/dues/report/?export=xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")
    today = dt.date.today()
    r = client.post("/dues/", {"member": m.pk, "from_month": f"{today:%Y-%m}", "months": 1, "paid_on": today.isoformat(), "payer": "self", "method": "cash"})
    assert r.status_code == 302
    assert m.dues_months.count() == 1


@pytest.mark.django_db
def test_console_base_relief_approval_quarterly_and_self_exit(client, users, tree, make_member, system):
    m = make_member(tree.village_a, name="孙九")
    client.force_login(users["sec_a"])
    r = client.post(f"/dues/members/{m.pk}/", {"act": "base", "category": "self_employed", "income1": "3000", "income2": "3000", "income3": "3600", "declared_on": "2026-01-02"})
    assert r.status_code == 302
    assert str(m.dues_bases.get().monthly_amount) == "32.00"  # average 3,200 → 1%
    r = client.post(f"/dues/members/{m.pk}/", {"act": "relief", "kind": "exempt", "from_month": "2026-10", "reason": "重病", "branch_decided_on": "2026-10-08"})
    assert r.status_code == 302
    relief = m.dues_reliefs.get()
    client.post("/dues/arrears/", {"act": "decide", "relief": relief.pk, "approve": "1"})
    relief.refresh_from_db()
    assert relief.status == "proposed"  # the branch secretary cannot approve its own relief
    client.force_login(users["town_a"])
    client.post("/dues/arrears/", {"act": "decide", "relief": relief.pk, "approve": "1", "comment": "同意"})
    relief.refresh_from_db()
    assert relief.status == "approved"
    client.force_login(users["sec_a"])
    client.post(f"/dues/?org={tree.village_a.pk}", {"act": "quarterly", "allowed": "1"})
    assert services.quarterly_allowed(tree.village_a)
    page = client.get("/dues/arrears/?months=1").content.decode()
    assert 'action="/lifecycle/exits/"' in page  # the arrears list starts the check in the exit procedure
    r = client.post("/lifecycle/exits/", {"kind": "self_exit", "source": "dues_arrears", "member": m.pk, "on": "2026-10-01"})
    assert r.status_code == 302 and "/lifecycle/exits/" in r["Location"]


@pytest.mark.django_db
def test_ledger_and_transfer_pages_do_not_grow_queries_with_members(client, users, tree, make_member, system, django_assert_max_num_queries):
    for i in range(12):
        m = make_member(tree.village_a, name="台账" + "甲乙丙丁戊己庚辛壬癸子丑"[i])
        services.set_base(actor=system, member_id=m.pk, category="farmer", declared_on=D(2026, 1, 1))
    client.force_login(users["county"])
    client.get("/dues/")  # warm caches (sessions, content types)
    with django_assert_max_num_queries(25):
        assert client.get("/dues/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/dues/arrears/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/lifecycle/transfers/").status_code == 200
