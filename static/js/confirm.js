/* Irreversible steps ask first.
 *
 * A form marked data-confirm="what cannot be undone" is intercepted on submit: a native
 * <dialog> (#confirm-dialog in base.html) shows the message, and the form is sent only when
 * the user confirms. The dialog's title says the step cannot be undone, unless the form gives its
 * own with data-confirm-title (an undo, or a step that may still be undone for a while). Without this script the form's required "I understand" checkbox
 * (macro confirm_check) stands in for the dialog; with it, the checkbox is hidden and the
 * dialog ticks it. Loaded from a file: the Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";
  var dialog = document.getElementById("confirm-dialog");
  var title = dialog ? dialog.querySelector("#confirm-dialog-title") : null;
  var defaultTitle = title ? title.textContent : "";

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

  function ask(message, onYes, heading) {
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm(message)) { onYes(); }
      return;
    }
    // a step that can be undone (or an undo) says so instead of "cannot be undone": data-confirm-title
    if (title) { title.textContent = heading || defaultTitle; }
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
    ask(form.getAttribute("data-confirm"), function () { send(form, submitter); },
        form.getAttribute("data-confirm-title"));
  });
})();
