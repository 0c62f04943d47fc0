// The nomination form (templates/nominations/new.html): filter the roll lists as the organiser
// types, show the fields of the chosen channel, count the co-signers. Loaded as a file so the
// Content-Security-Policy can forbid inline scripts.
(function () {
  document.querySelectorAll('.roll-filter').forEach(function (input) {
    var select = document.getElementById(input.dataset.target);
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (o) {
        o.hidden = q !== '' && o.text.toLowerCase().indexOf(q) === -1 && !(o.selected && select.multiple);
      });
    });
  });
  var channel = document.getElementById('channel');
  var cosigners = document.getElementById('cosigner_ids');
  if (!channel || !cosigners) return;
  function refresh() {
    document.getElementById('joint-fields').style.display = channel.value === 'joint' ? '' : 'none';
    document.getElementById('org-fields').style.display = (channel.value === 'party' || channel.value === 'community') ? '' : 'none';
    document.getElementById('cosigner-count').textContent = cosigners.selectedOptions.length;
  }
  channel.addEventListener('change', refresh);
  cosigners.addEventListener('change', refresh);
  refresh();
})();
