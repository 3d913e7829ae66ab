"""Reasons are stored as template and arguments and shown in the reader's language."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from babel.messages.pofile import read_po

import solver
from market.common.display import district_today
from market.common.types import utcnow
from market.extensions import db
from market.matching.adapter import load_market
from market.matching.models import Allocation
from market.matching.reason_text import reason_text
from market.matching.runs import start_run
from solver.sentences import NEED, TEMPLATES

CATALOGUE = Path(__file__).resolve().parents[3] / "market/translations/zh/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_every_reason_template_has_a_chinese_translation_with_its_own_arguments():
    with CATALOGUE.open("rb") as po:
        catalogue = {m.id: m for m in read_po(po) if m.id}
    for template in TEMPLATES:
        message = catalogue.get(template)
        assert message is not None, f"not in the catalogue: {template}"
        assert message.string, template
        assert "fuzzy" not in message.flags, template
        assert set(PLACEHOLDER.findall(message.string)) <= set(PLACEHOLDER.findall(template))


def _clinic_reasons(small_market):
    return db.session.scalars(sa.select(Allocation.reasons).where(
        Allocation.need_id == small_market["clinic_need"].id)).one()


def test_english_reasons_are_the_solvers_sentences_word_for_word(app, small_market, people):
    start_run(people["coordinator"])
    stored = _clinic_reasons(small_market)
    market = load_market(district_today(), utcnow())
    result = solver.allocate(market.solver_lots(), market.solver_needs(), market.policy)
    # Stored template and arguments give the solver's sentences word for word; shown to
    # people, the ids and SKUs become names (see test_reasons_name_companies_lots_and_items).
    assert [r["msg"] % r["args"] for r in stored] == result.explain(small_market["clinic_need"].id)


def _trader_reasons(client, headers, small_market, language):
    rows = client.get("/api/v1/allocations", headers={**headers, "Accept-Language": language})
    return next(r["reasons"] for r in rows.get_json()
                if r["need_id"] == small_market["trader_need"].id)


def test_api_and_proposals_page_speak_chinese(client, login, token_for, small_market, people):
    start_run(people["coordinator"])
    headers = token_for(people["coordinator"])
    english = _trader_reasons(client, headers, small_market, "en")
    assert any(line.startswith("100 units unmet (higher_tier): ") for line in english)
    chinese = _trader_reasons(client, headers, small_market, "zh-CN")
    assert any(line.startswith("100 件未满足：") for line in chinese)
    login(people["coordinator"])
    page = client.get("/allocations/proposals?lang=zh").get_data(as_text=True)
    lot_id = small_market["lot"].id
    supplier = small_market["lot"].organization.name
    assert f"批次 {supplier}的#{lot_id}（医用外科口罩）：200 件，单价 1.50" in page
    assert "已满足 200 件中的 200 件（100.0 %）" in page


def test_stored_reasons_show_translated_and_plain_text_as_it_is(app):
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert reason_text("Lot 4 sends 10 units") == "Lot 4 sends 10 units"
        assert reason_text({"msg": NEED, "args": {
            "need": 7, "quantity": 10, "item": "GLOVE-NITRILE", "company": "'Clinic'",
            "tier": 2}}) == "需求 7：企业 'Clinic' 需要 GLOVE-NITRILE 10 件，优先级 2。"
