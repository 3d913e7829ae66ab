"""The public totals read as people read them: item names in their language, thousands
separators, a card per item on a phone (issue 12.1 and 12.11)."""

from __future__ import annotations

import json


def _chart(page: str) -> dict:
    start = page.index('<script type="application/json" id="home-data">')
    return json.loads(page[page.index(">", start) + 1: page.index("</script>", start)])


def test_chinese_home_names_items_in_chinese_with_separated_numbers(client, make_org, make_lot):
    supplier = make_org(roles=("supplier",))
    make_lot(supplier, item="MASK-SURGICAL", quantity=1238067)
    page = client.get("/?lang=zh").get_data(as_text=True)
    table = page.split('id="public-totals"')[1].split("</table>")[0]
    assert "医用外科口罩" in table
    assert "Surgical mask" not in table
    assert ">1,238,067<" in table
    assert "1238067" not in table
    assert 'class="cards"' in page.split('id="public-totals"')[0].rsplit("<table", 1)[1]
    assert "医用外科口罩" in _chart(page)["labels"]


def test_english_home_keeps_english_names(client, make_org, make_lot):
    make_lot(make_org(roles=("supplier",)), item="MASK-SURGICAL", quantity=5000)
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Surgical mask" in page.split('id="public-totals"')[1]
    assert "Surgical mask" in _chart(page)["labels"]
