"""Refusals read in the reader's language: a bad request per area, asked for in Chinese,
answers in Chinese (API by Accept-Language, pages by the page language), with the record's
number and status in it and no English sentence left over; the same request in English
still answers in English."""

from __future__ import annotations

import io
import re

import pytest

from market.extensions import db
from tests.market.lots.conftest import as_user, csv_file  # noqa: F401 - fixture

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}
CJK = re.compile(r"[\u4e00-\u9fff]")
# Three English words in a row: a sentence the catalogue did not translate.
ENGLISH_SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,;:]+[A-Za-z]{2,}){2,}")


def assert_chinese(text: str) -> None:
    """Chinese text, allowing codes and values (SKUs, field names) but no English phrase."""
    assert CJK.search(text), text
    assert not ENGLISH_SENTENCE.search(text), text


@pytest.fixture
def ask(client, as_user):  # noqa: F811
    """Send one API request as `user` in Chinese; answer (status, message, errors)."""

    def send(user, method: str, path: str, **kwargs):
        headers = {**as_user(user), **ZH, **kwargs.pop("headers", {})}
        response = client.open(path, method=method, headers=headers, **kwargs)
        body = response.json
        return response.status_code, body["message"], body.get("errors")

    return send


def test_missing_records_are_named_in_chinese_in_every_area(ask, people):
    coordinator, buyer = people["coordinator"], people["buyer"]
    cases = [
        (buyer, "GET", "/api/v1/lots/999", "未找到库存批次 999。"),
        (buyer, "GET", "/api/v1/needs/999", "未找到需求 999。"),
        (buyer, "GET", "/api/v1/allocations/999", "未找到分配 999。"),
        (coordinator, "POST", "/api/v1/allocations/999/approve", "未找到分配 999。"),
        (buyer, "GET", "/api/v1/gift-packs/999", "未找到复工礼包 999。"),
        (buyer, "DELETE", "/api/v1/gift-pack-applications/999", "未找到复工礼包申请 999。"),
        (coordinator, "GET", "/api/v1/gift-pack-templates/999", "未找到礼包模板 999。"),
        (coordinator, "GET", "/api/v1/organizations/999", "未找到该企业。"),
        (coordinator, "GET", "/api/v1/match-runs/999", "未找到匹配运行 999。"),
        (coordinator, "DELETE", "/api/v1/match-runs/quotas/999", "未找到配额 999。"),
        (coordinator, "DELETE", "/api/v1/match-runs/constraints/999", "未找到约束 999。"),
        (coordinator, "GET", "/api/v1/reports/what-if/studies/999", "没有方案推演 999。"),
        (buyer, "DELETE", "/api/v1/auth/tokens/999", "未找到令牌 999。"),
    ]
    for user, method, path, expected in cases:
        status, message, _errors = ask(user, method, path)
        assert (status, message) == (404, expected), path


def test_another_companys_lot_is_not_found_in_chinese(ask, people, make_lot):
    lot = make_lot(people["supplier_a_org"])
    status, message, _errors = ask(people["supplier_b"], "PATCH", f"/api/v1/lots/{lot.id}",
                                   json={"quantity": 5})
    assert (status, message) == (404, f"未找到库存批次 {lot.id}。")


def test_conflicts_name_the_numbers_and_the_status_in_chinese(ask, people, make_lot, make_need):
    supplier, buyer = people["supplier_a"], people["buyer"]
    lot = make_lot(people["supplier_a_org"], quantity=200, reserved=100)
    status, message, errors = ask(supplier, "PATCH", f"/api/v1/lots/{lot.id}",
                                  json={"quantity": 50})
    assert status == 409
    assert message == (f"库存批次 {lot.id}：已批准的分配预留了 100 个单位，数量不能低于 100"
                       "（申请改为 50）。")
    assert errors == {"quantity": ["至少 100（已预留）"]}

    cancelled = make_need(people["buyer_org"], status="cancelled")
    status, message, _errors = ask(buyer, "PATCH", f"/api/v1/needs/{cancelled.id}",
                                   json={"quantity": 5})
    assert (status, message) == (409, f"需求 {cancelled.id} 的状态为“已取消”，不能再编辑。")

    allocated = make_need(people["buyer_org"], allocated=10, status="partially_allocated")
    status, message, _errors = ask(buyer, "DELETE", f"/api/v1/needs/{allocated.id}")
    assert status == 409
    assert message.startswith(f"需求 {allocated.id} 已分配 10 个单位，不能取消。")

    org = people["buyer_org"]
    status, message, _errors = ask(people["coordinator"], "POST",
                                   f"/api/v1/organizations/{org.id}/verification",
                                   json={"decision": "approve"})
    assert status == 409
    assert message == f"企业“{org.name}”的状态为“已认证”，不是待审核，无需处理。"


def test_invalid_input_and_refusals_in_chinese(ask, people, catalog):
    coordinator, buyer = people["coordinator"], people["buyer"]
    item = {"sku": "MASK-SURGICAL", "name": "Mask", "category": "mask", "unit": "piece"}
    status, message, _errors = ask(coordinator, "POST", "/api/v1/items", json=item)
    assert (status, message) == (409, "物资编码为 'MASK-SURGICAL' 的物资已存在。")

    status, message, _errors = ask(coordinator, "GET", "/api/v1/audit?from=someday")
    assert status == 422
    assert message == "from: 必须是 ISO 日期或日期时间，收到的是 'someday'"

    status, message, _errors = ask(buyer, "GET", "/api/v1/organizations")
    assert (status, message) == (403, "只有协调员可以执行此操作。")

    status, message, _errors = ask(None, "GET", "/api/v1/lots")
    assert (status, message) == (401, "请先登录。")

    status, message, _errors = ask(None, "POST", "/api/v1/auth/tokens",
                                   json={"email": buyer.email, "password": "wrong guess"})
    assert (status, message) == (401, "电子邮箱或密码错误。")

    status, message, errors = ask(buyer, "POST", "/api/v1/needs", data="{not json",
                                  content_type="application/json")
    assert status == 422
    assert_chinese(message)
    assert_chinese(str(errors))

    status, message, errors = ask(
        people["supplier_a"], "POST", "/api/v1/lots/import", content_type="multipart/form-data",
        data={"file": (io.BytesIO(b"  \n"), "lots.csv")})
    assert (status, message, errors) == (422, "file: 为空", {"file": ["为空"]})


def test_every_csv_row_error_is_in_chinese(ask, people, catalog):
    body = csv_file("MASK-NOPE,10,sale,1,,,,", "MASK-SURGICAL,10,gift,1,,,,",
                    "MASK-SURGICAL,10,donation,1,,,,", "MASK-SURGICAL,10,sale,1,36.1,,,",
                    "MASK-SURGICAL,10,sale,1,,,,2001-01-01T00:00:00+08:00",
                    "MASK-SURGICAL,ten,sale,1,,,,", "MASK-SURGICAL,10,sale")
    status, message, errors = ask(people["supplier_a"], "POST", "/api/v1/lots/import",
                                  data=body, content_type="multipart/form-data")
    assert (status, message) == (422, "7 行有误；未导入任何内容。")
    lines = {row["line"]: row for row in errors["rows"]}
    assert sorted(lines) == list(range(2, 9))
    assert lines[2]["field"] == "item"  # the column code stays, the text is translated
    assert "MASK-NOPE" in lines[2]["message"]
    for row in errors["rows"]:
        assert_chinese(row["message"])


def test_every_answer_above_is_free_of_english(ask, people, make_lot):
    lot = make_lot(people["supplier_a_org"], quantity=200, reserved=100)
    for user, method, path, body in [
        (people["supplier_a"], "PATCH", f"/api/v1/lots/{lot.id}", {"quantity": 50}),
        (people["supplier_a"], "PATCH", f"/api/v1/lots/{lot.id}", {}),
        (people["buyer"], "GET", "/api/v1/gift-packs/999", None),
        (people["buyer"], "GET", "/api/v1/lots?per_page=9999", None),
        (people["coordinator"], "POST", "/api/v1/match-runs/constraints",
         {"allocation_id": 0, "kind": "forbid"}),
        (people["coordinator"], "POST", "/api/v1/match-runs/quotas",
         {"organization_id": 999, "item": "MASK-SURGICAL", "max_units": 5}),
    ]:
        status, message, errors = ask(user, method, path, json=body)
        assert status >= 400
        assert_chinese(message)
        if errors:
            assert_chinese(str(errors))


def test_the_same_refusal_stays_english_for_an_english_reader(client, people, token_for):
    response = client.get("/api/v1/lots/999", headers={**token_for(people["buyer"]), **EN})
    assert response.status_code == 404
    assert response.json["message"] == "Lot 999 not found."


def test_a_refusal_on_a_page_is_flashed_in_chinese(client, people, login, make_need):
    need = make_need(people["buyer_org"], allocated=10, status="partially_allocated")
    login(people["buyer"])
    client.get("/?lang=zh")
    response = client.post(f"/needs/{need.id}/cancel", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert f"需求 {need.id} 已分配 10 个单位，不能取消。" in html
    assert "cannot be cancelled" not in html
    assert db.session.get(type(need), need.id).status == "partially_allocated"


def error_page(response, status: int, title: str) -> str:
    """The message of an error page, after checking its status and its translated title."""
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:300]
    assert f"{status} · {title}" in html
    found = re.search(r'<p id="error-message">(.*?)</p>', html, re.S)
    assert found, html[:500]
    return found.group(1)


def test_a_refusal_as_an_error_page_in_chinese(client, people, login):
    login(people["supplier_a"])
    client.get("/?lang=zh")
    assert error_page(client.get("/lots/999/edit"), 404, "未找到") == "未找到库存批次 999。"

    login(people["coordinator"])
    client.get("/?lang=zh")  # logging in starts a new session
    assert error_page(client.get("/reports/daily?date=someday"), 422, "输入无效") == (
        "date: 必须是 YYYY-MM-DD 格式的日期，收到的是 &#39;someday&#39;")


def test_forbidden_page_in_chinese(client, people, login):
    login(people["buyer"])
    client.get("/?lang=zh")
    message = error_page(client.get("/organizations"), 403, "无权访问")
    assert message == "只有协调员可以执行此操作。"


def test_server_error_page_in_chinese(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/test-boom")
    def boom():
        raise RuntimeError("boom")

    client.get("/?lang=zh")
    message = error_page(client.get("/test-boom"), 500, "出错了")
    assert message == "服务器未能完成此请求，错误已记录。"


@pytest.mark.parametrize(
    "app_config", [{"WTF_CSRF_ENABLED": False, "RATELIMIT_LOGIN": "1 per minute"}]
)
def test_too_many_requests_page_in_chinese(client):
    client.get("/login?lang=zh")
    wrong = {"email": "x@example.com", "password": "wrong one"}
    client.post("/login", data=wrong)
    assert_chinese(error_page(client.post("/login", data=wrong), 429, "请求过于频繁"))


def test_a_refusal_raised_outside_a_request_reads_in_the_default_language(app, people, make_lot):
    # The queue's tasks run in an application context with no request: no crash, English.
    from market.allocations.approval import load_allocation
    from market.common.errors import Conflict, NotFound
    from market.lots.services import update_lot

    with pytest.raises(NotFound) as missing:
        load_allocation(999)
    assert missing.value.message == "Allocation 999 not found."

    lot = make_lot(people["supplier_a_org"], status="withdrawn")
    with pytest.raises(Conflict) as closed:
        update_lot(people["supplier_a"], lot.id, {"quantity": 5})
    assert closed.value.message == f"Lot {lot.id} is withdrawn; it can no longer be changed."
