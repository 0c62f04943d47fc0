/* Irreversible steps ask first.
 *
 * A form marked data-confirm="what cannot be undone" is intercepted on submit: a native
 * <dialog> (#confirm-dialog in base.html) shows the message, and the form is sent only when
 * the user confirms. Without this script the form's required "I understand" checkbox
 * (macro confirm_check) stands in for the dialog; with it, the checkbox is hidden and the
 * dialog ticks it. Loaded from a file: the Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";
  var dialog = document.getElementById("confirm-dialog");

  function boxesOf(form) {
    return form.querySelectorAll("input[data-confirm-check]");
  }

  function send(form, submitter) {
    form.dataset.confirmed = "1";
    boxesOf(form).forEach(function (box) { box.checked = true; });
    if (form.requestSubmit) {
      form.requestSubmit(submitter || undefined);
    } else {
      form.submit();
    }
  }

  function ask(message, onYes) {
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm(message)) { onYes(); }
      return;
    }
    dialog.querySelector("[data-confirm-message]").textContent = message;
    dialog.returnValue = "";
    dialog.addEventListener("close", function done() {
      dialog.removeEventListener("close", done);
      if (dialog.returnValue === "confirm") { onYes(); }
    });
    dialog.showModal();
    var cancel = dialog.querySelector("button[value=cancel]");
    if (cancel) { cancel.focus(); }
  }

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    boxesOf(form).forEach(function (box) {
      box.required = false;
      var wrapper = box.closest(".confirm-check");
      if (wrapper) { wrapper.hidden = true; }
    });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) { return; }
    if (form.dataset.confirmed === "1") { delete form.dataset.confirmed; return; }
    event.preventDefault();
    var submitter = event.submitter || null;
    ask(form.getAttribute("data-confirm"), function () { send(form, submitter); });
  });
})();
