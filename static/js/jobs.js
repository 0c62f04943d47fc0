// Progress of a background job: polls the progress URL and updates the bar; reloads the
// page when the job is done or failed (the page then shows the download link or the error).
// No inline script: the page marks its elements with data- attributes.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-progress-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-job-progress-url");
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-job-progress-label]");
  var delay = 700;

  function show(data) {
    if (bar && data.total > 0) {
      bar.max = data.total;
      bar.value = data.done;
    }
    if (label) {
      label.textContent = data.done + " / " + (data.total || "?");
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.state === "done" || data.state === "failed") {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 10000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
