/* The checkpoint scan page. Online, the server decides; offline, this phone decides from
 * the cached public keys and pass list (IndexedDB) and queues the scan, with a client UUID,
 * for /api/v1/scans/batch when the network returns. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("scan-config").textContent);
  const CP = config.checkpoint;
  const $ = (sel) => document.querySelector(sel);
  const T = (key, values) =>
    (config.texts[key] || key).replace(/%\((\w+)\)[ds]/g, (_, k) => String(values[k]));
  const SYNC_CHUNK = 500;
  const ONLINE_TIMEOUT_MS = 4000;
  const REFRESH_MS = 60000;
  const OVERLAP_MS = 60000; // re-read a minute of changes: a late commit is not missed
  // What a cached pass row holds; a list cached in an older shape is downloaded again whole.
  const LIST_FORMAT = 2;

  // ------------------------------------------------------------ IndexedDB
  function openDb() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open("shoumen-scan", 1);
      req.onupgradeneeded = () => {
        const db = req.result;
        db.createObjectStore("meta");
        db.createObjectStore("passes");
        const queue = db.createObjectStore("queue", { keyPath: "client_uuid" });
        queue.createIndex("checkpoint", "checkpoint");
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  const dbReady = openDb();

  async function tx(stores, mode, work) {
    const db = await dbReady;
    return new Promise((resolve, reject) => {
      const t = db.transaction(stores, mode);
      let out;
      Promise.resolve(work(t)).then((v) => (out = v));
      t.oncomplete = () => resolve(out);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  }
  const reqP = (req) =>
    new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });

  // ------------------------------------------------------------ state
  let meta = null; // {format, keys, community, buildings, fever_temperature, expiry_warning_days, server_time, fetched_at}
  const passes = new Map(); // pass id -> {version, status, revoke_reason, name, building}
  let current = null; // the scan on screen, not yet recorded
  // A card held in front of the camera is decoded many times a second. The card read last
  // is not read again while it stays on screen unrecorded, nor until it has been out of
  // the camera's sight for SAME_CARD_MS (counted from each sighting and from recording it).
  const SAME_CARD_MS = 3000;
  let lastCard = null; // {token, at}
  let syncing = null;

  async function loadCache() {
    await tx(["meta", "passes"], "readonly", async (t) => {
      meta = (await reqP(t.objectStore("meta").get("cp:" + CP))) || null;
      const range = IDBKeyRange.bound(CP + ":", CP + ":\uffff");
      const rows = await reqP(t.objectStore("passes").getAll(range));
      rows.forEach((r) => passes.set(r.id, r));
    });
  }

  async function refreshList() {
    const since = meta && meta.server_time && meta.format === LIST_FORMAT
      ? new Date(Date.parse(meta.server_time) - OVERLAP_MS).toISOString()
      : null;
    const params = new URLSearchParams({ checkpoint: CP });
    if (since) params.set("since", since);
    const res = await fetchWithTimeout(config.urls.revocations + "?" + params);
    if (res.status === 401) throw new AuthError();
    if (!res.ok) throw new Error(res.status);
    const body = await res.json();
    const next = {
      format: LIST_FORMAT,
      keys: body.keys,
      community: body.community,
      buildings: body.buildings,
      fever_temperature: Number(body.fever_temperature),
      expiry_warning_days: body.expiry_warning_days,
      server_time: body.server_time,
      fetched_at: Date.now(),
    };
    await tx(["meta", "passes"], "readwrite", (t) => {
      t.objectStore("meta").put(next, "cp:" + CP);
      const store = t.objectStore("passes");
      body.changes.forEach((c) => store.put({ ...c, checkpoint: CP }, CP + ":" + c.id));
    });
    meta = next;
    body.changes.forEach((c) => passes.set(c.id, c));
    showListAge();
  }

  // ------------------------------------------------------------ network
  class AuthError extends Error {}

  async function fetchWithTimeout(url, options) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ONLINE_TIMEOUT_MS);
    try {
      return await fetch(url, {
        credentials: "same-origin",
        signal: controller.signal,
        ...(options || {}),
      });
    } finally {
      clearTimeout(timer);
    }
  }

  function postJson(url, body) {
    return fetchWithTimeout(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf },
      body: JSON.stringify(body),
    });
  }

  // ------------------------------------------------------------ offline check
  const b64url = (s) => {
    const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (s.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  };
  const webKeys = new Map();
  let noble = null;

  async function ed25519Verify(publicB64, signature, message) {
    const raw = b64url(publicB64);
    if (noble === null) {
      try {
        let key = webKeys.get(publicB64);
        if (!key) {
          key = await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
          webKeys.set(publicB64, key);
        }
        return await crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
      } catch (err) {
        if (err && err.name !== "NotSupportedError") return false;
        noble = await import(config.urls.noble); // older browsers: the vendored library
      }
    }
    try {
      return await noble.verifyAsync(signature, message, raw);
    } catch (err) {
      return false;
    }
  }

  function localDay(date) {
    const d = date || new Date();
    return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  }

  function deny(reason, name) {
    return { verdict: "deny", reason, display_name: name || "" };
  }

  // A post for some buildings only cannot tell where an unknown pass lives (issued after the
  // last sync): it refuses rather than guesses.
  function buildingAllowed(known) {
    const buildings = meta.buildings || [];
    if (!buildings.length) return true;
    return Boolean(known) && known.building !== null && buildings.includes(known.building);
  }

  // The order of checks is the server's (services._verdict), so that a phone offline shows
  // the reason the online check would have shown.
  async function verifyOffline(token, temperature) {
    if (!meta) return deny("forged");
    const parts = token.trim().split(".");
    if (parts.length !== 4 || parts[0] !== "SM1") return deny("forged");
    const [prefix, kid, payload, sig] = parts;
    const publicKey = meta.keys[kid];
    if (!publicKey) return deny("forged");
    let claims;
    try {
      const message = new TextEncoder().encode(prefix + "." + kid + "." + payload);
      if (!(await ed25519Verify(publicKey, b64url(sig), message))) return deny("forged");
      claims = JSON.parse(new TextDecoder().decode(b64url(payload)));
    } catch (err) {
      return deny("forged");
    }
    const [passId, , communityId, validUntil, version] = claims;
    const known = passes.get(passId);
    const name = known ? known.name : "";
    if (known && version < known.version) return deny("old_version", name);
    if (known && version === known.version && known.status === "revoked") {
      return deny(known.revoke_reason === "isolation" ? "isolation" : "revoked", name);
    }
    if (communityId !== meta.community) return deny("other_community", name);
    const today = localDay();
    if (validUntil < today) return deny("expired", name);
    if (!buildingAllowed(known)) return deny("building", name);
    if (temperature !== null && temperature >= meta.fever_temperature) return deny("fever", name);
    const daysLeft = (Date.parse(validUntil) - Date.parse(today)) / 86400000;
    if (daysLeft < meta.expiry_warning_days) {
      return { verdict: "warn", reason: "expiring", display_name: name };
    }
    return { verdict: "allow", reason: "ok", display_name: name };
  }

  // ------------------------------------------------------------ one scan
  // Whether a token the camera decoded at ``now`` is a new card to check: a pure decision
  // on what is on screen (``pending``: its token) and the card read last.
  function isNewCard(token, now, pending, last) {
    if (pending !== null && pending === token) return false;
    if (last && last.token === token && now - last.at < SAME_CARD_MS) return false;
    return true;
  }

  // What the camera does with each decoded frame; true when it started a scan.
  function cameraRead(token, now) {
    const at = now === undefined ? Date.now() : now;
    const fresh = isNewCard(token, at, current ? current.token || null : null, lastCard);
    if (fresh || (lastCard && lastCard.token === token)) lastCard = { token, at };
    if (fresh) handleToken(token);
    return fresh;
  }

  function direction() {
    return document.querySelector("input[name=direction]:checked").value;
  }

  function showVerdict(result, offline, note) {
    const box = $("[data-testid=verdict]");
    box.classList.remove("d-none", "allow", "warn", "deny");
    box.classList.add(result.verdict);
    box.dataset.verdict = result.verdict;
    box.dataset.reason = result.reason;
    box.dataset.offline = offline ? "1" : "0";
    $("[data-testid=verdict-word]").textContent = config.verdicts[result.verdict];
    $("[data-testid=verdict-name]").textContent = result.display_name || "";
    $("[data-testid=verdict-reason]").textContent =
      result.reason === "ok" ? "" : config.reasons[result.reason] || "";
    $("[data-testid=verdict-note]").textContent = note || (offline ? T("offline") : "");
  }

  async function handleToken(token) {
    stopCamera();
    const scannedAt = new Date().toISOString();
    let result = null;
    let offline = !navigator.onLine;
    if (!offline) {
      try {
        const res = await postJson(config.urls.verify, { checkpoint: CP, token });
        if (res.status === 401 || res.status === 403) throw new AuthError();
        if (res.ok) result = await res.json();
        else if (res.status === 422) result = deny("forged");
        else offline = true;
      } catch (err) {
        offline = true;
        if (err instanceof AuthError) setStatus(T("login_again"));
      }
    }
    if (result === null) {
      offline = true;
      result = await verifyOffline(token, null);
    }
    current = { token, scannedAt, offline, result, uuid: crypto.randomUUID() };
    showVerdict(result, offline);
    $("[data-testid=temperature]").classList.remove("d-none");
    return result;
  }

  async function confirmScan(temperature) {
    if (!current) return null;
    const scan = current;
    current = null;
    $("[data-testid=temperature]").classList.add("d-none");
    $("[data-testid=temperature-form]").classList.add("d-none");
    if (scan.person) return confirmLookedUp(scan, temperature);
    const row = {
      client_uuid: scan.uuid,
      token: scan.token,
      direction: direction(),
      temperature: temperature === null ? null : temperature.toFixed(1),
      scanned_at: scan.scannedAt,
      offline: false,
    };
    if (!scan.offline && navigator.onLine) {
      try {
        const res = await postJson(config.urls.batch, { checkpoint: CP, rows: [row] });
        if (res.ok) {
          const out = (await res.json()).results[0];
          if (out.result !== "error") {
            showVerdict(
              { verdict: out.verdict, reason: out.reason, display_name: scan.result.display_name },
              false,
              T("recorded"),
            );
            afterScan();
            return out;
          }
        }
      } catch (err) {
        /* the network went away between the check and the tap: queue it below */
      }
    }
    // Offline: this phone's verdict, with the cached fever threshold, is what was shown. A
    // fever is the last check, as on the server: a pass already refused keeps its reason.
    const local =
      scan.offline || !scan.result.verdict ? await verifyOffline(scan.token, temperature) : scan.result;
    const shown =
      local.verdict !== "deny" && temperature !== null && meta && temperature >= meta.fever_temperature
        ? deny("fever", local.display_name)
        : local;
    row.offline = true;
    row.verdict = shown.verdict;
    await tx(["queue"], "readwrite", (t) =>
      t.objectStore("queue").put({ client_uuid: row.client_uuid, checkpoint: CP, row }),
    );
    showVerdict(shown, true, T("queued"));
    await showPending();
    afterScan();
    return { result: "queued", verdict: shown.verdict, reason: shown.reason };
  }

  function afterScan() {
    // The card just recorded is probably still in front of the lens: its cooldown starts now.
    if (lastCard) lastCard.at = Date.now();
    if (cameraWanted) startCamera();
  }

  // ------------------------------------------------------------ sync
  async function pendingRows() {
    return tx(["queue"], "readonly", (t) =>
      reqP(t.objectStore("queue").index("checkpoint").getAll(CP)),
    );
  }

  async function showPending() {
    const n = (await pendingRows()).length;
    $("[data-testid=pending]").textContent = n ? T("pending", { n }) : "";
    $("[data-testid=pending]").dataset.count = String(n);
  }

  function sync() {
    if (!syncing) syncing = doSync().finally(() => (syncing = null));
    return syncing;
  }

  async function doSync() {
    const queued = await pendingRows();
    const totals = { created: 0, unchanged: 0, errors: 0, flagged: 0 };
    if (!queued.length || !navigator.onLine) return totals;
    try {
      for (let i = 0; i < queued.length; i += SYNC_CHUNK) {
        const chunk = queued.slice(i, i + SYNC_CHUNK);
        const res = await postJson(config.urls.batch, {
          checkpoint: CP,
          rows: chunk.map((q) => q.row),
        });
        if (res.status === 401 || res.status === 403) throw new AuthError();
        if (!res.ok) throw new Error(res.status);
        const body = await res.json();
        ["created", "unchanged", "errors", "flagged"].forEach((k) => (totals[k] += body[k]));
        // Rows the server refused stay out of the queue too: resending cannot fix them.
        await tx(["queue"], "readwrite", (t) => {
          const store = t.objectStore("queue");
          body.results.forEach((r) => store.delete(chunk[r.index].client_uuid));
        });
      }
      let message = T("synced", totals);
      if (totals.flagged) message += " · " + T("flagged", { n: totals.flagged });
      setStatus(message, totals.flagged ? "flagged" : "synced");
    } catch (err) {
      setStatus(err instanceof AuthError ? T("login_again") : T("sync_failed"), "failed");
    }
    await showPending();
    return totals;
  }

  function setStatus(text, state) {
    const el = $("[data-testid=status]");
    el.textContent = text;
    el.dataset.state = state || "";
  }

  // ------------------------------------------------------------ screen furniture
  function showListAge() {
    const el = $("[data-testid=list-age]");
    if (!meta) {
      el.textContent = T("list_never");
      return;
    }
    const minutes = Math.max(0, Math.floor((Date.now() - meta.fetched_at) / 60000));
    const age = minutes < 120 ? T("minutes", { n: minutes }) : T("hours", { n: Math.floor(minutes / 60) });
    el.textContent = T("list_age", { age });
    el.dataset.minutes = String(minutes);
    el.classList.toggle("text-warning", minutes >= 60);
  }

  function showNetwork() {
    const el = $("[data-testid=network]");
    el.textContent = navigator.onLine ? el.dataset.online : el.dataset.offline;
    el.dataset.state = navigator.onLine ? "online" : "offline";
    el.className = "badge " + (navigator.onLine ? "text-bg-light" : "text-bg-warning");
  }

  async function whenOnline() {
    showNetwork();
    if (!navigator.onLine) return;
    try {
      await refreshList();
    } catch (err) {
      /* keep the cached list */
    }
    await sync();
  }

  // ------------------------------------------------------------ camera
  let cameraWanted = false;
  let stream = null;

  async function startCamera() {
    cameraWanted = true;
    const box = $("[data-testid=camera]");
    const video = box.querySelector("video");
    const canvas = box.querySelector("canvas");
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (err) {
      cameraWanted = false;
      setStatus(T("camera_failed"), "failed");
      $("[data-testid=lookup]").open = true;
      return;
    }
    box.hidden = false;
    video.srcObject = stream;
    await video.play();
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    const tick = () => {
      if (!stream) return;
      if (video.readyState >= 2) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        ctx.drawImage(video, 0, 0);
        const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
        const code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        if (code && code.data && cameraRead(code.data)) return;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  function stopCamera() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    $("[data-testid=camera]").hidden = true;
  }

  // ------------------------------------------------------------ manual lookup
  async function lookup(form) {
    const errorBox = $("[data-testid=lookup-error]");
    const list = $("[data-testid=candidates]");
    errorBox.textContent = "";
    list.replaceChildren();
    if (!navigator.onLine) {
      errorBox.textContent = T("lookup_offline");
      return;
    }
    const params = new URLSearchParams(new FormData(form));
    let res;
    try {
      res = await fetchWithTimeout(config.urls.lookup + "?" + params);
    } catch (err) {
      errorBox.textContent = T("lookup_offline");
      return;
    }
    const body = await res.json();
    if (!res.ok) {
      errorBox.textContent = Object.values(body.errors || {}).flat().join(" ") || body.detail;
      return;
    }
    if (!body.candidates.length) errorBox.textContent = T("lookup_none");
    body.candidates.forEach((c) => {
      const item = document.createElement("button");
      item.type = "button";
      item.className = "list-group-item list-group-item-action d-flex justify-content-between";
      item.dataset.testid = "candidate";
      const who = document.createElement("span");
      who.textContent = c.display_name + (c.place ? " · " + c.place : "");
      const note = document.createElement("span");
      note.className = "small text-secondary";
      note.textContent = c.has_pass ? "" : T("no_pass");
      item.append(who, note);
      item.dataset.verdict = c.verdict;
      item.addEventListener("click", () => choose(c));
      list.append(item);
    });
  }

  // A resident found by the lookup: the server gave its verdict and keeps the pass token;
  // the passage is recorded by naming the resident (confirmScan).
  function choose(candidate) {
    stopCamera();
    const result = {
      verdict: candidate.verdict,
      reason: candidate.reason,
      display_name: candidate.display_name,
    };
    current = {
      person: candidate.person,
      scannedAt: new Date().toISOString(),
      offline: false,
      result,
      uuid: crypto.randomUUID(),
    };
    showVerdict(result, false);
    $("[data-testid=temperature]").classList.toggle("d-none", !candidate.has_pass);
  }

  async function confirmLookedUp(scan, temperature) {
    const row = {
      client_uuid: scan.uuid,
      direction: direction(),
      temperature: temperature === null ? null : temperature.toFixed(1),
      scanned_at: scan.scannedAt,
    };
    try {
      const res = await postJson(`${config.urls.lookup}/${scan.person}/scans`, row);
      const out = res.ok ? await res.json() : null;
      if (out && out.result !== "error") {
        showVerdict(
          { verdict: out.verdict, reason: out.reason, display_name: scan.result.display_name },
          false,
          T("recorded"),
        );
        afterScan();
        return out;
      }
    } catch (err) {
      /* the network went away: said below */
    }
    showVerdict(scan.result, false, T("record_failed"));
    return { result: "error" };
  }

  // ------------------------------------------------------------ wiring
  function registerServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker
      .register(config.urls.sw)
      .then(() => navigator.serviceWorker.ready)
      .then((reg) => {
        const assets = [
          config.urls.page,
          config.urls.noble,
          ...[...document.querySelectorAll("script[src], link[rel=stylesheet]")].map(
            (el) => el.getAttribute("src") || el.getAttribute("href"),
          ),
        ];
        reg.active.postMessage({ cache: assets });
      })
      .catch(() => {});
  }

  $("[data-testid=scan-button]").addEventListener("click", startCamera);
  $("[data-testid=sync-button]").addEventListener("click", whenOnline);
  document.querySelectorAll("[data-temperature]").forEach((chip) =>
    chip.addEventListener("click", () => confirmScan(Number(chip.dataset.temperature))),
  );
  $("[data-testid=temperature-other]").addEventListener("click", () => {
    const form = $("[data-testid=temperature-form]");
    form.classList.remove("d-none");
    form.querySelector("input").focus();
  });
  $("[data-testid=temperature-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = Number(event.target.temperature.value);
    if (value >= 34 && value <= 43) confirmScan(value);
  });
  document.querySelectorAll("[data-lookup]").forEach((form) =>
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      lookup(form);
    }),
  );
  window.addEventListener("online", whenOnline);
  window.addEventListener("offline", showNetwork);

  const ready = loadCache().then(async () => {
    showListAge();
    showNetwork();
    await showPending();
    await whenOnline();
  });
  setInterval(() => {
    showListAge();
    whenOnline();
  }, REFRESH_MS);
  registerServiceWorker();

  // What the camera would hand over, for the manual path's tests and for QR readers that
  // type the decoded text.
  window.shoumenScan = {
    ready,
    submitToken: (token) => ready.then(() => handleToken(token)),
    confirm: (temperature) => confirmScan(temperature),
    sync,
    refresh: whenOnline,
    // A decoded camera frame (the camera cannot be driven headless), and its decision.
    cameraRead,
    isNewCard,
    sameCardMs: SAME_CARD_MS,
  };
})();
