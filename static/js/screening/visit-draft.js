// Household visits on a phone that loses the network: the visit form keeps its draft
// (with its client UUID) in localStorage; a form submitted offline waits in an outbox
// and is sent when the phone is back online. The server upserts on the client UUID, so
// sending a visit twice records it once.
(function () {
  "use strict";
  var DRAFT = "shoumen.visit-draft.";
  var OUTBOX = "shoumen.visit-outbox";
  var SKIP = { csrfmiddlewaretoken: true };

  function read(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function write(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage full or off */ }
  }
  function fieldsOf(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) { pairs.push([name, String(value)]); });
    return pairs;
  }
  function show(id, text) {
    var box = document.getElementById(id);
    if (!box) return;
    box.textContent = text;
    box.classList.toggle("d-none", !text);
  }
  function uuidOf(pairs) {
    for (var i = 0; i < pairs.length; i++) if (pairs[i][0] === "client_uuid") return pairs[i][1];
    return "";
  }

  function restore(form, pairs) {
    var byName = {};
    pairs.forEach(function (p) { if (!SKIP[p[0]]) (byName[p[0]] = byName[p[0]] || []).push(p[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name]) return;
      var values = byName[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = !!values && values.indexOf(el.value) !== -1;
      } else if (values) {
        el.value = values[0];
      }
    });
  }

  function outboxCount() { return read(OUTBOX, []).length; }

  function setupForm(form) {
    var key = DRAFT + form.getAttribute("data-visit-draft");
    var hasErrors = form.querySelector(".is-invalid, [data-testid=form-error]");
    var saved = read(key, null);
    if (saved && !hasErrors) {
      restore(form, saved.fields);
      show("draft-status", form.getAttribute("data-msg-restored"));
    }
    function save() { write(key, { action: form.action || location.href, fields: fieldsOf(form) }); }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function (event) {
      save();
      if (navigator.onLine === false) {
        event.preventDefault();
        queue(form.getAttribute("data-visit-draft"), read(key, null));
        show("draft-status", form.getAttribute("data-msg-offline"));
      }
    });
  }

  function queue(task, draft) {
    if (!draft) return;
    var box = read(OUTBOX, []).filter(function (e) { return uuidOf(e.fields) !== uuidOf(draft.fields); });
    box.push({ task: task, action: draft.action, fields: draft.fields });
    write(OUTBOX, box);
  }

  function forget(uuid) {
    if (!uuid) return;
    write(OUTBOX, read(OUTBOX, []).filter(function (e) { return uuidOf(e.fields) !== uuid; }));
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var k = localStorage.key(i);
      if (k && k.indexOf(DRAFT) === 0 && uuidOf((read(k, {}).fields) || []) === uuid) localStorage.removeItem(k);
    }
  }

  var flushing = false;
  function flush() {
    var box = read(OUTBOX, []);
    if (flushing || !box.length || navigator.onLine === false) return;
    flushing = true;
    var entry = box[0];
    var body = new URLSearchParams();
    entry.fields.forEach(function (p) { body.append(p[0], p[1]); });
    fetch(entry.action, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        flushing = false;
        if (response.ok && response.url.indexOf("/visits/") !== -1) {
          forget(uuidOf(entry.fields));
        } else {
          // Refused by the server (a field error): the draft stays for the form.
          write(OUTBOX, read(OUTBOX, []).slice(1));
        }
        report();
        flush();
      })
      .catch(function () { flushing = false; report(); });
  }

  function report() {
    var n = outboxCount();
    var box = document.getElementById("draft-outbox");
    if (box) show("draft-outbox", n ? box.getAttribute("data-msg-waiting").replace("%(n)s", n) : "");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var done = document.querySelector("[data-client-uuid]");
    if (done) forget(done.getAttribute("data-client-uuid"));
    var form = document.querySelector("form[data-visit-draft]");
    if (form) setupForm(form);
    report();
    flush();
  });
  window.addEventListener("online", flush);
})();
