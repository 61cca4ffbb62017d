"""The inventory file: validation, wishlist and wanted data list."""

import copy

import pytest
import yaml

from carnet import inventory as inv
from carnet.sources import load_registry


def write(tmp_path, document):
    path = tmp_path / "inventaire.yml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True),
                    encoding="utf-8")
    return path


@pytest.fixture()
def document():
    return yaml.safe_load(inv.INVENTORY_FILE.read_text(encoding="utf-8"))


def test_the_project_inventory_is_valid():
    inventory = inv.load_inventory()
    counts = inv.counts(inventory)
    assert counts["themes"] == 10
    assert counts["ouverts"] == counts["ouverts_g1"] + counts["ouverts_g2"]
    assert counts["jeux"] == (counts["ouverts"] + counts["abandonnes"]
                              + counts["non_ouverts"])


def test_every_source_named_is_in_the_registry():
    registry = load_registry()
    for dataset in inv.load_inventory().datasets:
        assert set(dataset.sources) <= set(registry), dataset.id


def test_no_person_is_named_as_holder():
    names_of_people = ["Musson", "Dupré", "Léonard", "Rossard", "Modurier"]
    text = inv.INVENTORY_FILE.read_text(encoding="utf-8")
    for name in names_of_people:
        assert name not in text


def test_missing_field_is_a_clear_error(tmp_path, document):
    broken = copy.deepcopy(document)
    del broken["jeux"][2]["decision"]
    with pytest.raises(inv.InventoryError,
                       match=r"data set 3 \(presidentielle_2017\): "
                             r"missing field\(s\) decision"):
        inv.load_inventory(write(tmp_path, broken))


def test_unknown_decision_is_a_clear_error(tmp_path, document):
    broken = copy.deepcopy(document)
    broken["jeux"][0]["decision"] = "peut-être"
    with pytest.raises(inv.InventoryError,
                       match="decision must be one of .* found 'peut-être'"):
        inv.load_inventory(write(tmp_path, broken))


@pytest.mark.parametrize("field, value, message", [
    ("evaluation", "bleu", "evaluation must be one of"),
    ("groupe", 3, "groupe must be one of"),
    ("theme", "Piscines", "is not one of the wishlist themes"),
    ("sources", ["inconnue"], "not in the source registry"),
    ("ouvert_par", None, "needs ouvert_par"),
    ("detenteur", [], "detenteur must be a list"),
])
def test_wrong_values_are_clear_errors(tmp_path, document, field, value,
                                       message):
    broken = copy.deepcopy(document)
    broken["jeux"][1][field] = value
    with pytest.raises(inv.InventoryError, match=message):
        inv.load_inventory(write(tmp_path, broken))


def test_a_box_must_be_true_false_or_null(tmp_path, document):
    broken = copy.deepcopy(document)
    broken["jeux"][0]["cases"]["a_nettoyer"] = "oui"
    with pytest.raises(inv.InventoryError, match="box a_nettoyer"):
        inv.load_inventory(write(tmp_path, broken))
    del broken["jeux"][0]["cases"]["a_nettoyer"]
    with pytest.raises(inv.InventoryError, match="exactly the boxes"):
        inv.load_inventory(write(tmp_path, broken))


def test_duplicate_id_is_an_error(tmp_path, document):
    broken = copy.deepcopy(document)
    broken["jeux"].append(copy.deepcopy(broken["jeux"][0]))
    with pytest.raises(inv.InventoryError, match="used twice"):
        inv.load_inventory(write(tmp_path, broken))


def test_wishlist_has_ten_themes_in_two_groups():
    table = inv.wishlist(inv.load_inventory())
    assert len(table) == 10
    assert table["Groupe"].str[0].value_counts().to_dict() == {"1": 5,
                                                               "2": 5}
    elections = table[table["Thème"].str.startswith("Résultat")].iloc[0]
    assert elections["Ouverts"] == 2


def test_wanted_list_grid_marks_boxes_colours_and_unknowns():
    grid = inv.wanted_data_list_html(inv.load_inventory(), group=1)
    assert grid.count("<tr>") == 1 + 7  # header and seven data sets
    assert "#d93b30" in grid and "rouge (insuffisant)" in grid
    assert "ouvert par le groupe 2" in grid
    full = inv.wanted_data_list_html(inv.load_inventory())
    assert 'title="inconnu">?</td>' in full
