"""A ledger naming buildings not registered yet registers them (a community's first ledger
fills its registry), listed in the preview per grid."""

from shoumen.audit.models import AuditEvent
from shoumen.ledgers.importing import ledger_import
from shoumen.registry.models import Building, Household
from tests.ledgers.ledgers import HEADERS, resident_id, xlsx


def rows(*buildings):
    return [
        [i + 1, f"新{i}", "", resident_id("19800101", 40 + i, male=True), "", name, "3", "501"]
        + ["户主" if i == 0 else "子女", ""]
        for i, name in enumerate(buildings)
    ]


def run(world, data, **kwargs):
    return ledger_import(
        actor=world.community_staff,
        org_unit=kwargs.pop("org_unit", world.grid_a),
        data=data,
        filename="台账.xlsx",
        **kwargs,
    )


def test_a_building_not_registered_yet_is_listed_as_new_not_refused(world):
    result = run(world, xlsx(rows("12号楼", "12", "5号楼")), dry_run=True)
    assert result.counts == {"new": 3, "updated": 0, "unchanged": 0, "bad": 0}
    assert result.new_buildings == {world.grid_a.name: ["12号楼"]}
    assert not Building.objects.filter(name="12号楼").exists()


def test_importing_registers_the_new_building_once_with_its_households(world):
    result = run(world, xlsx(rows("12号楼", "12栋")))
    assert result.committed
    building = Building.objects.get(grid=world.grid_a, name="12号楼")
    assert building.units == 3
    household = Household.objects.get(building=building)
    assert (household.unit, household.door_number) == ("3", "501")
    assert world.person("新0").household_id == household.pk == world.person("新1").household_id
    event = AuditEvent.objects.get(action="building.import.create")
    assert event.target_id == str(building.pk)
    summary = AuditEvent.objects.get(action="ledger.import")
    assert summary.changes["buildings_created"] == 1


def test_new_buildings_are_listed_per_grid_of_a_community_ledger(world):
    headers = [*HEADERS, "网格"]
    data = [
        [*row, grid.name]
        for row, grid in zip(rows("20号楼", "21号楼"), [world.grid_a, world.grid_b], strict=True)
    ]
    result = run(world, xlsx(data, headers=headers), org_unit=world.community, dry_run=True)
    assert result.counts["bad"] == 0, result.errors
    assert result.new_buildings == {world.grid_a.name: ["20号楼"], world.grid_b.name: ["21号楼"]}
