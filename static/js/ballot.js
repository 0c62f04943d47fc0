// The online ballot of an election (templates/voting/ballot.html): at most `data-seats`
// candidates can be ticked; the count is shown beside the heading. Loaded as a file so the
// Content-Security-Policy can forbid inline scripts.
(function () {
  var form = document.getElementById('ballot-form');
  if (!form || !form.dataset.seats) return;
  var max = parseInt(form.dataset.seats, 10), boxes = form.querySelectorAll('input[name=candidate]'),
      out = document.getElementById('picked');
  function update() {
    var n = 0; boxes.forEach(function (b) { if (b.checked) n++; });
    boxes.forEach(function (b) { b.disabled = !b.checked && n >= max; });
    out.textContent = '(' + n + '/' + max + ')';
  }
  boxes.forEach(function (b) { b.addEventListener('change', update); }); update();
})();
