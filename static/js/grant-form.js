// The admin's role form (templates/accounts/user.html): show only the scope fields of the chosen
// role, and pick an owner by compound, building and unit from the roll. Without JavaScript every
// group shows with a note of the role it is for, and a button reloads the page with the units.
(function () {
  var form = document.getElementById('grant-form');
  if (!form) return;
  var role = document.getElementById('role');
  var groups = form.querySelectorAll('[data-role-fields]');
  var hint = document.getElementById('role-fields-hint');

  function showRole() {
    groups.forEach(function (group) {
      var mine = group.dataset.roleFields === role.value;
      group.hidden = !mine;
      group.disabled = !mine; // a hidden group's values are not sent
    });
  }
  if (hint) hint.hidden = true;
  form.querySelectorAll('.role-fields-applies').forEach(function (note) { note.hidden = true; });
  role.addEventListener('change', showRole);
  showRole();

  var compound = document.getElementById('owner_compound_id');
  var building = document.getElementById('owner_building_id');
  var unit = document.getElementById('owner_unit_id');
  var reload = document.getElementById('owner-units-reload');
  var empty = document.getElementById('owner-units-empty');
  if (!compound || !building || !unit) return;
  if (reload) reload.hidden = true;
  if (empty) empty.hidden = true;
  var buildings = [];
  var placeholder = unit.options[0].text;

  function option(value, text) {
    var o = document.createElement('option');
    o.value = value;
    o.textContent = text;
    return o;
  }
  function fillUnits() {
    var chosen = unit.value;
    unit.replaceChildren(option('0', placeholder));
    buildings.forEach(function (b) {
      if (String(b.id) !== building.value) return;
      b.units.forEach(function (u) { unit.appendChild(option(u.id, b.name + '-' + u.label)); });
    });
    unit.value = Array.prototype.some.call(unit.options, function (o) { return o.value === chosen; }) ? chosen : '0';
    unit.disabled = building.value === '0';
  }
  function fillBuildings() {
    var chosen = building.value;
    building.replaceChildren(option('0', placeholder));
    buildings.forEach(function (b) { building.appendChild(option(b.id, b.name)); });
    building.value = Array.prototype.some.call(building.options, function (o) { return o.value === chosen; }) ? chosen : '0';
    building.disabled = compound.value === '0';
    fillUnits();
  }
  function load() {
    buildings = [];
    if (compound.value === '0') { fillBuildings(); return; }
    var url = form.dataset.unitsUrl.replace('/0/units', '/' + encodeURIComponent(compound.value) + '/units');
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : { buildings: [] }; })
      .then(function (data) { buildings = data.buildings || []; fillBuildings(); });
  }
  compound.addEventListener('change', function () { building.value = '0'; load(); });
  building.addEventListener('change', fillUnits);
  load();
})();
