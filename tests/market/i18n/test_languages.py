"""Everything a person reads comes in their language: API errors by Accept-Language, page
form errors, CSV row errors, error pages, and notifications in the recipient's language."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from market.accounts.models import User
from market.allocations import services as allocations
from market.extensions import db
from market.notifications.models import Notification
from tests.market.accounts.conftest import registration  # noqa: F401 - fixture
from tests.market.allocations.conftest import make_allocation  # noqa: F401 - fixture
from tests.market.lots.conftest import as_user, csv_file, lot_count  # noqa: F401 - fixture

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}


def test_api_validation_errors_follow_accept_language(client, registration):  # noqa: F811
    body = registration(headcount="forty")
    del body["organization"]["phone"]

    zh = client.post("/api/v1/auth/register", json=body, headers=ZH)
    en = client.post("/api/v1/auth/register", json=body, headers=EN)

    assert zh.status_code == en.status_code == 422
    zh_errors, en_errors = zh.json["errors"], en.json["errors"]
    assert "整数" in str(zh_errors)
    assert "'forty'" in str(zh_errors)
    assert "缺少必填字段" in str(zh_errors)
    assert zh.json["message"].startswith("输入无效")
    assert "whole number" in str(en_errors)
    assert "Missing data" in str(en_errors)


def test_api_registration_saves_the_request_language(client, registration):  # noqa: F811
    response = client.post("/api/v1/auth/register", json=registration(), headers=ZH)
    assert response.status_code == 201
    user = db.session.scalar(sa.select(User).where(User.email == "new@example.com"))
    assert user.language == "zh"


def test_page_form_error_in_chinese(client, registration):  # noqa: F811
    client.get("/register?lang=zh")
    org = registration()["organization"]
    form = {**{k: v for k, v in org.items() if k != "roles"}, "roles": "buyer",
            "email": "not-an-email", "password": "long enough passphrase"}
    response = client.post("/register", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "必须是电子邮箱地址" in html
    assert "not-an-email" in html
    assert "must be an e-mail address" not in html


def test_csv_row_errors_in_chinese(
    client, people, catalog, as_user, lot_count  # noqa: F811
):
    headers = {**as_user(people["supplier_a"]), **ZH}
    body = csv_file("MASK-SURGICAL,1000,sale,0.80,,,,", "MASK-KN95,-4,sale,1,,,,",
                    "MASK-CIVIL,5,sale")
    response = client.post("/api/v1/lots/import", data=body, headers=headers,
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.json["message"] == "2 行有误；未导入任何内容。"
    messages = {e["line"]: e["message"] for e in response.json["errors"]["rows"]}
    assert messages[4] == "有 3 个值，应为 8 个"
    assert "-4" in messages[3]
    assert "必须" in messages[3]
    assert lot_count() == 0


def test_error_pages_in_chinese(client, people, login):
    client.get("/?lang=zh")
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert "未找到" in missing.get_data(as_text=True)
    assert "Not Found" not in missing.get_data(as_text=True)

    login(people["buyer"])
    client.get("/?lang=zh")
    refused = client.get("/filings")
    assert refused.status_code == 403
    assert "无权访问" in refused.get_data(as_text=True)
    assert "只有协调员可以执行此操作。" in refused.get_data(as_text=True)


def test_api_error_message_follows_accept_language(client, people, as_user):  # noqa: F811
    response = client.get("/api/v1/no-such-thing", headers=ZH)
    assert response.status_code == 404
    assert "不存在" in response.json["message"]


@pytest.fixture
def approval(people, make_lot, make_need, make_allocation):  # noqa: F811
    """A proposed line from supplier A (reads English) to the buyer (reads Chinese)."""
    people["buyer"].language = "zh"
    people["supplier_a"].language = "en"
    lot = make_lot(people["supplier_a_org"], quantity=1000, address="1 Depot Lane")
    need = make_need(people["buyer_org"], quantity=336, address="9 Care Home Road")
    line = make_allocation(lot, need, 336)
    db.session.commit()
    return line


def _notes(user, channel):
    return db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id,
                                      Notification.channel == channel)
    ).all()


@pytest.mark.parametrize("actor_language", ["en", "zh"])
def test_notifications_come_in_each_recipients_language(
    app, people, approval, actor_language
):
    request = app.test_request_context("/", headers={"Accept-Language": actor_language})
    with request, force_locale(actor_language):
        allocations.approve(people["coordinator"], approval.id)

    (buyer_mail,) = _notes(people["buyer"], "email")
    (supplier_mail,) = _notes(people["supplier_a"], "email")
    assert buyer_mail.subject == f"分配#{approval.id}已批准：Supplier A提供医用外科口罩336只"
    assert "协调员已批准" in buyer_mail.body
    assert supplier_mail.subject.startswith(f"Allocation #{approval.id} approved: ship 336 piece")
    assert "Surgical mask" in supplier_mail.subject

    (buyer_sms,) = _notes(people["buyer"], "sms")
    assert buyer_sms.body == f"【防疫物资】分配#{approval.id}已批准：医用外科口罩336只，请登录查看"
    assert len(buyer_sms.body) <= 70
    (supplier_sms,) = _notes(people["supplier_a"], "sms")
    assert supplier_sms.body.startswith("[PPE] Allocation")


def test_a_long_chinese_sms_is_cut_to_one_segment():
    from market.notifications.services import short_sms

    text = "【防疫物资】" + "很长的短信内容" * 20
    assert len(short_sms(text)) == 70
    assert short_sms(text).endswith("…")
    english = "[PPE] " + "a" * 100
    assert short_sms(english) == english  # Latin text fits 160 characters


def test_language_is_changed_on_the_account_page(client, people, login):
    login(people["buyer"])
    page = client.get("/account/password")
    assert 'id="language-form"' in page.get_data(as_text=True)
    response = client.post("/account/language", data={"language": "zh"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, people["buyer"].id).language == "zh"
    assert "语言" in client.get("/account/password").get_data(as_text=True)
    bad = client.post("/account/language", data={"language": "fr"})
    assert bad.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, people["buyer"].id).language == "zh"


def test_audit_page_shows_field_and_action_names_in_chinese(client, people, login):
    from market.audit.services import record

    record(people["coordinator"], "lot.update", "lot", 7, {"unit_price": "1.00"},
           {"unit_price": "0.80"})
    db.session.commit()
    login(people["coordinator"])
    html = client.get("/audit?lang=zh").get_data(as_text=True)
    assert "批次：已修改" in html
    assert "<strong>单价</strong>" in html
    assert "<strong>unit_price</strong>" not in html
    english = client.get("/audit?lang=en").get_data(as_text=True)
    assert "Lot: changed" in english
    assert "<strong>Unit price</strong>" in english


def test_units_read_in_chinese(app):
    from market.notifications.texts import _what

    class Mask:
        unit, name, name_zh = "piece", "Surgical mask", "医用外科口罩"

    class Sanitiser:
        unit, name, name_zh = "litre", "Hand sanitiser", "免洗洗手液"

    with app.test_request_context("/"), force_locale("zh"):
        assert _what(336, Mask()) == "医用外科口罩336只"
        assert _what(5, Sanitiser()) == "免洗洗手液5升"
    with app.test_request_context("/"), force_locale("en"):
        assert _what(336, Mask()) == "336 piece of Surgical mask"


def test_reasons_name_companies_lots_and_items(app, people, make_lot, catalog):
    from market.matching.reason_text import reason_text
    from solver.sentences import FLOW, NEED

    lot = make_lot(people["supplier_a_org"])
    need = {"msg": NEED, "args": {"need": 7, "quantity": 10, "item": "MASK-SURGICAL",
                                  "company": repr(people["buyer_org"].id), "tier": 2}}
    flow = {"msg": FLOW, "args": {"lot": repr(lot.id), "item": "MASK-SURGICAL", "units": 10,
                                  "price": "0.80", "km": "1.2", "transport": "0.00"}}
    with app.test_request_context("/"), force_locale("zh"):
        need_text, flow_text = reason_text(need), reason_text(flow)
    assert "Buyer C" in need_text
    assert "医用外科口罩" in need_text
    assert f"企业 {people['buyer_org'].id}" not in need_text
    assert flow_text.startswith(f"批次 Supplier A的#{lot.id}（医用外科口罩）")
    with app.test_request_context("/"), force_locale("en"):
        assert reason_text(flow).startswith(f"Lot #{lot.id} of Supplier A (Surgical mask)")


def test_item_names_in_chinese_on_need_form_and_dashboard(
    client, people, login, make_lot, make_need
):
    make_lot(people["supplier_a_org"])
    make_need(people["buyer_org"])
    login(people["buyer"])
    form = client.get("/needs/new?lang=zh").get_data(as_text=True)
    assert "医用外科口罩 (只) · MASK-SURGICAL" in form
    login(people["coordinator"])
    dashboard = client.get("/reports/?lang=zh").get_data(as_text=True)
    assert "医用外科口罩 <small" in dashboard
    assert "Surgical mask <small" not in dashboard
