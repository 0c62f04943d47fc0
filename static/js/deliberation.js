// Deliberation: the speaker's countdown on the chair's screen and the projector, and the
// projector following the session (polls its JSON feed). No inline scripts; text is set
// with textContent, never as HTML.
(function () {
  "use strict";

  function tick(el) {
    var started = el.getAttribute("data-started-at");
    var limit = parseInt(el.getAttribute("data-limit"), 10);
    if (!started || isNaN(limit)) { el.textContent = ""; el.classList.remove("over-time"); return; }
    var elapsed = Math.floor((Date.now() - Date.parse(started)) / 1000);
    var left = limit - elapsed;
    el.textContent = (left >= 0 ? left : "+" + (-left)) + "s";
    el.classList.toggle("over-time", left < 0);
  }

  function tickAll() {
    document.querySelectorAll(".js-countdown").forEach(tick);
  }

  function text(root, selector, value) {
    var el = root.querySelector(selector);
    if (el) { el.textContent = value; }
  }

  function follow(root) {
    var url = root.getAttribute("data-state-url");
    var labels = root.querySelector(".js-labels").dataset;
    function render(state) {
      var motion = state.motion;
      text(root, ".js-present", state.session.present);
      text(root, ".js-members", state.session.members);
      text(root, ".js-motion-label", motion ? (motion.is_amendment ? labels.amendment : labels.motion) + " " + motion.position : labels.none);
      text(root, ".js-motion-text", motion ? motion.text : "");
      var speaking = state.speaking;
      text(root, ".js-speaker", speaking ? speaking.speaker + " · " + (speaking.side === "for" ? labels["for"] : labels.against) : "—");
      var timer = root.querySelector(".js-countdown");
      timer.setAttribute("data-started-at", speaking ? speaking.started_at : "");
      timer.setAttribute("data-limit", speaking ? speaking.limit : "");
      var list = root.querySelector(".js-results");
      list.textContent = "";
      state.decided.forEach(function (d) {
        var li = document.createElement("li");
        li.textContent = (d.is_amendment ? labels.amendment : labels.motion) + " " + d.position + "：" + d.text + " — " + labels[d.outcome] + "（" + labels.yes + " " + d["for"] +
          " · " + labels.no + " " + d.against + " · " + labels.abstain + " " + d.abstain + "）";
        list.appendChild(li);
      });
      tickAll();
    }
    function poll() {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (state) { if (state) { render(state); } })
        .catch(function () {});
    }
    setInterval(poll, 2000);
  }

  tickAll();
  setInterval(tickAll, 500);
  var projector = document.querySelector(".js-projector");
  if (projector) { follow(projector); }
})();
