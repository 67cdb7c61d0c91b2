// Copy buttons: <button data-copy-target="id-of-a-textarea" data-copied-label="Copied">.
// The text goes to the clipboard through navigator.clipboard where the page may use it
// (HTTPS or localhost); elsewhere the textarea's text is selected and copied the old way,
// and left selected, so a long press copies it by hand if that fails too.
(function () {
  "use strict";
  if (window.shoumenCopy) return;
  window.shoumenCopy = true;

  function selectText(field) {
    field.focus();
    field.select();
    field.setSelectionRange(0, field.value.length);
  }

  function fallback(field) {
    selectText(field);
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function done(button) {
    var label = button.getAttribute("data-copied-label");
    if (!label) return;
    var before = button.textContent;
    button.textContent = label;
    button.classList.add("btn-success");
    window.setTimeout(function () {
      button.textContent = before;
      button.classList.remove("btn-success");
    }, 2000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy-target]") : null;
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) return;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () {
          done(button);
        },
        function () {
          if (fallback(field)) done(button);
        }
      );
    } else if (fallback(field)) {
      done(button);
    }
  });
})();
