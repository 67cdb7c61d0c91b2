"""Searching a whole ID number finds its person (an exact blind-index match), on the search
page and over the API; the terms never travel in a URL, and such a search is audited."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from shoumen.accounts.services import api_token_create
from shoumen.audit.models import AuditEvent
from shoumen.registry.household_services import household_create
from shoumen.registry.limits import DOCUMENT_SEARCH_MISS_RATE, ERR_DOCUMENT_SEARCH_LIMIT
from shoumen.registry.models import DocumentType, Relation
from shoumen.registry.services import person_register
from shoumen.registry.views import MSG_SEARCH_EXPIRED, SEARCH_SESSION_KEY, SEARCH_TTL_SECONDS
from tests.api.conftest import ApiClient
from tests.personas import ID_NEIGHBOUR, ID_SHAN

ID_X = "11010519720707001X"
SEARCH = "registry:search"


def _names(response):
    page = response.context["page"]
    return sorted(p.name for p in page) if page is not None else None


def _search(client, **data):
    return client.post(reverse(SEARCH), data, follow=True)


@pytest.fixture
def api(world):
    def _api(user) -> ApiClient:
        return ApiClient(api_token_create(actor=None, user=user)[1])

    return _api


@pytest.fixture
def with_x(world):
    household = household_create(actor=world.admin_user, grid=world.grid_a, address="光华路 9 号")
    return person_register(
        actor=world.admin_user,
        household=household,
        name="艾克斯",
        document_type=DocumentType.RESIDENT_ID,
        id_number=ID_X,
        relation_to_head=Relation.HEAD,
    )


def test_search_page_finds_a_person_by_the_whole_id_number(world, login):
    assert _names(_search(login(world.grid_worker), q=ID_SHAN)) == ["单明"]


@pytest.mark.parametrize(
    "typed",
    [
        "１１０１０５１９７２０７０７００１ｘ",  # full-width digits and x
        "110105 19720707 001x",  # spaces, lower-case x
        " 11010519720707001X ",
    ],
)
def test_a_whole_id_number_is_normalised_before_it_is_matched(world, login, with_x, typed):
    assert _names(_search(login(world.grid_worker), q=typed)) == ["艾克斯"]


def test_a_whole_id_number_out_of_scope_finds_nobody(world, login):
    assert _names(_search(login(world.grid_worker), q=ID_NEIGHBOUR)) == []


def test_a_wrong_digit_finds_nobody(world, login):
    assert _names(_search(login(world.grid_worker), q=ID_SHAN[:-2] + "29")) == []


def test_the_search_form_posts_and_the_terms_stay_out_of_every_url(world, login):
    client = login(world.grid_worker)
    page = client.get(reverse(SEARCH)).content.decode()
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    response = client.post(reverse(SEARCH), {"q": ID_SHAN})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(reverse(SEARCH) + "?r=")
    assert ID_SHAN not in location and ID_SHAN[-4:] not in location
    results = client.get(location)
    assert _names(results) == ["单明"]
    assert "q=" not in results.content.decode().replace('name="q"', "")


def test_the_search_box_on_home_posts_too(world, login):
    home = login(world.grid_worker).get(reverse("home")).content.decode()
    form = home[home.index('role="search"') - 200 : home.index('role="search"')]
    assert f'method="post" action="{reverse(SEARCH)}"' in form
    assert "csrfmiddlewaretoken" in home


def test_a_search_link_with_q_is_moved_out_of_the_url(world, login):
    client = login(world.grid_worker)
    response = client.get(reverse(SEARCH), {"q": "sm"})
    assert response.status_code == 302
    assert set(parse_qs(urlsplit(response["Location"]).query)) == {"r"}
    assert _names(client.get(response["Location"])) == ["单明"]


def test_pages_of_a_search_keep_its_token(world, login):
    client = login(world.community_staff)
    location = client.post(reverse(SEARCH), {"q": "", "status": "any"})["Location"]
    token = location.split("?r=")[1]
    again = client.get(f"{location}&page=2")
    assert again.status_code == 200 and again.context["page"] is not None
    assert client.session[SEARCH_SESSION_KEY][token]["criteria"]["status"] == "any"


def test_an_expired_search_asks_to_search_again(world, login):
    client = login(world.grid_worker)
    location = client.post(reverse(SEARCH), {"q": "sm"})["Location"]
    session = client.session
    for kept in session[SEARCH_SESSION_KEY].values():
        kept["at"] = int(time.time()) - SEARCH_TTL_SECONDS - 1
    session.save()
    response = client.get(location)
    assert response.context["page"] is None
    assert str(MSG_SEARCH_EXPIRED) in response.content.decode()


def test_a_search_by_whole_id_number_is_audited_once(world, login):
    client = login(world.grid_worker)
    location = client.post(reverse(SEARCH), {"q": ID_SHAN})["Location"]
    client.get(location)
    client.get(location)  # back, reload: the same search
    events = AuditEvent.objects.filter(action="person.search.document_number")
    assert events.count() == 1
    event = events.get()
    assert event.target_id == str(world.shan.pk) and event.changes == {"found": 1}
    assert ID_SHAN[-4:] not in str(event.changes)


def test_a_missed_whole_id_search_is_audited_too(world, login):
    _search(login(world.grid_worker), q=ID_SHAN[:-2] + "29")
    event = AuditEvent.objects.get(action="person.search.document_number")
    assert event.target_id == "" and event.changes == {"found": 0}


def test_a_name_search_is_not_audited(world, login):
    _search(login(world.grid_worker), q="sm")
    assert not AuditEvent.objects.filter(action="person.search.document_number").exists()


def test_api_finds_a_person_by_the_whole_id_number_in_the_body(world, api):
    client = api(world.grid_worker)
    response = client.post("/persons/search", {"q": ID_SHAN.replace("1", "１", 2)})
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["items"]] == ["单明"]
    assert AuditEvent.objects.filter(
        action="person.search.document_number", target_id=str(world.shan.pk)
    ).exists()


def test_api_search_in_the_query_string_finds_it_too(world, api):
    body = api(world.grid_worker).get("/persons", q=ID_SHAN).json()
    assert [p["name"] for p in body["items"]] == ["单明"]


def test_api_search_in_the_body_takes_the_same_filters(world, api):
    client = api(world.community_staff)
    body = client.post("/persons/search", {"q": "", "tag": "chronic"}).json()
    assert [p["name"] for p in body["items"]] == ["曾丽"]
    assert client.post("/persons/search", {"q": "x" * 101}).status_code == 422


def test_whole_id_searches_that_find_nobody_are_limited_per_user(world, login, api):
    client = api(world.grid_worker)
    misses = int(DOCUMENT_SEARCH_MISS_RATE.split("/")[0])
    for i in range(misses):
        wrong = ID_SHAN[:14] + f"{500 + i:03d}" + "9"  # never this person's number
        assert client.post("/persons/search", {"q": wrong}).json()["items"] == []
    refused = client.post("/persons/search", {"q": ID_SHAN})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert client.get("/persons", q=ID_SHAN).status_code == 429
    page = _search(login(world.grid_worker), q=ID_SHAN)
    assert page.context["page"] is None
    assert str(ERR_DOCUMENT_SEARCH_LIMIT) in page.content.decode()
    # Names and last 4 still work, and another user is not held back.
    assert _names(_search(login(world.grid_worker), q="sm")) == ["单明"]
    other = api(world.community_staff).post("/persons/search", {"q": ID_SHAN})
    assert [p["name"] for p in other.json()["items"]] == ["单明"]


def test_whole_id_searches_that_find_someone_are_not_held_back(world, api):
    client = api(world.grid_worker)
    misses = int(DOCUMENT_SEARCH_MISS_RATE.split("/")[0])
    for _ in range(misses + 1):
        assert client.post("/persons/search", {"q": ID_SHAN}).status_code == 200
