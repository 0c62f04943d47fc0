/* A "copy" button for a piece of text (the ballot receipt code).
 *
 * <button data-copy-target="#receipt" data-copy-status="#copy-status" data-copied="…" data-selected="…" hidden>
 * The button is hidden until this script runs (without script, the page asks to write the code
 * down). A click copies the target's text with navigator.clipboard; where that is missing or
 * refused (an old browser, a page not served over HTTPS), the text is selected so the user can
 * copy it by hand, and the status line says which happened. Loaded from a file: the
 * Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";

  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function wire(button) {
    var target = document.querySelector(button.getAttribute("data-copy-target"));
    var status = document.querySelector(button.getAttribute("data-copy-status"));
    if (!target) { return; }
    button.hidden = false;

    function say(copied) {
      select(target);
      if (status) { status.textContent = copied ? button.getAttribute("data-copied") : button.getAttribute("data-selected"); }
    }

    function fallback() {
      select(target);
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
      say(copied);
    }

    button.addEventListener("click", function () {
      var text = target.textContent.trim();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { say(true); }, fallback);
      } else {
        fallback();
      }
    });
  }

  document.querySelectorAll("[data-copy-target]").forEach(wire);
}());
