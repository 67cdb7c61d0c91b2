"""The preview page lists each household move with its own box; only ticked moves are
made, and the other changes of an unticked person still apply."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shoumen.ledgers.models import ImportJob, ImportStatus
from tests.ledgers.ledgers import resident_id, xlsx

ID_ZENG = "110105195001010020"
ID_SHAN_XIAO = resident_id("19850505", 31, male=True)


def upload(client, world, rows):
    response = client.post(
        reverse("ledgers:import_start"),
        {"org_unit": world.grid_a.pk, "file": SimpleUploadedFile("台账.xlsx", xlsx(rows))},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_only_the_ticked_move_is_made(world, login):
    client = login(world.community_staff)
    shan = world.person("单明")
    zeng = world.person("曾丽")
    home = zeng.household_id
    rows = [
        [1, "曾丽", "女", ID_ZENG, "", "5号楼", "2", "302", "户主", "慢病"],
        [2, "单明", "男", shan.id_number(), "13700001234", "5号楼", "3", "303", "户主", ""],
    ]
    job = upload(client, world, rows)
    assert job.status == ImportStatus.CHECKED
    assert {m["name"] for m in job.preview["moves"]} == {"曾丽", "单明"}
    page = client.get(reverse("ledgers:import_job", args=[job.pk])).content.decode()
    assert 'data-testid="moves"' in page
    assert f'name="moves" value="{zeng.pk}"' in page
    assert f'name="moves" value="{shan.pk}"' in page
    # 曾丽 would be the head of the other household: said with her move, not as a change.
    assert "户主" in page.split(f'for="move-{zeng.pk}"')[1].split("</label>")[0]
    assert all(
        u["name"] != "曾丽" or "relation_to_head" not in u["changes"]
        for u in job.preview["updates"]
    )

    response = client.post(
        reverse("ledgers:import_confirm", args=[job.pk]), {"confirm": "1", "moves": [zeng.pk]}
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.allowed_moves == [zeng.pk]
    assert world.person("曾丽").household.door_number == "302"
    stayed = world.person("单明")
    assert stayed.household_id == home
    assert stayed.phone().endswith("13700001234")


def test_a_move_not_listed_in_the_preview_cannot_be_posted(world, login):
    client = login(world.community_staff)
    job = upload(client, world, [[1, "曾丽", "女", ID_ZENG, "", "5号楼", "2", "301", "", ""]])
    assert job.preview["moves"] == []
    other = world.person("王刚")
    response = client.post(
        reverse("ledgers:import_confirm", args=[job.pk]), {"confirm": "1", "moves": [other.pk]}
    )
    assert response.status_code == 400
    assert ImportJob.objects.get(pk=job.pk).allowed_moves == []
