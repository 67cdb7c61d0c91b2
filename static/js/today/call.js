// One-tap calls: the form posts the person id; the server records the call and answers
// the tel: link, which the page then opens. The number never appears in a URL the server
// sees. After the call the row's result buttons (Normal / Not reached) are focused: the
// result is one more tap.
(function () {
  "use strict";
  if (window.shoumenCall) return;
  window.shoumenCall = true;

  // A link clicked, not a page navigation: the page stays as it is for the result tap.
  function dial(href) {
    var link = document.createElement("a");
    link.href = href;
    link.setAttribute("data-call-link", "");
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-call-form]")) return;
    event.preventDefault();
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    })
      .then(function (response) { return response.json().then(function (data) { return [response.ok, data]; }); })
      .then(function (result) {
        if (button) button.disabled = false;
        if (!result[0]) { window.alert(result[1].error || ""); return; }
        var row = form.closest(".today-row");
        if (row) {
          row.classList.add("called");
          var next = row.querySelector("[data-testid=tap-normal]");
          if (next) next.focus();
        }
        dial(result[1].href);
      })
      .catch(function () { if (button) button.disabled = false; form.submit(); });
  });
})();
