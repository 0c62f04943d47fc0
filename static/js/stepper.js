/* The procedure stepper: a link to #step-N (a notification, the "you are here" block) opens
 * that step when it is collapsed in a <details>, and scrolls it into view. Loaded from a file:
 * the Content-Security-Policy allows no inline script. Without it, the step's summary line
 * still shows and a tap opens it. */
(function () {
  "use strict";

  function openTarget() {
    var id = decodeURIComponent((window.location.hash || "").slice(1));
    if (!id) { return; }
    var target = document.getElementById(id);
    if (!target) { return; }
    var opened = false;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) {
        node.open = true;
        opened = true;
      }
    }
    if (opened) { target.scrollIntoView(); }
  }

  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
