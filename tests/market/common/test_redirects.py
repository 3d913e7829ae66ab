"""Redirects go only to this site's own paths: `next` and foreign referrers are ignored."""

from __future__ import annotations

import pytest

from market.common.web import local_path

ATTACKS = ["//evil.com", "https://evil.com", "/\\evil.com", "\\\\evil.com", "http:evil.com",
           "javascript:alert(1)", "/\tevil.com", " //evil.com", "evil.com/x", ""]


@pytest.mark.parametrize("target", ATTACKS)
def test_local_path_refuses_other_hosts(target):
    assert local_path(target) is None


@pytest.mark.parametrize("target", ["/", "/needs?page=2", "/giftpacks#mine"])
def test_local_path_keeps_own_paths(target):
    assert local_path(target) == target


@pytest.mark.parametrize("next_url", ["//evil.com", "https://evil.com", "/\\evil.com"])
def test_login_next_to_another_host_lands_at_home(client, people, next_url):
    response = client.post("/login", data={"email": people["buyer"].email,
                                           "password": "correct horse", "next": next_url})
    assert response.status_code == 302
    assert response.headers["Location"] == "/company"


@pytest.mark.parametrize("referrer", ["https://evil.com/x", "//evil.com/x", "http://evil.com/"])
def test_need_cancel_ignores_a_foreign_referrer(client, people, login, make_need, referrer):
    need = make_need(people["buyer_org"])
    login(people["buyer"])
    response = client.post(f"/needs/{need.id}/cancel", headers={"Referer": referrer})
    assert response.status_code == 302
    assert response.headers["Location"] == "/needs/"


def test_need_cancel_returns_to_an_own_referrer(client, people, login, make_need):
    need = make_need(people["buyer_org"])
    login(people["buyer"])
    response = client.post(f"/needs/{need.id}/cancel",
                           headers={"Referer": "http://localhost/needs?status=open"})
    assert response.headers["Location"] == "/needs?status=open"
